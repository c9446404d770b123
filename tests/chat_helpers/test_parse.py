"""``chat.parse`` / ``parse_async``: the reply read into each kind of class, and every way
it can fail, against the ``mistral_mock`` fake API."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from typing import Any

import attrs
import pydantic
import pytest
from typing_extensions import TypedDict

from mistral_core import Mistral
from mistral_plugin_chat import (
    EmptyReplyError,
    ParsedChatCompletionResponse,
    ParseError,
    ReplyNotJSONError,
    ReplyTruncatedError,
    ReplyValidationError,
)
from mistral_plugin_chat.models import (
    AssistantMessage,
    ChatCompletionChoice,
    ChatCompletionResponse,
)
from mistral_testing.pytest_plugin import MistralMock

MESSAGES = [{"role": "user", "content": "The biggest city of France?"}]
REPLY = {"name": "Paris", "population": 2100000}


@attrs.define
class AttrsCity:
    name: str
    population: int


@dataclasses.dataclass
class DataCity:
    name: str
    population: int


class DictCity(TypedDict):
    name: str
    population: int


class PydanticCity(pydantic.BaseModel):
    name: str
    population: int


CLASSES = [AttrsCity, DataCity, DictCity, PydanticCity]


@pytest.fixture
def client() -> Any:
    with Mistral(api_key="test-key") as mistral:
        yield mistral


def expected(cls: Any) -> Any:
    return REPLY if cls is DictCity else cls(**REPLY)


@pytest.mark.parametrize("cls", CLASSES)
def test_the_reply_is_an_instance_of_the_class(
    mistral_mock: MistralMock, client: Mistral, cls: Any
) -> None:
    mistral_mock.chat.reply(json.dumps(REPLY))

    res = client.chat.parse(response_format=cls, model="mistral-small-latest", messages=MESSAGES)

    assert isinstance(res, ParsedChatCompletionResponse)
    assert res.choices[0].message.parsed == expected(cls)
    assert res.choices[0].message.content == json.dumps(REPLY)
    assert res.http.status_code == 200


@pytest.mark.anyio
@pytest.mark.parametrize("cls", CLASSES)
async def test_parse_async(mistral_mock: MistralMock, cls: Any) -> None:
    mistral_mock.chat.reply(json.dumps(REPLY))

    async with Mistral(api_key="k") as client:
        res = await client.chat.parse_async(cls, model="m", messages=MESSAGES)

    assert res.choices[0].message.parsed == expected(cls)


def test_the_request_asks_for_the_strict_schema_and_passes_every_other_argument(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.reply(json.dumps(REPLY))

    client.chat.parse(
        response_format=AttrsCity, model="m", messages=MESSAGES, temperature=0.1, max_tokens=50
    )

    body = mistral_mock.chat.requests[-1].json()
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "AttrsCity",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
                "required": ["name", "population"],
                "additionalProperties": False,
            },
        },
    }
    assert (body["temperature"], body["max_tokens"], body["model"]) == (0.1, 50, "m")


def test_the_parsed_message_is_sent_back_as_the_api_s_message(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.reply(json.dumps(REPLY))
    message = client.chat.parse(AttrsCity, model="m", messages=MESSAGES).choices[0].message
    assert isinstance(message, AssistantMessage)

    client.chat.complete(model="m", messages=[*MESSAGES, message])

    sent = mistral_mock.chat.requests[-1].json()["messages"][-1]
    assert sent == {"role": "assistant", "content": json.dumps(REPLY), "tool_calls": None}


def test_text_chunks_are_the_reply(mistral_mock: MistralMock, client: Mistral) -> None:
    content = [
        {"type": "thinking", "thinking": [{"type": "text", "text": "Hm."}]},
        {"type": "text", "text": '{"name": "Paris", '},
        {"type": "text", "text": '"population": 2100000}'},
    ]
    mistral_mock.chat.reply(json=completion(content=content))

    res = client.chat.parse(AttrsCity, model="m", messages=MESSAGES)

    assert res.choices[0].message.parsed == AttrsCity("Paris", 2100000)


def test_a_tool_call_instead_of_a_reply_is_parsed_as_none(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.tool_call(name="lookup", arguments={"city": "Paris"})

    res = client.chat.parse(AttrsCity, model="m", messages=MESSAGES)

    assert res.choices[0].message.parsed is None


def completion(content: Any, finish_reason: str = "stop") -> dict[str, Any]:
    message = {"role": "assistant", "content": content}
    return {
        "id": "c1",
        "object": "chat.completion",
        "model": "m",
        "created": 1,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
    }


@pytest.mark.parametrize(
    ("answer", "error", "says"),
    [
        (completion('{"name": "Par', "length"), ReplyTruncatedError, "finish_reason 'length'"),
        (completion(""), EmptyReplyError, "the reply is empty"),
        (completion(None), EmptyReplyError, "the reply is empty"),
        (completion("Paris, I think."), ReplyNotJSONError, "the reply is not JSON"),
        (
            completion('{"name": "Paris", "population": "many"}'),
            ReplyValidationError,
            "AttrsCity.population: expected int, got str 'many'",
        ),
    ],
)
def test_a_reply_that_cannot_be_read_raises_with_the_response(
    mistral_mock: MistralMock,
    client: Mistral,
    answer: dict[str, Any],
    error: type[ParseError],
    says: str,
) -> None:
    mistral_mock.chat.reply(json=answer)

    with pytest.raises(error, match=r"^choice 0: ") as raised:
        client.chat.parse(AttrsCity, model="m", messages=MESSAGES)

    assert says in str(raised.value)
    assert raised.value.response.id == "c1"
    assert raised.value.response.http.status_code == 200
    assert raised.value.choice == 0
    assert raised.value.__cause__ is None  # never a raw JSONDecodeError


def test_validation_problems_are_named_by_their_path(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.reply('{"name": 3, "population": 1, "mayor": "x"}')

    with pytest.raises(ReplyValidationError) as raised:
        client.chat.parse(AttrsCity, model="m", messages=MESSAGES)

    assert raised.value.problems == (
        "AttrsCity.name: expected str, got int 3",
        "AttrsCity: unknown field 'mayor'",
    )


def test_pydantic_s_own_validation_is_reported(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.reply('{"name": "Paris"}')

    with pytest.raises(ReplyValidationError, match="population"):
        client.chat.parse(PydanticCity, model="m", messages=MESSAGES)


WITHOUT_PYDANTIC = """
import dataclasses, json, sys
sys.modules["pydantic"] = None  # importing it now raises ImportError

from mistral_core import Mistral
from mistral_testing.pytest_plugin import MistralMock

@dataclasses.dataclass
class City:
    name: str

def capital(country: str) -> str:
    '''The capital of a country.'''
    return "Paris"

messages = [{"role": "user", "content": "?"}]
with MistralMock() as mock, Mistral(api_key="k") as client:
    mock.chat.reply(json.dumps({"name": "Paris"}))
    res = client.chat.parse(City, model="m", messages=messages)
    mock.chat.reply_stream(['{"name": ', '"Paris"}'])
    streamed = client.chat.parse_stream(City, model="m", messages=messages).get_final_response()
    run = client.chat.run_tools(model="m", messages=messages, tools=[capital])
    run.until_done()
answers = [res.choices[0].message.parsed, streamed.choices[0].message.parsed]
print(*answers, run.messages[-1]["content"])
print(sys.modules["pydantic"])
"""


def test_the_helpers_work_without_pydantic() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYDANTIC], capture_output=True, text=True, check=False
    )
    assert done.stdout.split("\n")[:2] == [
        "City(name='Paris') City(name='Paris') Paris",
        "None",
    ], done.stderr


@pytest.mark.parametrize("converter", ["converter", "request_converter"])
def test_a_parsed_response_is_written_as_its_generic_type_says(
    mistral_mock: MistralMock, client: Mistral, converter: str
) -> None:
    """Written as ``ParsedChatCompletionResponse[AttrsCity]`` (a generic model given its
    parameter), a parsed answer is the JSON of its class, as when written as itself; and
    the narrowed annotations of the parsed classes leave the plain classes' fields alone
    (they share them), so that every later reader of a plain answer still reads one."""
    from mistral_core import serde

    mistral_mock.chat.reply(json.dumps(REPLY))
    res = client.chat.parse(AttrsCity, model="m", messages=MESSAGES)
    writer = getattr(serde, converter)

    written = writer.unstructure(res, unstructure_as=ParsedChatCompletionResponse[AttrsCity])

    assert written == writer.unstructure(res)
    assert written["choices"][0]["message"]["content"] == json.dumps(REPLY)
    assert attrs.fields(ChatCompletionResponse).choices.type == list[ChatCompletionChoice]
    assert type(client.chat.complete(model="m", messages=MESSAGES)) is ChatCompletionResponse
