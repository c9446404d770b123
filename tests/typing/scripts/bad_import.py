"""A misspelt name imported from the core, and from a plugin."""

# expect-mypy: Module "mistral_core" has no attribute "EventStreem"
# expect-pyright: "EventStreem" is unknown import symbol
from mistral_core import EventStreem

# expect-mypy: Module "mistral_plugin_conversations" has no attribute "MessageOutputEntri"
# expect-pyright: "MessageOutputEntri" is unknown import symbol
from mistral_plugin_conversations import MessageOutputEntri

__all__ = ["EventStreem", "MessageOutputEntri"]
