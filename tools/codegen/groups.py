"""Which operations each resource plugin exposes, and under which method names.

The spec names operations (``operationId``) but not the methods of a client; the names
here are the official ``mistralai`` SDK's, so that its examples run unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    operation_id: str
    name: str
    kind: str = ""
    """``call`` (JSON answer), ``stream`` (server-sent events) or ``download`` (bytes).

    Empty: read from the spec's answer (events for a stream, other media for a download);
    given where one operation answers both JSON and events (``complete``, ``stream``).
    """
    events: str = ""
    """The event model of a stream, when the spec does not give it for this operation."""
    renames: tuple[tuple[str, str], ...] = ()
    """(JSON name, argument name) where the official SDK names an argument otherwise."""
    requires_done: bool = False
    """Whether the stream always ends with ``data: [DONE]`` (completions)."""


@dataclass(frozen=True)
class Group:
    path: str
    """Where the group is mounted on the client: ``chat``, ``batch.jobs``."""
    distribution: str
    class_name: str
    summary: str
    methods: tuple[Method, ...]
    also: tuple[str, ...] = ()
    """Other places the group is mounted (``events`` beside ``workflows.events``)."""

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path, *self.also)

    @property
    def module(self) -> str:
        """The private module that defines the group's class: ``_documents``.

        Private, so that no group can take the name of the public ``models`` module; the
        package exports the class.
        """
        return "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", self.class_name).lower()

    @property
    def package(self) -> str:
        return self.distribution.replace("-", "_")

    @property
    def directory(self) -> str:
        return self.distribution.removeprefix("mistral-plugin-")


def methods(**operation_ids: str) -> tuple[Method, ...]:
    """Methods named by keyword, each calling the operation given, of the kind the spec says."""
    return tuple(Method(operation_id, name) for name, operation_id in operation_ids.items())


INPUTS = (("input", "inputs"),)
"""The official SDK calls the ``input`` of embeddings and classifiers ``inputs``."""

GROUPS = (
    Group(
        "chat",
        "mistral-plugin-chat",
        "Chat",
        "Chat completions, whole or streamed.",
        (
            Method("chat_completion_v1_chat_completions_post", "complete"),
            Method(
                "chat_completion_v1_chat_completions_post", "stream", "stream", requires_done=True
            ),
        ),
    ),
    Group(
        "fim",
        "mistral-plugin-fim",
        "Fim",
        "Fill-in-the-middle code completions, whole or streamed.",
        (
            Method("fim_completion_v1_fim_completions_post", "complete"),
            Method(
                "fim_completion_v1_fim_completions_post", "stream", "stream", requires_done=True
            ),
        ),
    ),
    Group(
        "agents",
        "mistral-plugin-agents",
        "Agents",
        "Completions by an agent, whole or streamed.",
        (
            Method("agents_completion_v1_agents_completions_post", "complete"),
            Method(
                "agents_completion_v1_agents_completions_post",
                "stream",
                "stream",
                events="CompletionEvent",
                requires_done=True,
            ),
        ),
    ),
    Group(
        "embeddings",
        "mistral-plugin-embeddings",
        "Embeddings",
        "Embeddings of texts.",
        (Method("embeddings_v1_embeddings_post", "create", renames=INPUTS),),
    ),
    Group(
        "classifiers",
        "mistral-plugin-classifiers",
        "Classifiers",
        "Moderation and classification of texts and conversations.",
        (
            Method("moderations_v1_moderations_post", "moderate", renames=INPUTS),
            Method("chat_moderations_v1_chat_moderations_post", "moderate_chat", renames=INPUTS),
            Method("classifications_v1_classifications_post", "classify", renames=INPUTS),
            Method(
                "chat_classifications_v1_chat_classifications_post",
                "classify_chat",
                renames=INPUTS,
            ),
        ),
    ),
    Group(
        "ocr",
        "mistral-plugin-ocr",
        "Ocr",
        "Optical character recognition of documents and images.",
        (Method("ocr_v1_ocr_post", "process"),),
    ),
    Group(
        "files",
        "mistral-plugin-files",
        "Files",
        "Files to fine-tune, batch or OCR: upload, list, retrieve, delete, download.",
        (
            Method("files_api_routes_upload_file", "upload"),
            Method("files_api_routes_list_files", "list"),
            Method("files_api_routes_retrieve_file", "retrieve"),
            Method("files_api_routes_delete_file", "delete"),
            Method("files_api_routes_download_file", "download", "download"),
            Method("files_api_routes_get_signed_url", "get_signed_url"),
        ),
    ),
    Group(
        "models",
        "mistral-plugin-models",
        "Models",
        "The models available to you, base and fine-tuned.",
        (
            Method("list_models_v1_models_get", "list"),
            Method("retrieve_model_v1_models__model_id__get", "retrieve"),
            Method("delete_model_v1_models__model_id__delete", "delete"),
            Method("jobs_api_routes_fine_tuning_update_fine_tuned_model", "update"),
            Method("jobs_api_routes_fine_tuning_archive_fine_tuned_model", "archive"),
            Method("jobs_api_routes_fine_tuning_unarchive_fine_tuned_model", "unarchive"),
        ),
    ),
    Group(
        "batch.jobs",
        "mistral-plugin-batch",
        "BatchJobs",
        "Batch jobs: many requests run together, at a lower price.",
        (
            Method("jobs_api_routes_batch_get_batch_jobs", "list"),
            Method("jobs_api_routes_batch_create_batch_job", "create"),
            Method("jobs_api_routes_batch_get_batch_job", "get"),
            Method("jobs_api_routes_batch_cancel_batch_job", "cancel"),
            Method("jobs_api_routes_batch_delete_batch_job", "delete"),
        ),
    ),
    Group(
        "fine_tuning.jobs",
        "mistral-plugin-fine-tuning",
        "FineTuningJobs",
        "Fine-tuning jobs.",
        (
            Method("jobs_api_routes_fine_tuning_get_fine_tuning_jobs", "list"),
            Method("jobs_api_routes_fine_tuning_create_fine_tuning_job", "create"),
            Method("jobs_api_routes_fine_tuning_get_fine_tuning_job", "get"),
            Method("jobs_api_routes_fine_tuning_cancel_fine_tuning_job", "cancel"),
            Method("jobs_api_routes_fine_tuning_start_fine_tuning_job", "start"),
        ),
    ),
    Group(
        "beta.agents",
        "mistral-plugin-agents",
        "BetaAgents",
        "Agents: their versions, aliases and settings.",
        methods(
            create="agents_api_v1_agents_create",
            list="agents_api_v1_agents_list",
            list_pages="agents_api_v1_agents_list_pages",
            get="agents_api_v1_agents_get",
            update="agents_api_v1_agents_update",
            delete="agents_api_v1_agents_delete",
            update_version="agents_api_v1_agents_update_version",
            list_versions="agents_api_v1_agents_list_versions",
            get_version="agents_api_v1_agents_get_version",
            create_version_alias="agents_api_v1_agents_create_or_update_alias",
            list_version_aliases="agents_api_v1_agents_list_version_aliases",
            delete_version_alias="agents_api_v1_agents_delete_alias",
        ),
    ),
    Group(
        "beta.conversations",
        "mistral-plugin-conversations",
        "Conversations",
        "Conversations kept by the server: start, append, restart, whole or streamed.",
        methods(
            start="agents_api_v1_conversations_start",
            list="agents_api_v1_conversations_list",
            get="agents_api_v1_conversations_get",
            delete="agents_api_v1_conversations_delete",
            append="agents_api_v1_conversations_append",
            get_history="agents_api_v1_conversations_history",
            get_messages="agents_api_v1_conversations_messages",
            restart="agents_api_v1_conversations_restart",
            start_stream="agents_api_v1_conversations_start_stream",
            append_stream="agents_api_v1_conversations_append_stream",
            restart_stream="agents_api_v1_conversations_restart_stream",
        ),
    ),
    Group(
        "beta.libraries",
        "mistral-plugin-libraries",
        "Libraries",
        "Document libraries that agents search.",
        methods(
            list="libraries_list_v1",
            create="libraries_create_v1",
            get="libraries_get_v1",
            delete="libraries_delete_v1",
            update="libraries_patch_v1",
            libraries_update_v1="libraries_update_v1",
        ),
    ),
    Group(
        "beta.libraries.documents",
        "mistral-plugin-libraries",
        "Documents",
        "The documents of a library: upload, processing status, text.",
        methods(
            list="libraries_documents_list_v1",
            upload="libraries_documents_upload_v1",
            get="libraries_documents_get_v1",
            update="libraries_documents_patch_v1",
            libraries_documents_update_v1="libraries_documents_update_v1",
            delete="libraries_documents_delete_v1",
            text_content="libraries_documents_get_text_content_v1",
            status="libraries_documents_get_status_v1",
            get_signed_url="libraries_documents_get_signed_url_v1",
            extracted_text_signed_url="libraries_documents_get_extracted_text_signed_url_v1",
            reprocess="libraries_documents_reprocess_v1",
        ),
    ),
    Group(
        "beta.libraries.accesses",
        "mistral-plugin-libraries",
        "Accesses",
        "Who a library is shared with.",
        methods(
            list="libraries_share_list_v1",
            update_or_create="libraries_share_create_v1",
            delete="libraries_share_delete_v1",
        ),
    ),
    Group(
        "audio.transcriptions",
        "mistral-plugin-audio",
        "Transcriptions",
        "Speech to text, whole or streamed.",
        methods(
            complete="audio_api_v1_transcriptions_post",
            stream="audio_api_v1_transcriptions_post_stream",
        ),
    ),
    Group(
        "audio.speech",
        "mistral-plugin-audio",
        "Speech",
        "Text to speech, whole or streamed.",
        (
            Method("speech_v1_audio_speech_post", "complete"),
            Method("speech_v1_audio_speech_post", "stream", "stream"),
        ),
    ),
    Group(
        "audio.voices",
        "mistral-plugin-audio",
        "Voices",
        "The voices speech is spoken in.",
        methods(
            list="list_voices_v1_audio_voices_get",
            create="create_voice_v1_audio_voices_post",
            delete="delete_voice_v1_audio_voices__voice_id__delete",
            update="update_voice_v1_audio_voices__voice_id__patch",
            get="get_voice_v1_audio_voices__voice_id__get",
            get_sample_audio="get_voice_sample_audio_v1_audio_voices__voice_id__sample_get",
        ),
    ),
    Group(
        "beta.connectors",
        "mistral-plugin-connectors",
        "Connectors",
        "Connectors to outside tools (MCP servers): their credentials, sharing and tools.",
        methods(
            create="connector_create_v1",
            list="connector_list_v1",
            get_auth_url="connector_get_auth_url_v1",
            share="connector_share_v1",
            unshare="connector_unshare_v1",
            activate_for_consumer="connector_activate_for_consumer_v1",
            deactivate_for_consumer="connector_deactivate_for_consumer_v1",
            call_tool="connector_call_tool_v1",
            list_tools="connector_list_tools_v1",
            get_authentication_methods="connector_get_authentication_methods_v1",
            list_organization_credentials="connector_list_organization_credentials_v1",
            create_or_update_organization_credentials="connector_create_or_update_organization_credentials_v1",
            list_workspace_credentials="connector_list_workspace_credentials_v1",
            create_or_update_workspace_credentials="connector_create_or_update_workspace_credentials_v1",
            list_user_credentials="connector_list_user_credentials_v1",
            create_or_update_user_credentials="connector_create_or_update_user_credentials_v1",
            delete_all_user_credentials="connector_delete_all_user_credentials_v1",
            delete_organization_credentials="connector_delete_organization_credentials_v1",
            delete_workspace_credentials="connector_delete_workspace_credentials_v1",
            delete_user_credentials="connector_delete_user_credentials_v1",
            get="connector_get_v1",
            update="connector_update_v1",
            delete="connector_delete_v1",
        ),
    ),
    Group(
        "beta.observability.chat_completion_events",
        "mistral-plugin-observability",
        "ChatCompletionEvents",
        "Recorded chat completions: search, inspect, judge.",
        methods(
            search="get_chat_completion_events_v1_observability_chat_completion_events_search_post",
            search_ids="get_chat_completion_event_ids_v1_observability_chat_completion_events_search_ids_post",
            get="get_chat_completion_event_v1_observability_chat_completion_events__event_id__get",
            get_similar_events="get_similar_chat_completion_events_v1_observability_chat_completion_events__event_id__similar_events_get",
            judge="judge_chat_completion_event_v1_observability_chat_completion_events__event_id__live_judging_post",
        ),
    ),
    Group(
        "beta.observability.chat_completion_events.fields",
        "mistral-plugin-observability",
        "ChatCompletionFields",
        "The fields chat completion events can be searched by.",
        methods(
            list="get_chat_completion_fields_v1_observability_chat_completion_fields_get",
            get_options="get_chat_completion_field_options_v1_observability_chat_completion_fields__field_name__options_get",
            get_options_counts="get_chat_completion_field_options_counts_v1_observability_chat_completion_fields__field_name__options_counts_post",
        ),
    ),
    Group(
        "beta.observability.judges",
        "mistral-plugin-observability",
        "Judges",
        "Judges that grade completions and conversations.",
        methods(
            create="create_judge_v1_observability_judges_post",
            list="get_judges_v1_observability_judges_get",
            fetch="get_judge_by_id_v1_observability_judges__judge_id__get",
            delete="delete_judge_v1_observability_judges__judge_id__delete",
            update="update_judge_v1_observability_judges__judge_id__put",
            judge_conversation="judge_conversation_v1_observability_judges__judge_id__live_judging_post",
        ),
    ),
    Group(
        "beta.observability.campaigns",
        "mistral-plugin-observability",
        "Campaigns",
        "Campaigns that run a judge over selected events.",
        methods(
            create="create_campaign_v1_observability_campaigns_post",
            list="get_campaigns_v1_observability_campaigns_get",
            fetch="get_campaign_by_id_v1_observability_campaigns__campaign_id__get",
            delete="delete_campaign_v1_observability_campaigns__campaign_id__delete",
            fetch_status="get_campaign_status_by_id_v1_observability_campaigns__campaign_id__status_get",
            list_selected_events="get_campaign_selected_events_v1_observability_campaigns__campaign_id__selected_events_get",
        ),
    ),
    Group(
        "beta.observability.datasets",
        "mistral-plugin-observability",
        "Datasets",
        "Datasets of records to evaluate on: imports, exports, tasks.",
        methods(
            create="create_dataset_v1_observability_datasets_post",
            list="get_datasets_v1_observability_datasets_get",
            fetch="get_dataset_by_id_v1_observability_datasets__dataset_id__get",
            delete="delete_dataset_v1_observability_datasets__dataset_id__delete",
            update="update_dataset_v1_observability_datasets__dataset_id__patch",
            list_records="get_dataset_records_v1_observability_datasets__dataset_id__records_get",
            create_record="create_dataset_record_v1_observability_datasets__dataset_id__records_post",
            import_from_campaign="post_dataset_records_from_campaign_v1_observability_datasets__dataset_id__imports_from_campaign_post",
            import_from_explorer="post_dataset_records_from_explorer_v1_observability_datasets__dataset_id__imports_from_explorer_post",
            import_from_file="post_dataset_records_from_file_v1_observability_datasets__dataset_id__imports_from_file_post",
            import_from_playground="post_dataset_records_from_playground_v1_observability_datasets__dataset_id__imports_from_playground_post",
            import_from_dataset_records="post_dataset_records_from_dataset_v1_observability_datasets__dataset_id__imports_from_dataset_post",
            export_to_jsonl="export_dataset_to_jsonl_v1_observability_datasets__dataset_id__exports_to_jsonl_get",
            fetch_task="get_dataset_import_task_v1_observability_datasets__dataset_id__tasks__task_id__get",
            list_tasks="get_dataset_import_tasks_v1_observability_datasets__dataset_id__tasks_get",
        ),
    ),
    Group(
        "beta.observability.datasets.records",
        "mistral-plugin-observability",
        "DatasetRecords",
        "The records of a dataset.",
        methods(
            fetch="get_dataset_record_v1_observability_dataset_records__dataset_record_id__get",
            delete="delete_dataset_record_v1_observability_dataset_records__dataset_record_id__delete",
            bulk_delete="delete_dataset_records_v1_observability_dataset_records_bulk_delete_post",
            judge="judge_dataset_record_v1_observability_dataset_records__dataset_record_id__live_judging_post",
            update_payload="update_dataset_record_payload_v1_observability_dataset_records__dataset_record_id__payload_put",
            update_properties="update_dataset_record_properties_v1_observability_dataset_records__dataset_record_id__properties_put",
        ),
    ),
    Group(
        "beta.observability.logs",
        "mistral-plugin-observability",
        "Logs",
        "Search the logs.",
        methods(
            search="search_logs_v1_observability_logs_search_post",
            list="get_log_fields_v1_observability_logs_fields_get",
            fetch_options="get_log_field_options_v1_observability_logs_fields__field_name__options_get",
        ),
    ),
    Group(
        "beta.observability.traces",
        "mistral-plugin-observability",
        "Traces",
        "Search and aggregate traces, and read their spans.",
        methods(
            search="search_traces_v1_observability_traces_search_post",
            aggregate="aggregate_traces_v1_observability_traces_aggregate_post",
            get_trace_fields="get_trace_fields_v1_observability_traces_fields_get",
            get_trace_by_id="get_trace_by_id_v1_observability_traces__trace_id__get",
            get_trace_spans="get_trace_spans_v1_observability_traces__trace_id__spans_get",
            fetch_options="get_trace_field_options_v1_observability_traces_fields__field_name__options_get",
            get_span_by_id="get_span_by_id_v1_observability_traces__trace_id__spans__span_id__get",
        ),
    ),
    Group(
        "beta.observability.spans",
        "mistral-plugin-observability",
        "Spans",
        "Search and aggregate spans and their evaluations.",
        methods(
            search_spans="search_spans_v1_observability_spans_search_post",
            aggregate="aggregate_spans_v1_observability_spans_aggregate_post",
            search_span_evaluations="search_span_evaluations_v1_observability_spans_evaluations_search_post",
            search_latest_span_evaluations="search_latest_span_evaluations_v1_observability_spans_evaluations_search_latest_post",
            list_span_fields="get_span_fields_v1_observability_spans_fields_get",
            list_span_eval_fields="get_span_evaluation_fields_v1_observability_spans_evaluations_fields_get",
            fetch_span_field_options="get_span_field_options_v1_observability_spans_fields__field_name__options_get",
            fetch_span_eval_field_options="get_span_evaluation_field_options_v1_observability_spans_evaluations_fields__field_name__options_get",
        ),
    ),
    Group(
        "beta.prompts",
        "mistral-plugin-prompts",
        "Prompts",
        "Versioned prompts.",
        methods(
            list="prompts_list",
            create="prompts_create",
            get="prompts_get",
            delete="prompts_delete",
            update_metadata="prompts_update",
            list_versions="prompts_list_versions",
            create_version="prompts_create_version",
            get_version="prompts_get_version",
            update_version_metadata="prompts_update_version_metadata",
        ),
    ),
    Group(
        "beta.skills",
        "mistral-plugin-skills",
        "Skills",
        "Versioned skills.",
        methods(
            list="skills_list",
            create="skills_create",
            get="skills_get",
            delete="skills_delete",
            update_metadata="skills_update",
            list_versions="skills_list_versions",
            create_version="skills_create_version",
            get_version="skills_get_version",
            update_version_metadata="skills_update_version_metadata",
        ),
    ),
    Group(
        "beta.rag.ingestion_pipeline_configurations",
        "mistral-plugin-rag",
        "IngestionPipelineConfigurations",
        "Configurations of RAG ingestion pipelines.",
        methods(
            list="get_configs_v1_rag_ingestion_pipeline_configurations_get",
            register="register_config_v1_rag_ingestion_pipeline_configurations_put",
            update_run_info="update_run_info_v1_rag_ingestion_pipeline_configurations__id__run_info_put",
        ),
    ),
    Group(
        "beta.rag.search_indexes",
        "mistral-plugin-rag",
        "SearchIndexes",
        "RAG search index deployments and their metrics.",
        methods(
            get_deployment_summaries="get_deployment_summaries_v1_rag_deployments_get",
            register_deployment="register_deployment_v1_rag_deployments_put",
            unregister_deployment="unregister_deployment_v1_rag_deployments__deployment_id__delete",
            update_index_metrics="update_index_metrics_v1_rag_deployments__deployment_id__metrics_put",
        ),
    ),
    Group(
        "workflows",
        "mistral-plugin-workflows",
        "Workflows",
        "Workflows: list, run, archive.",
        methods(
            get_workflows="get_workflows_v1_workflows_get",
            get_workflow_registrations="get_workflow_registrations_v1_workflows_registrations_get",
            execute_workflow="execute_workflow_v1_workflows__workflow_identifier__execute_post",
            execute_workflow_registration="execute_workflow_registration_v1_workflows_registrations__workflow_registration_id__execute_post",
            get_workflow="get_workflow_v1_workflows__workflow_identifier__get",
            update_workflow="update_workflow_v1_workflows__workflow_identifier__put",
            get_workflow_registration="get_workflow_registration_v1_workflows_registrations__workflow_registration_id__get",
            bulk_archive_workflows="bulk_archive_workflows_v1_workflows_archive_put",
            bulk_unarchive_workflows="bulk_unarchive_workflows_v1_workflows_unarchive_put",
            archive_workflow="archive_workflow_v1_workflows__workflow_identifier__archive_put",
            unarchive_workflow="unarchive_workflow_v1_workflows__workflow_identifier__unarchive_put",
        ),
    ),
    Group(
        "workflows.executions",
        "mistral-plugin-workflows",
        "Executions",
        "Workflow executions: signals, queries, traces, logs and live streams.",
        methods(
            get_workflow_execution="get_workflow_execution_v1_workflows_executions__execution_id__get",
            get_workflow_execution_history="get_workflow_execution_history_v1_workflows_executions__execution_id__history_get",
            signal_workflow_execution="signal_workflow_execution_v1_workflows_executions__execution_id__signals_post",
            query_workflow_execution="query_workflow_execution_v1_workflows_executions__execution_id__queries_post",
            terminate_workflow_execution="terminate_workflow_execution_v1_workflows_executions__execution_id__terminate_post",
            batch_terminate_workflow_executions="batch_terminate_workflow_executions_v1_workflows_executions_terminate_post",
            cancel_workflow_execution="cancel_workflow_execution_v1_workflows_executions__execution_id__cancel_post",
            batch_cancel_workflow_executions="batch_cancel_workflow_executions_v1_workflows_executions_cancel_post",
            reset_workflow="reset_workflow_v1_workflows_executions__execution_id__reset_post",
            update_workflow_execution="update_workflow_execution_v1_workflows_executions__execution_id__updates_post",
            get_workflow_execution_trace_info="get_workflow_execution_trace_info",
            get_workflow_execution_trace_otel="get_workflow_execution_trace_otel",
            get_workflow_execution_trace_summary="get_workflow_execution_trace_summary",
            get_workflow_execution_trace_events="get_workflow_execution_trace_events",
            stream="stream_v1_workflows_executions__execution_id__stream_get",
            get_workflow_execution_logs="get_workflow_execution_logs",
            stream_workflow_execution_logs="stream_workflow_execution_logs",
        ),
    ),
    Group(
        "workflows.metrics",
        "mistral-plugin-workflows",
        "Metrics",
        "Metrics of a workflow.",
        methods(
            get_workflow_metrics="get_workflow_metrics_v1_workflows__workflow_name__metrics_get",
        ),
    ),
    Group(
        "workflows.runs",
        "mistral-plugin-workflows",
        "Runs",
        "Workflow runs and their history.",
        methods(
            list_runs="list_runs_v1_workflows_runs_get",
            get_run="get_run_v1_workflows_runs__run_id__get",
            get_run_history="get_run_history_v1_workflows_runs__run_id__history_get",
        ),
    ),
    Group(
        "workflows.schedules",
        "mistral-plugin-workflows",
        "Schedules",
        "Workflow schedules.",
        methods(
            get_schedules="get_schedules_v1_workflows_schedules_get",
            schedule_workflow="schedule_workflow_v1_workflows_schedules_post",
            get_schedule="get_schedule_v1_workflows_schedules__schedule_id__get",
            unschedule_workflow="unschedule_workflow_v1_workflows_schedules__schedule_id__delete",
            update_schedule="update_schedule_v1_workflows_schedules__schedule_id__patch",
            pause_schedule="pause_schedule_v1_workflows_schedules__schedule_id__pause_post",
            resume_schedule="resume_schedule_v1_workflows_schedules__schedule_id__resume_post",
            trigger_schedule="trigger_schedule_v1_workflows_schedules__schedule_id__trigger_post",
        ),
    ),
    Group(
        "workflows.events",
        "mistral-plugin-workflows",
        "Events",
        "Workflow events, listed or streamed live.",
        methods(
            get_stream_events="get_stream_events_v1_workflows_events_stream_get",
            get_workflow_events="get_workflow_events_v1_workflows_events_list_get",
        ),
        also=("events",),
    ),
    Group(
        "workflows.deployments",
        "mistral-plugin-workflows",
        "Deployments",
        "Workflow deployments, their workers and logs.",
        methods(
            list_deployments="list_deployments_v1_workflows_deployments_get",
            create_deployment="create_deployment_v1_workflows_deployments_post",
            update_deployment="update_deployment_v1_workflows_deployments__name__patch",
            delete_deployment="delete_deployment_v1_workflows_deployments__name__delete",
            get_deployment="get_deployment_v1_workflows_deployments__name__get",
            stop_deployment="stop_deployment_v1_workflows_deployments__name__stop_post",
            start_deployment="start_deployment_v1_workflows_deployments__name__start_post",
            restart_deployment="restart_deployment_v1_workflows_deployments__name__restart_post",
            list_deployment_workers="list_deployment_workers_v1_workflows_deployments__name__workers_get",
            get_deployment_logs="get_deployment_logs",
            stream_deployment_logs="stream_deployment_logs",
        ),
    ),
    Group(
        "workflows.workers",
        "mistral-plugin-workflows",
        "Workers",
        "The workflow worker that answers.",
        methods(whoami="get_worker_info_v1_workflows_workers_whoami_get"),
    ),
    Group(
        "beta.users",
        "mistral-plugin-admin",
        "Users",
        "The signed-in user, their organizations and workspaces.",
        methods(
            get_identity="users_api_get_identity",
            list_organizations="users_api_list_organizations",
            list_workspaces="users_api_list_workspaces",
        ),
    ),
    Group(
        "beta.admin.users",
        "mistral-plugin-admin",
        "AdminUsers",
        "An organization's users, invites and roles (admin key).",
        methods(
            list="users_api_admin_users_get_users",
            create="users_api_admin_users_create_users",
            invite="users_api_admin_users_invite_users",
            list_invites="users_api_admin_users_get_invite",
            delete_invite="users_api_admin_users_delete_invite",
            update="users_api_admin_users_update_user",
            delete="users_api_admin_users_delete_user",
            get="users_api_admin_users_get_user",
            list_roles="users_api_admin_roles_get_roles",
        ),
    ),
    Group(
        "beta.admin.workspaces",
        "mistral-plugin-admin",
        "AdminWorkspaces",
        "An organization's workspaces and their members (admin key).",
        methods(
            list="users_api_admin_workspaces_get_workspaces",
            create="users_api_admin_workspaces_create_workspace",
            update="users_api_admin_workspaces_update_workspaces",
            delete="users_api_admin_workspaces_delete_workspaces",
            add_users="users_api_admin_workspaces_add_users_workspaces",
            add_or_update_users="users_api_admin_workspaces_add_or_update_users_workspaces",
            remove_users="users_api_admin_workspaces_remove_users_workspaces",
        ),
    ),
    Group(
        "beta.admin.billing",
        "mistral-plugin-admin",
        "Billing",
        "Rate limits, spend limits and usage (admin key).",
        methods(
            get_rate_limits="users_api_admin_rate_limits_get_rate_limits",
            get_spend_limits="users_api_admin_spend_limits_get_spend_limits",
            update_spend_limits="users_api_admin_spend_limits_update_spend_limits",
            get_usage="users_api_admin_usage_get_usage",
        ),
    ),
    Group(
        "beta.admin.audit_logs",
        "mistral-plugin-admin",
        "AuditLogs",
        "The organization's audit log (admin key).",
        methods(
            list="users_api_admin_audit_logs_get_audit_logs",
        ),
    ),
    Group(
        "beta.admin.user_groups",
        "mistral-plugin-admin",
        "UserGroups",
        "User groups, their members and workspaces (admin key).",
        methods(
            list="users_api_admin_user_groups_get_user_groups",
            create="users_api_admin_user_groups_create_user_group",
            provision_workspace="users_api_admin_user_groups_provision_group_to_workspace",
            get="users_api_admin_user_groups_get_user_group",
            update="users_api_admin_user_groups_update_user_group",
            delete="users_api_admin_user_groups_delete_user_group",
            list_members="users_api_admin_user_groups_get_user_group_members",
            add_members="users_api_admin_user_groups_assign_users_to_group",
            remove_members="users_api_admin_user_groups_remove_users_from_group",
            list_workspaces="users_admin_user_groups_get_group_workspace_assignments",
            assign_workspace="users_api_admin_user_groups_assign_group_to_workspace",
            update_workspace_assignment="users_admin_user_groups_update_group_workspace_assignment",
            remove_workspace="users_admin_user_groups_remove_group_from_workspace",
            update_organization_role="users_admin_user_groups_update_user_group_organization_role",
            list_nested_groups="users_api_admin_user_groups_get_nested_groups",
            set_nested_groups="users_api_admin_user_groups_set_nested_groups",
        ),
    ),
    Group(
        "beta.admin.api_keys",
        "mistral-plugin-admin",
        "ApiKeys",
        "The organization's API keys (admin key).",
        methods(
            list="users_api_admin_api_keys_get_api_keys",
            create="users_api_admin_api_keys_create_api_key",
            delete="users_api_admin_api_keys_delete_api_key",
        ),
    ),
    Group(
        "beta.admin.scim",
        "mistral-plugin-admin",
        "Scim",
        "SCIM directory synchronisation (admin key).",
        methods(
            trigger_sync="users_api_admin_scim_sync_trigger_scim_sync",
            get_sync_run="users_api_admin_scim_sync_get_scim_sync_run",
        ),
    ),
    Group(
        "beta.admin.vibe_work_analytics",
        "mistral-plugin-admin",
        "VibeWorkAnalytics",
        "Usage statistics of Vibe work (admin key).",
        methods(
            get_by_user_stats="get_by_user_stats_v1_admin_analytics_vibe_work_usage_by_user_stats",
            get_by_agent_stats="get_by_agent_stats_v1_admin_analytics_vibe_work_usage_by_agent_stats",
            get_by_time_stats="get_by_time_stats_v1_admin_analytics_vibe_work_usage_by_time_stats",
        ),
    ),
    Group(
        "beta.admin.vibe_code_analytics",
        "mistral-plugin-admin",
        "VibeCodeAnalytics",
        "Usage statistics of Vibe code (admin key).",
        methods(
            get_workspace_stats="get_workspace_stats_v1_admin_analytics_vibe_code_usage_by_workspace",
            get_organization_stats="get_organization_stats_v1_admin_analytics_vibe_code_usage_by_organization",
        ),
    ),
)

DISTRIBUTIONS = {
    "mistral-plugin-chat": "Chat completions, whole or streamed.",
    "mistral-plugin-fim": "Fill-in-the-middle code completions, whole or streamed.",
    "mistral-plugin-agents": "Agents: completions by an agent, and the agents themselves.",
    "mistral-plugin-embeddings": "Embeddings of texts.",
    "mistral-plugin-classifiers": "Moderation and classification of texts and conversations.",
    "mistral-plugin-ocr": "Optical character recognition of documents and images.",
    "mistral-plugin-files": "Files to fine-tune, batch or OCR.",
    "mistral-plugin-models": "The models available to you, base and fine-tuned.",
    "mistral-plugin-batch": "Batch jobs: many requests run together, at a lower price.",
    "mistral-plugin-fine-tuning": "Fine-tuning jobs.",
    "mistral-plugin-conversations": "Conversations with agents and models, kept by the server.",
    "mistral-plugin-libraries": "Document libraries, their documents and who they are shared with.",
    "mistral-plugin-audio": "Transcription, speech and voices.",
    "mistral-plugin-connectors": "Connectors to outside tools.",
    "mistral-plugin-observability": "Observability: recorded events, judges, datasets, traces.",
    "mistral-plugin-prompts": "Versioned prompts.",
    "mistral-plugin-skills": "Versioned skills.",
    "mistral-plugin-rag": "RAG ingestion pipelines and search indexes.",
    "mistral-plugin-workflows": "Workflows: executions, runs, schedules, events, deployments.",
    "mistral-plugin-admin": "The signed-in user, and the organization's administration.",
}
"""Each distribution and what it holds, in the order ``GROUPS`` first uses them."""
