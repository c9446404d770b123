"""A tiny "user app" of the client, tested with the ``mistral_mock`` fixture as a user would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from mistral_core import Mistral

MODEL = "mistral-small-latest"


def capital_of(country: str, client: Mistral) -> str:
    """Ask the model for the capital of ``country``."""
    res = client.chat.complete(
        model=MODEL,
        messages=[{"role": "user", "content": f"What is the capital of {country}? One word."}],
    )
    return str(res.choices[0].message.content)


def tell_story(topic: str, client: Mistral) -> list[str]:
    """Stream a story about ``topic``: the pieces as they arrive."""
    pieces: list[str] = []
    with client.chat.stream(
        model=MODEL, messages=[{"role": "user", "content": f"A story about {topic}"}]
    ) as events:
        for event in events:
            delta = event.data.choices[0].delta.content
            if isinstance(delta, str) and delta:
                pieces.append(delta)
    return pieces


async def capital_of_async(country: str, client: Mistral) -> str:
    res = await client.chat.complete_async(
        model=MODEL, messages=[{"role": "user", "content": f"Capital of {country}?"}]
    )
    return str(res.choices[0].message.content)


def weather_assistant(question: str, client: Mistral, tools: dict[str, Callable[..., Any]]) -> Any:
    """Let the model pick a tool, and call it with the model's arguments."""
    res = client.chat.complete(
        model=MODEL,
        messages=[{"role": "user", "content": question}],
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
                },
            }
        ],
    )
    call = res.choices[0].message.tool_calls[0]
    arguments = call.function.arguments
    if isinstance(arguments, str):
        arguments = json.loads(arguments)
    return tools[call.function.name](**arguments)


def join_tool_calls(chunks: Iterable[Any]) -> list[dict[str, Any]]:
    """The tool calls of a streamed completion: each call's pieces joined by ``index``."""
    calls: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        for piece in chunk.choices[0].delta.tool_calls or []:
            call = calls.setdefault(piece.index, {"id": piece.id, "name": "", "arguments": ""})
            call["name"] += piece.function.name
            call["arguments"] += piece.function.arguments
    return [calls[index] for index in sorted(calls)]


def embed(texts: list[str], client: Mistral) -> list[list[float]]:
    res = client.embeddings.create(model="mistral-embed", inputs=texts)
    return [list(item.embedding) for item in res.data]
