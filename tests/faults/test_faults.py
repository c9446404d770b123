"""Fault injection against a real server on 127.0.0.1: resets, stalls, storms, garbage, load.

Every case talks to :class:`tests.faults.server.FaultServer` over real httpx connections,
and checks the typed error (or the result), how many requests the server saw, and that
no connection is left open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest

from mistral_core import Mistral
from mistral_core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadRequestError,
    HTTPValidationError,
    InternalServerError,
    RateLimitError,
    ResponseValidationError,
)
from mistral_core.retry import BackoffStrategy, RetryConfig
from mistral_plugin_chat.models import ChatCompletionResponse
from tests.faults.server import (
    DONE,
    MODEL,
    WAIT,
    Conn,
    FaultServer,
    Request,
    chat_response,
    head,
    sse_event,
)

FAST = RetryConfig(backoff=BackoffStrategy(initial_interval=5, max_interval=10))
"""The default retries (2, of 429, 5xx and connection errors), with millisecond waits."""


def messages(text: str = "hi") -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


@pytest.fixture
def server() -> Iterator[FaultServer]:
    server = FaultServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client(server: FaultServer) -> Iterator[Mistral]:
    with Mistral(api_key="k", server_url=server.url, retry_config=FAST) as mistral:
        yield mistral
    assert server.wait_open_connections(0), "a connection was left open"


# -- connection failures ------------------------------------------------------------------


def test_connection_refused_after_the_retries() -> None:
    with socket.socket() as probe:  # a port nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    attempts: list[float] = []
    with Mistral(api_key="k", server_url=f"http://127.0.0.1:{port}", retry_config=FAST) as c:
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as caught:
            c.chat.complete(model=MODEL, messages=messages(), timeout_ms=5_000)
        attempts.append(time.monotonic() - started)
    assert not isinstance(caught.value, APITimeoutError)
    assert "connection failed" in str(caught.value)
    assert attempts[0] < WAIT


def test_reset_before_the_headers_is_retried_then_fails(
    server: FaultServer, client: Mistral
) -> None:
    async def reset(conn: Conn, request: Request) -> bool:
        return conn.reset()

    server.handler = reset
    with pytest.raises(APIConnectionError):
        client.chat.complete(model=MODEL, messages=messages())
    assert len(server.requests) == 3  # the first attempt and 2 retries


def test_reset_before_the_headers_then_success(server: FaultServer, client: Mistral) -> None:
    async def reset_once(conn: Conn, request: Request) -> bool:
        if len(server.requests) == 1:
            return conn.reset()
        return await conn.respond(200, chat_response("after a reset"))

    server.handler = reset_once
    response = client.chat.complete(model=MODEL, messages=messages())
    assert response.choices[0].message.content == "after a reset"
    assert response._http.retries == 1
    assert len(server.requests) == 2


def test_reset_in_the_middle_of_a_json_body(server: FaultServer, client: Mistral) -> None:
    body = json.dumps(chat_response("x" * 1000)).encode()

    async def cut(conn: Conn, request: Request) -> bool:
        await conn.send(head(200, {"content-type": "application/json"}, len(body)))
        await conn.send(body[:100])
        return conn.reset()

    server.handler = cut
    with pytest.raises(APIConnectionError):
        client.chat.complete(model=MODEL, messages=messages())
    assert len(server.requests) == 3  # a body that breaks is a connection error: retried


def test_reset_in_the_middle_of_a_stream(server: FaultServer, client: Mistral) -> None:
    sent_two = threading.Event()

    async def cut(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        await conn.chunk(sse_event("a") + sse_event("b"))
        await asyncio.to_thread(sent_two.wait, WAIT)  # the client has read them
        await conn.chunk(b'data: {"half an ev')
        return conn.reset()

    server.handler = cut
    received = []

    def consume() -> None:
        with client.chat.stream(model=MODEL, messages=messages()) as stream:
            for event in stream:
                received.append(event.data.choices[0].delta.content)
                if len(received) == 2:
                    sent_two.set()

    with pytest.raises(APIConnectionError) as caught:
        consume()
    assert received == ["a", "b"]
    assert "while streaming" in str(caught.value)
    assert len(server.requests) == 1  # a stream that started is never retried


def test_stalled_server_times_out(server: FaultServer, client: Mistral) -> None:
    async def stall(conn: Conn, request: Request) -> bool:
        await conn.until_client_closes()  # answers nothing; the client gives up
        return False

    server.handler = stall
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        client.chat.complete(model=MODEL, messages=messages(), timeout_ms=200)
    assert time.monotonic() - started < WAIT
    assert len(server.requests) == 1  # timeout_ms bounds the call: no time is left to retry


def test_timeouts_of_the_http_client_are_retried(server: FaultServer) -> None:
    async def stall(conn: Conn, request: Request) -> bool:
        await conn.until_client_closes()
        return False

    server.handler = stall
    with (
        httpx.Client(timeout=0.2) as http,
        Mistral(api_key="k", server_url=server.url, client=http, retry_config=FAST) as client,
        pytest.raises(APITimeoutError),
    ):
        client.chat.complete(model=MODEL, messages=messages())
    assert len(server.requests) == 3  # timeouts are retried like connection errors


def test_stalled_server_times_out_without_retries(server: FaultServer, client: Mistral) -> None:
    async def stall(conn: Conn, request: Request) -> bool:
        await conn.until_client_closes()
        return False

    server.handler = stall
    with pytest.raises(APITimeoutError):
        client.chat.complete(model=MODEL, messages=messages(), timeout_ms=1_000, retries=None)
    assert len(server.requests) == 1


def test_slow_trickle_within_the_timeout_succeeds(server: FaultServer, client: Mistral) -> None:
    body = json.dumps(chat_response("slowly")).encode()
    answer = head(200, {"content-type": "application/json"}, len(body)) + body

    async def trickle(conn: Conn, request: Request) -> bool:
        for start in range(0, len(answer), 16):
            await conn.send(answer[start : start + 16])
            await asyncio.sleep(0.002)
        return True

    server.handler = trickle
    response = client.chat.complete(model=MODEL, messages=messages(), timeout_ms=5_000)
    assert response.choices[0].message.content == "slowly"
    assert len(server.requests) == 1


# -- error statuses and retries -----------------------------------------------------------


@pytest.mark.parametrize("retry_after", [None, "0"])
def test_503_storm_then_success(
    server: FaultServer, client: Mistral, retry_after: str | None
) -> None:
    headers = {"retry-after": retry_after} if retry_after is not None else {}

    async def storm(conn: Conn, request: Request) -> bool:
        if len(server.requests) <= 2:
            return await conn.respond(503, {"message": "overloaded"}, headers=headers)
        return await conn.respond(200, chat_response("calm"))

    server.handler = storm
    response = client.chat.complete(model=MODEL, messages=messages("same body"))
    assert response.choices[0].message.content == "calm"
    assert response._http.retries == 2
    assert len(server.requests) == 3
    bodies = {request.body for request in server.requests}
    assert len(bodies) == 1  # every attempt sent the very same body, once
    assert server.requests[0].json()["messages"] == messages("same body")


def test_503_storm_longer_than_the_retries(server: FaultServer, client: Mistral) -> None:
    async def storm(conn: Conn, request: Request) -> bool:
        return await conn.respond(503, {"message": "overloaded"}, headers={"retry-after": "0"})

    server.handler = storm
    with pytest.raises(InternalServerError) as caught:
        client.chat.complete(model=MODEL, messages=messages())
    assert caught.value.status_code == 503
    assert caught.value.message == "overloaded"
    assert len(server.requests) == 3


def test_429_asking_for_more_than_the_budget_fails_fast(
    server: FaultServer, client: Mistral
) -> None:
    async def slow_down(conn: Conn, request: Request) -> bool:
        body = {"message": "Requests rate limit exceeded"}
        return await conn.respond(429, body, headers={"retry-after": "3600"})

    server.handler = slow_down
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        client.chat.complete(model=MODEL, messages=messages())
    assert time.monotonic() - started < 5  # no waiting an hour, nor a minute
    assert caught.value.status_code == 429
    assert caught.value.message == "Requests rate limit exceeded"
    assert caught.value.headers["retry-after"] == "3600"
    assert len(server.requests) == 1


@pytest.mark.parametrize(("status", "error"), [(400, BadRequestError), (422, HTTPValidationError)])
def test_client_errors_are_not_retried(
    server: FaultServer, client: Mistral, status: int, error: type[Exception]
) -> None:
    async def refuse(conn: Conn, request: Request) -> bool:
        return await conn.respond(status, {"message": "no"})

    server.handler = refuse
    with pytest.raises(error):
        client.chat.complete(model=MODEL, messages=messages())
    assert len(server.requests) == 1


def test_error_status_of_a_stream_is_retried_then_streams(
    server: FaultServer, client: Mistral
) -> None:
    async def storm_then_stream(conn: Conn, request: Request) -> bool:
        if len(server.requests) == 1:
            return await conn.respond(502, "bad gateway", content_type="text/html")
        await conn.start_chunked()
        await conn.chunk(sse_event("x") + DONE)
        return await conn.end_chunked()

    server.handler = storm_then_stream
    with client.chat.stream(model=MODEL, messages=messages()) as stream:
        contents = [event.data.choices[0].delta.content for event in stream]
    assert contents == ["x"]
    assert len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body


# -- bodies that cannot be read -----------------------------------------------------------


def test_malformed_json(server: FaultServer, client: Mistral) -> None:
    async def garbage(conn: Conn, request: Request) -> bool:
        return await conn.respond(200, b'{"id": "cmpl-1", "choices": [')

    server.handler = garbage
    with pytest.raises(ResponseValidationError, match="not JSON") as caught:
        client.chat.complete(model=MODEL, messages=messages())
    assert caught.value.info is not None
    assert caught.value.info.status_code == 200
    assert len(server.requests) == 1


def test_wrong_content_type_for_a_stream(server: FaultServer, client: Mistral) -> None:
    async def json_answer(conn: Conn, request: Request) -> bool:
        return await conn.respond(200, chat_response("not a stream"))

    server.handler = json_answer
    stream = client.chat.stream(model=MODEL, messages=messages())
    with pytest.raises(ResponseValidationError, match="expected an event stream"):
        next(stream)


def test_error_body_with_status_200(server: FaultServer, client: Mistral) -> None:
    """An error the server sends with a 200 is an ``APIError`` with the server's message."""
    error_body = {"object": "error", "message": "model overloaded", "type": "x", "code": "3505"}

    async def error_200(conn: Conn, request: Request) -> bool:
        return await conn.respond(200, error_body)

    server.handler = error_200
    with pytest.raises(APIError, match="model overloaded") as caught:
        client.chat.complete(model=MODEL, messages=messages())
    assert (caught.value.status_code, caught.value.body) == (200, error_body)
    assert len(server.requests) == 1


def test_stream_with_garbage_lines(server: FaultServer, client: Mistral) -> None:
    noise = (
        b": a comment\n"
        b"garbage without a colon\n"
        b"unknown-field: value\n"
        b"\xff\xfe not utf-8\n"
        b"retry: soon\n"
    )

    async def noisy(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        await conn.chunk(noise + sse_event("a"))
        await conn.chunk(b"\r\n: keep-alive\r\n\r\n" + sse_event("b"))
        await conn.chunk(DONE)
        return await conn.end_chunked()

    server.handler = noisy
    with client.chat.stream(model=MODEL, messages=messages()) as stream:
        contents = [event.data.choices[0].delta.content for event in stream]
    assert contents == ["a", "b"]


def test_stream_with_garbage_json(server: FaultServer, client: Mistral) -> None:
    async def garbage(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        await conn.chunk(sse_event("a") + b"data: {not json}\n\n" + sse_event("b") + DONE)
        return await conn.end_chunked()

    server.handler = garbage
    received = []
    with (
        pytest.raises(ResponseValidationError, match="not JSON"),
        client.chat.stream(model=MODEL, messages=messages()) as stream,
    ):
        received.extend(event.data.choices[0].delta.content for event in stream)
    assert received == ["a"]


def test_stream_without_done(server: FaultServer, client: Mistral) -> None:
    async def unfinished(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        await conn.chunk(sse_event("a") + sse_event("b"))
        return await conn.end_chunked()  # a clean end, but no [DONE]

    server.handler = unfinished
    received = []
    with (
        pytest.raises(APIConnectionError, match=r"without \[DONE\]"),
        client.chat.stream(model=MODEL, messages=messages()) as stream,
    ):
        received.extend(event.data.choices[0].delta.content for event in stream)
    assert received == ["a", "b"]


# -- load and leaks -----------------------------------------------------------------------


async def echo(conn: Conn, request: Request) -> bool:
    text = request.json()["messages"][0]["content"]
    return await conn.respond(200, chat_response(f"echo {text}"))


def open_sockets() -> int:
    """The sockets this process holds (Linux), the server's included."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return count


def sockets_back_to(count: int) -> bool:
    """Whether this process holds ``count`` sockets again within ``WAIT`` seconds.

    The server's side of a connection it aborted is closed by its event loop's next
    turn, just after the server counts the connection closed: not at once.
    """
    deadline = time.monotonic() + WAIT
    while open_sockets() != count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


needs_proc = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd"), reason="counts sockets through /proc (Linux)"
)


@needs_proc
@pytest.mark.anyio
async def test_a_thousand_concurrent_async_calls(server: FaultServer) -> None:
    server.handler = echo
    sockets_before = open_sockets()
    # 1,000 calls in flight at once in our code; at most 100 at a time wait in httpx's
    # pool, whose queue costs O(waiting x connections) per assignment (see the report).
    in_pool = asyncio.Semaphore(100)

    async def call(mistral: Mistral, n: int) -> ChatCompletionResponse:
        async with in_pool:
            return await mistral.chat.complete_async(model=MODEL, messages=messages(str(n)))

    async with Mistral(api_key="k", server_url=server.url, retry_config=FAST) as mistral:
        with anyio.fail_after(40):
            responses = await asyncio.gather(*(call(mistral, n) for n in range(1000)))
    assert [r.choices[0].message.content for r in responses] == [f"echo {n}" for n in range(1000)]
    assert len(server.requests) == 1000
    assert await anyio.to_thread.run_sync(server.wait_open_connections, 0)
    assert await anyio.to_thread.run_sync(sockets_back_to, sockets_before)


@needs_proc
def test_sixteen_threads_share_one_sync_client(server: FaultServer) -> None:
    server.handler = echo
    sockets_before = open_sockets()
    results: dict[int, list[str]] = {}
    failures: list[BaseException] = []

    def worker(mistral: Mistral, thread: int) -> None:
        try:
            results[thread] = [
                mistral.chat.complete(model=MODEL, messages=messages(f"{thread}-{n}"))
                .choices[0]
                .message.content
                for n in range(50)
            ]
        except BaseException as exc:
            failures.append(exc)

    with Mistral(api_key="k", server_url=server.url, retry_config=FAST) as mistral:
        threads = [threading.Thread(target=worker, args=(mistral, t)) for t in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(40)
        assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert results == {t: [f"echo {t}-{n}" for n in range(50)] for t in range(16)}
    assert len(server.requests) == 800
    assert server.wait_open_connections(0)
    assert sockets_back_to(sockets_before)


def test_threads_starting_together_share_one_httpx_client(
    monkeypatch: pytest.MonkeyPatch, server: FaultServer
) -> None:
    """Two threads making the first call of a client at once must get the same httpx client.

    Each creation waits (bounded) for a second one to start: without a lock in
    ``HTTPClients.sync`` both threads create one, and the first is dropped unclosed, with
    its pooled connections (``ResourceWarning: unclosed socket``).
    """
    created: list[httpx.Client] = []
    both_inside = threading.Barrier(2, timeout=1.0)

    class Observed(httpx.Client):
        def __init__(self, **kwargs: Any) -> None:
            created.append(self)
            with contextlib.suppress(threading.BrokenBarrierError):
                both_inside.wait()  # a lock makes the second thread wait outside: times out
            super().__init__(**kwargs)

    monkeypatch.setattr(httpx, "Client", Observed)
    mistral = Mistral(api_key="k", server_url=server.url, retry_config=FAST)
    threads = [threading.Thread(target=mistral._http.sync) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    mistral.close()
    for client in created:
        client.close()  # the lost one too, so that this test leaks nothing itself
    assert len(created) == 1, "HTTPClients.sync() created one httpx.Client per thread"


# -- releasing the connection of a stream left early --------------------------------------


async def endless_stream(conn: Conn, request: Request) -> bool:
    """Two events, then nothing until the client hangs up."""
    await conn.start_chunked()
    await conn.chunk(sse_event("a") + sse_event("b"))
    await conn.until_client_closes()
    return False


@pytest.mark.anyio
async def test_cancelling_an_async_stream_releases_the_connection(server: FaultServer) -> None:
    server.handler = endless_stream
    received: list[str] = []
    two = asyncio.Event()

    async with Mistral(api_key="k", server_url=server.url, retry_config=FAST) as mistral:

        async def consume() -> None:
            stream = await mistral.chat.stream_async(model=MODEL, messages=messages())
            async for event in stream:
                received.append(event.data.choices[0].delta.content)
                if len(received) == 2:
                    two.set()

        task = asyncio.create_task(consume())
        with anyio.fail_after(WAIT):
            await two.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # released by the cancelled stream itself, before the client is closed
        assert await anyio.to_thread.run_sync(server.closed_by_client.wait, WAIT)
    assert received == ["a", "b"]
    assert await anyio.to_thread.run_sync(server.wait_open_connections, 0)


def test_breaking_out_of_a_sync_stream_releases_the_connection(
    server: FaultServer, client: Mistral
) -> None:
    server.handler = endless_stream
    received = []
    for event in client.chat.stream(model=MODEL, messages=messages()):
        received.append(event.data.choices[0].delta.content)
        if len(received) == 2:
            break
    assert received == ["a", "b"]
    assert server.closed_by_client.wait(WAIT)  # before the client is closed
    assert server.wait_open_connections(0)


def test_complete_streams_one_after_another(server: FaultServer, client: Mistral) -> None:
    async def short_stream(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        await conn.chunk(sse_event("a") + DONE)
        return await conn.end_chunked()

    server.handler = short_stream
    for _ in range(3):
        with client.chat.stream(model=MODEL, messages=messages()) as stream:
            assert [event.data.choices[0].delta.content for event in stream] == ["a"]
    assert len(server.requests) == 3
