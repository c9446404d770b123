"""The fake APIs answer a request that declares tools with a call of one of them, and the
tool's result with text, so that users' code that runs tools is tested without the
network: the local fake server and ``mistral_mock``, whole and streamed, chat and agents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from mistral_core import Mistral
from mistral_testing._mock import DEFAULT_REPLY
from mistral_testing.samples import tool_call_deltas, tool_call_reply
from mistral_testing.server import SENTENCE
from tests.testing.sample_app import join_tool_calls

WEATHER = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer", "minimum": 1},
        "unit": {"enum": ["celsius", "fahrenheit"]},
    },
    "required": ["city", "unit"],
    "additionalProperties": False,
}
TIME = {"properties": {"zone": {"anyOf": [{"type": "null"}, {"type": "string"}]}}}
"""Parameters without ``"type": "object"``, as some tools declare them."""
TOOLS: list[dict[str, Any]] = [
    {"type": "function", "function": {"name": "get_weather", "parameters": WEATHER}},
    {"type": "function", "function": {"name": "get_time", "parameters": TIME}},
]
PARAMETERS = {"get_weather": WEATHER, "get_time": TIME}
QUESTION = [{"role": "user", "content": "Weather in Paris?"}]
TEXTS = {SENTENCE, DEFAULT_REPLY}
"""What each fake API says when it answers with text."""


@pytest.fixture(params=["server", "mistral_mock"])
def client(request: pytest.FixtureRequest) -> Iterator[Mistral]:
    """A client of the local fake server, and one of ``mistral_mock``."""
    server_url = None
    if request.param == "server":
        server_url = request.getfixturevalue("server").url
    else:
        request.getfixturevalue("mistral_mock")
    with Mistral(api_key="test-key", server_url=server_url) as mistral:
        yield mistral


def chunks_of(client: Mistral, **request: Any) -> list[Any]:
    with client.chat.stream(model="m", **request) as events:
        return [event.data for event in events]


@pytest.mark.parametrize(
    ("tool_choice", "name"),
    [
        (None, "get_weather"),
        ("any", "get_weather"),
        ({"type": "function", "function": {"name": "get_time"}}, "get_time"),
    ],
)
def test_a_declared_function_is_called_with_valid_arguments(
    client: Mistral, tool_choice: Any, name: str
) -> None:
    choice = {} if tool_choice is None else {"tool_choice": tool_choice}
    res = client.chat.complete(model="m", messages=QUESTION, tools=TOOLS, **choice)

    assert res.choices[0].finish_reason == "tool_calls"
    message = res.choices[0].message
    assert message.content == ""
    [call] = message.tool_calls or []
    assert (call.type, call.index, call.function.name) == ("function", 0, name)
    assert isinstance(call.id, str)
    assert len(call.id) == 9
    assert call.id.isalnum()
    assert isinstance(call.function.arguments, str)
    jsonschema.validate(json.loads(call.function.arguments), PARAMETERS[name])


def test_a_streamed_call_joined_by_index_is_the_whole_call(client: Mistral) -> None:
    whole = client.chat.complete(model="m", messages=QUESTION, tools=TOOLS)
    chunks = chunks_of(client, messages=QUESTION, tools=TOOLS)

    first = chunks[0].choices[0].delta
    assert (first.role, first.content) == ("assistant", "")
    assert not first.tool_calls
    pieces = [c.choices[0].delta.tool_calls[0] for c in chunks if c.choices[0].delta.tool_calls]
    assert len(pieces) >= 2  # a client must join them
    assert all(not piece.id and piece.index == 0 for piece in pieces[1:])
    [call] = whole.choices[0].message.tool_calls or []
    assert join_tool_calls(chunks) == [
        {"id": call.id, "name": call.function.name, "arguments": call.function.arguments}
    ]
    last = chunks[-1]
    assert last.choices[0].finish_reason == "tool_calls"
    assert last.usage
    assert {c.id for c in chunks} == {last.id}


def test_a_tool_result_is_answered_with_text(client: Mistral) -> None:
    asked = client.chat.complete(model="m", messages=QUESTION, tools=TOOLS).choices[0].message
    [call] = asked.tool_calls or []
    messages = [
        *QUESTION,
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call.id, "name": call.function.name, "content": "sunny"},
    ]

    res = client.chat.complete(model="m", messages=messages, tools=TOOLS)
    chunks = chunks_of(client, messages=messages, tools=TOOLS)

    assert res.choices[0].message.content in TEXTS
    assert not res.choices[0].message.tool_calls
    assert res.choices[0].finish_reason == "stop"
    assert "".join(str(c.choices[0].delta.content or "") for c in chunks) in TEXTS
    assert join_tool_calls(chunks) == []
    assert chunks[-1].choices[0].finish_reason == "stop"


@pytest.mark.parametrize("tools", [{}, {"tools": TOOLS, "tool_choice": "none"}])
def test_without_tools_to_call_the_answer_is_text(client: Mistral, tools: dict[str, Any]) -> None:
    res = client.chat.complete(model="m", messages=QUESTION, **tools)
    chunks = chunks_of(client, messages=QUESTION, **tools)

    assert res.choices[0].message.content in TEXTS
    assert res.choices[0].finish_reason == "stop"
    assert "".join(str(c.choices[0].delta.content or "") for c in chunks) in TEXTS
    assert join_tool_calls(chunks) == []


def test_agents_completions_call_a_declared_function(client: Mistral) -> None:
    res = client.agents.complete(agent_id="ag-1", messages=QUESTION, tools=TOOLS)
    with client.agents.stream(agent_id="ag-1", messages=QUESTION, tools=TOOLS) as events:
        chunks = [event.data for event in events]

    [call] = res.choices[0].message.tool_calls or []
    assert res.choices[0].finish_reason == "tool_calls"
    assert join_tool_calls(chunks) == [
        {"id": call.id, "name": "get_weather", "arguments": call.function.arguments}
    ]


def test_the_call_is_the_same_for_the_same_conversation() -> None:
    request = {"messages": QUESTION, "tools": TOOLS}
    other = {"messages": [{"role": "user", "content": "And in Rome?"}], "tools": TOOLS}
    no_parameters = {"messages": QUESTION, "tools": [{"function": {"name": "now"}}]}

    call = tool_call_reply(request)
    assert call is not None
    assert call == tool_call_reply({**request, "stream": True, "tool_choice": "auto"})
    assert call["id"] != (tool_call_reply(other) or {})["id"]
    assert (tool_call_reply(no_parameters) or {})["function"] == {"name": "now", "arguments": "{}"}


def test_short_arguments_still_stream_in_two_pieces() -> None:
    call = {"id": "abcdefghi", "function": {"name": "now", "arguments": "{}"}}

    deltas = list(tool_call_deltas([call]))

    assert [d["tool_calls"][0]["function"]["arguments"] for d in deltas[1:]] == ["{", "}"]
