"""Real MCP servers on 127.0.0.1 for the MCP client's tests, started once per session:
the test server (``mcp_server.py``) over streamable HTTP and SSE, served by uvicorn in a
thread of this process; and the command that starts it over stdio."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import uvicorn
from mcp import StdioServerParameters
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.mcp_plugin.mcp_server import build

SERVER_SCRIPT = Path(__file__).with_name("mcp_server.py")
TOKEN = "mcp-secret-token"
"""What the servers ask for in ``Authorization: Bearer ...``."""


@attrs.frozen
class Served:
    """A running MCP server over HTTP."""

    url: str
    """Its MCP endpoint (``/mcp``, or ``/sse``)."""
    wait_started: threading.Event
    """Set when its ``wait`` tool starts."""


class _BearerOnly:
    """Refuses a request without the token (401), as a server behind OAuth does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            if request.headers.get("authorization") != f"Bearer {TOKEN}":
                response: Response = JSONResponse({"error": "invalid_token"}, status_code=401)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _serve(app: Starlette, path: str) -> Iterator[str]:
    config = uvicorn.Config(_BearerOnly(app), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the MCP test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def streamable_http_server() -> Iterator[Served]:
    started = threading.Event()
    app = build("arith-http", started=started).streamable_http_app()
    for url in _serve(app, "/mcp"):
        yield Served(url, started)


@pytest.fixture(scope="session")
def sse_server() -> Iterator[Served]:
    started = threading.Event()
    app = build("arith-sse", started=started).sse_app()
    for url in _serve(app, "/sse"):
        yield Served(url, started)


@pytest.fixture
def stdio_params() -> StdioServerParameters:
    """The command that starts the test server over stdio."""
    return StdioServerParameters(command=sys.executable, args=[str(SERVER_SCRIPT)])
