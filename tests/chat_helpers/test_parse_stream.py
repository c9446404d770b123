"""``chat.parse_stream`` / ``parse_stream_async``: the events of ``stream``, the reply's JSON
so far after each, and the reply read into the class at the end; and the reading of JSON
still being written (``PartialJSON``), for any JSON."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mistral_core import APIConnectionError, Mistral
from mistral_plugin_chat import (
    AsyncParsedCompletionStream,
    ParsedChatCompletionResponse,
    ParsedCompletionStream,
    ReplyNotJSONError,
    ReplyTruncatedError,
)
from mistral_plugin_chat._partial_json import PartialJSON
from mistral_testing.pytest_plugin import MistralMock
from tests.payloads import chunk, sse

MESSAGES = [{"role": "user", "content": "The biggest city of France?"}]
REPLY = '{"name": "Paris", "population": 2100000, "districts": ["Louvre", "Bourse"]}'


@attrs.define
class City:
    name: str
    population: int
    districts: list[str]


def pieces(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@pytest.fixture
def client() -> Any:
    with Mistral(api_key="test-key") as mistral:
        yield mistral


def test_the_events_the_partial_reply_and_the_parsed_reply(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.reply_stream(pieces(REPLY))

    with client.chat.parse_stream(response_format=City, model="m", messages=MESSAGES) as stream:
        assert isinstance(stream, ParsedCompletionStream)
        assert stream.partial is None
        partials = []
        texts = []
        for event in stream:
            texts.append(event.data.choices[0].delta.content)
            partials.append(stream.partial)
        final = stream.get_final_response()

    assert "".join(texts) == REPLY
    assert partials[:3] == [{}, {"name": "Pari"}, {"name": "Paris"}]
    assert {"name": "Paris", "population": 2100000, "districts": ["Louvre", "Bour"]} in partials
    assert partials[-1] == json.loads(REPLY)
    assert isinstance(final, ParsedChatCompletionResponse)
    assert final.choices[0].message.parsed == City("Paris", 2100000, ["Louvre", "Bourse"])
    assert stream.get_final_response() is final
    body = mistral_mock.chat.requests[-1].json()
    assert body["stream"] is True
    assert body["response_format"]["json_schema"]["name"] == "City"


def test_the_final_response_reads_the_rest(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.reply_stream(pieces(REPLY))
    stream = client.chat.parse_stream(City, model="m", messages=MESSAGES)
    next(stream)
    assert stream.partial == {}
    assert stream.get_final_response().choices[0].message.parsed.name == "Paris"
    assert stream.partial == json.loads(REPLY)


def test_text_stream_feeds_the_partial_reply(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.reply_stream(pieces(REPLY))
    stream = client.chat.parse_stream(City, model="m", messages=MESSAGES)
    assert "".join(stream.text_stream) == REPLY
    assert stream.partial == json.loads(REPLY)


def test_a_reply_that_is_not_json(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.reply_stream(["Paris", " is big"])
    stream = client.chat.parse_stream(City, model="m", messages=MESSAGES)
    with pytest.raises(ReplyNotJSONError) as raised:
        stream.get_final_response()
    assert raised.value.response.choices[0].message.content == "Paris is big"
    assert stream.partial is None


def test_a_cut_reply(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.reply_stream(pieces(REPLY[:41]), finish_reason="length")
    stream = client.chat.parse_stream(City, model="m", messages=MESSAGES)
    with pytest.raises(ReplyTruncatedError):
        stream.get_final_response()
    assert stream.partial == {"name": "Paris", "population": 2100000}


@pytest.mark.anyio
async def test_parse_stream_async(mistral_mock: MistralMock) -> None:
    mistral_mock.chat.reply_stream(pieces(REPLY))
    async with Mistral(api_key="k") as client:
        stream = await client.chat.parse_stream_async(City, model="m", messages=MESSAGES)
        async with stream:
            assert isinstance(stream, AsyncParsedCompletionStream)
            partials = [stream.partial async for _ in stream]
            final = await stream.get_final_response()
    assert partials[:3] == [{}, {"name": "Pari"}, {"name": "Paris"}]
    assert final.choices[0].message.parsed == City("Paris", 2100000, ["Louvre", "Bourse"])


@pytest.mark.anyio
async def test_parse_stream_async_reads_the_rest(mistral_mock: MistralMock) -> None:
    mistral_mock.chat.reply_stream(pieces(REPLY))
    async with Mistral(api_key="k") as client:
        stream = await client.chat.parse_stream_async(City, model="m", messages=MESSAGES)
        await stream.__anext__()
        final = await stream.get_final_response()
    assert final.choices[0].message.parsed.districts == ["Louvre", "Bourse"]
    assert stream.partial == json.loads(REPLY)


def test_a_cut_stream_keeps_the_partial_reply(mistral_mock: MistralMock, client: Mistral) -> None:
    cut = sse(*(chunk(piece) for piece in pieces(REPLY)[:3]), done=False)
    mistral_mock.chat.reply(body=cut, headers={"content-type": "text/event-stream"})
    stream = client.chat.parse_stream(City, model="m", messages=MESSAGES)
    with pytest.raises(APIConnectionError) as raised:
        stream.get_final_response()
    assert raised.value.partial_response.choices[0].message.content == REPLY[:21]
    assert stream.partial == {"name": "Paris"}


# JSON still being written

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def fits(partial: Any, whole: Any) -> bool:
    """Whether ``partial`` is what ``whole`` looks like part written: the same kinds, strings
    cut, lists and objects with fewer items; numbers and literals whole."""
    if isinstance(whole, dict):
        return isinstance(partial, dict) and all(
            key in whole and fits(value, whole[key]) for key, value in partial.items()
        )
    if isinstance(whole, list):
        return (
            isinstance(partial, list)
            and len(partial) <= len(whole)
            and all(fits(p, w) for p, w in zip(partial, whole, strict=False))
        )
    if isinstance(whole, str):
        return isinstance(partial, str) and whole.startswith(partial)
    return bool(partial == whole)


@given(JSON, st.booleans(), st.integers(1, 9))
def test_every_prefix_of_any_json_reads_as_part_of_its_value(
    value: Any, ascii_only: bool, step: int
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=None if step % 2 else 1)
    reader = PartialJSON()
    for start in range(0, len(text), step):
        reader.feed(text[start : start + step])
        partial = reader.value()
        assert partial is None or fits(partial, value)
    if isinstance(value, (dict, list, str)):  # a number or literal alone may go on: never whole
        assert reader.value() == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": "x\\', {"a": "x"}),
        ('{"a": "x\\u00', {"a": "x"}),
        ('{"a": "x\\u00e9', {"a": "xé"}),
        ('{"a": 12', {}),
        ('{"a": 12,', {"a": 12}),
        ('{"a": tr', {}),
        ('{"a": [1, 2', {"a": [1]}),
        ('{"a": {"b"', {"a": {}}),
        ('{"a": {"b":', {"a": {}}),
        ("[", []),
        ("", None),
        ("12", None),
        ("not json", None),
    ],
)
def test_what_is_left_out_until_whole(text: str, value: Any) -> None:
    reader = PartialJSON()
    reader.feed(text)
    assert reader.value() == value
