"""What a client is configured with, and the checks of what the caller gives for it."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from .retry import RetryConfig

if TYPE_CHECKING:
    from . import _logging
    from .providers import Provider

__all__ = [
    "DEFAULT_SERVER",
    "SERVERS",
    "SERVER_URL_ENV",
    "ClientConfig",
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

    server_url: str
    retry_config: RetryConfig | None
    timeout_ms: int | None
    headers: Mapping[str, str]
    logger: _logging.Logger | None = attrs.field(repr=False)


def check_retry_config(retry_config: object) -> RetryConfig | None:
    """``retries=3`` would fail in the middle of a call: refuse it up front."""
    if retry_config is not None and not isinstance(retry_config, RetryConfig):
        raise TypeError(f"retries must be a RetryConfig or None, got {type(retry_config).__name__}")
    return retry_config


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
        raise ValueError(f"server_url must start with http:// or https://, got {url!r}")
    return url.rstrip("/")
