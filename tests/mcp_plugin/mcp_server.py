"""The MCP server the tests talk to, written with the ``mcp`` package's own server API.

``python tests/mcp_plugin/mcp_server.py`` serves it on stdio (the stdio client's tests start it so);
the HTTP tests serve :func:`build` in this process (``conftest.py``).
"""

from __future__ import annotations

import base64
import os
import sys
import threading

import anyio
from mcp import types
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

PIXEL = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(8)).decode()
"""16 bytes that say they are a PNG image."""


def build(name: str = "arith", *, started: threading.Event | None = None) -> MCPServer:
    """A server of a few tools, a prompt and a resource; ``started`` is set when the
    ``wait`` tool starts (it then waits until it is cancelled)."""
    server = MCPServer(name)

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @server.tool()
    def divide(a: float, b: float) -> float:
        """Divide a by b."""
        if b == 0:
            raise ToolError("division by zero")
        return a / b

    @server.tool()
    def picture(caption: str) -> list[types.ContentBlock]:
        """A picture, its caption and a note."""
        note = types.TextResourceContents(uri="note://caption", text=f"note: {caption}")
        blob = types.BlobResourceContents(
            uri="file:///pixel.png", blob=PIXEL, mime_type="image/png"
        )
        return [
            types.TextContent(text=caption),
            types.ImageContent(data=PIXEL, mime_type="image/png"),
            types.EmbeddedResource(resource=note),
            types.EmbeddedResource(resource=blob),
            types.ResourceLink(uri="file:///big.csv", name="big.csv"),
        ]

    @server.tool()
    async def wait() -> str:
        """Wait until cancelled."""
        if started is not None:
            started.set()
        await anyio.sleep_forever()
        return "never"

    @server.tool()
    def pid() -> int:
        """The server's process id."""
        return os.getpid()

    @server.prompt()
    def greet(person: str) -> str:
        """Greet someone."""
        return f"Say hello to {person}."

    @server.resource("note://hello", mime_type="text/plain")
    def hello() -> str:
        return "Hello from the resource."

    return server


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else "arith").run("stdio")
