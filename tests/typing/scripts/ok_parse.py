"""Structured outputs: ``chat.parse`` (and ``agents.parse``) replies with the user's class,
typed down to ``parsed``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from typing_extensions import TypedDict, assert_type

from mistral_core import Mistral
from mistral_plugin_chat import ParsedChatCompletionResponse, ParsedCompletionStream


@dataclass
class City:
    name: str
    population: int


class Point(TypedDict):
    x: float
    y: float


def ask() -> City | None:
    with Mistral() as client:
        res = client.chat.parse(
            response_format=City,
            model="mistral-small-latest",
            messages=[{"role": "user", "content": "The biggest city of France?"}],
            temperature=0.2,
            timeout_ms=10_000,
        )
        assert_type(res, ParsedChatCompletionResponse[City])
        assert_type(res.choices[0].message.parsed, City | None)
        return res.choices[0].message.parsed


async def ask_async() -> Point | None:
    async with Mistral() as client:
        res = await client.chat.parse_async(
            Point, model="mistral-small-latest", messages=[{"role": "user", "content": "A point?"}]
        )
        assert_type(res.choices[0].message.parsed, Point | None)
        return res.choices[0].message.parsed


def ask_an_agent() -> City | None:
    with Mistral() as client:
        res = client.agents.parse(
            response_format=City,
            agent_id="ag-1",
            messages=[{"role": "user", "content": "The biggest city of France?"}],
            max_tokens=100,
        )
        assert_type(res, ParsedChatCompletionResponse[City])
        with client.agents.parse_stream(
            City, agent_id="ag-1", messages=[{"role": "user", "content": "And of Italy?"}]
        ) as stream:
            assert_type(stream, ParsedCompletionStream[City])
            assert_type(stream.get_final_response().choices[0].message.parsed, City | None)
        return res.choices[0].message.parsed


if __name__ == "__main__":
    print(ask(), asyncio.run(ask_async()), ask_an_agent())
