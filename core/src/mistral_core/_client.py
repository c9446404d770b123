"""The ``Mistral`` client: configuration, connections, plugins, and resource groups.

Resource groups (``client.chat``, ``client.beta.agents``, ...) are not defined here: they
come from installed plugins and are mounted on first access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from . import _logging
from ._body import DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_RESPONSE_BYTES
from ._config import (
    SERVERS,
    ClientConfig,
    check_headers,
    check_limit,
    check_retry_config,
    check_timeout_ms,
    client_server_url,
)
from ._config import server_url as server_url_of
from ._http_clients import HTTPClients
from ._raw import RawRequests
from ._redact import redacted_url
from .auth import ApiKey, Auth, BearerAuth, scheme_auth
from .models import UNSET, Unset
from .plugins import PLUGINS_GROUP, ResourceCatalog, installed
from .retry import DEFAULT_RETRY_CONFIG, RetryConfig

if TYPE_CHECKING:
    import pluggy

    from ._groups import Groups
    from ._http_types import AsyncHTTPClient, SyncHTTPClient
    from .providers import Provider
else:
    Groups = object  # the groups' types (generated), for type checkers only

__all__ = ["SERVERS", "Mistral"]


class Mistral(RawRequests, Groups):
    """A client of the Mistral AI API.

    Arguments follow the official ``mistralai`` SDK, so moving over takes one import.
    HTTP clients are created on first use, sync and async alike, and closed by
    :meth:`close` / :meth:`aclose` or by leaving a ``with`` / ``async with`` block;
    clients you pass in are never closed here.

    :param api_key: a key, or a function returning one per request; defaults to
        ``MISTRAL_API_KEY``.
    :param server: a named server: ``"global"`` (the default), ``"eu"`` or ``"us"`` (the
        API's servers in those regions).
    :param server_url: a base URL, which wins over ``server``; ``{name}`` placeholders
        in it are filled from ``url_params``. Without either, the provider's URL, else
        ``MISTRAL_SERVER_URL``, else the ``"global"`` server.
    :param client: an ``httpx.Client`` (or an object with its ``build_request`` and
        ``send``); its own timeout applies unless ``timeout_ms`` is given.
    :param async_client: the same for async calls, an ``httpx.AsyncClient``.
    :param retry_config: how calls are retried; ``None`` disables retries (by default at
        most 2 retries of 429, 5xx and connection errors).
    :param timeout_ms: the timeout of every call, in milliseconds.
    :param debug_logger: a logger that sees every request and response (credentials
        redacted); ``MISTRAL_DEBUG=1`` gives a default one on stderr.
    :param plugins: hook implementations for this client only (see :mod:`mistral_core.hooks`).
    :param http_headers: headers sent with every call.
    :param auth: signs requests instead of the bearer ``api_key``.
    :param admin_api_key: the admin key of the ``beta.admin`` endpoints (a key, or a
        function returning one); defaults to ``MISTRAL_ADMIN_API_KEY``, then to ``api_key``.
    :param provider: a cloud serving the models, by name (``"azure"``, ``"gcp"``: the
        ``mistral.providers`` entry points) or as a :class:`~mistral_core.providers.Provider`;
        ``provider_options`` go to it (``project_id=...``, ``api_version=...``). It sets the
        server URL, the auth and the groups served, unless given here.
    :param max_response_bytes: the most a response body read whole (a JSON answer, a
        download's ``read()``) may hold once decoded; more raises
        :class:`~mistral_core.ResponseTooLargeError` (100 MiB by default).
    :param max_event_bytes: the most one event of a stream may hold (16 MiB by default).
    """

    def __init__(
        self,
        api_key: ApiKey | None = None,
        *,
        server: str | None = None,
        server_url: str | None = None,
        url_params: Mapping[str, str] | None = None,
        client: SyncHTTPClient | None = None,
        async_client: AsyncHTTPClient | None = None,
        retry_config: RetryConfig | Unset | None = UNSET,
        timeout_ms: int | None = None,
        debug_logger: _logging.Logger | None = None,
        plugins: Iterable[object] = (),
        http_headers: Mapping[str, str] | None = None,
        auth: Auth | None = None,
        admin_api_key: ApiKey | None = None,
        provider: str | Provider | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        **provider_options: Any,
    ) -> None:
        self._provider = _provider(provider, api_key, provider_options, type(self))
        check_headers(http_headers, "http_headers")
        self._config = ClientConfig(
            server_url=client_server_url(server, server_url, url_params, self._provider),
            retry_config=(
                DEFAULT_RETRY_CONFIG
                if isinstance(retry_config, Unset)
                else check_retry_config(retry_config)
            ),
            timeout_ms=check_timeout_ms(timeout_ms),
            headers=dict(http_headers or {}),
            logger=debug_logger if debug_logger is not None else _logging.default_logger(),
            max_response_bytes=check_limit("max_response_bytes", max_response_bytes),
            max_event_bytes=check_limit("max_event_bytes", max_event_bytes),
        )
        if auth is None:
            auth = self._provider.auth() if self._provider is not None else BearerAuth(api_key)
        self._auth: Auth = auth
        self._admin_api_key = admin_api_key
        self._scheme_auths: dict[str, Auth] = {}
        self._http = HTTPClients(client, async_client)
        self._hooks = _plugin_manager(plugins)
        self._catalog = ResourceCatalog(self._hooks, self._provider)
        if self._hooks is not None:
            self._hooks.hook.mistral_client_init(client=self)

    @property
    def server_url(self) -> str:
        return self._config.server_url

    @property
    def plugin_manager(self) -> pluggy.PluginManager | None:
        """This client's pluggy manager (shared with its ``with_options`` copies).

        ``None`` when no plugin was given or installed: then no hook runs, and pluggy is
        not even imported.
        """
        return self._hooks

    def with_options(
        self,
        *,
        server_url: str | None = None,
        retry_config: RetryConfig | Unset | None = UNSET,
        timeout_ms: int | Unset | None = UNSET,
        http_headers: Mapping[str, str] | None = None,
        max_response_bytes: int | None = None,
        max_event_bytes: int | None = None,
    ) -> Mistral:
        """A copy with other defaults that shares this client's connections and plugins.

        ``http_headers`` are added to this client's headers.
        """
        check_headers(http_headers, "http_headers")
        changes: dict[str, Any] = {"headers": {**self._config.headers, **(http_headers or {})}}
        if server_url is not None:
            changes["server_url"] = server_url_of(None, server_url, None)
        if not isinstance(retry_config, Unset):
            changes["retry_config"] = check_retry_config(retry_config)
        if not isinstance(timeout_ms, Unset):
            changes["timeout_ms"] = check_timeout_ms(timeout_ms)
        if max_response_bytes is not None:
            changes["max_response_bytes"] = check_limit("max_response_bytes", max_response_bytes)
        if max_event_bytes is not None:
            changes["max_event_bytes"] = check_limit("max_event_bytes", max_event_bytes)
        copy = object.__new__(Mistral)
        copy._config = attrs.evolve(self._config, **changes)
        copy._auth = self._auth
        copy._admin_api_key = self._admin_api_key
        copy._scheme_auths = self._scheme_auths
        copy._http = self._http
        copy._hooks = self._hooks
        copy._catalog = self._catalog
        copy._provider = self._provider
        return copy

    def _auth_for(self, scheme: str) -> Auth:
        """What signs an operation whose ``auth`` is ``scheme`` (empty: the client's own)."""
        if not scheme:
            return self._auth
        auth = self._scheme_auths.get(scheme)
        if auth is None:
            auth = self._scheme_auths[scheme] = scheme_auth(self._auth, scheme, self._admin_api_key)
        return auth

    def close(self) -> None:
        """Close the HTTP clients this client created (sync and async)."""
        self._http.close()

    async def aclose(self) -> None:
        """Close the HTTP clients this client created (sync and async)."""
        await self._http.aclose()

    def __enter__(self) -> Mistral:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    async def __aenter__(self) -> Mistral:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    if not TYPE_CHECKING:  # so that a misspelt group is an error for type checkers

        def __getattr__(self, name: str) -> Any:
            """Mount the resource group ``name`` from its plugin, on first access."""
            if name.startswith("_"):
                raise AttributeError(name)
            resource = self._mount(name)
            self.__dict__[name] = resource
            return resource

    def __dir__(self) -> list[str]:
        """The attributes, and the groups this client can mount (none is imported)."""
        return sorted({*super().__dir__(), *self._catalog.children("")})

    def _mount(self, path: str) -> Any:
        """The resource group at ``path``, or a namespace when only groups below it exist."""
        resource_class = self._catalog.resolve(path)
        if resource_class is not None:
            resource = resource_class(self)
            resource._path = path  # so that it mounts the groups below it (``.documents``)
            return resource
        if self._catalog.is_namespace(path):
            return ResourceNamespace(self, path)
        raise self._catalog.missing(path)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(server_url={redacted_url(self._config.server_url)!r})"


class ResourceNamespace:
    """A level of nested resource groups, such as ``client.beta``."""

    def __init__(self, client: Mistral, path: str) -> None:
        self._client = client
        self._path = path

    if not TYPE_CHECKING:  # so that a misspelt group is an error for type checkers

        def __getattr__(self, name: str) -> Any:
            return mount_below(self, name)

    def __dir__(self) -> list[str]:
        """The attributes, and the groups below this level (none is imported)."""
        return sorted({*super().__dir__(), *self._client._catalog.children(self._path)})

    def __repr__(self) -> str:
        return f"<resource namespace client.{self._path}>"


def _provider(
    provider: str | Provider | None,
    api_key: ApiKey | None,
    options: Mapping[str, Any],
    cls: type[Mistral],
) -> Provider | None:
    if options and not isinstance(provider, str):
        # no provider to take them (or one made already): typos of the client's arguments
        from ._arguments import parameter_names, unexpected_keywords

        inits = [klass.__init__ for klass in cls.__mro__ if issubclass(klass, Mistral)]
        known = [name for init in inits for name in parameter_names(init)]
        raise unexpected_keywords(f"{cls.__name__}()", options, known)
    if provider is not None:
        from .providers import load_provider  # only programs on a cloud pay for it

        return load_provider(provider, api_key, options)
    return None


def _plugin_manager(plugins: Iterable[object]) -> pluggy.PluginManager | None:
    """A manager with the given and the installed hook plugins; none when there are none."""
    plugins = list(plugins)
    if not plugins and not installed(PLUGINS_GROUP):
        return None
    from .hooks import make_plugin_manager

    return make_plugin_manager(plugins)


def mount_below(parent: Any, name: str) -> Any:
    """Mount the group ``name`` below ``parent`` (a namespace or a group), once."""
    if name.startswith("_"):
        raise AttributeError(name)
    resource = parent._client._mount(f"{parent._path}.{name}")
    parent.__dict__[name] = resource
    return resource
