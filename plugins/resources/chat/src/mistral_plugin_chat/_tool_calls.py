"""What every tool loop does with the calls a model makes, written once: find each call's
function and read its arguments (:func:`prepare`), run it blocking or without blocking the
event loop (:func:`run_call`, :func:`run_call_async`), and put what it gave as the text the
model reads (:func:`result_text`). ``chat.run_tools`` and the conversations' ``run`` use it.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

import attrs

from ._tools import FunctionTool, ToolArgumentsError, function_tool
from ._values import dump
from .models import FunctionCall

__all__ = ["ToolResult"]

C = TypeVar("C")
"""The model's call, as its API says it: a chat ``ToolCall``, a conversation's entry."""


@attrs.frozen
class ToolResult(Generic[C]):
    """One call the model made, and what running it gave."""

    call: C
    tool: FunctionTool[..., Any] | None
    """The tool called; ``None`` when the model named no tool it was given."""
    value: Any
    """What the function returned (``None`` if it failed)."""
    error: Exception | None
    """Why the call failed: the function raised it, or the model's arguments did not fit
    (:class:`~._tools.ToolArgumentsError`), or named no tool; then the model is told."""
    message: dict[str, Any]
    """What is given back to the model: the value as text, or the error (a chat's tool
    message, a conversation's function result entry)."""


@attrs.frozen
class PreparedCall(Generic[C]):
    """A call the model made, ready to run: its tool and arguments, or why it cannot run."""

    call: C
    tool: FunctionTool[..., Any] | None
    arguments: dict[str, Any]
    error: Exception | None


def prepare(
    call: C, function: FunctionCall, tools: Mapping[str, FunctionTool[..., Any]]
) -> PreparedCall[C]:
    """The call (whose name and arguments are ``function``) with its tool and arguments, or
    the :class:`ToolArgumentsError` that the model is told instead of running it."""
    tool = tools.get(function.name)
    if tool is None:
        known = ", ".join(sorted(tools)) or "none"
        error = ToolArgumentsError(function.name, f"there is no such tool (the tools: {known})")
        return PreparedCall(call, None, {}, error)
    try:
        return PreparedCall(call, tool, tool.arguments(function), None)
    except ToolArgumentsError as error:
        return PreparedCall(call, tool, {}, error)


def run_call(call: PreparedCall[Any]) -> tuple[Any, Exception | None]:
    """Run a prepared call: its value, or the error that stopped it."""
    if call.error is not None or call.tool is None:
        return None, call.error
    try:
        return call.tool.fn(**call.arguments), None
    except Exception as error:
        return None, error


async def run_call_async(call: PreparedCall[Any]) -> tuple[Any, Exception | None]:
    """:func:`run_call` without blocking the event loop: a plain function in a worker thread."""
    if call.error is not None or call.tool is None:
        return None, call.error
    fn = call.tool.fn
    try:
        if inspect.iscoroutinefunction(fn):
            return await fn(**call.arguments), None
        return await asyncio.to_thread(fn, **call.arguments), None
    except Exception as error:
        return None, error


def result_text(value: Any, error: Exception | None) -> str:
    """What the model reads of a call: the error, else the value (text as it is, anything
    else as JSON)."""
    if error is not None:
        return f"Error: {error}"
    if isinstance(value, str):
        return value
    return json.dumps(dump(value), ensure_ascii=False)


def tools_by_name(tools: Sequence[Callable[..., Any]]) -> dict[str, FunctionTool[..., Any]]:
    """Each function as its tool (a :class:`FunctionTool` as it is), by the tool's name;
    two of one name are refused, the model could not tell them apart."""
    made: list[FunctionTool[..., Any]] = [as_tool(t) for t in tools]
    names = [tool.name for tool in made]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"two tools are named {duplicates[0]!r}: name them apart")
    return {tool.name: tool for tool in made}


def as_tool(fn: Callable[..., Any]) -> FunctionTool[..., Any]:
    """A function as a tool: a :class:`FunctionTool` as it is, else :func:`function_tool`'s."""
    if isinstance(fn, FunctionTool):  # (pyright does not take its types for Any)
        return cast("FunctionTool[..., Any]", fn)
    return function_tool(fn)


def async_tool_names(tools: Mapping[str, FunctionTool[..., Any]]) -> list[str]:
    """The tools whose function is async, which a blocking run cannot call."""
    return [name for name, tool in tools.items() if inspect.iscoroutinefunction(tool.fn)]
