"""The official SDK's ``mistralai.extra.batch`` names against the local fake server: its
usage (``BatchClient.run`` of an embeddings and a chat batch, ``by_id``, ``ordered``,
the errors apart), each primitive on its own, and ``BatchInput``'s round trips."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest

from mistral_core import FieldError, Mistral, ResponseValidationError
from mistral_plugin_batch import (
    RUNNING_STATUSES,
    BatchClient,
    BatchError,
    BatchInput,
    BatchInputFile,
    BatchJobHandle,
    BatchOutput,
    BatchRequest,
    BatchRequestError,
    BatchResponseError,
    is_running,
    is_terminal,
)
from mistral_plugin_chat.models import ChatCompletionRequest, ChatCompletionResponse, UserMessage
from mistral_plugin_embeddings.models import EmbeddingRequest, EmbeddingResponse
from mistral_testing.server import FakeServer

from .conftest import CHAT, CREATE, UPLOAD, sent

FAST = 0.01
EMBEDDINGS = "/v1/embeddings"
DELETE = "files_api_routes_delete_file"
CANCEL = "jobs_api_routes_batch_cancel_batch_job"
SIGNED_URL = "files_api_routes_get_signed_url"
GET = "jobs_api_routes_batch_get_batch_job"


def embed(text: str) -> EmbeddingRequest:
    return EmbeddingRequest(model="mistral-embed", inputs=text)


def embeddings(client: Mistral) -> BatchClient[EmbeddingResponse]:
    return BatchClient(client, endpoint=EMBEDDINGS, response_body_type=EmbeddingResponse)


@pytest.mark.anyio
@pytest.mark.parametrize("inline_threshold", [1000, 0], ids=["inline", "uploaded"])
async def test_an_embeddings_run_as_the_official_example(
    client: Mistral, server: FakeServer, inline_threshold: int
) -> None:
    texts = {"doc-0": "What is the best French cheese?", "doc-1": "And wine?"}
    payload = BatchInput.from_payload({cid: embed(text) for cid, text in texts.items()})
    result = await embeddings(client).run(
        payload,
        model="mistral-embed",
        poll_interval_seconds=FAST,
        inline_threshold=inline_threshold,
    )
    assert (result.status, result.succeeded, result.failed) == ("SUCCESS", 2, 0)
    by_id = result.by_id()
    assert sorted(by_id) == ["doc-0", "doc-1"]
    assert all(isinstance(response, EmbeddingResponse) for response in by_id.values())
    assert result.ordered(["doc-1", "doc-0"]) == [by_id["doc-1"], by_id["doc-0"]]
    assert result.errors() == []
    assert result.response_errors() == []
    assert sent(server, UPLOAD) == (inline_threshold == 0)
    # the files run made are deleted once read: the input (if uploaded) and the output
    assert sent(server, DELETE) == (2 if inline_threshold == 0 else 0)


@pytest.mark.anyio
async def test_a_chat_run_splits_the_errors_and_ordered_fails_closed(client: Mistral) -> None:
    chat = BatchClient(client, endpoint=CHAT, response_body_type=ChatCompletionResponse)
    body = ChatCompletionRequest(model="m", messages=[UserMessage(content="Hi?")])
    payload = {"q0": body, "bad": {"max_tokens": 1}}
    result = await chat.run(payload, model="m", poll_interval_seconds=FAST, inline_threshold=0)
    assert (result.succeeded, result.failed) == (1, 1)
    assert result.by_id()["q0"].choices[0].message.content == "Answer to q0."
    [error] = result.errors()
    assert isinstance(error, BatchRequestError)
    assert (error.custom_id, error.status_code) == ("bad", 400)
    error_output = result.error_output()
    assert error_output is not None
    assert [e.custom_id for e in error_output.request_errors] == ["bad"]
    with pytest.raises(BatchError) as raised:
        result.ordered(["q0", "bad", "never"])
    assert list(raised.value.failures) == ["bad", "never"]
    assert raised.value.failures["bad"] is error
    assert raised.value.failures["never"] is None


@pytest.mark.anyio
async def test_run_retries_a_job_with_failed_requests_then_gives_the_last(
    client: Mistral, server: FakeServer
) -> None:
    payload = {"a": embed("x"), "b": {"not_input": 1}}
    result = await embeddings(client).run(
        payload, poll_interval_seconds=FAST, max_failed_job_retries=2
    )
    assert sent(server, CREATE) == 3  # the first job and two more, each with a failure
    assert result.failed == 1
    assert list(result.by_id()) == ["a"]


@pytest.mark.anyio
async def test_run_cancels_its_job_and_deletes_its_input_when_abandoned() -> None:
    with FakeServer(finish_after=10_000) as server:
        async with Mistral(api_key="k", server_url=server.url) as client:
            batch = embeddings(client)
            task = asyncio.create_task(
                batch.run({"a": embed("x")}, poll_interval_seconds=FAST, inline_threshold=0)
            )
            while sent(server, GET) == 0:  # created, and being waited for
                await asyncio.sleep(FAST)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        assert (sent(server, CANCEL), sent(server, DELETE)) == (1, 1)


@pytest.mark.anyio
async def test_the_primitives_one_by_one(client: Mistral, server: FakeServer) -> None:
    batch = embeddings(client)
    uploaded = await batch.upload(
        BatchInput.from_payload({"a": embed("x"), "b": {"nothing": 1}}), expiry_hours=2
    )
    assert isinstance(uploaded, BatchInputFile)
    handle = await batch.create(uploaded, model="mistral-embed", metadata={"team": "a"})
    assert isinstance(handle, BatchJobHandle)
    assert is_running(handle.status)
    assert (await batch.get(handle.id)).id == handle.id
    ended = await batch.wait(handle, poll_interval_seconds=FAST)
    assert is_terminal(ended.status)
    assert ended.status == "SUCCESS"
    assert (await batch.refresh(ended.id)).status == "SUCCESS"
    streamed = {cid: item async for cid, item in batch.stream_results(ended)}
    assert isinstance(streamed["a"], EmbeddingResponse)
    assert isinstance(streamed["b"], BatchRequestError)
    output = await batch.output(handle, poll_interval_seconds=FAST)
    assert list(output.responses) == ["a"]
    assert output.request_errors == []
    error_output = await batch.error_output(ended)
    assert error_output is not None
    assert [e.custom_id for e in error_output.request_errors] == ["b"]
    assert isinstance(ended.job.output_file, str)
    raw = await batch.download(ended.job.output_file)
    assert BatchOutput.from_jsonl_bytes(raw, EmbeddingResponse).responses.keys() == {"a"}
    assert isinstance(await batch.signed_url(ended.job.output_file, expiry_hours=1), str)
    signing = next(r for r in server.requests if r.operation == SIGNED_URL)
    assert signing.query["expiry"] == ["1"]
    await batch.delete(uploaded.file_id)
    cancelled = await batch.cancel(handle)
    assert isinstance(cancelled, BatchJobHandle)
    assert [sent(server, op) for op in (SIGNED_URL, DELETE, CANCEL)] == [1, 1, 1]


@pytest.mark.anyio
async def test_a_response_that_does_not_read_is_a_response_error(client: Mistral) -> None:
    wrong = BatchClient(client, endpoint=CHAT, response_body_type=EmbeddingResponse)
    body = {"messages": [{"role": "user", "content": "Hi?"}]}
    result = await wrong.run({"q": body}, model="m", poll_interval_seconds=FAST)
    [error] = result.response_errors()
    assert isinstance(error, BatchResponseError)
    assert error.custom_id == "q"
    assert error.body["choices"]
    assert result.by_id() == {}


def lines(*custom_ids: str) -> Iterator[bytes]:
    for custom_id in custom_ids:
        yield json.dumps({"custom_id": custom_id, "body": {"input": [custom_id]}}).encode()


def test_batch_input_round_trips() -> None:
    typed = BatchInput.from_payload({"a": embed("hi"), "b": {"input": ["there"]}})
    first = json.loads(typed.to_jsonl_bytes().splitlines()[0])
    assert first == {"custom_id": "a", "body": {"model": "mistral-embed", "input": "hi"}}
    assert len(typed) == 2
    assert typed.to_requests() == [
        BatchRequest(custom_id="a", body={"model": "mistral-embed", "input": "hi"}),
        BatchRequest(custom_id="b", body={"input": ["there"]}),
    ]
    raw = b"\n".join(lines("x", "y")) + b"\n\n"
    assert BatchInput.from_jsonl_bytes(raw).to_jsonl_bytes() == raw  # verbatim
    assert BatchInput.from_jsonl_str(raw.decode()).to_jsonl_bytes() == raw
    assert len(BatchInput.from_jsonl_bytes(raw)) == 2  # blank lines are no requests
    with pytest.raises(FieldError, match="line 1"):
        BatchInput.from_jsonl_str('{"custom_id": "x"}').to_requests()


def test_batch_output_reads_and_keys_results() -> None:
    usage = {"prompt_tokens": 1, "total_tokens": 1, "completion_tokens": 0}
    data = [{"object": "embedding", "embedding": [0.1], "index": 0}]
    ok = {"id": "e", "object": "list", "model": "m", "data": data, "usage": usage}
    raw = "\n".join(
        json.dumps(line)
        for line in [
            {"custom_id": "a", "response": {"status_code": 200, "body": ok}},
            {"custom_id": "b", "response": {"status_code": 429, "body": None}},
            {"custom_id": "c", "response": {"status_code": 200, "body": {"data": 1}}},
            {"custom_id": None, "response": {"status_code": 200, "body": ok}},
        ]
    ).encode()
    output = BatchOutput.from_jsonl_bytes(raw, EmbeddingResponse)
    assert list(output.responses) == ["a"]
    assert [e.status_code for e in output.request_errors] == [429]
    assert [e.custom_id for e in output.response_errors] == ["c", None]
    assert sorted(output.results()) == ["a", "b", "c"]
    with pytest.raises(BatchError):
        output.ordered(["a", "b"])
    twice = b"\n".join([raw.splitlines()[0]] * 2)
    with pytest.raises(ResponseValidationError, match="duplicate custom_id"):
        BatchOutput.from_jsonl_bytes(twice, EmbeddingResponse)


def test_statuses_and_bad_input() -> None:
    assert {"QUEUED", "RUNNING", "CANCELLATION_REQUESTED"} == RUNNING_STATUSES
    assert is_running("RUNNING")
    assert not is_running("SUCCESS")
    assert is_terminal("A_STATUS_NOT_KNOWN_YET")


@pytest.mark.anyio
async def test_run_refuses_what_is_no_batch_input(client: Mistral) -> None:
    with pytest.raises(FieldError, match="unsupported batch input: int"):
        await embeddings(client).run(3)  # type: ignore[arg-type]
