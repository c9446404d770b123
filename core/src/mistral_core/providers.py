"""Cloud providers: Mistral's models served by another cloud, at its URLs, with its keys.

A provider changes three things and nothing else: where each call goes
(:meth:`Provider.endpoint`), how requests are signed (:meth:`Provider.auth`) and which
resource groups it serves (:attr:`Provider.groups`). Everything else (retries, streams,
errors, hooks) works as with the Mistral API. A distribution makes its provider
``Mistral(provider="name", ...)`` with an entry point in the ``mistral.providers`` group
whose value is a factory taking ``api_key`` and the provider's own keyword arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from .plugins import PROVIDERS_GROUP, installed

if TYPE_CHECKING:
    from .auth import ApiKey, Auth

__all__ = ["CallTarget", "Endpoint", "Provider", "load_provider"]

KNOWN_PROVIDERS = {"azure": "mistral-plugin-azure", "gcp": "mistral-plugin-gcp"}


@attrs.frozen
class CallTarget:
    """What a provider knows of a call when it says where the call goes."""

    operation_id: str
    path: str
    """The operation's path on the Mistral API, its parameters filled (``/v1/chat/completions``)."""
    body: Any
    """The JSON body as it will be sent, ``None`` without one."""
    stream: bool
    """Whether the answer is read as it arrives (an event stream)."""
    server_url: str
    """The client's server URL, or the one given to this call."""


@attrs.frozen
class Endpoint:
    """Where a call goes: the full URL, and query parameters to add to the call's own."""

    url: str
    params: Mapping[str, str] = attrs.field(factory=dict[str, str])


@runtime_checkable
class Provider(Protocol):
    """A cloud serving Mistral's models (see ``docs/providers.md`` for the guide)."""

    # Read-only properties, so that a class attribute of a narrower type (``groups =
    # frozenset({"chat"})``) is a match for type checkers.
    @property
    def name(self) -> str:
        """Short and lower case, as in ``Mistral(provider="gcp")``."""
        ...

    @property
    def groups(self) -> frozenset[str] | None:
        """The resource groups the cloud serves (``{"chat", "fim"}``); ``None``: all of them."""
        ...

    @property
    def server_url(self) -> str:
        """The base URL (``client.server_url``), unless ``Mistral(server_url=...)`` is given.

        The client reads it when it is made: a provider that cannot have one yet (no
        endpoint configured) should raise here, so that no call goes astray.
        """
        ...

    def auth(self) -> Auth:
        """How requests are signed (an API key, a token that refreshes itself...)."""
        ...

    def endpoint(self, call: CallTarget) -> Endpoint:
        """Where ``call`` goes; raises ``ValueError`` for a call the cloud does not serve."""
        ...


def load_provider(
    provider: str | Provider, api_key: ApiKey | None, options: Mapping[str, Any]
) -> Provider:
    """The provider named ``provider`` (from its entry point), made with ``options``."""
    if not isinstance(provider, str):
        if options:
            raise TypeError(f"unexpected keyword arguments {sorted(options)}")
        return provider
    entry_point = installed(PROVIDERS_GROUP).get(provider)
    if entry_point is None:
        package = KNOWN_PROVIDERS.get(provider)
        hint = f": pip install {package}" if package else ""
        raise ValueError(f"no provider {provider!r} is installed{hint}")
    made: Provider = entry_point.load()(api_key=api_key, **options)
    return made
