"""``chat.run_tools``: ask the model, run the functions it calls, give it their results, repeat.

The loop itself is a sans-IO generator, :func:`_plan`: it yields what it needs (the
model's next answer for these messages, or the results of these calls) and is sent the
answers, so it never sends a request or calls a function itself. A run drives it:
:class:`ToolRun` with blocking calls, one tool after the other; :class:`AsyncToolRun`
without blocking the event loop, the calls of one answer concurrently (a plain function
in a worker thread). Either gives each step to whoever iterates it, as it happens: the
model's answer (or its stream), then each tool's :class:`ToolResult`.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Sequence
from typing import Any, Generic, Literal, TypeVar, cast

import attrs

from mistral_core.errors import MistralError

from ._tools import FunctionTool, ToolArgumentsError, function_tool
from ._values import dump
from .models import ChatCompletionResponse, ToolCall

__all__ = ["AsyncToolRun", "MaxTurnsExceededError", "ToolResult", "ToolRun"]

S = TypeVar("S")
"""What a run gives for each answer of the model: the response, or its stream."""

ToolErrors = Literal["report", "raise"]


class MaxTurnsExceededError(MistralError, RuntimeError):
    """The model still called tools after ``max_turns`` answers.

    ``messages`` is the conversation up to the last answer (to go on with, with more
    turns); ``response`` is that last answer, whose calls were not run.
    """

    def __init__(
        self, max_turns: int, messages: list[Any], response: ChatCompletionResponse
    ) -> None:
        self.messages = messages
        self.response = response
        super().__init__(
            f"the model still called tools after {max_turns} answers (max_turns={max_turns})"
        )


@attrs.frozen
class ToolResult:
    """One call the model made, and what running it gave."""

    call: ToolCall
    tool: FunctionTool[..., Any] | None
    """The tool called; ``None`` when the model named no tool it was given."""
    value: Any
    """What the function returned (``None`` if it failed)."""
    error: Exception | None
    """Why the call failed: the function raised it, or the model's arguments did not fit
    (:class:`~._tools.ToolArgumentsError`), or named no tool; then the model is told."""
    message: dict[str, Any]
    """The tool message given back to the model: the value as text, or the error."""


@attrs.frozen
class _Call:
    """A call the model made, ready to run: its tool and arguments, or why it cannot run."""

    call: ToolCall
    tool: FunctionTool[..., Any] | None
    arguments: dict[str, Any]
    error: Exception | None


@attrs.frozen
class _Ask:
    """The plan needs the model's answer to these messages."""

    messages: list[Any]


@attrs.frozen
class _Run:
    """The plan needs these calls run: sent back the tool message of each, in order."""

    calls: list[_Call]


def _plan(
    messages: list[Any], tools: dict[str, FunctionTool[..., Any]], max_turns: int
) -> Generator[_Ask | _Run, Any, ChatCompletionResponse]:
    """The loop, as the requests it makes and the answers it is sent; returns the answer
    without calls. ``messages`` grows with each answer and each tool's message."""
    for turn in range(1, max_turns + 1):
        response: ChatCompletionResponse = yield _Ask(list(messages))
        message = response.choices[0].message
        calls = message.tool_calls or []
        if not calls:
            return response
        if turn == max_turns:
            raise MaxTurnsExceededError(max_turns, list(messages), response)
        messages.append(message)
        tool_messages: list[dict[str, Any]] = yield _Run([_prepare(c, tools) for c in calls])
        messages.extend(tool_messages)
    raise AssertionError("unreachable: the last turn returns or raises")


def _prepare(call: ToolCall, tools: dict[str, FunctionTool[..., Any]]) -> _Call:
    tool = tools.get(call.function.name)
    if tool is None:
        known = ", ".join(sorted(tools)) or "none"
        error = ToolArgumentsError(
            call.function.name, f"there is no such tool (the tools: {known})"
        )
        return _Call(call, None, {}, error)
    try:
        return _Call(call, tool, tool.arguments(call), None)
    except ToolArgumentsError as error:
        return _Call(call, tool, {}, error)


def _tool_message(call: ToolCall, value: Any, error: Exception | None) -> dict[str, Any]:
    content = f"Error: {error}" if error is not None else _as_text(value)
    return {
        "role": "tool",
        "tool_call_id": call.id,
        "name": call.function.name,
        "content": content,
    }


def _as_text(value: Any) -> str:
    """A function's result as the model reads it: text as it is, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(dump(value), ensure_ascii=False)


def _tools(tools: Sequence[Callable[..., Any]]) -> dict[str, FunctionTool[..., Any]]:
    made: list[FunctionTool[..., Any]] = [_tool(t) for t in tools]
    names = [tool.name for tool in made]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"two tools are named {duplicates[0]!r}: name them apart")
    return {tool.name: tool for tool in made}


def _tool(fn: Callable[..., Any]) -> FunctionTool[..., Any]:
    if isinstance(fn, FunctionTool):  # (pyright does not take its types for Any)
        return cast("FunctionTool[..., Any]", fn)
    return function_tool(fn)


class _Steps(Generic[S]):
    """What both runs hold: the plan, the conversation, and the last answer."""

    def __init__(
        self,
        messages: Sequence[Any],
        tools: Sequence[Callable[..., Any]],
        max_turns: int,
        tool_errors: ToolErrors,
    ) -> None:
        if max_turns < 1:
            raise ValueError(f"max_turns must be at least 1, not {max_turns}")
        self.messages: list[Any] = list(messages)
        """The conversation so far: the messages given, then each answer and tool message."""
        self.tools = _tools(tools)
        self._plan = _plan(self.messages, self.tools, max_turns)
        self._tool_errors = tool_errors
        self._final: ChatCompletionResponse | None = None

    @property
    def tool_definitions(self) -> list[Any]:
        """What ``tools=[...]`` of each call gets: the API's tool of each function."""
        return [tool.tool for tool in self.tools.values()]

    def _result(self, call: _Call, value: Any, error: Exception | None) -> ToolResult:
        if error is not None and self._tool_errors == "raise" and call.error is None:
            raise error
        return ToolResult(
            call.call, call.tool, value, error, _tool_message(call.call, value, error)
        )


class ToolRun(_Steps[S]):
    """A run of the tool loop, step by step as it is iterated (nothing is sent before).

    Iterating gives each answer of the model (a ``ChatCompletionResponse``, or with
    ``run_tools_stream`` the ``CompletionStream`` of it, read when the next step is
    asked for), then each call's :class:`ToolResult`. :meth:`until_done` runs the rest.
    """

    def __init__(
        self,
        ask: Callable[[list[Any], list[Any]], S],
        answer_of: Callable[[S], ChatCompletionResponse],
        *settings: Any,
    ) -> None:
        super().__init__(*settings)
        async_tools = [t.name for t in self.tools.values() if inspect.iscoroutinefunction(t.fn)]
        if async_tools:
            raise TypeError(
                f"the tool {async_tools[0]!r} is an async function: use run_tools_async"
            )
        self._ask = ask
        self._answer_of = answer_of
        self._steps = self._drive()

    def __iter__(self) -> Iterator[S | ToolResult]:
        return self._steps

    def until_done(self) -> ChatCompletionResponse:
        """Run the rest of the loop: the model's last answer, which calls no tool."""
        for _ in self._steps:
            pass
        if self._final is None:
            raise RuntimeError("the run failed before its end (its error was raised then)")
        return self._final

    @property
    def final_response(self) -> ChatCompletionResponse:
        """The model's last answer (the rest of the loop is run first)."""
        return self.until_done()

    def _drive(self) -> Iterator[S | ToolResult]:
        plan: Generator[_Ask | _Run, Any, ChatCompletionResponse] = self._plan
        sent: Any = None
        while True:
            try:
                need = plan.send(sent)
            except StopIteration as done:
                self._final = done.value
                return
            if isinstance(need, _Ask):
                step = self._ask(need.messages, self.tool_definitions)
                yield step
                sent = self._answer_of(step)
            else:
                results: list[ToolResult] = []
                for call in need.calls:
                    result = self._result(call, *_run_one(call))
                    results.append(result)
                    yield result
                sent = [r.message for r in results]


def _run_one(call: _Call) -> tuple[Any, Exception | None]:
    if call.error is not None or call.tool is None:
        return None, call.error
    try:
        return call.tool.fn(**call.arguments), None
    except Exception as error:
        return None, error


class AsyncToolRun(_Steps[S]):
    """:class:`ToolRun`, without blocking the event loop: ``async for`` its steps, ``await
    run.until_done()``. The calls of one answer run concurrently (a plain function in a
    worker thread, ``asyncio.to_thread``), and their results are given in the calls' order.
    """

    def __init__(
        self,
        ask: Callable[[list[Any], list[Any]], Awaitable[S]],
        answer_of: Callable[[S], Awaitable[ChatCompletionResponse]],
        *settings: Any,
    ) -> None:
        super().__init__(*settings)
        self._ask = ask
        self._answer_of = answer_of
        self._steps = self._drive()

    def __aiter__(self) -> AsyncIterator[S | ToolResult]:
        return self._steps

    async def until_done(self) -> ChatCompletionResponse:
        """Run the rest of the loop: the model's last answer, which calls no tool."""
        async for _ in self._steps:
            pass
        if self._final is None:
            raise RuntimeError("the run failed before its end (its error was raised then)")
        return self._final

    async def _drive(self) -> AsyncIterator[S | ToolResult]:
        plan: Generator[_Ask | _Run, Any, ChatCompletionResponse] = self._plan
        sent: Any = None
        while True:
            try:
                need = plan.send(sent)
            except StopIteration as done:
                self._final = done.value
                return
            if isinstance(need, _Ask):
                step = await self._ask(need.messages, self.tool_definitions)
                yield step
                sent = await self._answer_of(step)
            else:
                outcomes = await asyncio.gather(*(_run_one_async(c) for c in need.calls))
                results = [self._result(c, *o) for c, o in zip(need.calls, outcomes, strict=True)]
                for result in results:
                    yield result
                sent = [r.message for r in results]


async def _run_one_async(call: _Call) -> tuple[Any, Exception | None]:
    if call.error is not None or call.tool is None:
        return None, call.error
    fn = call.tool.fn
    try:
        if inspect.iscoroutinefunction(fn):
            return await fn(**call.arguments), None
        return await asyncio.to_thread(fn, **call.arguments), None
    except Exception as error:
        return None, error
