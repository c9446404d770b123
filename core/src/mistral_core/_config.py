"""What a client is configured with, and the checks of what the caller gives for it."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs
import httpx

from ._body import DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_RESPONSE_BYTES
from ._redact import redacted_headers, redacted_url
from .errors import FieldError
from .retry import RetryConfig

if TYPE_CHECKING:
    from . import _logging
    from .providers import Provider

__all__ = [
    "DEFAULT_SERVER",
    "SERVERS",
    "SERVER_URL_ENV",
    "ClientConfig",
    "check_headers",
    "check_limit",
    "check_retry_config",
    "check_timeout_ms",
    "client_server_url",
    "server_url",
]

SERVERS: Mapping[str, str] = {
    "global": "https://api.mistral.ai",
    "eu": "https://api.eu.mistral.ai",
    "us": "https://api.us.mistral.ai",
}
"""The named servers of the API, as the official SDK names them: ``eu`` and ``us`` keep
the data in that region (data residency), ``global`` is the default."""
DEFAULT_SERVER = "global"
SERVER_URL_ENV = "MISTRAL_SERVER_URL"
"""The default base URL of a client (a proxy, a gateway, a local fake API)."""


@attrs.frozen
class ClientConfig:
    """The defaults of every call made through one client (see ``Mistral.with_options``)."""

    server_url: str = attrs.field(repr=lambda url: repr(redacted_url(url)))
    retry_config: RetryConfig | None
    timeout_ms: int | None
    headers: Mapping[str, str] = attrs.field(repr=lambda headers: repr(redacted_headers(headers)))
    logger: _logging.Logger | None = attrs.field(repr=False)
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    """The most a body read whole may hold, decoded (see ``_body``)."""
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    """The most one server-sent event, or one unfinished line of a stream, may hold."""


def check_retry_config(retry_config: object) -> RetryConfig | None:
    """``retries=3`` would fail in the middle of a call: refuse it up front."""
    if retry_config is not None and not isinstance(retry_config, RetryConfig):
        raise TypeError(f"retries must be a RetryConfig or None, got {type(retry_config).__name__}")
    return retry_config


def check_limit(name: str, value: object) -> int:
    """A size limit is a positive number of bytes (``True`` is not one)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int (bytes), got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""What a header name may be made of (RFC 9110's ``token``)."""


def check_headers(headers: Mapping[str, object] | None, argument: str) -> None:
    """Headers are sent as given, so each must be one valid header line.

    A line break in a value would write another header (or start the body) and httpx
    encodes values as ASCII: both are refused with a :class:`FieldError` before anything
    is sent. The error names the header, never its value, which may be a credential.
    """
    for name, value in (headers or {}).items():
        problem = _header_problem(name, value)
        if problem is not None:
            raise FieldError(f"{argument}[{name!r}]: {problem}; nothing was sent")


def _header_problem(name: object, value: object) -> str | None:
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        return "not a header name (letters, digits and !#$%&'*+-.^_`|~ only)"
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return f"a header value must be a str, got {type(value).__name__}"
    if value.isascii() and value.isprintable():
        return None  # the common case, checked at C speed
    problem = text_problem(value)
    return f"its value has {problem}: headers carry printable ASCII only" if problem else None


def text_problem(text: str) -> str | None:
    """The first character of ``text`` no header can carry, described without quoting
    ``text`` (it may be a credential); ``None`` when there is none."""
    for position, char in enumerate(text):
        if char in "\r\n":
            return f"a line break at position {position}"
        if not char.isascii():
            return f"a non-ASCII character at position {position}"
        if char != "\t" and not char.isprintable():
            return f"a control character at position {position}"
    return None


def check_timeout_ms(timeout_ms: int | None) -> int | None:
    """A timeout must be positive: ``0`` would fail every call, without saying why."""
    if timeout_ms is not None and timeout_ms <= 0:
        raise ValueError(f"timeout_ms must be positive, got {timeout_ms}")
    return timeout_ms


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def client_server_url(
    server: str | None,
    server_url: str | None,
    url_params: Mapping[str, str] | None,
    provider: Provider | None = None,
) -> str:
    """The base URL of a new client, the first given of: ``server_url=``, ``server=``,
    the provider's URL, ``MISTRAL_SERVER_URL``, the ``global`` server.

    A provider's URL wins over the variable: ``MISTRAL_SERVER_URL`` says where the
    Mistral API is, and a client of Azure or Vertex AI sent there would fail, or leak
    the cloud's credentials to another host.
    """
    if server_url is None and server is None:
        if provider is not None:
            server_url = provider.server_url
        elif from_env := os.environ.get(SERVER_URL_ENV, "").strip():
            try:
                return _checked_url(from_env, url_params)
            except ValueError as exc:
                raise ValueError(f"{SERVER_URL_ENV}: {exc}") from None
    if server_url is None:
        server_url = _named_server(server or DEFAULT_SERVER)
    return _checked_url(server_url, url_params)


def server_url(
    server: str | None, server_url: str | None, url_params: Mapping[str, str] | None
) -> str:
    """The base URL from a server name or a URL template, checked."""
    if server_url is None:
        server_url = _named_server(server or DEFAULT_SERVER)
    return _checked_url(server_url, url_params)


def _named_server(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"server must be a name (one of {', '.join(SERVERS)}), got {name!r}")
    url = SERVERS.get(name)
    if url is None:
        from ._arguments import closest

        close = closest(name.strip().lower(), SERVERS)
        hint = f"; did you mean {close!r}?" if close else ""
        raise ValueError(
            f"unknown server {name!r}{hint} (known servers: {', '.join(SERVERS)}; "
            "server_url=... for any other)"
        )
    return url


def _checked_url(server_url: object, url_params: Mapping[str, str] | None) -> str:
    if not isinstance(server_url, str):
        raise TypeError(f"server_url must be a str, got {type(server_url).__name__}")
    params = url_params or {}
    missing = [name for name in _PLACEHOLDER.findall(server_url) if name not in params]
    if missing:
        raise ValueError(f"server_url needs url_params for {missing}")
    url = _PLACEHOLDER.sub(lambda match: str(params[match.group(1)]), server_url)
    if not url.startswith(("http://", "https://")):
        shown = redacted_url(url)
        raise ValueError(f"server_url must start with http:// or https://, got {shown!r}")
    try:
        httpx.URL(url)  # a line break or a space in it would fail every call, later
    except httpx.InvalidURL as exc:
        raise ValueError(f"server_url is not a URL: {exc}") from None
    return url.rstrip("/")
