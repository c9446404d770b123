"""One API call, from the caller's arguments to a parsed result.

:class:`PreparedCall` checks the arguments before anything is sent, builds the request
for each attempt, and turns the final response into a model, an event stream or an
unread download. :func:`expand_path` and :func:`query_params` write path and query
parameters the way the API reads them.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import importlib
import re
import sys
import time
import warnings
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, cast
from urllib.parse import quote

import attrs
import httpx

from . import _json
from ._body import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_RESPONSE_BYTES,
    BodyReader,
    Rechunker,
    aiter_decoded,
    aread_body,
    header,
    iter_decoded,
    read_body,
)
from ._config import check_headers, check_retry_config, check_timeout_ms, server_url
from ._guards import is_list_or_tuple, is_mapping, is_object
from ._transport import Attempts, Plan, merge_headers, set_headers
from ._version import __version__
from .errors import (
    APIError,
    APITimeoutError,
    MistralError,
    ResponseValidationError,
    connection_error,
    server_message,
)
from .models import UNSET, HTTPInfo, Model, OpenEnum, Unset
from .retry import RetryConfig

if TYPE_CHECKING:
    from ._client import Mistral
    from ._multipart import Form
    from ._sse_decoder import ServerSentEvent
    from .hooks import CallObserver, RequestContext
    from .pagination import Pagination
    from .sse import AsyncEventStream, EventStream

__all__ = [
    "CallOptions",
    "DownloadResponse",
    "Operation",
    "PreparedCall",
    "expand_path",
    "param_texts",
    "query_params",
]

R = TypeVar("R")
E = TypeVar("E")
S = TypeVar("S", bound="EventStream[Any] | AsyncEventStream[Any]")

USER_AGENT = f"mistral-core/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]}"
DEPRECATION_HEADER = "x-model-deprecation-timestamp"

JSON = "application/json"
EVENT_STREAM = "text/event-stream"
ANY_MEDIA = "*/*"
"""What a download accepts: the spec's media types for files vary (octet-stream, jsonl...)."""
MULTIPART = "multipart/form-data"


@attrs.frozen
class Operation(Generic[R, E]):
    """An API operation as the spec describes it: what is sent where, and what comes back.

    Models are named, not imported: ``models`` is the module that defines them, imported
    on the first call, so that mounting a resource group costs next to nothing.
    ``R`` is the type of the parsed JSON response, ``E`` of one streamed event.
    """

    id: str
    """The spec's ``operationId``; counted by the coverage test, seen by hooks."""
    method: str
    path: str
    models: str = ""
    """The module of the models named below (``"mistral_plugin_chat.models"``)."""
    body: str = ""
    """The model a JSON body is checked against; none (or a multipart body): sent as given."""
    returns: str = ""
    """The model of a JSON response; none: the JSON is returned as parsed."""
    events: str = ""
    """The model of one server-sent event, whose ``data`` field takes the event's JSON."""
    body_media: str = JSON
    """How the body is sent: as JSON, or as ``multipart/form-data`` (uploads)."""
    requires_done: bool = False
    """Whether a stream always ends with ``data: [DONE]`` (completions do), so that one
    ending without it was cut short. Otherwise a stream may also end with its response."""
    auth: str = ""
    """Which credential signs the call: the client's (empty), ``"admin"`` (the admin API
    key, as a bearer token) or ``"x-api-key"`` (the client's key in that header)."""
    pages: Pagination | None = None
    """How to ask for the next page, for a list that comes in pages."""

    def model(self, name: str) -> Any:
        """The model class called ``name`` in :attr:`models` (``None`` for no name)."""
        return _model(self.models, name) if name else None


@functools.cache
def _model(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


class CallOptions(TypedDict, total=False):
    """Per-call settings every operation accepts besides its own fields."""

    retries: RetryConfig | None
    """How to retry this call; ``None`` disables retries."""
    server_url: str
    """Send this call to another server."""
    timeout_ms: int
    """Timeout of this call, in milliseconds."""
    http_headers: Mapping[str, str]
    """Headers to add to this call (the official SDK's name)."""
    extra_headers: Mapping[str, str]
    """Headers to add to this call (same as ``http_headers``)."""
    extra_query: Mapping[str, Any]
    """Query parameters the spec does not know yet."""
    extra_body: Mapping[str, Any]
    """Body fields the spec does not know yet; they override fields of the same name."""


_OPTION_NAMES = frozenset(CallOptions.__annotations__)


class PreparedCall(Generic[R, E]):
    """A call whose arguments were checked; builds a fresh request for every attempt.

    ``stream`` leaves the response body unread (events, downloads); ``accept`` is the
    media type asked for. A multipart body whose files cannot be rewound is sent once:
    its call is not retried.
    """

    def __init__(
        self,
        client: Mistral,
        operation: Operation[R, E],
        body: Any,
        options: Mapping[str, Any],
        *,
        stream: bool = False,
        accept: str = JSON,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> None:
        if options and not _OPTION_NAMES.issuperset(options):
            from ._arguments import unexpected_options  # the error path only

            raise unexpected_options(options, _OPTION_NAMES, f"{operation.id}()")
        config = client._config
        self.client = client
        self.operation = operation
        self.stream = stream
        self.json: Any = None
        self.content: bytes | None = None
        self.form: Form | None = None
        if operation.body_media == MULTIPART:
            self.form = _request_form(body, options.get("extra_body"))
        else:
            self.json = _request_json(operation, body, options.get("extra_body"))
            self.content = _json.dumps(self.json) if self.json is not None else None
        base_url = options.get("server_url")
        base_url = server_url(None, base_url, None) if base_url else config.server_url
        self.url = base_url + expand_path(operation.path, path)
        if client._provider is not None:  # the cloud says where the call goes
            from .providers import CallTarget

            endpoint = client._provider.endpoint(
                CallTarget(operation.id, self.url[len(base_url) :], self.json, stream, base_url)
            )
            self.url = endpoint.url
            query = {**endpoint.params, **(query or {})}
        self.params = query_params(query, options.get("extra_query"))
        header_params = _header_params(headers)
        if header_params or options:
            _check_call_headers(header_params, options)
        self.headers = merge_headers(
            _default_headers(self.content is not None, accept),
            config.headers,
            header_params,
            options.get("http_headers"),
            options.get("extra_headers"),
        )
        timeout_ms = check_timeout_ms(options.get("timeout_ms", config.timeout_ms))
        self.deadline: float | None = (
            time.monotonic() + timeout_ms / 1000 if timeout_ms is not None else None
        )
        """``timeout_ms`` bounds the whole call: every attempt, wait and read."""
        retries = options.get("retries", UNSET)
        self.retry_config: RetryConfig | None = (
            config.retry_config if isinstance(retries, Unset) else check_retry_config(retries)
        )
        if self.form is not None and not self.form.rewindable:
            self.retry_config = None
        self._attempts: Attempts | None = None
        self.observers: tuple[CallObserver, ...] = ()
        """What follows this call whole (``mistral_observe_call``): none without plugins."""
        if client._hooks is not None:
            self.observers = _observers(self, client._hooks)

    def plan(self, build_request: Any) -> Plan:
        """The retry loop of this call, building each attempt with ``build_request``."""
        self._attempts = Attempts(
            hooks=self.client._hooks,
            observers=self.observers,
            retry_config=self.retry_config,
            stream=self.stream,
            logger=self.client._config.logger,
            max_response_bytes=self.client._config.max_response_bytes,
            deadline=self.deadline,
        )
        return self._attempts.plan(functools.partial(self._request, build_request), self._context)

    def _request(self, build_request: Any) -> httpx.Request:
        """One attempt's request; httpx streams a form, its files rewound to their start.

        The headers of a call without a form are written onto the request httpx built
        (:func:`set_headers`); a form's go through httpx, which chooses between
        ``Content-Length`` and chunked sending by the headers it is given.
        """
        form = self.form.request_parts() if self.form is not None else {}
        request: httpx.Request = build_request(
            self.operation.method,
            self.url,
            content=self.content,
            params=self.params,
            headers=self.headers if self.form is not None else None,
            timeout=self._timeout(),
            **form,
        )
        if self.form is None:
            set_headers(request, self.headers)
        return request

    def _timeout(self) -> Any:
        """The httpx timeout of one attempt: what is left of the call's ``timeout_ms``."""
        if self.deadline is None:
            return httpx.USE_CLIENT_DEFAULT
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise APITimeoutError(f"{self.operation.id}: timeout_ms passed before an attempt")
        return left

    def close(self) -> None:
        """Close the files this call opened (uploads given as paths), once it is over."""
        if self.form is not None:
            self.form.close()

    def _context(self, attempt: int) -> RequestContext:
        from .hooks import RequestContext  # plugins are there, so pluggy is imported already

        return RequestContext(self.client, self.operation.id, self.stream, attempt)

    def report(self, error: MistralError) -> None:
        """Tell the ``mistral_after_error`` hooks about an error found after the attempts."""
        if self._attempts is not None:
            self._attempts.report(error, self._context)

    def failed(self, error: BaseException) -> None:
        """Tell the observers that the call failed (before it gave a result)."""
        for observer in self.observers:
            observer.failed(error)

    def succeeded(self, result: Any, info: HTTPInfo) -> None:
        for observer in self.observers:
            observer.succeeded(result, info)

    @property
    def retries(self) -> int:
        return self._attempts.retries if self._attempts is not None else 0

    def result(self, response: httpx.Response) -> R:
        """The parsed model of a successful JSON response (``None`` for an empty 202/204)."""
        info = self._info(response)
        if not response.content and response.status_code in (202, 204):
            self.succeeded(None, info)
            return None  # type: ignore[return-value]  # an answer without a body
        try:
            payload = _json.loads(response.content)
        except (ValueError, RecursionError) as exc:
            kind = response.headers.get("content-type", "no content type")
            raise self._reported(
                ResponseValidationError(
                    f"{self.operation.id}: the response is not JSON ({kind}; {_json.problem(exc)})",
                    info,
                )
            ) from None
        # an error, sent as 200 (``__class__``: ``type()`` would make checkers take
        # ``payload`` for an untyped dict)
        if payload.__class__ is dict and payload.get("object") == "error":
            raise self._reported(APIError(server_message(payload, "error"), response, payload))
        returns = self.operation.model(self.operation.returns)
        if returns is None:
            self.succeeded(payload, info)
            return payload  # type: ignore[no-any-return]
        try:
            result: Any = _serde().read(payload, returns)
        except ValueError as exc:
            expected = getattr(returns, "__name__", None) or str(returns)
            message = f"{self.operation.id}: the response does not match {expected}: {exc}"
            raise self._reported(ResponseValidationError(message, info)) from None
        if isinstance(result, Model):  # frozen ones too (an unknown union variant)
            object.__setattr__(result, "_http", info)
        if self.observers:
            self.succeeded(result, info)
        return result  # type: ignore[no-any-return]

    def event_stream(
        self, response: httpx.Response, kind: type[EventStream[Any]] | None = None
    ) -> EventStream[E]:
        """The response's events, as an :class:`EventStream` or the subclass ``kind``."""
        if kind is None:
            from .sse import EventStream  # only programs that stream pay for importing it

            kind = EventStream
        return self._opened(kind(*self._stream_state(response)))

    def async_event_stream(
        self, response: httpx.Response, kind: type[AsyncEventStream[Any]] | None = None
    ) -> AsyncEventStream[E]:
        """The response's events, as an :class:`AsyncEventStream` or the subclass ``kind``."""
        if kind is None:
            from .sse import AsyncEventStream

            kind = AsyncEventStream
        return self._opened(kind(*self._stream_state(response)))

    def _stream_state(self, response: httpx.Response) -> tuple[Any, ...]:
        """What a stream is made of: the arguments of ``EventStream`` (both kinds)."""
        return (
            response,
            self._event_parser(),
            self._info(response),
            self.report,
            self.operation.requires_done,
            self.deadline,
            self.client._config.max_event_bytes,
            self.operation.model(self.operation.returns),
            self.client._config.max_response_bytes,
            self.observers,
        )

    def _opened(self, stream: S) -> S:
        if self.observers:
            self.succeeded(stream, stream.http)
        return stream

    def download(self, response: httpx.Response) -> DownloadResponse:
        """The unread response of a download, made its own context manager."""
        response.__class__ = DownloadResponse
        download = cast(DownloadResponse, response)
        download.max_bytes = self.client._config.max_response_bytes
        if self.observers:
            info = HTTPInfo(response.status_code, response.headers, self.retries, response)
            self.succeeded(download, info)
        return download

    def _reported(self, error: MistralError) -> MistralError:
        self.report(error)
        self.failed(error)
        return error

    def _event_parser(self) -> Callable[[Any, ServerSentEvent], E]:
        """Turns an event into the operation's event model: ``data`` takes the event's JSON,
        and ``event`` and ``id``, where the model has them, the event's name and id."""
        from . import serde

        events = self.operation.model(self.operation.events)
        if events is None:
            return lambda data, _: data
        fields = attrs.fields(events)
        if [field.name for field in fields] == ["data"]:  # the usual event model: its data,
            return serde.data_reader(events)  # read with no wrapping dict
        read_event = serde.reader(events)
        names = {field.name for field in fields} & {"event", "id"}
        return lambda data, sse: read_event(
            {"data": data, **{name: value for name in names if (value := getattr(sse, name))}}
        )

    def _info(self, response: httpx.Response) -> HTTPInfo:
        deprecation = header(response.headers, DEPRECATION_HEADER)
        if deprecation is not None:
            _warn_deprecated_model(self._requested_model(), deprecation)
        return HTTPInfo(response.status_code, response.headers, self.retries, response)

    def _requested_model(self) -> Any:
        """The ``model`` the request named, in its JSON or in its form."""
        if self.form is not None:
            return self.form.field("model")
        return self.json.get("model") if is_object(self.json) else None


class DownloadResponse(httpx.Response):
    """An unread download: an ``httpx.Response`` that is closed when its block is left.

    httpx's responses have no ``with`` form of their own (``Client.stream`` gives one);
    a download is returned by a plain call, so the response itself must be one. It is
    the very object httpx returned, so everything httpx tracks with it stays right.

    Its bytes are decoded a piece at a time (see ``_body``): iterating holds one chunk
    at a time however the body was compressed, and :meth:`read` keeps at most
    :attr:`max_bytes`. A download that breaks while it is read raises
    :class:`~mistral_core.APIConnectionError`, as a stream does (``iter_raw`` gives
    httpx's own errors).
    """

    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    """The most :meth:`read` keeps: the client's ``max_response_bytes``."""

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        with _download_errors():
            pieces = iter_decoded(self)
            if chunk_size is None:
                yield from pieces
                return
            chunker = Rechunker(chunk_size)
            for piece in pieces:
                yield from chunker.feed(piece)
            yield from chunker.flush()

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        with _download_errors():
            pieces = aiter_decoded(self)
            if chunk_size is None:
                async for piece in pieces:
                    yield piece
                return
            chunker = Rechunker(chunk_size)
            async for piece in pieces:
                for chunk in chunker.feed(piece):
                    yield chunk
            for chunk in chunker.flush():
                yield chunk

    def read(self) -> bytes:
        with _download_errors():
            read_body(BodyReader(self, self.max_bytes))
        return self.content

    async def aread(self) -> bytes:
        with _download_errors():
            await aread_body(BodyReader(self, self.max_bytes))
        return self.content

    def __enter__(self) -> DownloadResponse:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    async def __aenter__(self) -> DownloadResponse:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()


@contextlib.contextmanager
def _download_errors() -> Generator[None, None, None]:
    """A download that breaks while it is read raises our error, as a stream does."""
    try:
        yield
    except httpx.RequestError as exc:
        raise connection_error(exc, "while downloading") from exc


_PATH_PARAMETER = re.compile(r"\{(\w+)\}")


def expand_path(template: str, values: Mapping[str, Any] | None) -> str:
    """``template`` with each ``{name}`` replaced by ``values[name]``, percent-escaped.

    Nothing in a value can change the URL: ``a/b`` stays one path segment. A missing,
    ``UNSET``, ``None`` or empty value raises ``ValueError`` before anything is sent,
    where the server would answer with a confusing 404 or list the whole collection.
    """
    if "{" not in template:
        return template
    given = values or {}
    return _PATH_PARAMETER.sub(lambda match: _path_segment(match.group(1), given), template)


def _path_segment(name: str, values: Mapping[str, Any]) -> str:
    """One path parameter, escaped; even ``..`` stays a value (httpx would resolve it)."""
    value = values.get(name, UNSET)
    if value is UNSET or value is None or value == "":
        raise ValueError(f"the path parameter {name!r} needs a value, got {value!r}")
    segment = quote(str(value), safe="")
    return segment.replace(".", "%2E") if segment in (".", "..") else segment


def query_params(
    query: Mapping[str, Any] | None, extra_query: Mapping[str, Any] | None
) -> list[tuple[str, str]] | None:
    """The query string as (name, text) pairs: ``query``, then ``extra_query``.

    ``extra_query`` wins over a parameter of the same name (``None`` there drops it).
    Pairs, not a dict, so that a list keeps its repeated names: ``?tag=a&tag=b``.
    """
    if not query and not extra_query:
        return None
    extra = extra_query or {}
    pairs = [
        (name, text)
        for name, value in (query or {}).items()
        if name not in extra
        for text in param_texts(value)
    ]
    pairs.extend((name, text) for name, value in extra.items() for text in param_texts(value))
    return pairs


def param_texts(value: Any) -> list[str]:
    """A query parameter's or form field's value as the texts sent for it.

    ``UNSET`` and ``None`` give none (the parameter is left out); a list or a tuple gives
    one per item, so the parameter is repeated.
    """
    if value is UNSET or value is None:
        return []
    if is_list_or_tuple(value):
        return [_param_text(item) for item in value if item is not UNSET and item is not None]
    return [_param_text(value)]


def _param_text(value: Any) -> str:
    """One value as the API reads it: JSON's spelling of booleans, enum values, ISO dates."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, OpenEnum):
        return str(value.value)
    if isinstance(value, Mapping):
        return _json.dumps(value).decode()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _header_params(headers: Mapping[str, Any] | None) -> Mapping[str, str] | None:
    """An operation's header parameters as texts; ``UNSET`` and ``None`` left out."""
    if not headers:
        return None
    return {name: texts[0] for name, value in headers.items() if (texts := param_texts(value))}


def _check_call_headers(
    header_params: Mapping[str, str] | None, options: Mapping[str, Any]
) -> None:
    """The headers given for one call (the client's own were checked when it was made)."""
    check_headers(header_params, "headers")
    check_headers(options.get("http_headers"), "http_headers")
    check_headers(options.get("extra_headers"), "extra_headers")


def _request_form(body: Mapping[str, Any] | None, extra_body: Mapping[str, Any] | None) -> Form:
    from ._multipart import Form  # only programs that upload pay for importing it

    return Form({**(body or {}), **(extra_body or {})})


def _request_json(
    operation: Operation[Any, Any],
    body: Any,
    extra_body: Mapping[str, Any] | None,
) -> Any:
    if body is None:
        return dict(extra_body) if extra_body else None
    to_request_json = _serde().to_request_json
    model = operation.model(operation.body)
    if body.__class__ is not dict and not is_mapping(body):  # a list, or a model of a union
        return to_request_json(body, model) if model is not None else body
    fields = {name: value for name, value in body.items() if value is not UNSET}
    json = to_request_json(fields, model) if model is not None else fields
    return {**json, **extra_body} if extra_body else json


@functools.cache
def _serde() -> ModuleType:
    """:mod:`mistral_core.serde`, imported on the first call (cattrs with it), then kept.

    An import statement in a function costs about 800 ns on every call, the module
    found or not; ``from . import serde`` runs importlib's Python code besides.
    """
    return importlib.import_module(".serde", __package__)


@functools.cache
def _default_headers(json_body: bool, accept: str) -> Mapping[str, str]:
    """The headers of every call, made once per kind of call and merged per call.

    Only a JSON body gets a content type here: httpx writes a form's own (with its
    boundary), and a request without a body has none.
    """
    headers = {"user-agent": USER_AGENT, "accept": accept, "accept-encoding": ACCEPT_ENCODING}
    if json_body:
        headers["content-type"] = JSON
    return headers


def _warn_deprecated_model(model: Any, timestamp: str) -> None:
    warnings.warn(
        f"model {model!r} is deprecated and will be retired on {timestamp}; "
        "see https://docs.mistral.ai/getting-started/models/",
        DeprecationWarning,
        stacklevel=_caller_stacklevel(),
    )


_OUR_PACKAGES = ("mistral_core.", "mistral_plugin_")


def _caller_stacklevel() -> int:
    """How far up the stack the first frame outside this client is (where to warn)."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_OUR_PACKAGES):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def _observers(call: PreparedCall[Any, Any], hooks: Any) -> tuple[CallObserver, ...]:
    """The observers the ``mistral_observe_call`` plugins give this call (most have none)."""
    hook = hooks.hook.mistral_observe_call
    if not hook.get_hookimpls():
        return ()
    from .hooks import ObservedCall

    seen = ObservedCall(
        call.client, call.operation.id, call.operation.method, call.url, call.json, call.stream
    )
    return tuple(hook(call=seen))
