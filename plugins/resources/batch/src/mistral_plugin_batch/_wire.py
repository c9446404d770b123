"""The Batch API's lines, with no I/O: requests written as JSONL, results read from it.

An input line is ``{"custom_id": ..., "body": {...}}``; an output line (of the job's
output file, error file or inline ``outputs``) is ``{"custom_id": ...,
"response": {"status_code": ..., "body": {...}}, "error": ...}``. The envelope is the
same for every endpoint; only the bodies differ, which the endpoint's request and
response models describe (:mod:`._endpoints`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

from mistral_core import FieldError, Model, serde
from mistral_core._guards import is_mapping, is_object

from .models import BatchRequest

__all__ = [
    "BatchOutcome",
    "BatchRequestError",
    "BatchResponseError",
    "read_outcome",
    "request_lines",
]

R = TypeVar("R")

_ENVELOPE = frozenset({"custom_id", "body"})


@attrs.frozen
class BatchRequestError:
    """The API's word that one request failed: an ``error`` on its line, or a
    ``status_code`` of 400 or more (the official SDK's name and fields)."""

    custom_id: str | None
    status_code: int | None
    error: Any


@attrs.frozen
class BatchResponseError:
    """A request that succeeded, whose body this client could not read as the endpoint's
    response model (kept, with the raw ``body``, rather than failing the whole batch)."""

    custom_id: str | None
    status_code: int | None
    body: Any
    error: Exception


@attrs.frozen
class BatchOutcome(Generic[R]):
    """What became of one request: its ``response`` or its ``error``, never both."""

    custom_id: str | None
    response: R | None = None
    error: BatchRequestError | BatchResponseError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def request_lines(requests: Iterable[Any] | Mapping[str, Any]) -> Iterator[bytes]:
    """The JSONL lines (each ending in ``\\n``) of ``requests``, one at a time.

    ``requests`` is a mapping custom id -> body (the official SDK's ``from_payload``), or
    an iterable of requests: ``BatchRequest`` models, ``{"custom_id", "body"}`` dicts, or
    bare bodies (their custom id is their index). A body is a request model or a dict
    (models in it too), written by the core's converter as a call writes it.
    """
    if is_mapping(requests):
        pairs: Iterable[tuple[Any, Any]] = requests.items()
    else:
        pairs = (_envelope(index, request) for index, request in enumerate(requests))
    for custom_id, body in pairs:
        if not isinstance(custom_id, str) or not custom_id:
            raise FieldError(f"a batch request's custom_id is a non-empty str, got {custom_id!r}")
        yield _line({"custom_id": custom_id, "body": _body(custom_id, body)})


def _envelope(index: int, request: Any) -> tuple[Any, Any]:
    if isinstance(request, BatchRequest):
        custom_id = request.custom_id
        return (custom_id if isinstance(custom_id, str) else str(index)), request.body
    if is_mapping(request) and "body" in request and set(request) <= _ENVELOPE:
        return request.get("custom_id", str(index)), request["body"]
    return str(index), request


def _body(custom_id: str, body: Any) -> Any:
    """The JSON of a body: models in it (or it) written by the core's converter."""
    if not isinstance(body, Model) and not is_mapping(body):
        problem = f"a dict or a request model, got {type(body).__name__}"
        raise FieldError(f"the body of the batch request {custom_id!r} is {problem}")
    return serde.dump(body)


def _line(value: Any) -> bytes:
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise FieldError(f"a batch request is not JSON: {exc}") from None
    return text.encode() + b"\n"


def read_outcome(line: Any, read: Callable[[Any], R] | None) -> BatchOutcome[R]:
    """One output line (its JSON) as an outcome; ``read`` makes the response's model of
    its body (``None``: the body as it came)."""
    if not is_object(line):
        problem = ValueError("a result line is not a JSON object")
        return BatchOutcome(None, error=BatchResponseError(None, None, line, problem))
    custom_id = line.get("custom_id")
    custom_id = custom_id if isinstance(custom_id, str) else None
    response = line.get("response")
    response = response if is_object(response) else {}
    status_code = response.get("status_code")
    status_code = status_code if isinstance(status_code, int) else None
    error = line.get("error")
    if error is not None or (status_code is not None and status_code >= 400):
        found = error if error is not None else response.get("body")
        return BatchOutcome(custom_id, error=BatchRequestError(custom_id, status_code, found))
    body = response.get("body")
    if read is None:
        return BatchOutcome(custom_id, response=body)
    try:
        return BatchOutcome(custom_id, response=read(body))
    except ValueError as exc:
        failure = BatchResponseError(custom_id, status_code, body, exc)
        return BatchOutcome(custom_id, error=failure)
