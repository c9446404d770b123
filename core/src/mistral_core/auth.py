"""How a request proves who sends it.

An :class:`Auth` signs each outgoing request just before it is sent (after every hook has
seen it, on every retry), so a credential that changes over time is always fresh. The
default is a bearer API key; cloud providers bring their own (an Azure key, Google
credentials that refresh themselves). A few operations name another scheme: the admin
endpoints take an admin key, the user-context ones the key in an ``x-api-key`` header.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import httpx

from ._config import text_problem
from .errors import MistralError

__all__ = [
    "ApiKey",
    "Auth",
    "BearerAuth",
    "HeaderKeyAuth",
    "InvalidCredentialsError",
    "MissingCredentialsError",
    "checked_credential",
]

ApiKey = str | Callable[[], str]
"""An API key, or a function returning the current one (called for every request)."""

API_KEY_ENV = "MISTRAL_API_KEY"
ADMIN_API_KEY_ENV = "MISTRAL_ADMIN_API_KEY"


class MissingCredentialsError(MistralError):
    """No credential was given or found; raised before anything is sent."""


class InvalidCredentialsError(MistralError, ValueError):
    """A credential has a character no header can carry; raised before anything is sent.

    The message says where the character is, never what the credential is.
    """


def checked_credential(value: str, source: str) -> str:
    """``value`` as it can be sent: white space around it dropped (a key read from a file
    keeps the file's last newline), any other control or non-ASCII character refused.

    ``source`` names where the credential came from, for the error.
    """
    if value.isascii() and value.isprintable() and value == value.strip():
        return value  # the common case, checked at C speed
    stripped = value.strip()
    problem = text_problem(stripped) if stripped else "nothing but white space"
    if problem is None:
        return stripped
    raise InvalidCredentialsError(
        f"{source} has {problem}, which no header can carry: nothing was sent "
        "(is it the whole key, and only the key?)"
    )


@runtime_checkable
class Auth(Protocol):
    """Signs a request in place. ``async_sign`` must not block the event loop."""

    def sign(self, request: httpx.Request) -> None: ...

    async def async_sign(self, request: httpx.Request) -> None: ...


class BearerAuth:
    """``Authorization: Bearer <key>``, from a string or a function returning the key.

    Without a key, the ``env`` environment variable gives it; ``argument`` names the
    ``Mistral`` argument that would have, for the error that neither did.
    """

    __slots__ = ("_api_key", "_argument", "_env", "_source")

    def __init__(
        self, api_key: ApiKey | None = None, *, env: str = API_KEY_ENV, argument: str = "api_key"
    ) -> None:
        self._api_key = api_key if api_key is not None else os.environ.get(env)
        self._env = env
        self._argument = argument
        self._source = argument if api_key is not None else env
        """Where the key comes from, for the error of a key that cannot be sent."""

    def sign(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self.current_key()}"

    async def async_sign(self, request: httpx.Request) -> None:
        self.sign(request)

    def current_key(self) -> str:
        """The key to send now (a function giving it is called each time)."""
        key = self._api_key() if callable(self._api_key) else self._api_key
        if not key:
            raise MissingCredentialsError(
                f"No API key: pass Mistral({self._argument}=...) or set the {self._env} "
                "environment variable."
            )
        return checked_credential(key, self._source)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(api_key=<hidden>)"


class HeaderKeyAuth:
    """The key of a :class:`BearerAuth`, sent bare in another header (``x-api-key``)."""

    __slots__ = ("_header", "_key")

    def __init__(self, key: BearerAuth, header: str) -> None:
        self._key = key
        self._header = header

    def sign(self, request: httpx.Request) -> None:
        request.headers[self._header] = self._key.current_key()

    async def async_sign(self, request: httpx.Request) -> None:
        self.sign(request)

    def __repr__(self) -> str:
        return f"HeaderKeyAuth(header={self._header!r}, key=<hidden>)"


def scheme_auth(default: Auth, scheme: str, admin_api_key: ApiKey | None) -> Auth:
    """What signs an operation of ``scheme`` (its ``Operation.auth``), given the client's.

    ``admin``: the admin key (``admin_api_key``, else ``MISTRAL_ADMIN_API_KEY``), else the
    client's own credential, for a client made with an admin key as its ``api_key``.
    ``x-api-key``: the client's key in that header (a custom ``Auth`` signs as it does).
    """
    if scheme == "admin":
        if admin_api_key is None and not os.environ.get(ADMIN_API_KEY_ENV):
            return default
        return BearerAuth(admin_api_key, env=ADMIN_API_KEY_ENV, argument="admin_api_key")
    if scheme == "x-api-key" and isinstance(default, BearerAuth):
        return HeaderKeyAuth(default, "x-api-key")
    return default
