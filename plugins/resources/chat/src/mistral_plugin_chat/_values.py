"""Values of a user's types read from JSON and written back: tool arguments, typed replies.

The same cattrs configuration as the API's models (:func:`mistral_core.serde.make_converter`,
strict: exact JSON types, no unknown keys, every problem named by its path), plus what
users' types bring and the API's models do not: dataclasses, ``TypedDict``, pydantic
models, plain enums, dates, homogeneous tuples, and unions of any of them. What it reads
is what :mod:`._schema` describes.
"""

from __future__ import annotations

import datetime
import functools
import typing
from collections.abc import Callable
from typing import Any

import cattrs

from mistral_core import serde
from mistral_core._guards import is_mapping

from ._fields import fields_of, is_pydantic, is_typeddict, nulls_defaulted

__all__ = ["ReadError", "dump", "read"]

StructureHook = Callable[[Any, Any], Any]


class ReadError(ValueError):
    """A JSON value that is not of the type asked for; ``problems``: one ``path: problem``
    line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


def read(hint: Any, value: Any, where: str) -> Any:
    """A value of type ``hint`` from its JSON ``value``.

    Raises :class:`ReadError` naming each problem by its path from ``where``.
    """
    try:
        return _converter().structure(value, hint)
    except Exception as exc:
        problems = serde.describe_problems(exc, where, path=where, extra_body_hint=False)
        raise ReadError(problems) from None


def dump(value: Any) -> Any:
    """The JSON value of a value of a user's type (what :func:`read` reads back)."""
    return _converter().unstructure(value)


@functools.cache
def _converter() -> cattrs.Converter:
    conv = serde.make_converter(strict=True)
    for kind in (datetime.date, datetime.datetime):
        conv.register_structure_hook(kind, _iso_reader(kind))
        conv.register_unstructure_hook(kind, kind.isoformat)
    # Registered last, so they come first: they replace the API models' own hooks.
    conv.register_structure_hook_factory(_is_union, _union_factory(conv))
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_factory(conv))
    conv.register_structure_hook_factory(_has_fields, _class_factory(conv))
    conv.register_unstructure_hook_factory(is_pydantic, _pydantic_dumper)
    return conv


def _iso_reader(kind: type[datetime.date]) -> StructureHook:
    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"expected an ISO 8601 {kind.__name__}, got {value!r:.60}")
        return kind.fromisoformat(value.replace("Z", "+00:00"))  # (3.10 knows no Z)

    return structure


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, type(int | str))


def _union_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    """A union's value is its first member that reads it, in the order they are written."""

    def factory(union: Any) -> StructureHook:
        members = [m for m in typing.get_args(union) if m is not type(None)]
        nullable = len(members) < len(typing.get_args(union))
        names = str(union).replace("typing.", "")

        def structure(value: Any, _: Any) -> Any:
            if value is None and nullable:
                return None
            for member in members:
                try:
                    return conv.structure(value, member)
                except Exception:  # the next member may take it
                    continue
            raise TypeError(f"expected {names}, got {value!r:.60}")

        return structure

    return factory


def _is_homogeneous_tuple(hint: Any) -> bool:
    args = typing.get_args(hint)
    return typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(hint: Any) -> StructureHook:
        as_list: Any = list[typing.get_args(hint)[0]]  # type: ignore[misc]
        items = conv.get_structure_hook(as_list)
        return lambda value, _: tuple(items(value, as_list))

    return factory


def _has_fields(hint: Any) -> bool:
    return fields_of(hint) is not None


def _class_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    """Reads a class from a JSON object: unknown keys refused, a ``null`` for an optional
    field taken as its default (:func:`~._fields.nulls_defaulted`)."""

    def factory(cls: Any) -> StructureHook:
        fields = fields_of(cls) or ()
        structure_fields = _fields_reader(cls, conv)

        def structure(value: Any, _: Any) -> Any:
            if not is_mapping(value):
                raise TypeError(f"expected an object ({cls.__name__}), got {value!r:.60}")
            return structure_fields(nulls_defaulted(fields, value), cls)

        return structure

    return factory


def _fields_reader(cls: Any, conv: cattrs.Converter) -> StructureHook:
    """cattrs' reader of the class (strict and detailed, as the converter is), or pydantic's."""
    if is_pydantic(cls):
        return lambda value, _: cls.model_validate(value)
    if is_typeddict(cls):  # (cattrs types it with a bare ``dict``)
        return conv.gen_structure_typeddict(cls)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    return conv.gen_structure_attrs_fromdict(cls)


def _pydantic_dumper(_: Any) -> Callable[[Any], Any]:
    return _dump_pydantic


def _dump_pydantic(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True)
