"""JSON schemas of Python types: the one derivation behind structured outputs and tools.

``response_format(Cls)`` asks the model for an instance of ``Cls``; a tool's parameters
(:mod:`._tools`) are described by the same code. A class (attrs, dataclass,
``TypedDict``, pydantic) becomes an object schema, defined once under ``$defs`` and
referred to by ``$ref``, so that a class may contain itself.

A strict schema is what structured outputs want: no object takes properties it does
not list (``additionalProperties: false``) and every property is required, an optional
one being allowed ``null`` instead (which :mod:`._values` reads as its default).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import inspect
import typing
from collections.abc import Iterable, Mapping, MutableSequence, Sequence
from typing import Any

from ._fields import OMITTED, Field, accepts_none, description_of, fields_of
from ._values import dump
from .models import JsonSchema, ResponseFormat, ResponseFormats

__all__ = ["json_schema", "response_format", "response_format_from_pydantic_model"]

JsonObject = dict[str, Any]

SUPPORTED = (
    "str, int, float, bool, None, list[X], Sequence[X], tuple[X, ...], dict[str, X], unions, "
    "Literal, enums, date, datetime, Annotated, attrs classes, dataclasses, TypedDict, "
    "pydantic models"
)

_SIMPLE: dict[Any, JsonObject] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
    None: {"type": "null"},
    list: {"type": "array"},
    dict: {"type": "object"},
    datetime.datetime: {"type": "string", "format": "date-time"},
    datetime.date: {"type": "string", "format": "date"},
}
"""Types whose schema has no part of its own."""

_ARRAYS = (list, Sequence, MutableSequence)
_OBJECTS = (dict, Mapping)
_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"))
"""The JSON type of a Python constant (``bool`` first: it is an ``int``)."""


def json_schema(hint: object, *, strict: bool = False) -> JsonObject:
    """The JSON schema of the values of ``hint`` (a class, or any supported type).

    Raises ``TypeError`` naming a type that has no JSON schema and where it is, as
    ``Cls.field[0]`` (``[i]``: the i-th argument of the type written there).
    """
    builder = _Builder(hint, strict=strict)
    fields = fields_of(hint)
    if isinstance(hint, type) and fields is not None:
        return builder.finish(builder.class_schema(hint, fields))
    return builder.finish(builder.schema(hint, _name(hint)))


def object_schema(fields: Iterable[Field], where: str, *, strict: bool = False) -> JsonObject:
    """The schema of a JSON object of ``fields``: a function's parameters, for a tool."""
    builder = _Builder(None, strict=strict)
    return builder.finish(builder.object(tuple(fields), where))


def response_format(cls: type, *, name: str | None = None, strict: bool = True) -> ResponseFormat:
    """The ``response_format`` that asks the model for an instance of ``cls``, as JSON.

    Give it to ``chat.complete``, ``agents.complete`` or a batch request; ``name``
    (the class's name by default) tells the model what it writes.
    """
    schema = JsonSchema(
        name=name or cls.__name__, schema_definition=json_schema(cls, strict=strict), strict=strict
    )
    return ResponseFormat(type=ResponseFormats.JSON_SCHEMA, json_schema=schema)


response_format_from_pydantic_model = response_format
"""The official SDK's name of :func:`response_format` (which takes any class, pydantic or not)."""


class _Builder:
    """Builds one schema, gathering the classes it meets in ``$defs``."""

    def __init__(self, root: object, *, strict: bool) -> None:
        self.root: Any = root if fields_of(root) is not None else None
        self.strict = strict
        self.defs: JsonObject = {}
        self.names: dict[type, str] = {}

    def finish(self, schema: JsonObject) -> JsonObject:
        return {**schema, "$defs": self.defs} if self.defs else schema

    def schema(self, hint: Any, where: str) -> JsonObject:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin is typing.Annotated:
            return _described(self.schema(args[0], where), description_of(hint.__metadata__))
        if hint is Any or hint is object:
            return {}
        if _is_simple(hint):
            return dict(_SIMPLE[hint])
        if origin is typing.Literal:
            return _constants(args)
        if _is_enum(hint):
            return _constants(list(hint))
        if origin in (typing.Union, type(int | str)):
            return {"anyOf": [self.schema(m, f"{where}[{i}]") for i, m in enumerate(args)]}
        if origin in _ARRAYS or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
            return {"type": "array", "items": self.schema(args[0], f"{where}[0]")}
        if origin in _OBJECTS and args[0] is str:
            return {"type": "object", "additionalProperties": self.schema(args[1], f"{where}[1]")}
        fields = fields_of(hint)
        if fields is None:
            raise TypeError(f"{where}: {_name(hint)} has no JSON schema (supported: {SUPPORTED})")
        return self.reference(hint, fields)

    def reference(self, cls: Any, fields: tuple[Field, ...]) -> JsonObject:
        """A ``$ref`` to the class's schema, defined on first use (under a free name)."""
        if cls is self.root:
            return {"$ref": "#"}
        name = self.names.get(cls)
        if name is None:
            name = self.names[cls] = _free_name(cls.__name__, self.defs)
            self.defs[name] = {}  # taken before it is built: the class may refer to itself
            self.defs[name].update(self.class_schema(cls, fields))
        return {"$ref": f"#/$defs/{name}"}

    def class_schema(self, cls: type, fields: tuple[Field, ...]) -> JsonObject:
        return _described(self.object(fields, cls.__name__), _class_doc(cls))

    def object(self, fields: tuple[Field, ...], where: str) -> JsonObject:
        properties = {f.name: self.property(f, f"{where}.{f.name}") for f in fields}
        required = [f.name for f in fields if self.strict or f.required]
        schema: JsonObject = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        if self.strict:
            schema["additionalProperties"] = False
        return schema

    def property(self, field: Field, where: str) -> JsonObject:
        schema = self.schema(field.type, where)
        if self.strict and not field.required and not accepts_none(field.type):
            schema = {"anyOf": [schema, {"type": "null"}]}  # null: the default
        schema = _described(schema, field.description)
        if not field.required and field.default is not OMITTED:
            schema["default"] = dump(field.default)
        return schema


def _is_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, enum.Enum)


def _is_simple(hint: Any) -> bool:
    try:
        return hint in _SIMPLE
    except TypeError:  # unhashable: a type with unhashable arguments
        return False


def _described(schema: JsonObject, description: str | None) -> JsonObject:
    return {**schema, "description": description} if description else schema


def _constants(values: Iterable[Any]) -> JsonObject:
    """``enum`` of the values, with their JSON type when they share one."""
    values = [v.value if isinstance(v, enum.Enum) else v for v in values]
    types = {_json_type(v) for v in values}
    schema: JsonObject = {"enum": values}
    if len(types) == 1 and None not in types:
        schema["type"] = types.pop()
    return schema


def _json_type(value: Any) -> str | None:
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), None)


def _free_name(name: str, taken: Mapping[str, Any]) -> str:
    """``name``, or ``name2``, ``name3``... for two classes of one name (in two modules)."""
    number = 1
    candidate = name
    while candidate in taken:
        number += 1
        candidate = f"{name}{number}"
    return candidate


def _class_doc(cls: type) -> str | None:
    """The class's own docstring; not the signature a dataclass gets when it has none."""
    doc = vars(cls).get("__doc__")
    if not doc or (dataclasses.is_dataclass(cls) and doc.startswith(f"{cls.__name__}(")):
        return None
    return inspect.cleandoc(doc)


def _name(hint: object) -> str:
    name = getattr(hint, "__name__", None)
    return name if isinstance(name, str) and isinstance(hint, type) else repr(hint)
