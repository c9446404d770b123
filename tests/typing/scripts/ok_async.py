"""An async chat completion and an async stream."""

from __future__ import annotations

import asyncio

from typing_extensions import assert_type

from mistral_core import Mistral
from mistral_plugin_chat.models import ChatCompletionResponse


async def ask(question: str) -> str:
    async with Mistral() as client:
        res = await client.chat.complete_async(
            model="mistral-small-latest",
            messages=[{"role": "user", "content": question}],
        )
        assert_type(res, ChatCompletionResponse)
        parts: list[str] = []
        async with await client.chat.stream_async(
            model="mistral-small-latest",
            messages=[{"role": "user", "content": question}],
        ) as events:
            async for event in events:
                content = event.data.choices[0].delta.content
                if isinstance(content, str):
                    parts.append(content)
        return "".join(parts)


if __name__ == "__main__":
    print(asyncio.run(ask("Hello")))
