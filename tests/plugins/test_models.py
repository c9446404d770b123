"""Property-based tests of every generated model, open enum, tagged union and named type.

The definitions are found by introspection of every generated models module (each plugin's
``mistral_plugin_<group>.models`` and every ``mistral_types`` module), each tested once, in the
module that defines it; a discovery test checks them against what ``tools.codegen`` plans, so
a definition added to the spec is tested without anyone having to remember it.

The properties go through the two converters of :mod:`mistral_core.serde`: the lenient
``converter`` that reads responses and the strict ``to_request_json`` that checks caller input.
"""

from __future__ import annotations

import copy
import functools
import importlib
import importlib.util
import json
import operator
import pkgutil
import types
import typing
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mistral_types
from mistral_core import serde
from mistral_core.models import UNSET, OpenEnum, UnknownVariant
from tests import strategies
from tools.codegen import spec as spec_module
from tools.codegen.__main__ import SPEC_DIR, SPEC_FILES
from tools.codegen.groups import GROUPS
from tools.codegen.layout import Layout, plan
from tools.codegen.official import CLASS_ALIASES
from tools.codegen.schemas import EnumDef, UnionDef

converter = serde.converter
CONVERTERS = (serde.converter, serde.request_converter)

# --------------------------------------------------------------------------------------------
# Discovery


def _module_names() -> list[str]:
    names = list(dict.fromkeys(f"{group.package}.models" for group in GROUPS))
    names += [  # not the hand-written ones, which are private
        f"{mistral_types.__name__}.{m.name}"
        for m in pkgutil.iter_modules(mistral_types.__path__)
        if not m.name.startswith("_")
    ]
    return names


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the plugin's package itself is not installed
        return False


MODULE_NAMES = _module_names()
MODULES = [importlib.import_module(name) for name in MODULE_NAMES if _installed(name)]
"""Every generated models module of the installed plugins, and every shared one."""


@dataclass(frozen=True)
class Definition:
    module: str
    name: str
    kind: str
    """``model``, ``enum``, ``union`` or ``alias`` (another named type: ``Result = A | B``)."""
    obj: Any

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


def _definitions(module: types.ModuleType) -> list[Definition]:
    name = module.__name__
    found = [Definition(name, c.__name__, "model", c) for c in strategies.all_models(module)]
    found += [Definition(name, e.__name__, "enum", e) for e in strategies.open_enums(module)]
    found += [Definition(name, n, "union", u) for n, u in strategies.tagged_unions(module).items()]
    found += [Definition(name, n, "alias", a) for n, a in strategies.type_aliases(module).items()]
    return found


DEFINITIONS = [d for module in MODULES for d in _definitions(module)]
MODELS = [d for d in DEFINITIONS if d.kind == "model"]
ENUMS = [d for d in DEFINITIONS if d.kind == "enum"]
UNIONS = [d for d in DEFINITIONS if d.kind == "union"]
ALIASES = [d for d in DEFINITIONS if d.kind == "alias"]
ALL_MODEL_CLASSES = [d.obj for d in MODELS]


def by_name(definitions: list[Definition]) -> list[Any]:
    """The parameters of a test over ``definitions``, ids their qualified names."""
    return [pytest.param(d, id=d.qualname) for d in definitions]


@pytest.fixture(scope="module")
def layout() -> Layout:
    """What the generator plans from the spec."""
    return plan(spec_module.load(*(SPEC_DIR / name for name in SPEC_FILES)))


def kind_of(planned: object) -> str:
    """``ModelDef`` -> ``model``...: a kind of definition no test knows fails discovery."""
    return type(planned).__name__.removesuffix("Def").lower()


def test_every_generated_module_is_found(layout: Layout) -> None:
    planned = set(layout.modules()) | {f"{g.group.package}.models" for g in layout.groups}
    assert {m.__name__ for m in MODULES} == planned
    assert set(MODULE_NAMES) == planned


def test_every_generated_definition_is_tested_once(layout: Layout) -> None:
    planned = {
        f"{module}.{name}": kind_of(layout.definitions.defs[name])
        for name, module in layout.home.items()
    }
    tested = [d.qualname for d in DEFINITIONS]
    assert len(tested) == len(set(tested))
    assert {d.qualname: d.kind for d in DEFINITIONS} == planned
    counts = Counter(d.kind for d in DEFINITIONS)
    assert counts == Counter(planned.values())
    assert set(counts) <= {"model", "enum", "union", "alias"}
    assert (len(MODELS), len(ENUMS), len(UNIONS), len(ALIASES)) == (
        counts["model"],
        counts["enum"],
        counts["union"],
        counts["alias"],
    )


def test_enums_and_unions_are_whole(layout: Layout) -> None:
    """Each enum has every value the plan gives; each union every variant, by its tag."""
    for definition in ENUMS:
        planned = layout.definitions.defs[definition.name]
        assert isinstance(planned, EnumDef)
        assert [m.value for m in definition.obj] == planned.values, definition.qualname
    for definition in UNIONS:
        planned = layout.definitions.defs[definition.name]
        assert isinstance(planned, UnionDef)
        assert tag_of(definition.obj) == planned.tag, definition.qualname
        variants = strategies.variants(definition.obj)
        assert [v.__name__ for v in variants] == planned.variants, definition.qualname


def test_every_public_name_is_defined_or_re_exported() -> None:
    """A module's ``__all__`` holds what it defines and what it re-exports from another, and
    the official SDK's other names of those (:data:`CLASS_ALIASES`)."""
    by_name: dict[str, list[Definition]] = {}
    for definition in DEFINITIONS:
        by_name.setdefault(definition.name, []).append(definition)
    official = {alias: name for name, aliases in CLASS_ALIASES.items() for alias in aliases}
    for module in MODULES:
        assert sorted(module.__all__) == module.__all__
        for name in module.__all__:
            own_name = name if name in by_name else official[name]
            homes = [d for d in by_name[own_name] if d.obj is getattr(module, name)]
            assert len(homes) == 1, f"{module.__name__}.{name}: defined in {homes}"


def test_the_official_names_stand_beside_each_class() -> None:
    """Wherever a class is offered, so are its official names, as the very same object."""
    for module in MODULES:
        for name, aliases in CLASS_ALIASES.items():
            if name in module.__all__:
                for alias in aliases:
                    assert getattr(module, alias) is getattr(module, name), (module, alias)
    assert "ClassifierFineTuningJob" in CLASS_ALIASES["ClassifierJobOut"]


# --------------------------------------------------------------------------------------------
# Helpers

MODEL_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
UNION_SETTINGS = settings(MODEL_SETTINGS, max_examples=8)
"""For a union, each example draws one instance of every variant."""
ENUM_SETTINGS = settings(MODEL_SETTINGS, max_examples=15)

EXTRA_KEY = "field_added_by_a_later_api_version"


def json_name(a: attrs.Attribute[Any]) -> str:
    return str(a.metadata.get(serde.JSON_NAME, a.name))


def json_round_trip(data: Any) -> Any:
    return json.loads(json.dumps(data))


def _ordered_unions(models: list[type]) -> list[Any]:
    """Every ordered (untagged) union of several models that a field of ``models`` holds.

    Such a union reads a JSON object as its first model that takes it: when one member's
    fields are another's (or a subset of them), the class is not kept, only the JSON.
    """
    found: list[Any] = []

    def visit(t: Any) -> None:
        if strategies.tagged_of(t) is not None:
            return
        args = typing.get_args(t)
        if typing.get_origin(t) in (typing.Union, types.UnionType):
            members = tuple(m for m in args if attrs.has(m))
            if len(members) > 1 and members not in found:
                found.append(members)
        for arg in args:
            visit(arg)

    for cls in models:
        for t in typing.get_type_hints(cls, include_extras=True).values():
            visit(t)
    return found


ORDERED_UNIONS = _ordered_unions(ALL_MODEL_CLASSES)
"""The model members of each ordered union of models, in order."""
ORDERED_UNION_MODELS = frozenset(m for members in ORDERED_UNIONS for m in members)


def comparable(value: Any) -> Any:
    """``value`` as ``==`` should compare it after a round trip.

    A model is its class and its fields, except a member of an ordered union of models
    (:data:`ORDERED_UNION_MODELS`): the JSON it is written as, the class being the one
    member that reads it.
    """
    if isinstance(value, UnknownVariant):
        return value
    if attrs.has(type(value)):
        if type(value) in ORDERED_UNION_MODELS:  # its fields, not what it keeps unknown
            return ("a model of an ordered union", without_key(converter.unstructure(value)))
        fields = attrs.fields(type(value))
        return (type(value), tuple(comparable(getattr(value, a.name)) for a in fields))
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    return value


def assert_same(parsed: Any, expected: Any) -> None:
    assert comparable(parsed) == comparable(expected)


def assert_written_as_set(value: Any, data: Any) -> None:
    """``data`` (unstructured ``value``) has exactly the fields set: UNSET absent, None null."""
    if isinstance(value, UnknownVariant):
        assert data == value.raw
    elif attrs.has(type(value)):
        assert isinstance(data, dict)
        written = set()
        for a in attrs.fields(type(value)):
            field = getattr(value, a.name)
            if field is UNSET:
                assert json_name(a) not in data, a.name
                continue
            written.add(json_name(a))
            assert json_name(a) in data, a.name
            assert_written_as_set(field, data[json_name(a)])
        assert set(data) == written
    elif isinstance(value, list):
        assert isinstance(data, list)
        assert len(data) == len(value)
        for item, item_data in zip(value, data, strict=True):
            assert_written_as_set(item, item_data)
    elif isinstance(value, dict):
        assert isinstance(data, dict)
        assert set(data) == set(value)
        for key, item in value.items():
            assert_written_as_set(item, data[key])
    elif isinstance(value, OpenEnum):
        assert type(data) is str
        assert data == value.value
    elif value is None:
        assert data is None
    else:
        assert value is not UNSET
        assert data == value
        assert not isinstance(data, OpenEnum)


def with_extra_keys(value: Any, data: Any, extra: Any) -> Any:
    """``data`` with an unknown key added to the object of every model (not to raw values)."""
    if isinstance(value, UnknownVariant) or value is None:
        return data
    if attrs.has(type(value)):
        out = {
            json_name(a): with_extra_keys(getattr(value, a.name), data[json_name(a)], extra)
            for a in attrs.fields(type(value))
            if json_name(a) in data
        }
        out[EXTRA_KEY] = extra
        return out
    if isinstance(value, list):
        return [with_extra_keys(v, d, extra) for v, d in zip(value, data, strict=True)]
    if isinstance(value, dict):
        return {k: with_extra_keys(v, data[k], extra) for k, v in value.items()}
    return data


# --------------------------------------------------------------------------------------------
# Every model: one generated instance goes through every property (drawing is what costs)


def check_round_trip(x: Any, cls: type) -> None:
    """Read back what was written, as Python values and through JSON text."""
    raw = converter.unstructure(x)
    assert_written_as_set(x, raw)
    for data in (raw, json_round_trip(raw)):
        for conv in CONVERTERS:
            parsed = conv.structure(data, cls)
            assert type(parsed) is cls
            assert_same(parsed, x)
            assert converter.unstructure(parsed) == raw


def check_dict_input_equals_model_input(x: Any, cls: type) -> None:
    """A caller's dict and the model it describes send the same JSON."""
    raw = converter.unstructure(x)
    sent = serde.to_request_json(x, cls)
    assert serde.to_request_json(raw, cls) == sent
    assert serde.to_request_json(json_round_trip(raw), cls) == sent
    assert sent == raw


def without_key(data: Any, key: str = EXTRA_KEY) -> Any:
    """``data`` without ``key`` in any of its objects (what :func:`with_extra_keys` adds)."""
    if isinstance(data, dict):
        return {k: without_key(v, key) for k, v in data.items() if k != key}
    if isinstance(data, list):
        return [without_key(v, key) for v in data]
    return data


def check_unknown_fields_are_kept(x: Any, cls: type, extra: Any) -> None:
    """A response with a field this client does not know (in every object) still parses,
    keeps the field in ``model_extra``, and writes it back, as data and in a request."""
    sent_by_server = json_round_trip(with_extra_keys(x, converter.unstructure(x), extra))
    parsed = converter.structure(sent_by_server, cls)
    assert_same(parsed, x)
    assert converter.unstructure(parsed) == sent_by_server
    assert serde.to_request_json(parsed, cls) == sent_by_server
    if attrs.has(cls) and cls is not UnknownVariant:
        assert parsed.model_extra == {EXTRA_KEY: json_round_trip(extra)}
        assert parsed.to_dict() == sent_by_server
        assert cls.from_dict(parsed.to_dict()) == parsed


def check_the_model_s_own_json_methods(x: Any, cls: type) -> None:
    """``from_dict(to_dict())`` gives the model back, and ``to_json`` is what a request sends."""
    sent = serde.to_request_json(x, cls)
    assert x.to_dict() == x.model_dump() == sent
    assert_same(cls.from_dict(x.to_dict()), x)
    assert_same(cls.from_json(x.to_json()), x)
    assert json.loads(x.to_json()) == json.loads(x.model_dump_json()) == json_round_trip(sent)


def check_python_names_send_the_same_json(x: Any, cls: type) -> None:
    """A dict that names fields as the official SDK does (``text_content``) sends the same
    JSON as one with the JSON names (``textContent``), at every depth."""
    by_python_names = x.model_dump(by_alias=False)
    assert serde.to_request_json(by_python_names, cls) == serde.to_request_json(x, cls)


@pytest.mark.parametrize("definition", by_name(MODELS))
@MODEL_SETTINGS
@given(data=st.data())
def test_model(definition: Definition, data: st.DataObject) -> None:
    cls = definition.obj
    x = data.draw(strategies.models(cls), label="x")
    check_round_trip(x, cls)
    check_dict_input_equals_model_input(x, cls)
    check_the_model_s_own_json_methods(x, cls)
    check_python_names_send_the_same_json(x, cls)
    check_unknown_fields_are_kept(x, cls, data.draw(strategies.json_values, label="extra"))


@MODEL_SETTINGS
@given(data=st.data())
def test_ordered_unions_of_models_keep_the_json(data: st.DataObject) -> None:
    """The only models a round trip may give back as another class: no tag tells them apart.

    Each member reads back as a member of the union, written as it came.
    """
    for members in ORDERED_UNIONS:
        union: Any = functools.reduce(operator.or_, members)
        for member in members:
            x = data.draw(strategies.models(member), label=member.__name__)
            raw = converter.unstructure(x)
            for conv in CONVERTERS:
                parsed = conv.structure(json_round_trip(raw), union)
                assert type(parsed) in members
                assert converter.unstructure(parsed) == raw
            assert serde.to_request_json(x, union) == raw  # type: ignore[arg-type]
            assert serde.to_request_json(raw, union) == raw  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Open enums


ENUM_FIELDS = {
    d.obj: strategies.enum_fields(ALL_MODEL_CLASSES, d.obj)
    for d in ENUMS
    if strategies.enum_fields(ALL_MODEL_CLASSES, d.obj)
}
"""The fields that hold an enum, by enum (an enum only a method parameter uses has none)."""


def holding(t: Any, enum: type[OpenEnum], value: Any) -> tuple[Any, Callable[[Any], Any]]:
    """A value of annotation ``t`` holding ``value`` where ``enum`` goes, and how to get it back.

    The getter takes the value a field of type ``t`` was read (or written) as.
    """
    if t == enum:
        return value, lambda v: v
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin in (typing.Union, types.UnionType):
        member = next(m for m in args if strategies.mentions(m, enum))
        return holding(member, enum, value)
    if origin is list:
        inner, get = holding(args[0], enum, value)
        return [inner], lambda v: get(v[0])
    if origin is dict:
        inner, get = holding(args[1], enum, value)
        return {"key": inner}, lambda v: get(v["key"])
    raise AssertionError(f"{enum.__name__} is not in {t}")


def enums_beside(t: Any, enum: type[OpenEnum]) -> list[type[OpenEnum]]:
    """The open enums of the union that holds ``enum`` in annotation ``t``, in order."""
    args = typing.get_args(t)
    if typing.get_origin(t) in (typing.Union, types.UnionType) and enum in args:
        return [a for a in args if isinstance(a, type) and issubclass(a, OpenEnum)]
    return next((found for a in args if (found := enums_beside(a, enum))), [])


def assert_read_as(parsed: Any, plain: str, *enums: type[OpenEnum]) -> None:
    """``plain`` read as the member of the first of ``enums`` that knows it, else a string."""
    assert parsed == plain
    knowing = next((e for e in enums if plain in e._value2member_map_), None)
    if knowing is not None:
        assert parsed is knowing(plain)
    else:
        assert type(parsed) is str


@pytest.mark.parametrize("definition", by_name(ENUMS))
@ENUM_SETTINGS
@given(data=st.data())
def test_open_enum(definition: Definition, data: st.DataObject) -> None:
    enum: type[OpenEnum] = definition.obj
    open_type: Any = enum | str
    for member in enum:
        for conv in CONVERTERS:
            assert conv.structure(member.value, enum) is member
            assert conv.structure(member.value, open_type) is member
            assert conv.unstructure(member) == member.value
            assert type(conv.unstructure(member)) is str

    value = data.draw(strategies.open_enum_values(enum) | st.text(), label="value")
    plain = str(value.value if isinstance(value, OpenEnum) else value)
    for conv in CONVERTERS:
        parsed = conv.structure(plain, open_type)
        assert_read_as(parsed, plain, enum)
        assert conv.unstructure(parsed) == plain
        assert type(conv.unstructure(parsed)) is str
    assert serde.to_request_json(plain, open_type) == plain  # type: ignore[arg-type]

    fields = ENUM_FIELDS.get(enum)
    if fields:  # and in a model, wherever a field holds it
        cls, field = data.draw(st.sampled_from(fields), label="field")
        attribute = attrs.fields_dict(cls)[field]
        t = typing.get_type_hints(cls, include_extras=True)[field]
        field_value, get = holding(t, enum, value)
        x = attrs.evolve(data.draw(strategies.models(cls)), **{str(attribute.alias): field_value})
        name = json_name(attribute)
        raw = converter.unstructure(x)
        assert get(raw[name]) == plain
        assert type(get(raw[name])) is str
        for conv in CONVERTERS:
            assert_read_as(
                get(getattr(conv.structure(json_round_trip(raw), cls), field)),
                plain,
                *enums_beside(t, enum),
            )
        assert get(serde.to_request_json(raw, cls)[name]) == plain
        assert get(serde.to_request_json(x, cls)[name]) == plain


# --------------------------------------------------------------------------------------------
# Tagged unions


def tag_of(union: Any) -> str:
    tagged = strategies.tagged_of(union)
    assert tagged is not None
    return tagged.tag


def test_variants_have_distinct_tags() -> None:
    for definition in UNIONS:
        tag = tag_of(definition.obj)
        tags = [strategies.variant_tag(v, tag) for v in strategies.variants(definition.obj)]
        assert tags, definition.qualname
        assert len(tags) == len(set(tags)), definition.qualname


@pytest.mark.parametrize("definition", by_name(UNIONS))
@UNION_SETTINGS
@given(data=st.data())
def test_known_variants_round_trip(definition: Definition, data: st.DataObject) -> None:
    union = definition.obj
    tag = tag_of(union)
    for variant in strategies.variants(union):
        x = data.draw(strategies.models(variant, fixed=(tag,)), label=variant.__name__)
        raw = converter.unstructure(x)
        assert raw[tag] == strategies.variant_tag(variant, tag)
        for parsed in (
            converter.structure(raw, union),
            converter.structure(json_round_trip(raw), union),
            serde.request_converter.structure(raw, union),
            serde.request_converter.structure(x, union),
        ):
            assert type(parsed) is variant
            assert_same(parsed, x)
        assert serde.to_request_json(raw, union) == raw
        assert serde.to_request_json(x, union) == raw


@pytest.mark.parametrize("definition", by_name(UNIONS))
@UNION_SETTINGS
@given(data=st.data())
def test_unknown_variant_is_kept_raw(definition: Definition, data: st.DataObject) -> None:
    union = definition.obj
    unknown = data.draw(strategies.unknown_variants(union), label="unknown")
    raw = copy.deepcopy(unknown.raw)
    assert converter.unstructure(unknown) == raw
    for parsed in (
        converter.structure(raw, union),
        converter.structure(json_round_trip(raw), union),
        serde.request_converter.structure(raw, union),
        serde.request_converter.structure(unknown, union),
    ):
        assert type(parsed) is UnknownVariant
        assert parsed.raw == raw
        assert converter.unstructure(parsed) == raw
    assert serde.to_request_json(raw, union) == raw
    assert serde.to_request_json(unknown, union) == raw  # type: ignore[arg-type]
    assert unknown.raw == raw  # nothing was changed in place


# --------------------------------------------------------------------------------------------
# Other named types


def members_of(t: Any) -> list[Any]:
    """The members of a union (a tagged union is one member), or ``t`` itself."""
    if strategies.tagged_of(t) is None and typing.get_origin(t) in (typing.Union, types.UnionType):
        return list(typing.get_args(t))
    return [t]


ALIAS_SETTINGS = UNION_SETTINGS


@pytest.mark.parametrize("definition", by_name(ALIASES))
@ALIAS_SETTINGS
@given(data=st.data())
def test_alias_members_round_trip(definition: Definition, data: st.DataObject) -> None:
    """A value of each member of the type reads back as what it was, by either converter."""
    alias = definition.obj
    for index, member in enumerate(members_of(alias)):
        x = data.draw(strategies.values(member), label=f"member {index}")
        raw = converter.unstructure(x)
        assert_written_as_set(x, raw)
        for conv in CONVERTERS:
            parsed = conv.structure(json_round_trip(raw), alias)
            assert type(parsed) is type(x)
            assert_same(parsed, x)
            assert converter.unstructure(parsed) == raw
        assert serde.to_request_json(raw, alias) == raw
        assert serde.to_request_json(x, alias) == raw
