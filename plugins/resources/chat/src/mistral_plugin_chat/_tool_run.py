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
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Sequence
from typing import Any, Generic, Literal, TypeVar

import attrs

from mistral_core.errors import MistralError

from ._tool_calls import (
    PreparedCall,
    ToolResult,
    async_tool_names,
    prepare,
    result_text,
    run_call,
    run_call_async,
    tools_by_name,
)
from ._tools import FunctionTool
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
class _Ask:
    """The plan needs the model's answer to these messages."""

    messages: list[Any]


@attrs.frozen
class _Run:
    """The plan needs these calls run: sent back the tool message of each, in order."""

    calls: list[PreparedCall[ToolCall]]


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
        tool_messages: list[dict[str, Any]] = yield _Run(
            [prepare(c, c.function, tools) for c in calls]
        )
        messages.extend(tool_messages)
    raise AssertionError("unreachable: the last turn returns or raises")


def _tool_message(call: ToolCall, value: Any, error: Exception | None) -> dict[str, Any]:
    return {
        "role": "tool",
        "tool_call_id": call.id,
        "name": call.function.name,
        "content": result_text(value, error),
    }


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
        self.tools = tools_by_name(tools)
        self._plan = _plan(self.messages, self.tools, max_turns)
        self._tool_errors = tool_errors
        self._final: ChatCompletionResponse | None = None

    @property
    def tool_definitions(self) -> list[Any]:
        """What ``tools=[...]`` of each call gets: the API's tool of each function."""
        return [tool.tool for tool in self.tools.values()]

    def _result(
        self, call: PreparedCall[ToolCall], value: Any, error: Exception | None
    ) -> ToolResult[ToolCall]:
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
        async_tools = async_tool_names(self.tools)
        if async_tools:
            raise TypeError(
                f"the tool {async_tools[0]!r} is an async function: use run_tools_async"
            )
        self._ask = ask
        self._answer_of = answer_of
        self._steps = self._drive()

    def __iter__(self) -> Iterator[S | ToolResult[ToolCall]]:
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

    def _drive(self) -> Iterator[S | ToolResult[ToolCall]]:
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
                results: list[ToolResult[ToolCall]] = []
                for call in need.calls:
                    result = self._result(call, *run_call(call))
                    results.append(result)
                    yield result
                sent = [r.message for r in results]


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

    def __aiter__(self) -> AsyncIterator[S | ToolResult[ToolCall]]:
        return self._steps

    async def until_done(self) -> ChatCompletionResponse:
        """Run the rest of the loop: the model's last answer, which calls no tool."""
        async for _ in self._steps:
            pass
        if self._final is None:
            raise RuntimeError("the run failed before its end (its error was raised then)")
        return self._final

    async def _drive(self) -> AsyncIterator[S | ToolResult[ToolCall]]:
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
                outcomes = await asyncio.gather(*(run_call_async(c) for c in need.calls))
                results = [self._result(c, *o) for c, o in zip(need.calls, outcomes, strict=True)]
                for result in results:
                    yield result
                sent = [r.message for r in results]
