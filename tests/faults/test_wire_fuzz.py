"""Arbitrary answers from a loopback server, to every kind of call: only our errors come out.

Hypothesis writes whole HTTP answers, status line, headers and body, from pieces a
hostile or broken server could send (wrong lengths, unknown encodings, compressed
bombs, endless lines, deep JSON, bytes that are not text) and plain random bytes.
A JSON call, a stream read to its end and a download read whole and in chunks each
either succeed or raise one of the client's documented errors, holding no more than
a bounded amount of memory, and leave no connection open.
"""

from __future__ import annotations

import functools
import gzip
import json
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mistral_core import Mistral
from mistral_core.errors import MistralError
from tests.faults.server import DONE, Conn, FaultServer, Request, chat_response, running, sse_event

LIMIT = 256 * 2**10
"""The client keeps at most 256 KiB of a body or an event."""
HELD = 8 * 2**20
"""The most one call may have allocated at once, whatever it was sent."""

WIRE = settings(
    max_examples=80,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, 9)


@functools.cache
def bomb() -> bytes:
    """64 MiB of zeros in about 64 KB: far past the limit once decoded."""
    return gzipped(bytes(64 * 2**20))


BODIES = st.one_of(
    st.binary(max_size=300),
    st.just(json.dumps(chat_response("ok")).encode()),
    st.just(sse_event("a") + sse_event("b") + DONE),
    st.just(b"data: " + b"x" * (LIMIT + 10)),  # an endless line
    st.just(b"[" * 3_000 + b"]" * 3_000),  # nested past the recursion limit
    st.just(b'{"object": "error", "message": "boom"}'),
    st.just(b"event: error\ndata: {}\n\n"),
    st.builds(gzipped, st.binary(max_size=200)),
    st.just(b"\xff\xfe\x00garbage\r\n\r\n"),
)

HEADER_VALUES = st.one_of(
    st.sampled_from(
        [
            ("content-type", "application/json"),
            ("content-type", "text/event-stream"),
            ("content-type", "application/octet-stream"),
            ("content-encoding", "gzip"),
            ("content-encoding", "gzip, gzip"),
            ("content-encoding", "deflate"),
            ("content-encoding", "br"),
            ("content-encoding", "identity, zstd"),
            ("transfer-encoding", "chunked"),
            ("content-length", "5"),
            ("content-length", "-1"),
            ("content-length", "99999999"),
            ("location", "http://elsewhere.example/"),
            ("retry-after", "0"),
            ("x-request-id", "\x00\x01"),
        ]
    ),
    st.tuples(
        st.text(st.characters(codec="latin-1"), max_size=12),
        st.text(st.characters(codec="latin-1"), max_size=20),
    ),
)

STATUS_LINES = st.one_of(
    st.builds(
        lambda code, reason: f"HTTP/1.1 {code} {reason}".encode("latin-1"),
        st.sampled_from([200, 201, 204, 206, 301, 302, 307, 400, 401, 404, 422, 429, 500, 503]),
        st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=10),
    ),
    st.builds(lambda code: f"HTTP/1.1 {code} X".encode(), st.integers(0, 999)),
    st.binary(max_size=30),
)


@st.composite
def answers(draw: st.DrawFn) -> bytes:
    """A whole answer on the wire: usually shaped like HTTP, sometimes not at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    body = draw(BODIES)
    if draw(st.booleans()) and draw(st.integers(0, 5)) == 0:
        body = bomb()
    headers = draw(st.lists(HEADER_VALUES, max_size=5))
    length = draw(st.sampled_from(["right", "none", "chunked"]))
    lines = [draw(STATUS_LINES)]
    lines += [f"{name}: {value}".encode("latin-1") for name, value in headers]
    if length == "right":
        lines.append(b"content-length: %d" % len(body))
    elif length == "chunked":
        lines.append(b"transfer-encoding: chunked")
        body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if body else b"0\r\n\r\n"
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with running() as server:
        yield server


def read_json(client: Mistral) -> Any:
    return client.chat.complete(model="m", messages=[{"role": "user", "content": "hi"}])


def read_stream(client: Mistral) -> Any:
    with client.chat.stream(model="m", messages=[{"role": "user", "content": "hi"}]) as events:
        return list(events)


def read_download(client: Mistral) -> Any:
    with client.files.download(file_id="f") as download:
        chunks = sum(len(chunk) for chunk in download.iter_bytes(4096))
    with client.files.download(file_id="f") as download:
        return chunks, len(download.read())


CALLS: list[Callable[[Mistral], Any]] = [read_json, read_stream, read_download]


@pytest.mark.parametrize("call", CALLS, ids=lambda call: call.__name__)
@WIRE
@given(answer=answers())
def test_any_answer_gives_a_result_or_our_error(
    server: FaultServer, call: Callable[[Mistral], Any], answer: bytes
) -> None:
    async def send_it(conn: Conn, request: Request) -> bool:
        await conn.send(answer)
        return False  # and hang up: whatever the answer said, it is all there is

    server.handler = send_it
    with Mistral(
        api_key="sk-fuzz-0123456789",
        server_url=server.url,
        retry_config=None,
        timeout_ms=5_000,
        max_response_bytes=LIMIT,
        max_event_bytes=LIMIT,
    ) as client:
        tracemalloc.start()
        try:
            call(client)
        except MistralError:
            pass  # documented: every error of a call is one of ours
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    assert peak < HELD
    assert server.wait_open_connections(0)


def test_the_bomb_expands_far_past_the_limit() -> None:
    assert len(zlib.decompress(bomb(), zlib.MAX_WBITS | 16)) == 64 * 2**20
    assert len(bomb()) < 100_000
