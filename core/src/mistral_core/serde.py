"""JSON in and out of the API's attrs models, through one cattrs configuration.

It comes in two strictnesses, built by the same :func:`make_converter`:

* :data:`converter` reads responses. It is lenient where the API grows: unknown fields are
  ignored, unknown enum values stay strings, unknown union variants stay raw
  (:class:`~mistral_core.models.UnknownVariant`); primitives are taken as JSON gave them.
* :data:`request_converter` checks what callers pass before anything is sent: a dict or
  a model wherever a model goes, no unknown keys, no ``"1"`` where an ``int`` goes, no
  string where a list goes. Its errors name the offending field.

Both write only what was set: a field holding ``UNSET`` is left out of the JSON.

Building the converters costs some milliseconds, so this module is imported on the
first call, not with ``mistral_core``.
"""

from __future__ import annotations

import enum
import functools
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import is_sequence, list_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._json import dumps, loads
from .errors import FieldError
from .models import OpenEnum, Tagged, UnknownVariant, Unset

__all__ = [
    "FieldError",
    "converter",
    "describe_problems",
    "dumps",
    "loads",
    "make_converter",
    "read",
    "request_converter",
    "to_request_json",
]

T = TypeVar("T")
StructureHook = Callable[[Any, Any], Any]

JSON_NAME = "json_name"
"""attrs field metadata key: the JSON name of a field whose Python name differs."""


def make_converter(*, strict: bool, detailed: bool = True) -> cattrs.Converter:
    """A converter that knows the building blocks of :mod:`mistral_core.models`.

    ``detailed`` keeps the path of every problem, at some cost in speed.
    """
    conv = cattrs.Converter(forbid_extra_keys=strict, detailed_validation=detailed)
    _register_primitives(conv, strict=strict)
    conv.register_structure_hook_factory(is_sequence, _list_factory(conv))
    # By class, not predicate: the str hooks would otherwise catch these str subclasses first.
    conv.register_structure_hook(OpenEnum, _structure_open_enum)
    conv.register_unstructure_hook(OpenEnum, lambda member: member.value)
    conv.register_structure_hook_factory(attrs.has, _model_factory(conv, strict=strict))
    conv.register_unstructure_hook_factory(attrs.has, _model_unstructure_factory(conv))
    conv.register_unstructure_hook(UnknownVariant, lambda v: dict(v.raw))
    conv.register_structure_hook_factory(_is_union, _union_factory(conv, strict=strict))
    conv.register_structure_hook_factory(_is_tagged, _tagged_factory(conv, strict=strict))
    return conv


def read(payload: Any, cls: type[T]) -> T:
    """A response model from its JSON; a mismatch raises ``ValueError`` naming each problem.

    Parsing takes the fast path; only a payload that fails is parsed again, slowly, to
    say where it went wrong.
    """
    try:
        return converter.structure(payload, cls)
    except Exception as fast_error:
        try:
            _detailed_converter().structure(payload, cls)
        except Exception as exc:
            raise ValueError("; ".join(describe_problems(exc, cls.__name__))) from None
        raise ValueError(str(fast_error)) from None


@functools.cache
def _detailed_converter() -> cattrs.Converter:
    return make_converter(strict=False)


def to_request_json(value: Mapping[str, Any], cls: type[T]) -> Any:
    """Check caller input against ``cls`` and return the JSON-ready form that is sent.

    Dict input and model input give identical JSON, because both go through the model.
    """
    try:
        model = request_converter.structure(value, cls)
    except Exception as exc:
        raise FieldError(_describe(exc, cls)) from None
    return request_converter.unstructure(model)


def _describe(exc: BaseException, cls: type) -> str:
    return "; ".join(describe_problems(exc, cls.__name__))


def describe_problems(exc: BaseException, root: str = "(root)") -> list[str]:
    """One ``path: problem`` line per problem in a structuring error."""
    if not isinstance(exc, cattrs.BaseValidationError):
        return [f"{root}: {exc}"]
    problems = []
    for message in cattrs.transform_error(exc, path="", format_exception=_format_problem):
        problem, _, path = message.rpartition(" @ ")
        if not path and problem.startswith("unknown field"):
            problem += " (extra_body= sends fields this client does not know)"
        problems.append(f"{path.lstrip('.') or root}: {problem}")
    return problems


def _format_problem(exc: BaseException, _: Any) -> str:
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        unknown = ", ".join(repr(key) for key in sorted(exc.extra_fields))
        return f"unknown field {unknown}"
    if isinstance(exc, KeyError):
        return "required field missing"
    return str(exc)


# --- primitives ------------------------------------------------------------------------


def _register_primitives(conv: cattrs.Converter, *, strict: bool) -> None:
    """Strict: exact JSON types. Lenient: whatever JSON gave, untouched (fast, never fails)."""
    checks: dict[type, Callable[[Any], bool]] = {
        str: lambda v: isinstance(v, str),
        bool: lambda v: isinstance(v, bool),
        int: lambda v: isinstance(v, int) and not isinstance(v, bool),
        float: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    }
    for kind, check in checks.items():
        conv.register_structure_hook(kind, _checked(kind, check) if strict else _passthrough)
    conv.register_structure_hook(Any, _passthrough)


def _passthrough(value: Any, _: Any) -> Any:
    return value


def _checked(kind: type, check: Callable[[Any], bool]) -> StructureHook:
    def structure(value: Any, _: Any) -> Any:
        if not check(value):
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__} {value!r:.60}")
        return value

    return structure


def _list_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(list_type: Any) -> StructureHook:
        structure_items = list_structure_factory(list_type, conv)

        def structure(value: Any, t: Any) -> Any:
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"expected a list, got {type(value).__name__} {value!r:.60}")
            return structure_items(value, t)

        return structure

    return factory


# --- open enums ------------------------------------------------------------------------


def _is_open_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, OpenEnum)


def _structure_open_enum(value: Any, enum_type: type[OpenEnum]) -> Any:
    """A known value becomes its member; an unknown string stays that string."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__} {value!r:.60}")
    return enum_type._value2member_map_.get(value, value)


# --- models ----------------------------------------------------------------------------


def _json_names(cls: type) -> dict[str, Any]:
    return {
        a.name: override(rename=a.metadata[JSON_NAME])
        for a in attrs.fields(cls)
        if JSON_NAME in a.metadata
    }


def _model_factory(conv: cattrs.Converter, *, strict: bool) -> Callable[[Any], StructureHook]:
    def factory(cls: type) -> StructureHook:
        structure_fields: StructureHook = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=strict,
            _cattrs_detailed_validation=conv.detailed_validation,
            **_json_names(cls),
        )
        if not strict and not conv.detailed_validation:
            return structure_fields  # the fast path: a failure is explained by a detailed pass

        def structure(value: Any, t: Any) -> Any:
            if isinstance(value, cls):  # a model built by the caller is checked like a dict
                value = conv.unstructure(value)
            elif not isinstance(value, Mapping):
                raise TypeError(
                    f"expected an object ({cls.__name__}), got {type(value).__name__} {value!r:.60}"
                )
            return structure_fields(value, t)

        return structure

    return factory


def _model_unstructure_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any], Any]]:
    def factory(cls: type) -> Callable[[Any], Any]:
        overrides = _json_names(cls)
        for a in attrs.fields(cls):
            if isinstance(a.default, Unset):
                overrides[a.name] = override(
                    omit_if_default=True, rename=overrides.get(a.name, override()).rename
                )
        return make_dict_unstructure_fn(cls, conv, **overrides)

    return factory


# --- unions ----------------------------------------------------------------------------


def _tagged_of(t: Any) -> Tagged | None:
    if typing.get_origin(t) is not typing.Annotated:
        return None
    return next((m for m in t.__metadata__ if isinstance(m, Tagged)), None)


def _is_tagged(t: Any) -> bool:
    return _tagged_of(t) is not None


def _variant_tag(cls: type, tag: str) -> str:
    default = attrs.fields_dict(cls)[tag].default
    return str(default.value if isinstance(default, enum.Enum) else default)


def _tagged_factory(conv: cattrs.Converter, *, strict: bool) -> Callable[[Any], StructureHook]:
    def factory(annotated: Any) -> StructureHook:
        tagged = _tagged_of(annotated)
        assert tagged is not None
        tag = tagged.tag
        variants = [m for m in typing.get_args(typing.get_args(annotated)[0]) if attrs.has(m)]
        known = tuple(v for v in variants if v is not UnknownVariant)
        by_tag = {_variant_tag(v, tag): v for v in known}
        hooks = {v: conv.get_structure_hook(v) for v in known}

        def structure(value: Any, _: Any) -> Any:
            if isinstance(value, UnknownVariant):
                return value
            if isinstance(value, known):
                return hooks[type(value)](value, type(value))
            if not isinstance(value, Mapping):
                raise TypeError(f"expected an object, got {type(value).__name__} {value!r:.60}")
            tag_value = value.get(tag)
            variant = by_tag.get(tag_value) if isinstance(tag_value, str) else None
            if variant is not None:
                return hooks[variant](value, variant)
            if strict and tag not in value:
                raise ValueError(f"missing {tag!r}, one of {sorted(by_tag)}")
            return UnknownVariant(dict(value))

        return structure

    return factory


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (typing.Union, _UnionType)


_UnionType: Any = type(int | str)


def _accepts(member: Any) -> Callable[[Any], bool]:
    """Whether a JSON value has the shape of a union member (tried in declaration order)."""
    origin = typing.get_origin(member) or member
    if member is Any:
        return lambda v: True
    if origin is typing.Literal:
        values = typing.get_args(member)
        return lambda v: v in values
    if _tagged_of(member) is not None:
        return lambda v: isinstance(v, (Mapping, *_variants(member)))
    if origin is bool:
        return lambda v: isinstance(v, bool)
    if origin is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if origin is float:
        return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if origin is str or _is_open_enum(origin):
        return lambda v: isinstance(v, str)
    if origin in (list, tuple) or is_sequence(member):
        return lambda v: isinstance(v, (list, tuple))
    if origin is dict or _is_mapping_type(origin):
        return lambda v: isinstance(v, Mapping)
    if attrs.has(origin):
        return lambda v: isinstance(v, (Mapping, origin))
    return lambda v: isinstance(v, origin)


def _is_mapping_type(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Mapping)


def _variants(annotated: Any) -> tuple[type, ...]:
    return tuple(m for m in typing.get_args(typing.get_args(annotated)[0]) if attrs.has(m))


def _union_factory(conv: cattrs.Converter, *, strict: bool) -> Callable[[Any], StructureHook]:
    def factory(union: Any) -> StructureHook:
        members = [m for m in typing.get_args(union) if m is not Unset and m is not type(None)]
        nullable = type(None) in typing.get_args(union)
        candidates = [(_accepts(m), conv.get_structure_hook(m), m) for m in members]
        names = " | ".join([*(_type_name(m) for m in members), *(["None"] if nullable else [])])
        only_member = _only_member_by_json_type(candidates)

        def structure(value: Any, _: Any) -> Any:
            if value is None and nullable:
                return None
            only = only_member.get(type(value))
            if only is not None:  # the common case: one member takes this kind of JSON value
                return only[0](value, only[1])
            error: Exception | None = None
            for accepts, hook, member in candidates:
                if accepts(value):
                    try:
                        return hook(value, member)
                    except Exception as exc:  # the next member may fit
                        error = error or exc
            if error is not None:
                raise error
            raise TypeError(f"expected {names}, got {type(value).__name__} {value!r:.60}")

        return structure

    return factory


_JSON_SAMPLES: dict[type, Any] = {str: "", int: 0, float: 0.5, bool: False, list: [], dict: {}}


def _only_member_by_json_type(
    candidates: list[tuple[Callable[[Any], bool], StructureHook, Any]],
) -> dict[type, tuple[StructureHook, Any]]:
    """For each JSON value type, the hook of the one member that takes it (if just one)."""
    if any(typing.get_origin(member) is typing.Literal for _, _, member in candidates):
        return {}  # a Literal takes some values of a type, not all: no shortcut
    table = {}
    for json_type, sample in _JSON_SAMPLES.items():
        takers = [(hook, member) for accepts, hook, member in candidates if accepts(sample)]
        if len(takers) == 1:
            table[json_type] = takers[0]
    return table


def _type_name(t: Any) -> str:
    if _tagged_of(t) is not None or attrs.has(t):
        return "object"
    if typing.get_origin(t) is typing.Literal:
        return " | ".join(repr(v) for v in typing.get_args(t))
    origin = typing.get_origin(t) or t
    return getattr(origin, "__name__", str(origin))


converter = make_converter(strict=False, detailed=False)
"""Reads responses: lenient where the API grows, and fast (see :func:`read`)."""

request_converter = make_converter(strict=True)
"""Checks caller input: strict, with errors that name the field."""
