"""``chat.run_tools`` and its async and streamed forms: the model calls functions until it
answers without a call, against ``mistral_mock``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import attrs
import pytest

from mistral_core import Mistral
from mistral_plugin_chat import (
    CompletionStream,
    MaxTurnsExceededError,
    ToolArgumentsError,
    ToolResult,
    function_tool,
)
from mistral_plugin_chat.models import ChatCompletionResponse
from mistral_testing.pytest_plugin import MistralMock

MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]


def get_weather(city: str, days: int = 1) -> str:
    """The weather forecast of a city.

    Args:
        city: The city's name.
        days: How many days ahead.
    """
    return f"{city}: sunny for {days} day(s)"


@attrs.define
class Time:
    city: str
    hour: int


def get_time(city: str) -> Time:
    """The local time of a city."""
    return Time(city, 12)


def broken(city: str) -> str:
    """A tool that fails."""
    raise LookupError(f"no station in {city}")


def calls(*named: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A whole completion whose message calls these tools."""
    tool_calls = [
        {"id": f"call{i}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
        for i, (n, a) in enumerate(named)
    ]
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "model": "m",
        "created": 1,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "", "tool_calls": tool_calls},
                "finish_reason": "tool_calls",
            }
        ],
    }


@pytest.fixture
def client() -> Any:
    with Mistral(api_key="test-key") as mistral:
        yield mistral


def test_the_loop_runs_the_calls_and_gives_the_results_back(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.tool_call("get_weather", {"city": "Paris", "days": 2})
    mistral_mock.chat.reply("Sunny, two days.")

    run = client.chat.run_tools(
        model="m", messages=MESSAGES, tools=[get_weather, get_time], temperature=0.2
    )
    assert mistral_mock.chat.requests == []  # nothing sent before it is run
    steps = list(run)

    assert [type(step) for step in steps] == [
        ChatCompletionResponse,
        ToolResult,
        ChatCompletionResponse,
    ]
    result = steps[1]
    assert isinstance(result, ToolResult)
    assert result.value == "Paris: sunny for 2 day(s)"
    assert result.error is None
    assert run.final_response is steps[2]
    assert run.final_response.choices[0].message.content == "Sunny, two days."
    assert [m["role"] if isinstance(m, dict) else m.role for m in run.messages] == [
        "user",
        "assistant",
        "tool",
    ]
    first, second = (r.json() for r in mistral_mock.chat.requests)
    assert [t["function"]["name"] for t in first["tools"]] == ["get_weather", "get_time"]
    assert first["temperature"] == 0.2
    assert first["messages"] == MESSAGES
    tool_message = second["messages"][2]
    assert tool_message == {
        "role": "tool",
        "tool_call_id": result.call.id,
        "name": "get_weather",
        "content": "Paris: sunny for 2 day(s)",
    }
    assert second["messages"][1]["tool_calls"][0]["function"]["name"] == "get_weather"


def test_a_value_that_is_not_text_goes_back_as_json(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.tool_call("get_time", {"city": "Paris"})
    mistral_mock.chat.reply("Noon.")
    run = client.chat.run_tools(model="m", messages=MESSAGES, tools=[get_time])
    run.until_done()
    assert run.messages[2]["content"] == '{"city": "Paris", "hour": 12}'


def test_errors_go_back_to_the_model(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.reply(
        json=calls(("broken", {"city": "Oslo"}), ("nowhere", {}), ("get_weather", {"days": 1}))
    )
    mistral_mock.chat.reply("Sorry.")
    run = client.chat.run_tools(model="m", messages=MESSAGES, tools=[broken, get_weather])
    results = [step for step in run if isinstance(step, ToolResult)]

    assert isinstance(results[0].error, LookupError)
    assert results[0].message["content"] == "Error: no station in Oslo"
    assert isinstance(results[1].error, ToolArgumentsError)
    assert results[1].tool is None
    assert "there is no such tool (the tools: broken, get_weather)" in results[1].message["content"]
    assert isinstance(results[2].error, ToolArgumentsError)
    assert "missing argument 'city'" in results[2].message["content"]
    assert run.final_response.choices[0].message.content == "Sorry."


def test_tool_errors_can_be_raised(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.tool_call("broken", {"city": "Oslo"})
    run = client.chat.run_tools(model="m", messages=MESSAGES, tools=[broken], tool_errors="raise")
    with pytest.raises(LookupError, match="Oslo"):
        run.until_done()


def test_max_turns(mistral_mock: MistralMock, client: Mistral) -> None:
    for _ in range(3):
        mistral_mock.chat.tool_call("get_weather", {"city": "Paris"})
    run = client.chat.run_tools(model="m", messages=MESSAGES, tools=[get_weather], max_turns=2)
    with pytest.raises(MaxTurnsExceededError, match="after 2 answers") as raised:
        run.until_done()
    assert len(mistral_mock.chat.requests) == 2
    assert len(raised.value.messages) == 3  # user, the first answer, its tool's result
    assert raised.value.response.choices[0].message.tool_calls


def test_with_no_answer_queued_the_fake_api_calls_a_tool_then_answers(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    run = client.chat.run_tools(model="m", messages=MESSAGES, tools=[get_weather])
    final = run.until_done()
    assert final.choices[0].message.content
    assert run.messages[1].tool_calls[0].function.name == "get_weather"
    assert run.messages[2]["role"] == "tool"


def test_streamed_answers(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.tool_call("get_weather", {"city": "Paris"})
    mistral_mock.chat.reply_stream(["Sunny", " today."])
    run = client.chat.run_tools_stream(model="m", messages=MESSAGES, tools=[get_weather])
    texts = []
    for step in run:
        if isinstance(step, CompletionStream):
            texts.append("".join(step.text_stream))
    assert texts == ["", "Sunny today."]
    assert run.final_response.choices[0].message.content == "Sunny today."
    assert run.messages[2]["content"] == "Paris: sunny for 1 day(s)"


def test_an_async_function_needs_the_async_run(client: Mistral) -> None:
    async def later(city: str) -> str:
        """Later."""
        return city

    with pytest.raises(TypeError, match="use run_tools_async"):
        client.chat.run_tools(model="m", messages=MESSAGES, tools=[later])


def test_tools_are_named_apart(client: Mistral) -> None:
    with pytest.raises(ValueError, match="two tools are named 'get_weather'"):
        client.chat.run_tools(
            model="m", messages=MESSAGES, tools=[get_weather, function_tool(get_weather)]
        )


@pytest.mark.anyio
async def test_async_calls_of_one_answer_run_concurrently(mistral_mock: MistralMock) -> None:
    both_started = asyncio.Event()
    started: list[str] = []

    async def ping(name: str) -> str:
        """Waits for the other call to start."""
        started.append(name)
        if len(started) == 2:
            both_started.set()
        await asyncio.wait_for(both_started.wait(), timeout=5)
        return f"pong {name}"

    mistral_mock.chat.reply(
        json=calls(
            ("ping", {"name": "a"}), ("ping", {"name": "b"}), ("get_weather", {"city": "Rome"})
        )
    )
    mistral_mock.chat.reply("Done.")
    async with Mistral(api_key="k") as client:
        run = client.chat.run_tools_async(model="m", messages=MESSAGES, tools=[ping, get_weather])
        steps = [step async for step in run]
        final = await run.until_done()

    results = [s for s in steps if isinstance(s, ToolResult)]
    assert [r.value for r in results] == ["pong a", "pong b", "Rome: sunny for 1 day(s)"]
    assert final.choices[0].message.content == "Done."
    assert [m["content"] for m in run.messages[2:]] == [
        "pong a",
        "pong b",
        "Rome: sunny for 1 day(s)",
    ]


@pytest.mark.anyio
async def test_async_streamed_answers(mistral_mock: MistralMock) -> None:
    mistral_mock.chat.tool_call("get_weather", {"city": "Paris"})
    mistral_mock.chat.reply_stream(["Sunny", "."])
    async with Mistral(api_key="k") as client:
        run = client.chat.run_tools_stream_async(model="m", messages=MESSAGES, tools=[get_weather])
        final = await run.until_done()
    assert final.choices[0].message.content == "Sunny."
    assert len(run.messages) == 3
