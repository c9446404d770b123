"""Message content: not recorded unless asked for, redacted when it is, and no credential
anywhere in what is exported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mistral_core import BadRequestError, Mistral
from mistral_plugin_otel import OpenTelemetryPlugin
from tests.otel.conftest import finished, only_span
from tests.payloads import API_KEY, CHAT_PATH, chat_response, chunk, sse

MODEL = "mistral-small-latest"
CAPTURE = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
MESSAGES = [
    {"role": "system", "content": "Answer in one word."},
    {"role": "user", "content": [{"type": "text", "text": "Capital of France?"}]},
    {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {"id": "call_1", "function": {"name": "lookup", "arguments": '{"q": "France"}'}}
        ],
    },
    {"role": "tool", "tool_call_id": "call_1", "content": "Paris, 2.1 million"},
    {"role": "user", "content": [{"type": "image_url", "image_url": "data:image/png;base64,AAAA"}]},
]


@pytest.fixture
def make_client(
    api: respx.MockRouter, sleeps: list[float], tracer_provider: TracerProvider
) -> Iterator[Any]:
    """A client traced with the given settings of the plugin."""
    api.post(CHAT_PATH).respond(json=chat_response("Paris"))
    made: list[Mistral] = []

    def make(**settings: Any) -> Mistral:
        plugin = OpenTelemetryPlugin(tracer_provider=tracer_provider, **settings)
        made.append(Mistral(api_key=API_KEY, plugins=[plugin]))
        return made[-1]

    yield make
    for client in made:
        client.close()


def content(exporter: InMemorySpanExporter, key: str) -> Any:
    value = (only_span(exporter).attributes or {}).get(key)
    return json.loads(value) if isinstance(value, str) else value


def test_content_is_not_recorded_by_default(
    make_client: Any, exporter: InMemorySpanExporter
) -> None:
    make_client().chat.complete(model=MODEL, messages=MESSAGES)
    attributes = only_span(exporter).attributes or {}
    assert not [key for key in attributes if key.endswith(("messages", "instructions"))]
    assert "Paris" not in json.dumps(dict(attributes))


def test_content_is_recorded_as_the_conventions_write_it(
    make_client: Any, exporter: InMemorySpanExporter
) -> None:
    make_client(capture_content=True).chat.complete(model=MODEL, messages=MESSAGES)
    assert content(exporter, "gen_ai.input.messages") == [
        {"role": "system", "parts": [{"type": "text", "content": "Answer in one word."}]},
        {"role": "user", "parts": [{"type": "text", "content": "Capital of France?"}]},
        {
            "role": "assistant",
            "parts": [
                {"type": "text", "content": ""},
                {
                    "type": "tool_call",
                    "id": "call_1",
                    "name": "lookup",
                    "arguments": '{"q": "France"}',
                },
            ],
        },
        {
            "role": "tool",
            "parts": [
                {"type": "tool_call_response", "response": "Paris, 2.1 million", "id": "call_1"}
            ],
        },
        {"role": "user", "parts": [{"type": "image_url"}]},  # named, never copied
    ]
    assert content(exporter, "gen_ai.output.messages") == [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": "Paris"}],
            "finish_reason": "stop",
        }
    ]


@pytest.mark.parametrize("value", ["true", "TRUE", "span_only", "SPAN_AND_EVENT"])
def test_the_environment_turns_capture_on(
    make_client: Any, exporter: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(CAPTURE, value)
    make_client().chat.complete(model=MODEL, messages=MESSAGES[:2])
    assert len(content(exporter, "gen_ai.input.messages")) == 2


def test_the_argument_wins_over_the_environment(
    make_client: Any, exporter: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CAPTURE, "true")
    make_client(capture_content=False).chat.complete(model=MODEL, messages=MESSAGES[:2])
    assert content(exporter, "gen_ai.input.messages") is None


def test_every_text_goes_through_the_redaction(
    make_client: Any, exporter: InMemorySpanExporter
) -> None:
    def redact(text: str) -> str:
        return text.replace("France", "[country]").replace("Paris", "[city]")

    make_client(capture_content=True, redact=redact).chat.complete(model=MODEL, messages=MESSAGES)
    recorded = json.dumps(content(exporter, "gen_ai.input.messages"))
    recorded += json.dumps(content(exporter, "gen_ai.output.messages"))
    assert "France" not in recorded
    assert "Paris" not in recorded
    assert recorded.count("[country]") == 2
    assert recorded.count("[city]") == 2


def test_a_streamed_answer_and_a_fim_prompt(
    make_client: Any, api: respx.MockRouter, exporter: InMemorySpanExporter
) -> None:
    body = sse(chunk("Pa"), chunk("ris", finish_reason="stop"))
    api.post(CHAT_PATH).respond(content=body, headers={"content-type": "text/event-stream"})
    api.post("/v1/fim/completions").respond(json=chat_response("a + b"))
    client = make_client(capture_content=True)
    client.chat.stream(model=MODEL, messages=MESSAGES[1:2]).until_done()
    client.fim.complete(model="codestral-latest", prompt="def add(a, b):", suffix="# done")

    streamed, fim = (
        {
            key: json.loads(str(value))
            for key, value in (span.attributes or {}).items()
            if "messages" in key
        }
        for span in finished(exporter)
    )
    assert streamed["gen_ai.output.messages"][0]["parts"] == [{"type": "text", "content": "Paris"}]
    assert fim["gen_ai.input.messages"] == [
        {
            "role": "user",
            "parts": [
                {"type": "text", "content": "def add(a, b):"},
                {"type": "text", "content": "# done"},
            ],
        }
    ]


def test_no_credential_is_exported(
    api: respx.MockRouter,
    sleeps: list[float],
    tracer_provider: TracerProvider,
    exporter: InMemorySpanExporter,
    meter_provider: MeterProvider,
    reader: InMemoryMetricReader,
) -> None:
    """Not the key, nor the Authorization header, whatever happens to the call."""
    api.post(CHAT_PATH).mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json=chat_response()),
            httpx.Response(400, json={"message": "bad request"}),
        ]
    )
    plugin = OpenTelemetryPlugin(
        tracer_provider=tracer_provider, meter_provider=meter_provider, capture_content=True
    )
    url = "https://user:password@api.mistral.ai"
    with Mistral(api_key=API_KEY, server_url=url, plugins=[plugin]) as client:
        client.chat.complete(model=MODEL, messages=MESSAGES)
        with pytest.raises(BadRequestError):
            client.chat.complete(model=MODEL, messages=MESSAGES)

    exported = "".join(span.to_json() for span in finished(exporter))
    metrics = reader.get_metrics_data()
    assert metrics is not None
    exported += metrics.to_json()
    assert len(finished(exporter)) == 2
    for secret in (API_KEY, "Bearer", "password", "authorization"):
        assert secret not in exported
