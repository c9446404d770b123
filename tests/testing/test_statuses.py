"""How the testing kit moves jobs, executions and documents through their statuses
(``mistral_testing.statuses``), and the server's ``--finish-after``."""

from __future__ import annotations

import pytest

from mistral_testing.server import FakeServer, main
from mistral_testing.statuses import TRACKED, Statuses

CREATE = "jobs_api_routes_batch_create_batch_job"
GET = "jobs_api_routes_batch_get_batch_job"


def created(statuses: Statuses, operation: str = CREATE, request: object = None) -> str:
    """The id of a new object, made by ``operation``."""
    answer = statuses.answer(operation, {"id": "sample", "status": "SUCCESS"}, {}, request)
    assert answer["status"] == TRACKED[operation].progression.on_the_way[0]
    object_id: str = answer[TRACKED[operation].id_field]
    return object_id


def read(statuses: Statuses, job_id: str) -> str:
    status: str = statuses.answer(GET, {"id": "sample", "status": "QUEUED"}, {"job_id": job_id})[
        "status"
    ]
    return status


def test_an_object_moves_to_its_end_and_stays_there() -> None:
    statuses = Statuses(finish_after=3)
    job = created(statuses)
    assert [read(statuses, job) for _ in range(5)] == [
        "RUNNING",
        "RUNNING",
        "SUCCESS",
        "SUCCESS",
        "SUCCESS",
    ]
    assert statuses.reads(job) == 5


def test_each_object_moves_by_its_own_reads() -> None:
    statuses = Statuses()
    one, two = created(statuses), created(statuses)
    assert one != two
    assert [read(statuses, one), read(statuses, one)] == ["RUNNING", "SUCCESS"]
    assert read(statuses, two) == "RUNNING"


def test_ids_are_the_same_from_one_run_to_the_next() -> None:
    assert created(Statuses()) == created(Statuses())


def test_a_failing_object_ends_in_failure() -> None:
    statuses = Statuses(finish_after=1)
    job = created(statuses)
    statuses.fail(job)
    assert read(statuses, job) == "FAILED"


def test_an_execution_keeps_the_id_its_request_names() -> None:
    execute = "execute_workflow_v1_workflows__workflow_identifier__execute_post"
    assert created(Statuses(), execute, {"execution_id": "run-1"}) == "run-1"
    assert created(Statuses(), execute, {}) != "run-1"


def test_a_document_has_both_its_statuses() -> None:
    answer = Statuses(finish_after=1).answer(
        "libraries_documents_get_status_v1", {}, {"library_id": "l1", "document_id": "d1"}
    )
    assert answer == {"document_id": "d1", "process_status": "done", "processing_status": "done"}


def test_other_answers_are_left_alone() -> None:
    statuses = Statuses()
    assert statuses.answer("jobs_api_routes_batch_get_batch_jobs", {"status": "x"}, {}) == {
        "status": "x"
    }
    assert statuses.answer(GET, ["not", "an", "object"], {"job_id": "j"}) == ["not", "an", "object"]


def test_the_end_is_a_read() -> None:
    with pytest.raises(ValueError, match="finish_after is a read, from 1: not 0"):
        Statuses(finish_after=0)


def test_the_server_takes_the_read_of_the_end() -> None:
    with FakeServer(finish_after=5) as server:
        assert server.statuses.finish_after == 5
    with pytest.raises(SystemExit):
        main(["--finish-after", "0"])
