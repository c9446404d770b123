"""Chat completions for ``mistral_core.Mistral``: mounted as ``client.chat``."""

from .resource import CHAT_COMPLETION, Chat

__all__ = ["CHAT_COMPLETION", "Chat"]
