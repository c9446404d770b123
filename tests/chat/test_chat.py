"""``client.chat``: what is sent for every request field, per-call options, bad input."""

from __future__ import annotations

import json
import warnings
from typing import Any

import httpx
import pytest
import respx

from mistral_core import UNSET, FieldError, Mistral, RetryConfig
from mistral_plugin_chat.models import (
    AssistantMessage,
    ChatCompletionResponse,
    Function,
    FunctionCall,
    ReasoningEffort,
    ResponseFormat,
    SystemMessage,
    TextChunk,
    Tool,
    ToolCall,
    ToolMessage,
    UnknownVariant,
    UserMessage,
)
from tests.payloads import CHAT_PATH, chat_response, chunk, sse, user_says

MODEL = "mistral-large-latest"

EVERY_FIELD: dict[str, Any] = {
    "model": MODEL,
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "function": {"name": "weather", "arguments": '{"city":"Paris"}'}}
            ],
        },
        {"role": "tool", "content": "18°C", "tool_call_id": "call_1", "name": "weather"},
    ],
    "temperature": 0.3,
    "top_p": 0.9,
    "max_tokens": 64,
    "stop": ["\n\n", "END"],
    "random_seed": 42,
    "metadata": {"team": "search"},
    "response_format": {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": True},
    },
    "tools": [
        {
            "type": "function",
            "function": {"name": "weather", "parameters": {"type": "object", "properties": {}}},
        },
        {"type": "web_search"},
        {"type": "a_tool_from_the_future", "setting": 1},
    ],
    "tool_choice": {"type": "function", "function": {"name": "weather"}},
    "presence_penalty": 0.1,
    "frequency_penalty": -0.1,
    "n": 2,
    "prediction": {"type": "content", "content": "It is"},
    "parallel_tool_calls": False,
    "reasoning_effort": "ultra",  # not in the spec yet: an open enum sends it anyway
    "prompt_mode": "reasoning",
    "guardrails": [{"block_on_error": True, "moderation_llm_v1": {"action": "block"}}],
    "prompt_cache_key": "user-7",
    "service_tier": "standard_only",
    "safe_prompt": True,
}


@pytest.fixture
def route(api: respx.MockRouter) -> respx.Route:
    return api.post(CHAT_PATH).respond(json=chat_response())


def sent_json(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


def test_every_request_field_is_sent_as_given(client: Mistral, route: respx.Route) -> None:
    client.chat.complete(**EVERY_FIELD)
    assert sent_json(route) == EVERY_FIELD


def test_streaming_sends_every_field_and_stream_true(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = api.post(CHAT_PATH).respond(
        content=sse(chunk("Hi")), headers={"content-type": "text/event-stream"}
    )
    with client.chat.stream(**EVERY_FIELD) as events:
        assert [e.data.choices[0].delta.content for e in events] == ["Hi"]
    assert sent_json(route) == {**EVERY_FIELD, "stream": True}
    assert route.calls.last.request.headers["accept"] == "text/event-stream"


@pytest.mark.anyio
async def test_async_forms_send_the_same(client: Mistral, api: respx.MockRouter) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content).get("stream"):
            return httpx.Response(
                200, content=sse(chunk("Hi")), headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(200, json=chat_response())

    route = api.post(CHAT_PATH).mock(side_effect=answer)
    result = await client.chat.complete_async(**EVERY_FIELD)
    assert result.choices[0].message.content == "Paris"  # type: ignore[union-attr]
    assert sent_json(route) == EVERY_FIELD
    async with await client.chat.stream_async(**EVERY_FIELD) as events:
        assert [e.data.choices[0].delta.content async for e in events] == ["Hi"]
    assert sent_json(route) == {**EVERY_FIELD, "stream": True}
    await client.aclose()


def test_models_and_dicts_send_identical_json(client: Mistral, route: respx.Route) -> None:
    client.chat.complete(
        model=MODEL,
        messages=[
            SystemMessage(content="Be brief."),
            UserMessage(content=[TextChunk(text="Weather in Paris?")]),
            AssistantMessage(
                content=None,
                tool_calls=[
                    ToolCall(
                        id="call_1",
                        function=FunctionCall(name="weather", arguments='{"city":"Paris"}'),
                    )
                ],
            ),
            ToolMessage(content="18°C", tool_call_id="call_1", name="weather"),
        ],
        tools=[
            Tool(
                function=Function(name="weather", parameters={"type": "object", "properties": {}})
            ),
            {"type": "web_search"},
            UnknownVariant({"type": "a_tool_from_the_future", "setting": 1}),
        ],
        reasoning_effort=ReasoningEffort.HIGH,
        response_format=ResponseFormat(type="json_object"),
    )
    from_models = sent_json(route)
    client.chat.complete(
        model=MODEL,
        messages=EVERY_FIELD["messages"],
        tools=[*EVERY_FIELD["tools"][:2], EVERY_FIELD["tools"][2]],
        reasoning_effort="high",
        response_format={"type": "json_object"},
    )
    assert sent_json(route) == from_models
    assert from_models["tools"][0]["type"] == "function"  # the spec's default, written out


def test_unset_fields_are_not_sent_and_none_is_null(client: Mistral, route: respx.Route) -> None:
    client.chat.complete(model=MODEL, messages=user_says(), temperature=None, max_tokens=UNSET)
    assert sent_json(route) == {"model": MODEL, "messages": user_says(), "temperature": None}


def test_the_response_is_a_typed_model_with_http_metadata(
    client: Mistral, api: respx.MockRouter
) -> None:
    body = chat_response()
    body["choices"][0]["message"]["tool_calls"] = [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"x": 1}}}
    ]
    body["choices"][0]["finish_reason"] = "tool_calls"
    api.post(CHAT_PATH).respond(json=body, headers={"x-request-id": "req-9"})
    result = client.chat.complete(model=MODEL, messages=user_says())
    assert isinstance(result, ChatCompletionResponse)
    assert result.usage.total_tokens == 15
    message = result.choices[0].message
    assert isinstance(message, AssistantMessage)
    assert message.tool_calls == [
        ToolCall(id="c1", type="function", function=FunctionCall(name="f", arguments={"x": 1}))
    ]
    assert result.choices[0].finish_reason == "tool_calls"
    assert (result.http.status_code, result.http.request_id, result.http.retries) == (
        200,
        "req-9",
        0,
    )
    assert result.http.headers["x-request-id"] == "req-9"
    with pytest.raises(AttributeError, match="no HTTP exchange"):
        result.choices[0].message.http  # type: ignore[union-attr]  # noqa: B018


# --- per-call options ------------------------------------------------------------------


def test_headers_query_and_extra_body(client: Mistral, route: respx.Route) -> None:
    client.chat.complete(
        model=MODEL,
        messages=user_says(),
        temperature=0.5,
        http_headers={"x-official": "1"},
        extra_headers={"x-openai-style": "2"},
        extra_query={"beta": "true"},
        extra_body={"temperature": 0.1, "brand_new_field": [1, 2]},
    )
    request = route.calls.last.request
    assert request.headers["x-official"] == "1"
    assert request.headers["x-openai-style"] == "2"
    assert request.url.params["beta"] == "true"
    assert sent_json(route) == {
        "model": MODEL,
        "messages": user_says(),
        "temperature": 0.1,
        "brand_new_field": [1, 2],
    }


def test_per_call_retries_override_the_client(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).respond(503)
    with pytest.raises(Exception, match="503"):
        client.chat.complete(model=MODEL, messages=user_says(), retries=RetryConfig(max_retries=4))
    assert route.call_count == 5


# --- bad input raises before anything is sent ------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"messages": user_says()}, TypeError, "model"),
        ({"model": MODEL}, TypeError, "messages"),
        ({"model": MODEL, "messages": user_says(), "temprature": 1}, TypeError, "temprature"),
        ({"model": MODEL, "messages": user_says(), "timeout": 5}, TypeError, "timeout"),
        (
            {"model": MODEL, "messages": [{"role": "user", "content": 42}]},
            FieldError,
            r"messages\[0\]\.content: expected str \| list \| None, got int 42",
        ),
        (
            {"model": MODEL, "messages": [{"content": "hi"}]},
            FieldError,
            r"messages\[0\]: missing 'role'",
        ),
        (
            {"model": MODEL, "messages": [{"role": "user", "content": "hi", "nme": "x"}]},
            FieldError,
            r"messages\[0\]: unknown field 'nme'",
        ),
        (
            {"model": MODEL, "messages": [{"role": "system"}]},
            FieldError,
            r"messages\[0\]\.content: required field missing",
        ),
        ({"model": MODEL, "messages": "hello"}, FieldError, r"messages: expected a list"),
        ({"model": 7, "messages": user_says()}, FieldError, r"model: expected str, got int 7"),
        (
            {"model": MODEL, "messages": user_says(), "max_tokens": "10"},
            FieldError,
            r"max_tokens: expected int \| None, got str '10'",
        ),
        (
            {"model": MODEL, "messages": user_says(), "tools": [{"function": {"name": "f"}}]},
            FieldError,
            r"tools\[0\]: missing 'type'",
        ),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_sent(
    client: Mistral, route: respx.Route, arguments: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        client.chat.complete(**arguments)
    assert not route.called


def test_field_errors_are_type_errors() -> None:
    assert issubclass(FieldError, TypeError)


# --- model deprecation -----------------------------------------------------------------


def test_deprecated_model_warns_naming_model_and_date(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.post(CHAT_PATH).respond(
        json=chat_response(), headers={"x-model-deprecation-timestamp": "2026-12-31T00:00:00Z"}
    )
    with pytest.warns(DeprecationWarning, match="open-mistral-7b") as caught:
        client.chat.complete(model="open-mistral-7b", messages=user_says())
    warning = caught[0]
    assert "'open-mistral-7b' is deprecated" in str(warning.message)
    assert "2026-12-31T00:00:00Z" in str(warning.message)
    assert warning.filename == __file__  # it points at the caller's line


def test_no_warning_without_the_header(client: Mistral, route: respx.Route) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.chat.complete(model=MODEL, messages=user_says())
    assert route.called


def test_models_built_by_the_caller_are_checked_too(client: Mistral, route: respx.Route) -> None:
    with pytest.raises(FieldError, match=r"messages\[0\]\.content: expected str \| list \| None"):
        client.chat.complete(model=MODEL, messages=[UserMessage(content=3)])  # type: ignore[arg-type]
    with pytest.raises(FieldError, match=r"messages\[0\]: unknown field 'contnt'"):
        client.chat.complete(model=MODEL, messages=[{"role": "user", "contnt": "hi"}])
    assert not route.called
