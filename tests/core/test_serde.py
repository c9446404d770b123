"""The converters' own rules, on small models made for the purpose."""

from __future__ import annotations

from typing import Annotated, Literal

import attrs
import pytest

from mistral_core import UNSET, FieldError, Model, Tagged, UnknownVariant, Unset, serde


@attrs.frozen(kw_only=True)
class Frozen(Model):
    name: str
    size: int | Unset = UNSET


def positive(_: object, __: attrs.Attribute[int], value: int) -> None:
    if value <= 0:
        raise ValueError("must be positive")


@attrs.define(kw_only=True)
class Checked(Model):
    count: int = attrs.field(validator=positive)


@attrs.define(kw_only=True)
class Cat(Model):
    kind: Literal["cat"] = "cat"
    lives: int


@attrs.define(kw_only=True)
class Owner(Model):
    pets: list[Annotated[Cat | UnknownVariant, Tagged("kind")]]
    named: str | Unset = attrs.field(default=UNSET, metadata={serde.JSON_NAME: "from"})


def test_models_whose_init_does_more_than_set_fields_are_made_through_init() -> None:
    assert serde.read({"name": "a", "extra": 1}, Frozen) == Frozen(name="a")
    with pytest.raises(ValueError, match="must be positive"):
        serde.read({"count": 0}, Checked)
    assert serde.read({"count": 2}, Checked).count == 2


def test_a_response_that_does_not_fit_is_explained_with_its_path() -> None:
    with pytest.raises(ValueError, match=r"pets\[1\]\.lives: required field missing"):
        serde.read({"pets": [{"kind": "cat", "lives": 9}, {"kind": "cat"}]}, Owner)


def test_json_names_are_read_and_written() -> None:
    owner = serde.read({"pets": [], "from": "shelter"}, Owner)
    assert owner.named == "shelter"
    assert serde.to_request_json({"pets": [], "from": "shelter"}, Owner) == {
        "pets": [],
        "from": "shelter",
    }


def test_unknown_variants_round_trip_and_strict_input_names_the_field() -> None:
    raw = {"kind": "dog", "good": True}
    owner = serde.read({"pets": [raw]}, Owner)
    assert owner.pets == [UnknownVariant(raw)]
    assert serde.converter.unstructure(owner) == {"pets": [raw]}
    with pytest.raises(FieldError, match=r"pets\[0\]\.lives: expected int, got str 'nine'"):
        serde.to_request_json({"pets": [{"kind": "cat", "lives": "nine"}]}, Owner)
