"""Tools from Python functions: the ``Tool`` the model is shown, and the typed arguments
of the calls it makes.

``@function_tool`` reads what a function already says of itself: its name, its
docstring (the description, and each parameter's) and its type hints (the JSON schema
of its parameters, by :mod:`._schema`). The model's call comes back as JSON; the tool
reads it into the types the function declares (:mod:`._values`), or says which
argument is wrong. A function given as it is in ``tools=[...]`` is sent as its tool
(:mod:`._tool_functions`, :func:`tool_of`).
"""

from __future__ import annotations

import functools
import inspect
import json
import typing
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Generic, ParamSpec, TypeVar, overload

import attrs

from mistral_core.errors import MistralError

from ._docstrings import parse_docstring
from ._fields import Field, nulls_defaulted, parameter_field
from ._schema import object_schema
from ._values import ReadError, read
from .models import Function, FunctionCall, Tool, ToolCall

__all__ = ["FunctionTool", "ToolArgumentsError", "function_tool", "tool_arguments"]

P = ParamSpec("P")
R = TypeVar("R")

_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


class ToolArgumentsError(MistralError, ValueError):
    """The arguments of a tool call do not fit the function's parameters.

    ``tool`` is the tool's name; ``argument`` the argument at fault, when one is.
    """

    def __init__(self, tool: str, problem: str, argument: str | None = None) -> None:
        self.tool = tool
        self.argument = argument
        super().__init__(f"tool {tool!r}: {problem}")


class FunctionTool(Generic[P, R]):
    """A function and the tool that shows it to the model; calling it calls the function."""

    def __init__(self, fn: Callable[P, R], tool: Tool, parameters: tuple[Field, ...]) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.tool = tool
        """What ``tools=[...]`` of ``chat.complete`` takes."""
        self.parameters = parameters

    @property
    def name(self) -> str:
        return self.tool.function.name

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<FunctionTool {self.name!r} of {self.fn!r}>"

    def arguments(self, call: ToolCall | FunctionCall) -> dict[str, Any]:
        """The keyword arguments of the function, of the types it declares, from a call the
        model made (``response.choices[0].message.tool_calls[i]``); a default for each
        argument the model left out.

        Raises :class:`ToolArgumentsError` for a call to another tool, arguments that are
        not a JSON object, and an argument missing, unknown or not of its type.
        """
        function = _function_of(call)
        if function.name != self.name:
            raise ToolArgumentsError(self.name, f"the call is to the tool {function.name!r}")
        given = nulls_defaulted(self.parameters, _decoded(self.name, function.arguments))
        unknown = given.keys() - {p.name for p in self.parameters}
        if unknown:
            name = min(unknown)
            raise ToolArgumentsError(self.name, f"unknown argument {name!r}", name)
        values: dict[str, Any] = {}
        for parameter in self.parameters:
            if parameter.name in given:
                values[parameter.name] = self._read(parameter, given[parameter.name])
            elif parameter.required:
                problem = f"missing argument {parameter.name!r}"
                raise ToolArgumentsError(self.name, problem, parameter.name)
            else:  # given here, not by the function: pydantic's ``Field(...)`` is no value
                values[parameter.name] = parameter.default
        return values

    def _read(self, parameter: Field, value: Any) -> Any:
        try:
            return read(parameter.type, value, parameter.name)
        except ReadError as exc:
            raise ToolArgumentsError(self.name, str(exc), parameter.name) from None


def tool_arguments(call: ToolCall | FunctionCall) -> dict[str, Any]:
    """The arguments of any tool call, as the JSON object the model sent (a string or an
    object on the wire), for a tool that no :class:`FunctionTool` reads.

    Raises :class:`ToolArgumentsError` for arguments that are not a JSON object.
    """
    function = _function_of(call)
    return dict(_decoded(function.name, function.arguments))


def _function_of(call: ToolCall | FunctionCall) -> FunctionCall:
    return call.function if isinstance(call, ToolCall) else call


def _decoded(tool: str, arguments: Mapping[str, Any] | str) -> Mapping[str, Any]:
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError as exc:
            raise ToolArgumentsError(tool, f"the arguments are not JSON ({exc})") from None
    if not isinstance(arguments, Mapping):
        raise ToolArgumentsError(tool, f"the arguments are not a JSON object: {arguments!r:.60}")
    return arguments


@overload
def function_tool(
    fn: Callable[P, R], /, *, name: str | None = None, description: str | None = None
) -> FunctionTool[P, R]: ...


@overload
def function_tool(
    *, name: str | None = None, description: str | None = None
) -> Callable[[Callable[P, R]], FunctionTool[P, R]]: ...


def function_tool(
    fn: Callable[P, R] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
) -> FunctionTool[P, R] | Callable[[Callable[P, R]], FunctionTool[P, R]]:
    """The function as a tool the model can call, usable as a decorator (with or without
    arguments): ``@function_tool`` or ``@function_tool(name="lookup")``.

    ``name`` is the function's by default, ``description`` its docstring's.
    """

    def make(fn: Callable[P, R]) -> FunctionTool[P, R]:
        doc = parse_docstring(fn.__doc__)
        parameters = tuple(_parameters(fn, doc.parameters))
        function = Function(
            name=name or fn.__name__,
            description=description or doc.description,
            parameters=object_schema(parameters, fn.__qualname__),
        )
        return FunctionTool(fn, Tool(function=function), parameters)

    return make if fn is None else make(fn)


def _parameters(fn: Callable[..., Any], described: Mapping[str, str]) -> list[Field]:
    """The function's parameters, each with its docstring's description if it has one."""
    hints = typing.get_type_hints(fn, include_extras=True)
    fields: list[Field] = []
    for parameter in inspect.signature(fn).parameters.values():
        if parameter.kind not in _NAMED:
            raise TypeError(
                f"{fn.__qualname__}({parameter}): the model calls a tool with named arguments;"
                " a tool takes no *args, **kwargs or positional-only parameter"
            )
        field = parameter_field(parameter, hints.get(parameter.name, Any))
        text = described.get(parameter.name)
        fields.append(attrs.evolve(field, description=text) if text else field)
    return fields


def tool_of(fn: Callable[..., Any]) -> Tool:
    """The tool a function given in ``tools=[...]`` is sent as: a :class:`FunctionTool`'s
    own, else the one :func:`function_tool` makes, made once per function (a method's
    once per function of its class, ``obj.method`` being a new object each time)."""
    if isinstance(fn, FunctionTool):
        return fn.tool
    made, key = (_method_tools, fn.__func__) if inspect.ismethod(fn) else (_function_tools, fn)
    tool = made.get(key)
    if tool is None:
        tool = made[key] = function_tool(fn).tool
    return tool


_function_tools: weakref.WeakKeyDictionary[Callable[..., Any], Tool] = weakref.WeakKeyDictionary()
"""The tool of each function given in ``tools=[...]``, for as long as the function lives."""
_method_tools: weakref.WeakKeyDictionary[Callable[..., Any], Tool] = weakref.WeakKeyDictionary()
"""The tool of each method given, by the function of its class (the tool has no ``self``)."""
