"""The converters' own rules, on small models made for the purpose."""

from __future__ import annotations

import copy
from typing import Annotated, Any, Literal

import attrs
import pytest

from mistral_core import (
    UNSET,
    FieldError,
    Model,
    OpenEnum,
    Tagged,
    UnknownVariant,
    Unset,
    models,
    serde,
)


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


class Plan(OpenEnum):
    FREE = "free"


class Tier(OpenEnum):
    GOLD = "gold"


@pytest.mark.parametrize("conv", [serde.converter, serde.request_converter])
def test_a_union_of_open_enums_reads_each_enum_s_values(conv: Any) -> None:
    kind: Any = Plan | Tier | str
    assert conv.structure("free", kind) is Plan.FREE
    assert conv.structure("gold", kind) is Tier.GOLD
    assert conv.structure("new", kind) == "new"
    with pytest.raises(TypeError, match=r"expected Plan \| Tier \| str, got int 7"):
        conv.structure(7, kind)


@attrs.define(kw_only=True)
class Group(Model):
    AND: list[Group | Condition] | Unset = UNSET


@attrs.define(kw_only=True)
class Condition(Model):
    field: str
    value: Any = None


def test_a_union_of_models_reads_an_object_as_the_one_that_knows_its_keys() -> None:
    data = {"AND": [{"field": "a", "value": 1}, {"AND": []}, {"field": "b", "extra": True}]}
    read = serde.read(data, Group)
    assert [Condition(field="a", value=1), Group(AND=[]), Condition(field="b")] == read.AND
    sent = serde.to_request_json({"AND": [Condition(field="a"), {"field": "b"}]}, Group)
    assert sent == {"AND": [{"field": "a", "value": None}, {"field": "b", "value": None}]}


@attrs.define(kw_only=True)
class Said(Model):
    type: Literal["said"] = "said"
    role: str
    content: str


@attrs.define(kw_only=True)
class Called(Model):
    type: Literal["called"] = "called"
    name: str
    arguments: str


Entry = Annotated[Said | Called | UnknownVariant, Tagged("type", optional=True)]
StrictEntry = Annotated[Said | Called | UnknownVariant, Tagged("type")]


def test_an_optional_tag_may_be_left_out() -> None:
    given = [{"role": "user", "content": "hi"}, {"name": "f", "arguments": "{}"}]
    assert serde.to_request_json({"entries": given}, Entries)["entries"] == [
        {"type": "said", "role": "user", "content": "hi"},
        {"type": "called", "name": "f", "arguments": "{}"},
    ]
    assert serde.read({"name": "f", "arguments": "{}"}, Entry) == Called(name="f", arguments="{}")
    with pytest.raises(FieldError, match="missing 'type'"):
        serde.to_request_json({"entry": {"role": "user", "content": "hi"}}, StrictEntries)


@attrs.define(kw_only=True)
class Entries(Model):
    entries: list[Entry]


@attrs.define(kw_only=True)
class StrictEntries(Model):
    entry: StrictEntry


class Shade(str):
    """A ``str`` subclass: a value no JSON parser gives, which the hooks read all the same."""


@attrs.define(kw_only=True)
class Palette(Model):
    name: Plan | str
    tags: list[str] | Unset = UNSET
    owners: list[Condition] | None = None
    parts: str | list[Condition] | Unset | None = UNSET
    best: Condition | Unset = UNSET
    tree: Group | None = None


def test_responses_read_lists_enums_and_none_inline_as_their_hooks_would() -> None:
    read = serde.read(
        {
            "name": Shade("free"),
            "tags": ("a", "b"),
            "owners": [{"field": "x"}],
            "parts": "text",
            "best": {"field": "y"},
            "tree": {"AND": [{"AND": []}]},
        },
        Palette,
    )
    assert read == Palette(
        name=Plan.FREE,
        tags=["a", "b"],
        owners=[Condition(field="x")],
        parts="text",
        best=Condition(field="y"),
        tree=Group(AND=[Group(AND=[])]),
    )
    assert serde.read({"name": "new", "owners": None, "parts": None}, Palette) == Palette(
        name="new", parts=None
    )
    tags = ["a"]
    assert serde.read({"name": "free", "tags": tags}, Palette).tags is not tags  # a copy
    for bad, problem in [
        ({"name": 7}, r"name: expected Plan \| str, got int 7"),
        ({"name": "free", "tags": "a"}, "tags: expected a list, got str 'a'"),
        ({"name": "free", "tree": []}, "tree: expected an object"),
    ]:
        with pytest.raises(ValueError, match=problem):
            serde.read(bad, Palette)


@attrs.define(kw_only=True)
class Leaf(Model):
    name: str
    size: int | Unset = UNSET


@attrs.define(kw_only=True)
class Branch(Model):
    leaves: list[Leaf]
    first: Leaf | None = None
    under: Branch | Unset = UNSET


@attrs.define(kw_only=True)
class Trunk(Model):
    branch: Branch
    frozen: Frozen | Unset = UNSET  # made by its constructor: read by its own hook


@attrs.define(kw_only=True)
class Tree(Model):
    trunk: Trunk


@attrs.define(kw_only=True)
class Forest(Model):
    trees: list[Tree]


@attrs.define(kw_only=True)
class Sighting(Model):
    data: Forest


FOREST = {
    "trees": [
        {
            "trunk": {
                "branch": {
                    "leaves": [{"name": "a", "size": 1, "new": True}, {"name": "b"}],
                    "first": None,
                    "under": {"leaves": [], "first": {"name": "c"}},
                },
                "frozen": {"name": "cold"},
            },
            "age": 7,
        }
    ]
}


def test_models_inside_a_model_read_in_place_as_their_own_readers_would() -> None:
    """Deeper than the levels read in place (a leaf is the fifth), through a model that
    contains itself, beside a model read by its constructor, and what the server added
    kept at every level."""
    expected = Forest(
        trees=[
            Tree(
                trunk=Trunk(
                    branch=Branch(
                        leaves=[Leaf(name="a", size=1), Leaf(name="b")],
                        under=Branch(leaves=[], first=Leaf(name="c")),
                    ),
                    frozen=Frozen(name="cold"),
                )
            )
        ]
    )
    for read in (serde.read(FOREST, Forest), serde.data_reader(Sighting)(FOREST, None).data):
        assert read == expected
        assert read.trees[0].model_extra == {"age": 7}
        assert read.trees[0].trunk.branch.leaves[0].model_extra == {"new": True}
        assert serde.converter.unstructure(read) == FOREST
        assert serde.read(FOREST["trees"][0], Tree) == expected.trees[0]  # its own reader
    given = serde.read({"leaves": ({"name": "t"},)}, Branch)  # a tuple: the list's own hook
    assert given.leaves == [Leaf(name="t")]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda tree: tree["trunk"].pop("branch"),
            r"trees\[0\]\.trunk\.branch: required field missing",
        ),
        (
            lambda tree: tree["trunk"].update(branch=[]),
            r"trees\[0\]\.trunk\.branch: expected an object",
        ),
        (
            lambda tree: tree["trunk"]["branch"].update(leaves={}),
            r"trees\[0\]\.trunk\.branch\.leaves: expected a list, got dict",
        ),
        (
            lambda tree: tree["trunk"]["branch"]["under"]["first"].pop("name"),
            r"trees\[0\]\.trunk\.branch\.under\.first\.name: required field missing",
        ),
    ],
)
def test_a_model_read_in_place_that_does_not_fit_is_explained_with_its_path(
    change: Any, problem: str
) -> None:
    forest = copy.deepcopy(FOREST)
    change(forest["trees"][0])
    with pytest.raises(ValueError, match=problem):
        serde.read(forest, Forest)
    with pytest.raises(ValueError, match=problem):
        serde.data_reader(Sighting)(forest, None)


@attrs.frozen
class Litter:
    """A value that is not a model: what a plugin teaches requests."""

    lives: tuple[int, ...]


@pytest.fixture
def taught(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The registrations of ``register_request_value``, as they were, restored after the test."""
    registrations = list(models._taught)
    monkeypatch.setattr(models, "_taught", registrations)
    return registrations


def test_a_taught_value_is_sent_as_its_conversion(taught: list[Any]) -> None:
    """Known by class or by predicate, converted to models or to JSON, at any depth."""
    models.register_request_value(Litter, lambda litter: [Cat(lives=n) for n in litter.lives])
    models.register_request_value(
        lambda value: value == "tabby", lambda _: {"kind": "cat", "lives": 9}
    )

    sent = serde.to_request_json({"pets": Litter((1, 2))}, Owner)
    assert sent == {"pets": [{"kind": "cat", "lives": 1}, {"kind": "cat", "lives": 2}]}
    sent = serde.to_request_json({"pets": [Cat(lives=3), "tabby"], "from": "shelter"}, Owner)
    assert sent == {
        "pets": [{"kind": "cat", "lives": 3}, {"kind": "cat", "lives": 9}],
        "from": "shelter",
    }


def test_the_first_registration_that_accepts_a_value_converts_it(taught: list[Any]) -> None:
    models.register_request_value(Litter, lambda _: [Cat(lives=1)])
    models.register_request_value(Litter, lambda _: [Cat(lives=2)])

    assert serde.to_request_json({"pets": Litter(())}, Owner) == {
        "pets": [{"kind": "cat", "lives": 1}]
    }


def test_input_that_passes_the_fast_check_asks_no_registration(taught: list[Any]) -> None:
    asked: list[Any] = []
    models.register_request_value(lambda value: asked.append(value) is not None, lambda v: v)

    serde.to_request_json({"pets": [Cat(lives=1), {"kind": "cat", "lives": 2}]}, Owner)
    assert asked == []
    with pytest.raises(FieldError):
        serde.to_request_json({"pets": [Cat(lives=1)], "from": 7}, Owner)
    assert asked == [7]  # asked only about values that are neither containers nor models


def test_a_taught_value_whose_conversion_does_not_fit_is_a_field_error(
    taught: list[Any],
) -> None:
    models.register_request_value(Litter, lambda _: [{"kind": "cat", "lives": "nine"}])

    with pytest.raises(FieldError, match=r"^pets\[0\]\.lives: expected int, got str 'nine'$"):
        serde.to_request_json({"pets": Litter(())}, Owner)
