"""Debug logging of the HTTP exchange, with credentials redacted.

Enabled by ``Mistral(debug_logger=logger)`` or, for a quick look, ``MISTRAL_DEBUG=1``.
Nothing here runs when no logger is set.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    import logging

__all__ = ["Logger", "default_logger", "log_request", "log_response", "redacted_headers"]

if TYPE_CHECKING:
    Logger = logging.Logger | logging.LoggerAdapter[logging.Logger]

DEBUG_ENV = "MISTRAL_DEBUG"
SECRET_HEADERS = frozenset({"authorization", "api-key", "x-api-key", "proxy-authorization"})
_BODY_LIMIT = 2_000


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


def redacted_headers(headers: httpx.Headers) -> dict[str, str]:
    return {
        name: "<redacted>" if name.lower() in SECRET_HEADERS else value
        for name, value in headers.items()
    }


def log_request(logger: Logger, request: httpx.Request) -> None:
    try:
        body = _preview(request.content)
    except httpx.RequestNotRead:
        body = "<streamed upload>"
    logger.debug(
        "Request: %s %s\nHeaders: %s\nBody: %s",
        request.method,
        request.url,
        redacted_headers(request.headers),
        body,
    )


def log_response(logger: Logger, response: httpx.Response, seconds: float) -> None:
    try:
        body = _preview(response.content)
    except httpx.ResponseNotRead:
        body = "<stream>"
    logger.debug(
        "Response: %s %s (%.0f ms)\nHeaders: %s\nBody: %s",
        response.status_code,
        response.reason_phrase,
        seconds * 1000,
        redacted_headers(response.headers),
        body,
    )


def _preview(content: bytes) -> str:
    text = content[:_BODY_LIMIT].decode("utf-8", errors="replace")
    return text + ("…" if len(content) > _BODY_LIMIT else "")
