"""``conversations.run`` and its async and streamed forms: the run loop (:mod:`._run`) on
the group's own ``start`` and ``append`` (streamed: ``start_stream``, ``append_stream``),
whose retries, hooks, errors and call options are the run's.

The generated :class:`~._conversations.Conversations` derives from
:class:`ConversationRunning` (the generator's table says so). Nothing heavy is imported
here: this module is imported when ``client.beta.conversations`` is mounted.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mistral_core import AsyncEventStream, CallOptions, EventStream
    from mistral_core.models import Model
    from mistral_plugin_chat._tool_calls import ToolResult
    from mistral_plugin_chat._tools import FunctionTool

    from ._conversations import AppendArguments, StartArguments
    from ._run import RunContext, RunResult
    from .models import ConversationEvents, ConversationResponse, FunctionCallEntry

__all__ = ["ConversationRunning"]

T = TypeVar("T")
Functions = dict[str, "FunctionTool[..., Any]"]
"""The tools of a request, by name."""


class _Calls(Protocol):
    """The generated ``start`` and ``append``, whole or streamed, and their async forms."""

    def start(
        self, *, inputs: Any, **arguments: Unpack[StartArguments]
    ) -> ConversationResponse: ...

    async def start_async(
        self, *, inputs: Any, **arguments: Unpack[StartArguments]
    ) -> ConversationResponse: ...

    def append(
        self, *, conversation_id: str, inputs: Any, **arguments: Unpack[AppendArguments]
    ) -> ConversationResponse: ...

    async def append_async(
        self, *, conversation_id: str, inputs: Any, **arguments: Unpack[AppendArguments]
    ) -> ConversationResponse: ...

    def start_stream(
        self, *, inputs: Any, **arguments: Unpack[StartArguments]
    ) -> EventStream[ConversationEvents]: ...

    async def start_stream_async(
        self, *, inputs: Any, **arguments: Unpack[StartArguments]
    ) -> AsyncEventStream[ConversationEvents]: ...

    def append_stream(
        self, *, conversation_id: str, inputs: Any, **arguments: Unpack[AppendArguments]
    ) -> EventStream[ConversationEvents]: ...

    async def append_stream_async(
        self, *, conversation_id: str, inputs: Any, **arguments: Unpack[AppendArguments]
    ) -> AsyncEventStream[ConversationEvents]: ...


class ConversationRunning:
    """``run``: the conversation calls local Python functions until it answers without."""

    def run(
        self: _Calls,
        *,
        run_ctx: RunContext[T],
        inputs: str | Sequence[Any],
        instructions: str | None = None,
        tools: Sequence[Any] | None = None,
        completion_args: Mapping[str, Any] | Model | None = None,
        name: str | None = None,
        description: str | None = None,
        **options: Unpack[CallOptions],
    ) -> RunResult[T]:
        """Send ``inputs`` (a text is the user's message; or entries) to the conversation of
        ``run_ctx`` (started by the first run, with its model or agent), run each function
        the server calls, send their results, and repeat until it answers without a call.

        ``instructions``, ``tools`` (the API's, besides the context's functions),
        ``completion_args``, ``name`` and ``description`` go with the start of a model's
        conversation. An async function cannot be run here: use :meth:`run_async`.
        """
        from ._run import Requests, drive, last

        requests = Requests(run_ctx, instructions, tools, completion_args, name, description)

        def ask(inputs: str | list[Any], functions: Functions) -> Generator[Any, None, None]:
            starts, arguments = requests.next(inputs, functions)
            yield (self.start if starts else self.append)(**arguments, **options)

        return last(drive(run_ctx, _listed(inputs), ask))

    async def run_async(
        self: _Calls,
        *,
        run_ctx: RunContext[T],
        inputs: str | Sequence[Any],
        instructions: str | None = None,
        tools: Sequence[Any] | None = None,
        completion_args: Mapping[str, Any] | Model | None = None,
        name: str | None = None,
        description: str | None = None,
        **options: Unpack[CallOptions],
    ) -> RunResult[T]:
        """:meth:`run`, without blocking the event loop; the calls of one response run
        concurrently (an async function awaited, a plain one in a worker thread)."""
        from ._run import Requests, drive_async, last_async

        requests = Requests(run_ctx, instructions, tools, completion_args, name, description)

        async def ask(inputs: str | list[Any], functions: Functions) -> AsyncGenerator[Any, None]:
            starts, arguments = requests.next(inputs, functions)
            yield await (self.start_async if starts else self.append_async)(**arguments, **options)

        return await last_async(drive_async(run_ctx, _listed(inputs), ask))

    def run_stream(
        self: _Calls,
        *,
        run_ctx: RunContext[T],
        inputs: str | Sequence[Any],
        instructions: str | None = None,
        tools: Sequence[Any] | None = None,
        completion_args: Mapping[str, Any] | Model | None = None,
        name: str | None = None,
        description: str | None = None,
        **options: Unpack[CallOptions],
    ) -> Generator[ConversationEvents | ToolResult[FunctionCallEntry] | RunResult[T], None, None]:
        """:meth:`run`, streamed: iterate it for each event of the server as it comes, each
        function call's :class:`~mistral_plugin_chat.ToolResult` as it is run, and last
        the :class:`~._run.RunResult`. Nothing is sent before it is iterated; closing it
        (``close()``, or leaving a ``for`` loop it was given to as a generator is collected)
        stops the run and releases the stream's connection."""
        from ._run import Collected, Requests, drive

        requests = Requests(run_ctx, instructions, tools, completion_args, name, description)

        def ask(inputs: str | list[Any], functions: Functions) -> Generator[Any, None, None]:
            starts, arguments = requests.next(inputs, functions)
            collected = Collected()
            with (self.start_stream if starts else self.append_stream)(
                **arguments, **options
            ) as stream:
                for event in stream:
                    collected.add(event)
                    yield event
            yield collected.response()

        return drive(run_ctx, _listed(inputs), ask)

    def run_stream_async(
        self: _Calls,
        *,
        run_ctx: RunContext[T],
        inputs: str | Sequence[Any],
        instructions: str | None = None,
        tools: Sequence[Any] | None = None,
        completion_args: Mapping[str, Any] | Model | None = None,
        name: str | None = None,
        description: str | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncGenerator[ConversationEvents | ToolResult[FunctionCallEntry] | RunResult[T], None]:
        """:meth:`run_stream`, without blocking the event loop (``async for`` it); the calls
        of one response run concurrently."""
        from ._run import Collected, Requests, drive_async

        requests = Requests(run_ctx, instructions, tools, completion_args, name, description)

        async def ask(inputs: str | list[Any], functions: Functions) -> AsyncGenerator[Any, None]:
            starts, arguments = requests.next(inputs, functions)
            collected = Collected()
            call = self.start_stream_async if starts else self.append_stream_async
            async with await call(**arguments, **options) as stream:
                async for event in stream:
                    collected.add(event)
                    yield event
            yield collected.response()

        return drive_async(run_ctx, _listed(inputs), ask)


def _listed(inputs: str | Sequence[Any]) -> str | list[Any]:
    return inputs if isinstance(inputs, str) else list(inputs)
