"""Type guards for values of unknown type (parsed JSON, what users pass).

On a value typed ``Any``, ``isinstance(value, dict)`` tells pyright only that it is a
dict of unknown keys and values, and every read from it is then unknown too; these say
what the code relies on: JSON objects have string keys, values of any type. Each costs
a function call and copies nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeGuard

__all__ = ["is_array", "is_list_or_tuple", "is_mapping", "is_object", "is_path"]


def is_object(value: object) -> TypeGuard[dict[str, Any]]:
    """Whether ``value`` is a JSON object (a dict)."""
    return isinstance(value, dict)


def is_array(value: object) -> TypeGuard[list[Any]]:
    """Whether ``value`` is a JSON array (a list)."""
    return isinstance(value, list)


def is_mapping(value: object) -> TypeGuard[Mapping[str, Any]]:
    """Whether ``value`` is a mapping (of field names, where users pass one)."""
    return isinstance(value, Mapping)


def is_path(value: object) -> TypeGuard[os.PathLike[str] | os.PathLike[bytes]]:
    """Whether ``value`` is a file system path object (``pathlib.Path``)."""
    return isinstance(value, os.PathLike)


def is_list_or_tuple(value: object) -> TypeGuard[list[Any] | tuple[Any, ...]]:
    """Whether ``value`` is a list or a tuple (what a list field takes)."""
    return isinstance(value, (list, tuple))
