"""A chat completion, as the README shows it: the reply is typed down to its text."""

from __future__ import annotations

from typing_extensions import assert_type

from mistral_core import Mistral
from mistral_plugin_chat import Chat
from mistral_plugin_chat.models import ChatCompletionResponse


def ask(question: str) -> str:
    with Mistral() as client:
        assert_type(client.chat, Chat)
        res = client.chat.complete(
            model="mistral-small-latest",
            messages=[{"role": "user", "content": question}],
            temperature=0.2,
        )
        assert_type(res, ChatCompletionResponse)
        print(res.choices[0].message.content)
        content = res.choices[0].message.content
        return content if isinstance(content, str) else ""
