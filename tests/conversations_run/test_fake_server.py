"""Runs against the local fake server over HTTP (``mistral_testing.server``), which answers
a conversation with calls of its functions: the whole loop, whole and streamed, and a
streamed run cancelled while the API's stream is open, which leaves no task or
connection behind."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from mistral_core import Mistral
from mistral_plugin_conversations import RunContext, RunResult
from mistral_plugin_conversations.models import FunctionResultEntry
from mistral_testing.server import FakeServer


@pytest.mark.anyio
async def test_a_run_cancelled_while_the_api_stream_is_open_leaves_nothing_behind() -> None:
    def add(a: int, b: int) -> int:
        return a + b

    before = asyncio.all_tasks()
    with FakeServer(delay=0.05) as server:
        async with (
            httpx.AsyncClient() as http,
            Mistral(api_key="k", server_url=server.url, async_client=http) as client,
            RunContext(model="m") as run_ctx,
        ):
            run_ctx.register_func(add)
            first_event = asyncio.Event()

            async def read() -> None:
                stream = client.beta.conversations.run_stream_async(run_ctx=run_ctx, inputs="Add.")
                async for _ in stream:
                    first_event.set()

            run = asyncio.create_task(read())
            await first_event.wait()
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
            assert asyncio.all_tasks() - before == set()
            assert http._transport._pool.connections == []  # type: ignore[attr-defined]


def test_a_whole_run_against_the_fake_server_over_http() -> None:
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    with (
        FakeServer() as server,
        Mistral(api_key="k", server_url=server.url) as client,
        RunContext(model="mistral-medium-latest") as run_ctx,
    ):
        run_ctx.register_func(add)
        result = client.beta.conversations.run(run_ctx=run_ctx, inputs="1 + 1?")
        streamed = list(client.beta.conversations.run_stream(run_ctx=run_ctx, inputs="2 + 2?"))
    [tool_result] = result.tool_results
    assert isinstance(tool_result.call.arguments, str)
    arguments = json.loads(tool_result.call.arguments)
    assert tool_result.value == arguments["a"] + arguments["b"]
    assert result.output_as_text == "This is a fake answer from the local Mistral server."
    assert [r.operation for r in server.requests] == [
        "agents_api_v1_conversations_start",
        "agents_api_v1_conversations_append",
        "agents_api_v1_conversations_append_stream",
        "agents_api_v1_conversations_append_stream",
    ]
    last = streamed[-1]
    assert isinstance(last, RunResult)
    assert isinstance(last.output_entries[-2], FunctionResultEntry)
    assert last.output_as_text == result.output_as_text
