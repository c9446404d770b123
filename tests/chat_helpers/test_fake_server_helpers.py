"""The chat helpers over real HTTP, against the local fake server (``mistral_testing.server``):
what users' own tests of them get without the network, sync and async."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from mistral_core import Mistral
from mistral_plugin_chat import CompletionStream, ToolResult
from mistral_testing.server import FakeServer

MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]


@dataclasses.dataclass
class Forecast:
    city: str
    days: int


def get_weather(city: str, days: int = 1) -> str:
    """The weather forecast of a city."""
    return f"sunny in {city} for {days} day(s)"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake


def test_a_stream_puts_its_answer_together(server: FakeServer) -> None:
    with Mistral(api_key="k", server_url=server.url) as client:
        stream = client.chat.stream(model="m", messages=MESSAGES)
        texts = list(stream.text_stream)
        final = stream.get_final_response()
        whole = client.chat.complete(model="m", messages=MESSAGES)
    assert "".join(texts) == final.choices[0].message.content == whole.choices[0].message.content
    assert final.usage == whole.usage
    assert final.http.status_code == 200


def test_parse_stream(server: FakeServer) -> None:
    with Mistral(api_key="k", server_url=server.url) as client:
        stream = client.chat.parse_stream(Forecast, model="m", messages=MESSAGES)
        partials = [stream.partial for _ in stream]
        final = stream.get_final_response()
    assert (
        final.choices[0].message.parsed == Forecast("sample", 0) or final.choices[0].message.parsed
    )
    assert partials[-1] == dataclasses.asdict(final.choices[0].message.parsed)


def test_run_tools_calls_the_tool_then_answers(server: FakeServer) -> None:
    with Mistral(api_key="k", server_url=server.url) as client:
        run = client.chat.run_tools(model="m", messages=MESSAGES, tools=[get_weather])
        steps = list(run)
    results = [step for step in steps if isinstance(step, ToolResult)]
    assert len(results) == 1
    assert results[0].value.startswith("sunny in ")
    assert run.final_response.choices[0].message.content
    assert [type(m).__name__ if not isinstance(m, dict) else m["role"] for m in run.messages] == [
        "user",
        "AssistantMessage",
        "tool",
    ]


def test_run_tools_stream_joins_the_streamed_call(server: FakeServer) -> None:
    with Mistral(api_key="k", server_url=server.url) as client:
        run = client.chat.run_tools_stream(model="m", messages=MESSAGES, tools=[get_weather])
        streams = [step for step in run if isinstance(step, CompletionStream)]
    assert len(streams) == 2
    call = streams[0].get_final_response().choices[0].message.tool_calls
    assert call
    assert call[0].function.name == "get_weather"
    assert run.final_response.choices[0].message.content


@pytest.mark.anyio
async def test_async_helpers(server: FakeServer) -> None:
    async with Mistral(api_key="k", server_url=server.url) as client:
        stream = await client.chat.stream_async(model="m", messages=MESSAGES)
        texts = [text async for text in stream.text_stream]
        assert "".join(texts) == (await stream.get_final_response()).choices[0].message.content
        run = client.chat.run_tools_stream_async(model="m", messages=MESSAGES, tools=[get_weather])
        final = await run.until_done()
        assert final.choices[0].message.content
        assert run.messages[-1]["content"].startswith("sunny in ")
        parsed = await client.chat.parse_stream_async(Forecast, model="m", messages=MESSAGES)
        assert (await parsed.get_final_response()).choices[0].message.parsed is not None
