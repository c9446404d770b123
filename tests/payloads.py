"""Bodies the fake API answers with, shaped like the real API's."""

from __future__ import annotations

import json
from typing import Any

API_KEY = "sk-test-secret-key-do-not-print"
BASE_URL = "https://api.mistral.ai"
CHAT_PATH = "/v1/chat/completions"


def chat_response(content: str = "Paris", **overrides: Any) -> dict[str, Any]:
    """A ``ChatCompletionResponse`` body with one assistant message."""
    body: dict[str, Any] = {
        "id": "cmpl-e5cc70bb28c444948073e77776eb30ef",
        "object": "chat.completion",
        "model": "mistral-small-latest",
        "created": 1702256327,
        "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15},
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, "tool_calls": None},
            }
        ],
    }
    body.update(overrides)
    return body


def chunk(content: str, *, finish_reason: str | None = None, index: int = 0) -> dict[str, Any]:
    """A streamed ``CompletionChunk`` carrying one delta."""
    return {
        "id": "cmpl-stream",
        "object": "chat.completion.chunk",
        "created": 1702256327,
        "model": "mistral-small-latest",
        "choices": [
            {"index": index, "delta": {"content": content}, "finish_reason": finish_reason}
        ],
    }


def sse(*events: dict[str, Any] | str, done: bool = True) -> bytes:
    """An event-stream body: each event a ``data:`` line (dicts as JSON), then ``[DONE]``."""
    lines = [f"data: {json.dumps(e) if isinstance(e, dict) else e}\n\n" for e in events]
    if done:
        lines.append("data: [DONE]\n\n")
    return "".join(lines).encode()


def user_says(text: str = "Who is the best French painter?") -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]
