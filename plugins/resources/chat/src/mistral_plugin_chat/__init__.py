"""Chat completions for ``mistral_core.Mistral``: mounted as ``client.chat``.

The models (``UserMessage``, ``ChatCompletionResponse``, ...) are importable from here
too; they are loaded on first use, not when the plugin is mounted.
"""

from __future__ import annotations

import importlib
from typing import Any

from .resource import CHAT_COMPLETION, Chat

__all__ = ["CHAT_COMPLETION", "Chat"]


def __getattr__(name: str) -> Any:
    models = importlib.import_module(f"{__name__}.models")
    try:
        return getattr(models, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
