"""The hand-written code of the generated plugins: the one table that names it.

The generator never writes these modules; it re-exports what they name from the
plugin's generated ``__init__``, loaded on first use (as a group's class is) and seen
by type checkers, and it bases a group's class on the mixin named for it in
:data:`MIXINS`, which is how a generated class gains hand-written methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mixin:
    """A hand-written class that a generated group class derives from, for its methods."""

    module: str
    """Its module, imported when the group is (keep it light: no models at import)."""
    name: str
    arguments: Mapping[str, tuple[str, ...]] = field(default_factory=dict[str, tuple[str, ...]])
    """Generated method -> the keyword arguments the mixin's methods take themselves.

    For each, the generator writes (for type checkers only) a ``TypedDict`` of the
    method's other keyword arguments and call options, ``<Method>Arguments``
    (``CompleteArguments``), so that a mixin's method passes them on typed.
    """


HAND_WRITTEN: dict[str, dict[str, tuple[str, ...]]] = {
    "mistral-plugin-chat": {
        "_parsed": (
            "EmptyReplyError",
            "ParseError",
            "ParsedAssistantMessage",
            "ParsedChatCompletionChoice",
            "ParsedChatCompletionResponse",
            "ReplyNotJSONError",
            "ReplyTruncatedError",
            "ReplyValidationError",
        ),
        "_schema": ("response_format", "response_format_from_pydantic_model"),
        "_tools": ("FunctionTool", "ToolArgumentsError", "function_tool"),
    },
}
"""Distribution -> its hand-written modules -> the public names each exports."""

MIXINS: dict[str, Mixin] = {
    "Chat": Mixin("mistral_plugin_chat._parse", "ChatParsing", {"complete": ("response_format",)}),
}
"""Generated group class -> the mixin it derives from (before ``Resource``)."""


def exports(distribution: str) -> dict[str, str]:
    """The names a distribution's hand-written modules export -> the module of each."""
    modules = HAND_WRITTEN.get(distribution, {})
    return {name: module for module, names in modules.items() for name in names}
