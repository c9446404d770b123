"""The fields of a user's class, whatever declared it: attrs, dataclasses, TypedDict, pydantic.

The schema of a class (:mod:`._schema`) and the reading of its values (:mod:`._values`)
both need each field's JSON name, type, description and default; this module is the one
place that knows where each kind of class keeps them. pydantic is never imported: a
pydantic model is known by the module of its metaclass, and read through its own
attributes.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from mistral_core.models import resolved_fields

__all__ = [
    "OMITTED",
    "REQUIRED",
    "Field",
    "accepts_none",
    "description_of",
    "fields_of",
    "is_pydantic",
    "is_typeddict",
    "nulls_defaulted",
    "parameter_field",
]

REQUIRED: Any = inspect.Parameter.empty
"""The default of a field that has none: the field must be given."""


class _Omitted:
    def __repr__(self) -> str:
        return "OMITTED"


OMITTED: Any = _Omitted()
"""The default of a field that may be left out and then has no value (a ``TypedDict``
key that is not required)."""

DESCRIPTION = "description"
"""The metadata key of a field's description (attrs and dataclass fields)."""


@attrs.frozen
class Field:
    """One field of a class, or one parameter of a function, as JSON sees it."""

    name: str
    type: Any
    description: str | None = None
    default: Any = REQUIRED
    """The Python default, or :data:`REQUIRED`."""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def is_pydantic(cls: Any) -> bool:
    """Whether ``cls`` is a pydantic model class, told without importing pydantic."""
    return isinstance(cls, type) and type(cls).__module__.startswith("pydantic.")


def fields_of(hint: Any) -> tuple[Field, ...] | None:
    """The fields of a class with fields, in declaration order; ``None`` for anything else."""
    return _class_fields(hint) if isinstance(hint, type) else None


@functools.cache
def _class_fields(cls: type) -> tuple[Field, ...] | None:
    for applies, fields in _KINDS:
        if applies(cls):
            return tuple(fields(cls))
    return None


def _attrs_fields(cls: Any) -> list[Field]:
    return [
        Field(a.name, a.type, a.metadata.get(DESCRIPTION), _attrs_default(a.default))
        for a in resolved_fields(cls)
    ]


def _attrs_default(default: Any) -> Any:
    if default is attrs.NOTHING:
        return REQUIRED
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs' own alias
        return REQUIRED if default.takes_self else default.factory()
    return default


def _dataclass_fields(cls: Any) -> list[Field]:
    hints = typing.get_type_hints(cls, include_extras=True)
    return [
        Field(f.name, hints[f.name], f.metadata.get(DESCRIPTION), _dataclass_default(f))
        for f in dataclasses.fields(cls)
        if f.init
    ]


def _dataclass_default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return REQUIRED


def _typeddict_fields(cls: Any) -> list[Field]:
    """A key that may be left out is ``OMITTED`` by default.

    As for cattrs, which reads them, ``__required_keys__`` tells which keys may be left
    out; Python fills it wrongly where ``NotRequired`` is written in a module that
    postpones its annotations (``from __future__ import annotations``): ``total=False``
    says it there.
    """
    hints = typing.get_type_hints(cls, include_extras=True)
    required = cls.__required_keys__
    return [
        Field(name, _without_wrapper(hint), default=REQUIRED if name in required else OMITTED)
        for name, hint in hints.items()
    ]


def _without_wrapper(hint: Any) -> Any:
    """``Required[X]`` and ``NotRequired[X]`` as ``X``."""
    wrapper = getattr(typing.get_origin(hint), "_name", None)
    return typing.get_args(hint)[0] if wrapper in ("Required", "NotRequired") else hint


def _pydantic_fields(cls: Any) -> list[Field]:
    """Each field's description is pydantic's, or an ``Annotated`` string it set apart."""
    return [
        Field(
            info.alias or name,
            info.annotation,
            info.description or description_of(tuple(info.metadata)),
            _pydantic_default(info),
        )
        for name, info in cls.model_fields.items()
    ]


def parameter_field(parameter: inspect.Parameter, hint: Any) -> Field:
    """A function's parameter as a field; its default may be pydantic's ``Field(...)``."""
    default = parameter.default
    if _is_field_info(default):
        return Field(parameter.name, hint, default.description, _pydantic_default(default))
    return Field(parameter.name, hint, default=default)


def _is_field_info(value: Any) -> bool:
    return type(value).__module__.startswith("pydantic.") and hasattr(value, "is_required")


def _pydantic_default(info: Any) -> Any:
    if info.is_required():
        return REQUIRED
    return info.get_default(call_default_factory=True)


def is_typeddict(cls: type) -> bool:
    return hasattr(cls, "__required_keys__") and issubclass(cls, dict)


_KINDS: tuple[tuple[Callable[[type], bool], Callable[[Any], list[Field]]], ...] = (
    (is_pydantic, _pydantic_fields),
    (attrs.has, _attrs_fields),
    (dataclasses.is_dataclass, _dataclass_fields),
    (is_typeddict, _typeddict_fields),
)


def description_of(metadata: tuple[Any, ...]) -> str | None:
    """The description among ``Annotated`` metadata: a string, or an object with one
    (pydantic's ``Field(description=...)``)."""
    for item in metadata:
        described = item if isinstance(item, str) else getattr(item, DESCRIPTION, None)
        if isinstance(described, str):
            return described
    return None


def accepts_none(hint: Any) -> bool:
    """Whether ``None`` is a value of ``hint`` (``X | None``, ``Optional[X]``, ``None``, Any)."""
    if hint is Any or hint is None or hint is type(None):
        return True
    if typing.get_origin(hint) is typing.Annotated:
        return accepts_none(typing.get_args(hint)[0])
    return type(None) in typing.get_args(hint) and _is_union(hint)


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, type(int | str))


def nulls_defaulted(fields: tuple[Field, ...], value: Mapping[str, Any]) -> Mapping[str, Any]:
    """``value`` without the ``null`` of each optional field that cannot hold ``None``.

    A strict schema lists every field as required and lets an optional one be ``null``
    (the model cannot leave a key out): such a ``null`` means "the default".
    """
    dropped = [f.name for f in fields if not f.required and not accepts_none(f.type)]
    if not any(value.get(name, ...) is None for name in dropped):
        return value
    return {k: v for k, v in value.items() if not (v is None and k in dropped)}
