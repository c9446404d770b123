"""The hand-written modules of the generated plugins: the one table that names them.

The generator never writes these modules; it re-exports what they name from the
plugin's generated ``__init__``, loaded on first use (as a group's class is) and seen
by type checkers.
"""

from __future__ import annotations

HAND_WRITTEN: dict[str, dict[str, tuple[str, ...]]] = {
    "mistral-plugin-chat": {
        "_schema": ("response_format", "response_format_from_pydantic_model"),
        "_tools": ("FunctionTool", "ToolArgumentsError", "function_tool"),
    },
}
"""Distribution -> its hand-written modules -> the public names each exports."""


def exports(distribution: str) -> dict[str, str]:
    """The names a distribution's hand-written modules export -> the module of each."""
    modules = HAND_WRITTEN.get(distribution, {})
    return {name: module for module, names in modules.items() for name in names}
