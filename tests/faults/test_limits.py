"""Limits against a hostile server on 127.0.0.1: decompression bombs, endless bodies and
events, redirects, and ``timeout_ms`` as a deadline for the whole call.

Memory is measured with :mod:`tracemalloc` (bytes objects made by zlib and httpx are
Python allocations): each case is refused while the client held a bounded amount.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from mistral_core import Mistral
from mistral_core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ResponseTooLargeError,
)
from tests.faults.server import (
    DONE,
    MESSAGES,
    MODEL,
    WAIT,
    Conn,
    FaultServer,
    Request,
    chat_response,
    head,
    running,
    sse_event,
)

LIMIT = 2**20
"""The clients here keep at most 1 MiB of a body, and of an event."""
BOMB_SIZE = 256 * 2**20
"""What the bomb expands to: 256 MiB of zeros, sent as about 1 KB."""
HELD = 16 * 2**20
"""The most the client may have allocated at once while it refuses a case."""

T = TypeVar("T")


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with running() as server:
        yield server


@pytest.fixture
def client(server: FaultServer) -> Iterator[Mistral]:
    with Mistral(
        api_key="k",
        server_url=server.url,
        retry_config=None,
        max_response_bytes=LIMIT,
        max_event_bytes=LIMIT,
    ) as mistral:
        yield mistral
    assert server.wait_open_connections(0), "a connection was left open"


@functools.cache
def bomb() -> bytes:
    """``BOMB_SIZE`` zeros, gzipped twice (``Content-Encoding: gzip, gzip``)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(2**20)
    once = b"".join(compressor.compress(zeros) for _ in range(BOMB_SIZE // len(zeros)))
    return gzip.compress(once + compressor.flush(), 9)


def peak_memory(call: Callable[[], T]) -> tuple[T | BaseException, int]:
    """What ``call`` returned or raised, and the most it had allocated at once."""
    tracemalloc.start()
    try:
        result: T | BaseException = call()
    except Exception as exc:
        result = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, peak


def serve_bomb(content_type: str) -> Callable[[Conn, Request], Any]:
    async def answer(conn: Conn, request: Request) -> bool:
        headers = {"content-type": content_type, "content-encoding": "gzip, gzip"}
        await conn.send(head(200, headers, len(bomb())) + bomb())
        return True  # all sent: a client that read it all may send the next request

    return answer


# -- decompression bombs ------------------------------------------------------------------


def test_a_json_bomb_is_refused_within_the_limit(server: FaultServer, client: Mistral) -> None:
    assert len(bomb()) < 2_000
    server.handler = serve_bomb("application/json")
    error, peak = peak_memory(lambda: client.chat.complete(model=MODEL, messages=MESSAGES))
    assert isinstance(error, ResponseTooLargeError)
    assert error.limit == LIMIT
    assert "max_response_bytes" in str(error)
    assert peak < HELD
    assert server.wait_open_connections(0)  # closed, not kept for the next call


def test_a_stream_bomb_is_refused_within_the_limit(server: FaultServer, client: Mistral) -> None:
    server.handler = serve_bomb("text/event-stream")

    def read_all() -> list[Any]:
        with client.chat.stream(model=MODEL, messages=MESSAGES) as events:
            return list(events)

    error, peak = peak_memory(read_all)
    assert isinstance(error, ResponseTooLargeError)  # 256 MiB of NULs: one endless line
    assert error.limit == LIMIT
    assert peak < HELD


def test_a_download_bomb_is_iterated_a_piece_at_a_time(
    server: FaultServer, client: Mistral
) -> None:
    server.handler = serve_bomb("application/octet-stream")

    def largest_chunk() -> int:
        with client.files.download(file_id="f1") as download:
            return max(len(chunk) for chunk in download.iter_bytes())

    largest, peak = peak_memory(largest_chunk)
    assert largest == 64 * 2**10
    assert peak < HELD
    with client.files.download(file_id="f1") as download:
        error, peak = peak_memory(download.read)
    assert isinstance(error, ResponseTooLargeError)
    assert peak < HELD


def test_compressed_answers_are_read(server: FaultServer, client: Mistral) -> None:
    body = json.dumps(chat_response("zipped")).encode()
    encodings = {
        "gzip": gzip.compress(body),
        "x-gzip": gzip.compress(body),
        "deflate": zlib.compress(body),  # with its zlib wrapper
        "Deflate": zlib.compress(body)[2:-4],  # raw, as some servers send it
        "gzip, deflate": zlib.compress(gzip.compress(body)),
        "identity": body,
    }
    for encoding, content in encodings.items():

        async def answer(
            conn: Conn, request: Request, encoding: str = encoding, content: bytes = content
        ) -> bool:
            return await conn.respond(200, content, headers={"content-encoding": encoding})

        server.handler = answer
        res = client.chat.complete(model=MODEL, messages=MESSAGES)
        assert res.choices[0].message.content == "zipped", encoding


def test_a_compressed_stream_is_read(server: FaultServer, client: Mistral) -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)

    async def answer(conn: Conn, request: Request) -> bool:
        headers = {"content-type": "text/event-stream", "content-encoding": "gzip"}
        await conn.send(head(200, headers, None))
        for word in ("zip", "ped"):
            data = compressor.compress(sse_event(word)) + compressor.flush(zlib.Z_SYNC_FLUSH)
            await conn.chunk(data)
        await conn.chunk(compressor.compress(DONE) + compressor.flush())
        return await conn.end_chunked()

    server.handler = answer
    with client.chat.stream(model=MODEL, messages=MESSAGES) as events:
        words = [event.data.choices[0].delta.content for event in events]
    assert words == ["zip", "ped"]


def test_an_encoding_not_asked_for_is_refused(server: FaultServer, client: Mistral) -> None:
    async def answer(conn: Conn, request: Request) -> bool:
        return await conn.respond(200, b"\x1b\x00", headers={"content-encoding": "br"})

    server.handler = answer
    with pytest.raises(APIConnectionError, match="encoded as br, which was not asked for"):
        client.chat.complete(model=MODEL, messages=MESSAGES)
    assert server.requests[0].headers["accept-encoding"] == "gzip, deflate"


# -- bodies and events without an end -----------------------------------------------------


async def endless(conn: Conn, line: bytes) -> bool:
    """``line`` again and again, in chunks, until the client hangs up."""
    try:
        while True:
            await conn.chunk(line * 1024)
    except ConnectionError:
        conn.server.closed_by_client.set()
    return False


def test_an_endless_json_body_stops_at_the_limit(server: FaultServer, client: Mistral) -> None:
    async def answer(conn: Conn, request: Request) -> bool:
        await conn.start_chunked("application/json")
        return await endless(conn, b'{"a": [1, 2, 3]}, ')

    server.handler = answer
    error, peak = peak_memory(lambda: client.chat.complete(model=MODEL, messages=MESSAGES))
    assert isinstance(error, ResponseTooLargeError)
    assert peak < HELD
    assert server.closed_by_client.wait(WAIT)


@pytest.mark.parametrize(
    "line",
    [b"data: xxxxxxxxxxxxxxxx", b"data: {}\n"],
    ids=["a line without an end", "an event without an end"],
)
def test_an_endless_event_stops_at_the_limit(
    server: FaultServer, client: Mistral, line: bytes
) -> None:
    async def answer(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        return await endless(conn, line)

    server.handler = answer

    def read_all() -> list[Any]:
        with client.chat.stream(model=MODEL, messages=MESSAGES) as events:
            return list(events)

    error, peak = peak_memory(read_all)
    assert isinstance(error, ResponseTooLargeError)
    assert "max_event_bytes" in str(error)
    assert peak < HELD
    assert server.closed_by_client.wait(WAIT)


def test_an_error_body_is_cut_at_a_mebibyte(server: FaultServer) -> None:
    async def answer(conn: Conn, request: Request) -> bool:
        await conn.send(head(500, {"content-type": "text/plain"}, None))
        await conn.chunk(b"the message comes first. ")
        return await endless(conn, b"then padding ")

    server.handler = answer
    with (
        Mistral(api_key="k", server_url=server.url, retry_config=None) as client,
        pytest.raises(APIError) as caught,
    ):
        client.chat.complete(model=MODEL, messages=MESSAGES)
    assert caught.value.status_code == 500
    assert str(caught.value).startswith("500 the message comes first.")
    assert len(caught.value.response.content) == 2**20


def test_limits_are_checked_and_set_per_client() -> None:
    with pytest.raises(ValueError, match="max_response_bytes must be positive"):
        Mistral(api_key="k", max_response_bytes=0)
    with pytest.raises(TypeError, match="max_event_bytes must be an int"):
        Mistral(api_key="k", max_event_bytes=1.5)  # type: ignore[arg-type]
    client = Mistral(api_key="k")
    roomy = client.with_options(max_response_bytes=2**30)
    assert (client._config.max_response_bytes, roomy._config.max_response_bytes) == (
        100 * 2**20,
        2**30,
    )


# -- redirects ----------------------------------------------------------------------------


def test_a_redirect_is_an_error(server: FaultServer, client: Mistral) -> None:
    async def answer(conn: Conn, request: Request) -> bool:
        location = {"location": "https://elsewhere.example/v1/chat/completions?token=t"}
        return await conn.respond(307, chat_response("not me"), headers=location)

    server.handler = answer
    with pytest.raises(APIError) as caught:
        client.chat.complete(model=MODEL, messages=MESSAGES)
    assert caught.value.status_code == 307
    assert "https://elsewhere.example/v1/chat/completions, not followed" in str(caught.value)
    assert "token" not in str(caught.value)


def test_no_credential_follows_a_redirect_to_another_origin(server: FaultServer) -> None:
    with running() as elsewhere:

        async def redirect(conn: Conn, request: Request) -> bool:
            headers = {"location": f"{elsewhere.url}/v1/users/me"}
            return await conn.respond(302, b"", headers=headers)

        server.handler = redirect
        with (
            httpx.Client(follow_redirects=True) as http,
            Mistral(api_key="secret-key", server_url=server.url, client=http) as client,
            pytest.raises(APIError, match="302"),
        ):
            client.beta.users.get_identity()
        assert server.requests[0].headers["x-api-key"] == "secret-key"
        assert elsewhere.requests == []


# -- timeout_ms: a deadline for the whole call --------------------------------------------


async def trickle(conn: Conn, request: Request) -> bool:
    """A body sent a byte every 20 ms: every read is quick, the whole is not."""
    body = json.dumps(chat_response("slow")).encode()
    await conn.send(head(200, {"content-type": "application/json"}, len(body)))
    for byte in body:
        await conn.send(bytes([byte]))
        await asyncio.sleep(0.02)
    return True


def test_timeout_ms_bounds_a_trickled_body(server: FaultServer, client: Mistral) -> None:
    server.handler = trickle
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="timeout_ms"):
        client.chat.complete(model=MODEL, messages=MESSAGES, timeout_ms=300)
    assert time.monotonic() - started < 1.0  # the body would take 5 s


@pytest.mark.anyio
async def test_timeout_ms_bounds_a_trickled_body_async(server: FaultServer) -> None:
    server.handler = trickle
    started = time.monotonic()
    async with Mistral(api_key="k", server_url=server.url, retry_config=None) as client:
        with pytest.raises(APITimeoutError, match="timeout_ms"):
            await client.chat.complete_async(model=MODEL, messages=MESSAGES, timeout_ms=300)
    assert time.monotonic() - started < 1.0


def test_timeout_ms_bounds_the_wait_for_the_first_event(
    server: FaultServer, client: Mistral
) -> None:
    async def keepalive(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        for _ in range(250):  # 5 s of comments, no event
            await conn.chunk(b": still thinking\n")
            await asyncio.sleep(0.02)
        return await conn.end_chunked()

    server.handler = keepalive
    started = time.monotonic()
    with (
        pytest.raises(APITimeoutError, match="before the first event"),
        client.chat.stream(model=MODEL, messages=MESSAGES, timeout_ms=300) as events,
    ):
        list(events)
    assert time.monotonic() - started < 1.0


def test_a_stream_outlives_timeout_ms_once_it_has_started(
    server: FaultServer, client: Mistral
) -> None:
    async def steady(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        for _ in range(10):  # 0.6 s of events, each within the read timeout
            await conn.chunk(sse_event("."))
            await asyncio.sleep(0.06)
        await conn.chunk(DONE)
        return await conn.end_chunked()

    server.handler = steady
    with client.chat.stream(model=MODEL, messages=MESSAGES, timeout_ms=300) as events:
        assert len(list(events)) == 10
