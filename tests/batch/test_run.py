"""``batch.jobs.run`` and its steps against the local fake server, sync and async: every
endpoint the Batch API serves read typed, results keyed by custom id with the errors
apart, inline and uploaded inputs, a job that fails."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mistral_core import Mistral, WaitTimeoutError
from mistral_plugin_batch import BatchJob, BatchJobError, BatchRequestError, BatchResponseError
from mistral_plugin_batch._state import RUN_ID_KEY
from mistral_plugin_chat.models import ChatCompletionResponse
from mistral_plugin_classifiers.models import ClassificationResponse, ModerationResponse
from mistral_plugin_embeddings.models import EmbeddingResponse
from mistral_plugin_fim.models import FIMCompletionResponse
from mistral_plugin_ocr.models import OCRResponse
from mistral_testing.server import FakeServer

from .conftest import CHAT, CREATE, UPLOAD, chat_requests, sent

FAST = 0.01
TEXT = [{"role": "user", "content": "Is this fine?"}]
ENDPOINTS: list[tuple[str, dict[str, Any], type]] = [
    (CHAT, {"messages": TEXT}, ChatCompletionResponse),
    ("/v1/fim/completions", {"prompt": "def f("}, FIMCompletionResponse),
    ("/v1/embeddings", {"input": ["a"]}, EmbeddingResponse),
    ("/v1/moderations", {"input": ["a"]}, ModerationResponse),
    ("/v1/chat/moderations", {"input": [TEXT]}, ModerationResponse),
    ("/v1/classifications", {"input": ["a"]}, ClassificationResponse),
    ("/v1/chat/classifications", {"input": {"messages": TEXT}}, ClassificationResponse),
    (
        "/v1/ocr",
        {"document": {"type": "document_url", "document_url": "https://x/y.pdf"}},
        OCRResponse,
    ),
]


@pytest.mark.parametrize("inline_threshold", [1000, 0], ids=["inline", "uploaded"])
def test_run_gives_each_result_by_custom_id_and_the_errors_apart(
    client: Mistral, server: FakeServer, inline_threshold: int
) -> None:
    requests = [*chat_requests(3), {"custom_id": "bad", "body": {"max_tokens": 1}}]
    run = client.batch.jobs.run(
        requests,
        endpoint=CHAT,
        model="mistral-small-latest",
        metadata={"team": "a"},
        polling_interval=FAST,
        inline_threshold=inline_threshold,
    )
    assert (run.job.status, run.job.total_requests, run.job.failed_requests) == ("SUCCESS", 4, 1)
    assert isinstance(run.job.metadata, dict)
    assert run.job.metadata == {"team": "a", RUN_ID_KEY: run.job.metadata[RUN_ID_KEY]}
    outcomes = {outcome.custom_id or "": outcome for outcome in run}
    assert sorted(outcomes) == ["bad", "q0", "q1", "q2"]
    for n in range(3):
        response = outcomes[f"q{n}"].response
        assert isinstance(response, ChatCompletionResponse)
        assert response.choices[0].message.content == f"Answer to q{n}."
    error = outcomes["bad"].error
    assert isinstance(error, BatchRequestError)
    assert error.status_code == 400
    assert "messages" in str(error.error)
    assert sent(server, UPLOAD) == (inline_threshold == 0)
    assert [outcome.custom_id for outcome in run] == list(outcomes)  # read again


@pytest.mark.parametrize(("endpoint", "body", "model"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_every_endpoint_is_read_as_its_response_model(
    client: Mistral, endpoint: str, body: dict[str, Any], model: type
) -> None:
    run = client.batch.jobs.run([body, {}], endpoint=endpoint, model="m", polling_interval=FAST)
    ok, failed = list(run)
    assert isinstance(ok.response, model)
    assert ok.error is None
    assert isinstance(failed.error, BatchRequestError)
    assert failed.custom_id == "1"


@pytest.mark.anyio
async def test_run_async_and_its_steps(client: Mistral, server: FakeServer) -> None:
    jobs = client.batch.jobs
    run = await jobs.run_async(
        chat_requests(2), endpoint=CHAT, model="m", polling_interval=FAST, inline_threshold=1
    )
    assert [outcome.custom_id async for outcome in run] == ["q0", "q1"]
    file_id = await jobs.upload_requests_async({"only": {"messages": TEXT}})
    job = await jobs.create_async(endpoint=CHAT, input_files=[file_id], model="m")
    await jobs.wait_async(job_id=job.id, polling_interval=FAST)
    typed = jobs.stream_results_async(job.id, response_type=ChatCompletionResponse)
    results = [o async for o in typed]
    assert [(o.custom_id, o.ok) for o in results] == [("only", True)]
    assert sent(server, UPLOAD) == 2


def test_steps_upload_create_wait_and_read_by_job_id(client: Mistral, server: FakeServer) -> None:
    jobs = client.batch.jobs
    file_id = jobs.upload_requests(chat_requests(2), file_name="questions.jsonl")
    job = jobs.create(endpoint=CHAT, input_files=[file_id], model="m")
    seen: list[str] = []
    ended = jobs.wait(
        job_id=job.id, polling_interval=FAST, on_progress=lambda j: seen.append(j.status)
    )
    assert seen[-1] == "SUCCESS"
    assert ended.output_file
    with Mistral(api_key="k", server_url=server.url) as again:  # another process: an id only
        assert [o.custom_id for o in again.batch.jobs.stream_results(job.id)] == ["q0", "q1"]


def test_a_response_that_does_not_read_is_kept_as_an_error(client: Mistral) -> None:
    run = client.batch.jobs.run(chat_requests(1), endpoint=CHAT, model="m", polling_interval=FAST)
    [outcome] = client.batch.jobs.stream_results(run.job, response_type=EmbeddingResponse)
    assert isinstance(outcome.error, BatchResponseError)
    assert outcome.custom_id == "q0"
    assert outcome.error.body["choices"]


def test_a_job_that_fails_raises_with_the_job(client: Mistral, server: FakeServer) -> None:
    def fail(job: BatchJob) -> None:
        server.statuses.fail(job.id)

    with pytest.raises(BatchJobError, match="ended FAILED: the fake server failed") as raised:
        client.batch.jobs.run(
            chat_requests(2), endpoint=CHAT, model="m", polling_interval=FAST, on_progress=fail
        )
    assert raised.value.job.status == "FAILED"
    assert raised.value.job.errors[0].message.startswith("the fake server failed")


@pytest.mark.anyio
async def test_a_job_that_fails_raises_async(client: Mistral, server: FakeServer) -> None:
    async def fail(job: BatchJob) -> None:
        await asyncio.sleep(0)
        server.statuses.fail(job.id)

    with pytest.raises(BatchJobError):
        await client.batch.jobs.run_async(
            chat_requests(1), endpoint=CHAT, model="m", polling_interval=FAST, on_progress=fail
        )


def test_a_wait_that_times_out_leaves_the_job_to_a_later_run(
    client: Mistral, server: FakeServer, tmp_path: Any
) -> None:
    server.statuses.finish_after = 10**6
    state = tmp_path / "run.json"
    arguments: dict[str, Any] = {"endpoint": CHAT, "model": "m", "state": state}
    with pytest.raises(WaitTimeoutError):
        client.batch.jobs.run(chat_requests(2), **arguments, timeout=0.05, polling_interval=FAST)
    server.statuses.finish_after = 1
    run = client.batch.jobs.run(chat_requests(2), **arguments, polling_interval=FAST)
    assert [o.custom_id for o in run] == ["q0", "q1"]
    assert sent(server, CREATE) == 1
