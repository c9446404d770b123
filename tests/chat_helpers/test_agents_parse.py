"""``agents.parse``, ``parse_stream`` and their async forms: chat's structured outputs from an
agent, against the ``mistral_mock`` fake API.

The code is chat's (``mistral_plugin_chat._parse``): every kind of class and every way a
reply can fail is tested there once (``test_parse.py``, ``test_parse_stream.py``); here,
that the agents' calls reach it with the agents' request, whole and streamed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import attrs
import pytest

from mistral_core import Mistral
from mistral_plugin_chat import (
    AsyncParsedCompletionStream,
    ParsedChatCompletionResponse,
    ParsedCompletionStream,
    ParseError,
    ReplyNotJSONError,
    ReplyTruncatedError,
    response_format,
)
from mistral_testing.pytest_plugin import MistralMock

AGENT = "ag:3996db2b:20240805:city-agent:a1b2c3d4"
MESSAGES = [{"role": "user", "content": "The biggest city of France?"}]
REPLY = '{"name": "Paris", "population": 2100000}'
PIECES = [REPLY[i : i + 7] for i in range(0, len(REPLY), 7)]


@attrs.define
class City:
    name: str
    population: int


PARIS = City("Paris", 2100000)
CITY_FORMAT = response_format(City).to_dict()
"""What chat.parse sends for the class (its schema is tested with chat's: ``test_parse.py``)."""


@pytest.fixture
def client() -> Any:
    with Mistral(api_key="test-key") as mistral:
        yield mistral


def sent(mistral_mock: MistralMock) -> Any:
    """The body of the last request, which went to the agents' completions, not chat's."""
    request = mistral_mock.agents.requests[-1]
    assert request.url.path == "/v1/agents/completions"
    assert not mistral_mock.chat.requests
    return request.json()


def test_parse_asks_the_agent_for_the_strict_schema(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.agents.reply(REPLY)

    res = client.agents.parse(
        response_format=City, agent_id=AGENT, messages=MESSAGES, max_tokens=50
    )

    assert isinstance(res, ParsedChatCompletionResponse)
    assert res.choices[0].message.parsed == PARIS
    assert res.choices[0].message.content == REPLY
    body = sent(mistral_mock)
    assert body["response_format"] == CITY_FORMAT
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["response_format"]["json_schema"]["schema"]["additionalProperties"] is False
    assert (body["agent_id"], body["messages"], body["max_tokens"]) == (AGENT, MESSAGES, 50)
    assert "model" not in body
    assert "stream" not in body or body["stream"] is False


@pytest.mark.anyio
async def test_parse_async(mistral_mock: MistralMock) -> None:
    mistral_mock.agents.reply(REPLY)

    async with Mistral(api_key="k") as client:
        res = await client.agents.parse_async(City, agent_id=AGENT, messages=MESSAGES)

    assert res.choices[0].message.parsed == PARIS
    assert sent(mistral_mock)["response_format"] == CITY_FORMAT


def test_parse_stream(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.agents.reply_stream(PIECES)

    with client.agents.parse_stream(City, agent_id=AGENT, messages=MESSAGES) as stream:
        assert isinstance(stream, ParsedCompletionStream)
        partials = [stream.partial for _ in stream]
        final = stream.get_final_response()

    assert partials[:3] == [{}, {"name": "Pari"}, {"name": "Paris"}]
    assert partials[-1] == json.loads(REPLY)
    assert final.choices[0].message.parsed == PARIS
    body = sent(mistral_mock)
    assert (body["stream"], body["agent_id"], body["response_format"]) == (
        True,
        AGENT,
        CITY_FORMAT,
    )


@pytest.mark.anyio
async def test_parse_stream_async(mistral_mock: MistralMock) -> None:
    mistral_mock.agents.reply_stream(PIECES)

    async with Mistral(api_key="k") as client:
        stream = await client.agents.parse_stream_async(City, agent_id=AGENT, messages=MESSAGES)
        async with stream:
            assert isinstance(stream, AsyncParsedCompletionStream)
            partials = [stream.partial async for _ in stream]
            final = await stream.get_final_response()

    assert partials[-1] == json.loads(REPLY)
    assert final.choices[0].message.parsed == PARIS
    assert sent(mistral_mock)["stream"] is True


def parse_whole(client: Mistral) -> Any:
    return client.agents.parse(City, agent_id=AGENT, messages=MESSAGES)


def parse_streamed(client: Mistral) -> Any:
    return client.agents.parse_stream(City, agent_id=AGENT, messages=MESSAGES).get_final_response()


@pytest.mark.parametrize("parse", [parse_whole, parse_streamed])
@pytest.mark.parametrize(
    ("reply", "finish_reason", "error"),
    [
        ("Paris, I think.", "stop", ReplyNotJSONError),
        (REPLY[:20], "length", ReplyTruncatedError),
    ],
)
def test_a_reply_that_cannot_be_read_raises_with_the_response(
    mistral_mock: MistralMock,
    client: Mistral,
    parse: Any,
    reply: str,
    finish_reason: str,
    error: type[ParseError],
) -> None:
    mistral_mock.agents.reply(reply, finish_reason=finish_reason)

    with pytest.raises(error, match=r"^choice 0: ") as raised:
        parse(client)

    assert raised.value.response.choices[0].message.content == reply
    assert raised.value.response.http.status_code == 200


def test_the_fake_api_answers_with_a_sample_of_the_schema(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    """So that users' tests of code that calls ``agents.parse`` need no reply of their own."""
    res = client.agents.parse(City, agent_id=AGENT, messages=MESSAGES)
    assert isinstance(res.choices[0].message.parsed, City)


def test_mounting_the_group_imports_no_models() -> None:
    code = """
import sys
import mistral_core
client = mistral_core.Mistral(api_key="x")
client.agents
heavy = ("mistral_plugin_agents.models", "mistral_plugin_chat.models", "cattrs")
print(type(client.agents).__name__, [m for m in heavy if m in sys.modules])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "Agents []", done.stderr
