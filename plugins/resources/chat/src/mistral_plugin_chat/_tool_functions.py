"""Functions in ``tools=[...]``: a function is sent as the tool ``function_tool`` makes of it.

Importing this module teaches request bodies such values
(:func:`mistral_core.models.register_request_value`). The generated groups whose
``tools`` take them (the generator's table, ``tools/codegen/extras.py``: ``Chat``,
``Agents``) import :data:`ToolFunction` from here at run time for that, so that it is
done when the group is mounted: this module is light, the tool being made by
:func:`~._tools.tool_of`, loaded with the first function sent.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from mistral_core.models import register_request_value

if TYPE_CHECKING:
    from .models import Tool

__all__ = ["ToolFunction"]

ToolFunction: TypeAlias = Callable[..., Any]
"""What ``tools=[...]`` takes besides the API's tools: a function or a method (also
decorated, or made a ``FunctionTool``), sent as the tool ``function_tool`` makes of it."""


def _is_function(value: Any) -> bool:
    """A function or a method, or what wraps one (a ``FunctionTool``, a decorator made
    with ``functools.wraps``, ``functools.cache``): what has a name, a docstring and
    type hints to make a tool of. A class or a ``functools.partial`` has not."""
    if not callable(value):  # most values asked about: strings, numbers
        return False
    unwrapped = inspect.unwrap(value)
    return inspect.isfunction(unwrapped) or inspect.ismethod(unwrapped)


def _tool(fn: Callable[..., Any]) -> Tool:
    from ._tools import tool_of

    return tool_of(fn)


register_request_value(_is_function, _tool)
