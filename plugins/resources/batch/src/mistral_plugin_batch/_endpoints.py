"""What a batch endpoint answers: the response model of the operation at its path.

The Batch API runs the requests of one endpoint (``/v1/chat/completions``,
``/v1/embeddings``, ``/v1/ocr``, ...: the spec's ``ApiEndpoint``); the generated group
that serves that path outside batches knows the model of its answer. Found among the
installed resource plugins, so that every endpoint the API adds is read typed as soon as
its plugin is installed, and read as plain JSON when it is not.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from mistral_core import OpenEnum, Operation, serde
from mistral_core.plugins import RESOURCES_GROUP, installed

__all__ = ["endpoint_path", "response_reader"]


def endpoint_path(endpoint: object) -> str:
    """The path an endpoint names (an ``ApiEndpoint`` or its text)."""
    return str(endpoint.value) if isinstance(endpoint, OpenEnum) else str(endpoint)


@functools.cache
def response_reader(endpoint: str) -> Callable[[Any], Any] | None:
    """Reads a response body of ``endpoint`` as its model; ``None`` when no installed
    plugin serves that path (the bodies are then given as they came)."""
    for entry_point in installed(RESOURCES_GROUP).values():
        for _, member in inspect.getmembers(entry_point.load(), callable):
            operation = getattr(member, "operation", None)
            if (
                isinstance(operation, Operation)
                and operation.method.upper() == "POST"
                and operation.path == endpoint
                and operation.returns
            ):
                return serde.reader(operation.model(operation.returns))
    return None
