"""``function_tool``: the tool a function makes, and the typed arguments of a call to it."""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Annotated, Any, Literal

import pydantic
import pytest

from mistral_plugin_chat import FunctionTool, ToolArgumentsError, function_tool
from mistral_plugin_chat.models import Function, FunctionCall, Tool, ToolCall


class Unit(enum.Enum):
    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


@dataclasses.dataclass
class Place:
    city: str
    country: str = "FR"


@function_tool
def get_weather(
    place: Place,
    unit: Unit = Unit.CELSIUS,
    days: Annotated[int, "how many days ahead"] = 1,
    detail: Literal["short", "long"] = pydantic.Field("short", description="how much to say"),
) -> str:
    """The weather forecast of a place.

    Args:
        place: Where.
        unit: The unit of temperatures.
    """
    return f"{place.city}: sunny for {days} days, in {unit.value} ({detail})"


WEATHER = Tool(
    function=Function(
        name="get_weather",
        description="The weather forecast of a place.",
        parameters={
            "type": "object",
            "properties": {
                "place": {"$ref": "#/$defs/Place", "description": "Where."},
                "unit": {
                    "enum": ["celsius", "fahrenheit"],
                    "type": "string",
                    "description": "The unit of temperatures.",
                    "default": "celsius",
                },
                "days": {"type": "integer", "description": "how many days ahead", "default": 1},
                "detail": {
                    "enum": ["short", "long"],
                    "type": "string",
                    "description": "how much to say",
                    "default": "short",
                },
            },
            "required": ["place"],
            "$defs": {
                "Place": {
                    "type": "object",
                    "properties": {
                        "city": {"type": "string"},
                        "country": {"type": "string", "default": "FR"},
                    },
                    "required": ["city"],
                }
            },
        },
    )
)


def test_the_tool_has_the_function_s_name_description_and_parameters() -> None:
    assert get_weather.tool == WEATHER
    assert get_weather.name == "get_weather"


def test_the_decorated_function_is_still_the_function() -> None:
    assert (
        get_weather(Place("Paris"), detail="long") == "Paris: sunny for 1 days, in celsius (long)"
    )
    assert get_weather.__name__ == "get_weather"
    assert get_weather.__doc__ is not None
    assert get_weather.__doc__.startswith("The weather forecast")
    assert isinstance(get_weather, FunctionTool)


def test_name_and_description_can_be_given() -> None:
    @function_tool(name="lookup", description="Look a word up.")
    def find(word: str) -> list[str]:
        return [word]

    assert find.tool.function.name == "lookup"
    assert find.tool.function.description == "Look a word up."
    assert find("x") == ["x"]
    call = FunctionCall(name="lookup", arguments={"word": "cat"})
    assert find.arguments(call) == {"word": "cat"}


def test_an_async_function_is_a_tool_too() -> None:
    async def fetch(url: str) -> str:
        return url

    tool = function_tool(fetch)
    assert tool.tool.function.parameters["required"] == ["url"]


def _call(arguments: dict[str, Any] | str, name: str = "get_weather") -> ToolCall:
    return ToolCall(id="call_1", function=FunctionCall(name=name, arguments=arguments))


@pytest.mark.parametrize(
    "arguments",
    [
        '{"place": {"city": "Lyon"}, "unit": "fahrenheit", "days": 3}',
        {"place": {"city": "Lyon"}, "unit": "fahrenheit", "days": 3},
        {"place": {"city": "Lyon", "country": None}, "unit": "fahrenheit", "days": 3},
    ],
)
def test_the_arguments_of_a_call_are_typed_and_defaulted(arguments: dict[str, Any] | str) -> None:
    values = get_weather.arguments(_call(arguments))
    assert values == {
        "place": Place("Lyon"),
        "unit": Unit.FAHRENHEIT,
        "days": 3,
        "detail": "short",  # the default, not pydantic's Field(...)
    }
    assert get_weather(**values) == "Lyon: sunny for 3 days, in fahrenheit (short)"


def test_a_null_for_an_argument_with_a_default_is_the_default() -> None:
    """What a strict schema makes the model send for an optional argument."""
    values = get_weather.arguments(_call({"place": {"city": "Nice"}, "days": None}))
    assert values["days"] == 1


@pytest.mark.parametrize(
    ("arguments", "argument", "message"),
    [
        ("{not json", None, r"tool 'get_weather': the arguments are not JSON \(Expecting"),
        ("[1, 2]", None, r"tool 'get_weather': the arguments are not a JSON object: \[1, 2\]"),
        ({}, "place", r"tool 'get_weather': missing argument 'place'$"),
        ({"place": {"city": "Nice"}, "when": 1}, "when", "unknown argument 'when'$"),
        ({"place": {"city": 7}}, "place", r"place\.city: expected str, got int 7$"),
        ({"place": {"town": "Nice"}}, "place", r"place\.city: required field missing; place: unk"),
        ({"place": {"city": "a"}, "unit": "kelvin"}, "unit", "unit: 'kelvin' is not a valid Unit"),
        ({"place": {"city": "a"}, "days": "2"}, "days", "days: expected int, got str '2'$"),
    ],
)
def test_bad_arguments_name_the_tool_and_the_argument(
    arguments: dict[str, Any] | str, argument: str | None, message: str
) -> None:
    with pytest.raises(ToolArgumentsError, match=message) as caught:
        get_weather.arguments(_call(arguments))
    assert caught.value.tool == "get_weather"
    assert caught.value.argument == argument


def test_a_call_to_another_tool_is_refused() -> None:
    with pytest.raises(ToolArgumentsError, match="the call is to the tool 'get_time'"):
        get_weather.arguments(_call("{}", name="get_time"))


class Order(pydantic.BaseModel):
    item: str
    quantity: int = pydantic.Field(1, ge=1)


def test_a_pydantic_model_argument_is_validated_by_pydantic() -> None:
    @function_tool
    def place_order(order: Order) -> str:
        return order.item

    call = FunctionCall(name="place_order", arguments=json.dumps({"order": {"item": "tea"}}))
    assert place_order.arguments(call) == {"order": Order(item="tea")}
    bad = FunctionCall(name="place_order", arguments={"order": {"item": "tea", "quantity": 0}})
    with pytest.raises(ToolArgumentsError, match="greater than or equal to 1") as caught:
        place_order.arguments(bad)
    assert caught.value.argument == "order"


@pytest.mark.parametrize("signature", ["*args: int", "**kwargs: int", "a: int, /"])
def test_a_function_with_unnamed_parameters_is_refused(signature: str) -> None:
    namespace: dict[str, Any] = {}
    exec(f"def f({signature}) -> None: pass", namespace)
    with pytest.raises(TypeError, match=r"a tool takes no \*args, \*\*kwargs or positional-only"):
        function_tool(namespace["f"])


def test_an_unsupported_parameter_type_is_named() -> None:
    def send(data: bytes) -> None:
        pass

    with pytest.raises(TypeError, match=r"^test_an_unsupported_.*<locals>\.send\.data: bytes has"):
        function_tool(send)
