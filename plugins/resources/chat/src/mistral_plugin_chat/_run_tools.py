"""``chat.run_tools`` (and its async and streamed forms): the tool loop on ``complete``.

The generated :class:`~._chat.Chat` derives from :class:`ChatToolRunning` (the generator's
table says so). Each method makes a run (:mod:`._tool_run`) whose calls are the group's
own ``complete`` or ``stream``: retries, hooks, errors and call options are theirs.
Nothing heavy is imported here: this module is imported when ``client.chat`` is mounted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mistral_types._streams import AsyncCompletionStream, CompletionStream

    from ._chat import ToolRunArguments
    from ._tool_run import AsyncToolRun, ToolErrors, ToolRun
    from .models import ChatCompletionRequestMessages, ChatCompletionResponse

__all__ = ["ChatToolRunning"]

Messages = Sequence["ChatCompletionRequestMessages | Mapping[str, Any]"]


class _Calls(Protocol):
    """The generated ``complete`` and ``stream``, and their async forms."""

    def complete(
        self,
        *,
        messages: Messages,
        tools: Sequence[Any],
        stream: Literal[False] | None = False,
        **arguments: Unpack[ToolRunArguments],
    ) -> ChatCompletionResponse: ...

    async def complete_async(
        self,
        *,
        messages: Messages,
        tools: Sequence[Any],
        stream: Literal[False] | None = False,
        **arguments: Unpack[ToolRunArguments],
    ) -> ChatCompletionResponse: ...

    def stream(
        self,
        *,
        messages: Messages,
        tools: Sequence[Any],
        stream: Literal[True] = True,
        **arguments: Unpack[ToolRunArguments],
    ) -> CompletionStream[ChatCompletionResponse]: ...

    async def stream_async(
        self,
        *,
        messages: Messages,
        tools: Sequence[Any],
        stream: Literal[True] = True,
        **arguments: Unpack[ToolRunArguments],
    ) -> AsyncCompletionStream[ChatCompletionResponse]: ...


class ChatToolRunning:
    """``run_tools``: the model calls Python functions until it answers without a call."""

    def run_tools(
        self: _Calls,
        *,
        messages: Messages,
        tools: Sequence[Callable[..., Any]],
        max_turns: int = 10,
        tool_errors: ToolErrors = "report",
        **arguments: Unpack[ToolRunArguments],
    ) -> ToolRun[ChatCompletionResponse]:
        """Ask the model with ``tools`` (functions, or :func:`~._tools.function_tool`'s), run
        each call it makes, give it the results, and repeat until it answers without calls.

        Nothing is sent until the run is iterated (each step as it happens), or its
        ``until_done()`` or ``final_response`` asked for. At most ``max_turns`` answers
        (then :class:`~._tool_run.MaxTurnsExceededError`); a function that raises is
        reported to the model as its result (``tool_errors="raise"``: raised instead),
        and so are a call to no known tool and arguments that do not fit. Every other
        argument is ``complete``'s.
        """
        from ._tool_run import ToolRun

        def ask(history: list[Any], definitions: list[Any]) -> ChatCompletionResponse:
            return self.complete(messages=history, tools=definitions, **arguments)

        return ToolRun(ask, _itself, messages, tools, max_turns, tool_errors)

    def run_tools_stream(
        self: _Calls,
        *,
        messages: Messages,
        tools: Sequence[Callable[..., Any]],
        max_turns: int = 10,
        tool_errors: ToolErrors = "report",
        **arguments: Unpack[ToolRunArguments],
    ) -> ToolRun[CompletionStream[ChatCompletionResponse]]:
        """:meth:`run_tools`, each answer of the model streamed: the run gives its
        ``CompletionStream`` (iterate its events or ``text_stream`` as it comes), and reads
        what is left of it before going on."""
        from ._tool_run import ToolRun

        def ask(history: list[Any], definitions: list[Any]) -> CompletionStream[Any]:
            return self.stream(messages=history, tools=definitions, **arguments)

        def answer_of(stream: CompletionStream[ChatCompletionResponse]) -> ChatCompletionResponse:
            return stream.get_final_response()

        return ToolRun(ask, answer_of, messages, tools, max_turns, tool_errors)

    def run_tools_async(
        self: _Calls,
        *,
        messages: Messages,
        tools: Sequence[Callable[..., Any]],
        max_turns: int = 10,
        tool_errors: ToolErrors = "report",
        **arguments: Unpack[ToolRunArguments],
    ) -> AsyncToolRun[ChatCompletionResponse]:
        """:meth:`run_tools`, without blocking the event loop (``async for`` its steps,
        ``await run.until_done()``); the calls of one answer run concurrently."""
        from ._tool_run import AsyncToolRun

        async def ask(history: list[Any], definitions: list[Any]) -> ChatCompletionResponse:
            return await self.complete_async(messages=history, tools=definitions, **arguments)

        return AsyncToolRun(ask, _itself_async, messages, tools, max_turns, tool_errors)

    def run_tools_stream_async(
        self: _Calls,
        *,
        messages: Messages,
        tools: Sequence[Callable[..., Any]],
        max_turns: int = 10,
        tool_errors: ToolErrors = "report",
        **arguments: Unpack[ToolRunArguments],
    ) -> AsyncToolRun[AsyncCompletionStream[ChatCompletionResponse]]:
        """:meth:`run_tools_stream`, without blocking the event loop."""
        from ._tool_run import AsyncToolRun

        async def ask(history: list[Any], definitions: list[Any]) -> AsyncCompletionStream[Any]:
            return await self.stream_async(messages=history, tools=definitions, **arguments)

        async def answer_of(
            stream: AsyncCompletionStream[ChatCompletionResponse],
        ) -> ChatCompletionResponse:
            return await stream.get_final_response()

        return AsyncToolRun(ask, answer_of, messages, tools, max_turns, tool_errors)


def _itself(response: ChatCompletionResponse) -> ChatCompletionResponse:
    return response


async def _itself_async(response: ChatCompletionResponse) -> ChatCompletionResponse:
    return response
