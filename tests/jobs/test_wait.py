"""``wait`` of batch jobs, fine-tuning jobs and library documents, sync and async, against
the local fake server and ``mistral_mock``: to the end, a failure, a timeout and a new
process that waits on by id, progress, the server's ``Retry-After``, cancellation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from mistral_core import Mistral, WaitTimeoutError, _transport
from mistral_testing.pytest_plugin import MistralMock
from mistral_testing.statuses import TRACKED, Progression
from tests.conftest import Clock
from tests.jobs.conftest import Api, call

LIBRARY = "0b7e1c9a-5a1e-4f0e-9d56-2c3a1f6f2a10"


@attrs.frozen
class Case:
    """One kind of object that a group's ``wait`` waits for."""

    group: Callable[[Mistral], Any]
    create: Callable[[Mistral], Any]
    ids: Callable[[Any], dict[str, str]]
    """The ``wait`` arguments that name a created object."""
    status: str
    """The attribute of its status."""
    created_by: str
    read_by: str

    @property
    def progression(self) -> Progression:
        """Its statuses in the fake APIs."""
        return TRACKED[self.read_by].progression


CASES = {
    "batch.jobs": Case(
        lambda client: client.batch.jobs,
        lambda client: client.batch.jobs.create(
            endpoint="/v1/chat/completions", input_files=["batch-input"]
        ),
        lambda job: {"job_id": job.id},
        "status",
        "jobs_api_routes_batch_create_batch_job",
        "jobs_api_routes_batch_get_batch_job",
    ),
    "fine_tuning.jobs": Case(
        lambda client: client.fine_tuning.jobs,
        lambda client: client.fine_tuning.jobs.create(
            model="open-mistral-7b", hyperparameters={"learning_rate": 0.0001}
        ),
        lambda job: {"job_id": job.id},
        "status",
        "jobs_api_routes_fine_tuning_create_fine_tuning_job",
        "jobs_api_routes_fine_tuning_get_fine_tuning_job",
    ),
    "beta.libraries.documents": Case(
        lambda client: client.beta.libraries.documents,
        lambda client: client.beta.libraries.documents.upload(
            library_id=LIBRARY, file=("notes.txt", b"Some notes.\n")
        ),
        lambda document: {"library_id": LIBRARY, "document_id": document.id},
        "process_status",
        "libraries_documents_upload_v1",
        "libraries_documents_get_v1",
    ),
}


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


def wait(case: Case, client: Mistral, is_async: bool, ids: dict[str, str], **more: Any) -> Any:
    """The group's ``wait`` (or ``wait_async``) on the object of ``ids``."""
    return call(case.group(client), "wait", is_async, **ids, **more)


def status(case: Case, found: Any) -> str:
    return str(getattr(found, case.status))


def test_waits_to_the_end_with_progress(api: Api, clock: Clock, case: Case, is_async: bool) -> None:
    seen: list[str] = []

    def report(found: Any) -> None:
        seen.append(status(case, found))

    with api.client() as client:
        created = case.create(client)
        done = wait(case, client, is_async, case.ids(created), on_progress=report)

    on_the_way, end = case.progression.on_the_way, case.progression.succeeded
    assert status(case, created) == on_the_way[0]
    assert status(case, done) == end
    assert done.id == created.id
    assert seen == [on_the_way[1], end]  # every read, the last one too
    assert clock.sleeps == [1.0]
    assert api.statuses.reads(created.id) == 2


def test_a_failure_is_returned(api: Api, clock: Clock, case: Case, is_async: bool) -> None:
    with api.client() as client:
        created = case.create(client)
        api.statuses.fail(created.id)
        done = wait(case, client, is_async, case.ids(created))
    assert status(case, done) == case.progression.failed


def test_a_process_killed_mid_wait_waits_on_by_id(
    api: Api, clock: Clock, case: Case, is_async: bool
) -> None:
    api.statuses.finish_after = 10
    with api.client() as first:
        ids = case.ids(case.create(first))
        with pytest.raises(WaitTimeoutError) as raised:
            wait(case, first, is_async, ids, timeout=5)
    assert status(case, raised.value.last) == case.progression.on_the_way[-1]
    assert str(raised.value.status) == case.progression.on_the_way[-1]
    assert clock.sleeps == [1.0, 1.5, 2.25, 0.25]

    with api.client() as second:  # a new process, which knows the id only
        done = wait(case, second, is_async, ids)

    assert status(case, done) == case.progression.succeeded
    assert len(api.sent(case.created_by)) == 1  # nothing created twice
    assert len(api.sent(case.read_by)) == 10


def test_the_server_says_when_to_read_again(clock: Clock, case: Case, is_async: bool) -> None:
    with MistralMock() as mock, Mistral(api_key="k") as client:
        created = case.create(client)
        mock.reply(case.read_by, headers={"retry-after": "7"})  # the sample, with a delay
        done = wait(case, client, is_async, case.ids(created))
    assert status(case, done) == case.progression.succeeded
    assert clock.sleeps == [7.0]


def test_a_polling_interval_fixes_the_waits(api: Api, clock: Clock, is_async: bool) -> None:
    api.statuses.finish_after = 4
    case = CASES["batch.jobs"]
    with api.client() as client:
        wait(case, client, is_async, case.ids(case.create(client)), polling_interval=5)
    assert clock.sleeps == [5, 5, 5]


def test_call_options_go_to_every_read(api: Api, clock: Clock) -> None:
    case = CASES["batch.jobs"]
    with api.client() as client:
        ids = case.ids(case.create(client))
        client.batch.jobs.wait(**ids, inline=True, http_headers={"x-trace": "t1"})
    reads = api.sent(case.read_by)
    assert len(reads) == 2
    assert all(read.headers["x-trace"] == "t1" for read in reads)


def test_with_the_mistral_mock_fixture(mistral_mock: MistralMock) -> None:
    """As a user's own test: no real wait, the waits recorded with the retries'."""
    with Mistral(api_key="k") as client:
        job = client.batch.jobs.create(endpoint="/v1/embeddings", input_files=["batch-input"])
        mistral_mock.statuses.fail(job.id)
        done = client.batch.jobs.wait(job_id=job.id)
    assert done.status == "FAILED"
    assert mistral_mock.waits == [1.0]


def test_a_timeout_passes_with_the_mistral_mock_fixture(mistral_mock: MistralMock) -> None:
    """The waits not slept move the time a wait reads: its timeout passes at once."""
    mistral_mock.statuses.finish_after = 100
    with Mistral(api_key="k") as client:
        job = client.batch.jobs.create(endpoint="/v1/embeddings", input_files=["batch-input"])
        with pytest.raises(WaitTimeoutError, match="after 5 reads"):
            client.batch.jobs.wait(job_id=job.id, timeout=8)
    assert sum(mistral_mock.waits) == pytest.approx(8, abs=0.1)


@pytest.mark.anyio
async def test_a_cancelled_wait_leaves_the_job_to_a_later_one(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeping = asyncio.Event()

    async def sleep_until_cancelled(seconds: float) -> None:
        sleeping.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(_transport, "async_sleep", sleep_until_cancelled)
    async with api.client() as client:
        job = await client.batch.jobs.create_async(
            endpoint="/v1/chat/completions", input_files=["batch-input"]
        )
        task = asyncio.ensure_future(client.batch.jobs.wait_async(job_id=job.id))
        await sleeping.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert api.statuses.reads(job.id) == 1

        done = await client.batch.jobs.get_async(job_id=job.id)  # the client still works
    assert done.status == "SUCCESS"
