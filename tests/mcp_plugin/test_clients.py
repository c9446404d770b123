"""The MCP clients of the three transports against real MCP servers (``mcp_server.py``):
the server's tools as function tools, their results as text, errors, prompts, resources,
credentials, and nothing left open once a client is closed."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Generator

import httpx2
import pytest
from mcp import StdioServerParameters

from mistral_plugin_chat.models import FunctionCall
from mistral_plugin_conversations import ToolReportedError
from mistral_plugin_mcp import (
    MCPAuthError,
    MCPClientBase,
    MCPClientSSE,
    MCPClientSTDIO,
    MCPClientStreamableHTTP,
    MCPError,
    MCPTool,
    SSEServerParams,
    StreamableHTTPServerParams,
)
from tests.mcp_plugin.conftest import TOKEN, Served

BEARER = {"Authorization": f"Bearer {TOKEN}"}
ADD_PARAMETERS = {
    "type": "object",
    "title": "addArguments",
    "properties": {
        "a": {"title": "A", "type": "integer"},
        "b": {"title": "B", "type": "integer"},
    },
    "required": ["a", "b"],
}
PICTURE_TEXT = "\n".join(
    [
        "a pixel",
        "[image image/png, 16 bytes]",
        "note: a pixel",
        "[resource file:///pixel.png image/png, 16 bytes]",
        "[resource link file:///big.csv: big.csv]",
    ]
)


@pytest.fixture(params=["stdio", "streamable-http", "sse"])
async def client(
    request: pytest.FixtureRequest,
    stdio_params: StdioServerParameters,
    streamable_http_server: Served,
    sse_server: Served,
) -> AsyncIterator[MCPClientBase]:
    """A connected client of each transport."""
    made: MCPClientBase
    if request.param == "stdio":
        made = MCPClientSTDIO(stdio_params=stdio_params)
    elif request.param == "streamable-http":
        params = StreamableHTTPServerParams(url=streamable_http_server.url, headers=BEARER)
        made = MCPClientStreamableHTTP(params=params)
    else:
        made = MCPClientSSE(sse_params=SSEServerParams(url=sse_server.url, headers=BEARER))
    async with made:
        yield made


@pytest.mark.anyio
async def test_the_servers_tools_are_function_tools(client: MCPClientBase) -> None:
    tools = {tool.name: tool for tool in client.function_tools()}
    assert list(tools) == ["add", "divide", "picture", "wait", "pid"]
    add = tools["add"]
    assert isinstance(add, MCPTool)
    assert add.tool.to_dict() == {
        "type": "function",
        "function": {
            "name": "add",
            "description": "Add two integers.",
            "parameters": ADD_PARAMETERS,
        },
    }
    # the model's arguments go to the server as they are: the server checks them
    call = FunctionCall(name="add", arguments='{"a": 2, "b": "x", "c": 1}')
    assert add.arguments(call) == {"a": 2, "b": "x", "c": 1}
    assert await add.fn(a=2, b=3) == "5"


@pytest.mark.anyio
async def test_results_are_text_and_errors_are_reported(client: MCPClientBase) -> None:
    assert await client.execute_tool("picture", {"caption": "a pixel"}) == PICTURE_TEXT
    assert await client.execute_tool("divide", {"a": 1, "b": 4}) == "0.25"
    with pytest.raises(ToolReportedError, match="division by zero"):
        await client.execute_tool("divide", {"a": 1, "b": 0})
    with pytest.raises(ToolReportedError, match="validation error"):
        await client.execute_tool("add", {"a": "x"})
    result = await client.call_tool("add", {"a": 1, "b": 1})
    assert not result.is_error


@pytest.mark.anyio
async def test_prompts_and_resources_are_read_as_text(client: MCPClientBase) -> None:
    prompts = await client.list_system_prompts()
    assert [prompt.name for prompt in prompts.prompts] == ["greet"]
    assert await client.get_system_prompt("greet", {"person": "Ann"}) == {
        "description": "Greet someone.",
        "messages": [{"role": "user", "content": "Say hello to Ann."}],
    }
    resources = await client.list_resources()
    assert [str(resource.uri) for resource in resources.resources] == ["note://hello"]
    assert await client.read_resource("note://hello") == "Hello from the resource."


@pytest.mark.anyio
async def test_a_client_is_named_by_its_server_and_closed_once(
    stdio_params: StdioServerParameters,
) -> None:
    client = MCPClientSTDIO(stdio_params=stdio_params)
    assert repr(client) == "<MCPClientSTDIO 'MCPClientSTDIO' closed>"
    await client.initialize()
    await client.initialize()  # connected already: nothing
    assert repr(client) == "<MCPClientSTDIO 'arith' connected>"
    pid = int(await client.execute_tool("pid", {}))
    await client.aclose()
    await client.aclose()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the server's process is stopped and reaped
    assert client.function_tools() == []
    with pytest.raises(MCPError, match="is not connected: await initialize"):
        await client.execute_tool("add", {"a": 1, "b": 2})
    assert MCPClientSTDIO(stdio_params, name="maths").name == "maths"


@pytest.mark.anyio
async def test_a_server_that_does_not_start_leaves_nothing_open(tmp_path: os.PathLike[str]) -> None:
    missing = StdioServerParameters(command=os.path.join(tmp_path, "no-such-server"))
    client = MCPClientSTDIO(stdio_params=missing)
    with pytest.raises(FileNotFoundError):
        await client.initialize()
    assert repr(client).endswith("closed>")


class Bearer(httpx2.Auth):
    """An auth flow (mcp's OAuth provider is one): it adds the token to each request."""

    def auth_flow(
        self, request: httpx2.Request
    ) -> Generator[httpx2.Request, httpx2.Response, None]:
        request.headers["Authorization"] = f"Bearer {TOKEN}"
        yield request


@pytest.mark.anyio
async def test_http_servers_take_an_auth_flow_and_refuse_no_credentials(
    streamable_http_server: Served, sse_server: Served
) -> None:
    http = StreamableHTTPServerParams(url=streamable_http_server.url)
    async with MCPClientStreamableHTTP(params=http, auth=Bearer()) as client:
        assert await client.execute_tool("add", {"a": 1, "b": 2}) == "3"
    async with MCPClientSSE(SSEServerParams(url=sse_server.url), auth=Bearer()) as sse:
        assert await sse.execute_tool("add", {"a": 1, "b": 2}) == "3"

    refused = MCPClientSSE(sse_params=SSEServerParams(url=sse_server.url))
    with pytest.raises(MCPAuthError, match=r"refused the credentials \(401\)"):
        await refused.initialize()
    refused_http = MCPClientStreamableHTTP(params=http)
    with pytest.raises(MCPAuthError, match=r"refused the credentials \(401\)"):
        await refused_http.initialize()
    assert "secret" not in repr(StreamableHTTPServerParams(url="u", headers=BEARER))
