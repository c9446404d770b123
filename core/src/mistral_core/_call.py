"""One API call, from the caller's arguments to a parsed result.

:class:`PreparedCall` checks the arguments before anything is sent, builds the request
for each attempt, and turns the final response into a model or an event stream.
"""

from __future__ import annotations

import functools
import importlib
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar

import attrs
import httpx

from . import _json
from ._config import check_retry_config, check_timeout_ms, server_url
from ._transport import Attempts, merge_headers
from ._version import __version__
from .errors import MistralError, ResponseValidationError
from .models import UNSET, HTTPInfo, Model, Unset
from .retry import RetryConfig

if TYPE_CHECKING:
    from ._client import Mistral
    from .hooks import RequestContext
    from .sse import AsyncEventStream, EventStream

__all__ = ["CallOptions", "Operation", "PreparedCall"]

R = TypeVar("R")
E = TypeVar("E")

USER_AGENT = f"mistral-core/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]}"
DEPRECATION_HEADER = "x-model-deprecation-timestamp"


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
    """The model the JSON body is checked against; none: sent as given."""
    returns: str = ""
    """The model of a JSON response; none: the JSON is returned as parsed."""
    events: str = ""
    """The model of one server-sent event, whose ``data`` field takes the event's JSON."""

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
    """A call whose arguments were checked; builds a fresh request for every attempt."""

    def __init__(
        self,
        client: Mistral,
        operation: Operation[R, E],
        body: Mapping[str, Any] | None,
        options: Mapping[str, Any],
        *,
        stream: bool = False,
    ) -> None:
        if options and not _OPTION_NAMES.issuperset(options):
            unknown = sorted(options.keys() - _OPTION_NAMES)
            raise TypeError(f"{operation.id}: unexpected keyword argument(s) {unknown}")
        config = client._config
        self.client = client
        self.operation = operation
        self.stream = stream
        self.json = _request_json(operation, body, options.get("extra_body"))
        self.content = _json.dumps(self.json) if self.json is not None else None
        base_url = options.get("server_url")
        base_url = server_url(None, base_url, None) if base_url else config.server_url
        self.url = base_url + operation.path
        self.params = options.get("extra_query")
        self.headers = merge_headers(
            _DEFAULT_HEADERS[self.content is not None, stream],
            config.headers,
            options.get("http_headers"),
            options.get("extra_headers"),
        )
        timeout_ms = check_timeout_ms(options.get("timeout_ms", config.timeout_ms))
        self.timeout: Any = (
            timeout_ms / 1000 if timeout_ms is not None else httpx.USE_CLIENT_DEFAULT
        )
        retries = options.get("retries", UNSET)
        self.retry_config: RetryConfig | None = (
            config.retry_config if isinstance(retries, Unset) else check_retry_config(retries)
        )
        self._attempts: Attempts | None = None

    def attempts(self, build_request: Any) -> Attempts:
        """The retry loop of this call, building each attempt with ``build_request``."""
        self._attempts = Attempts(
            lambda: build_request(
                self.operation.method,
                self.url,
                content=self.content,
                params=self.params,
                headers=self.headers,
                timeout=self.timeout,
            ),
            hooks=self.client._hooks,
            context=self._context,
            retry_config=self.retry_config,
            stream=self.stream,
            logger=self.client._config.logger,
        )
        return self._attempts

    def _context(self, attempt: int) -> RequestContext:
        from .hooks import RequestContext  # plugins are there, so pluggy is imported already

        return RequestContext(self.client, self.operation.id, self.stream, attempt)

    def report(self, error: MistralError) -> None:
        """Tell the ``mistral_after_error`` hooks about an error found after the attempts."""
        if self._attempts is not None:
            self._attempts.report(error)

    @property
    def retries(self) -> int:
        return self._attempts.retries if self._attempts is not None else 0

    def result(self, response: httpx.Response) -> R:
        """The parsed model of a successful JSON response."""
        from . import serde

        info = self._info(response)
        try:
            payload = _json.loads(response.content)
        except ValueError as exc:
            kind = response.headers.get("content-type", "no content type")
            raise self._reported(
                ResponseValidationError(
                    f"{self.operation.id}: the response is not JSON ({kind}; {exc})", info
                )
            ) from None
        returns = self.operation.model(self.operation.returns)
        if returns is None:
            return payload  # type: ignore[no-any-return]
        try:
            result: Any = serde.read(payload, returns)
        except ValueError as exc:
            message = f"{self.operation.id}: the response does not match {returns.__name__}: {exc}"
            raise self._reported(ResponseValidationError(message, info)) from None
        if isinstance(result, Model):
            result._http = info
        return result  # type: ignore[no-any-return]

    def event_stream(self, response: httpx.Response) -> EventStream[E]:
        from .sse import EventStream  # only programs that stream pay for importing it

        return EventStream(response, self._event_parser(), self._info(response), self.report)

    def async_event_stream(self, response: httpx.Response) -> AsyncEventStream[E]:
        from .sse import AsyncEventStream

        return AsyncEventStream(response, self._event_parser(), self._info(response), self.report)

    def _reported(self, error: MistralError) -> MistralError:
        self.report(error)
        return error

    def _event_parser(self) -> Callable[[Any], E]:
        """Turns an event's JSON into the operation's event model (``data`` holds the JSON)."""
        from . import serde

        events = self.operation.model(self.operation.events)
        if events is None:
            return lambda data: data
        (data_field, *others) = attrs.fields(events)
        if not others:  # the usual event model: just its data, read without a wrapping dict
            read_data = serde.reader(data_field.type)
            return lambda data: events(data=read_data(data))
        read_event = serde.reader(events)
        return lambda data: read_event({"data": data})

    def _info(self, response: httpx.Response) -> HTTPInfo:
        deprecation = response.headers.get(DEPRECATION_HEADER)
        if deprecation is not None:
            _warn_deprecated_model(self.json, deprecation)
        return HTTPInfo(response.status_code, response.headers, self.retries, response)


def _request_json(
    operation: Operation[Any, Any],
    body: Mapping[str, Any] | None,
    extra_body: Mapping[str, Any] | None,
) -> Any:
    if body is None:
        return dict(extra_body) if extra_body else None
    from . import serde

    fields = {name: value for name, value in body.items() if value is not UNSET}
    model = operation.model(operation.body)
    json = serde.to_request_json(fields, model) if model is not None else fields
    return {**json, **extra_body} if extra_body else json


def _default_headers(has_body: bool, stream: bool) -> dict[str, str]:
    headers = {
        "user-agent": USER_AGENT,
        "accept": "text/event-stream" if stream else "application/json",
    }
    if has_body:
        headers["content-type"] = "application/json"
    return headers


_DEFAULT_HEADERS = {
    (has_body, stream): _default_headers(has_body, stream)
    for has_body in (False, True)
    for stream in (False, True)
}
"""The headers of every call, by (has a body, is a stream): made once, merged per call."""


def _warn_deprecated_model(request_json: Any, timestamp: str) -> None:
    model = request_json.get("model") if isinstance(request_json, dict) else None
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
