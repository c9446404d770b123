"""JSON text in and out: the one place that chooses the JSON library.

Two backends give the same results: the standard library's :mod:`json`, and orjson
(``pip install 'mistral-core[fast]'``), several times faster, used whenever it is
installed unless the environment variable ``MISTRAL_JSON=stdlib`` (read at import)
says otherwise. orjson is imported on the first call, not with ``mistral_core``: with
the modules it pulls in, it would add tens of milliseconds to every program's start.

Where orjson differs, its backend hands the value to the standard library instead,
so that results stay the same:

* reading: anything orjson refuses (``NaN``, ``Infinity``, ``1e400``, a lone surrogate,
  a UTF-8 byte order mark, invalid JSON) is read again by :func:`json.loads`, which
  reads it or raises its own ``json.JSONDecodeError`` (a ``ValueError``);
* writing: anything orjson refuses (integers beyond 64 bits, keys that are not
  strings, types JSON does not have, lone surrogates) and any ``NaN`` or infinity (which
  orjson would write as ``null``) is written by :func:`json.dumps`.

What remains different: orjson reads an integer beyond 64 bits as a float (the API
sends none: ids are strings, counts and timestamps are small); it spells some float
exponents differently (``1e-7`` for ``1e-07``, ``0.000015`` for ``1.5e-05``: the same
numbers); and it writes UUIDs and enums of any kind, which the standard library refuses.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Callable
from typing import Any, NamedTuple

from ._guards import is_list_or_tuple, is_object

__all__ = [
    "STDLIB",
    "Backend",
    "backend",
    "dumps",
    "dumps_text",
    "loads",
    "orjson_backend",
    "problem",
]


class Backend(NamedTuple):
    """A JSON library, as this client uses it."""

    name: str
    loads: Callable[[bytes | str], Any]
    """Parse JSON text (bytes or str); invalid JSON raises ``ValueError``."""
    dumps: Callable[[Any], bytes]
    """Compact JSON as UTF-8 bytes, non-ASCII characters kept as they are."""
    quick_loads: Callable[[bytes | str], Any]
    """The library's own parse, for a hot loop (a stream's events): it gives what
    :attr:`loads` gives, or raises ``ValueError`` for what :attr:`loads` must read again."""


def _stdlib_dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


STDLIB = Backend("json", json.loads, _stdlib_dumps, json.loads)
"""The standard library (``json.loads`` itself: this is on the hot path)."""


@functools.cache
def orjson_backend() -> Backend | None:
    """The orjson backend, or ``None`` when orjson is not installed."""
    try:
        import orjson
    except ImportError:
        return None
    orjson_loads, orjson_dumps = orjson.loads, orjson.dumps
    decode_error, encode_error = orjson.JSONDecodeError, orjson.JSONEncodeError
    # Dataclasses and datetimes are refused by json.dumps: let orjson refuse them too.
    options = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME

    def loads(text: bytes | str) -> Any:
        try:
            return orjson_loads(text)
        except decode_error:
            return json.loads(text)  # what orjson refuses, or the standard library's error

    def dumps(value: Any) -> bytes:
        try:
            data = orjson_dumps(value, option=options)
        except encode_error:
            return _stdlib_dumps(value)  # writes it, or raises the standard library's error
        if b"null" in data and _has_non_finite(value):  # orjson wrote NaN as null
            return _stdlib_dumps(value)
        return data

    return Backend("orjson", loads, dumps, orjson_loads)


def _has_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if is_object(value):
        return any(_has_non_finite(item) for item in value.values())
    if is_list_or_tuple(value):
        return any(_has_non_finite(item) for item in value)
    return False


_REQUESTED = os.environ.get("MISTRAL_JSON", "").strip().lower()
"""``stdlib`` forces the standard library; anything else takes orjson when installed."""

_chosen: Backend | None = None


def backend() -> Backend:
    """The backend in use, chosen (and orjson imported) on the first call."""
    global _chosen, loads, dumps
    if _chosen is None:
        fast = None if _REQUESTED == "stdlib" else orjson_backend()
        _chosen = fast or STDLIB
        loads, dumps = _chosen.loads, _chosen.dumps
    return _chosen


def _first_loads(text: bytes | str) -> Any:
    return backend().loads(text)


def _first_dumps(value: Any) -> bytes:
    return backend().dumps(value)


loads: Callable[[bytes | str], Any] = _first_loads
"""Parse JSON text from the API. Call it as ``_json.loads``: the first call replaces it."""

dumps: Callable[[Any], bytes] = _first_dumps
"""Compact JSON bytes for a request body. Call it as ``_json.dumps``, like ``loads``."""


def problem(exc: ValueError | RecursionError) -> str:
    """What was wrong with JSON text that :func:`loads` refused.

    Both libraries read nested arrays and objects by recursion: JSON nested a thousand
    levels deep raises ``RecursionError``, which callers catch beside ``ValueError``.
    """
    if isinstance(exc, RecursionError):
        return "its arrays or objects are nested too deeply to read"
    return str(exc)


def dumps_text(value: Any, *, indent: int | None = None) -> str:
    """JSON text for people (``to_json``, ``model_dump_json``): compact as a request body
    is, or indented by ``indent`` spaces."""
    if indent is None:
        return dumps(value).decode()
    return json.dumps(value, indent=indent, ensure_ascii=False)
