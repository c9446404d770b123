"""One hierarchy for everything that can go wrong in a call.

``MistralError`` is the root. ``APIError`` means the server answered with an error (or
an error event in a stream) and carries the status, the server's message, the body, the
headers and the request id. ``APIConnectionError`` means no usable answer came at all.
Messages never contain a credential: they are built from the response, never the
request, and whatever the server (or a library below) wrote is searched for the
request's credentials, which are redacted (see ``_redact``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

import httpx

from ._guards import is_array, is_object
from ._redact import redact, redact_exception_text, request_of, secrets_of

if TYPE_CHECKING:
    from .models import HTTPInfo

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "FieldError",
    "HTTPValidationError",
    "InternalServerError",
    "MistralError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "SDKError",
    "StreamError",
    "ValidationErrorData",
    "WaitTimeoutError",
    "connection_error",
    "error_from_response",
]

_BODY_PREVIEW = 500


class MistralError(Exception):
    """Base of every error this client raises."""

    partial_response: Any = None
    """What a completion stream had put together when this error ended it: a response of
    the type ``complete`` returns, each choice the stream did not finish with
    ``finish_reason`` ``"incomplete"``, so that nothing received is lost. ``None`` for
    every other error."""


class APIError(MistralError):
    """The server answered with an error status (or sent an error event in a stream)."""

    def __init__(self, message: str, response: httpx.Response, body: Any = None) -> None:
        secrets = secrets_of(request_of(response))  # a server may echo a key back
        self.message = redact(message, secrets)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body
        """The parsed JSON body, or its text when it is not JSON (as the server sent it:
        not redacted)."""
        super().__init__(redact(self._summary(), secrets))

    @property
    def request_id(self) -> str | None:
        """The server's ``x-request-id``: quote it when you report a problem."""
        request_id: str | None = self.headers.get("x-request-id")
        return request_id

    @property
    def raw_response(self) -> httpx.Response:
        """The official SDK's name of :attr:`response`."""
        return self.response

    def _summary(self) -> str:
        summary = f"{self.status_code} {self.message}"
        if self.request_id:
            summary += f" (request id: {self.request_id})"
        return summary

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r})"


SDKError = APIError
"""The name users of the official ``mistralai`` SDK catch."""


class BadRequestError(APIError):
    """400: the request is malformed."""


class AuthenticationError(APIError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIError):
    """403: the key may not use this model or endpoint."""


class NotFoundError(APIError):
    """404: no such model, file or endpoint."""


class ConflictError(APIError):
    """409: the resource is not in a state that allows this."""


class HTTPValidationError(APIError):
    """422: the server rejected the request's fields; :attr:`detail` says which."""

    @property
    def detail(self) -> list[Any]:
        """The server's validation errors, parsed (``loc``, ``msg``, ``type`` each).

        Found at the top of the body (``{"detail": [...]}``) or inside its message
        (``{"object": "error", "message": {"detail": [...]}}``), as the API sends both.
        """
        return _validation_details(self.body) or []

    @property
    def data(self) -> ValidationErrorData:
        """The official SDK's shape of :attr:`detail`: ``error.data.detail``."""
        return ValidationErrorData(self.detail)


class ValidationErrorData(NamedTuple):
    """What the official SDK's ``HTTPValidationError.data`` holds."""

    detail: list[Any]
    """The server's validation errors (see :attr:`HTTPValidationError.detail`)."""


class RateLimitError(APIError):
    """429: too many requests or tokens; retried by default, honouring ``Retry-After``."""


class InternalServerError(APIError):
    """5xx: the server failed; retried by default for 500, 502, 503 and 504."""


class StreamError(APIError):
    """The server reported an error inside a stream that had started fine.

    ``status_code`` is the stream's own (usually 200); the server's error code, if it
    sent one, is in :attr:`code`.
    """

    @property
    def code(self) -> Any:
        return self.body.get("code") if is_object(self.body) else None

    def _summary(self) -> str:
        summary = f"error in the stream: {self.message}"
        if self.code is not None:
            summary += f" (code {self.code})"
        if self.request_id:
            summary += f" (request id: {self.request_id})"
        return summary


class FieldError(MistralError, TypeError):
    """An argument does not fit the API's schema; raised before anything is sent.

    The message names each offending field by its path, e.g. ``messages[0].content``.
    """


class APIConnectionError(MistralError):
    """No answer came: the connection failed, broke, or the stream was cut."""


class APITimeoutError(APIConnectionError):
    """The server did not answer within the timeout."""


class WaitTimeoutError(MistralError, TimeoutError):
    """A wait for a job, an execution or a document ended before it finished.

    Its ``timeout`` passed, or its ``max_attempts`` reads were made. Nothing was lost:
    :attr:`last` is the last object read (:attr:`status`, its status), and waiting again
    on its id goes on. ``except TimeoutError``, which the official SDK raises, catches it.
    """

    def __init__(self, message: str, last: Any, status: Any) -> None:
        super().__init__(message)
        self.last = last
        self.status = status


class ResponseValidationError(MistralError):
    """The server answered with success, but with a body this client cannot read."""

    def __init__(self, message: str, info: HTTPInfo | None = None) -> None:
        self.info = info
        request = request_of(info.raw) if info is not None else None
        super().__init__(redact(message, secrets_of(request)))


class ResponseTooLargeError(ResponseValidationError):
    """A body, or one event of a stream, is larger than the client's limit for it.

    The connection is closed without reading the rest. ``limit`` is the limit that was
    reached (``max_response_bytes`` or ``max_event_bytes``, in decoded bytes).
    """

    def __init__(self, message: str, info: HTTPInfo | None = None, *, limit: int) -> None:
        self.limit = limit
        super().__init__(message, info)


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: HTTPValidationError,
    429: RateLimitError,
}


def error_from_response(response: httpx.Response) -> APIError:
    """The typed error for an error response whose body has been read (any status but
    2xx: a redirect is one too, since the API never redirects and none is followed)."""
    body = parse_error_body(response.content)
    if response.is_redirect:
        return APIError(_redirect_message(response), response, body)
    error_class = _BY_STATUS.get(response.status_code) or (
        InternalServerError if response.status_code >= 500 else APIError
    )
    return error_class(server_message(body, response.reason_phrase), response, body)


def _redirect_message(response: httpx.Response) -> str:
    """Where a redirect pointed (scheme, host and path: no query, which may hold a token)."""
    location = response.headers.get("location", "")
    try:
        target = response.url.join(location).copy_with(
            query=None, fragment=None, username=None, password=None
        )
    except (httpx.InvalidURL, ValueError, RuntimeError):  # RuntimeError: no request
        target = None
    where = f" to {_preview(str(target))}" if target else ""
    return (
        f"{response.reason_phrase or 'redirect'}{where}, not followed: the API does not "
        "redirect, so a proxy or a wrong server_url did; set server_url to the final address"
    )


def connection_error(exc: httpx.RequestError, during: str = "") -> APIConnectionError:
    """Our error for an httpx failure to get a response (the original stays as ``__cause__``).

    That includes a body that cannot be decoded (``httpx.DecodingError``): what arrived
    is not the response the server sent.
    """
    detail = redact_exception_text(str(exc), request_of(exc)) or type(exc).__name__
    where = f" {during}" if during else ""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"timed out{where}: {detail}")
    return APIConnectionError(f"connection failed{where}: {detail}")


def parse_error_body(content: bytes) -> Any:
    """The JSON of an error body; its text when it is not JSON (or cut short)."""
    text = content.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read
        return text


def _validation_details(body: Any) -> list[Any] | None:
    if not is_object(body):
        return None
    for container in (body, body.get("message")):
        detail = container.get("detail") if is_object(container) else None
        if is_array(detail):
            return detail
    return None


def _describe_details(details: list[Any]) -> str:
    """``messages.0.content: Field required; ...`` from FastAPI-style validation errors."""
    problems: list[str] = []
    for item in details:
        if is_object(item):
            location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
            problems.append(f"{location}: {item.get('msg', item)}" if location else str(item))
        else:
            problems.append(str(item))
    return _preview("; ".join(problems))


def server_message(body: Any, fallback: str) -> str:
    """The most useful human message in an error body, whatever shape the server used."""
    details = _validation_details(body)
    if details:
        return _describe_details(details)
    if is_object(body):
        for key in ("message", "detail", "error"):
            value = body.get(key)
            if is_object(value):
                value = value.get("message", value)
            if value:
                return _preview(value) if isinstance(value, str) else _one_line(value)
        return _one_line(body)
    if isinstance(body, str) and body.strip():
        return _preview(body.strip())
    return fallback or "(empty body)"


def _one_line(value: Any) -> str:
    try:
        return _preview(json.dumps(value, ensure_ascii=False))
    except RecursionError:  # read, but too deep to write again
        return "(a JSON value nested too deeply to show)"


def _preview(text: str) -> str:
    return text if len(text) <= _BODY_PREVIEW else text[:_BODY_PREVIEW] + "…"
