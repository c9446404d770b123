"""How a request proves who sends it.

An :class:`Auth` signs each outgoing request just before it is sent (after every hook has
seen it, on every retry), so a credential that changes over time is always fresh. The
default is a bearer API key; cloud providers bring their own (an Azure key, Google
credentials that refresh themselves).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import httpx

from .errors import MistralError

__all__ = ["ApiKey", "Auth", "BearerAuth", "MissingCredentialsError"]

ApiKey = str | Callable[[], str]
"""An API key, or a function returning the current one (called for every request)."""

API_KEY_ENV = "MISTRAL_API_KEY"


class MissingCredentialsError(MistralError):
    """No credential was given or found; raised before anything is sent."""


@runtime_checkable
class Auth(Protocol):
    """Signs a request in place. ``async_sign`` must not block the event loop."""

    def sign(self, request: httpx.Request) -> None: ...

    async def async_sign(self, request: httpx.Request) -> None: ...


class BearerAuth:
    """``Authorization: Bearer <key>``, from a string or a function returning the key."""

    __slots__ = ("_api_key",)

    def __init__(self, api_key: ApiKey | None = None) -> None:
        self._api_key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)

    def sign(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self._current_key()}"

    async def async_sign(self, request: httpx.Request) -> None:
        self.sign(request)

    def _current_key(self) -> str:
        key = self._api_key() if callable(self._api_key) else self._api_key
        if not key:
            raise MissingCredentialsError(
                f"No API key: pass Mistral(api_key=...) or set the {API_KEY_ENV} "
                "environment variable."
            )
        return key

    def __repr__(self) -> str:
        return "BearerAuth(api_key=<hidden>)"
