"""The fake APIs answer ``chat.parse`` with an instance of the schema it asks for, so that
users' own tests of it need no network: ``mistral_mock`` and the local fake server."""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Literal

import attrs
import jsonschema
import pytest

from mistral_core import Mistral
from mistral_plugin_chat import json_schema
from mistral_testing import pytest_plugin
from mistral_testing.samples import schema_sample, structured_reply
from mistral_testing.server import FakeServer


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.define
class Node:
    name: str
    children: list[Node]
    parent: Node | None = None


@dataclasses.dataclass
class City:
    name: str
    population: int
    area: float
    capital: bool
    color: Color
    kind: Literal["town", "city"]
    tags: list[str]
    tree: Node
    mayor: str | None = None


MESSAGES = [{"role": "user", "content": "A city, please."}]


@pytest.mark.parametrize("strict", [True, False])
def test_a_schema_sample_is_valid_for_its_schema(strict: bool) -> None:
    schema = json_schema(City, strict=strict)
    sample = schema_sample(schema)
    jsonschema.validate(sample, schema)
    assert sample["tree"] == {"name": "sample", "children": [], "parent": None}
    assert (sample["color"], sample["kind"]) == ("red", "town")


def test_only_a_json_schema_request_gets_a_structured_reply() -> None:
    assert structured_reply({"messages": MESSAGES}) is None
    assert structured_reply({"response_format": {"type": "json_object"}}) is None
    asked = {"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}}
    assert json.loads(structured_reply(asked) or "") == "sample"


def test_mistral_mock_answers_parse(mistral_mock: pytest_plugin.MistralMock) -> None:
    with Mistral(api_key="k") as client:
        res = client.chat.parse(response_format=City, model="m", messages=MESSAGES)
        plain = client.chat.complete(model="m", messages=MESSAGES)
    city = res.choices[0].message.parsed
    assert city is not None
    assert (city.name, city.color, city.tree.children) == ("sample", Color.RED, [])
    assert plain.choices[0].message.content == "Hello from mistral_mock!"


@pytest.mark.anyio
async def test_the_fake_server_answers_parse_async() -> None:
    with FakeServer() as server:
        async with Mistral(api_key="k", server_url=server.url) as client:
            res = await client.chat.parse_async(response_format=City, model="m", messages=MESSAGES)
    city = res.choices[0].message.parsed
    assert city is not None
    assert (city.kind, city.tags, city.mayor) == ("town", ["sample"], "sample")


def test_the_fake_server_streams_the_same_json() -> None:
    schema = json_schema(City)
    format_ = {"type": "json_schema", "json_schema": {"name": "City", "schema": schema}}
    with (
        FakeServer() as server,
        Mistral(api_key="k", server_url=server.url) as client,
        client.chat.stream(model="m", messages=MESSAGES, response_format=format_) as events,
    ):
        text = "".join(str(e.data.choices[0].delta.content or "") for e in events)
    assert json.loads(text) == schema_sample(schema)
