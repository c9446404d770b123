"""A streamed chat completion: each event's delta is typed."""

from __future__ import annotations

from mistral_core import Mistral


def stream(question: str) -> str:
    parts: list[str] = []
    with Mistral() as client:
        messages = [{"role": "user", "content": question}]
        with client.chat.stream(model="mistral-small-latest", messages=messages) as events:
            for event in events:
                content = event.data.choices[0].delta.content
                if isinstance(content, str):
                    parts.append(content)
    return "".join(parts)
