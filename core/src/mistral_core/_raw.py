"""``client.request``: a call to any endpoint, for those no plugin knows yet.

A raw call is an ordinary call: an :class:`~mistral_core.Operation` made on the spot,
checked and sent by :class:`~mistral_core.PreparedCall` the way every resource group
sends its calls, so the client's auth, retries, hooks, typed errors, timeouts, server
URL and provider all apply, and a fix to one is a fix to both.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, overload
from urllib.parse import quote

import attrs
import httpx

from ._call import ANY_MEDIA, EVENT_STREAM, JSON, Operation, PreparedCall
from ._config import server_url
from .models import Model
from .resource import Resource

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._call import CallOptions
    from ._client import Mistral
    from ._sse_decoder import ServerSentEvent
    from .sse import AsyncEventStream, EventStream

__all__ = ["REQUEST_OPERATION_ID", "RawRequests", "request_path"]

T = TypeVar("T")

REQUEST_OPERATION_ID = "request"
"""The operation id hooks see for a raw call (``RequestContext.operation_id``)."""

_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
"""What a path keeps as written: its separators, sub-delimiters and escapes (RFC 3986)."""


@attrs.frozen
class _RawOperation(Operation[Any, Any]):
    """An operation made for one call: its models are the classes given, not names."""

    classes: Mapping[str, Any] = attrs.field(kw_only=True)

    def model(self, name: str) -> Any:
        return self.classes.get(name)


class _RawCall(PreparedCall[Any, Any]):
    """A raw call, whose ``cast_to`` is the model of each event's data (as openai's)."""

    def _event_parser(self) -> Callable[[Any, ServerSentEvent], Any]:
        events = self.operation.model(self.operation.events)
        if events is None:
            return lambda data, _: data
        from . import serde

        read = serde.reader(events)
        return lambda data, _: read(data)


class RawRequests:
    """``request`` and ``request_async``, mixed into :class:`~mistral_core.Mistral`."""

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: type[T],
        stream: Literal[False] = False,
        **options: Unpack[CallOptions],
    ) -> T: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: None = None,
        stream: Literal[False] = False,
        **options: Unpack[CallOptions],
    ) -> Any: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: type[T],
        stream: Literal[True],
        **options: Unpack[CallOptions],
    ) -> EventStream[T]: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: None = None,
        stream: Literal[True],
        **options: Unpack[CallOptions],
    ) -> EventStream[Any]: ...

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: Any = None,
        stream: bool = False,
        **options: Unpack[CallOptions],
    ) -> Any:
        """Call any endpoint of the API, for one that no installed plugin knows yet.

        ``path`` is relative to the server URL (``"/v1/models"``), sent as written but
        for characters a URL cannot hold, which are percent-escaped; ``params`` is the
        query, ``json`` the body (or ``content``, bytes sent as they are). The answer
        is read as ``cast_to`` (a model class, with ``.http``), or returned as parsed
        JSON (``None`` for an empty 204), or as the ``httpx.Response`` itself when
        ``cast_to=httpx.Response``; ``stream=True`` gives an event stream of each
        event's data, read as ``cast_to`` when given. Errors, retries, hooks, timeouts
        and the other per-call options are those of every call.
        """
        client = cast("Mistral", self)  # the class this is mixed into
        call = _prepare(
            client, method, path, json, params, headers, content, cast_to, stream, options
        )
        response = Resource(client)._send(call)
        if stream:
            return call.event_stream(response)
        return response if cast_to is httpx.Response else call.result(response)

    @overload
    async def request_async(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: type[T],
        stream: Literal[False] = False,
        **options: Unpack[CallOptions],
    ) -> T: ...

    @overload
    async def request_async(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: None = None,
        stream: Literal[False] = False,
        **options: Unpack[CallOptions],
    ) -> Any: ...

    @overload
    async def request_async(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: type[T],
        stream: Literal[True],
        **options: Unpack[CallOptions],
    ) -> AsyncEventStream[T]: ...

    @overload
    async def request_async(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: None = None,
        stream: Literal[True],
        **options: Unpack[CallOptions],
    ) -> AsyncEventStream[Any]: ...

    async def request_async(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        cast_to: Any = None,
        stream: bool = False,
        **options: Unpack[CallOptions],
    ) -> Any:
        """:meth:`request`, without blocking the event loop (``async for`` a stream)."""
        client = cast("Mistral", self)
        call = _prepare(
            client, method, path, json, params, headers, content, cast_to, stream, options
        )
        response = await Resource(client)._send_async(call)
        if stream:
            return call.async_event_stream(response)
        return response if cast_to is httpx.Response else call.result(response)


def _prepare(
    client: Mistral,
    method: str,
    path: str,
    json: Any,
    params: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    content: bytes | str | None,
    cast_to: Any,
    stream: bool,
    options: Mapping[str, Any],
) -> _RawCall:
    """The checked call; every mistake is raised here, before anything is sent."""
    if content is not None and (json is not None or "extra_body" in options):
        raise TypeError("request() takes a body as json= (extra_body=) or as content=, not both")
    # checked for callers without a type checker too
    if not isinstance(method, str) or not method.isalpha():  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"method must be an HTTP method such as 'GET' or 'POST', got {method!r}")
    classes = {"body": type(json)} if isinstance(json, Model) else {}
    if cast_to is not None and cast_to is not httpx.Response:
        if not isinstance(cast_to, type) and typing.get_origin(cast_to) is None:
            raise TypeError(f"cast_to must be a model class, a type or None, got {cast_to!r}")
        classes["events" if stream else "returns"] = cast_to
    elif cast_to is httpx.Response and stream:
        raise TypeError("cast_to=httpx.Response reads the whole answer: drop stream=True")
    base = options.get("server_url")
    operation = _RawOperation(
        id=REQUEST_OPERATION_ID,
        method=method.upper(),
        path=request_path(path, server_url(None, base, None) if base else client.server_url),
        body="body" if "body" in classes else "",
        returns="returns" if "returns" in classes else "",
        events="events" if "events" in classes else "",
        classes=classes,
    )
    accept = EVENT_STREAM if stream else ANY_MEDIA if cast_to is httpx.Response else JSON
    call = _RawCall(
        client,
        operation,
        json,
        options,
        stream=stream,
        accept=accept,
        query=params,
        headers=headers,
    )
    if content is not None:
        call.content = content.encode() if isinstance(content, str) else bytes(content)
    return call


def request_path(path: str, base_url: str) -> str:
    """``path`` as it is put after the server URL: checked, and escaped where it must be.

    It is the caller's own path, so it is kept as written (``/v1/models/abc``, escapes
    such as ``%2F`` included); only what would change the URL's meaning is refused: a
    query or fragment (``params=`` takes the query), dot segments that would climb out of
    a server URL's path, and a URL of another server (``server_url=`` sends a call
    elsewhere, with the checks every server URL gets). A full URL of the call's own
    server is accepted as its path.
    """
    if not isinstance(path, str):  # pyright: ignore[reportUnnecessaryIsInstance] (no checker)
        raise TypeError(f"path must be a str, got {type(path).__name__}")
    if path.startswith(("http://", "https://")):
        if path != base_url and not path.startswith(base_url + "/"):
            raise ValueError(
                f"{path!r} is not on this client's server {base_url}: give the path only, "
                "and server_url=... to send a call to another server"
            )
        path = path[len(base_url) :]
    if not path.startswith("/"):
        raise ValueError(f"path must start with '/' (it follows {base_url}), got {path!r}")
    if "?" in path or "#" in path:
        raise ValueError(f"path {path!r} has a query or a fragment: pass the query as params=")
    if any(segment in (".", "..") for segment in path.split("/")):
        raise ValueError(f"path {path!r} has a '.' or '..' segment")
    return quote(path, safe=_PATH_SAFE)
