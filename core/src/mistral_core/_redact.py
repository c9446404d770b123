"""Keeping credentials out of what is shown: error messages, debug logs, reprs.

A secret is found where it was sent: the credential headers of the request (the
token of ``Authorization: Bearer <token>`` too) and the password of its URL. Any text
built from what came back (a message the server wrote, an exception from below) is
searched for those values, as they are and as Python would quote them, and each is
replaced with ``<redacted>``. A value shorter than :data:`MIN_SECRET_LENGTH`
characters is no credential anyone issues, and searching for it would mangle text.

This runs on error paths and in the debug log only: never on a call that succeeds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

import httpx

__all__ = [
    "REDACTED",
    "SECRET_HEADERS",
    "redact",
    "redact_exception_text",
    "redacted_headers",
    "redacted_url",
    "request_of",
    "secrets_of",
]

REDACTED = "<redacted>"
SECRET_HEADERS = frozenset({"authorization", "api-key", "x-api-key", "proxy-authorization"})
"""The headers that carry credentials (by lower-case name)."""
MIN_SECRET_LENGTH = 8

_BYTES_LITERAL = re.compile(r"""b(['"])(?:\\.|(?!\1).)*\1""")
"""A ``bytes`` literal, as h11 quotes a header it refuses (``Illegal header value b'...'``)."""


def secrets_of(request: httpx.Request | None) -> list[str]:
    """The credentials a request carries: its secret headers' values (and their tokens),
    and its URL's password; longest first, so that no part of one is left behind."""
    if request is None:
        return []
    found: set[str] = set()
    for name, value in request.headers.items():
        if name.lower() in SECRET_HEADERS:
            found.add(value)
            found.add(value.partition(" ")[2])  # the token of "Bearer <token>"
    password = request.url.password
    if password:
        found.add(password)
    return sorted((s for s in found if len(s) >= MIN_SECRET_LENGTH), key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (as it is, and as ``repr`` would quote it) replaced."""
    for secret in secrets:
        for form in {secret, repr(secret)[1:-1], repr(secret.encode())[2:-1]}:
            if form in text:
                text = text.replace(form, REDACTED)
    return text


def redact_exception_text(text: str, request: httpx.Request | None) -> str:
    """An exception's message with the request's secrets and any quoted header bytes
    (h11 quotes the whole header it refuses to send) replaced."""
    return _BYTES_LITERAL.sub(REDACTED, redact(text, secrets_of(request)))


def request_of(exc_or_response: httpx.RequestError | httpx.Response) -> httpx.Request | None:
    """The request an httpx exception or response belongs to, if it knows it."""
    try:
        return exc_or_response.request
    except RuntimeError:  # made without a request (by hand, in a test)
        return None


def redacted_headers(
    headers: httpx.Headers | Mapping[str, str], secrets: Iterable[str] = ()
) -> dict[str, str]:
    """Headers to show: credential headers hidden, any other value searched for secrets."""
    secrets = list(secrets)
    return {
        name: REDACTED if name.lower() in SECRET_HEADERS else redact(value, secrets)
        for name, value in headers.items()
    }


def redacted_url(url: str | httpx.URL) -> str:
    """A URL to show: the password of its user info (``https://user:pass@host``) hidden."""
    text = str(url)
    if "@" not in text:
        return text  # no user info: nothing to parse
    parts = urlsplit(text)
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    if not password:
        return text
    return urlunsplit(parts._replace(netloc=f"{user}:{REDACTED}@{host}"))
