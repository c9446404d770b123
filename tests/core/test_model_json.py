"""Models as users of the official SDK handle them: JSON in and out, Python names, fields the
server added, pydantic input, and the ``stream=`` flag of completions."""

from __future__ import annotations

import json
from typing import Any

import pydantic
import pytest
import respx

from mistral_core import UNSET, FieldError, Mistral, UnknownVariant, serde
from mistral_plugin_chat.models import (
    AssistantMessage,
    ChatCompletionRequest,
    ChatCompletionResponse,
    JsonSchema,
    ResponseFormat,
    UserMessage,
)
from mistral_plugin_skills.models import SkillAssetContent, SkillDefinition
from tests.payloads import CHAT_PATH, chat_response, chunk, sse, user_says


def a_response_from_a_later_api() -> dict[str, Any]:
    """A chat response with fields this client does not know, at three depths."""
    body = chat_response("Paris", brand_new_top_level_field={"a": [1, 2]})
    body["usage"]["cached_tokens"] = 7
    body["choices"][0]["message"]["citations"] = [{"url": "https://example.org"}]
    return body


def test_to_dict_is_the_json_object_by_json_names_without_unset_fields() -> None:
    schema = JsonSchema(name="city", schema_definition={"type": "object"}, strict=True)
    assert schema.to_dict() == {"name": "city", "schema": {"type": "object"}, "strict": True}
    assert json.loads(schema.to_json()) == schema.to_dict()
    assert schema.to_json() == '{"name":"city","schema":{"type":"object"},"strict":true}'
    message = AssistantMessage(content=None)
    assert message.to_dict() == {"role": "assistant", "content": None}  # None is sent as null


def test_model_dump_has_the_official_sdk_s_meaning() -> None:
    message = AssistantMessage(content=None, prefix=True)
    assert message.model_dump() == {"role": "assistant", "content": None, "prefix": True}
    assert message.model_dump(exclude_none=True) == {"role": "assistant", "prefix": True}
    assert message.model_dump(mode="json") == message.model_dump()
    schema = JsonSchema(name="city", schema_definition={"type": "object"})
    assert schema.model_dump(by_alias=False) == {
        "name": "city",
        "schema_definition": {"type": "object"},
    }
    assert json.loads(schema.model_dump_json(indent=2)) == schema.model_dump()
    assert "\n  " in schema.model_dump_json(indent=2)
    assert "UNSET" not in schema.model_dump_json()


def test_from_dict_reads_as_a_response_is_read() -> None:
    response = ChatCompletionResponse.from_dict(chat_response("Paris"))
    assert response.choices[0].message.content == "Paris"
    assert ChatCompletionResponse.from_json(response.to_json()) == response
    assert ChatCompletionResponse.model_validate(response.to_dict()) == response
    assert ChatCompletionResponse.model_validate_json(response.model_dump_json()) == response
    with pytest.raises(ValueError, match=r"choices\[0\]\.index: required field missing"):
        ChatCompletionResponse.from_dict(chat_response(choices=[{"finish_reason": "stop"}]))


def test_fields_the_server_added_are_kept_and_written_back() -> None:
    body = a_response_from_a_later_api()
    response = ChatCompletionResponse.from_dict(body)
    assert response.model_extra == {"brand_new_top_level_field": {"a": [1, 2]}}
    assert response.usage.model_extra == {"cached_tokens": 7}
    assert response.choices[0].message.model_extra == {
        "citations": [{"url": "https://example.org"}]
    }
    assert response.to_dict() == body
    assert UserMessage(content="Hi").model_extra == {}


def test_a_message_read_from_a_response_is_sent_back_with_what_the_server_added(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = api.post(CHAT_PATH).respond(json=a_response_from_a_later_api())
    answer = client.chat.complete(model="m", messages=user_says()).choices[0].message
    client.chat.complete(model="m", messages=[*user_says(), answer])
    sent = json.loads(route.calls.last.request.content)
    assert sent["messages"][1] == {
        "role": "assistant",
        "content": "Paris",
        "tool_calls": None,
        "citations": [{"url": "https://example.org"}],
    }


def test_a_dict_may_name_fields_as_the_official_sdk_does(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    official = {"name": "n", "schema_definition": {"type": "object"}}
    by_json = {"name": "n", "schema": {"type": "object"}}
    for json_schema in (official, by_json):
        client.chat.complete(
            model="m",
            messages=user_says(),
            response_format={"type": "json_schema", "json_schema": json_schema},
        )
    first, second = (json.loads(call.request.content) for call in route.calls)
    assert first == second
    assert first["response_format"]["json_schema"] == by_json


def test_python_and_json_names_of_one_field_together_are_refused() -> None:
    with pytest.raises(FieldError, match="'schema_definition' and 'schema' name the same field"):
        serde.to_request_json({"name": "n", "schema": {}, "schema_definition": {}}, JsonSchema)


def test_camel_case_fields_take_their_snake_case_names() -> None:
    asset = SkillAssetContent(text_content="print(1)", is_executable=True)
    assert asset.to_dict() == {"isExecutable": True, "textContent": "print(1)"}
    definition = {"assets": {"a.py": {"text_content": "x", "isExecutable": False}}}
    sent = serde.to_request_json(definition, SkillDefinition)
    assert sent == {"assets": {"a.py": {"isExecutable": False, "textContent": "x"}}}


class _Sky(pydantic.BaseModel):
    role: str = "user"
    content: str


class _Answer(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)
    name: str
    schema_definition: dict[str, Any] = pydantic.Field(alias="schema")


def test_pydantic_models_are_taken_wherever_a_dict_is(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    client.chat.complete(
        model="m",
        messages=[_Sky(content="Why is the sky blue?")],
        response_format={
            "type": "json_schema",
            "json_schema": _Answer(name="n", schema_definition={"type": "object"}),
        },
    )
    sent = json.loads(route.calls.last.request.content)
    assert sent["messages"] == [{"role": "user", "content": "Why is the sky blue?"}]
    assert sent["response_format"]["json_schema"] == {"name": "n", "schema": {"type": "object"}}


def test_a_pydantic_model_that_does_not_fit_is_a_field_error() -> None:
    with pytest.raises(FieldError, match="messages"):
        serde.to_request_json(
            {"model": "m", "messages": [_Answer(name="n", schema_definition={})]},
            ChatCompletionRequest,
        )


def test_complete_takes_stream_false_and_stream_takes_stream_true(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    res = client.chat.complete(model="m", messages=user_says(), stream=False)
    assert res.choices[0].message.content == "Paris"
    api.post(CHAT_PATH).respond(
        content=sse(chunk("Hi")), headers={"content-type": "text/event-stream"}
    )
    with client.chat.stream(model="m", messages=user_says(), stream=True) as events:
        assert [event.data.choices[0].delta.content for event in events] == ["Hi"]


@pytest.mark.parametrize(
    ("method", "stream", "message"),
    [
        ("complete", True, r"Chat\.complete\(\) does not take stream=True: call Chat\.stream\(\)"),
        ("stream", False, r"Chat\.stream\(\) does not take stream=False: call Chat\.complete\(\)"),
    ],
)
def test_the_other_stream_flag_points_to_the_other_method(
    client: Mistral, api: respx.MockRouter, method: str, stream: bool, message: str
) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    with pytest.raises(ValueError, match=message):
        getattr(client.chat, method)(model="m", messages=user_says(), stream=stream)
    assert not route.called


@pytest.mark.anyio
async def test_the_async_forms_check_the_flag_too(client: Mistral) -> None:
    with pytest.raises(ValueError, match=r"complete_async\(\) .* call Chat\.stream_async\(\)"):
        await client.chat.complete_async(model="m", messages=user_says(), stream=True)  # type: ignore[arg-type]


def test_a_response_format_model_with_python_names_is_sent_by_json_names() -> None:
    response_format = ResponseFormat(
        type="json_schema", json_schema=JsonSchema(name="n", schema_definition={})
    )
    sent = serde.to_request_json(response_format, ResponseFormat)
    assert sent == {"type": "json_schema", "json_schema": {"name": "n", "schema": {}}}
    assert response_format.json_schema is not UNSET


def test_a_field_the_overlay_says_the_api_always_sends_is_required_when_reading() -> None:
    without_message = chat_response(choices=[{"index": 0, "finish_reason": "stop"}])
    with pytest.raises(ValueError, match=r"choices\[0\]\.message: required field missing"):
        ChatCompletionResponse.from_dict(without_message)


def test_an_unknown_variant_offers_its_fields_by_their_json_names() -> None:
    variant = UnknownVariant({"type": "a_tool_from_the_future", "name": "lookup", "id": 7})
    assert (variant.name, variant.id) == ("lookup", 7)
    with pytest.raises(AttributeError, match=r"\(type='a_tool_from_the_future'\) has no field"):
        _ = variant.status
    assert not hasattr(variant, "_extra_private")
