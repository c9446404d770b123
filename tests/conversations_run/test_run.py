"""``conversations.run`` and ``run_async``: the server calls local functions until it answers
without a call, against ``mistral_mock`` (which calls a conversation's declared functions)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import attrs
import pytest

from mistral_core import Mistral
from mistral_plugin_chat import ToolArgumentsError, function_tool
from mistral_plugin_chat._tools import FunctionTool
from mistral_plugin_conversations import (
    DeferredToolCallsException,
    RunContext,
    RunError,
    RunResult,
)
from mistral_plugin_conversations.models import (
    FunctionCallEntry,
    FunctionResultEntry,
    MessageOutputEntry,
)
from mistral_testing.pytest_plugin import MistralMock


def get_weather(city: str, days: int = 1) -> str:
    """The weather forecast of a city.

    Args:
        city: The city's name.
    """
    return f"{city}: sunny for {days} day(s)"


@attrs.define
class Forecast:
    city: str
    degrees: int


def calls(*called: tuple[str, dict[str, Any]], conversation_id: str = "c1") -> dict[str, Any]:
    """A conversation's response that calls these functions."""
    outputs = [
        {
            "type": "function.call",
            "tool_call_id": f"call{i}",
            "name": name,
            "arguments": json.dumps(arguments),
        }
        for i, (name, arguments) in enumerate(called)
    ]
    return response(outputs, conversation_id)


def said(text: str, conversation_id: str = "c1") -> dict[str, Any]:
    """A conversation's response that is a message."""
    message = {"type": "message.output", "role": "assistant", "content": text}
    return response([message], conversation_id)


def response(outputs: Sequence[Any], conversation_id: str) -> dict[str, Any]:
    usage = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    return {"conversation_id": conversation_id, "outputs": list(outputs), "usage": usage}


def sent(mock: MistralMock) -> list[Any]:
    return [request.json() for request in mock.requests]


def test_a_run_calls_the_function_and_sends_its_result(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    run_ctx = RunContext(model="mistral-medium-latest")
    run_ctx.register_func(get_weather)

    result = client.beta.conversations.run(run_ctx=run_ctx, inputs="Weather in Paris?")

    start, append = sent(mistral_mock)
    assert start["model"] == "mistral-medium-latest"
    assert start["inputs"] == "Weather in Paris?"
    assert start["tools"] == [function_tool(get_weather).tool.to_dict()]
    call, function_result, message = result.output_entries
    assert isinstance(call, FunctionCallEntry)
    assert call.name == "get_weather"
    assert isinstance(function_result, FunctionResultEntry)
    assert function_result.result == "sample: sunny for 1 day(s)"
    assert append["inputs"] == [
        {
            "object": "entry",
            "type": "function.result",
            "tool_call_id": call.tool_call_id,
            "result": function_result.result,
        }
    ]
    assert isinstance(message, MessageOutputEntry)
    assert result.output_as_text == "Hello from mistral_mock!"
    assert result.conversation_id == run_ctx.conversation_id
    assert run_ctx.conversation_id is not None
    assert run_ctx.conversation_id.startswith("conv-mock-")
    assert mistral_mock.requests[1].url.path.endswith(run_ctx.conversation_id)
    assert result.entries[0] == {
        "type": "message.input",
        "role": "user",
        "content": "Weather in Paris?",
    }
    assert result.entries[1:] == result.output_entries
    assert result.usage.total_tokens == 30  # two responses of the mock, 15 tokens each
    assert run_ctx.request_count == 2
    [tool_result] = result.tool_results
    assert tool_result.value == "sample: sunny for 1 day(s)"
    assert tool_result.error is None


def test_the_decorator_registers_a_function_as_it_is(client: Mistral) -> None:
    run_ctx = RunContext(model="m")

    @run_ctx.register_func
    def add(a: int, b: int) -> int:
        """Adds."""
        return a + b

    @run_ctx.register_func(name="lookup")
    def find(word: str) -> str:
        return word

    assert add(1, 2) == 3
    assert sorted(run_ctx.function_tools()) == ["add", "lookup"]
    assert run_ctx.function_tools()["lookup"].fn is find


def test_several_calls_and_the_conversation_kept_across_runs(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    run_ctx = RunContext(model="m")
    run_ctx.register_func(get_weather)
    conversations = mistral_mock.beta.conversations
    conversations.reply(
        calls(("get_weather", {"city": "Rome"}), ("get_weather", {"city": "Oslo", "days": 2}))
    )
    conversations.reply(said("Rome and Oslo: sunny."))
    conversations.reply(said("You are welcome."))

    first = client.beta.conversations.run(run_ctx=run_ctx, inputs="Rome and Oslo?")
    second = client.beta.conversations.run(run_ctx=run_ctx, inputs="Thanks!")

    assert [r.value for r in first.tool_results] == [
        "Rome: sunny for 1 day(s)",
        "Oslo: sunny for 2 day(s)",
    ]
    assert first.output_as_text == "Rome and Oslo: sunny."
    assert second.output_as_text == "You are welcome."
    assert first.conversation_id == second.conversation_id == "c1"
    paths = [request.url.path for request in mistral_mock.requests]
    assert paths == ["/v1/conversations", "/v1/conversations/c1", "/v1/conversations/c1"]
    assert sent(mistral_mock)[2]["inputs"] == "Thanks!"
    assert second.usage.total_tokens == 5


def test_a_context_given_a_conversation_id_appends_to_it(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.beta.conversations.reply(said("Again.", "c7"))
    run_ctx = RunContext(model="m", conversation_id="c7")
    result = client.beta.conversations.run(
        run_ctx=run_ctx, inputs=[{"role": "user", "content": "Hi"}]
    )
    assert mistral_mock.requests[0].url.path == "/v1/conversations/c7"
    assert result.input_entries == [{"role": "user", "content": "Hi"}]
    assert result.output_as_text == "Again."


def test_a_function_that_raises_stops_the_run(mistral_mock: MistralMock, client: Mistral) -> None:
    run_ctx = RunContext(model="m")

    @run_ctx.register_func
    def broken(city: str) -> str:
        raise LookupError(f"no weather for {city}")

    with pytest.raises(RunError, match="'broken' failed: no weather for sample") as caught:
        client.beta.conversations.run(run_ctx=run_ctx, inputs="Hi")
    assert isinstance(caught.value.__cause__, LookupError)
    assert len(mistral_mock.requests) == 1


def test_errors_go_back_to_the_model_when_the_context_says_so(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    run_ctx = RunContext(model="m", continue_on_fn_error=True)

    @run_ctx.register_func
    def broken(city: str) -> str:
        raise LookupError(f"no weather for {city}")

    result = client.beta.conversations.run(run_ctx=run_ctx, inputs="Hi")

    [tool_result] = result.tool_results
    assert isinstance(tool_result.error, LookupError)
    assert sent(mistral_mock)[1]["inputs"][0]["result"] == "Error: no weather for sample"
    assert result.output_as_text == "Hello from mistral_mock!"


def test_a_call_the_model_got_wrong_is_told_to_it(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    run_ctx = RunContext(model="m")  # errors of functions stop the run, not the model's
    run_ctx.register_func(get_weather)
    conversations = mistral_mock.beta.conversations
    conversations.reply(calls(("get_time", {}), ("get_weather", {"town": "Rome"})))
    conversations.reply(said("Sorry."))

    result = client.beta.conversations.run(run_ctx=run_ctx, inputs="Hi")

    unknown, wrong = result.tool_results
    assert unknown.tool is None
    assert isinstance(unknown.error, ToolArgumentsError)
    assert isinstance(wrong.error, ToolArgumentsError)
    results = [entry["result"] for entry in sent(mistral_mock)[1]["inputs"]]
    assert results == [
        "Error: tool 'get_time': there is no such tool (the tools: get_weather)",
        "Error: tool 'get_weather': unknown argument 'town'",
    ]


def test_output_format_asks_for_json_and_reads_the_answer(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    run_ctx = RunContext(model="m", output_format=Forecast)

    result = client.beta.conversations.run(
        run_ctx=run_ctx, inputs="Forecast?", completion_args={"temperature": 0.2}
    )

    arguments = sent(mistral_mock)[0]["completion_args"]
    assert arguments["temperature"] == 0.2
    assert arguments["response_format"]["type"] == "json_schema"
    assert arguments["response_format"]["json_schema"]["name"] == "Forecast"
    forecast: Forecast = result.output_as_model
    assert forecast == Forecast(city="sample", degrees=1)


def test_an_answer_that_is_not_the_output_format(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.beta.conversations.reply(said("not JSON"))
    mistral_mock.beta.conversations.reply(said('{"city": "Rome"}'))
    run_ctx = RunContext(model="m", output_format=Forecast)
    with pytest.raises(RunError, match="not JSON"):
        _ = client.beta.conversations.run(run_ctx=run_ctx, inputs="?").output_as_model
    with pytest.raises(RunError, match="no Forecast"):
        _ = client.beta.conversations.run(run_ctx=run_ctx, inputs="?").output_as_model
    with pytest.raises(RunError, match="no output_format"):
        _ = RunResult[Any]([]).output_as_model


def test_the_request_of_a_model_and_of_an_agent(mistral_mock: MistralMock, client: Mistral) -> None:
    web_search = {"type": "web_search"}
    mistral_mock.beta.conversations.reply(said("Hi.", "c1"))
    mistral_mock.beta.conversations.reply(said("Hi.", "c2"))
    client.beta.conversations.run(
        run_ctx=RunContext(model="m"),
        inputs="Hi",
        instructions="Be brief.",
        tools=[web_search],
        name="greeting",
    )
    client.beta.conversations.run(run_ctx=RunContext(agent_id="ag1"), inputs="Hi", description="d")
    model_start, agent_start = sent(mistral_mock)
    assert model_start == {
        "inputs": "Hi",
        "model": "m",
        "tools": [web_search],
        "instructions": "Be brief.",
        "name": "greeting",
    }
    assert agent_start == {"inputs": "Hi", "agent_id": "ag1", "description": "d"}


def test_an_agent_run_takes_no_model_settings(client: Mistral) -> None:
    with pytest.raises(RunError, match="give them to the agent"):
        client.beta.conversations.run(
            run_ctx=RunContext(agent_id="a"), inputs="Hi", instructions="x"
        )


def test_a_context_needs_a_model_or_an_agent() -> None:
    with pytest.raises(RunError, match="a model or an agent_id"):
        RunContext()
    with pytest.raises(RunError, match="a model or an agent_id"):
        RunContext(model="m", agent_id="a")


def test_a_blocking_run_refuses_async_functions(client: Mistral) -> None:
    run_ctx = RunContext(model="m")

    @run_ctx.register_func
    async def ping() -> str:
        return "pong"

    with pytest.raises(TypeError, match="'ping' is async: use the async run"):
        client.beta.conversations.run(run_ctx=run_ctx, inputs="Hi")


class Clock:
    """A tool source: the tools of somewhere else (an MCP server, say)."""

    def __init__(self) -> None:
        self.tool = function_tool(self.now)

    def now(self) -> str:
        """The time."""
        return "noon"

    def function_tools(self) -> Sequence[FunctionTool[..., Any]]:
        return [self.tool]


def test_a_tool_source_gives_tools_to_the_run(mistral_mock: MistralMock, client: Mistral) -> None:
    run_ctx = RunContext(model="m")
    run_ctx.register_tool_source(Clock())
    result = client.beta.conversations.run(run_ctx=run_ctx, inputs="Time?")
    assert sent(mistral_mock)[0]["tools"] == [Clock().tool.tool.to_dict()]
    assert [r.value for r in result.tool_results] == ["noon"]


def test_a_tool_named_as_one_of_the_context_is_refused() -> None:
    run_ctx = RunContext(model="m")
    run_ctx.register_tool_source(Clock())

    def now() -> str:
        return "midnight"

    with pytest.raises(RunError, match="the tool 'now' of the function is a tool of the source"):
        run_ctx.register_func(now)
    with pytest.raises(RunError, match=r"'now' of the source .* is a tool of the source"):
        run_ctx.register_tool_source(Clock())
    run_ctx.register_func(get_weather)
    run_ctx.register_func(get_weather)  # registered again: replaces itself
    assert list(run_ctx.function_tools()) == ["now", "get_weather"]


@pytest.mark.anyio
async def test_async_calls_of_one_response_run_concurrently(mistral_mock: MistralMock) -> None:
    both_started = asyncio.Event()
    started: list[str] = []
    run_ctx = RunContext(model="m")

    @run_ctx.register_func
    async def ping(name: str) -> str:
        """Waits for the other call to start."""
        started.append(name)
        if len(started) == 2:
            both_started.set()
        await asyncio.wait_for(both_started.wait(), timeout=5)
        return f"pong {name}"

    run_ctx.register_func(get_weather)
    mistral_mock.beta.conversations.reply(
        calls(("ping", {"name": "a"}), ("ping", {"name": "b"}), ("get_weather", {"city": "Rome"}))
    )
    mistral_mock.beta.conversations.reply(said("Done."))
    async with Mistral(api_key="k") as client:
        result = await client.beta.conversations.run_async(run_ctx=run_ctx, inputs="Hi")

    assert [r.value for r in result.tool_results] == [
        "pong a",
        "pong b",
        "Rome: sunny for 1 day(s)",
    ]
    assert [e["result"] for e in sent(mistral_mock)[1]["inputs"]] == [
        "pong a",
        "pong b",
        "Rome: sunny for 1 day(s)",
    ]
    assert result.output_as_text == "Done."


@pytest.mark.anyio
async def test_an_async_run_keeps_the_conversation_and_stops_on_errors(
    mistral_mock: MistralMock,
) -> None:
    run_ctx = RunContext(model="m")

    @run_ctx.register_func
    async def broken(city: str) -> str:
        raise LookupError(city)

    async with Mistral(api_key="k") as client:
        with pytest.raises(RunError, match="'broken' failed"):
            await client.beta.conversations.run_async(run_ctx=run_ctx, inputs="Hi")
        assert run_ctx.conversation_id is not None
        run_ctx.continue_on_fn_error = True
        result = await client.beta.conversations.run_async(
            run_ctx=run_ctx, inputs=[{"type": "message.input", "role": "user", "content": "Again"}]
        )
    assert result.conversation_id == run_ctx.conversation_id
    assert mistral_mock.requests[1].url.path.endswith(run_ctx.conversation_id)
    assert result.output_as_text == "Hello from mistral_mock!"
    assert sent(mistral_mock)[2]["inputs"][0]["result"] == "Error: sample"


@pytest.mark.anyio
async def test_an_async_run_starts_with_the_context_settings(mistral_mock: MistralMock) -> None:
    run_ctx = RunContext(model="m", output_format=Forecast)
    async with Mistral(api_key="k") as client:
        result = await client.beta.conversations.run_async(run_ctx=run_ctx, inputs="?")
    assert result.output_as_model == Forecast(city="sample", degrees=1)
    assert sent(mistral_mock)[0]["model"] == "m"


def deferred_context() -> RunContext[Any]:
    run_ctx = RunContext(model="m")
    run_ctx.register_func(get_weather)

    @run_ctx.register_func(requires_confirmation=True)
    def book(city: str) -> str:
        """Books a trip."""
        return f"booked {city}"

    return run_ctx


def test_a_call_that_requires_confirmation_stops_the_run(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    run_ctx = deferred_context()
    conversations = mistral_mock.beta.conversations
    conversations.reply(calls(("get_weather", {"city": "Rome"}), ("book", {"city": "Rome"})))

    with pytest.raises(DeferredToolCallsException, match="'book' wait") as caught:
        client.beta.conversations.run(run_ctx=run_ctx, inputs="Book Rome if sunny")

    pending = caught.value
    [deferred] = pending.deferred_calls
    assert (deferred.tool_name, deferred.arguments) == ("book", '{"city": "Rome"}')
    assert pending.conversation_id == "c1"
    assert [r["result"] for r in pending.executed_results] == ["Rome: sunny for 1 day(s)"]
    assert [r.value for r in pending.result.tool_results] == ["Rome: sunny for 1 day(s)"]
    assert len(pending.outputs) == 3  # the two calls, the result of the one that ran
    assert "'book'" in repr(deferred)
    assert run_ctx.requires_confirmation("book")
    assert not run_ctx.requires_confirmation("get_weather")
    assert len(mistral_mock.requests) == 1

    conversations.reply(said("Booked."))
    result = client.beta.conversations.run(
        run_ctx=run_ctx, inputs=[*pending.executed_results, deferred.confirm()]
    )

    assert result.output_as_text == "Booked."
    assert [r.value for r in result.tool_results] == ["booked Rome"]
    sent_results = [entry["result"] for entry in sent(mistral_mock)[1]["inputs"]]
    assert sent_results == ["Rome: sunny for 1 day(s)", "booked Rome"]
    assert result.input_entries[1]["result"] == "booked Rome"


def test_a_deferred_call_approved_with_other_arguments_or_rejected(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    run_ctx = deferred_context()
    conversations = mistral_mock.beta.conversations
    conversations.reply(calls(("book", {"city": "Rome"}), ("book", {"city": "Oslo"})))
    with pytest.raises(DeferredToolCallsException) as caught:
        client.beta.conversations.run(run_ctx=run_ctx, inputs="Book both")
    rome, oslo = caught.value.deferred_calls
    assert caught.value.executed_results == []

    conversations.reply(said("Booked Paris only."))
    result = client.beta.conversations.run(
        run_ctx=run_ctx,
        inputs=[rome.confirm(override_args={"city": "Paris"}), oslo.reject("Too cold.")],
    )

    assert result.output_as_text == "Booked Paris only."
    assert [e["result"] for e in sent(mistral_mock)[1]["inputs"]] == ["booked Paris", "Too cold."]
    assert oslo.reject().message == "Rejected by user"


def test_a_function_registered_again_without_confirmation_runs(client: Mistral) -> None:
    run_ctx = deferred_context()

    def book(city: str) -> str:
        return city

    run_ctx.register_func(book)
    assert not run_ctx.requires_confirmation("book")


@pytest.mark.anyio
async def test_an_async_run_defers_and_a_stream_goes_on(mistral_mock: MistralMock) -> None:
    run_ctx = deferred_context()
    mistral_mock.beta.conversations.reply(calls(("book", {"city": "Rome"})))
    async with Mistral(api_key="k") as client:
        with pytest.raises(DeferredToolCallsException) as caught:
            await client.beta.conversations.run_async(run_ctx=run_ctx, inputs="Book")
        [deferred] = caught.value.deferred_calls
        steps = [
            step
            async for step in client.beta.conversations.run_stream_async(
                run_ctx=run_ctx, inputs=[deferred.confirm()]
            )
        ]
    result = steps[-1]
    assert isinstance(result, RunResult)
    assert [r.value for r in result.tool_results] == ["booked Rome"]
    assert result.output_as_text == "Hello from mistral_mock!"
