"""Setting OpenTelemetry's global providers in a test, and unsetting them after it.

The API lets a process set each provider once; tests (and the docs' blocks, which set them
as users do) must leave the process as they found it, or every later client is traced.
"""

from __future__ import annotations

import pytest
from opentelemetry import metrics, trace
from opentelemetry.metrics import _internal as metrics_internal
from opentelemetry.util._once import Once


def unset_global_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    """No global provider until the test sets one; the process's own ones back after it."""
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", None)
    monkeypatch.setattr(trace, "_TRACER_PROVIDER_SET_ONCE", Once())
    monkeypatch.setattr(metrics_internal, "_METER_PROVIDER", None)
    monkeypatch.setattr(metrics_internal, "_METER_PROVIDER_SET_ONCE", Once())


def set_global_providers(
    monkeypatch: pytest.MonkeyPatch,
    tracer_provider: trace.TracerProvider,
    meter_provider: metrics.MeterProvider,
) -> None:
    unset_global_providers(monkeypatch)
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(meter_provider)
