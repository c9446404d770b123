"""For classes drawn at random: an instance written as JSON fits the class's schema (strict
or not) and reads back equal; and nothing imports pydantic unless a pydantic class is given."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import subprocess
import sys
import textwrap
from typing import Any, Literal

import attrs
import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from mistral_plugin_chat._schema import json_schema
from mistral_plugin_chat._values import dump, read

TypeAndValues = tuple[Any, st.SearchStrategy[Any]]


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


LEAVES: list[TypeAndValues] = [
    (str, st.text(max_size=5)),
    (int, st.integers()),
    (float, st.floats(allow_nan=False, allow_infinity=False)),
    (bool, st.booleans()),
    (Color, st.sampled_from(Color)),
    (Literal["a", "b"], st.sampled_from(["a", "b"])),
    (datetime.date, st.dates()),
    (datetime.datetime, st.datetimes(timezones=st.just(datetime.timezone.utc))),
]


def _class(kind: str, members: list[TypeAndValues]) -> TypeAndValues:
    """A class of one field per member (all named ``Generated``: ``$defs`` tells them apart)."""
    names = [f"f{index}" for index in range(len(members))]
    if kind == "attrs":
        cls: Any = attrs.make_class(
            "Generated", {n: attrs.field(type=t) for n, (t, _) in zip(names, members, strict=True)}
        )
    else:
        cls = dataclasses.make_dataclass(
            "Generated", [(n, t) for n, (t, _) in zip(names, members, strict=True)]
        )
    return cls, st.builds(cls, **{n: values for n, (_, values) in zip(names, members, strict=True)})


def _extended(inner: st.SearchStrategy[TypeAndValues]) -> st.SearchStrategy[TypeAndValues]:
    return st.one_of(
        inner.map(lambda tv: (list[tv[0]], st.lists(tv[1], max_size=3))),
        inner.map(lambda tv: (tuple[tv[0], ...], st.lists(tv[1], max_size=3).map(tuple))),
        inner.map(lambda tv: (dict[str, tv[0]], st.dictionaries(st.text(max_size=3), tv[1]))),
        inner.map(lambda tv: (tv[0] | None, st.none() | tv[1])),
        st.tuples(
            st.sampled_from(["attrs", "dataclass"]), st.lists(inner, min_size=1, max_size=3)
        ).map(lambda kind_members: _class(*kind_members)),
    )


CLASSES = st.tuples(
    st.sampled_from(["attrs", "dataclass"]),
    st.lists(st.recursive(st.sampled_from(LEAVES), _extended, max_leaves=6), max_size=4),
).map(lambda kind_members: _class(*kind_members))


@settings(max_examples=150, deadline=None)
@given(CLASSES.flatmap(lambda cls_values: st.tuples(st.just(cls_values[0]), cls_values[1])))
def test_an_instance_fits_its_schema_and_reads_back_equal(cls_and_value: tuple[Any, Any]) -> None:
    cls, value = cls_and_value
    written = json.loads(json.dumps(dump(value)))
    for strict in (False, True):
        jsonschema.Draft202012Validator(json_schema(cls, strict=strict)).validate(written)
    assert read(cls, written, "value") == value


def test_nothing_imports_pydantic_for_classes_that_are_not_pydantic_ones() -> None:
    script = textwrap.dedent(
        """
        import dataclasses, sys
        from typing import TypedDict
        import attrs
        sys.modules["pydantic"] = None  # importing it now raises ImportError

        from mistral_plugin_chat import function_tool, response_format
        from mistral_plugin_chat.models import FunctionCall

        @attrs.define
        class Point:
            x: int

        @dataclasses.dataclass
        class Box:
            corner: Point

        class Label(TypedDict):
            text: str

        @function_tool
        def draw(box: Box, label: Label) -> str:
            return label["text"]

        response_format(Box)
        arguments = '{"box": {"corner": {"x": 1}}, "label": {"text": "a"}}'
        call = FunctionCall(name="draw", arguments=arguments)
        print(draw(**draw.arguments(call)), sys.modules["pydantic"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.stderr == ""
    assert done.stdout == "a None\n"
