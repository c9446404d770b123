"""Hypothesis strategies for any API model built with the conventions of :mod:`mistral_core.models`.

Nothing here knows a resource: everything is found by introspection of the attrs fields and their
type annotations, so a plugin's tests can run the same properties over every one of its models:

* :func:`values` draws a value of any annotation models use (``X | Unset``, ``X | None``,
  ``MyEnum | str``, ``Literal[...]``, tagged unions, lists, ``dict[str, Any]``, ``Any``, ...);
* :func:`models` draws an instance of one model class;
* :func:`all_models`, :func:`open_enums`, :func:`tagged_unions` and :func:`type_aliases` list
  what a models module defines (not what it re-exports), to parametrize tests over it.

Values are JSON-able (no NaN or infinite floats) and kept small.
"""

from __future__ import annotations

import ast
import functools
import inspect
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypeVar

import attrs
from hypothesis import strategies as st

from mistral_core.models import UNSET, OpenEnum, Tagged, UnknownVariant, Unset

__all__ = [
    "all_models",
    "defined_names",
    "enum_fields",
    "json_values",
    "mentions",
    "models",
    "open_enum_values",
    "open_enums",
    "tagged_of",
    "tagged_unions",
    "type_aliases",
    "unknown_variants",
    "values",
    "variant_tag",
    "variants",
]

T = TypeVar("T")

MAX_LIST = 2
"""Lists and dicts drawn have at most this many items (nesting multiplies sizes)."""

# --------------------------------------------------------------------------------------------
# JSON


def _floats() -> st.SearchStrategy[float]:
    return st.floats(allow_nan=False, allow_infinity=False)


def _ints() -> st.SearchStrategy[int]:
    # within the range a JSON parser anywhere reads exactly
    return st.integers(min_value=-(2**53), max_value=2**53)


def _texts() -> st.SearchStrategy[str]:
    return st.text(max_size=8)


json_scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(), st.booleans(), _ints(), _floats(), _texts()
)
"""Any JSON scalar."""

json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=MAX_LIST),
        st.dictionaries(st.text(max_size=6), children, max_size=MAX_LIST),
    ),
    max_leaves=4,
)
"""Any JSON value (small)."""

json_objects: st.SearchStrategy[dict[str, Any]] = st.dictionaries(
    st.text(max_size=6), json_values, max_size=MAX_LIST
)
"""Any JSON object (small)."""


# --------------------------------------------------------------------------------------------
# Introspection


def tagged_of(t: Any) -> Tagged | None:
    """The :class:`Tagged` marker of an ``Annotated`` tagged union alias, else ``None``."""
    if typing.get_origin(t) is not typing.Annotated:
        return None
    return next((m for m in t.__metadata__ if isinstance(m, Tagged)), None)


def variants(union: Any) -> list[type]:
    """The known variant classes of a tagged union alias (``UnknownVariant`` left out)."""
    members = typing.get_args(typing.get_args(union)[0]) or (typing.get_args(union)[0],)
    return [m for m in members if attrs.has(m) and m is not UnknownVariant]


def variant_tag(cls: type, tag: str) -> str:
    """The tag value a variant class is matched by: the default of its tag field."""
    default = attrs.fields_dict(cls)[tag].default
    return str(default.value if isinstance(default, OpenEnum) else default)


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (typing.Union, types.UnionType)


def _is_open_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, OpenEnum)


def _public(module: types.ModuleType) -> list[tuple[str, Any]]:
    """A module's public names and their objects; another name of a class (the official
    SDK's, ``JSONSchema = JsonSchema``) is left out: the class is found under its own."""
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    found = [(name, getattr(module, name)) for name in names]
    return [(name, obj) for name, obj in found if not isinstance(obj, type) or obj.__name__ == name]


def all_models(module: types.ModuleType) -> list[type]:
    """Every attrs model class a models module defines."""
    return [
        obj
        for _, obj in _public(module)
        if isinstance(obj, type) and attrs.has(obj) and obj.__module__ == module.__name__
    ]


def open_enums(module: types.ModuleType) -> list[type[OpenEnum]]:
    """Every :class:`OpenEnum` a models module defines."""
    return [
        obj
        for _, obj in _public(module)
        if _is_open_enum(obj) and obj.__module__ == module.__name__
    ]


@functools.cache
def defined_names(module: types.ModuleType) -> frozenset[str]:
    """The names a module's source binds at top level by a class or an assignment.

    An alias (a tagged union) has no ``__module__`` to say where it was defined, and a
    module re-exporting it holds the very same object: only the source tells them apart.
    """
    names: set[str] = set()
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign) and not isinstance(node.value, ast.Name):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))  # not ``B = A``
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def tagged_unions(module: types.ModuleType) -> dict[str, Any]:
    """Every tagged union alias a models module defines (re-exports left out), by name."""
    defined = defined_names(module)
    return {
        name: obj for name, obj in _public(module) if tagged_of(obj) is not None and name in defined
    }


def type_aliases(module: types.ModuleType) -> dict[str, Any]:
    """Every other named type a models module defines (``Result = A | B``), by name."""
    defined = defined_names(module)
    return {
        name: obj
        for name, obj in _public(module)
        if name in defined and not isinstance(obj, type) and tagged_of(obj) is None
    }


def mentions(t: Any, target: Any) -> bool:
    """Whether ``target`` appears in annotation ``t`` (through unions, lists, dicts).

    Not through tagged unions nor models: their variants and fields are models of their own.
    """
    if t == target:
        return True
    if tagged_of(t) is not None:
        return False
    return any(mentions(arg, target) for arg in typing.get_args(t))


def enum_fields(models: Iterable[type], enum: type[OpenEnum]) -> list[tuple[type, str]]:
    """``(model class, field name)`` of every field of ``models`` whose type holds ``enum``.

    Directly (``enum | str``) or inside a list or dict (``list[enum | str]``).
    """
    found = []
    for cls in models:
        hints = typing.get_type_hints(cls, include_extras=True)
        for a in attrs.fields(cls):
            if mentions(hints[a.name], enum):
                found.append((cls, a.name))
    return found


# --------------------------------------------------------------------------------------------
# Strategies


def open_enum_values(enum: type[OpenEnum]) -> st.SearchStrategy[Any]:
    """A known member of ``enum`` or any string (a value this client does not know yet)."""
    return st.one_of(st.sampled_from(list(enum)), _texts())


def unknown_variants(union: Any) -> st.SearchStrategy[UnknownVariant]:
    """Variants of a tagged union this client does not know: an unknown tag, any other keys.

    The tag is a string no variant has, or any JSON value that is not a string.
    """
    tagged = tagged_of(union)
    assert tagged is not None, union
    tag = tagged.tag
    known = {variant_tag(v, tag) for v in variants(union)}
    tags = st.one_of(
        st.text(max_size=12).filter(lambda s: s not in known),
        json_values.filter(lambda v: not isinstance(v, str)),
    )
    return st.builds(
        lambda extra, value: UnknownVariant({**extra, tag: value}),
        json_objects.map(lambda d: {k: v for k, v in d.items() if k != tag}),
        tags,
    )


@functools.cache
def values(t: Any) -> st.SearchStrategy[Any]:
    """Any value of annotation ``t`` as models use them."""
    if t is Unset:
        return st.just(UNSET)
    if t is None or t is type(None):
        return st.none()
    if t is Any:
        return json_values
    if t is bool:
        return st.booleans()
    if t is int:
        return _ints()
    if t is float:
        return _floats()
    if t is str:
        return _texts()
    if _is_open_enum(t):
        return st.sampled_from(list(t))
    origin = typing.get_origin(t)
    if origin is Literal:
        return st.sampled_from(typing.get_args(t))
    if origin is typing.Annotated:
        tagged = tagged_of(t)
        if tagged is None:
            return values(typing.get_args(t)[0])
        known = [models(v, fixed=(tagged.tag,)) for v in variants(t)]
        return st.one_of(*known, unknown_variants(t))
    if _is_union(t):
        members = list(typing.get_args(t))
        enums = [m for m in members if _is_open_enum(m)]
        if enums and str in members:  # `MyEnum | str` is one open enum
            members.remove(str)
            return st.one_of(
                *(open_enum_values(m) if _is_open_enum(m) else values(m) for m in members)
            )
        return st.one_of(*(values(m) for m in members))
    if origin is list:
        (item,) = typing.get_args(t) or (Any,)
        return st.lists(values(item), max_size=MAX_LIST)
    if origin in (dict, Mapping):
        key, value = typing.get_args(t) or (str, Any)
        return st.dictionaries(values(key), values(value), max_size=MAX_LIST)
    if t is dict:
        return json_objects
    if t is list:
        return st.lists(json_values, max_size=MAX_LIST)
    if isinstance(t, type) and attrs.has(t):
        return models(t)
    raise TypeError(f"no strategy for annotation {t!r}")


@functools.cache
def models(cls: type[T], *, fixed: tuple[str, ...] = ()) -> st.SearchStrategy[T]:
    """Any instance of model ``cls``, optional fields sometimes ``UNSET``.

    Fields named in ``fixed`` keep their default: a variant drawn for a tagged union keeps the
    tag it is matched by.
    """

    def build() -> st.SearchStrategy[T]:
        hints = typing.get_type_hints(cls, include_extras=True)
        kwargs: dict[str, st.SearchStrategy[Any]] = {}
        for a in attrs.fields(typing.cast(Any, cls)):
            if not a.init:
                continue
            if a.name in fixed:
                kwargs[a.alias] = st.just(a.default)
            else:
                kwargs[a.alias] = values(hints[a.name])
        return st.fixed_dictionaries(kwargs).map(lambda kw: cls(**kw))

    # deferred: a model may (through lists or unions) contain itself
    return st.deferred(build)
