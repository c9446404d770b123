"""JSON in and out of the API's attrs models, through one cattrs configuration.

It comes in two strictnesses, built by the same :func:`make_converter`:

* :data:`converter` reads responses. It is lenient where the API grows: unknown fields are
  ignored, unknown enum values stay strings, unknown union variants stay raw
  (:class:`~mistral_core.models.UnknownVariant`), a constant (a ``Literal`` field: a
  role, an ``object``, a ``type`` outside a tagged union) keeps whatever value came;
  primitives are taken as JSON gave them.
* :data:`request_converter` checks what callers pass before anything is sent: a dict or
  a model wherever a model goes, no unknown keys, no ``"1"`` where an ``int`` goes, no
  string where a list goes. Its errors name the offending field. A dict may name a
  field by its JSON name (``textContent``) or its Python name (``text_content``, the
  official SDK's); a pydantic model (anything with ``model_dump``) is taken as its dict,
  and so is any value a plugin taught requests
  (:func:`~mistral_core.models.register_request_value`).

Both write only what was set: a field holding ``UNSET`` is left out of the JSON. Fields
the server sent that a model does not know are kept (``Model.model_extra``) and written
back.

Building the converters costs some milliseconds, so this module is imported on the
first call, not with ``mistral_core``.
"""

from __future__ import annotations

import enum
import functools
import itertools
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import is_sequence, list_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._guards import is_array, is_list_or_tuple, is_mapping, is_object
from .errors import FieldError
from .models import (
    UNSET,
    Model,
    OpenEnum,
    Tagged,
    UnknownVariant,
    Unset,
    extra_of,
    register_request_value,
    resolved_fields,
    taught_value,
)

__all__ = [
    "FieldError",
    "converter",
    "data_reader",
    "describe_problems",
    "dump",
    "make_converter",
    "read",
    "reader",
    "request_converter",
    "to_request_json",
    "without_none",
]

T = TypeVar("T")
StructureHook = Callable[[Any, Any], Any]

JSON_NAME = "json_name"
"""attrs field metadata key: the JSON name of a field whose Python name differs."""


def make_converter(
    *, strict: bool, detailed: bool = True, json_names: bool = True
) -> cattrs.Converter:
    """A converter that knows the building blocks of :mod:`mistral_core.models`.

    ``detailed`` keeps the path of every problem, at some cost in speed; without
    ``json_names``, models are written with the Python names of their fields.
    """
    conv = cattrs.Converter(forbid_extra_keys=strict, detailed_validation=detailed)
    _register_primitives(conv, strict=strict)
    conv.register_structure_hook_factory(is_sequence, _list_factory(conv))
    # By class, not predicate: the str hooks would otherwise catch these str subclasses first.
    conv.register_structure_hook(OpenEnum, _structure_open_enum)
    conv.register_unstructure_hook(OpenEnum, lambda member: member.value)
    conv.register_structure_hook_factory(attrs.has, _model_factory(conv, strict=strict))
    conv.register_unstructure_hook_factory(
        attrs.has, _model_unstructure_factory(conv, json_names=json_names)
    )
    conv.register_unstructure_hook(UnknownVariant, lambda v: dict(v.raw))
    conv.register_structure_hook_factory(_is_union, _union_factory(conv, strict=strict))
    conv.register_structure_hook_factory(_is_tagged, _tagged_factory(conv, strict=strict))
    if not strict:  # a constant that changes (``"role": "assistant_v2"``) is kept as sent
        conv.register_structure_hook_func(_is_literal, _passthrough)
    return conv


def _is_literal(t: Any) -> bool:
    return typing.get_origin(t) is typing.Literal


def read(payload: Any, cls: type[T]) -> T:
    """A response model from its JSON; a mismatch raises ``ValueError`` naming each problem."""
    read_one = _readers.get(cls)
    if read_one is None:
        read_one = _readers[cls] = reader(cls)
    model: T = read_one(payload)
    return model


_readers: dict[Any, Callable[[Any], Any]] = {}
"""The :func:`reader` of each class :func:`read` was asked for (once per response)."""


def reader(cls: type[T]) -> Callable[[Any], T]:
    """A function that reads ``cls`` from JSON, for reading many (the events of a stream).

    Parsing takes the fast path; only a payload that fails is parsed again, slowly, to
    say where it went wrong (as a ``ValueError`` naming each problem).
    """
    structure = converter.get_structure_hook(cls)

    def read_one(payload: Any) -> T:
        try:
            return structure(payload, cls)  # type: ignore[no-any-return]
        except Exception as error:
            raise ValueError(_explained(error, payload, cls, strict=False)) from None

    return read_one


def data_reader(cls: type[T]) -> Callable[[Any, object], T]:
    """A function that makes ``cls``, a model whose one field is ``data``, from the JSON
    of that field: a streamed event from its data (and the event it came in, unread),
    with no dict around it.

    One call per streamed token, where ``cls(data=reader(data_type)(payload))`` makes
    three (the models inside written in place, see :class:`_ReaderSource`); a payload
    that does not fit raises the ``ValueError`` of :func:`reader`.
    """
    model_class: Any = cls
    data_type: Any = resolved_fields(model_class)[0].type
    if not _can_fill_slots(cls):  # made by its constructor, which may check more
        read_data = reader(data_type)
        return lambda payload, _: cls(data=read_data(payload))  # type: ignore[call-arg]
    source = _ReaderSource(converter, forbid_extra_keys=False)
    source.namespace.update(__event=cls, __data_type=data_type, __explained=_explained)
    read = source.value(data_type, "data", "o", "i.data", (cls,)) or ["i.data = o"]
    lines = ["i = __new(__event)", *read, "i._extra = None", "return i"]
    return source.compiled(
        "read_event",
        [
            "try:",
            *_indented(lines),
            "except Exception as error:",
            "    raise ValueError(__explained(error, o, __data_type, strict=False)) from None",
        ],
        cls,
    )


def _explained(fast_error: Exception, value: Any, cls: type, *, strict: bool) -> str:
    """What is wrong with ``value``, found again by a slow pass that records every path."""
    try:
        _detailed_converter(strict).structure(value, cls)
    except Exception as exc:
        return "; ".join(describe_problems(exc, _root_name(cls)))
    return f"{_root_name(cls)}: {fast_error}"


def _root_name(cls: Any) -> str:
    return getattr(cls, "__name__", None) or str(cls).replace("typing.", "")


@functools.cache
def _detailed_converter(strict: bool) -> cattrs.Converter:
    return make_converter(strict=strict)


def to_request_json(value: Mapping[str, Any], cls: type[T]) -> Any:
    """Check caller input against ``cls`` and return the JSON-ready form that is sent.

    Dict input and model input give identical JSON, because both go through the model.
    """
    try:
        model = request_converter.get_structure_hook(cls)(value, cls)
    except Exception as error:
        plain = _plain(value)
        if plain is not value:  # pydantic models or taught values in it: checked again
            return to_request_json(plain, cls)
        raise FieldError(_explained(error, value, cls, strict=True)) from None
    return request_converter.unstructure(model)


def _plain(value: Any) -> Any:
    """``value`` with every value that is neither JSON nor one of our models (a pydantic
    model, a value a plugin taught) replaced by what it is sent as; ``value`` itself
    when there is none.

    Only a call whose input failed the fast check pays for this walk.
    """
    if is_mapping(value):
        items = {key: _plain(item) for key, item in value.items()}
        changed = any(items[key] is not item for key, item in value.items())
        return items if changed else value
    if is_list_or_tuple(value):
        converted = [_plain(item) for item in value]
        changed = any(new is not old for new, old in zip(converted, value, strict=True))
        return converted if changed else value
    if isinstance(value, Model):
        return value
    taught = taught_value(value)
    return value if taught is value else _plain(taught)


def _is_pydantic_model(value: Any) -> bool:
    """Anything with ``model_dump`` (ours are models, never asked about)."""
    return callable(getattr(value.__class__, "model_dump", None))


def _pydantic_json(value: Any) -> Any:
    return value.model_dump(mode="json", by_alias=True, exclude_none=True)


register_request_value(_is_pydantic_model, _pydantic_json)


def dump(model: Any, *, by_alias: bool = True) -> Any:
    """The JSON value of a model: by JSON names, or with ``by_alias=False`` by the Python
    names of its fields."""
    return (converter if by_alias else _python_names_converter()).unstructure(model)


@functools.cache
def _python_names_converter() -> cattrs.Converter:
    return make_converter(strict=False, detailed=False, json_names=False)


def without_none(value: Any) -> Any:
    """A JSON value with every ``None`` member of its objects left out, at any depth."""
    if is_object(value):
        return {key: without_none(item) for key, item in value.items() if item is not None}
    if is_array(value):
        return [without_none(item) for item in value]
    return value


def describe_problems(
    exc: BaseException, root: str = "(root)", *, path: str = "", extra_body_hint: bool = True
) -> list[str]:
    """One ``path: problem`` line per problem in a structuring error.

    ``root`` names a problem of the value itself; ``path``, if given, starts the path of
    every problem (``place`` for ``place.city``). An unknown field of a request's body
    comes with a hint at ``extra_body=``, unless ``extra_body_hint`` is false (the value
    read is not a request: a user's own class).
    """
    if not isinstance(exc, cattrs.BaseValidationError):
        return [f"{path or root}: {exc}"]
    problems: list[str] = []
    for message in cattrs.transform_error(exc, path=path, format_exception=_format_problem):
        problem, _, where = message.rpartition(" @ ")
        if extra_body_hint and not where and problem.startswith("unknown field"):
            problem += " (extra_body= sends fields this client does not know)"
        problems.append(f"{where.lstrip('.') or root}: {problem}")
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
    accepted: dict[type, tuple[type, ...]] = {str: (str,), bool: (bool,), int: (int,)}
    accepted[float] = (int, float)  # JSON's 1 is a float's value too
    for kind, types in accepted.items():
        conv.register_structure_hook(kind, _checked(kind, types) if strict else _passthrough)
    conv.register_structure_hook(Any, _passthrough)


def _passthrough(value: Any, _: Any) -> Any:
    return value


def _checked(kind: type, types: tuple[type, ...]) -> StructureHook:
    """A value of ``types`` (never a bool where a number goes), or a ``TypeError``."""
    refuses_bool = kind is not bool

    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, types) and not (refuses_bool and value.__class__ is bool):
            return value
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__} {value!r:.60}")

    return structure


def _list_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(list_type: Any) -> StructureHook:
        if conv.detailed_validation:
            structure_items = list_structure_factory(list_type, conv)  # keeps item paths

            def structure_detailed(value: Any, t: Any) -> Any:
                if not isinstance(value, (list, tuple)):
                    raise _not_a_list(value)
                return structure_items(value, t)

            return structure_detailed
        item_type = _item_type(list_type)
        item_hook = conv.get_structure_hook(item_type)
        item_types = itertools.repeat(item_type)  # (``map`` costs less than a comprehension)

        def structure(value: Any, _: Any) -> Any:  # one call per list: on the hot path
            if not isinstance(value, (list, tuple)):
                raise _not_a_list(value)
            return [*map(item_hook, value, item_types)]  # pyright: ignore[reportUnknownArgumentType]

        return structure

    return factory


def _item_type(list_type: Any) -> Any:
    args = typing.get_args(list_type)
    return args[0] if args else Any


def _not_a_list(value: Any) -> TypeError:
    return TypeError(f"expected a list, got {type(value).__name__} {value!r:.60}")


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


def _json_keys(cls: type) -> frozenset[str]:
    return frozenset(a.metadata.get(JSON_NAME, a.name) for a in attrs.fields(cls))


def _aliases(cls: type) -> dict[str, str]:
    """Python name -> JSON name, for the fields whose names differ."""
    return {a.name: a.metadata[JSON_NAME] for a in attrs.fields(cls) if JSON_NAME in a.metadata}


def _known_keys(cls: type) -> frozenset[str]:
    """The keys an object of ``cls`` may have: JSON names and Python names."""
    return _json_keys(cls) | frozenset(_aliases(cls))


def _with_json_names(value: Mapping[str, Any], aliases: Mapping[str, str]) -> dict[str, Any]:
    """``value`` with each field given by its Python name renamed to its JSON name."""
    renamed: dict[str, Any] = {}
    for key, item in value.items():
        json_key = aliases.get(key, key)
        if json_key in renamed or (json_key != key and json_key in value):
            raise ValueError(f"{key!r} and {json_key!r} name the same field: give one of them")
        renamed[json_key] = item
    return renamed


def _model_factory(conv: cattrs.Converter, *, strict: bool) -> Callable[[Any], StructureHook]:
    def factory(cls: type[Any]) -> StructureHook:
        structure_fields: StructureHook
        if conv.detailed_validation:
            structure_fields = make_dict_structure_fn(
                cls,
                conv,
                _cattrs_forbid_extra_keys=strict,
                _cattrs_detailed_validation=True,
                **_json_names(cls),
            )
        else:  # a failure is explained by a detailed pass
            structure_fields = _fast_structure_fn(cls, conv, forbid_extra_keys=strict)
            if not strict:
                return structure_fields

        aliases, keys = _aliases(cls), _json_keys(cls)
        names = [(a.metadata.get(JSON_NAME, a.name), a.name) for a in attrs.fields(cls)]

        def structure(value: Any, t: Any) -> Any:
            extra = None
            if isinstance(value, cls):  # a model built by the caller is checked like a dict
                extra = extra_of(value)  # what the server sent it with goes back as it was
                value = {
                    key: item for key, name in names if (item := getattr(value, name)) is not UNSET
                }  # one level: the models in it are checked (their extras kept) in their turn
            elif value.__class__ is not dict and not is_mapping(value):  # (dict first: quicker)
                raise TypeError(
                    f"expected an object ({cls.__name__}), got {type(value).__name__} {value!r:.60}"
                )
            elif aliases and not keys.issuperset(value):  # Python names (the official SDK's)
                value = _with_json_names(value, aliases)
            model = structure_fields(value, t)
            if extra:
                object.__setattr__(model, "_extra", extra)
            return model

        return structure

    return factory


def _fast_structure_fn(
    cls: type, conv: cattrs.Converter, *, forbid_extra_keys: bool
) -> StructureHook:
    """Reads ``cls`` from a JSON object in one call, for every request and response.

    cattrs' own function gathers optional fields in a dict first; here each field is one
    keyword argument (or one slot set), an optional one found with ``in`` and ``[]`` or,
    in a large model, one ``o.get`` (see :data:`_FEW_FIELDS`), and a field that JSON
    gives as it is (``str``, ``int``...) is read with no call at all; in responses, nor
    are lists, open enums and ``None`` (see :func:`_inline_read`), nor the models nested
    in the model (see :class:`_ReaderSource`), and in requests a value of the field's one
    primitive type (see :func:`_inline_check`). A missing required key raises
    ``KeyError``, an unknown one (when forbidden) ``ValueError``; :func:`_explained` says
    which, with a detailed pass. Otherwise the keys left over are the model's ``_extra``
    (``None`` when there are none, which one set comparison tells), so that nothing the
    server sent is lost.
    """
    source = _ReaderSource(conv, forbid_extra_keys=forbid_extra_keys)
    lines = [*source.model(cls, "o", ()), "return i"]
    return source.compiled("structure", lines, cls)


class _ReaderSource:
    """The source of one generated reader, and the namespace it runs in.

    In a response's reader (lenient, slots filled), a field that holds a model, or a list
    of models, is read by statements written in place rather than by a call to that
    model's own reader, down to :data:`_INLINE_DEPTH` levels and up to
    :data:`_INLINE_MODELS` models (a model that contains itself is not written inside
    itself): a streamed event is then one call, not four.
    Each model written gets a number, which names its constants in the namespace.
    """

    def __init__(self, conv: cattrs.Converter, *, forbid_extra_keys: bool) -> None:
        self._conv = conv
        self._forbid_extra_keys = forbid_extra_keys
        self._models = 0
        self.namespace: dict[str, Any] = {
            "__Mapping": Mapping,
            "__new": object.__new__,
            "__set": object.__setattr__,
            "__absent": _ABSENT,
        }

    def compiled(self, name: str, lines: list[str], cls: Any) -> StructureHook:
        """The function ``name(o, _)`` whose body is ``lines``."""
        source = f"def {name}(o, _):\n" + "".join(f"    {line}\n" for line in lines)
        label = f"<mistral_core {name} {_root_name(cls)}>"
        exec(compile(source, label, "exec"), self.namespace)
        return self.namespace[name]  # type: ignore[no-any-return]

    def model(self, cls: type, source: str, outer: tuple[type, ...]) -> list[str]:
        """Lines that read ``cls`` from the JSON object named ``source`` into a new
        instance, named ``i`` (``i1``, ``i2``... inside the ``outer`` models)."""
        number = self._models
        self._models += 1
        prefix = "" if number == 0 else f"{number}_"
        depth = len(outer)
        instance, value = ("i", "v") if depth == 0 else (f"i{depth}", f"v{depth}")
        fields = resolved_fields(cls)
        keys = [field.metadata.get(JSON_NAME, field.name) for field in fields]
        cls_name, keys_name = f"__cls{number or ''}", f"__keys{number or ''}"
        self.namespace[cls_name], self.namespace[keys_name] = cls, frozenset(keys)
        fills_slots = _can_fill_slots(cls)
        one_lookup = len(fields) > _FEW_FIELDS and not self._forbid_extra_keys
        lines = [  # a string or a list is not an object, even where every field is optional
            f"if {source}.__class__ is not dict and not isinstance({source}, __Mapping):",
            "    raise TypeError('expected an object')",
        ]
        if self._forbid_extra_keys:
            lines += [
                f"if not {keys_name}.issuperset({source}):",
                "    raise ValueError('unknown field')",
            ]
        if fills_slots:
            lines.append(f"{instance} = __new({cls_name})")
        arguments: list[str] = []  # the keyword arguments of the class, when it is called
        for index, field in enumerate(fields):
            key, name = repr(keys[index]), f"{prefix}{index}"
            default = None
            if field.default is not attrs.NOTHING:
                default = f"__default{name}"
                self.namespace[default] = field.default
            if not fills_slots:
                argument = self._argument(field.type, name, source, key, default)
                arguments.append(f"{field.alias}={argument}")
                continue
            target = f"{instance}.{field.name}"
            read = self.value(field.type, name, value, target, (*outer, cls))
            if read is None and default is None:  # required: a missing key raises KeyError
                lines.append(f"{target} = {source}[{key}]")
            elif read is None and one_lookup:
                lines.append(f"{target} = {source}.get({key}, {default})")
            elif read is None:
                lines.append(f"{target} = {source}[{key}] if {key} in {source} else {default}")
            elif default is None:
                lines += [f"{value} = {source}[{key}]", *read]
            elif one_lookup:  # the value read when present, the default as it is when absent
                lines.append(f"{value} = {source}.get({key}, __absent)")
                lines += _either(f"{value} is __absent", [f"{target} = {default}"], read)
            else:
                lines += _either(
                    f"{key} in {source}",
                    [f"{value} = {source}[{key}]", *read],
                    [f"{target} = {default}"],
                )
        if not fills_slots:
            lines.append(f"{instance} = {cls_name}({', '.join(arguments)})")
        if issubclass(cls, Model):
            extra = "None" if self._forbid_extra_keys else _left_over(keys_name, source)
            setter = (
                f"{instance}._extra = {{}}" if fills_slots else f"__set({instance}, '_extra', {{}})"
            )
            lines.append(setter.format(extra))
        return lines

    def _argument(self, t: Any, name: str, source: str, key: str, default: str | None) -> str:
        """The keyword argument of a field of type ``t``, for a class that is called."""
        item = f"{source}[{key}]"
        value = item if self._hook(t, name) is None else f"__hook{name}({item}, __type{name})"
        return value if default is None else f"{value} if {key} in {source} else {default}"

    def _hook(self, t: Any, name: str) -> StructureHook | None:
        """The hook of type ``t`` as ``__hook{name}`` (and ``t`` as ``__type{name}``), or
        ``None`` for a type that JSON gives as it is."""
        try:
            hook = self._conv.get_structure_hook(t)
        except RecursionError:  # a model that contains itself: look the hook up late
            hook = self._conv.structure
        if hook is _passthrough:
            return None
        self.namespace[f"__hook{name}"], self.namespace[f"__type{name}"] = hook, t
        return hook

    def value(
        self, t: Any, name: str, value: str, target: str, outer: tuple[type, ...]
    ) -> list[str] | None:
        """Lines that set ``target`` to the JSON value named ``value`` read as ``t``, or
        ``None`` where the JSON value is taken as it is."""
        if not self._forbid_extra_keys:
            nested = self._nested(t, name, value, target, outer)
            if nested is not None:
                return nested
        if self._hook(t, name) is None:
            return None
        read = f"__hook{name}({value}, __type{name})"
        if self._forbid_extra_keys:
            read = _inline_check(self._conv, t, name) or read
        else:
            read = _inline_read(self._conv, t, name, self.namespace, value) or read
        return [f"{target} = {read}"]

    def _nested(
        self, t: Any, name: str, value: str, target: str, outer: tuple[type, ...]
    ) -> list[str] | None:
        """For a field that holds a model or a list of models: the statements that read
        it in place (``None`` for any other field, or past the depth written in place)."""
        members = _members(t)
        member = members[0] if len(members) == 1 else None
        is_list = typing.get_origin(member) is list
        model = _item_type(member) if is_list else member
        if not self._inlined(model, outer):
            return None
        depth = len(outer)
        if is_list:
            items, item = f"l{depth}", f"o{depth}"
            _hook_in(self._conv, t, self.namespace, f"__hook{name}")
            self.namespace[f"__type{name}"] = t
            loop = [
                f"{items} = []",
                f"for {item} in {value}:",
                *_indented([*self.model(model, item, outer), f"{items}.append(i{depth})"]),
                f"{target} = {items}",
            ]
            lines = _either(
                f"{value}.__class__ is list",
                loop,
                [f"{target} = __hook{name}({value}, __type{name})"],
            )
        else:
            lines = [*self.model(model, value, outer), f"{target} = i{depth}"]
        if _is_union(t) and type(None) in typing.get_args(t):
            lines = _either(f"{value} is None", [f"{target} = None"], lines)
        return lines

    def _inlined(self, model: Any, outer: tuple[type, ...]) -> typing.TypeGuard[type]:
        """Whether a response's ``model`` is read in place, inside the ``outer`` models."""
        return (
            len(outer) <= _INLINE_DEPTH
            and self._models < _INLINE_MODELS
            and isinstance(model, type)
            and attrs.has(model)
            and issubclass(model, Model)
            and model not in outer
            and _can_fill_slots(model)
        )


def _either(condition: str, then: list[str], otherwise: list[str]) -> list[str]:
    """``if condition: then, else: otherwise``, as lines."""
    return [f"if {condition}:", *_indented(then), "else:", *_indented(otherwise)]


def _indented(lines: list[str]) -> list[str]:
    return [f"    {line}" for line in lines]


_INLINE_DEPTH = 3
"""How many levels of nested models below its own a response's reader writes in place:
a streamed event's chunk, the chunk's choices and their deltas; deeper ones (a delta's
tool calls) are read by calls."""

_INLINE_MODELS = 8
"""How many models one reader writes in all, its own included: the answer of a chat
completion or a streamed chunk needs 5; a model of many nested models (an MCP
connector's card) reads the rest by calls, which keeps its reader's source, and the
time to compile it on the first call, small."""


_FEW_FIELDS = 6
"""The most fields of a model whose optional fields are read with ``in`` and ``[]``;
a larger one's with ``o.get``, one lookup (in responses: a request's are mostly absent).

``in`` costs less for an absent key, ``get`` for a present one, since each lookup
compares the key (orjson's keys are not our strings), and more so in an object of more
than five keys (orjson makes those with the table that compares keys the slow way): the
objects of a large model are larger and have most of their fields; a small model's
(a streamed delta) leave most of them out. By valgrind's count, ``get`` everywhere made
a streamed event cost 640 instructions more (of 37,000), ``in`` everywhere a list of 200
model cards 390,000 more (of 8.9 million)."""

_ABSENT = object()
"""What a generated reader's ``get`` gives for a key the JSON object lacks."""


def _inline_read(
    conv: cattrs.Converter, t: Any, name: str, namespace: dict[str, Any], value: str = "v"
) -> str | None:
    """An expression that reads a response's field of type ``t`` from the JSON value
    named ``value`` with no call in the common cases (a list, an open enum, ``None``, a
    model in an optional field, a string in ``str | list[Chunk]``), or ``None`` when the
    field's hook is as fast.

    Readers of responses only. Whatever the expression does not take itself (a tuple
    for a list, a ``str`` subclass for an enum) goes to the field's own hook,
    ``__hook{name}``, so that the result is always the hook's.
    """
    members = _members(t)
    hook = f"__hook{name}({value}, __type{name})"
    read = hook
    if len(members) == 1:
        read = _inline_member(conv, members[0], t, name, namespace, value) or read
    elif as_is := _union_plan(_union_candidates(conv, members))[2]:
        namespace[f"__as_is{name}"] = as_is
        read = f"{value} if {value}.__class__ in __as_is{name} else {hook}"
    if _is_union(t) and type(None) in typing.get_args(t):
        read = f"None if {value} is None else {read}"
    return None if read == hook else read


def _inline_check(conv: cattrs.Converter, t: Any, name: str) -> str | None:
    """For a request's field of type ``t``: an expression that takes a value of exactly
    a primitive type that ``t`` holds (or ``None``, where it may be null) with no call,
    and leaves everything else to the field's hook, which checks it (``int`` for
    ``float``) or says what is wrong; ``None`` when ``t`` holds no primitive type.

    In a union, a primitive type is taken so only when no other member takes its
    values (the ``str`` of ``str | list[Chunk]``, not of ``MyEnum | str``)."""
    members = _members(t)
    if len(members) == 1:
        exact = [members[0]] if members[0] in _PRIMITIVES else []
    else:
        only_member = _only_member_by_json_type(_union_candidates(conv, members))
        exact = [kind for kind, (_, member) in only_member.items() if member is kind]
        exact = [kind for kind in exact if kind in _PRIMITIVES]
    if not exact:
        return None
    taken = " or ".join(f"v.__class__ is {kind.__name__}" for kind in exact)
    read = f"v if {taken} else __hook{name}(v, __type{name})"
    if _is_union(t) and type(None) in typing.get_args(t):
        read = f"None if v is None else {read}"
    return read


_PRIMITIVES = (str, int, float, bool)


def _members(t: Any) -> list[Any]:
    """The types a response's field of type ``t`` may hold (``UNSET`` and ``None`` aside);
    an open enum alone for ``MyEnum | str``, since it takes any string."""
    args = typing.get_args(t) if _is_union(t) else (t,)
    members = [m for m in args if m is not Unset and m is not type(None)]
    if len(members) == 2 and members[1] is str and _is_open_enum(members[0]):
        return members[:1]
    return members


def _inline_member(
    conv: cattrs.Converter, member: Any, t: Any, name: str, namespace: dict[str, Any], value: str
) -> str | None:
    """The expression of :func:`_inline_read` for the one type a field of type ``t`` holds
    (``None`` for a model that is the field's type: its hook is the field's)."""
    hook = f"__hook{name}({value}, __type{name})"
    if _is_open_enum(member):
        namespace[f"__enum{name}"] = member._value2member_map_
        return f"__enum{name}.get({value}, {value}) if {value}.__class__ is str else {hook}"
    if typing.get_origin(member) is list:
        item_type = _item_type(member)
        namespace[f"__itemtypes{name}"] = itertools.repeat(item_type)
        item = _hook_in(conv, item_type, namespace, f"__item{name}")
        items = (
            f"[*{value}]"
            if item is _passthrough
            else f"[*map(__item{name}, {value}, __itemtypes{name})]"
        )
        return f"{items} if {value}.__class__ is list else {hook}"
    if member is t:
        return None
    namespace[f"__membertype{name}"] = member
    _hook_in(conv, member, namespace, f"__member{name}")
    return f"__member{name}({value}, __membertype{name})"


def _hook_in(conv: cattrs.Converter, t: Any, namespace: dict[str, Any], name: str) -> StructureHook:
    """Put the hook of ``t`` in a generated reader's ``namespace`` under ``name``.

    The hook of a model or a container is looked up on its first call, by a stand-in
    that then takes its place: a model may contain itself, and a union member that never
    comes costs nothing. Others (primitives, unions, enums) are cheap to make now.
    """
    if not (attrs.has(t) or typing.get_origin(t) in (list, dict)):
        hook = namespace[name] = conv.get_structure_hook(t)
        return hook

    def look_up(value: Any, type_: Any) -> Any:
        hook = namespace[name] = conv.get_structure_hook(t)
        return hook(value, type_)

    namespace[name] = look_up
    return look_up


def _left_over(keys: str, source: str) -> str:
    """An expression: the keys of the JSON object ``source`` that no field of the model
    (whose JSON keys are the set ``keys``) takes, ``None`` when there are none."""
    return (
        f"None if {keys}.issuperset({source}) else "
        f"{{key: item for key, item in {source}.items() if key not in {keys}}}"
    )


def _can_fill_slots(cls: type) -> bool:
    """Whether an instance may be made without ``__init__``: it would only set the fields.

    Setting the slots of a fresh instance is much faster than calling ``__init__`` with
    keyword arguments, and it is what such an ``__init__`` does.
    """
    fields = attrs.fields(cls)
    return (
        "__slots__" in cls.__dict__
        and not getattr(cls, "__attrs_post_init__", None)
        and not getattr(cls, "__attrs_pre_init__", None)
        and getattr(cls, "__setattr__") is object.__setattr__  # noqa: B009 - no frozen base
        and all(f.init and f.validator is None and f.converter is None for f in fields)
    )


def _model_unstructure_factory(
    conv: cattrs.Converter, *, json_names: bool
) -> Callable[[Any], Callable[[Any], Any]]:
    by_class = _ClassHooks(conv)

    def factory(cls: type[Any]) -> Callable[[Any], Any]:
        if typing.get_origin(cls) is not None:  # a generic model given its parameters
            return by_class.unstructure  # (``Parsed[T]``): written by the value's class
        if issubclass(cls, Model):
            return _fast_unstructure_fn(cls, conv, by_class, json_names=json_names)
        return _cattrs_unstructure_fn(cls, conv, json_names=json_names)

    return factory


def _cattrs_unstructure_fn(
    cls: type, conv: cattrs.Converter, *, json_names: bool
) -> Callable[[Any], Any]:
    """cattrs' function, for an attrs class that is not a model (a user's own)."""
    overrides = _json_names(cls) if json_names else {}
    for a in attrs.fields(cls):
        if isinstance(a.default, Unset):
            overrides[a.name] = override(
                omit_if_default=True, rename=overrides.get(a.name, override()).rename
            )
    unstructure_fields: Callable[[Any], Any] = make_dict_unstructure_fn(cls, conv, **overrides)
    return unstructure_fields


def _fast_unstructure_fn(
    cls: type, conv: cattrs.Converter, by_class: _ClassHooks, *, json_names: bool
) -> Callable[[Any], Any]:
    """Writes a model as a JSON object in one call (every request body is written so).

    cattrs' own function compares every optional field with its default (``!=``) and
    calls every field's hook; here an ``UNSET`` field is left out with ``is``, a value
    of a plain JSON type (which every hook returns as it is) is taken with no call, a
    list of items by ``map`` over its items' hook, a union's value by the hook of its
    class (:class:`_ClassHooks`), and what the server sent beyond the fields (``_extra``)
    goes back as it came.
    """
    namespace: dict[str, Any] = {"__UNSET": UNSET, "__plain": _PLAIN_JSON}
    required: list[str] = []
    optional: list[str] = []
    for index, field in enumerate(resolved_fields(cls)):
        key = repr(field.metadata.get(JSON_NAME, field.name) if json_names else field.name)
        namespace[f"__hook{index}"] = _unstructure_hook(conv, field.type, by_class)
        value = f"v if v.__class__ in __plain else __hook{index}(v)"
        item_type = _item_type(field.type) if typing.get_origin(field.type) is list else None
        if item_type is not None:
            namespace[f"__item{index}"] = _unstructure_hook(conv, item_type, by_class)
            value = f"[*map(__item{index}, v)] if v.__class__ is list else __hook{index}(v)"
        if isinstance(field.default, Unset):
            optional.append(
                f"    v = m.{field.name}\n    if v is not __UNSET:\n        o[{key}] = {value}\n"
            )
        else:
            required.append(f"    v = m.{field.name}\n    o[{key}] = {value}\n")
    source = (
        "def unstructure(m):\n    o = {}\n"
        + "".join(required + optional)
        + "    try:\n        extra = m._extra\n"
        + "    except AttributeError:  # built by its constructor: nothing was read\n"
        + "        return o\n    if extra:\n        o.update(extra)\n    return o\n"
    )
    exec(compile(source, f"<mistral_core unstructure {cls.__qualname__}>", "exec"), namespace)
    return namespace["unstructure"]  # type: ignore[no-any-return]


_PLAIN_JSON = frozenset({str, int, float, bool, type(None)})
"""The classes whose values every unstructure hook returns as they are."""


class _ClassHooks(dict[type, Callable[[Any], Any]]):
    """The unstructure hook of each class met in a union, looked up once per class.

    cattrs writes a union's value by the hook of the value's own class, looked up on
    every call through its dispatch chain; a dictionary keeps what it found.
    """

    def __init__(self, conv: cattrs.Converter) -> None:
        super().__init__()
        self._conv = conv

    def __missing__(self, cls: type) -> Callable[[Any], Any]:
        hook = self[cls] = self._conv.get_unstructure_hook(cls)
        return hook

    def unstructure(self, value: Any) -> Any:
        return self[value.__class__](value)


def _unstructure_hook(
    conv: cattrs.Converter, t: Any, by_class: _ClassHooks
) -> Callable[[Any], Any]:
    """The hook that writes a value of type ``t``: a union's, by the value's class."""
    if _is_union(t) or _is_tagged(t):
        return by_class.unstructure
    return conv.get_unstructure_hook(t)


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
        hooks: dict[type, StructureHook] = {}  # each variant's, made when first needed

        def keys_of(variant: type) -> frozenset[str]:
            return _known_keys(variant)

        def hook_of(variant: type) -> StructureHook:
            hook = hooks.get(variant)
            if hook is None:
                hook = hooks[variant] = conv.get_structure_hook(variant)
            return hook

        def structure(value: Any, _: Any) -> Any:
            # JSON gives dicts: the rest is the caller's input (``__class__``, not
            # ``type()``, which would make type checkers take ``value`` for an untyped dict)
            if value.__class__ is not dict:
                if isinstance(value, UnknownVariant):
                    return value
                if isinstance(value, known):
                    return hook_of(type(value))(value, type(value))
                if not is_mapping(value):
                    raise TypeError(f"expected an object, got {type(value).__name__} {value!r:.60}")
            tag_value = value.get(tag)
            variant = by_tag.get(tag_value) if isinstance(tag_value, str) else None
            if variant is None and tagged.optional and tag not in value:
                variant = max(known, key=lambda v: len(keys_of(v).intersection(value)))
            if variant is not None:  # (its hook looked up here: once per object of a list)
                return (hooks.get(variant) or hook_of(variant))(value, variant)
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
        candidates = _union_candidates(conv, members)
        if not strict and len(members) == 1:  # X | Unset, X | None: X's own hook suffices
            return _or_none(candidates[0][1], members[0]) if nullable else candidates[0][1]
        if not strict and all(hook is _passthrough for _, hook, _ in candidates):
            return _passthrough  # lenient primitives (str | int, ...) are taken as they are
        names = " | ".join([*(_type_name(m) for m in members), *(["None"] if nullable else [])])
        candidates, only_member, as_is = _union_plan(candidates)

        def structure(value: Any, _: Any) -> Any:
            if value is None and nullable:
                return None
            if type(value) in as_is:  # lenient and primitive: nothing to do
                return value
            only = only_member.get(value.__class__)  # (``type()`` would be untyped here)
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


Candidate = tuple[Callable[[Any], bool], StructureHook, Any]
OnlyMember = dict[type, tuple[StructureHook, Any]]


def _union_candidates(conv: cattrs.Converter, members: list[Any]) -> list[Candidate]:
    """The members of a union (``UNSET`` and ``None`` aside), as they are tried."""
    return _tagged_last(_enums_merged([(_accepts(m), _when_needed(conv, m), m) for m in members]))


def _union_plan(candidates: list[Candidate]) -> tuple[list[Candidate], OnlyMember, frozenset[type]]:
    """How a union of several members reads a value: the members in the order they are
    tried, the one member that takes each kind of JSON value (where just one does), and
    the kinds of JSON value it takes as they are (``str`` in ``str | list[Chunk]``)."""
    candidates = _best_fit_first(candidates)
    only_member = _only_member_by_json_type(candidates)
    as_is = frozenset(kind for kind, (hook, _) in only_member.items() if hook is _passthrough)
    return candidates, only_member, as_is


def _best_fit_first(candidates: list[Candidate]) -> list[Candidate]:
    """Several models in one union without a tag: an object goes to the one whose
    constants it has, then to the one that knows most of its keys.

    Reading ignores unknown keys, so the first model whose required fields an object has
    would take it, even one that knows none of its other keys (a filter group of only
    optional fields would swallow every filter condition); and it keeps any value of a
    constant, so workflow events that differ only by their ``event_type`` would all be
    read as the first. The models are tried by how many of the object's constants each
    contradicts, fewest first, then by how many of its keys each knows, most first; a
    tie keeps their order.
    """
    models = [c for c in candidates if attrs.has(c[2])]
    if len(models) < 2:
        return candidates
    keys = [_known_keys(c[2]) for c in models]
    constants = [_constants(c[2]) for c in models]

    def rank(value: Mapping[str, Any], index: int) -> tuple[int, int]:
        contradicted = sum(
            1 for key, allowed in constants[index] if key in value and value[key] not in allowed
        )
        return contradicted, -len(keys[index].intersection(value))

    def structure(value: Any, _: Any) -> Any:
        if not is_mapping(value):
            raise TypeError(f"expected an object, got {type(value).__name__} {value!r:.60}")
        ranked = sorted(range(len(models)), key=lambda index: rank(value, index))
        error: Exception | None = None
        for index in ranked:
            accepts, hook, model = models[index]
            if accepts(value):
                try:
                    return hook(value, model)
                except Exception as exc:  # the next model may fit
                    error = error or exc
        raise error or TypeError(f"no model of the union takes {value!r:.60}")

    objects: Candidate = (lambda value: isinstance(value, Mapping), structure, models[0][2])
    instances: list[Candidate] = [(_instance_of(c[2]), c[1], c[2]) for c in models]
    first = candidates.index(models[0])
    rest = [c for c in candidates if c not in models]
    return [*rest[:first], *instances, objects, *rest[first:]]


def _constants(cls: type) -> list[tuple[str, tuple[Any, ...]]]:
    """The JSON keys of a model's ``Literal`` fields, with the values each may hold."""
    constants: list[tuple[str, tuple[Any, ...]]] = []
    for field in resolved_fields(cls):
        members = typing.get_args(field.type) if _is_union(field.type) else (field.type,)
        allowed = tuple(v for m in members if _is_literal(m) for v in typing.get_args(m))
        if allowed:
            constants.append((field.metadata.get(JSON_NAME, field.name), allowed))
    return constants


def _enums_merged(candidates: list[Candidate]) -> list[Candidate]:
    """Several open enums in one union (``A | B | str``) read a value as one turn.

    Each open enum takes any string (an unknown one stays a string): tried in turn, the
    first would keep the values of the others as plain strings. Together, a value
    becomes the member of the first enum that knows it.
    """
    enums = [c for c in candidates if _is_open_enum(c[2])]
    if len(enums) < 2:
        return candidates
    members: dict[Any, OpenEnum] = {}
    for _, _, enum_type in reversed(enums):
        members.update(enum_type._value2member_map_)

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {type(value).__name__} {value!r:.60}")
        return members.get(value, value)

    merged: Candidate = (enums[0][0], structure, enums[0][2])
    first = candidates.index(enums[0])
    rest = [c for c in candidates if c not in enums]
    return [*rest[:first], merged, *rest[first:]]


def _tagged_last(candidates: list[Candidate]) -> list[Candidate]:
    """A tagged union beside other kinds of object takes only the tags it knows, at first.

    It takes any object (an unknown tag is an ``UnknownVariant``), so tried first it
    would shadow the union's other models: it gets a turn for its known tags in its
    place, and a last turn, after every other member, for the objects none of them took.
    """
    tagged = [c for c in candidates if _tagged_of(c[2]) is not None]
    takes_objects = [c for c in candidates if c[0]({})]
    if not tagged or len(takes_objects) < 2:
        return candidates
    first_turns = [_known_tags_only(c) if c in tagged else c for c in candidates]
    return first_turns + tagged


def _instance_of(kind: type[Any]) -> Callable[[Any], bool]:
    """Whether a value is a ``kind`` (a model the caller built)."""
    return lambda value: isinstance(value, kind)


def _known_tags_only(candidate: Candidate) -> Candidate:
    accepts, hook, member = candidate
    tagged = _tagged_of(member)
    assert tagged is not None
    known = {_variant_tag(v, tagged.tag) for v in _variants(member) if v is not UnknownVariant}

    def accepts_known(value: Any) -> bool:
        if is_mapping(value):
            tag = value.get(tagged.tag)
            return isinstance(tag, str) and tag in known
        return accepts(value)

    return accepts_known, hook, member


def _when_needed(conv: cattrs.Converter, member: Any) -> StructureHook:
    """The hook of a union member, made when the first value of that member comes.

    Unions fan out (a message holds content chunks, a tool list holds every kind of
    tool): making every member's hook up front would make the first call build them all.
    """
    if not (attrs.has(member) or typing.get_origin(member) is not None):
        return conv.get_structure_hook(member)  # a primitive or an enum: nothing to build
    made: list[StructureHook] = []

    def structure(value: Any, t: Any) -> Any:
        if not made:
            made.append(conv.get_structure_hook(member))
        return made[0](value, t)

    return structure


def _or_none(hook: StructureHook, member: Any) -> StructureHook:
    if hook is _passthrough:
        return _passthrough

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else hook(value, member)

    return structure


_JSON_SAMPLES: dict[type, Any] = {str: "", int: 0, float: 0.5, bool: False, list: [], dict: {}}


def _only_member_by_json_type(
    candidates: list[tuple[Callable[[Any], bool], StructureHook, Any]],
) -> OnlyMember:
    """For each JSON value type, the hook of the one member that takes it (if just one)."""
    if any(typing.get_origin(member) is typing.Literal for _, _, member in candidates):
        return {}  # a Literal takes some values of a type, not all: no shortcut
    table: dict[type, tuple[StructureHook, Any]] = {}
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

request_converter = make_converter(strict=True, detailed=False)
"""Checks caller input: strict, and fast (see :func:`to_request_json`)."""
