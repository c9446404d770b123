"""JSON Schema to model definitions: the attrs models, open enums and open unions.

Every component schema that is an object, a string enum or a discriminated union becomes
a definition with the name the spec gives it; one defined inline (a property's own enum,
object or union) is named after its place: ``<Model><Property>``. Any other schema (a
primitive, an array, an undiscriminated ``anyOf``) becomes a type expression where it is
used. The rules, from the design: optional fields default to ``UNSET``, ``anyOf [X,
null]`` is nullable, enums are open (``Enum | str``), a ``oneOf`` with a discriminator is
an open tagged union, any other union an ordered one.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from .official import FIELD_NAMES
from .overlay import ALWAYS_SENT
from .spec import Schema, Spec, is_array, is_object, ref_name


@dataclass(frozen=True)
class Type:
    expr: str
    refs: frozenset[str] = frozenset()


@dataclass
class FieldDef:
    name: str
    json_name: str
    type: str
    default: str | None
    """Python source of the default; ``None`` for a required field."""
    doc: str


@dataclass
class ModelDef:
    name: str
    doc: str
    fields: list[FieldDef] = field(default_factory=list[FieldDef])
    refs: set[str] = field(default_factory=set[str])


@dataclass
class EnumDef:
    name: str
    doc: str
    values: list[str]
    refs: set[str] = field(default_factory=set[str])


@dataclass
class UnionDef:
    name: str
    doc: str
    tag: str
    variants: list[str]
    refs: set[str] = field(default_factory=set[str])
    optional_tag: bool = False
    """Whether an object may leave the tag out: the union has no discriminator (the server
    tries its members in turn) and no variant requires the tag."""


@dataclass
class AliasDef:
    """A named type that is no class: a union an operation returns, say."""

    name: str
    doc: str
    type: str
    refs: set[str] = field(default_factory=set[str])


Definition = ModelDef | EnumDef | UnionDef | AliasDef

_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


class Definitions:
    """The definitions the spec's schemas give, built on demand and kept by name."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.defs: dict[str, Definition] = {}
        self._tags = _variant_tags(spec)

    def named(self, name: str) -> Definition | None:
        """The definition of the component schema ``name`` (``None``: it is a plain type)."""
        schema = self.spec.schemas[name]
        if not _is_definition(schema):
            return None
        if name not in self.defs:
            self._define(name, schema, context=name)
        return self.defs[name]

    def alias(self, name: str, kind: Type, doc: str) -> str:
        """A name for ``kind``: itself when it is a definition, else a new alias."""
        if kind.expr in self.defs:
            return kind.expr
        self.defs.setdefault(name, AliasDef(name, doc, kind.expr, set(kind.refs)))
        return name

    def type_of(self, schema: Schema, context: str) -> Type:
        """The Python type of ``schema``; ``context`` names what it defines inline."""
        if "$ref" in schema:
            return self._ref(ref_name(schema["$ref"]))
        if "allOf" in schema:
            parts = schema["allOf"]
            if len(parts) == 1 and "properties" not in schema:
                return self.type_of(parts[0], context)
            return self._inline(schema, context)
        members = schema.get("oneOf") or schema.get("anyOf")
        if members is not None:
            if "discriminator" in schema or self._common_tag(members):
                return self._inline(schema, context)
            return _union([self.type_of(m, context) for m in members])
        if "const" in schema:
            return Type(f"Literal[{schema['const']!r}]")
        if "enum" in schema:
            return self._enum_type(schema, context)
        kind = schema.get("type")
        if is_array(kind):
            return _union([self.type_of({**schema, "type": k}, context) for k in kind])
        if kind == "null":
            return Type("None")
        if kind in _PRIMITIVES:
            return Type(_PRIMITIVES[kind])
        if kind == "array":
            item = self.type_of(schema.get("items", {}), context)
            return Type(f"list[{item.expr}]", item.refs)
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                return self._inline(schema, context)
            values = schema.get("additionalProperties")
            if is_object(values) and values:
                value = self.type_of(values, context)
                return Type(f"dict[str, {value.expr}]", value.refs)
            return Type("dict[str, Any]")
        return Type("Any")

    # --- definitions -------------------------------------------------------------------

    def _ref(self, name: str) -> Type:
        """The type of the component schema ``name``: its definition, or a plain type (an
        array of ``InputEntries``, whose item union is then defined under its name)."""
        if self.named(name) is None:
            return self.type_of(self.spec.schemas[name], name)
        return self._defined(name)

    def _inline(self, schema: Schema, context: str) -> Type:
        if context not in self.defs:
            self._define(context, schema, context)
        return self._defined(context)

    def _defined(self, name: str) -> Type:
        if isinstance(self.defs[name], EnumDef):
            return Type(f"{name} | str", frozenset({name}))
        return Type(name, frozenset({name}))

    def _enum_type(self, schema: Schema, context: str) -> Type:
        values = list(dict.fromkeys(v for v in schema["enum"] if v is not None))
        nullable = None in schema["enum"] or schema.get("nullable", False)
        if not all(isinstance(v, str) for v in values):
            return Type(_PRIMITIVES.get(str(schema.get("type")), "Any"))
        if context not in self.defs:
            self.defs[context] = EnumDef(context, _doc(schema, f"The values of {context}."), values)
        return Type(f"{context} | str" + (" | None" if nullable else ""), frozenset({context}))

    def _define(self, name: str, schema: Schema, context: str) -> None:
        if "enum" in schema and "properties" not in schema:
            self._enum_type(schema, name)
            return
        members = schema.get("oneOf") or schema.get("anyOf")
        if members is not None and "allOf" not in schema and not _field_sets(schema):
            tag = schema.get("discriminator", {}).get("propertyName") or self._common_tag(members)
            variants = [ref_name(m["$ref"]) for m in members if "$ref" in m]
            union = UnionDef(
                name, _doc(schema, f"One of the kinds of {name}, by `{tag}`."), tag, []
            )
            self.defs[name] = union
            for variant in variants:
                self.named(variant)
            union.variants = variants
            union.refs = set(variants)
            union.optional_tag = "discriminator" not in schema and all(
                tag not in self.flatten(self.spec.schemas[variant])[1] for variant in variants
            )
            return
        model = ModelDef(name, _doc(schema, f"The {name} object of the API."))
        self.defs[name] = model  # first, so that a model may refer to itself
        properties, required = self.flatten(schema)
        for json_name, property_schema in properties.items():
            required_here = json_name in required or (name, json_name) in ALWAYS_SENT
            field_def = self._field(name, json_name, property_schema, required_here)
            if any(other.name == field_def.name for other in model.fields):
                field_def.name = python_name(json_name)  # ``fooBar`` beside ``foo_bar``
            model.fields.append(field_def)
        for field_def in model.fields:
            model.refs |= _names_in(field_def.type, self.defs)

    def _field(self, model: str, json_name: str, schema: Schema, required: bool) -> FieldDef:
        tag_value = self._tags.get((model, json_name))
        if tag_value is None and "const" in schema:
            tag_value = schema["const"]
        name = attribute_name(model, json_name, schema)
        if tag_value is not None:
            return FieldDef(name, json_name, f"Literal[{tag_value!r}]", repr(tag_value), "")
        kind = self.type_of(schema, model + pascal(json_name))
        doc = _sentence(_doc(schema, "")) + _notes(schema)
        if required:
            return FieldDef(name, json_name, kind.expr, None, doc)
        return FieldDef(name, json_name, _with_unset(kind.expr), "UNSET", doc)

    def flatten(self, schema: Schema) -> tuple[dict[str, Schema], list[str]]:
        """Properties and required names, ``allOf`` parts merged in order.

        A part may require a property another part defines (``ChatCompletionResponse``);
        a required name no part defines (its ``data``) is dropped.
        """
        properties, required = self._merged(schema)
        return properties, [name for name in dict.fromkeys(required) if name in properties]

    def _merged(self, schema: Schema) -> tuple[dict[str, Schema], list[str]]:
        properties: dict[str, Schema] = {}
        required: list[str] = []
        for part in schema.get("allOf", []):
            part = self.spec.schemas[ref_name(part["$ref"])] if "$ref" in part else part
            part_properties, part_required = self._merged(part)
            properties.update(part_properties)
            required += part_required
        properties.update(schema.get("properties", {}))
        required += schema.get("required", [])
        for field_set in _field_sets(schema):  # one of them is given: each is optional
            properties.update(field_set["properties"])
        return properties, required

    def _common_tag(self, members: list[Schema]) -> str:
        """The tag all members carry when an ``anyOf`` of models is a tagged union anyway."""
        names = [ref_name(m["$ref"]) for m in members if "$ref" in m]
        if len(names) < 2 or len(names) != len(members):
            return ""
        tags = {prop for (model, prop) in self._tags if model in names}
        for tag in sorted(tags):
            if all((name, tag) in self._tags for name in names):
                values = [self._tags[name, tag] for name in names]
                if len(set(values)) == len(values):  # else the tag cannot tell them apart
                    return tag
        return ""


def _field_sets(schema: Schema) -> list[Schema]:
    """The alternatives of a ``oneOf`` that only says which of its fields an object has
    (``rawContent`` or ``textContent``): inline sets of properties, without a tag."""
    members: list[Schema] = schema.get("oneOf") or []
    if "discriminator" in schema or not members:
        return []
    return list(members) if all("properties" in m and "$ref" not in m for m in members) else []


def _is_definition(schema: Schema) -> bool:
    if schema.get("type") == "string" and "enum" in schema:
        return True
    if schema.get("oneOf") or "discriminator" in schema:
        return True
    return bool(schema.get("properties") or schema.get("allOf"))


def _variant_tags(spec: Spec) -> dict[tuple[str, str], str]:
    """(model, tag property) -> tag value, for every model that is a union variant.

    Taken from the discriminators' mappings, or from the variant's ``const`` / single
    ``enum`` value of the tag property when a discriminator has no mapping.
    """
    tags: dict[tuple[str, str], str] = {}

    def visit(node: Any) -> None:
        if is_object(node):
            discriminator = node.get("discriminator")
            if is_object(discriminator):
                tag: str = discriminator["propertyName"]
                mapping: dict[str, str] = discriminator.get("mapping") or {}
                for value, ref in mapping.items():
                    tags.setdefault((ref_name(ref), tag), value)
            for child in node.values():
                visit(child)
        elif is_array(node):
            for child in node:
                visit(child)

    visit(spec.schemas)
    for name, schema in spec.schemas.items():
        for prop, prop_schema in schema.get("properties", {}).items():
            value = prop_schema.get("const")
            if value is None and len(prop_schema.get("enum", [])) == 1:
                value = prop_schema["enum"][0]
            if isinstance(value, str) and prop in ("type", "role", "object", "event"):
                tags.setdefault((name, prop), value)
    return tags


def _union(types: list[Type]) -> Type:
    members: list[str] = []
    for kind in types:
        for member in split_union(kind.expr):
            if member not in members:
                members.append(member)
    if "Any" in members:
        return Type("Any")
    lists = [m for m in members if m.startswith("list[")]
    if len(lists) > 1:  # ``list[A] | list[B]``: one list whose items are either
        items = _union([Type(m[len("list[") : -1]) for m in lists]).expr
        members = [f"list[{items}]" if m == lists[0] else m for m in members if m not in lists[1:]]
    enums = [
        member
        for kind in types
        for member in split_union(kind.expr)[:1]
        if kind.expr.startswith(f"{member} | str")
    ]
    if enums:  # ``str`` after every open enum (``A | str``), or it would take their values
        members.remove("str")
        members.insert(max(members.index(enum) for enum in enums) + 1, "str")
    if "None" in members:  # last, as people write it
        members = [m for m in members if m != "None"] + ["None"]
    refs = frozenset[str]().union(*(kind.refs for kind in types))
    return Type(" | ".join(members), refs)


def _with_unset(expr: str) -> str:
    members = split_union(expr)
    if "None" in members:
        members = [m for m in members if m != "None"] + ["Unset", "None"]
    else:
        members.append("Unset")
    return " | ".join(members)


def split_union(expr: str) -> list[str]:
    """The top-level members of ``A | list[B | C] | None``."""
    members: list[str] = []
    depth = start = 0
    for index, char in enumerate(expr):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            members.append(expr[start:index].strip())
            start = index + 1
    members.append(expr[start:].strip())
    return members


def _names_in(expr: str, defs: dict[str, Definition]) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z_]\w*", expr) if word in defs}


def _doc(schema: Schema, fallback: str) -> str:
    return str(schema.get("description") or fallback).strip()


def _sentence(text: str) -> str:
    """Text that ends as a sentence does, so that notes after it read apart."""
    return text + "." if text and text[-1] not in ".!?:)`" else text


def _notes(schema: Schema) -> str:
    """Bounds and the server's default, which the client does not enforce or send."""
    for member in schema.get("anyOf", []):
        if member.get("type") != "null":
            schema = {**member, **{k: v for k, v in schema.items() if k != "anyOf"}}
    notes: list[str] = []
    bounds = [
        ("minimum", "at least"),
        ("exclusiveMinimum", "more than"),
        ("maximum", "at most"),
        ("exclusiveMaximum", "less than"),
        ("minItems", "at least {} items"),
        ("maxItems", "at most {} items"),
    ]
    for key, words in bounds:
        if key in schema:
            value = schema[key]
            notes.append(words.format(value) if "{}" in words else f"{words} {value}")
    if notes:
        notes = [f"Valid values: {', '.join(notes)}."]
    if "default" in schema and schema["default"] is not None:
        notes.append(f"Server default: {_json_text(schema['default'])}.")
    return ("\n\n" if notes else "") + " ".join(notes)


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part)


def python_name(json_name: str) -> str:
    name = re.sub(r"\W", "_", json_name)
    if name[:1].isdigit():
        name = "_" + name
    if keyword.iskeyword(name) or name == "self":
        name += "_"
    return name


def enum_member(value: str) -> str:
    name = re.sub(r"\W+", "_", value).strip("_").upper() or "EMPTY"
    if name in ("I", "O"):  # ambiguous, beside 1 and 0
        return f"{name}_"
    return f"V_{name}" if name[:1].isdigit() else name


def attribute_name(model: str, json_name: str, schema: Schema) -> str:
    """The Python name of a model's field: the official SDK's, so that its code runs.

    The spec's ``x-speakeasy-name-override`` first (``schema`` -> ``schema_definition``),
    then the official SDK's own renames, else the JSON name in snake case.
    """
    override = schema.get("x-speakeasy-name-override")
    if isinstance(override, str):
        return python_name(override)
    return FIELD_NAMES.get((model, json_name)) or snake_name(json_name)


def snake_name(json_name: str) -> str:
    """The attribute name of a JSON field: ``textContent`` -> ``text_content``, ``URLValue``
    -> ``url_value``, then as :func:`python_name` makes any name a valid identifier."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", json_name)
    return python_name(words.lower())
