"""What a resource plugin builds on: a group of operations mounted on the client.

A plugin's resource class derives from :class:`Resource`, describes each endpoint once as
an :class:`~mistral_core.Operation`, and implements each method in one line with
:meth:`Resource._call` (or ``_call_async``, ``_call_pages``, ``_stream``, ``_download``
and their ``_async`` forms), which check the arguments, send, retry and parse; :func:`operation`
records on each method which endpoint it calls. See ``docs/plugins.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, overload

import attrs

from ._call import ANY_MEDIA, EVENT_STREAM, CallOptions, DownloadResponse, Operation, PreparedCall
from ._transport import run_async, run_sync

if TYPE_CHECKING:
    import httpx
    from typing_extensions import Unpack

    from ._client import Mistral
    from .auth import Auth
    from .pagination import AsyncPage, Page, Pagination
    from .sse import AsyncEventStream, EventStream

__all__ = [
    "CallOptions",
    "Operation",
    "Resource",
    "Upgrade",
    "Where",
    "body_fields",
    "operation",
]

R = TypeVar("R")
E = TypeVar("E")
F = TypeVar("F", bound=Callable[..., Any])
S = TypeVar("S", bound="EventStream[Any]")
AS = TypeVar("AS", bound="AsyncEventStream[Any]")


class Where(TypedDict, total=False):
    """The parameters of a call besides its body: where and how it is sent."""

    path: Mapping[str, Any] | None
    """Values of the ``{name}`` placeholders of the operation's path."""
    query: Mapping[str, Any] | None
    headers: Mapping[str, Any] | None
    """The operation's header parameters."""


def operation(op: Operation[Any, Any]) -> Callable[[F], F]:
    """Record on a resource method the operation it calls, as ``method.operation``.

    The method itself is returned, not a wrapper, so calling it costs nothing more;
    tools (coverage, documentation) find each method's endpoint there.
    """

    def record(method: F) -> F:
        method.operation = op  # type: ignore[attr-defined]
        return method

    return record


class Resource:
    """Base of a resource group; instantiated with the client it is mounted on.

    Every way of calling takes ``path`` (values of the ``{name}`` placeholders of the
    operation's path, percent-escaped; a missing or empty one raises ``ValueError``
    before anything is sent), ``query`` (the query parameters: ``UNSET`` and ``None``
    left out, lists repeated, merged under the ``extra_query`` option) and ``headers``
    (the operation's header parameters, under the per-call headers). The body is a
    mapping of its fields, or, for an operation whose body is a list or a union, the body
    itself. An operation with
    ``body_media="multipart/form-data"`` sends its body as a form whose files stream as
    they are read and are rewound for every attempt; a file that cannot seek (a pipe)
    can be sent only once, so that call is not retried.
    """

    _path = ""
    """Where the client mounted the group (``beta.libraries``); set by the client."""

    def __init__(self, client: Mistral) -> None:
        self._client = client

    if not TYPE_CHECKING:  # the groups below are typed in the class (generated), so
        # that a misspelt one is an error for type checkers

        def __getattr__(self, name: str) -> Any:
            """A group below this one (``client.beta.libraries.documents``), on first access."""
            from ._client import mount_below

            if name.startswith("_") or not self._client._catalog.knows(f"{self._path}.{name}"):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            return mount_below(self, name)

    def __dir__(self) -> list[str]:
        """The attributes, and the groups mounted below this one (none is imported)."""
        below = self._client._catalog.children(self._path) if self._path else []
        return sorted({*super().__dir__(), *below})

    def _call(
        self,
        operation: Operation[R, Any],
        body: Any,
        options: CallOptions,
        **where: Unpack[Where],
    ) -> R:
        """Send a call and return its parsed JSON response."""
        call = PreparedCall(self._client, operation, body, options, **where)
        return call.result(self._send(call))

    async def _call_async(
        self,
        operation: Operation[R, Any],
        body: Any,
        options: CallOptions,
        **where: Unpack[Where],
    ) -> R:
        """Send a call and return its parsed JSON response, without blocking the loop."""
        call = PreparedCall(self._client, operation, body, options, **where)
        return call.result(await self._send_async(call))

    def _call_pages(
        self,
        operation: Operation[R, Any],
        body: Any,
        options: CallOptions,
        **where: Unpack[Where],
    ) -> Page[R, Any]:
        """Fetch the first page of a list; the page fetches the next ones when iterated."""
        from .pagination import Page

        def fetch(page_query: Mapping[str, Any]) -> R:
            page: Where = {**where, "query": page_query}
            return self._call(operation, body, options, **page)

        pagination, first_query = _pagination(operation), where.get("query") or {}
        return Page(fetch(first_query), first_query, pagination, fetch)

    async def _call_pages_async(
        self,
        operation: Operation[R, Any],
        body: Any,
        options: CallOptions,
        **where: Unpack[Where],
    ) -> AsyncPage[R, Any]:
        """Fetch the first page of a list without blocking the loop (``async for`` the rest)."""
        from .pagination import AsyncPage

        async def fetch(page_query: Mapping[str, Any]) -> R:
            page: Where = {**where, "query": page_query}
            return await self._call_async(operation, body, options, **page)

        pagination, first_query = _pagination(operation), where.get("query") or {}
        return AsyncPage(await fetch(first_query), first_query, pagination, fetch)

    @overload
    def _stream(
        self, operation: Operation[Any, E], body: Any, options: CallOptions, **where: Unpack[Where]
    ) -> EventStream[E]: ...

    @overload
    def _stream(
        self,
        operation: Operation[Any, Any],
        body: Any,
        options: CallOptions,
        *,
        kind: type[S],
        **where: Unpack[Where],
    ) -> S: ...

    def _stream(
        self,
        operation: Operation[Any, E],
        body: Any,
        options: CallOptions,
        *,
        kind: type[EventStream[Any]] | None = None,
        **where: Unpack[Where],
    ) -> EventStream[E]:
        """Open a server-sent event stream; retried only until the stream starts.

        ``kind``: an :class:`EventStream` subclass that gives more than the events (a
        completion's stream puts the whole answer together).
        """
        call = self._prepare_stream(operation, body, options, where)
        return call.event_stream(self._send(call), kind)

    @overload
    async def _stream_async(
        self, operation: Operation[Any, E], body: Any, options: CallOptions, **where: Unpack[Where]
    ) -> AsyncEventStream[E]: ...

    @overload
    async def _stream_async(
        self,
        operation: Operation[Any, Any],
        body: Any,
        options: CallOptions,
        *,
        kind: type[AS],
        **where: Unpack[Where],
    ) -> AS: ...

    async def _stream_async(
        self,
        operation: Operation[Any, E],
        body: Any,
        options: CallOptions,
        *,
        kind: type[AsyncEventStream[Any]] | None = None,
        **where: Unpack[Where],
    ) -> AsyncEventStream[E]:
        """Open a server-sent event stream without blocking the loop (``kind``: as
        :meth:`_stream`'s)."""
        call = self._prepare_stream(operation, body, options, where)
        return call.async_event_stream(await self._send_async(call), kind)

    def _download(
        self,
        operation: Operation[Any, Any],
        options: CallOptions,
        **where: Unpack[Where],
    ) -> DownloadResponse:
        """Start a download: the response comes back unread, to be read in chunks.

        Retried only until the response starts; an error status raises the typed error.
        Use it in a ``with`` block, or ``close()`` it, to release the connection.
        """
        call = self._prepare_download(operation, options, where)
        return call.download(self._send(call))

    async def _download_async(
        self,
        operation: Operation[Any, Any],
        options: CallOptions,
        **where: Unpack[Where],
    ) -> DownloadResponse:
        """Start a download without blocking the loop (``async with``, ``aiter_bytes()``)."""
        call = self._prepare_download(operation, options, where)
        return call.download(await self._send_async(call))

    def _prepare_stream(
        self,
        operation: Operation[Any, E],
        body: Any,
        options: CallOptions,
        where: Where,
    ) -> PreparedCall[Any, E]:
        return PreparedCall(
            self._client, operation, body, options, stream=True, accept=EVENT_STREAM, **where
        )

    def _prepare_download(
        self,
        operation: Operation[Any, Any],
        options: CallOptions,
        where: Where,
    ) -> PreparedCall[Any, Any]:
        return PreparedCall(
            self._client, operation, None, options, stream=True, accept=ANY_MEDIA, **where
        )

    def _send(self, call: PreparedCall[Any, Any]) -> httpx.Response:
        try:  # (making the HTTP client on the first call may fail too: a bad SSL_CERT_FILE)
            http = self._client._http.sync()
            plan = call.plan(http.build_request)
            return run_sync(plan, http, self._auth_of(call))
        except BaseException as error:  # an error, or an interruption: the call is over
            call.failed(error)
            raise
        finally:
            call.close()

    async def _send_async(self, call: PreparedCall[Any, Any]) -> httpx.Response:
        try:  # (the loop's HTTP client is made, or awaited, on its first call: in the call)
            http = await self._client._http.async_()
            plan = call.plan(http.build_request)
            return await run_async(plan, http, self._auth_of(call))
        except BaseException as error:  # an error, or a cancellation: the call is over
            call.failed(error)
            raise
        finally:
            call.close()

    async def _upgrade_async(
        self, operation: Operation[Any, Any], options: CallOptions, **where: Unpack[Where]
    ) -> Upgrade:
        """The signed request of a call another protocol carries (a WebSocket upgrade).

        URL (the provider's, if any), query, headers, user agent and credential are those
        of every call, so that a plugin speaking that protocol derives none of them; it
        sends the request itself, once (nothing is retried), within ``timeout``.
        """
        call = PreparedCall(self._client, operation, None, options, **where)
        request = call._request(_unsent_request)
        await self._auth_of(call).async_sign(request)
        timeout = call.deadline - time.monotonic() if call.deadline is not None else None
        return Upgrade(request, timeout, self._client._config.max_event_bytes)

    def _auth_of(self, call: PreparedCall[Any, Any]) -> Auth:
        return self._client._auth_for(call.operation.auth)

    def _wrong_stream_flag(self, method: str, other: str, stream: object) -> ValueError:
        """The error of ``complete(stream=True)`` or ``stream(stream=False)``.

        The official SDK takes ``stream=`` on both methods; here which method is called
        says how the answer comes, and the flag only has to agree with it.
        """
        group = type(self).__name__
        wanted = "a stream of events" if stream else "the whole answer"
        return ValueError(
            f"{group}.{method}() does not take stream={stream!r}: "
            f"call {group}.{other}() for {wanted}"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


@attrs.frozen
class Upgrade:
    """A call made over another protocol: its request, and the client's limits for it."""

    request: httpx.Request
    """Signed: send its URL and headers as they are."""
    timeout: float | None
    """Seconds left of the call's ``timeout_ms`` (``None``: no timeout was set)."""
    max_message_bytes: int
    """The most one message may hold (the client's ``max_event_bytes``)."""


def _unsent_request(method: str, url: str, *, timeout: object, **parts: Any) -> httpx.Request:
    """``httpx.Client.build_request`` without a client: a request no client will send."""
    del timeout  # the other protocol's own
    import httpx

    return httpx.Request(method, url, **parts)


def _pagination(operation: Operation[Any, Any]) -> Pagination:
    if operation.pages is None:
        raise TypeError(f"{operation.id} is not a list that comes in pages")
    return operation.pages


def body_fields(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The body fields among a method's ``locals()``: every argument but self and options.

    For hand-written methods that take each body field as a typed keyword argument: the
    field list is written once, in the signature. (Generated methods spell their body
    out, as a dict from JSON names to arguments.)
    """
    return {name: value for name, value in arguments.items() if name not in _NOT_BODY}


_NOT_BODY = frozenset({"self", "options"})
