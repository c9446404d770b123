"""The clients of the three MCP transports, named and built as the official SDK's: a
server started as a process (stdio), and one reached over HTTP (streamable HTTP, or the
older SSE transport), with headers and an ``httpx2.Auth`` (mcp's OAuth flow,
``mcp.client.auth.OAuthClientProvider``, or any other) for a server that wants credentials.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, TextIO

import attrs
import httpx2
from mcp import StdioServerParameters, stdio_client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError as McpError

from mistral_core._redact import redacted_url

from ._client import MCPAuthError, MCPClientBase

if TYPE_CHECKING:
    from mcp.client._transport import TransportStreams

__all__ = [
    "MCPClientSSE",
    "MCPClientSTDIO",
    "MCPClientStreamableHTTP",
    "SSEServerParams",
    "StreamableHTTPServerParams",
]


class MCPClientSTDIO(MCPClientBase):
    """A client of a server it starts as a process and talks to on its stdin and stdout
    (stopped when the client is closed); the server's stderr goes to ``errlog``."""

    def __init__(
        self,
        stdio_params: StdioServerParameters,
        name: str | None = None,
        *,
        errlog: TextIO | None = None,
    ) -> None:
        super().__init__(name)
        self.stdio_params = stdio_params
        self.errlog = errlog

    async def _open_transport(self, stack: contextlib.AsyncExitStack) -> TransportStreams:
        errlog = sys.stderr if self.errlog is None else self.errlog
        return await stack.enter_async_context(stdio_client(self.stdio_params, errlog))


@attrs.frozen(kw_only=True)
class SSEServerParams:
    """Where an SSE server is, and how long to wait for it (seconds)."""

    url: str
    headers: Mapping[str, str] | None = None
    timeout: float = 5
    sse_read_timeout: float = 60 * 5
    """How long the event stream may stay silent."""


@attrs.frozen(kw_only=True)
class StreamableHTTPServerParams:
    """Where a streamable HTTP server is, and how to reach it (timeouts in seconds)."""

    url: str
    headers: Mapping[str, str] | None = None
    """Sent with every request (a bearer token, say): they are never written in a repr."""
    timeout: float = 30
    sse_read_timeout: float = 60 * 5
    """How long a response's event stream may stay silent."""
    trust_env: bool = True
    """Whether the HTTP client reads proxies, certificates and ``.netrc`` from the
    environment (httpx's default)."""
    follow_redirects: bool = False
    """Off by default: the headers would go along to wherever the server redirects."""

    def __repr__(self) -> str:
        return f"StreamableHTTPServerParams(url={self.url!r}, ...)"


class MCPClientSSE(MCPClientBase):
    """A client of a server on the SSE transport (an event stream and a message URL)."""

    def __init__(
        self,
        sse_params: SSEServerParams,
        name: str | None = None,
        *,
        auth: httpx2.Auth | None = None,
    ) -> None:
        super().__init__(name)
        self.sse_params = sse_params
        self.auth = auth

    async def _open_transport(self, stack: contextlib.AsyncExitStack) -> TransportStreams:
        params = self.sse_params
        transport = sse_client(
            params.url,
            headers=dict(params.headers or {}),
            timeout=params.timeout,
            sse_read_timeout=params.sse_read_timeout,
            auth=self.auth,
        )
        with _refused_credentials(params.url):
            return await stack.enter_async_context(transport)


class MCPClientStreamableHTTP(MCPClientBase):
    """A client of a server on the streamable HTTP transport (one URL, JSON or event
    streams as answers); the HTTP client is the client's own, closed with it."""

    def __init__(
        self,
        params: StreamableHTTPServerParams,
        name: str | None = None,
        *,
        auth: httpx2.Auth | None = None,
    ) -> None:
        super().__init__(name)
        self.params = params
        self.auth = auth
        self._refused: int | None = None

    async def initialize(self) -> None:
        self._refused = None
        try:
            await super().initialize()
        except McpError:
            if self._refused is None:
                raise
            where = redacted_url(self.params.url)
            message = f"the MCP server at {where} refused the credentials ({self._refused})"
            raise MCPAuthError(message) from None

    async def _note_refusal(self, response: httpx2.Response) -> None:
        """A 401 or 403 answer, which the transport tells as a bare JSON-RPC error."""
        if response.status_code in (401, 403):
            self._refused = response.status_code

    async def _open_transport(self, stack: contextlib.AsyncExitStack) -> TransportStreams:
        params = self.params
        http = httpx2.AsyncClient(
            headers=dict(params.headers or {}),
            timeout=httpx2.Timeout(params.timeout, read=params.sse_read_timeout),
            follow_redirects=params.follow_redirects,
            trust_env=params.trust_env,
            auth=self.auth,
            event_hooks={"response": [self._note_refusal]},
        )
        stack.push_async_callback(http.aclose)
        return await stack.enter_async_context(streamable_http_client(params.url, http_client=http))


@contextlib.contextmanager
def _refused_credentials(url: str) -> Generator[None, None, None]:
    """A 401 or 403 of the server, as :class:`MCPAuthError`."""
    try:
        yield
    except httpx2.HTTPStatusError as error:
        status = error.response.status_code
        if status not in (401, 403):
            raise
        message = f"the MCP server at {redacted_url(url)} refused the credentials ({status})"
        raise MCPAuthError(message) from None
