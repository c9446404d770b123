"""``response_format`` and the JSON schema of each supported type, strict and not."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Optional, TypedDict, Union

import attrs
import pydantic
import pytest

from mistral_core import serde
from mistral_plugin_chat import response_format, response_format_from_pydantic_model
from mistral_plugin_chat._schema import json_schema
from mistral_plugin_chat.models import JsonSchema, ResponseFormat, ResponseFormats


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@pytest.mark.parametrize(
    ("hint", "schema"),
    [
        (str, {"type": "string"}),
        (int, {"type": "integer"}),
        (float, {"type": "number"}),
        (bool, {"type": "boolean"}),
        (None, {"type": "null"}),
        (Any, {}),
        (list[int], {"type": "array", "items": {"type": "integer"}}),
        (Sequence[str], {"type": "array", "items": {"type": "string"}}),
        (tuple[bool, ...], {"type": "array", "items": {"type": "boolean"}}),
        (dict[str, float], {"type": "object", "additionalProperties": {"type": "number"}}),
        (Optional[int], {"anyOf": [{"type": "integer"}, {"type": "null"}]}),  # noqa: UP045
        (str | None, {"anyOf": [{"type": "string"}, {"type": "null"}]}),
        (Union[int, str], {"anyOf": [{"type": "integer"}, {"type": "string"}]}),  # noqa: UP007
        (Literal["a", "b"], {"enum": ["a", "b"], "type": "string"}),
        (Literal[1, "one"], {"enum": [1, "one"]}),
        (Color, {"enum": ["red", "green"], "type": "string"}),
        (Level, {"enum": [1, 2], "type": "integer"}),
        (datetime.datetime, {"type": "string", "format": "date-time"}),
        (datetime.date, {"type": "string", "format": "date"}),
        (Annotated[int, "a count"], {"type": "integer", "description": "a count"}),
    ],
)
def test_the_schema_of_each_supported_type(hint: Any, schema: dict[str, Any]) -> None:
    assert json_schema(hint) == schema


@attrs.define
class Address:
    """Where someone lives."""

    city: str = attrs.field(metadata={"description": "the city"})
    zip_code: str | None = None


@dataclasses.dataclass
class Person:
    name: Annotated[str, "the full name"]
    address: Address
    tags: list[str] = dataclasses.field(default_factory=list, metadata={"description": "labels"})
    color: Color = Color.RED


ADDRESS = {
    "type": "object",
    "description": "Where someone lives.",
    "properties": {
        "city": {"type": "string", "description": "the city"},
        "zip_code": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
    },
    "required": ["city"],
}


def test_a_class_is_an_object_with_its_nested_classes_in_defs() -> None:
    assert json_schema(Person) == {
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "the full name"},
            "address": {"$ref": "#/$defs/Address"},
            "tags": {
                "type": "array",
                "items": {"type": "string"},
                "description": "labels",
                "default": [],
            },
            "color": {"enum": ["red", "green"], "type": "string", "default": "red"},
        },
        "required": ["name", "address"],
        "$defs": {"Address": ADDRESS},
    }


def test_strict_closes_every_object_and_requires_every_property_optional_ones_nullable() -> None:
    schema = json_schema(Person, strict=True)
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["name", "address", "tags", "color"]
    assert schema["properties"]["color"] == {
        "anyOf": [{"enum": ["red", "green"], "type": "string"}, {"type": "null"}],
        "default": "red",
    }
    address = schema["$defs"]["Address"]
    assert address["additionalProperties"] is False
    assert address["required"] == ["city", "zip_code"]
    assert address["properties"]["zip_code"] == ADDRESS["properties"]["zip_code"]  # null already


@attrs.define
class Tree:
    label: str
    children: list[Tree]


@attrs.define
class Forest:
    trees: list[Tree]
    biggest: Tree | None


def test_a_class_may_refer_to_itself_at_the_root_and_below() -> None:
    assert json_schema(Tree)["properties"]["children"]["items"] == {"$ref": "#"}
    forest = json_schema(Forest)
    assert forest["properties"]["trees"]["items"] == {"$ref": "#/$defs/Tree"}
    assert forest["$defs"]["Tree"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Tree"}


def test_two_classes_of_one_name_get_two_definitions() -> None:
    first = attrs.make_class("Point", {"x": attrs.field(type=int)})
    second = attrs.make_class("Point", {"y": attrs.field(type=str)})
    pair = attrs.make_class("Pair", {"a": attrs.field(type=first), "b": attrs.field(type=second)})
    schema = json_schema(pair)
    assert schema["properties"] == {"a": {"$ref": "#/$defs/Point"}, "b": {"$ref": "#/$defs/Point2"}}
    assert schema["$defs"]["Point2"]["properties"] == {"y": {"type": "string"}}


class Movie(TypedDict, total=False):
    title: str
    year: int


class Film(Movie, total=True):
    director: str


def test_a_typeddict_requires_its_required_keys_only() -> None:
    schema = json_schema(Film)
    assert schema["properties"] == {
        "title": {"type": "string"},
        "year": {"type": "integer"},
        "director": {"type": "string"},
    }
    assert schema["required"] == ["director"]
    strict = json_schema(Film, strict=True)["properties"]
    assert strict["year"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}  # no default


class Critic(pydantic.BaseModel):
    name: str


class Review(pydantic.BaseModel):
    """A critic's review."""

    movie: Annotated[str, "the title"]
    stars: int = pydantic.Field(3, description="out of five")
    author: Critic
    when: datetime.date | None = None


def test_a_pydantic_model_with_its_descriptions_defaults_and_classes() -> None:
    schema = json_schema(Review, strict=True)
    assert schema["description"] == "A critic's review."
    assert schema["properties"]["movie"] == {"type": "string", "description": "the title"}
    assert schema["properties"]["stars"] == {
        "anyOf": [{"type": "integer"}, {"type": "null"}],
        "description": "out of five",
        "default": 3,
    }
    assert schema["properties"]["author"] == {"$ref": "#/$defs/Critic"}
    assert schema["required"] == ["movie", "stars", "author", "when"]


@pytest.mark.parametrize(
    ("hint", "where"),
    [
        (set[int], "set[int]"),
        (dict[int, str], "dict[int, str]"),
        (list[complex], "list[complex][0]: complex"),
        (tuple[int, str], "tuple[int, str]"),
    ],
)
def test_an_unsupported_type_is_named_with_where_it_is(hint: Any, where: str) -> None:
    with pytest.raises(TypeError, match=r"has no JSON schema \(supported: str, int") as caught:
        json_schema(hint)
    assert str(caught.value).startswith(where)


def test_an_unsupported_field_is_named_by_its_class_field_and_argument() -> None:
    bad = attrs.make_class("Bad", {"items": attrs.field(type=list[object | bytes])})
    with pytest.raises(TypeError, match=r"^Bad\.items\[0\]\[1\]: bytes has no JSON schema"):
        json_schema(bad)


def test_response_format_asks_for_a_strict_schema_named_after_the_class() -> None:
    assert response_format(Address) == ResponseFormat(
        type=ResponseFormats.JSON_SCHEMA,
        json_schema=JsonSchema(
            name="Address", schema_definition=json_schema(Address, strict=True), strict=True
        ),
    )
    named = response_format(Address, name="home", strict=False)
    assert named.json_schema
    assert serde.dump(named)["json_schema"] == {
        "name": "home",
        "schema": json_schema(Address),
        "strict": False,
    }


def test_the_official_name_takes_a_pydantic_model() -> None:
    assert response_format_from_pydantic_model(Review) == response_format(Review)
