"""Debug logging of the HTTP exchange, with credentials redacted.

Credential headers are hidden, so is a password in the URL, and whatever the server
sends back (headers, body) is searched for the request's credentials (see ``_redact``).

Enabled by ``Mistral(debug_logger=logger)`` or, for a quick look, ``MISTRAL_DEBUG=1``.
Nothing here runs when no logger is set.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    import logging

from ._redact import redact, redacted_headers, redacted_url, request_of, secrets_of

__all__ = ["Logger", "default_logger", "log_request", "log_response"]

if TYPE_CHECKING:
    Logger = logging.Logger | logging.LoggerAdapter[logging.Logger]

DEBUG_ENV = "MISTRAL_DEBUG"
_BODY_LIMIT = 2_000
_SECRET_ROOM = 512
"""Read past the limit, so that a secret that straddles it is found whole."""


def default_logger() -> logging.Logger | None:
    """A stderr logger at DEBUG level when ``MISTRAL_DEBUG`` is set to a true value."""
    if os.environ.get(DEBUG_ENV, "").lower() not in ("1", "true", "yes", "on"):
        return None
    import logging

    logger = logging.getLogger("mistral_core")
    if not logger.handlers:
        logger.addHandler(logging.StreamHandler())
    logger.setLevel(logging.DEBUG)
    return logger


def log_request(logger: Logger, request: httpx.Request) -> None:
    try:
        body = _preview(request.content)
    except httpx.RequestNotRead:
        body = "<streamed upload>"
    logger.debug(
        "Request: %s %s\nHeaders: %s\nBody: %s",
        request.method,
        redacted_url(request.url),
        redacted_headers(request.headers),
        body,
    )


def log_response(logger: Logger, response: httpx.Response, seconds: float) -> None:
    """The response, with any credential of the request that it echoes redacted."""
    secrets = secrets_of(request_of(response))
    try:
        body = _preview(response.content, secrets)
    except httpx.ResponseNotRead:
        body = "<stream>"
    logger.debug(
        "Response: %s %s (%.0f ms)\nHeaders: %s\nBody: %s",
        response.status_code,
        response.reason_phrase,
        seconds * 1000,
        redacted_headers(response.headers, secrets),
        body,
    )


def _preview(content: bytes, secrets: list[str] | None = None) -> str:
    """The start of a body; secrets are redacted before it is cut, so none is cut in two."""
    text = content[: _BODY_LIMIT + _SECRET_ROOM].decode("utf-8", errors="replace")
    if secrets:
        text = redact(text, secrets)
    return text[:_BODY_LIMIT] + ("…" if len(text) > _BODY_LIMIT else "")
