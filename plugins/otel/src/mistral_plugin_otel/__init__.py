"""OpenTelemetry traces and metrics of every Mistral API call, as the GenAI conventions say.

Installed, it traces every client as soon as the program sets a tracer (or meter) provider
the usual way (``trace.set_tracer_provider(...)``): a span per call, retries and streams
included, the ``gen_ai.client.*`` histograms, and the trace context sent with each request.
:func:`instrument` sets one client apart (its own providers, content capture, redaction);
``MISTRAL_OTEL_DISABLED=1`` turns it all off. See ``docs/observability.md``.
"""

from ._plugin import OpenTelemetryPlugin, Redact, instrument, uninstrument

__all__ = ["OpenTelemetryPlugin", "Redact", "instrument", "uninstrument"]
