"""When each kind of object has ended, for its ``wait``: the spec's statuses, and a status
this client does not know yet (an end, so that no wait outlives what it waits for)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mistral_plugin_batch._wait import BATCH_JOB
from mistral_plugin_batch.models import BatchJobStatus
from mistral_plugin_fine_tuning._wait import FINE_TUNING_JOB
from mistral_plugin_fine_tuning.models import CompletionDetailedJobOutStatus
from mistral_plugin_libraries._wait import DOCUMENT
from mistral_plugin_libraries.models import ProcessStatus
from mistral_plugin_workflows._wait import WORKFLOW_EXECUTION
from mistral_plugin_workflows.models import WorkflowExecutionStatus


@pytest.mark.parametrize("status", [*BatchJobStatus, "A_NEW_STATUS"])
def test_batch_jobs(status: str) -> None:
    running = status in ("QUEUED", "RUNNING", "CANCELLATION_REQUESTED")
    assert BATCH_JOB.running(SimpleNamespace(status=status)) is running


@pytest.mark.parametrize("status", [*CompletionDetailedJobOutStatus, "A_NEW_STATUS"])
def test_fine_tuning_jobs(status: str) -> None:
    running = status in ("QUEUED", "STARTED", "VALIDATING", "RUNNING", "CANCELLATION_REQUESTED")
    assert FINE_TUNING_JOB.running(SimpleNamespace(status=status, auto_start=True)) is (
        running or status == "VALIDATED"
    )
    assert FINE_TUNING_JOB.running(SimpleNamespace(status=status, auto_start=False)) is running


@pytest.mark.parametrize("status", [*ProcessStatus, "a_new_status"])
def test_documents(status: str) -> None:
    running = status in ("todo", "in_progress", "waiting_for_capacity")
    assert DOCUMENT.running(SimpleNamespace(process_status=status)) is running


@pytest.mark.parametrize("status", [*WorkflowExecutionStatus, "A_NEW_STATUS", None])
def test_workflow_executions(status: str | None) -> None:
    running = status in ("RUNNING", "RETRYING_AFTER_ERROR", None)
    assert WORKFLOW_EXECUTION.running(SimpleNamespace(status=status)) is running
