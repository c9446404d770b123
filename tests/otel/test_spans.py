"""A span per call, as the GenAI conventions write it: the request, the answer, the error,
the retries, a stream to its end; and the metrics of the same calls."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from mistral_core import APIConnectionError, BadRequestError, Mistral
from tests.otel.conftest import finished, only_span, points
from tests.payloads import CHAT_PATH, chat_response, chunk, sse, user_says

STREAM = {"content-type": "text/event-stream"}
MODEL = "mistral-small-latest"
USAGE = {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}
SERVER = {"server.address": "api.mistral.ai", "server.port": 443}
CHAT = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "mistral_ai",
    "gen_ai.request.model": MODEL,
    **SERVER,
}
"""What every metric of a chat call carries."""


def last_chunk() -> dict[str, Any]:
    return {**chunk("ris", finish_reason="stop"), "usage": USAGE}


def test_a_chat_completion(
    traced: Mistral,
    api: respx.MockRouter,
    exporter: InMemorySpanExporter,
    reader: InMemoryMetricReader,
) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    traced.chat.complete(
        model=MODEL,
        messages=user_says(),
        temperature=0.3,
        top_p=0.9,
        max_tokens=100,
        random_seed=7,
        stop=["\n\n"],
        n=2,
        presence_penalty=0.5,
        frequency_penalty=0.25,
        response_format={"type": "json_object"},
    )

    span = only_span(exporter)
    assert span.name == f"chat {MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert dict(span.attributes or {}) == {
        **CHAT,
        "mistral.operation.id": "chat_completion_v1_chat_completions_post",
        "gen_ai.request.temperature": 0.3,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.max_tokens": 100,
        "gen_ai.request.seed": 7,
        "gen_ai.request.stop_sequences": ("\n\n",),
        "gen_ai.request.choice.count": 2,
        "gen_ai.request.presence_penalty": 0.5,
        "gen_ai.request.frequency_penalty": 0.25,
        "gen_ai.output.type": "json",
        "gen_ai.response.id": "cmpl-e5cc70bb28c444948073e77776eb30ef",
        "gen_ai.response.model": MODEL,
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 3,
    }
    assert not span.events

    measured = {**CHAT, "gen_ai.response.model": MODEL}
    [duration] = points(reader, "gen_ai.client.operation.duration")
    assert dict(duration.attributes) == measured
    assert duration.count == 1
    assert 0 < duration.sum < 5
    assert list(duration.explicit_bounds)[:3] == [0.01, 0.02, 0.04]
    tokens = {
        p.attributes["gen_ai.token.type"]: p for p in points(reader, "gen_ai.client.token.usage")
    }
    assert {kind: (p.sum, p.count) for kind, p in tokens.items()} == {
        "input": (12, 1),
        "output": (3, 1),
    }
    assert dict(tokens["input"].attributes) == {**measured, "gen_ai.token.type": "input"}


def test_the_trace_context_goes_with_the_request(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    traced.chat.complete(model=MODEL, messages=user_says())
    context = only_span(exporter).get_span_context()
    assert context is not None
    flags = f"{context.trace_flags:02x}"
    expected = f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags}"
    assert route.calls.last.request.headers["traceparent"] == expected


def test_a_retry_is_an_event_of_the_one_span(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    route = api.post(CHAT_PATH).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=chat_response())]
    )
    traced.chat.complete(model=MODEL, messages=user_says())

    span = only_span(exporter)
    assert [(e.name, dict(e.attributes or {})) for e in span.events] == [
        ("mistral.retry", {"http.request.resend_count": 1})
    ]
    assert span.status.status_code is StatusCode.UNSET
    sent = {call.request.headers["traceparent"] for call in route.calls}
    assert len(route.calls) == 2
    assert len(sent) == 1  # both attempts belong to the call's span


def test_an_error(
    traced: Mistral,
    api: respx.MockRouter,
    exporter: InMemorySpanExporter,
    reader: InMemoryMetricReader,
) -> None:
    api.post(CHAT_PATH).respond(400, json={"message": "temperature is too high"})
    with pytest.raises(BadRequestError):
        traced.chat.complete(model=MODEL, messages=user_says(), temperature=9)

    span = only_span(exporter)
    assert span.attributes is not None
    assert span.attributes["error.type"] == "400"
    assert span.status.status_code is StatusCode.ERROR
    assert "temperature is too high" in (span.status.description or "")
    assert "gen_ai.response.id" not in span.attributes
    [duration] = points(reader, "gen_ai.client.operation.duration")
    assert dict(duration.attributes) == {**CHAT, "error.type": "400"}
    assert points(reader, "gen_ai.client.token.usage") == []


def test_a_connection_error_is_named_by_its_class(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    api.post(CHAT_PATH).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError):
        traced.chat.complete(model=MODEL, messages=user_says(), retries=None)
    assert (only_span(exporter).attributes or {})["error.type"] == "APIConnectionError"


# --- streams ------------------------------------------------------------------------------


def test_a_stream_read_to_its_end(
    traced: Mistral,
    api: respx.MockRouter,
    exporter: InMemorySpanExporter,
    reader: InMemoryMetricReader,
) -> None:
    api.post(CHAT_PATH).respond(content=sse(chunk("Pa"), last_chunk()), headers=STREAM)
    with traced.chat.stream(model=MODEL, messages=user_says()) as events:
        next(events)
        assert finished(exporter) == []  # the span lasts as long as the stream
        list(events)

    span = only_span(exporter)
    attributes = dict(span.attributes or {})
    assert span.name == f"chat {MODEL}"
    assert attributes["gen_ai.request.stream"] is True
    assert attributes["mistral.stream.complete"] is True
    assert attributes["gen_ai.response.id"] == "cmpl-stream"
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert (attributes["gen_ai.usage.input_tokens"], attributes["gen_ai.usage.output_tokens"]) == (
        12,
        3,
    )
    first_chunk = attributes["gen_ai.response.time_to_first_chunk"]
    assert isinstance(first_chunk, float)
    assert span.end_time is not None
    assert span.start_time is not None
    assert 0 < first_chunk < (span.end_time - span.start_time) / 1e9
    assert span.status.status_code is StatusCode.UNSET
    [first] = points(reader, "gen_ai.client.operation.time_to_first_chunk")
    assert first.sum == pytest.approx(first_chunk)
    assert {
        p.attributes["gen_ai.token.type"] for p in points(reader, "gen_ai.client.token.usage")
    } == {
        "input",
        "output",
    }


def test_a_stream_left_early_ends_its_span_without_an_error(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    body = sse(chunk("Pa"), chunk("ris"), last_chunk())
    api.post(CHAT_PATH).respond(content=body, headers=STREAM)
    for _ in traced.chat.stream(model=MODEL, messages=user_says()):
        break

    span = only_span(exporter)
    attributes = dict(span.attributes or {})
    assert attributes["mistral.stream.complete"] is False
    assert attributes["gen_ai.response.finish_reasons"] == ("incomplete",)
    assert "gen_ai.usage.input_tokens" not in attributes  # not counted before the last event
    assert "error.type" not in attributes
    assert span.status.status_code is StatusCode.UNSET


def test_a_cut_stream_ends_its_span_with_the_error(
    traced: Mistral,
    api: respx.MockRouter,
    exporter: InMemorySpanExporter,
    reader: InMemoryMetricReader,
) -> None:
    api.post(CHAT_PATH).respond(content=sse(chunk("Pa"), done=False), headers=STREAM)
    with (
        pytest.raises(APIConnectionError, match="cut short"),
        traced.chat.stream(model=MODEL, messages=user_says()) as events,
    ):
        list(events)

    span = only_span(exporter)
    attributes = dict(span.attributes or {})
    assert attributes["error.type"] == "APIConnectionError"
    assert attributes["mistral.stream.complete"] is False
    assert span.status.status_code is StatusCode.ERROR
    [duration] = points(reader, "gen_ai.client.operation.duration")
    assert duration.attributes["error.type"] == "APIConnectionError"


def test_async_calls_and_streams(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    api.post(CHAT_PATH).mock(
        side_effect=[
            httpx.Response(200, json=chat_response()),
            httpx.Response(200, content=sse(chunk("Pa"), last_chunk()), headers=STREAM),
        ]
    )

    async def main() -> None:
        await traced.chat.complete_async(model=MODEL, messages=user_says())
        stream = await traced.chat.stream_async(model=MODEL, messages=user_says())
        async with stream as events:
            async for _ in events:
                pass
        await traced.aclose()

    asyncio.run(main())
    whole, streamed = finished(exporter)
    assert (whole.attributes or {})["gen_ai.usage.output_tokens"] == 3
    assert (streamed.attributes or {})["mistral.stream.complete"] is True
    assert "gen_ai.response.time_to_first_chunk" in (streamed.attributes or {})


def test_a_cancelled_async_call_ends_its_span(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    async def never_answers(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(60)
        raise AssertionError("cancelled before")

    api.post(CHAT_PATH).mock(side_effect=never_answers)

    async def main() -> None:
        call = asyncio.ensure_future(traced.chat.complete_async(model=MODEL, messages=user_says()))
        await asyncio.sleep(0.01)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        await traced.aclose()

    asyncio.run(main())
    span = only_span(exporter)
    assert (span.attributes or {})["error.type"] == "CancelledError"


# --- operations by name ---------------------------------------------------------------------


def test_fim_is_a_text_completion(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    api.post("/v1/fim/completions").respond(json=chat_response("a + b", model="codestral-2501"))
    traced.fim.complete(model="codestral-latest", prompt="def add(a, b):", suffix="\n")
    span = only_span(exporter)
    assert span.name == "text_completion codestral-latest"
    assert (span.attributes or {})["gen_ai.response.model"] == "codestral-2501"


def test_embeddings(traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter) -> None:
    api.post("/v1/embeddings").respond(
        json={
            "id": "embd-1",
            "object": "list",
            "model": "mistral-embed",
            "usage": {"prompt_tokens": 6, "completion_tokens": 0, "total_tokens": 6},
            "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2]}],
        }
    )
    traced.embeddings.create(model="mistral-embed", inputs=["Monet"], output_dimension=2)
    span = only_span(exporter)
    attributes = dict(span.attributes or {})
    assert span.name == "embeddings mistral-embed"
    assert attributes["gen_ai.embeddings.dimension.count"] == 2
    assert attributes["gen_ai.usage.input_tokens"] == 6


def test_an_agent_is_invoked_by_its_id(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    api.post("/v1/agents/completions").respond(json=chat_response())
    traced.agents.complete(agent_id="ag-123", messages=user_says())
    span = only_span(exporter)
    assert span.name == "invoke_agent ag-123"
    assert (span.attributes or {})["gen_ai.agent.id"] == "ag-123"


def test_any_other_operation_is_named_by_its_id(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    api.get("/v1/models").respond(json={"object": "list", "data": []})
    traced.models.list()
    span = only_span(exporter)
    assert span.name == "list_models_v1_models_get"
    assert (span.attributes or {})["gen_ai.operation.name"] == "list_models_v1_models_get"
    assert "gen_ai.request.model" not in (span.attributes or {})


def test_the_spans_are_children_of_the_current_span(
    traced: Mistral, api: respx.MockRouter, exporter: InMemorySpanExporter, plugin: Any
) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    tracer = plugin._tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as parent:
        traced.chat.complete(model=MODEL, messages=user_says())
    call, handler = finished(exporter)
    assert call.parent is not None
    assert call.parent.span_id == parent.get_span_context().span_id
    assert handler.name == "handle request"


def test_the_request_sent_is_unchanged_but_for_the_trace_context(
    traced: Mistral, api: respx.MockRouter
) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    traced.chat.complete(model=MODEL, messages=user_says())
    request = route.calls.last.request
    assert json.loads(request.content) == {"model": MODEL, "messages": user_says()}
    assert "tracestate" not in request.headers
