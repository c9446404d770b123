"""``mistral_observe_call``: an observer follows each call whole, from its first attempt
to its result or error, and a stream to its end, however it ends; sync and async."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import respx

from mistral_core import (
    APIConnectionError,
    BadRequestError,
    Mistral,
    ResponseValidationError,
    StreamError,
)
from mistral_core.hooks import CallObserver, ObservedCall
from mistral_core.models import HTTPInfo
from tests.payloads import API_KEY, CHAT_PATH, chat_response, chunk, sse, user_says

STREAM = {"content-type": "text/event-stream"}


class Recorder(CallObserver):
    def __init__(self, call: ObservedCall, log: list[tuple[Any, ...]]) -> None:
        self.call = call
        self.log = log

    def attempt(self, request: httpx.Request, number: int) -> None:
        request.headers["traceparent"] = f"00-{number:032x}-{number:016x}-01"
        self.log.append(("attempt", number))

    def succeeded(self, result: Any, http: HTTPInfo) -> None:
        self.log.append(("succeeded", type(result).__name__, http.status_code, http.retries))

    def failed(self, error: BaseException) -> None:
        self.log.append(("failed", type(error).__name__))

    def first_event(self) -> None:
        self.log.append(("first event",))

    def stream_ended(self, error: BaseException | None, complete: bool) -> None:
        self.log.append(("ended", type(error).__name__ if error else None, complete))


class Tracer:
    def __init__(self) -> None:
        self.calls: list[ObservedCall] = []
        self.log: list[tuple[Any, ...]] = []

    def mistral_observe_call(self, call: ObservedCall) -> CallObserver:
        self.calls.append(call)
        return Recorder(call, self.log)


@pytest.fixture
def tracer() -> Tracer:
    return Tracer()


@pytest.fixture
def traced(api: respx.MockRouter, tracer: Tracer, sleeps: list[float]) -> Any:
    with Mistral(api_key=API_KEY, plugins=[tracer]) as client:
        yield client


def test_a_call_is_seen_whole(traced: Mistral, tracer: Tracer, api: respx.MockRouter) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    traced.chat.complete(model="mistral-small-latest", messages=user_says(), temperature=0.3)

    [call] = tracer.calls
    assert (call.operation_id, call.method) == ("chat_completion_v1_chat_completions_post", "POST")
    assert call.url == "https://api.mistral.ai/v1/chat/completions"
    assert call.body["temperature"] == 0.3
    assert call.stream is False
    assert call.client is traced
    assert tracer.log == [("attempt", 1), ("succeeded", "ChatCompletionResponse", 200, 0)]
    assert route.calls.last.request.headers["traceparent"].startswith("00-")


def test_retries_are_attempts_of_one_call(
    traced: Mistral, tracer: Tracer, api: respx.MockRouter
) -> None:
    api.post(CHAT_PATH).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=chat_response())]
    )
    traced.chat.complete(model="m", messages=user_says())
    assert tracer.log == [
        ("attempt", 1),
        ("attempt", 2),
        ("succeeded", "ChatCompletionResponse", 200, 1),
    ]


def test_an_error(traced: Mistral, tracer: Tracer, api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(400, json={"message": "bad"})
    with pytest.raises(BadRequestError):
        traced.chat.complete(model="m", messages=user_says())
    assert tracer.log == [("attempt", 1), ("failed", "BadRequestError")]


def test_an_answer_that_does_not_fit(
    traced: Mistral, tracer: Tracer, api: respx.MockRouter
) -> None:
    api.post(CHAT_PATH).respond(json={"id": 3})
    with pytest.raises(ResponseValidationError):
        traced.chat.complete(model="m", messages=user_says())
    assert tracer.log == [("attempt", 1), ("failed", "ResponseValidationError")]


def test_a_stream_read_to_its_end(traced: Mistral, tracer: Tracer, api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(content=sse(chunk("a"), chunk("b")), headers=STREAM)
    with traced.chat.stream(model="m", messages=user_says()) as events:
        assert tracer.log[-1] == ("succeeded", "CompletionStream", 200, 0)
        list(events)
    assert tracer.log == [
        ("attempt", 1),
        ("succeeded", "CompletionStream", 200, 0),
        ("first event",),
        ("ended", None, True),
    ]
    assert tracer.calls[0].stream is True


def test_a_stream_left_early(traced: Mistral, tracer: Tracer, api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(content=sse(chunk("a"), chunk("b")), headers=STREAM)
    for _ in traced.chat.stream(model="m", messages=user_says()):
        break
    assert tracer.log[-1] == ("ended", None, False)
    assert tracer.log.count(("ended", None, False)) == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (sse(chunk("a"), done=False), "APIConnectionError"),
        (sse(chunk("a"), {"object": "error", "message": "overloaded"}, done=False), "StreamError"),
    ],
)
def test_a_stream_cut_or_broken(
    traced: Mistral, tracer: Tracer, api: respx.MockRouter, body: bytes, error: str
) -> None:
    api.post(CHAT_PATH).respond(content=body, headers=STREAM)
    with pytest.raises((APIConnectionError, StreamError)):
        list(traced.chat.stream(model="m", messages=user_says()))
    assert tracer.log[-2:] == [("first event",), ("ended", error, False)]


def test_a_download(traced: Mistral, tracer: Tracer, api: respx.MockRouter) -> None:
    api.get("/v1/files/f1/content").respond(content=b"bytes")
    with traced.files.download(file_id="f1") as download:
        assert download.read() == b"bytes"
    assert tracer.log == [("attempt", 1), ("succeeded", "DownloadResponse", 200, 0)]


def test_a_raw_request(traced: Mistral, tracer: Tracer, api: respx.MockRouter) -> None:
    api.get("/v1/models").respond(json={"object": "list", "data": []})
    traced.request("GET", "/v1/models")
    assert tracer.calls[0].operation_id == "request"
    assert tracer.log[-1] == ("succeeded", "dict", 200, 0)


@pytest.mark.anyio
async def test_async_calls_and_streams(api: respx.MockRouter, tracer: Tracer) -> None:
    api.post(CHAT_PATH).mock(
        side_effect=[
            httpx.Response(200, json=chat_response()),
            httpx.Response(200, content=sse(chunk("a"), done=False), headers=STREAM),
        ]
    )
    async with Mistral(api_key=API_KEY, plugins=[tracer]) as client:
        await client.chat.complete_async(model="m", messages=user_says())
        events = await client.chat.stream_async(model="m", messages=user_says())
        with pytest.raises(APIConnectionError):
            await events.until_done()
    assert tracer.log == [
        ("attempt", 1),
        ("succeeded", "ChatCompletionResponse", 200, 0),
        ("attempt", 1),
        ("succeeded", "AsyncCompletionStream", 200, 0),
        ("first event",),
        ("ended", "APIConnectionError", False),
    ]


@pytest.mark.anyio
async def test_a_cancelled_call(api: respx.MockRouter, tracer: Tracer) -> None:
    started = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(60)
        return httpx.Response(200, json=chat_response())

    api.post(CHAT_PATH).mock(side_effect=slow)
    async with Mistral(api_key=API_KEY, plugins=[tracer]) as client:
        task = asyncio.ensure_future(client.chat.complete_async(model="m", messages=user_says()))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert tracer.log == [("attempt", 1), ("failed", "CancelledError")]


def test_a_call_whose_http_client_cannot_be_made(
    traced: Mistral, tracer: Tracer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client is made on the first call: its failure ends the call, and is told."""
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/certificates.pem")
    with pytest.raises(FileNotFoundError):
        traced.chat.complete(model="m", messages=user_says())
    assert tracer.log == [("failed", "FileNotFoundError")]

    async def main() -> None:
        with pytest.raises(FileNotFoundError):
            await traced.chat.complete_async(model="m", messages=user_says())

    asyncio.run(main())
    assert tracer.log[-1] == ("failed", "FileNotFoundError")


def test_without_a_plugin_there_is_no_observer(client: Mistral, api: respx.MockRouter) -> None:
    from mistral_core._call import PreparedCall
    from mistral_plugin_chat._chat import COMPLETE

    call = PreparedCall(client, COMPLETE, {"model": "m", "messages": user_says()}, {})
    assert call.observers == ()
