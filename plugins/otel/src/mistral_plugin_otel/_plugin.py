"""The hook plugin: installed for every client by its entry point, or given to one client.

This module imports no OpenTelemetry: while the program has not imported it, no provider
can have been set, so a call costs two lookups in ``sys.modules`` here, and the API is not
imported either (it costs tens of milliseconds). ``_telemetry`` is imported once there may
be something to record.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from mistral_core.hooks import CallObserver, ObservedCall

if TYPE_CHECKING:
    import pluggy
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

    from mistral_core import Mistral

    from ._telemetry import Telemetry

__all__ = ["INSTALLED", "OpenTelemetryPlugin", "Redact", "instrument", "uninstrument"]

Redact = Callable[[str], str]
"""Takes each text about to be recorded, and gives what to record instead."""

DISABLED_ENV = "MISTRAL_OTEL_DISABLED"
SDK_DISABLED_ENV = "OTEL_SDK_DISABLED"
CAPTURE_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
_CAPTURE_VALUES = ("true", "span_only", "span_and_event")
"""The values of ``CAPTURE_ENV`` that record content on spans (the latter two are those of
OpenTelemetry's newer GenAI instrumentations; events are not written here)."""
_TRACE, _METRICS = "opentelemetry.trace", "opentelemetry.metrics"
"""Setting a global provider imports one of these."""
_PROVIDERS_FROM_ENV = ("OTEL_PYTHON_TRACER_PROVIDER", "OTEL_PYTHON_METER_PROVIDER")
"""Or the environment names them, and the API makes them unasked."""


def disabled() -> bool:
    """Whether the environment turns tracing off: ``MISTRAL_OTEL_DISABLED=1`` (or true,
    yes, on), or ``OTEL_SDK_DISABLED=true``, which turns the whole SDK off."""
    ours = os.environ.get(DISABLED_ENV, "").strip().lower() in ("1", "true", "yes", "on")
    return ours or os.environ.get(SDK_DISABLED_ENV, "").strip().lower() == "true"


def _capture_from_environment() -> bool:
    return os.environ.get(CAPTURE_ENV, "").strip().lower() in _CAPTURE_VALUES


def _as_is(text: str) -> str:
    return text


class OpenTelemetryPlugin:
    """A span and the GenAI metrics for every call of the clients it is registered on.

    Give it to one client (``Mistral(plugins=[OpenTelemetryPlugin(...)])``, or
    :func:`instrument` an existing one): it then replaces the installed plugin there.

    :param tracer_provider: where spans go; ``None``: the global one
        (``trace.set_tracer_provider``), looked up at every call, so that one set after
        the client was made counts.
    :param meter_provider: where the metrics go; ``None``: the global one, likewise.
    :param capture_content: record the messages sent and received (sensitive, large);
        ``None``: as ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` says (off by
        default).
    :param redact: applied to every text captured, to record what it returns instead.
    """

    def __init__(
        self,
        *,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        capture_content: bool | None = None,
        redact: Redact | None = None,
    ) -> None:
        self._disabled = disabled()
        self._tracer_provider = tracer_provider
        self._meter_provider = meter_provider
        capture = _capture_from_environment() if capture_content is None else capture_content
        self._content = (redact or _as_is) if capture else None
        self._providers: tuple[object, object] | None = None
        self._telemetry: Telemetry | None = None
        self._global_only = tracer_provider is None and meter_provider is None
        """Whether only global providers can record: none while OpenTelemetry is not imported."""
        if any(name in os.environ for name in _PROVIDERS_FROM_ENV):
            self._global_only = False

    def mistral_client_init(self, client: Mistral) -> None:
        """Given to this client: the only tracing of it (the installed plugin is left out)."""
        manager = client.plugin_manager
        if manager is not None and manager.is_registered(self):
            _leave_out_others(manager, self)

    def mistral_observe_call(self, call: ObservedCall) -> CallObserver | None:
        modules = sys.modules
        if self._global_only and _TRACE not in modules and _METRICS not in modules:
            return None  # the way out of most calls of most programs: kept short
        telemetry = self._current_telemetry()
        return telemetry.observe(call) if telemetry is not None else None

    def _current_telemetry(self) -> Telemetry | None:
        """What records this call: ``None`` (fast) while there is no provider to record to."""
        if self._disabled:
            return None
        tracer_provider, meter_provider = self._tracer_provider, self._meter_provider
        if tracer_provider is None or meter_provider is None:
            from ._telemetry import global_providers

            global_tracer_provider, global_meter_provider = global_providers()
            if tracer_provider is None:
                tracer_provider = global_tracer_provider
            if meter_provider is None:
                meter_provider = global_meter_provider
            if tracer_provider is None and meter_provider is None:
                return None
        providers = (tracer_provider, meter_provider)
        if self._providers != providers:  # the first call, or a global provider was set
            from ._telemetry import Telemetry

            self._telemetry = Telemetry(tracer_provider, meter_provider, self._content)
            self._providers = providers
        return self._telemetry


class _Installed(OpenTelemetryPlugin):
    """The plugin of every client, with the global providers and the environment's settings;
    a client given its own plugin leaves it out."""

    def mistral_client_init(self, client: Mistral) -> None:
        pass


class _Disabled:
    """Stands for the plugin when the environment turns it off: it has no hook, so that a
    call costs what it costs without the plugin."""


INSTALLED: object = _Disabled() if disabled() else _Installed()
"""What the ``mistral.plugins`` entry point registers on every client."""


def instrument(
    client: Mistral,
    *,
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
    capture_content: bool | None = None,
    redact: Redact | None = None,
) -> None:
    """Trace ``client`` (and its ``with_options`` copies, which share its plugins) with
    these settings, in place of the installed plugin's or an earlier ``instrument``'s.

    The arguments are :class:`OpenTelemetryPlugin`'s. ``MISTRAL_OTEL_DISABLED=1`` wins over
    this call, as it does over the installed plugin.
    """
    plugin = OpenTelemetryPlugin(
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        capture_content=capture_content,
        redact=redact,
    )
    manager = _manager(client)
    manager.register(plugin)
    _leave_out_others(manager, plugin)


def uninstrument(client: Mistral) -> None:
    """Stop tracing ``client``: the installed plugin and any :func:`instrument` are left out."""
    manager = _manager(client)
    for plugin in manager.get_plugins():
        if isinstance(plugin, OpenTelemetryPlugin):
            manager.unregister(plugin)


def _manager(client: Mistral) -> pluggy.PluginManager:
    manager = client.plugin_manager
    if manager is None:  # no hook plugin installed: so neither is this one
        raise RuntimeError(
            "this client has no plugins: mistral-plugin-otel is not installed (its entry "
            "point is missing); make the client with Mistral(plugins=[OpenTelemetryPlugin()])"
        )
    return manager


def _leave_out_others(manager: pluggy.PluginManager, kept: OpenTelemetryPlugin) -> None:
    for plugin in manager.get_plugins():
        if isinstance(plugin, OpenTelemetryPlugin) and plugin is not kept:
            manager.unregister(plugin)
