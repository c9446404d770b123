"""A streamed chat completion: each event's delta is typed, and in a ``with`` block the
stream is still a completion stream (its answer put together)."""

from __future__ import annotations

from typing_extensions import assert_type

from mistral_core import Mistral
from mistral_plugin_chat import AsyncCompletionStream, CompletionStream
from mistral_plugin_chat.models import ChatCompletionResponse


def stream(question: str) -> str:
    parts: list[str] = []
    with Mistral() as client:
        messages = [{"role": "user", "content": question}]
        with client.chat.stream(model="mistral-small-latest", messages=messages) as events:
            assert_type(events, CompletionStream[ChatCompletionResponse])
            for event in events:
                content = event.data.choices[0].delta.content
                if isinstance(content, str):
                    parts.append(content)
            assert_type(events.get_final_response(), ChatCompletionResponse)
    return "".join(parts)


async def stream_async(question: str) -> str:
    async with Mistral() as client:
        messages = [{"role": "user", "content": question}]
        events = await client.chat.stream_async(model="mistral-small-latest", messages=messages)
        async with events as entered:
            assert_type(entered, AsyncCompletionStream[ChatCompletionResponse])
            return "".join([text async for text in entered.text_stream])
