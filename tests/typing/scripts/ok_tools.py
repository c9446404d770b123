"""Functions in ``tools=[...]``, beside dicts and ``Tool`` models, for chat and agents."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from typing_extensions import assert_type

from mistral_core import Mistral
from mistral_plugin_chat import function_tool, tool_arguments
from mistral_plugin_chat.models import Function, Tool


def get_weather(city: str, days: int = 1) -> str:
    """The weather forecast of a city."""
    return f"{city}: sunny for {days} days"


@function_tool
def get_time(city: str) -> str:
    """The local time in a city."""
    return "12:00"


class Dictionary:
    def define(self, word: str) -> str:
        """The definition of a word."""
        return word


@dataclass
class Forecast:
    city: str
    sunny: bool


MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]
LOOKUP = Tool(function=Function(name="lookup", parameters={"type": "object"}))


def ask() -> dict[str, Any]:
    with Mistral() as client:
        res = client.chat.complete(
            model="mistral-small-latest",
            messages=MESSAGES,
            tools=[get_weather, get_time, Dictionary().define, LOOKUP, {"type": "web_search"}],
        )
        with client.chat.stream(model="m", messages=MESSAGES, tools=[get_weather]) as events:
            print(list(events))
        client.chat.parse(Forecast, model="m", messages=MESSAGES, tools=[get_weather])
        client.agents.complete(agent_id="ag_1", messages=MESSAGES, tools=[get_weather, LOOKUP])
        arguments = tool_arguments((res.choices[0].message.tool_calls or [])[0])
        assert_type(arguments, dict[str, Any])
        return arguments


async def ask_async() -> None:
    async with Mistral() as client:
        await client.chat.complete_async(model="m", messages=MESSAGES, tools=[get_time])
        await client.agents.stream_async(agent_id="ag_1", messages=MESSAGES, tools=[get_time])


if __name__ == "__main__":
    print(ask(), asyncio.run(ask_async()))
