"""The generator's rules, on small specs written for each rule."""

from __future__ import annotations

from typing import Any

import pytest

from tools.codegen.__main__ import SPEC_DIR, SPEC_FILES
from tools.codegen.layout import argument_name, plan
from tools.codegen.overlay import ALWAYS_SENT
from tools.codegen.schemas import (
    Definitions,
    EnumDef,
    ModelDef,
    UnionDef,
    attribute_name,
    enum_member,
    python_name,
    snake_name,
    split_union,
)
from tools.codegen.spec import Spec, load


def definitions(**schemas: Any) -> Definitions:
    return Definitions(Spec(schemas=schemas, operations={}, sources=()))


def fields(defs: Definitions, name: str) -> dict[str, tuple[str, str | None]]:
    model = defs.named(name)
    assert isinstance(model, ModelDef)
    return {f.name: (f.type, f.default) for f in model.fields}


def test_required_optional_and_nullable_fields() -> None:
    defs = definitions(
        Thing={
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "size": {"type": "integer"},
                "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "extra": {"type": "object", "additionalProperties": True},
                "scores": {"type": "object", "additionalProperties": {"type": "number"}},
                "anything": {"title": "Anything"},
            },
            "required": ["id", "note"],
        }
    )
    assert fields(defs, "Thing") == {
        "id": ("str", None),
        "size": ("int | Unset", "UNSET"),
        "note": ("str | None", None),
        "tags": ("list[str] | Unset", "UNSET"),
        "extra": ("dict[str, Any] | Unset", "UNSET"),
        "scores": ("dict[str, float] | Unset", "UNSET"),
        "anything": ("Any | Unset", "UNSET"),
    }


def test_enums_are_open_and_inline_ones_are_named_after_their_place() -> None:
    defs = definitions(
        Color={"type": "string", "enum": ["red", "dark-blue"]},
        Paint={
            "type": "object",
            "properties": {
                "color": {"$ref": "#/components/schemas/Color"},
                "finish": {"type": "string", "enum": ["matte", "gloss", None]},
            },
        },
    )
    assert fields(defs, "Paint") == {
        "color": ("Color | str | Unset", "UNSET"),
        "finish": ("PaintFinish | str | Unset | None", "UNSET"),
    }
    finish = defs.defs["PaintFinish"]
    assert isinstance(finish, EnumDef)
    assert finish.values == ["matte", "gloss"]
    assert enum_member("dark-blue") == "DARK_BLUE"
    assert enum_member("1x") == "V_1X"


def test_a_discriminated_union_is_tagged_and_its_variants_get_their_tag() -> None:
    ref = "#/components/schemas/"
    defs = definitions(
        Cat={
            "type": "object",
            "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}},
        },
        Dog={"type": "object", "properties": {"kind": {"type": "string"}}},
        Pet={
            "oneOf": [{"$ref": ref + "Cat"}, {"$ref": ref + "Dog"}],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"cat": ref + "Cat", "dog": ref + "Dog"},
            },
        },
    )
    pet = defs.named("Pet")
    assert isinstance(pet, UnionDef)
    assert (pet.tag, pet.variants) == ("kind", ["Cat", "Dog"])
    assert fields(defs, "Cat")["kind"] == ("Literal['cat']", "'cat'")


def test_an_anyof_of_tagged_models_is_a_tagged_union_and_other_anyofs_are_ordered() -> None:
    ref = "#/components/schemas/"
    defs = definitions(
        Text={
            "type": "object",
            "properties": {"type": {"const": "text"}, "text": {"type": "string"}},
        },
        Ref={"type": "object", "properties": {"type": {"const": "ref"}, "ids": {"type": "array"}}},
        Holder={
            "type": "object",
            "properties": {
                "chunks": {
                    "type": "array",
                    "items": {"anyOf": [{"$ref": ref + "Text"}, {"$ref": ref + "Ref"}]},
                },
                "value": {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]},
            },
        },
    )
    assert fields(defs, "Holder") == {
        "chunks": ("list[HolderChunks] | Unset", "UNSET"),
        "value": ("int | str | Unset | None", "UNSET"),
    }
    chunks = defs.defs["HolderChunks"]
    assert isinstance(chunks, UnionDef)
    assert chunks.tag == "type"


def test_allof_parts_are_flattened_into_one_model() -> None:
    ref = "#/components/schemas/"
    defs = definitions(
        Base={"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        Full={
            "allOf": [
                {"$ref": ref + "Base"},
                {
                    "type": "object",
                    "properties": {"n": {"type": "integer"}},
                    "required": ["n", "ghost"],
                },
            ]
        },
    )
    assert fields(defs, "Full") == {"id": ("str", None), "n": ("int", None)}


def test_field_docs_say_bounds_and_server_defaults() -> None:
    defs = definitions(
        Knob={
            "type": "object",
            "properties": {
                "level": {
                    "anyOf": [{"type": "number", "minimum": 0, "maximum": 1.5}, {"type": "null"}],
                    "description": "How far to turn it.",
                    "default": 0.7,
                }
            },
        }
    )
    model = defs.named("Knob")
    assert isinstance(model, ModelDef)
    assert model.fields[0].doc == (
        "How far to turn it.\n\nValid values: at least 0, at most 1.5. Server default: 0.7."
    )


@pytest.mark.parametrize(
    ("json_name", "python"),
    [
        ("from", "from_"),
        ("self", "self_"),
        ("options", "options"),
        ("api-version", "api_version"),
        ("2d", "_2d"),
    ],
)
def test_python_names(json_name: str, python: str) -> None:
    assert python_name(json_name) == python


@pytest.mark.parametrize(
    ("json_name", "python"),
    [
        ("textContent", "text_content"),
        ("isExecutable", "is_executable"),
        ("nextPageToken", "next_page_token"),
        ("URLValue", "url_value"),
        ("prompt_tokens", "prompt_tokens"),
        ("Last-Event-ID", "last_event_id"),
        ("AND", "and_"),
        ("v2Config", "v2_config"),
    ],
)
def test_fields_are_named_in_snake_case_as_the_official_sdk_does(
    json_name: str, python: str
) -> None:
    assert snake_name(json_name) == python


def test_the_official_names_and_the_spec_s_overrides_win_over_the_rule() -> None:
    assert attribute_name("JsonSchema", "schema", {"x-speakeasy-name-override": "x"}) == "x"
    assert attribute_name("CreateFileResponse", "bytes", {}) == "size_bytes"
    assert attribute_name("Anything", "sharingScope", {}) == "sharing_scope"


def test_no_argument_is_called_options_which_every_method_takes_for_call_options() -> None:
    assert argument_name("options") == "options_"
    assert argument_name("model") == "model"


def test_split_union_respects_brackets() -> None:
    assert split_union("A | list[B | C] | dict[str, D | None] | None") == [
        "A",
        "list[B | C]",
        "dict[str, D | None]",
        "None",
    ]


def test_an_array_schema_is_a_list_wherever_it_is_named() -> None:
    entry = {"type": "object", "properties": {"type": {"const": "a"}}}
    defs = definitions(
        Entry=entry,
        Entries={"type": "array", "items": {"$ref": "#/components/schemas/Entry"}},
        Inputs={"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Entries"}]},
        First={"type": "object", "properties": {"e": {"$ref": "#/components/schemas/Entries"}}},
        Second={"type": "object", "properties": {"i": {"$ref": "#/components/schemas/Inputs"}}},
    )
    assert fields(defs, "First") == {"e": ("list[Entry] | Unset", "UNSET")}
    assert fields(defs, "Second") == {"i": ("str | list[Entry] | Unset", "UNSET")}


def test_a_oneof_of_field_sets_is_one_model_with_each_field_optional() -> None:
    defs = definitions(
        Content={
            "type": "object",
            "properties": {"executable": {"type": "boolean"}},
            "oneOf": [
                {"properties": {"raw": {"type": "string"}}, "required": ["raw"]},
                {"properties": {"text": {"type": "string"}}, "required": ["text"]},
            ],
        }
    )
    assert fields(defs, "Content") == {
        "executable": ("bool | Unset", "UNSET"),
        "raw": ("str | Unset", "UNSET"),
        "text": ("str | Unset", "UNSET"),
    }


def test_unions_keep_str_after_their_enums_and_merge_their_lists() -> None:
    defs = definitions(
        A={"type": "string", "enum": ["a"]},
        B={"type": "string", "enum": ["b"]},
        Thing={
            "type": "object",
            "properties": {
                "kind": {
                    "anyOf": [
                        {"$ref": "#/components/schemas/A"},
                        {"$ref": "#/components/schemas/B"},
                    ]
                },
                "kinds": {
                    "anyOf": [
                        {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
                        {"type": "array", "items": {"$ref": "#/components/schemas/B"}},
                    ]
                },
            },
            "required": ["kind", "kinds"],
        },
    )
    assert fields(defs, "Thing") == {
        "kind": ("A | B | str", None),
        "kinds": ("list[A | B | str]", None),
    }


def test_duplicate_enum_values_and_ambiguous_member_names() -> None:
    defs = definitions(Letter={"type": "string", "enum": ["O", "I", "x", "O"]})
    letter = defs.named("Letter")
    assert isinstance(letter, EnumDef)
    assert letter.values == ["O", "I", "x"]
    assert [enum_member(v) for v in letter.values] == ["O_", "I_", "X"]


@pytest.mark.parametrize(
    ("discriminator", "required", "optional"),
    [
        (False, [], True),
        (True, [], False),
        (False, ["type"], False),
    ],
)
def test_a_tag_is_optional_without_a_discriminator_when_no_variant_requires_it(
    discriminator: bool, required: list[str], optional: bool
) -> None:
    variant = {"type": "object", "properties": {"type": {"const": "v"}}, "required": required}
    other = {"type": "object", "properties": {"type": {"const": "w"}}, "required": required}
    union: dict[str, Any] = {
        "anyOf": [{"$ref": "#/components/schemas/V"}, {"$ref": "#/components/schemas/W"}]
    }
    if discriminator:
        union["discriminator"] = {"propertyName": "type"}
    thing = {"type": "object", "properties": {"u": {"$ref": "#/components/schemas/U"}}}
    defs = definitions(V=variant, W=other, U=union, Thing=thing)
    assert fields(defs, "Thing") == {"u": ("U | Unset", "UNSET")}
    defined = defs.defs["U"]
    assert isinstance(defined, UnionDef)
    assert (defined.tag, defined.optional_tag) == ("type", optional)


def test_the_overlay_makes_each_of_its_fields_required_in_the_generated_models() -> None:
    """Each entry of the overlay names a field that exists, and has its reason."""
    layout = plan(load(*(SPEC_DIR / name for name in SPEC_FILES)))
    for (model, json_name), reason in ALWAYS_SENT.items():
        definition = layout.definitions.defs[model]
        assert isinstance(definition, ModelDef), model
        field = next(f for f in definition.fields if f.json_name == json_name)
        assert field.default is None, (model, json_name)
        assert len(reason) > 40, (model, json_name)
