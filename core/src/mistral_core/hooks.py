"""The hook contracts (pluggy project ``mistral``): what a plugin can see and change.

A plugin is any object or module with functions named after these specs and marked with
:data:`hookimpl`. Register one on a single client with ``Mistral(plugins=[obj])``, or for
every client in the process with an entry point in the ``mistral.plugins`` group.
Implementations may take only the arguments they need, as pluggy allows.

Hooks run for every attempt, retries included; with no plugin registered they cost
nothing but a check. :func:`mistral_observe_call` sees the whole call instead: a
:class:`CallObserver` follows one operation from its first attempt to its result or
error, and a stream to its end (tracing and metrics plugins build on it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

if TYPE_CHECKING:
    import httpx

    from ._client import Mistral
    from .errors import MistralError
    from .models import HTTPInfo

__all__ = [
    "PROJECT",
    "CallObserver",
    "ObservedCall",
    "RequestContext",
    "hookimpl",
    "hookspec",
    "make_plugin_manager",
]

PROJECT = "mistral"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@attrs.frozen
class RequestContext:
    """What a hook knows about the call in progress."""

    client: Mistral
    operation_id: str
    """The spec's ``operationId`` of the call (``chat_completion_v1_chat_completions_post``)."""
    stream: bool
    """Whether the response is read as it arrives: an event stream, or a download."""
    attempt: int = 1
    """1 for the first try, 2 for the first retry, ..."""


@attrs.frozen
class ObservedCall:
    """One operation about to be sent, as :func:`mistral_observe_call` sees it."""

    client: Mistral
    operation_id: str
    """The spec's ``operationId`` (``chat_completion_v1_chat_completions_post``)."""
    method: str
    url: str
    """Where it goes (a provider's endpoint for Azure and Vertex AI), without the query."""
    body: Any
    """The JSON body sent, as sent (``None`` for none, or a multipart form)."""
    stream: bool
    """Whether the response is read as it arrives: an event stream, or a download."""


class CallObserver:
    """Follows one call whole: each attempt, then its result or its error; for a stream,
    its end too. Each method does nothing: override those you need.

    Exactly one of :meth:`succeeded` and :meth:`failed` is called, once; a stream that
    opened then gets :meth:`stream_ended`, once, however it ends.
    """

    def attempt(self, request: httpx.Request, number: int) -> None:
        """Attempt ``number`` (1, then 2 for the first retry...) is about to be sent: change
        its headers here (trace context)."""

    def succeeded(self, result: Any, http: HTTPInfo) -> None:
        """The call gave ``result``: its model (or JSON), or the stream or download that
        opened, whose body is read afterwards."""

    def failed(self, error: BaseException) -> None:
        """The call failed with ``error`` (a :class:`~mistral_core.MistralError`, or it was
        cancelled or interrupted), raised after this."""

    def first_event(self) -> None:
        """A stream's first event arrived (its time to first token)."""

    def stream_ended(self, error: BaseException | None, complete: bool) -> None:
        """A stream ended: ``complete`` if it was read to its end; else it was left or
        closed early (``error`` ``None``), or cut or broken (``error`` raised after this)."""


@hookspec
def mistral_observe_call(call: ObservedCall) -> CallObserver | None:
    """A call is about to be sent: return an observer to follow it whole (retries, result
    or error, and a stream to its end), or ``None``. Called once per call."""


@hookspec
def mistral_client_init(client: Mistral) -> None:
    """A client was created. Called once per client, before any request."""


@hookspec(firstresult=True)
def mistral_before_request(request: httpx.Request, context: RequestContext) -> httpx.Request | None:
    """A request is about to be signed and sent.

    Change it in place (``request.headers[...] = ...``) and return ``None``, or return a
    new request to send instead; the first plugin that returns one ends the hook.
    """


@hookspec(firstresult=True)
def mistral_after_response(
    response: httpx.Response, context: RequestContext
) -> httpx.Response | None:
    """A response arrived (any status, before it is checked or retried).

    The body of a streamed response is not read yet. Return a response to use instead;
    the first plugin that returns one ends the hook.
    """


@hookspec
def mistral_after_error(error: MistralError, context: RequestContext) -> None:
    """A call failed with ``error``, which is raised after this hook (once per call)."""


@hookspec
def mistral_resources() -> Mapping[str, Any] | None:
    """Resource groups this plugin adds: ``{"chat": ChatClass, "beta.agents": ...}``.

    The same contract as the ``mistral.resources`` entry points, for plugins passed to
    one client; a group given here wins over an installed one of the same path.
    """


class _PluginManager(pluggy.PluginManager):
    """Takes ``mistral_*`` functions as hook implementations, marked or not (as pytest does)."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        options = super().parse_hookimpl_opts(plugin, name)
        is_hook_name = name.startswith(f"{PROJECT}_")
        if options is None and is_hook_name and callable(getattr(plugin, name, None)):
            return {}  # type: ignore[return-value]
        return options


def make_plugin_manager(plugins: Iterable[object]) -> pluggy.PluginManager:
    """A manager of these hook specs with ``plugins`` and the installed hook plugins."""
    import sys

    from .plugins import load_hook_plugins

    manager = _PluginManager(PROJECT)
    manager.add_hookspecs(sys.modules[__name__])
    load_hook_plugins(manager)
    for plugin in plugins:
        manager.register(plugin)
    manager.check_pending()  # a misspelt hook name fails here, not silently later
    return manager
