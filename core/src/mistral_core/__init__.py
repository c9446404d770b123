"""A small, fast, plugin-based client for the Mistral AI API.

``Mistral`` is the client; resource groups such as ``client.chat`` come from installed
plugins (``pip install mistral-plugin-chat``) and are imported on first use, and so is
the streaming and upload machinery (``EventStream``, ``File``): a program pays only for
what it uses.
"""

from typing import TYPE_CHECKING, Any

from ._call import CallOptions, DownloadResponse, Operation
from ._client import SERVERS, Mistral
from ._version import __version__
from .auth import Auth, BearerAuth, InvalidCredentialsError, MissingCredentialsError
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FieldError,
    HTTPValidationError,
    InternalServerError,
    MistralError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    SDKError,
    StreamError,
    WaitTimeoutError,
)
from .models import UNSET, HTTPInfo, Model, OpenEnum, Tagged, UnknownVariant, Unset
from .plugins import MissingResourceError
from .resource import Resource
from .retry import BackoffStrategy, RetryConfig

if TYPE_CHECKING:
    from ._multipart import File
    from .hooks import RequestContext, hookimpl
    from .pagination import AsyncPage, Page, Pagination
    from .sse import AsyncEventStream, EventStream

__all__ = [
    "SERVERS",
    "UNSET",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncEventStream",
    "AsyncPage",
    "Auth",
    "AuthenticationError",
    "BackoffStrategy",
    "BadRequestError",
    "BearerAuth",
    "CallOptions",
    "ConflictError",
    "DownloadResponse",
    "EventStream",
    "FieldError",
    "File",
    "HTTPInfo",
    "HTTPValidationError",
    "InternalServerError",
    "InvalidCredentialsError",
    "MissingCredentialsError",
    "MissingResourceError",
    "Mistral",
    "MistralError",
    "Model",
    "NotFoundError",
    "OpenEnum",
    "Operation",
    "Page",
    "Pagination",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestContext",
    "Resource",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryConfig",
    "SDKError",
    "StreamError",
    "Tagged",
    "UnknownVariant",
    "Unset",
    "WaitTimeoutError",
    "__version__",
    "hookimpl",
]


_LAZY = {
    "EventStream": "sse",
    "AsyncEventStream": "sse",
    "File": "_multipart",
    "Page": "pagination",
    "AsyncPage": "pagination",
    "Pagination": "pagination",
    "RequestContext": "hooks",
    "hookimpl": "hooks",
}
"""Names imported on first use: streaming, uploads, pages, and pluggy for plugin authors."""


if not TYPE_CHECKING:  # so that a misspelt name is an error for type checkers

    def __getattr__(name: str) -> Any:
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
