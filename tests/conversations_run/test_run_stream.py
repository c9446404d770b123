"""``conversations.run_stream`` and ``run_stream_async``: the server's events and the local
function calls as they happen, then the run's result, against ``mistral_mock``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mistral_core import Mistral
from mistral_plugin_chat import ToolResult
from mistral_plugin_conversations import RunContext, RunError, RunResult
from mistral_plugin_conversations.models import (
    ConversationEvents,
    FunctionCallEntry,
    FunctionCallEvent,
    ImageURLChunk,
    MessageOutputEntry,
    ResponseStartedEvent,
    TextChunk,
    ToolExecutionEntry,
)
from mistral_testing.pytest_plugin import MistralMock


def get_weather(city: str) -> str:
    """The weather of a city."""
    return f"{city}: sunny"


def stream_body(*events: dict[str, Any]) -> bytes:
    """The server-sent events of a conversation's stream."""
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


SSE = {"content-type": "text/event-stream"}
STARTED = {"type": "conversation.response.started", "conversation_id": "c1"}
DONE = {"type": "conversation.response.done", "usage": {"total_tokens": 4}}


def kinds(steps: list[Any]) -> list[str]:
    return [
        step.data.type if isinstance(step, ConversationEvents) else type(step).__name__
        for step in steps
    ]


def test_a_streamed_run_gives_the_events_and_the_calls_as_they_happen(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    run_ctx = RunContext(model="m")
    run_ctx.register_func(get_weather)

    steps = list(client.beta.conversations.run_stream(run_ctx=run_ctx, inputs="Weather?"))

    assert kinds(steps) == [
        "conversation.response.started",
        "function.call.delta",
        "function.call.delta",
        "conversation.response.done",
        "ToolResult",
        "conversation.response.started",
        "message.output.delta",
        "message.output.delta",
        "conversation.response.done",
        "RunResult",
    ]
    tool_result, result = steps[4], steps[-1]
    assert isinstance(tool_result, ToolResult)
    assert tool_result.value == "sample: sunny"
    assert isinstance(result, RunResult)
    call = result.output_entries[0]
    assert isinstance(call, FunctionCallEntry)
    assert call.arguments == '{"city": "sample"}'  # its two pieces, joined
    assert result.output_as_text == "Hello from mistral_mock!"
    assert result.usage.total_tokens == 30
    assert run_ctx.conversation_id == result.conversation_id
    paths = [request.url.path for request in mistral_mock.requests]
    assert paths == ["/v1/conversations", f"/v1/conversations/{run_ctx.conversation_id}"]
    assert all(request.json()["stream"] is True for request in mistral_mock.requests)


def test_nothing_is_sent_before_the_stream_is_iterated(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    steps = client.beta.conversations.run_stream(run_ctx=RunContext(model="m"), inputs="Hi")
    assert mistral_mock.requests == []
    first = next(steps)
    assert isinstance(first, ConversationEvents)
    assert isinstance(first.data, ResponseStartedEvent)


def test_the_events_are_put_together_as_entries(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.beta.conversations.reply(
        body=stream_body(
            STARTED,
            {
                "type": "tool.execution.started",
                "output_index": 0,
                "id": "t",
                "name": "web_search",
                "arguments": "{}",
            },
            {
                "type": "tool.execution.done",
                "output_index": 0,
                "id": "t",
                "name": "web_search",
                "info": {"n": 1},
            },
            {"type": "message.output.delta", "output_index": 1, "id": "m", "content": "See "},
            {
                "type": "message.output.delta",
                "output_index": 1,
                "id": "m",
                "content": {"type": "image_url", "image_url": "https://example.com/a.png"},
            },
            {"type": "message.output.delta", "output_index": 1, "id": "m", "content": "."},
            {
                "type": "message.output.delta",
                "output_index": 2,
                "id": "n",
                "content": {"type": "text", "text": "Bye"},
            },
            DONE,
        ),
        headers=SSE,
    )
    steps = list(client.beta.conversations.run_stream(run_ctx=RunContext(model="m"), inputs="Hi"))
    result = steps[-1]
    assert isinstance(result, RunResult)
    execution, message, bye = result.output_entries
    assert isinstance(execution, ToolExecutionEntry)
    assert execution.info == {"n": 1}
    assert isinstance(message, MessageOutputEntry)
    assert message.content == [
        TextChunk(text="See "),
        ImageURLChunk(image_url="https://example.com/a.png"),
        TextChunk(text="."),
    ]
    assert isinstance(bye, MessageOutputEntry)
    assert bye.content == [TextChunk(text="Bye")]
    assert result.output_as_text == "See .\nBye"
    assert result.usage.total_tokens == 4


def test_an_error_event_stops_the_run(mistral_mock: MistralMock, client: Mistral) -> None:
    error = {"type": "conversation.response.error", "message": "overloaded", "code": 503}
    mistral_mock.beta.conversations.reply(body=stream_body(STARTED, error), headers=SSE)
    with pytest.raises(RunError, match=r"the server failed the response \(503\): overloaded"):
        list(client.beta.conversations.run_stream(run_ctx=RunContext(model="m"), inputs="Hi"))


@pytest.mark.anyio
async def test_an_async_streamed_run(mistral_mock: MistralMock) -> None:
    run_ctx = RunContext(model="m")

    @run_ctx.register_func
    async def get_time(city: str) -> str:
        """The time in a city."""
        return f"noon in {city}"

    async with Mistral(api_key="k") as client:
        steps = [
            s
            async for s in client.beta.conversations.run_stream_async(
                run_ctx=run_ctx, inputs="Time?"
            )
        ]
        again = [
            s
            async for s in client.beta.conversations.run_stream_async(
                run_ctx=run_ctx, inputs="And now?"
            )
        ]

    assert kinds(steps)[4] == "ToolResult"
    result = steps[-1]
    assert isinstance(result, RunResult)
    assert [r.value for r in result.tool_results] == ["noon in sample"]
    assert result.output_as_text == "Hello from mistral_mock!"
    second = again[-1]
    assert isinstance(second, RunResult)
    assert second.conversation_id == result.conversation_id
    calls = [
        s
        for s in again
        if isinstance(s, ConversationEvents) and isinstance(s.data, FunctionCallEvent)
    ]
    assert len(calls) == 2  # the conversation's functions, called again


def test_closing_a_streamed_run_stops_it(mistral_mock: MistralMock, client: Mistral) -> None:
    ran: list[str] = []
    run_ctx = RunContext(model="m")

    @run_ctx.register_func
    def remember(city: str) -> str:
        """Remembers a city."""
        ran.append(city)
        return city

    steps = client.beta.conversations.run_stream(run_ctx=run_ctx, inputs="Hi")
    next(steps)  # the stream of the first response is open
    steps.close()
    assert ran == []
    assert len(mistral_mock.requests) == 1
    with pytest.raises(StopIteration):
        next(steps)


@pytest.mark.anyio
async def test_closing_an_async_streamed_run_stops_it(mistral_mock: MistralMock) -> None:
    run_ctx = RunContext(model="m")
    run_ctx.register_func(get_weather)
    async with Mistral(api_key="k") as client:
        steps = client.beta.conversations.run_stream_async(run_ctx=run_ctx, inputs="Hi")
        await anext(steps)
        await steps.aclose()
        with pytest.raises(StopAsyncIteration):
            await anext(steps)
    assert len(mistral_mock.requests) == 1
