"""Mistral's models on Google Cloud Vertex AI, for mistral-core.

``Mistral(provider="gcp", project_id=..., region=...)`` or :class:`MistralGCP` serve
``client.chat`` and ``client.fim``, at Vertex AI's URLs, signed with Google credentials
that refresh themselves.
"""

from ._auth import GoogleAuth, GoogleCredentials
from ._provider import (
    DEFAULT_REGION,
    SERVER_URL_ENV,
    GCPProvider,
    MistralGCP,
    MistralGoogleCloud,
)

__all__ = [
    "DEFAULT_REGION",
    "SERVER_URL_ENV",
    "GCPProvider",
    "GoogleAuth",
    "GoogleCredentials",
    "MistralGCP",
    "MistralGoogleCloud",
]
