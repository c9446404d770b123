"""Fixtures of the OpenTelemetry plugin's tests: the SDK's in-memory span exporter and metric
reader, a client traced into them, and the process's global providers, restored after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import respx
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mistral_core import Mistral
from mistral_plugin_otel import OpenTelemetryPlugin
from tests.otel.globals import set_global_providers
from tests.payloads import API_KEY


@pytest.fixture(autouse=True)
def settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests say which of the plugin's settings they want."""
    for name in (
        "MISTRAL_OTEL_DISABLED",
        "OTEL_SDK_DISABLED",
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def reader() -> InMemoryMetricReader:
    return InMemoryMetricReader()


@pytest.fixture
def tracer_provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


@pytest.fixture
def meter_provider(reader: InMemoryMetricReader) -> MeterProvider:
    return MeterProvider(metric_readers=[reader])


@pytest.fixture
def plugin(tracer_provider: TracerProvider, meter_provider: MeterProvider) -> OpenTelemetryPlugin:
    return OpenTelemetryPlugin(tracer_provider=tracer_provider, meter_provider=meter_provider)


@pytest.fixture
def traced(
    api: respx.MockRouter, sleeps: list[float], plugin: OpenTelemetryPlugin
) -> Iterator[Any]:
    """A client of the fake API whose calls go to ``exporter`` and ``reader``."""
    with Mistral(api_key=API_KEY, plugins=[plugin]) as client:
        yield client


@pytest.fixture
def global_providers(
    monkeypatch: pytest.MonkeyPatch, tracer_provider: TracerProvider, meter_provider: MeterProvider
) -> None:
    """The test's providers set for the process the usual way, and unset after it."""
    set_global_providers(monkeypatch, tracer_provider, meter_provider)


def finished(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return list(exporter.get_finished_spans())


def only_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    [span] = finished(exporter)
    return span


def points(reader: InMemoryMetricReader, name: str) -> list[Any]:
    """The data points of the metric ``name`` (each with ``attributes``, ``count``, ``sum``)."""
    data = reader.get_metrics_data()
    if data is None:
        return []
    return [
        point
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == name
        for point in metric.data.data_points
    ]
