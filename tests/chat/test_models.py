"""The chat models on what the API really sends and what callers really write.

The properties every generated model, enum and union share (round trips, open enums, unknown
variants and fields, dict input equal to model input) are tested for all of them at once in
``tests/plugins/test_models.py``; here are the chat payloads themselves: a whole response, a
stream, a validation error, and the errors a strict request check gives, naming the path.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from mistral_core import HTTPValidationError, Mistral, serde
from mistral_core.models import UNSET, UnknownVariant
from mistral_plugin_chat import models as chat
from tests.payloads import CHAT_PATH

converter = serde.converter

EXTRA_KEY = "field_added_by_a_later_api_version"

MESSAGES = [{"role": "user", "content": "Who is the best French painter?"}]


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
    assert first.finish_reason is chat.ChatCompletionChoiceFinishReason.TOOL_CALLS
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
    assert second.finish_reason is chat.ChatCompletionChoiceFinishReason.STOP
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
    assert choice.finish_reason is chat.CompletionResponseStreamChoiceFinishReason.TOOL_CALLS
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


VALIDATION_ERROR = {
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


def test_validation_error_parses(client: Mistral, api: respx.MockRouter) -> None:
    """A 422 is no model of the spec's: the error carries its ``detail`` as the JSON came."""
    api.post(CHAT_PATH).respond(422, json=VALIDATION_ERROR)
    with pytest.raises(HTTPValidationError) as info:
        client.chat.complete(model="mistral-small-latest", messages=MESSAGES)
    assert info.value.status_code == 422
    assert info.value.detail == VALIDATION_ERROR["detail"]
    assert "Field required" in str(info.value)


# --------------------------------------------------------------------------------------------
# Requests as callers write them


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


def test_unknown_message_inside_a_request_is_sent_unchanged() -> None:
    future = {"role": "developer", "content": "Be brief.", "priority": 2}
    sent = serde.to_request_json(
        {"model": "mistral-small-latest", "messages": [future]}, chat.ChatCompletionRequest
    )
    assert sent == {"model": "mistral-small-latest", "messages": [future]}


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
