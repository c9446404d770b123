"""``workflows.execute_workflow_and_wait``, ``wait_for_workflow_completion`` (sync and
async) and ``get_scheduler_namespace``, with the official SDK's meaning, against the local
fake server and ``mistral_mock``."""

from __future__ import annotations

import asyncio

import pytest

from mistral_core import WaitTimeoutError
from mistral_plugin_workflows import WorkflowExecutionFailedError, get_scheduler_namespace
from tests.conftest import Clock
from tests.jobs.conftest import Api, call

EXECUTE = "execute_workflow_v1_workflows__workflow_identifier__execute_post"
READ = "get_workflow_execution_v1_workflows_executions__execution_id__get"


def test_execute_and_wait_returns_the_result(api: Api, clock: Clock, is_async: bool) -> None:
    seen: list[str] = []
    with api.client() as client:
        result = call(
            client.workflows,
            "execute_workflow_and_wait",
            is_async,
            workflow_identifier="invoice-reminders",
            input={"customer": "c-42"},
            on_progress=lambda execution: seen.append(str(execution.status)),
        )
    assert result == "sample"  # the sample execution's result
    assert seen == ["RUNNING", "COMPLETED"]
    assert clock.sleeps == [1.0]
    (started,) = api.sent(EXECUTE)
    assert started.json == {"input": {"customer": "c-42"}}
    assert len(api.sent(READ)) == 2


def test_an_execution_that_fails_raises(api: Api, clock: Clock, is_async: bool) -> None:
    api.statuses.fail("run-1")
    with api.client() as client, pytest.raises(WorkflowExecutionFailedError) as raised:
        call(
            client.workflows,
            "execute_workflow_and_wait",
            is_async,
            workflow_identifier="invoice-reminders",
            execution_id="run-1",
        )
    error = raised.value
    assert isinstance(error, RuntimeError)  # what the official SDK raises
    assert error.status == error.execution.status == "FAILED"
    assert error.execution.execution_id == "run-1"
    assert str(error) == "Workflow failed with status: FAILED (execution 'run-1')"


def test_a_process_killed_mid_wait_waits_on_by_id(api: Api, clock: Clock, is_async: bool) -> None:
    api.statuses.finish_after = 10
    with api.client() as first, pytest.raises(WaitTimeoutError) as raised:
        call(
            first.workflows,
            "execute_workflow_and_wait",
            is_async,
            workflow_identifier="invoice-reminders",
            execution_id="run-2",
            timeout_seconds=5,
        )
    assert raised.value.status == "RUNNING"

    with api.client() as second:
        done = call(
            second.workflows, "wait_for_workflow_completion", is_async, execution_id="run-2"
        )
    assert done.status == "COMPLETED"
    assert len(api.sent(EXECUTE)) == 1  # nothing started twice
    assert len(api.sent(READ)) == 10


def test_max_attempts_bounds_the_reads(api: Api, clock: Clock, is_async: bool) -> None:
    api.statuses.finish_after = 10
    with api.client() as client, pytest.raises(WaitTimeoutError, match="after 3 reads"):
        call(
            client.workflows,
            "wait_for_workflow_completion",
            is_async,
            execution_id="run-3",
            max_attempts=3,
            polling_interval=5,
        )
    assert clock.sleeps == [5, 5]


def test_api_sync_lets_the_server_wait(api: Api, clock: Clock, is_async: bool) -> None:
    with api.client() as client:
        result = call(
            client.workflows,
            "execute_workflow_and_wait",
            is_async,
            workflow_identifier="invoice-reminders",
            use_api_sync=True,
            timeout_seconds=30,
        )
    assert result == "sample"
    (started,) = api.sent(EXECUTE)
    assert started.json == {"wait_for_result": True, "timeout_seconds": 30}
    assert api.sent(READ) == []


def test_call_options_go_to_the_reads_but_not_the_body(api: Api, clock: Clock) -> None:
    with api.client() as client:
        client.workflows.execute_workflow_and_wait(
            workflow_identifier="invoice-reminders",
            http_headers={"x-trace": "t1"},
            extra_body={"priority": "high"},
        )
    (started,) = api.sent(EXECUTE)
    assert started.json == {"priority": "high"}
    reads = api.sent(READ)
    assert [read.headers["x-trace"] for read in reads] == ["t1", "t1"]
    assert [read.json for read in reads] == [None, None]


def test_get_scheduler_namespace(api: Api) -> None:
    with api.client() as client:
        namespace = asyncio.run(get_scheduler_namespace(client))
        assert namespace == client.workflows.workers.whoami().namespace == "sample"
    assert len(api.sent("get_worker_info_v1_workflows_workers_whoami_get")) == 2
