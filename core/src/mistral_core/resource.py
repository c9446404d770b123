"""What a resource plugin builds on: a group of operations mounted on the client.

A plugin's resource class derives from :class:`Resource`, describes each endpoint once as
an :class:`~mistral_core.Operation`, and implements each method in one line with
:meth:`Resource._call` (or ``_call_async``, ``_stream``, ``_stream_async``), which check
the arguments, send, retry and parse. See ``docs/plugins.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._call import CallOptions, Operation, PreparedCall
from ._transport import run_async, run_sync

if TYPE_CHECKING:
    import httpx

    from ._client import Mistral
    from .sse import AsyncEventStream, EventStream

__all__ = ["CallOptions", "Operation", "Resource", "body_fields"]

R = TypeVar("R")
E = TypeVar("E")


class Resource:
    """Base of a resource group; instantiated with the client it is mounted on."""

    def __init__(self, client: Mistral) -> None:
        self._client = client

    def _call(
        self, operation: Operation[R, Any], body: Mapping[str, Any] | None, options: CallOptions
    ) -> R:
        """Send a JSON call and return its parsed response."""
        call = PreparedCall(self._client, operation, body, options)
        return call.result(self._send(call))

    async def _call_async(
        self, operation: Operation[R, Any], body: Mapping[str, Any] | None, options: CallOptions
    ) -> R:
        """Send a JSON call and return its parsed response, without blocking the loop."""
        call = PreparedCall(self._client, operation, body, options)
        return call.result(await self._send_async(call))

    def _stream(
        self, operation: Operation[Any, E], body: Mapping[str, Any] | None, options: CallOptions
    ) -> EventStream[E]:
        """Open a server-sent event stream; retried only until the stream starts."""
        call = PreparedCall(self._client, operation, body, options, stream=True)
        return call.event_stream(self._send(call))

    async def _stream_async(
        self, operation: Operation[Any, E], body: Mapping[str, Any] | None, options: CallOptions
    ) -> AsyncEventStream[E]:
        """Open a server-sent event stream without blocking the loop."""
        call = PreparedCall(self._client, operation, body, options, stream=True)
        return call.async_event_stream(await self._send_async(call))

    def _send(self, call: PreparedCall[Any, Any]) -> httpx.Response:
        http = self._client._http.sync()
        plan = call.attempts(http.build_request).plan()
        return run_sync(plan, http, self._client._auth, stream=call.stream)

    async def _send_async(self, call: PreparedCall[Any, Any]) -> httpx.Response:
        http = await self._client._http.async_()
        plan = call.attempts(http.build_request).plan()
        return await run_async(plan, http, self._client._auth, stream=call.stream)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


def body_fields(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The body fields among a method's ``locals()``: every argument but self and options.

    Generated methods take each body field as a typed keyword argument and pass them on
    with ``body_fields(locals())``, so the field list is written once, in the signature.
    """
    return {name: value for name, value in arguments.items() if name not in _NOT_BODY}


_NOT_BODY = frozenset({"self", "options"})
