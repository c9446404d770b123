"""The OpenTelemetry side: a span and measures for each call.

Imported only once a tracer or meter provider is there to record them: importing the
OpenTelemetry API costs tens of milliseconds, which a program that configures none of it
should not pay.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry import metrics, trace
from opentelemetry.metrics import MeterProvider, NoOpMeterProvider
from opentelemetry.metrics._internal import _ProxyMeterProvider  # (no public name)
from opentelemetry.propagate import inject
from opentelemetry.trace import (
    NoOpTracerProvider,
    ProxyTracerProvider,
    SpanKind,
    Status,
    StatusCode,
    TracerProvider,
)

from mistral_core import MistralError, __version__
from mistral_core._guards import is_mapping
from mistral_core.hooks import CallObserver, ObservedCall
from mistral_core.sse import AsyncEventStream, EventStream

from . import _attributes as names
from ._content import input_messages, output_messages, system_instructions

if TYPE_CHECKING:
    import httpx
    from opentelemetry.trace import Span

    from mistral_core.models import HTTPInfo

    from ._plugin import Redact

SCOPE = "mistral_plugin_otel"
DURATION_BUCKETS = tuple(0.01 * 2.0**power for power in range(14))  # 0.01, 0.02, ... 81.92 s
TOKEN_BUCKETS = tuple(4.0**power for power in range(14))  # 1, 4, 16, ... 67108864 tokens
"""The buckets the conventions advise for each histogram."""

RETRY_EVENT = "mistral.retry"
TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk"
STREAM_COMPLETE = "mistral.stream.complete"


def global_providers() -> tuple[TracerProvider | None, MeterProvider | None]:
    """The providers set for the whole process, ``None`` for each that is not set."""
    tracer_provider = trace.get_tracer_provider()
    meter_provider = metrics.get_meter_provider()
    unset_tracer = isinstance(tracer_provider, (ProxyTracerProvider, NoOpTracerProvider))
    unset_meter = isinstance(meter_provider, (_ProxyMeterProvider, NoOpMeterProvider))
    return (
        None if unset_tracer else tracer_provider,
        None if unset_meter else meter_provider,
    )


class Telemetry:
    """A tracer and the conventions' histograms, from one pair of providers."""

    def __init__(
        self,
        tracer_provider: TracerProvider | None,
        meter_provider: MeterProvider | None,
        content: Redact | None,
    ) -> None:
        self.content = content
        """How message content is recorded (through this redaction), ``None``: it is not."""
        self.tracer = trace.get_tracer(
            SCOPE, __version__, tracer_provider=tracer_provider or NoOpTracerProvider()
        )
        meter = metrics.get_meter(
            SCOPE, __version__, meter_provider=meter_provider or NoOpMeterProvider()
        )
        self.duration = meter.create_histogram(
            "gen_ai.client.operation.duration",
            unit="s",
            description="GenAI operation duration.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.tokens = meter.create_histogram(
            "gen_ai.client.token.usage",
            unit="{token}",
            description="Number of input and output tokens used.",
            explicit_bucket_boundaries_advisory=TOKEN_BUCKETS,
        )
        self.first_chunk = meter.create_histogram(
            "gen_ai.client.operation.time_to_first_chunk",
            unit="s",
            description="Time to receive the first chunk of a streamed answer.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )

    def observe(self, call: ObservedCall) -> CallSpan:
        """Start the span of ``call`` (a child of the current span)."""
        body: Mapping[str, Any] = call.body if is_mapping(call.body) else {}
        attributes = names.request_attributes(call.operation_id, body, call.client, call.url)
        span = self.tracer.start_span(
            names.span_name(attributes), kind=SpanKind.CLIENT, attributes=attributes
        )
        if self.content is not None and span.is_recording():
            _record_content(span, "gen_ai.input.messages", input_messages(body, self.content))
            instructions = system_instructions(body, self.content)
            _record_content(span, "gen_ai.system_instructions", instructions)
        measured = {key: attributes[key] for key in names.METRIC_KEYS if key in attributes}
        return CallSpan(self, span, measured)


class CallSpan(CallObserver):
    """One call's span and measures, from its first attempt to its answer, its error or
    the end of its stream."""

    def __init__(self, telemetry: Telemetry, span: Span, measured: dict[str, Any]) -> None:
        self._telemetry = telemetry
        self._span = span
        self._context = trace.set_span_in_context(span)
        """What each attempt's ``traceparent`` names: this span, not the caller's."""
        self._measured = measured
        """The metrics' attributes: the request's, then the response model, the error."""
        self._started = time.perf_counter()
        self._stream: Any = None

    def attempt(self, request: httpx.Request, number: int) -> None:
        if number > 1:
            self._span.add_event(RETRY_EVENT, {"http.request.resend_count": number - 1})
        inject(request.headers, self._context)

    def succeeded(self, result: Any, http: HTTPInfo) -> None:
        if isinstance(result, (EventStream, AsyncEventStream)):
            self._stream = result  # the span ends with the stream
            return
        self._answered(result)
        self._end(None)

    def failed(self, error: BaseException) -> None:
        self._end(error)

    def first_event(self) -> None:
        elapsed = time.perf_counter() - self._started
        self._span.set_attribute(TIME_TO_FIRST_CHUNK, elapsed)
        self._telemetry.first_chunk.record(elapsed, self._measured)

    def stream_ended(self, error: BaseException | None, complete: bool) -> None:
        self._span.set_attribute(STREAM_COMPLETE, complete)
        # a completion's stream puts its answer together (mistral_types.CompletionStream)
        response_so_far = getattr(self._stream, "response_so_far", None)
        if response_so_far is not None:
            with contextlib.suppress(MistralError, ValueError):  # too large, or no event
                self._answered(response_so_far())
        self._end(error)

    def _answered(self, result: Any) -> None:
        """Record what the answer says of itself: id, model, finish reasons, usage."""
        attributes = names.response_attributes(result)
        self._span.set_attributes(attributes)
        model = attributes.get(names.RESPONSE_MODEL)
        if model is not None:
            self._measured[names.RESPONSE_MODEL] = model
        for kind, key in (("input", names.INPUT_TOKENS), ("output", names.OUTPUT_TOKENS)):
            if key in attributes:
                token_type = {**self._measured, "gen_ai.token.type": kind}
                self._telemetry.tokens.record(attributes[key], token_type)
        content = self._telemetry.content
        if content is not None and self._span.is_recording():
            messages = output_messages(result, content)
            _record_content(self._span, "gen_ai.output.messages", messages)

    def _end(self, error: BaseException | None) -> None:
        if error is not None:
            kind = names.error_type(error)
            self._span.set_attribute(names.ERROR_TYPE, kind)
            self._span.set_status(Status(StatusCode.ERROR, str(error) or kind))
            self._measured[names.ERROR_TYPE] = kind
        self._span.end()
        self._telemetry.duration.record(time.perf_counter() - self._started, self._measured)


def _record_content(span: Span, key: str, value: list[dict[str, Any]]) -> None:
    """Content as a JSON string: span attributes take no structures (the conventions say)."""
    if value:
        span.set_attribute(key, json.dumps(value, ensure_ascii=False))
