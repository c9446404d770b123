"""MCP clients for Mistral conversation runs: the tools of MCP servers (started as a
process, or reached over streamable HTTP or SSE) called by ``conversations.run_async``.

    async with RunContext(model="mistral-medium-latest") as run_ctx:
        await run_ctx.register_mcp_client(
            mcp_client=MCPClientSTDIO(stdio_params=StdioServerParameters(command="server"))
        )
        result = await client.beta.conversations.run_async(run_ctx=run_ctx, inputs="...")

The names and constructors are the official SDK's (``mistralai.extra.mcp``).
"""

from __future__ import annotations

from mcp import StdioServerParameters

from ._client import MCPAuthError, MCPClientBase, MCPError, MCPSystemPrompt, MCPTool
from ._transports import (
    MCPClientSSE,
    MCPClientSTDIO,
    MCPClientStreamableHTTP,
    SSEServerParams,
    StreamableHTTPServerParams,
)

__all__ = [
    "MCPAuthError",
    "MCPClientBase",
    "MCPClientSSE",
    "MCPClientSTDIO",
    "MCPClientStreamableHTTP",
    "MCPError",
    "MCPSystemPrompt",
    "MCPTool",
    "SSEServerParams",
    "StdioServerParameters",
    "StreamableHTTPServerParams",
]
