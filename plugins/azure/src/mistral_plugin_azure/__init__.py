"""Mistral's models deployed on Azure AI: chat completions and OCR.

``MistralAzure(api_key=..., server_url=...)``, or ``Mistral(provider="azure", ...)``
through the ``mistral.providers`` entry point. Calls go to the deployment's URLs, signed
with its key, with the ``api-version`` query parameter Azure requires.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from mistral_core import BearerAuth, MissingCredentialsError, Mistral
from mistral_core.auth import ApiKey
from mistral_core.providers import CallTarget, Endpoint

__all__ = ["DEFAULT_API_VERSION", "AzureProvider", "MistralAzure"]

DEFAULT_API_VERSION = "2024-05-01-preview"
API_KEY_ENV = "AZURE_API_KEY"
ENDPOINT_ENV = "AZURE_ENDPOINT"
API_VERSION_ENV = "AZURE_API_VERSION"
API_VERSION = "api-version"

PATHS = {
    "/v1/chat/completions": "/models/chat/completions",
    "/v1/ocr": "/providers/mistral/azure/ocr",
}
"""The Mistral API's paths that Azure serves, and where Azure serves them."""


class AzureProvider:
    """Azure AI as a provider: its URLs, its key, its ``api-version``.

    :param api_key: the deployment's key (or a function returning it); defaults to
        ``AZURE_API_KEY``. Sent as ``Authorization: Bearer <key>``.
    :param server_url: the deployment's endpoint
        (``https://<resource>.services.ai.azure.com``); defaults to ``AZURE_ENDPOINT``.
        A query in it (``?api-version=...``) is kept on every call.
    :param azure_api_key: the official SDK's name of ``api_key`` (one or the other).
    :param azure_endpoint: the official SDK's name of ``server_url`` (one or the other).
    :param api_version: the ``api-version`` query parameter of every call; defaults to
        ``AZURE_API_VERSION``, then ``2024-05-01-preview``. Not added when the server URL
        already has one.

    Without an endpoint, reading :attr:`server_url` raises ``ValueError``, so that
    ``MistralAzure()`` and ``Mistral(provider="azure")`` fail when they are made rather
    than call ``api.mistral.ai``; ``Mistral(provider="azure", server_url=...)`` gives the
    endpoint to the client, which tells it to the provider with each call.
    """

    name = "azure"
    groups: frozenset[str] | None = frozenset({"chat", "ocr"})

    def __init__(
        self,
        api_key: ApiKey | None = None,
        *,
        server_url: str | None = None,
        api_version: str | None = None,
        azure_api_key: ApiKey | None = None,
        azure_endpoint: str | None = None,
    ) -> None:
        _not_both("api_key", api_key, "azure_api_key", azure_api_key)
        _not_both("server_url", server_url, "azure_endpoint", azure_endpoint)
        api_key = api_key if api_key is not None else azure_api_key
        server_url = server_url if server_url is not None else azure_endpoint
        self._api_key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        endpoint = server_url if server_url is not None else os.environ.get(ENDPOINT_ENV)
        self._server_url = endpoint.rstrip("/") if endpoint else None
        self.api_version = api_version or os.environ.get(API_VERSION_ENV) or DEFAULT_API_VERSION

    @property
    def server_url(self) -> str:
        """The deployment's endpoint, without a trailing slash."""
        if self._server_url is None:
            raise ValueError(
                "Azure needs your deployment's endpoint: pass "
                "server_url='https://<resource>.services.ai.azure.com' or set the "
                f"{ENDPOINT_ENV} environment variable"
            )
        return self._server_url

    @server_url.setter
    def server_url(self, value: str) -> None:
        self._server_url = value.rstrip("/")

    def auth(self) -> BearerAuth:
        """``Authorization: Bearer <key>``; a missing key is refused before any request."""
        return BearerAuth(self._api_key if self._api_key else _no_api_key)

    def endpoint(self, call: CallTarget) -> Endpoint:
        """Azure's URL of ``call``; ``ValueError`` for an operation Azure does not serve.

        The server URL's own query parameters are returned as parameters, not left in the
        URL: httpx replaces a URL's query when a request has parameters.
        """
        azure_path = PATHS.get(call.path)
        if azure_path is None:
            raise ValueError(
                f"Azure AI does not serve {call.path} ({call.operation_id}): only chat "
                "completions (/v1/chat/completions) and OCR (/v1/ocr)"
            )
        scheme, netloc, path, query, _ = urlsplit(call.server_url)
        base = urlunsplit((scheme, netloc, path.rstrip("/"), "", ""))
        params = dict(parse_qsl(query, keep_blank_values=True))
        params.setdefault(API_VERSION, self.api_version)
        return Endpoint(base + azure_path, params)

    def __repr__(self) -> str:
        return f"AzureProvider(server_url={self._server_url!r}, api_version={self.api_version!r})"


def _not_both(name: str, value: object, alias: str, alias_value: object) -> None:
    if value is not None and alias_value is not None:
        raise TypeError(f"pass {name}= or {alias}=, not both")


def _no_api_key() -> str:
    raise MissingCredentialsError(
        f"No Azure API key: pass api_key=... or set the {API_KEY_ENV} environment variable."
    )


class MistralAzure(Mistral):
    """A :class:`~mistral_core.Mistral` client of a deployment on Azure AI.

    The same as ``Mistral(provider="azure", api_key=..., server_url=..., api_version=...)``;
    ``azure_api_key=`` and ``azure_endpoint=`` (the official SDK's names) work too; every
    other argument (``client``, ``async_client``, ``retry_config``, ``timeout_ms``,
    ...) goes to ``Mistral``.
    """

    def __init__(
        self,
        api_key: ApiKey | None = None,
        *,
        server_url: str | None = None,
        api_version: str | None = None,
        azure_api_key: ApiKey | None = None,
        azure_endpoint: str | None = None,
        **mistral_options: Any,
    ) -> None:
        provider = AzureProvider(
            api_key,
            server_url=server_url,
            api_version=api_version,
            azure_api_key=azure_api_key,
            azure_endpoint=azure_endpoint,
        )
        super().__init__(provider=provider, **mistral_options)
