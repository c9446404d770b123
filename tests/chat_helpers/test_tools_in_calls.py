"""Functions in ``tools=[...]`` of chat and agents completions, whole or streamed, and
``tool_arguments`` for any tool call, against the ``mistral_mock`` fake API."""

from __future__ import annotations

import functools
import gc
import json
import re
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pydantic
import pytest

from mistral_core import FieldError, Mistral
from mistral_plugin_chat import ToolArgumentsError, function_tool, tool_arguments
from mistral_plugin_chat import _tools as tools_module
from mistral_plugin_chat.models import FunctionCall, Tool, ToolCall
from mistral_testing.pytest_plugin import MistralMock

MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]


def get_weather(city: str, days: int = 1) -> str:
    """The weather forecast of a city.

    Args:
        city: The city's name, in English.
        days: How many days ahead.
    """
    return f"{city}: sunny for {days} days"


@function_tool(name="clock")
def get_time(city: str) -> str:
    """The local time in a city."""
    return "12:00"


class Dictionary:
    def define(self, word: str) -> str:
        """The definition of a word."""
        return word


class Station(pydantic.BaseModel):
    city: str


def tool_json(fn: Callable[..., Any]) -> dict[str, Any]:
    """What ``function_tool`` says the tool of ``fn`` is, as it goes on the wire."""
    return function_tool(fn).tool.to_dict()


@pytest.fixture
def client() -> Iterator[Mistral]:
    with Mistral(api_key="test-key") as mistral:
        yield mistral


def sent_tools(mock: MistralMock, group: str = "chat") -> Any:
    return getattr(mock, group).requests[-1].json()["tools"]


def test_a_function_is_sent_as_its_tool(mistral_mock: MistralMock, client: Mistral) -> None:
    res = client.chat.complete(model="m", messages=MESSAGES, tools=[get_weather])

    calls = res.choices[0].message.tool_calls  # the fake API calls a tool it was given
    assert calls
    assert calls[0].function.name == "get_weather"
    assert sent_tools(mistral_mock) == [tool_json(get_weather)]
    assert sent_tools(mistral_mock)[0]["function"]["parameters"]["required"] == ["city"]


@pytest.mark.anyio
async def test_a_function_is_sent_as_its_tool_async(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    await client.chat.complete_async(model="m", messages=MESSAGES, tools=[get_weather])

    assert sent_tools(mistral_mock) == [tool_json(get_weather)]


def test_a_stream_sends_functions_as_tools(mistral_mock: MistralMock, client: Mistral) -> None:
    with client.chat.stream(model="m", messages=MESSAGES, tools=[get_weather, get_time]) as events:
        assert list(events)

    assert sent_tools(mistral_mock) == [tool_json(get_weather), get_time.tool.to_dict()]


@pytest.mark.anyio
async def test_an_async_stream_sends_functions_as_tools(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    stream = await client.chat.stream_async(model="m", messages=MESSAGES, tools=[get_weather])
    async with stream as events:
        assert [event async for event in events]

    assert sent_tools(mistral_mock) == [tool_json(get_weather)]


def test_every_kind_of_tool_goes_in_one_list(mistral_mock: MistralMock, client: Mistral) -> None:
    """Dicts, ``Tool`` models, functions, methods, decorated functions and
    ``FunctionTool``s, each sent as its JSON, in the order given."""
    define = Dictionary().define
    cached = functools.cache(get_weather)
    web_search = {"type": "web_search"}
    model = Tool.from_dict(tool_json(define))

    client.chat.complete(
        model="m",
        messages=MESSAGES,
        tools=[web_search, get_weather, get_time, model, define, cached],
    )

    assert sent_tools(mistral_mock) == [
        web_search,
        tool_json(get_weather),
        get_time.tool.to_dict(),
        tool_json(define),
        tool_json(define),
        tool_json(get_weather),
    ]
    assert "self" not in json.dumps(sent_tools(mistral_mock)[3])


def test_pydantic_models_and_functions_mix(mistral_mock: MistralMock, client: Mistral) -> None:
    """Both are found by the one walk of input that failed the fast check."""
    client.chat.complete(
        model="m",
        messages=MESSAGES,
        tools=[get_weather],
        metadata={"station": Station(city="Paris")},
    )

    sent = mistral_mock.chat.requests[-1].json()
    assert sent["tools"] == [tool_json(get_weather)]
    assert sent["metadata"] == {"station": {"city": "Paris"}}


@pytest.mark.parametrize("kind", ["function", "method"])
def test_a_function_is_inspected_once(
    mistral_mock: MistralMock,
    client: Mistral,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    made: list[Callable[..., Any]] = []

    def counting(fn: Callable[..., Any]) -> Any:
        made.append(fn)
        return function_tool(fn)

    monkeypatch.setattr(tools_module, "function_tool", counting)

    def lookup(word: str) -> str:
        return word

    class Words:
        def lookup(self, word: str) -> str:
            return word

    for _ in range(3):  # a new bound method each time, of new objects too
        tool = lookup if kind == "function" else Words().lookup
        client.chat.complete(model="m", messages=MESSAGES, tools=[tool])

    assert len(made) == 1
    assert len(mistral_mock.chat.requests) == 3
    assert sent_tools(mistral_mock) == [tool_json(tool)]


def test_the_cache_keeps_no_function_alive(mistral_mock: MistralMock, client: Mistral) -> None:
    def lookup(word: str) -> str:
        return word

    client.chat.complete(model="m", messages=MESSAGES, tools=[lookup])
    gone = weakref.ref(lookup)
    del lookup
    gc.collect()

    assert gone() is None


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        (42, "tools[1]: expected an object, got int 42"),
        (str, "tools[1]: expected an object, got type"),
        (functools.partial(get_weather, "Paris"), "tools[1]: expected an object, got partial"),
    ],
)
def test_a_value_that_is_no_function_is_a_field_error(
    mistral_mock: MistralMock, client: Mistral, tool: Any, message: str
) -> None:
    with pytest.raises(FieldError, match=f"^{re.escape(message)}"):
        client.chat.complete(model="m", messages=MESSAGES, tools=[get_weather, tool])

    assert not mistral_mock.chat.requests


def test_a_function_that_makes_no_tool_raises_function_tool_s_error(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    def send(data: bytes) -> None:
        pass

    with pytest.raises(TypeError, match=r"send\.data: bytes has no JSON schema"):
        client.chat.complete(model="m", messages=MESSAGES, tools=[send])

    assert not mistral_mock.chat.requests


def test_agents_take_functions_as_tools(mistral_mock: MistralMock, client: Mistral) -> None:
    client.agents.complete(agent_id="ag_1", messages=MESSAGES, tools=[get_weather, get_time])
    assert sent_tools(mistral_mock, "agents") == [tool_json(get_weather), get_time.tool.to_dict()]

    with client.agents.stream(agent_id="ag_1", messages=MESSAGES, tools=[get_weather]) as events:
        assert list(events)
    assert sent_tools(mistral_mock, "agents") == [tool_json(get_weather)]


@pytest.mark.anyio
async def test_agents_take_functions_as_tools_async(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    await client.agents.complete_async(agent_id="ag_1", messages=MESSAGES, tools=[get_weather])
    assert sent_tools(mistral_mock, "agents") == [tool_json(get_weather)]

    stream = await client.agents.stream_async(agent_id="ag_1", messages=MESSAGES, tools=[get_time])
    async with stream as events:
        assert [event async for event in events]
    assert sent_tools(mistral_mock, "agents") == [get_time.tool.to_dict()]


def test_the_model_s_call_comes_back_for_the_function(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.tool_call("get_weather", {"city": "Lyon"})

    res = client.chat.complete(model="m", messages=MESSAGES, tools=[get_weather])

    [call] = res.choices[0].message.tool_calls or []
    assert get_weather(**tool_arguments(call)) == "Lyon: sunny for 1 days"


@pytest.mark.parametrize("arguments", ['{"city": "Lyon", "days": 2}', {"city": "Lyon", "days": 2}])
def test_tool_arguments_reads_any_call(arguments: str | dict[str, Any]) -> None:
    function = FunctionCall(name="anything", arguments=arguments)

    assert tool_arguments(function) == {"city": "Lyon", "days": 2}
    assert tool_arguments(ToolCall(id="c", function=function)) == {"city": "Lyon", "days": 2}


def test_tool_arguments_gives_a_dict_of_its_own() -> None:
    arguments = {"city": "Lyon"}
    read = tool_arguments(FunctionCall(name="anything", arguments=arguments))
    read["city"] = "Nice"

    assert arguments == {"city": "Lyon"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("{not json", r"^tool 'lookup': the arguments are not JSON \(Expecting"),
        ('["a"]', r"^tool 'lookup': the arguments are not a JSON object: \['a'\]"),
        ("3", "^tool 'lookup': the arguments are not a JSON object: 3"),
    ],
)
def test_tool_arguments_that_are_no_json_object_are_refused(arguments: str, message: str) -> None:
    with pytest.raises(ToolArgumentsError, match=message) as caught:
        tool_arguments(ToolCall(id="c", function=FunctionCall(name="lookup", arguments=arguments)))

    assert caught.value.tool == "lookup"
    assert caught.value.argument is None
