"""Which operations each resource plugin exposes, and under which method names.

The spec names operations (``operationId``) but not the methods of a client; the names
here are the official ``mistralai`` SDK's, so that its examples run unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    operation_id: str
    name: str
    kind: str = "call"
    """``call`` (JSON answer), ``stream`` (server-sent events) or ``download`` (bytes)."""
    events: str = ""
    """The event model of a stream, when the spec does not give it for this operation."""
    renames: tuple[tuple[str, str], ...] = ()
    """(JSON name, argument name) where the official SDK names an argument otherwise."""


@dataclass(frozen=True)
class Group:
    path: str
    """Where the group is mounted on the client: ``chat``, ``batch.jobs``."""
    distribution: str
    class_name: str
    summary: str
    methods: tuple[Method, ...]

    @property
    def package(self) -> str:
        return self.distribution.replace("-", "_")

    @property
    def directory(self) -> str:
        return self.distribution.removeprefix("mistral-plugin-")


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
            Method("chat_completion_v1_chat_completions_post", "stream", "stream"),
        ),
    ),
    Group(
        "fim",
        "mistral-plugin-fim",
        "Fim",
        "Fill-in-the-middle code completions, whole or streamed.",
        (
            Method("fim_completion_v1_fim_completions_post", "complete"),
            Method("fim_completion_v1_fim_completions_post", "stream", "stream"),
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
)
