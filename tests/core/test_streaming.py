"""Streamed chat completions: ``client.chat.stream`` and ``client.chat.stream_async``.

The fake API answers with event-stream bodies, whole or cut into tiny pieces, clean or
broken; every test checks the events that come out and that the connection is released.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx

from mistral_core import (
    APIConnectionError,
    APIError,
    AsyncEventStream,
    AuthenticationError,
    EventStream,
    InternalServerError,
    Mistral,
    ResponseValidationError,
    StreamError,
)
from mistral_plugin_chat.models import CompletionChunk, CompletionEvent
from tests.payloads import API_KEY, CHAT_PATH, chunk, sse, user_says

MODEL = "mistral-small-latest"
REQUEST_ID = "stream-req-42"
WORDS = ["Claude", " Monet", ", ", "sans ", "doute", " ☀🎨"]
GARBAGE = b"data: this is not JSON\n\ndata: {broken\n\nevent: error\ndata: {}\n\n"
ERROR_EVENT = b'event: error\ndata: {"message":"overloaded","code":503}\n\n'


# --------------------------------------------------------------------------------------------
# Helpers


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A streamed body: sends ``parts`` one by one, then optionally fails; records closing."""

    def __init__(self, parts: list[bytes], error: Exception | None = None) -> None:
        self.parts = parts
        self.error = error
        self.sent = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for part in self.parts:
            self.sent += 1
            yield part
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            self.sent += 1
            yield part
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def pieces(raw: bytes, seed: int = 0, largest: int = 7) -> list[bytes]:
    """``raw`` cut into pieces of 1 to ``largest`` bytes (a seeded, reproducible cut)."""
    rng = random.Random(seed)
    out: list[bytes] = []
    at = 0
    while at < len(raw):
        size = rng.randint(1, largest)
        out.append(raw[at : at + size])
        at += size
    return out


def serve(
    api: respx.MockRouter,
    body: bytes | list[bytes],
    *,
    error: Exception | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[respx.Route, list[Body]]:
    """Answer every chat call with an event stream; return the route and the bodies sent."""
    bodies: list[Body] = []

    def respond(request: httpx.Request) -> httpx.Response:
        bodies.append(Body(body if isinstance(body, list) else [body], error))
        return httpx.Response(
            200,
            stream=bodies[-1],
            headers={
                "content-type": "text/event-stream",
                "x-request-id": REQUEST_ID,
                **(headers or {}),
            },
        )

    return api.post(CHAT_PATH).mock(side_effect=respond), bodies


def words_body(done: bool = True) -> bytes:
    events = [chunk(word) for word in WORDS[:-1]]
    events.append(chunk(WORDS[-1], finish_reason="stop"))
    return sse(*events, done=done)


def open_stream(client: Mistral, **options: Any) -> EventStream[CompletionEvent]:
    return client.chat.stream(model=MODEL, messages=user_says(), **options)


async def open_stream_async(client: Mistral, **options: Any) -> AsyncEventStream[CompletionEvent]:
    return await client.chat.stream_async(model=MODEL, messages=user_says(), **options)


def read_into(received: list[CompletionEvent], stream: EventStream[CompletionEvent]) -> None:
    """Iterate ``stream`` with a ``for`` loop, keeping what came before any error."""
    for event in stream:
        received.append(event)


async def aread_into(
    received: list[CompletionEvent], stream: AsyncEventStream[CompletionEvent]
) -> None:
    async for event in stream:
        received.append(event)


def texts(events: list[CompletionEvent]) -> list[str]:
    return [event.data.choices[0].delta.content for event in events]  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# Events, in order, until [DONE]


def test_with_block_yields_typed_events_in_order(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, words_body())

    with open_stream(client) as stream:
        events = list(stream)

    assert all(isinstance(event, CompletionEvent) for event in events)
    assert all(isinstance(event.data, CompletionChunk) for event in events)
    assert texts(events) == WORDS
    assert events[-1].data.choices[0].finish_reason == "stop"
    assert events[0].data.model == "mistral-small-latest"
    assert stream.response.is_closed
    assert bodies[0].closed


def test_for_loop_usage(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, words_body())

    received: list[CompletionEvent] = []
    for event in open_stream(client):
        received.append(event.data.choices[0].delta.content)

    assert received == WORDS


def test_next_usage(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, sse(chunk("one"), chunk("two")))

    stream = open_stream(client)
    first = next(stream)
    second = next(stream)

    assert texts([first, second]) == ["one", "two"]
    with pytest.raises(StopIteration):
        next(stream)
    assert stream.response.is_closed


def test_stream_http_info(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, sse(chunk("a")))

    with open_stream(client) as stream:
        assert stream.http.status_code == 200
        assert stream.http.request_id == REQUEST_ID
        assert stream.http.retries == 0
        assert stream.http.headers["content-type"] == "text/event-stream"
        assert texts(list(stream)) == ["a"]


def test_request_asks_for_a_stream(client: Mistral, api: respx.MockRouter) -> None:
    route, _ = serve(api, sse(chunk("a")))

    with open_stream(client, temperature=0.2) as stream:
        list(stream)

    request = route.calls.last.request
    assert json.loads(request.content) == {
        "model": MODEL,
        "messages": user_says(),
        "temperature": 0.2,
        "stream": True,
    }
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


def test_events_after_done_are_never_parsed_same_chunk(
    client: Mistral, api: respx.MockRouter
) -> None:
    serve(api, sse(chunk("a"), chunk("b")) + GARBAGE)

    with open_stream(client) as stream:
        assert texts(list(stream)) == ["a", "b"]


def test_events_after_done_are_never_parsed_later_chunks(
    client: Mistral, api: respx.MockRouter
) -> None:
    _, bodies = serve(api, [sse(chunk("a")), GARBAGE, b"data: {cut"])

    with open_stream(client) as stream:
        assert texts(list(stream)) == ["a"]

    assert bodies[0].sent == 1  # what came after [DONE] was not even read
    assert stream.response.is_closed


def test_done_ends_the_stream_even_without_a_final_blank_line_after_it(
    client: Mistral, api: respx.MockRouter
) -> None:
    serve(api, sse(chunk("a"), done=False) + b"data: [DONE]\n\n" + b"data: {never")

    with open_stream(client) as stream:
        assert texts(list(stream)) == ["a"]


def test_comment_lines_are_ignored(client: Mistral, api: respx.MockRouter) -> None:
    body = (
        b": keep-alive\n\n"
        + sse(chunk("a"), done=False)
        + b": keep-alive\n: another comment\n\n"
        + b":\n\n"
        + sse(chunk("b"))
    )
    serve(api, body)

    with open_stream(client) as stream:
        assert texts(list(stream)) == ["a", "b"]


def test_crlf_line_endings(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, sse(chunk("a"), chunk("b")).replace(b"\n", b"\r\n"))

    with open_stream(client) as stream:
        assert texts(list(stream)) == ["a", "b"]


def test_empty_stream_with_only_done(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, b"data: [DONE]\n\n")

    with open_stream(client) as stream:
        assert list(stream) == []


# --------------------------------------------------------------------------------------------
# Chunked delivery


@pytest.mark.parametrize("seed", range(8))
def test_tiny_chunks_give_the_same_events(
    client: Mistral, api: respx.MockRouter, seed: int
) -> None:
    raw = b": hello\n\n" + words_body()
    _, bodies = serve(api, pieces(raw, seed))

    with open_stream(client) as stream:
        events = list(stream)

    assert len(bodies[0].parts) > len(WORDS)
    assert texts(events) == WORDS  # the multi-byte characters survived every cut


def test_one_byte_chunks(client: Mistral, api: respx.MockRouter) -> None:
    raw = words_body()
    serve(api, [raw[i : i + 1] for i in range(len(raw))])

    with open_stream(client) as stream:
        assert texts(list(stream)) == WORDS


def test_tiny_chunks_through_a_mock_transport(api: respx.MockRouter) -> None:
    """The same with a real ``httpx.Client`` on an ``httpx.MockTransport`` (no respx)."""
    raw = words_body()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            stream=Body(pieces(raw, seed=99, largest=3)),
            headers={"content-type": "text/event-stream"},
        )

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with Mistral(api_key=API_KEY, client=http) as client, open_stream(client) as stream:
        assert texts(list(stream)) == WORDS
    assert json.loads(seen[0].content)["stream"] is True
    assert not http.is_closed  # a client passed in is not closed by us
    http.close()


# --------------------------------------------------------------------------------------------
# Errors inside the stream


def test_error_event_raises_stream_error_after_earlier_events(
    client: Mistral, api: respx.MockRouter
) -> None:
    serve(api, sse(chunk("a"), chunk("b"), done=False) + ERROR_EVENT + sse(chunk("never")))

    stream = open_stream(client)
    received: list[CompletionEvent] = []
    with pytest.raises(StreamError) as info:
        read_into(received, stream)

    assert texts(received) == ["a", "b"]
    error = info.value
    assert isinstance(error, APIError)
    assert error.message == "overloaded"
    assert "overloaded" in str(error)
    assert error.body == {"message": "overloaded", "code": 503}
    assert error.request_id == REQUEST_ID
    assert stream.response.is_closed


def test_error_object_in_data_raises_stream_error(client: Mistral, api: respx.MockRouter) -> None:
    error_payload = {
        "object": "error",
        "message": "Service tier capacity exceeded",
        "type": "service_tier_capacity_exceeded",
        "code": "3505",
    }
    serve(api, sse(chunk("a"), error_payload, chunk("never")))

    with open_stream(client) as stream:
        received: list[CompletionEvent] = []
        with pytest.raises(StreamError) as info:
            received.extend(stream)

    assert texts(received) == ["a"]
    assert info.value.message == "Service tier capacity exceeded"
    assert info.value.body == error_payload
    assert stream.response.is_closed


def test_error_event_with_text_data(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, b"event: error\ndata: upstream went away\n\n")

    with open_stream(client) as stream, pytest.raises(StreamError) as info:
        list(stream)

    assert info.value.message == "upstream went away"


def test_error_event_split_in_tiny_chunks(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, pieces(sse(chunk("a"), done=False) + ERROR_EVENT, seed=3))

    received: list[CompletionEvent] = []
    with open_stream(client) as stream, pytest.raises(StreamError, match="overloaded"):
        read_into(received, stream)

    assert texts(received) == ["a"]


def test_non_json_data_raises_response_validation_error(
    client: Mistral, api: respx.MockRouter
) -> None:
    serve(api, sse(chunk("a"), "this is not json"))

    stream = open_stream(client)
    received: list[CompletionEvent] = []
    with pytest.raises(ResponseValidationError) as info:
        read_into(received, stream)

    assert texts(received) == ["a"]
    assert "not JSON" in str(info.value)
    assert "this is not json" in str(info.value)
    assert info.value.info is not None
    assert info.value.info.status_code == 200
    assert stream.response.is_closed


def test_data_only_the_standard_library_reads_is_read(
    client: Mistral, api: respx.MockRouter
) -> None:
    """orjson refuses NaN and 1e400: the event is read again, as a whole response is."""
    odd = json.dumps(chunk("b")).replace('"created": 1702256327', '"created": NaN, "x": 1e400')
    serve(api, sse(chunk("a"), odd))

    with open_stream(client) as stream:
        received = list(stream)

    assert texts(received) == ["a", "b"]
    assert received[1].data.model_extra == {"x": float("inf")}
    assert repr(received[1].data.created) == "nan"


def test_data_not_matching_the_schema_raises_response_validation_error(
    client: Mistral, api: respx.MockRouter
) -> None:
    serve(api, sse({"id": "x", "object": "chat.completion.chunk"}))  # no model, no choices

    with open_stream(client) as stream, pytest.raises(ResponseValidationError):
        list(stream)
    assert stream.response.is_closed


def test_stream_cut_mid_event_raises_connection_error(
    client: Mistral, api: respx.MockRouter
) -> None:
    serve(api, sse(chunk("a"), done=False) + b'data: {"id":')

    stream = open_stream(client)
    received: list[CompletionEvent] = []
    with pytest.raises(APIConnectionError, match="ended in the middle of an event"):
        read_into(received, stream)

    assert texts(received) == ["a"]
    assert stream.response.is_closed


def test_stream_cut_after_a_data_line_without_blank_line_raises(
    client: Mistral, api: respx.MockRouter
) -> None:
    serve(api, sse(chunk("a"), done=False) + b"data: " + json.dumps(chunk("b")).encode() + b"\n")

    with open_stream(client) as stream, pytest.raises(APIConnectionError, match="middle"):
        list(stream)


def test_an_end_without_done_is_a_cut_stream_after_the_events_it_had(
    client: Mistral, api: respx.MockRouter
) -> None:
    serve(api, sse(chunk("a"), chunk("b"), done=False))

    received: list[CompletionEvent] = []
    with (
        open_stream(client) as stream,
        pytest.raises(APIConnectionError, match=r"without \[DONE\]"),
    ):
        read_into(received, stream)

    assert texts(received) == ["a", "b"]
    assert stream.response.is_closed


def test_connection_broken_mid_stream_raises_connection_error(
    client: Mistral, api: respx.MockRouter
) -> None:
    route, bodies = serve(
        api, [sse(chunk("a"), done=False), b"data: {"], error=httpx.ReadError("reset")
    )

    stream = open_stream(client)
    received: list[CompletionEvent] = []
    with pytest.raises(APIConnectionError) as info:
        read_into(received, stream)

    assert texts(received) == ["a"]
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert not isinstance(info.value, httpx.HTTPError)
    assert route.call_count == 1
    assert stream.response.is_closed
    assert bodies[0].closed


def test_read_timeout_mid_stream_raises_timeout_error(
    client: Mistral, api: respx.MockRouter
) -> None:
    from mistral_core import APITimeoutError

    serve(api, [sse(chunk("a"), done=False)], error=httpx.ReadTimeout("no data for 600 s"))

    with open_stream(client) as stream, pytest.raises(APITimeoutError) as info:
        list(stream)

    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


# --------------------------------------------------------------------------------------------
# The connection is released


def test_released_after_normal_completion(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, words_body())

    stream = open_stream(client)
    assert not stream.response.is_closed
    assert texts(list(stream)) == WORDS

    assert stream.response.is_closed
    assert bodies[0].closed


def test_released_after_normal_completion_with_next(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, sse(chunk("a")))

    stream = open_stream(client)
    next(stream)
    with pytest.raises(StopIteration):
        next(stream)

    assert stream.response.is_closed
    assert bodies[0].closed


def test_released_when_leaving_a_with_block_early(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, [sse(chunk("a"), done=False), sse(chunk("b"), done=False)] * 10)

    with open_stream(client) as stream:
        for _event in stream:
            break

    assert stream.response.is_closed
    assert bodies[0].closed
    assert bodies[0].sent < len(bodies[0].parts)  # the rest was not read


def test_released_when_leaving_a_with_block_without_iterating(
    client: Mistral, api: respx.MockRouter
) -> None:
    _, bodies = serve(api, words_body())

    with open_stream(client) as stream:
        pass

    assert stream.response.is_closed
    assert bodies[0].closed
    assert bodies[0].sent == 0


def test_released_when_a_with_block_raises(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, words_body())

    def use(stream: EventStream[CompletionEvent]) -> None:
        with stream:
            next(stream)
            raise KeyError("user code failed")

    stream = open_stream(client)
    with pytest.raises(KeyError):
        use(stream)

    assert stream.response.is_closed
    assert bodies[0].closed


def test_released_when_breaking_out_of_a_plain_for_loop(
    client: Mistral, api: respx.MockRouter
) -> None:
    _, bodies = serve(api, [sse(chunk(str(i)), done=False) for i in range(20)])

    stream = open_stream(client)  # a reference is held: only the loop is left
    for event in stream:
        assert texts([event]) == ["0"]
        break

    assert stream.response.is_closed
    assert bodies[0].closed
    assert bodies[0].sent < 20


def test_released_by_close(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, words_body())

    stream = open_stream(client)
    next(stream)
    stream.close()

    assert stream.response.is_closed
    assert bodies[0].closed


@pytest.mark.parametrize(
    "tail",
    [ERROR_EVENT, b"data: nope\n\n", b'data: {"id":'],
    ids=["error-event", "garbage", "cut-mid-event"],
)
def test_released_when_an_error_is_raised_mid_stream(
    client: Mistral, api: respx.MockRouter, tail: bytes
) -> None:
    _, bodies = serve(api, [sse(chunk("a"), done=False), tail, b"data: [DONE]\n\n"])

    stream = open_stream(client)
    with pytest.raises((StreamError, ResponseValidationError, APIConnectionError)):
        for _event in stream:
            pass

    assert stream.response.is_closed
    assert bodies[0].closed


def test_released_when_an_error_is_raised_mid_stream_via_next(
    client: Mistral, api: respx.MockRouter
) -> None:
    _, bodies = serve(api, sse(chunk("a"), done=False) + ERROR_EVENT)

    stream = open_stream(client)
    next(stream)
    with pytest.raises(StreamError):
        next(stream)

    assert stream.response.is_closed
    assert bodies[0].closed


# --------------------------------------------------------------------------------------------
# Error status before the stream starts


def test_error_status_raises_from_the_stream_call_itself(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = api.post(CHAT_PATH).mock(
        return_value=httpx.Response(
            401,
            json={"message": "Unauthorized", "request_id": "x"},
            headers={"x-request-id": REQUEST_ID},
        )
    )

    with pytest.raises(AuthenticationError) as info:
        client.chat.stream(model=MODEL, messages=user_says())  # no iteration at all

    error = info.value
    assert error.status_code == 401
    assert error.message == "Unauthorized"
    assert error.body == {"message": "Unauthorized", "request_id": "x"}
    assert error.request_id == REQUEST_ID
    assert "Unauthorized" in str(error)
    assert error.response.is_closed
    assert route.call_count == 1


def test_error_status_with_a_streamed_body_is_read_for_the_message(
    client: Mistral, api: respx.MockRouter
) -> None:
    body = Body([b'{"message": "Invalid ', b'model: foo"}'])
    api.post(CHAT_PATH).mock(return_value=httpx.Response(400, stream=body))

    with pytest.raises(APIError) as info:
        client.chat.stream(model=MODEL, messages=user_says())

    assert info.value.status_code == 400
    assert info.value.message == "Invalid model: foo"
    assert info.value.response.is_closed


def test_retried_error_status_before_the_stream_closes_each_response(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    failed: list[Body] = []

    def respond(request: httpx.Request) -> httpx.Response:
        failed.append(Body([b'{"message": "busy"}']))
        return httpx.Response(503, stream=failed[-1])

    api.post(CHAT_PATH).mock(side_effect=respond)

    with pytest.raises(InternalServerError, match="busy"):
        client.chat.stream(model=MODEL, messages=user_says())

    assert len(failed) == 3
    assert all(body.closed for body in failed)


# --------------------------------------------------------------------------------------------
# Async


@pytest.mark.anyio
async def test_async_events_in_order(client: Mistral, api: respx.MockRouter) -> None:
    route, bodies = serve(api, words_body())

    stream = await open_stream_async(client)
    async with stream:
        events = [event async for event in stream]

    assert all(isinstance(event.data, CompletionChunk) for event in events)
    assert texts(events) == WORDS
    assert stream.http.status_code == 200
    assert stream.http.request_id == REQUEST_ID
    assert stream.response.is_closed
    assert bodies[0].closed
    request = route.calls.last.request
    assert json.loads(request.content)["stream"] is True
    assert request.headers["accept"] == "text/event-stream"
    await client.aclose()


@pytest.mark.anyio
async def test_async_anext_usage(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, sse(chunk("one"), chunk("two")))

    stream = await open_stream_async(client)
    first = await stream.__anext__()
    second = await anext(stream)

    assert texts([first, second]) == ["one", "two"]
    with pytest.raises(StopAsyncIteration):
        await stream.__anext__()
    assert stream.response.is_closed
    await client.aclose()


@pytest.mark.anyio
async def test_async_stops_at_done(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, [sse(chunk("a"), chunk("b")), GARBAGE, b"data: {cut"])

    stream = await open_stream_async(client)
    async with stream:
        events = [event async for event in stream]

    assert texts(events) == ["a", "b"]
    assert bodies[0].sent == 1
    await client.aclose()


@pytest.mark.anyio
async def test_async_tiny_chunks(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, pieces(b": ping\n\n" + words_body(), seed=5))

    stream = await open_stream_async(client)
    async with stream:
        assert texts([event async for event in stream]) == WORDS
    await client.aclose()


@pytest.mark.anyio
async def test_async_error_event(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, sse(chunk("a"), done=False) + ERROR_EVENT + sse(chunk("never")))

    stream = await open_stream_async(client)
    received: list[CompletionEvent] = []
    with pytest.raises(StreamError) as info:
        await aread_into(received, stream)

    assert texts(received) == ["a"]
    assert info.value.message == "overloaded"
    assert stream.response.is_closed
    await client.aclose()


@pytest.mark.anyio
async def test_async_error_object_in_data(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, sse({"object": "error", "message": "model overloaded"}))

    stream = await open_stream_async(client)
    async with stream:
        with pytest.raises(StreamError, match="model overloaded"):
            async for _event in stream:
                pass
    await client.aclose()


@pytest.mark.anyio
async def test_async_cut_mid_event(client: Mistral, api: respx.MockRouter) -> None:
    serve(api, sse(chunk("a"), done=False) + b'data: {"id":')

    stream = await open_stream_async(client)
    with pytest.raises(APIConnectionError, match="ended in the middle of an event"):
        async for _event in stream:
            pass
    assert stream.response.is_closed
    await client.aclose()


@pytest.mark.anyio
async def test_async_end_without_done_is_a_cut_stream(
    client: Mistral, api: respx.MockRouter
) -> None:
    serve(api, sse(chunk("a"), done=False))

    stream = await open_stream_async(client)
    received: list[CompletionEvent] = []
    with pytest.raises(APIConnectionError, match=r"without \[DONE\]"):
        await aread_into(received, stream)
    assert texts(received) == ["a"]
    assert stream.response.is_closed
    await client.aclose()


@pytest.mark.anyio
async def test_async_connection_broken_mid_stream(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, [sse(chunk("a"), done=False)], error=httpx.RemoteProtocolError("eof"))

    stream = await open_stream_async(client)
    with pytest.raises(APIConnectionError) as info:
        async for _event in stream:
            pass
    assert isinstance(info.value.__cause__, httpx.RemoteProtocolError)
    assert stream.response.is_closed
    assert bodies[0].closed
    await client.aclose()


@pytest.mark.anyio
async def test_async_with_early_exit_closes(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, [sse(chunk(str(i)), done=False) for i in range(20)])

    stream = await open_stream_async(client)
    async with stream:
        async for _event in stream:
            break

    assert stream.response.is_closed
    assert bodies[0].closed
    assert bodies[0].sent < 20
    await client.aclose()


@pytest.mark.anyio
async def test_async_aclose_releases(client: Mistral, api: respx.MockRouter) -> None:
    _, bodies = serve(api, [sse(chunk(str(i)), done=False) for i in range(20)])

    stream = await open_stream_async(client)
    await stream.__anext__()
    await stream.aclose()

    assert stream.response.is_closed
    assert bodies[0].closed
    await client.aclose()


@pytest.mark.anyio
async def test_async_for_break_closes_once_the_generator_is_finalised(
    client: Mistral, api: respx.MockRouter
) -> None:
    """Leaving ``async for`` early closes the stream, but only when the event loop finalises
    the abandoned async generator: a few turns of the loop after the ``break``, not at once."""
    _, bodies = serve(api, [sse(chunk(str(i)), done=False) for i in range(20)])

    stream = await open_stream_async(client)
    async for _event in stream:
        break

    for _ in range(10):
        if stream.response.is_closed:
            break
        await asyncio.sleep(0)

    assert stream.response.is_closed
    assert bodies[0].closed
    assert bodies[0].sent < 20
    await client.aclose()


@pytest.mark.anyio
async def test_async_error_status_raises_from_the_stream_call(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.post(CHAT_PATH).mock(return_value=httpx.Response(401, json={"detail": "Bad key"}))

    with pytest.raises(AuthenticationError) as info:
        await open_stream_async(client)

    assert info.value.message == "Bad key"
    assert info.value.response.is_closed
    await client.aclose()


# --------------------------------------------------------------------------------------------
# What is not an event stream, and what the server's error event carries


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/json"])
def test_a_response_that_is_not_an_event_stream_is_a_clear_error(
    client: Mistral, api: respx.MockRouter, content_type: str
) -> None:
    api.post(CHAT_PATH).respond(200, content=b"<html>proxy</html>", content_type=content_type)
    stream = client.chat.stream(model=MODEL, messages=user_says())
    with pytest.raises(
        ResponseValidationError, match=f"expected an event stream, got a {content_type}"
    ):
        list(stream)
    assert stream.response.is_closed


def test_stream_error_says_it_came_from_the_stream_with_the_servers_code(
    client: Mistral, api: respx.MockRouter
) -> None:
    body = sse(chunk("Hi"), done=False) + ERROR_EVENT
    api.post(CHAT_PATH).respond(200, content=body, headers={"x-request-id": REQUEST_ID})
    with pytest.raises(StreamError) as caught:
        list(client.chat.stream(model=MODEL, messages=user_says()))
    assert caught.value.code == 503
    assert str(caught.value) == (
        f"error in the stream: overloaded (code 503) (request id: {REQUEST_ID})"
    )
