"""Conversation runs that call the tools of MCP servers (``mistral_mock`` answers for the
API): registration, name clashes, the tools a configuration takes, a tool's error told to
the model, confirmation, the context closing its clients, the blocking run refusing them,
and a run cancelled mid-way leaving no task or connection behind."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from mcp import StdioServerParameters

from mistral_core import Mistral
from mistral_plugin_conversations import (
    DeferredToolCallsException,
    RunContext,
    RunError,
    ToolReportedError,
)
from mistral_plugin_mcp import (
    MCPClientSTDIO,
    MCPClientStreamableHTTP,
    StreamableHTTPServerParams,
)
from mistral_testing.pytest_plugin import MistralMock
from tests.mcp_plugin.conftest import TOKEN, Served

BEARER = {"Authorization": f"Bearer {TOKEN}"}


def http_client(server: Served, name: str | None = None) -> MCPClientStreamableHTTP:
    params = StreamableHTTPServerParams(url=server.url, headers=BEARER)
    return MCPClientStreamableHTTP(params=params, name=name)


def calls(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A conversation's response that calls one tool."""
    call = {
        "type": "function.call",
        "tool_call_id": "call0",
        "name": name,
        "arguments": json.dumps(arguments),
    }
    return {"conversation_id": "c1", "outputs": [call], "usage": {}}


def said(text: str) -> dict[str, Any]:
    message = {"type": "message.output", "role": "assistant", "content": text}
    return {"conversation_id": "c1", "outputs": [message], "usage": {}}


@pytest.mark.anyio
async def test_a_run_calls_the_tools_of_a_stdio_server(
    mistral_mock: MistralMock, stdio_params: StdioServerParameters
) -> None:
    mcp_client = MCPClientSTDIO(stdio_params=stdio_params)
    async with Mistral(api_key="k") as client, RunContext(model="m") as run_ctx:
        await run_ctx.register_mcp_client(mcp_client=mcp_client)
        assert run_ctx.mcp_clients == (mcp_client,)
        tools = [tool.tool.to_dict() for tool in mcp_client.function_tools()]
        result = await client.beta.conversations.run_async(run_ctx=run_ctx, inputs="1 + 1?")
    start = mistral_mock.requests[0].json()
    assert start["tools"] == tools
    assert [tool["function"]["name"] for tool in tools] == [
        "add",
        "divide",
        "picture",
        "wait",
        "pid",
    ]
    [tool_result] = result.tool_results
    assert isinstance(tool_result.call.arguments, str)
    arguments = json.loads(tool_result.call.arguments)
    assert tool_result.value == str(arguments["a"] + arguments["b"])
    assert result.output_as_text == "Hello from mistral_mock!"
    assert not run_ctx.mcp_clients
    assert repr(mcp_client).endswith("closed>")


@pytest.mark.anyio
async def test_a_tools_error_is_told_to_the_model_and_the_run_goes_on(
    mistral_mock: MistralMock, streamable_http_server: Served
) -> None:
    mistral_mock.beta.conversations.reply(calls("divide", {"a": 1, "b": 0}))
    mistral_mock.beta.conversations.reply(said("Cannot divide by zero."))
    async with Mistral(api_key="k") as client, RunContext(model="m") as run_ctx:
        await run_ctx.register_mcp_client(http_client(streamable_http_server))
        result = await client.beta.conversations.run_async(run_ctx=run_ctx, inputs="1 / 0?")
    [tool_result] = result.tool_results
    assert isinstance(tool_result.error, ToolReportedError)
    sent = mistral_mock.requests[1].json()["inputs"][0]
    assert sent["result"] == "Error: Error executing tool divide: division by zero"
    assert result.output_as_text == "Cannot divide by zero."


@pytest.mark.anyio
async def test_tool_names_that_clash_are_refused_at_registration(
    streamable_http_server: Served,
) -> None:
    async with RunContext(model="m") as run_ctx:

        def add(a: int, b: int) -> int:
            return a + b

        run_ctx.register_func(add)
        first = http_client(streamable_http_server, name="first")
        with pytest.raises(RunError, match="'add' of the MCP client 'first' is a registered"):
            await run_ctx.register_mcp_client(first)
        assert repr(first).endswith("closed>")  # closed again
        await run_ctx.register_mcp_client(first, {"exclude": ["add"]})
        second = http_client(streamable_http_server, name="second")
        clash = "the tool 'divide' of the MCP client 'second' is a tool of the MCP client 'first'"
        with pytest.raises(RunError, match=clash):
            await run_ctx.register_mcp_client(second, {"include": ["divide"]})
        with pytest.raises(RunError, match="'pid' of the function is a tool of the MCP client"):
            run_ctx.register_func(name="pid")(add)
        with pytest.raises(RunError, match="unknown tool configuration key 'only'"):
            await run_ctx.register_mcp_client(second, {"only": ["add"]})
        with pytest.raises(RunError, match="lists of tool names, not one name"):
            await run_ctx.register_mcp_client(second, {"include": "add"})
        with pytest.raises(RunError, match="the MCP client 'first' is registered already"):
            await run_ctx.register_mcp_client(first)
        assert repr(first).endswith("connected>")  # still there
        assert sorted(run_ctx.function_tools()) == ["add", "divide", "picture", "pid", "wait"]
        assert run_ctx.function_tools()["add"].fn is add
    assert repr(first).endswith("closed>")


@pytest.mark.anyio
async def test_a_tool_may_wait_for_confirmation(
    mistral_mock: MistralMock, streamable_http_server: Served
) -> None:
    mistral_mock.beta.conversations.reply(calls("add", {"a": 2, "b": 3}))
    mistral_mock.beta.conversations.reply(said("5"))
    mcp_client = http_client(streamable_http_server)
    async with Mistral(api_key="k") as client, RunContext(model="m") as run_ctx:
        configuration = {"include": ["add"], "requires_confirmation": ["add", "divide"]}
        await run_ctx.register_mcp_clients([mcp_client], [configuration])
        assert list(run_ctx.function_tools()) == ["add"]
        assert run_ctx.requires_confirmation("add")
        assert not run_ctx.requires_confirmation("divide")  # not taken
        with pytest.raises(DeferredToolCallsException) as stopped:
            await client.beta.conversations.run_async(run_ctx=run_ctx, inputs="2 + 3?")
        [deferred] = stopped.value.deferred_calls
        result = await client.beta.conversations.run_async(
            run_ctx=run_ctx, inputs=[deferred.confirm({"a": 2, "b": 40})]
        )
    assert [r.value for r in result.tool_results] == ["42"]
    with pytest.raises(RunError, match="one tool configuration"):
        await RunContext(model="m").register_mcp_clients([mcp_client], [None, None])


@pytest.mark.anyio
async def test_the_blocking_run_and_with_refuse_mcp_clients(
    streamable_http_server: Served,
) -> None:
    run_ctx = RunContext(model="m")
    await run_ctx.register_mcp_client(http_client(streamable_http_server, name="maths"))
    refused = r"MCP clients of the context \('maths'\) are async"
    with Mistral(api_key="k") as client, pytest.raises(RunError, match=refused):
        client.beta.conversations.run(run_ctx=run_ctx, inputs="Hi")
    with pytest.raises(RunError, match="closed by `async with RunContext"), run_ctx:
        pass
    await run_ctx.aclose()
    with run_ctx:  # nothing left to close
        assert run_ctx.mcp_clients == ()


def new_tasks(before: set[asyncio.Task[Any]]) -> set[asyncio.Task[Any]]:
    """The tasks of the loop that were not there ``before`` (nor are the test's)."""
    return asyncio.all_tasks() - before


@pytest.mark.anyio
async def test_a_run_cancelled_while_a_tool_runs_leaves_nothing_behind(
    mistral_mock: MistralMock, streamable_http_server: Served
) -> None:
    mistral_mock.beta.conversations.reply(calls("wait", {}))
    started = streamable_http_server.wait_started
    started.clear()
    before = asyncio.all_tasks()
    mcp_client = http_client(streamable_http_server)
    async with Mistral(api_key="k") as client:
        async with RunContext(model="m") as run_ctx:
            await run_ctx.register_mcp_client(mcp_client)
            run = asyncio.create_task(
                client.beta.conversations.run_async(run_ctx=run_ctx, inputs="Wait.")
            )
            assert await asyncio.to_thread(started.wait, 10)
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
            assert run.cancelled()
        assert new_tasks(before) == set()  # the session's and the HTTP transport's tasks
        assert repr(mcp_client).endswith("closed>")
