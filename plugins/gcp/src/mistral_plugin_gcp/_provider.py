"""Vertex AI as a provider: its URLs, Google's tokens, chat and FIM only."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, TypeGuard
from urllib.parse import quote

from mistral_core import BearerAuth, Mistral
from mistral_core.providers import CallTarget, Endpoint

from ._auth import GoogleAuth, GoogleCredentials

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

    from mistral_core import Auth
    from mistral_core.auth import ApiKey

__all__ = ["DEFAULT_REGION", "SERVER_URL_ENV", "GCPProvider", "MistralGCP", "vertex_server_url"]

DEFAULT_REGION = "europe-west4"
GLOBAL_REGION = "global"
SERVER_URL_ENV = "MISTRAL_GCP_SERVER_URL"
"""The base URL to use instead of Vertex AI's regional host (a Private Service Connect
endpoint, a proxy, a local fake of Vertex AI), below an explicit ``server_url=``."""
PATHS = frozenset({"/v1/chat/completions", "/v1/fim/completions"})
"""The Mistral API operations Vertex AI serves, by their path."""
_REGION = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def vertex_server_url(region: str) -> str:
    """The Vertex AI base URL of ``region`` (``global`` has no regional host)."""
    if region == GLOBAL_REGION:
        return "https://aiplatform.googleapis.com"
    return f"https://{region}-aiplatform.googleapis.com"


def _server_url_from_env() -> str | None:
    """``MISTRAL_GCP_SERVER_URL`` when it is set and not blank, checked."""
    url = os.environ.get(SERVER_URL_ENV, "").strip()
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{SERVER_URL_ENV} must start with http:// or https://, got {url!r}")
    return url.rstrip("/")


class GCPProvider:
    """Mistral's models on Google Cloud Vertex AI.

    Nothing is looked up when it is made: the credentials (``google.auth.default()``
    unless given) are found on the first request, and refreshed before they expire.

    :param api_key: a fixed access token, as ``access_token`` (``Mistral(api_key=...)``).
    :param project_id: the Google Cloud project; by default, the credentials' one.
    :param region: where the model runs (``europe-west4``, ``us-central1``, ``global``...).
        The base URL is its Vertex AI host, or ``MISTRAL_GCP_SERVER_URL`` when that is set
        (a client's ``server_url=`` wins over both); the path always names the region.
    :param credentials: ``google.auth`` credentials to use instead of the default ones.
    :param access_token: a fixed OAuth access token: no Google auth at all (it is not
        refreshed), and ``project_id`` is then required.
    """

    name = "gcp"
    groups: frozenset[str] | None = frozenset({"chat", "fim"})

    def __init__(
        self,
        api_key: ApiKey | None = None,
        *,
        project_id: str | None = None,
        region: str = DEFAULT_REGION,
        credentials: Credentials | None = None,
        access_token: ApiKey | None = None,
    ) -> None:
        # checked for callers without a type checker too
        if not isinstance(region, str) or not _REGION.match(region):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"not a Google Cloud region: {region!r} (e.g. 'europe-west4')")
        if project_id is not None and not project_id:
            raise ValueError("project_id is empty")
        token = access_token if access_token is not None else api_key
        if token is not None and credentials is not None:
            raise TypeError("pass either credentials or an access token, not both")
        if token is not None and project_id is None:
            raise TypeError("project_id is required with a fixed access token")
        self.region = region
        self.server_url = _server_url_from_env() or vertex_server_url(region)
        self._token = token
        self._credentials = GoogleCredentials(credentials, project_id)

    @property
    def project_id(self) -> str:
        """The project (found with the credentials, when not given)."""
        return self._credentials.project_id()

    def auth(self) -> Auth:
        if self._token is not None:
            return BearerAuth(self._token)
        return GoogleAuth(self._credentials)

    def endpoint(self, call: CallTarget) -> Endpoint:
        if call.path not in PATHS:
            served = ", ".join(sorted(PATHS))
            raise ValueError(f"Vertex AI serves only {served}, not {call.path}")
        model = call.body.get("model") if _is_object(call.body) else None
        if not isinstance(model, str) or not model:
            raise ValueError(
                f"{call.operation_id}: Vertex AI needs the model in the request (model=...)"
            )
        method = "streamRawPredict" if call.stream else "rawPredict"
        return Endpoint(
            f"{call.server_url}/v1/projects/{quote(self.project_id, safe='')}"
            f"/locations/{self.region}/publishers/mistralai/models/{quote(model, safe='')}"
            f":{method}"
        )

    def __repr__(self) -> str:
        return f"GCPProvider(region={self.region!r})"


class MistralGCP(Mistral):
    """A client of Mistral's models on Vertex AI: ``Mistral(provider=GCPProvider(...))``.

    ``mistral_options`` are those of :class:`~mistral_core.Mistral` (``retry_config``,
    ``timeout_ms``, ``client``...).
    """

    def __init__(
        self,
        project_id: str | None = None,
        region: str = DEFAULT_REGION,
        credentials: Credentials | None = None,
        access_token: ApiKey | None = None,
        **mistral_options: Any,
    ) -> None:
        api_key = mistral_options.pop("api_key", None)
        provider = GCPProvider(
            api_key,
            project_id=project_id,
            region=region,
            credentials=credentials,
            access_token=access_token,
        )
        super().__init__(provider=provider, **mistral_options)


def _is_object(body: object) -> TypeGuard[dict[str, Any]]:
    """Whether a JSON body is an object (so that its fields can be read, typed)."""
    return isinstance(body, dict)


MistralGoogleCloud = MistralGCP
"""The name of the official SDK's client (``mistralai_gcp.MistralGoogleCloud``)."""
