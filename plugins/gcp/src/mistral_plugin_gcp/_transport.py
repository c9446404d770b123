"""google-auth's HTTP transport made with httpx, so that refreshing needs no ``requests``.

google-auth refreshes a credential through any callable ``Request`` whose answer has a
``status``, ``headers`` and ``data``; this one sends it with a short-lived ``httpx.Client``
(a refresh happens about once an hour).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import google.auth.exceptions
import google.auth.transport
import httpx

__all__ = ["HttpxRequest"]

DEFAULT_TIMEOUT = 120.0
"""Seconds, as google-auth's own transports wait by default."""


class _Response(google.auth.transport.Response):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class HttpxRequest(google.auth.transport.Request):
    """A google-auth ``Request`` sent with httpx; failures become its ``TransportError``."""

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _Response:
        try:
            with httpx.Client(timeout=timeout or DEFAULT_TIMEOUT) as client:
                response = client.request(method, url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise google.auth.exceptions.TransportError(exc) from exc  # type: ignore[no-untyped-call]
        return _Response(response)
