"""A misbehaving HTTP/1.1 server on 127.0.0.1, for fault injection with real connections.

It runs an asyncio loop in a background thread. Each test sets :attr:`FaultServer.handler`,
an ``async def handler(conn, request)`` that answers one request however it likes (a clean
answer, a reset, a stall, a trickle...) and returns whether the connection stays open for
the next request. The server records every request and counts the open connections, so a
test can check what was sent and that nothing was leaked. Everything that waits has a
timeout: a broken case fails, it never hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

WAIT = 10.0
"""How long anything in these tests may wait for the other side (generous: CI is slow)."""
MODEL = "mistral-small-latest"
MESSAGES = [{"role": "user", "content": "hi"}]
"""What the tests' calls ask for (the server answers whatever they ask)."""


@attrs.frozen
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Conn:
    """One accepted connection, as the handler sees it."""

    def __init__(
        self, server: FaultServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def respond(
        self,
        status: int,
        body: bytes | str | Any = b"",
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> bool:
        """A complete answer with a ``Content-Length``; the connection stays open."""
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        await self.send(head(status, {"content-type": content_type, **(headers or {})}, len(body)))
        await self.send(body)
        return True

    async def start_chunked(self, content_type: str = "text/event-stream") -> None:
        await self.send(head(status=200, headers={"content-type": content_type}, length=None))

    async def chunk(self, data: bytes) -> None:
        await self.send(b"%x\r\n%s\r\n" % (len(data), data))

    async def end_chunked(self) -> bool:
        await self.send(b"0\r\n\r\n")
        return True

    def reset(self) -> bool:
        """Abort the connection with a TCP RST (SO_LINGER 0): the client sees a reset."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()
        return False

    async def until_client_closes(self) -> bool:
        """Wait (bounded) for the client to close its side; True when it did."""
        try:
            while await asyncio.wait_for(self.reader.read(65536), WAIT):
                pass
        except (TimeoutError, asyncio.TimeoutError):
            return False
        except ConnectionError:
            pass
        self.server.closed_by_client.set()
        return True


Handler = Callable[[Conn, Request], Awaitable[bool]]


def head(status: int, headers: dict[str, str], length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status} X"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(
        f"content-length: {length}" if length is not None else "transfer-encoding: chunked"
    )
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def answer_ok(conn: Conn, request: Request) -> bool:
    return await conn.respond(200, chat_response("ok"))


class FaultServer:
    """Start with :meth:`start`, stop with :meth:`stop` (a fixture does both)."""

    def __init__(self) -> None:
        self.handler: Handler = answer_ok
        self.requests: list[Request] = []
        self.accepted = 0
        self.closed_by_client = threading.Event()
        self.port = 0
        self._open = 0
        self._lock = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def open_connections(self) -> int:
        with self._lock:
            return self._open

    def wait_open_connections(self, count: int, timeout: float = WAIT) -> bool:
        """Wait until exactly ``count`` connections are open; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: self._open == count, timeout)

    def start(self) -> None:
        self._thread.start()
        self._server = self._run(asyncio.start_server(self._accept, "127.0.0.1", 0, backlog=1024))
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        self._run(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(WAIT)
        self._loop.close()

    def _run(self, coroutine: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(WAIT)  # type: ignore[arg-type]

    async def _shutdown(self) -> None:
        assert self._server is not None
        await asyncio.sleep(0.01)  # a connection the client just made is accepted, and its
        # handler started, to be cancelled below: else its socket is left to the collector
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()
        await asyncio.sleep(0)  # the sockets aborted above close on the loop's next turn

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        with self._lock:
            self._open += 1
            self.accepted += 1
        conn = Conn(self, reader, writer)
        try:
            while True:
                request = await read_request(reader)
                if request is None:
                    break
                self.requests.append(request)
                if not await self.handler(conn, request):
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.transport.abort()  # closed at once, reset or not: nothing left to say
            with self._lock:
                self._open -= 1
                self._lock.notify_all()
            self._tasks.discard(task)


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request on the connection; None once the client closed it."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    line, *header_lines = raw.decode("latin-1").split("\r\n")
    method, path, _ = line.split(" ", 2)
    headers = {}
    for header in header_lines:
        if header:
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return Request(method, path, headers, body)


def chat_response(content: str) -> dict[str, Any]:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "model": "mistral-small-latest",
        "created": 1702256327,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
    }


def sse_event(content: str) -> bytes:
    chunk = {
        "id": "cmpl-stream",
        "object": "chat.completion.chunk",
        "created": 1702256327,
        "model": "mistral-small-latest",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()


DONE = b"data: [DONE]\n\n"


@contextlib.contextmanager
def running() -> Any:
    server = FaultServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
