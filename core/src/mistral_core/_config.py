"""What a client is configured with, and the checks of what the caller gives for it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from .retry import RetryConfig

if TYPE_CHECKING:
    from . import _logging

__all__ = ["SERVERS", "ClientConfig", "check_retry_config", "check_timeout_ms", "server_url"]

SERVERS: Mapping[str, str] = {"eu": "https://api.mistral.ai"}
"""The named servers of the API."""
DEFAULT_SERVER = "eu"


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


def server_url(
    server: str | None, server_url: str | None, url_params: Mapping[str, str] | None
) -> str:
    """The base URL from a server name or a URL template, checked."""
    if server_url is None:
        name = server or DEFAULT_SERVER
        if name not in SERVERS:
            raise ValueError(f"unknown server {name!r}; known servers: {', '.join(SERVERS)}")
        server_url = SERVERS[name]
    params = url_params or {}
    missing = [name for name in _PLACEHOLDER.findall(server_url) if name not in params]
    if missing:
        raise ValueError(f"server_url needs url_params for {missing}")
    url = _PLACEHOLDER.sub(lambda match: str(params[match.group(1)]), server_url)
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"server_url must start with http:// or https://, got {url!r}")
    return url.rstrip("/")
