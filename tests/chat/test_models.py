"""Property-based tests of the chat models through the two converters of :mod:`mistral_core.serde`.

Every model, open enum and tagged union of :mod:`mistral_plugin_chat.models` is found by
introspection (``tests.strategies``) and each test is parametrized over all of them, so a model
added to the module is tested without anyone having to remember it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mistral_core import serde
from mistral_core.models import UNSET, OpenEnum, UnknownVariant
from mistral_plugin_chat import models as chat
from tests import strategies

converter = serde.converter

MODELS = strategies.all_models(chat)
ENUMS = strategies.open_enums(chat)
UNIONS = strategies.tagged_unions(chat)
ENUM_FIELDS = [
    (enum, cls, field) for enum in ENUMS for cls, field in strategies.enum_fields(chat, enum)
]
UNION_VARIANTS = [
    (name, variant) for name, union in UNIONS.items() for variant in strategies.variants(union)
]

FAST = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SMALLER = settings(FAST, max_examples=25)
"""For the properties of one field or one union (the models around them are covered by FAST)."""

EXTRA_KEY = "field_added_by_a_later_api_version"


def name_of(obj: Any) -> str:
    return getattr(obj, "__name__", None) or str(obj)


def json_name(a: attrs.Attribute[Any]) -> str:
    return str(a.metadata.get(serde.JSON_NAME, a.name))


def json_round_trip(data: Any) -> Any:
    return json.loads(json.dumps(data))


def assert_written_as_set(value: Any, data: Any) -> None:
    """``data`` (unstructured ``value``) has exactly the fields set: UNSET absent, None null."""
    if isinstance(value, UnknownVariant):
        assert data == value.raw
    elif attrs.has(type(value)):
        assert isinstance(data, dict)
        written = set()
        for a in attrs.fields(type(value)):
            field = getattr(value, a.name)
            if field is UNSET:
                assert json_name(a) not in data, a.name
                continue
            written.add(json_name(a))
            assert json_name(a) in data, a.name
            assert_written_as_set(field, data[json_name(a)])
        assert set(data) == written
    elif isinstance(value, list):
        assert isinstance(data, list)
        assert len(data) == len(value)
        for item, item_data in zip(value, data, strict=True):
            assert_written_as_set(item, item_data)
    elif isinstance(value, OpenEnum):
        assert type(data) is str
        assert data == value.value
    elif value is None:
        assert data is None
    else:
        assert data == value
        assert not isinstance(data, OpenEnum)


def with_extra_keys(value: Any, data: Any, extra: Any) -> Any:
    """``data`` with an unknown key added to the object of every model (not to raw values)."""
    if isinstance(value, UnknownVariant) or value is None:
        return data
    if attrs.has(type(value)):
        out = {
            json_name(a): with_extra_keys(getattr(value, a.name), data[json_name(a)], extra)
            for a in attrs.fields(type(value))
            if json_name(a) in data
        }
        out[EXTRA_KEY] = extra
        return out
    if isinstance(value, list):
        return [with_extra_keys(v, d, extra) for v, d in zip(value, data, strict=True)]
    return data


# --------------------------------------------------------------------------------------------
# Discovery


def test_every_public_name_is_tested() -> None:
    tested = {c.__name__ for c in MODELS} | {e.__name__ for e in ENUMS} | set(UNIONS)
    assert tested == set(chat.__all__)
    assert sorted(chat.__all__) == chat.__all__
    assert (len(MODELS), len(ENUMS), len(UNIONS)) == (48, 10, 6)


def test_every_enum_is_used_by_a_field() -> None:
    assert {enum for enum, _, _ in ENUM_FIELDS} == set(ENUMS)


# --------------------------------------------------------------------------------------------
# Every model: one generated instance goes through every property (drawing is what costs)


def check_round_trip(x: Any, cls: type) -> None:
    """Read back what was written, as Python values and through JSON text."""
    raw = converter.unstructure(x)
    assert_written_as_set(x, raw)
    assert converter.structure(raw, cls) == x
    assert converter.structure(json_round_trip(raw), cls) == x


def check_dict_input_equals_model_input(x: Any, cls: type) -> None:
    """A caller's dict and the model it describes send the same JSON."""
    raw = converter.unstructure(x)
    sent = serde.to_request_json(x, cls)
    assert serde.to_request_json(raw, cls) == sent
    assert serde.to_request_json(json_round_trip(raw), cls) == sent
    assert sent == raw


def check_unknown_fields_are_ignored(x: Any, cls: type, extra: Any) -> None:
    """A response with a field this client does not know (in every object) still parses."""
    raw = with_extra_keys(x, converter.unstructure(x), extra)
    assert converter.structure(json_round_trip(raw), cls) == x


@pytest.mark.parametrize("cls", MODELS, ids=name_of)
@FAST
@given(data=st.data())
def test_model(cls: type, data: st.DataObject) -> None:
    x = data.draw(strategies.models(cls), label="x")
    check_round_trip(x, cls)
    check_dict_input_equals_model_input(x, cls)
    check_unknown_fields_are_ignored(x, cls, data.draw(strategies.json_values, label="extra"))


# --------------------------------------------------------------------------------------------
# Open enums


@pytest.mark.parametrize("enum", ENUMS, ids=name_of)
def test_known_enum_values_structure_to_members(enum: type[OpenEnum]) -> None:
    for member in enum:
        for conv in (converter, serde.request_converter):
            assert conv.structure(member.value, enum) is member
            assert conv.unstructure(member) == member.value
            assert type(conv.unstructure(member)) is str


@pytest.mark.parametrize(
    ("enum", "cls", "field"),
    ENUM_FIELDS,
    ids=[f"{e.__name__}-{c.__name__}.{f}" for e, c, f in ENUM_FIELDS],
)
@SMALLER
@given(data=st.data())
def test_enum_field_keeps_any_string(
    enum: type[OpenEnum], cls: type, field: str, data: st.DataObject
) -> None:
    value = data.draw(strategies.open_enum_values(enum) | st.text(), label="value")
    plain = str(value.value if isinstance(value, OpenEnum) else value)
    attribute = attrs.fields_dict(cls)[field]
    x = attrs.evolve(data.draw(strategies.models(cls)), **{str(attribute.alias): value})
    name = json_name(attribute)

    raw = converter.unstructure(x)
    assert raw[name] == plain
    assert type(raw[name]) is str
    for parsed in (
        getattr(converter.structure(json_round_trip(raw), cls), field),
        getattr(serde.request_converter.structure(json_round_trip(raw), cls), field),
    ):
        assert parsed == plain
        if plain in enum._value2member_map_:
            assert parsed is enum(plain)
        else:
            assert type(parsed) is str
    assert converter.unstructure(converter.structure(raw, cls))[name] == plain
    assert serde.to_request_json(raw, cls)[name] == plain
    assert serde.to_request_json(x, cls)[name] == plain


# --------------------------------------------------------------------------------------------
# Tagged unions


@pytest.mark.parametrize(
    ("name", "variant"), UNION_VARIANTS, ids=[f"{n}-{v.__name__}" for n, v in UNION_VARIANTS]
)
@SMALLER
@given(data=st.data())
def test_known_variant_round_trips(name: str, variant: type, data: st.DataObject) -> None:
    union = UNIONS[name]
    tag = strategies.tagged_of(union).tag  # type: ignore[union-attr]
    x = data.draw(strategies.models(variant, fixed=(tag,)))
    raw = converter.unstructure(x)
    assert raw[tag] == strategies.variant_tag(variant, tag)
    for parsed in (
        converter.structure(raw, union),
        converter.structure(json_round_trip(raw), union),
        serde.request_converter.structure(raw, union),
    ):
        assert type(parsed) is variant
        assert parsed == x
    assert serde.to_request_json(raw, union) == raw
    assert serde.to_request_json(x, union) == raw


@pytest.mark.parametrize("name", list(UNIONS))
@SMALLER
@given(data=st.data())
def test_unknown_variant_is_kept_raw(name: str, data: st.DataObject) -> None:
    union = UNIONS[name]
    unknown = data.draw(strategies.unknown_variants(union))
    raw = copy.deepcopy(unknown.raw)
    assert converter.unstructure(unknown) == raw
    for parsed in (
        converter.structure(raw, union),
        converter.structure(json_round_trip(raw), union),
        serde.request_converter.structure(raw, union),
    ):
        assert type(parsed) is UnknownVariant
        assert parsed.raw == raw
        assert converter.unstructure(parsed) == raw
    assert serde.to_request_json(raw, union) == raw
    assert serde.to_request_json(unknown, union) == raw  # type: ignore[arg-type]
    assert unknown.raw == raw  # nothing was changed in place


@pytest.mark.parametrize("tag", [["text"], {"kind": "text"}, 1, None, True])
def test_unknown_variant_with_a_non_string_tag_is_kept_raw(tag: Any) -> None:
    raw = {"type": tag, "text": "hi"}
    parsed: Any = converter.structure(raw, chat.ContentChunk)  # type: ignore[arg-type]
    assert parsed == UnknownVariant(raw)


def test_unknown_message_inside_a_request_is_sent_unchanged() -> None:
    future = {"role": "developer", "content": "Be brief.", "priority": 2}
    sent = serde.to_request_json(
        {"model": "mistral-small-latest", "messages": [future]}, chat.ChatCompletionRequest
    )
    assert sent == {"model": "mistral-small-latest", "messages": [future]}


# --------------------------------------------------------------------------------------------
# Responses as the API sends them

CHAT_COMPLETION = """
{
  "id": "cmpl-e5cc70bb28c444948073e77776eb30ef",
  "object": "chat.completion",
  "model": "mistral-large-latest",
  "created": 1702256327,
  "usage": {"prompt_tokens": 91, "completion_tokens": 28, "total_tokens": 119},
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "",
        "tool_calls": [
          {
            "id": "D681PevKs",
            "type": "function",
            "function": {
              "name": "retrieve_payment_status",
              "arguments": "{\\"transaction_id\\": \\"T1001\\"}"
            },
            "index": 0
          }
        ],
        "prefix": false
      },
      "finish_reason": "tool_calls"
    },
    {
      "index": 1,
      "message": {
        "role": "assistant",
        "content": [
          {"type": "thinking", "thinking": [{"type": "text", "text": "The user wants..."}]},
          {"type": "text", "text": "Claude Monet."},
          {"type": "hologram", "frames": 3}
        ]
      },
      "finish_reason": "stop"
    },
    {"index": 2, "message": {"role": "assistant", "content": "Monet"}, "finish_reason": "abuse"}
  ]
}
"""

STREAM_CHUNKS = [
    """{"id": "a1b2", "object": "chat.completion.chunk", "created": 1702256327,
        "model": "mistral-small-latest",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                     "finish_reason": null}]}""",
    """{"id": "a1b2", "object": "chat.completion.chunk", "created": 1702256327,
        "model": "mistral-small-latest",
        "choices": [{"index": 0, "delta": {"content": "Claude"}, "finish_reason": null}]}""",
    """{"id": "a1b2", "object": "chat.completion.chunk", "created": 1702256327,
        "model": "mistral-small-latest",
        "choices": [{"index": 0, "delta": {"tool_calls": [{"id": "x9", "index": 0,
                     "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
                     "finish_reason": "tool_calls"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15,
                  "service_tier": "standard"}}""",
]


def test_chat_completion_response_parses() -> None:
    response = converter.structure(json.loads(CHAT_COMPLETION), chat.ChatCompletionResponse)
    assert response.id == "cmpl-e5cc70bb28c444948073e77776eb30ef"
    assert response.created == 1702256327
    assert response.usage == chat.UsageInfo(
        prompt_tokens=91, completion_tokens=28, total_tokens=119
    )
    assert response.usage.prompt_audio_seconds is UNSET
    first, second, third = response.choices
    assert first.finish_reason is chat.FinishReason.TOOL_CALLS
    assert first.message == chat.AssistantMessage(
        content="",
        tool_calls=[
            chat.ToolCall(
                id="D681PevKs",
                type=chat.ToolTypes.FUNCTION,
                function=chat.FunctionCall(
                    name="retrieve_payment_status", arguments='{"transaction_id": "T1001"}'
                ),
                index=0,
            )
        ],
        prefix=False,
    )
    assert first.messages is UNSET
    assert second.finish_reason is chat.FinishReason.STOP
    assert isinstance(second.message, chat.AssistantMessage)
    assert second.message.content == [
        chat.ThinkChunk(thinking=[chat.TextChunk(text="The user wants...")]),
        chat.TextChunk(text="Claude Monet."),
        UnknownVariant({"type": "hologram", "frames": 3}),
    ]
    assert third.finish_reason == "abuse"
    assert type(third.finish_reason) is str
    # and written back as it came
    assert converter.unstructure(response) == json.loads(CHAT_COMPLETION)


def test_stream_chunks_parse() -> None:
    first, second, last = (
        converter.structure(json.loads(text), chat.CompletionChunk) for text in STREAM_CHUNKS
    )
    assert first.choices == [
        chat.CompletionResponseStreamChoice(
            index=0, delta=chat.DeltaMessage(role="assistant", content=""), finish_reason=None
        )
    ]
    assert first.usage is UNSET
    assert second.choices[0].delta.content == "Claude"
    assert second.choices[0].delta.role is UNSET
    assert second.choices[0].finish_reason is None
    (choice,) = last.choices
    assert choice.finish_reason is chat.FinishReason.TOOL_CALLS
    assert choice.delta.tool_calls == [
        chat.ToolCall(
            id="x9",
            index=0,
            function=chat.FunctionCall(name="get_weather", arguments={"city": "Paris"}),
        )
    ]
    assert last.usage == chat.UsageInfo(
        prompt_tokens=12, completion_tokens=3, total_tokens=15, service_tier="standard"
    )
    event = converter.structure({"data": json.loads(STREAM_CHUNKS[0])}, chat.CompletionEvent)
    assert event.data == first


def test_responses_with_unknown_fields_everywhere_parse() -> None:
    def spread(value: Any) -> Any:
        """An unknown key in every object, but raw JSON (arguments, unknown chunks) left alone."""
        if isinstance(value, dict):
            if value.get("type") == "hologram":
                return value
            out = {k: v if k == "arguments" else spread(v) for k, v in value.items()}
            return {**out, EXTRA_KEY: {"nested": [1, {"deeper": None}]}}
        if isinstance(value, list):
            return [spread(v) for v in value]
        return value

    response = json.loads(CHAT_COMPLETION)
    assert converter.structure(
        spread(response), chat.ChatCompletionResponse
    ) == converter.structure(response, chat.ChatCompletionResponse)
    for text in STREAM_CHUNKS:
        chunk = json.loads(text)
        assert converter.structure(spread(chunk), chat.CompletionChunk) == converter.structure(
            chunk, chat.CompletionChunk
        )


def test_validation_error_parses() -> None:
    body = {
        "detail": [
            {
                "loc": ["body", "messages", 0],
                "msg": "Field required",
                "type": "missing",
                "input": None,
                "ctx": {"limit": 3},
                "url": "https://errors.pydantic.dev/missing",
            }
        ]
    }
    parsed = converter.structure(body, chat.HTTPValidationError)
    assert parsed.detail == [
        chat.ValidationError(
            loc=["body", "messages", 0],
            msg="Field required",
            type="missing",
            input=None,
            ctx={"limit": 3},
        )
    ]


# --------------------------------------------------------------------------------------------
# Requests as callers write them

MESSAGES = [{"role": "user", "content": "Who is the best French painter?"}]


def test_request_sends_only_what_was_set() -> None:
    request = chat.ChatCompletionRequest(
        model="mistral-small-latest",
        messages=[chat.UserMessage(content="Hi")],
        temperature=None,
        tool_choice=chat.ToolChoiceEnum.AUTO,
    )
    assert serde.to_request_json(request, chat.ChatCompletionRequest) == {  # type: ignore[arg-type]
        "model": "mistral-small-latest",
        "messages": [{"role": "user", "content": "Hi"}],
        "temperature": None,
        "tool_choice": "auto",
    }


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        pytest.param(
            {"model": "m", "messages": MESSAGES, "temprature": 0.2},
            "ChatCompletionRequest: unknown field 'temprature'",
            id="unknown-key",
        ),
        pytest.param(
            {"model": "m", "messages": [{"role": "user", "content": "hi", "nmae": "x"}]},
            "messages[0]: unknown field 'nmae'",
            id="unknown-nested-key",
        ),
        pytest.param(
            {"model": "m", "messages": [{"role": "user", "content": 42}]},
            "messages[0].content: expected str | list | None, got int 42",
            id="wrong-type",
        ),
        pytest.param(
            {"model": "m", "messages": MESSAGES, "max_tokens": "100"},
            "max_tokens: expected int | None, got str '100'",
            id="string-for-int",
        ),
        pytest.param(
            {"model": "m", "messages": MESSAGES, "stop": 3},
            "stop: expected str | list | None, got int 3",
            id="wrong-union-type",
        ),
        pytest.param(
            {"model": "m", "messages": "hello"},
            "messages: expected a list, got str 'hello'",
            id="string-for-list",
        ),
        pytest.param(
            {"messages": MESSAGES},
            "model: required field missing",
            id="missing-required",
        ),
        pytest.param(
            {"model": "m", "messages": [*MESSAGES, {"role": "tool", "tool_call_id": "x"}]},
            "messages[1].content: required field missing",
            id="missing-required-nested",
        ),
        pytest.param(
            {"model": "m", "messages": [{"content": "Who is the best French painter?"}]},
            "messages[0]: missing 'role', one of ['assistant', 'system', 'tool', 'user']",
            id="message-without-role",
        ),
        pytest.param(
            {
                "model": "m",
                "messages": MESSAGES,
                "tools": [{"type": "function", "function": {"name": "f", "parameters": []}}],
            },
            "tools[0].function.parameters",
            id="deep-path",
        ),
    ],
)
def test_strict_request_errors_name_the_path(request_: dict[str, Any], message: str) -> None:
    with pytest.raises(serde.FieldError) as info:
        serde.to_request_json(request_, chat.ChatCompletionRequest)
    assert message in str(info.value)
