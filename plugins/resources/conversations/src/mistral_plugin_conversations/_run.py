"""``conversations.run``: start or append to a conversation, run the functions the server
hands back, send their results, repeat until the answer has no function call.

As chat's ``run_tools`` (whose call handling, :mod:`mistral_plugin_chat._tool_calls`, it
shares), the loop is a sans-IO generator, :func:`_plan`: it yields what it needs (the
server's response to these inputs, or the results of these calls) and is sent the answers.
:func:`drive` drives it with blocking calls, :func:`drive_async` without blocking the event
loop (the calls of one response concurrently); each gives the server's events (of a
streamed run), each call's :class:`ToolResult`, then the :class:`RunResult`. Calls of
functions that require confirmation stop the run (:class:`DeferredToolCallsException`);
the user's decisions, among the next run's inputs, are carried out first.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Collection,
    Generator,
    Iterator,
    Mapping,
    Sequence,
)
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload

import attrs

from mistral_core.errors import MistralError
from mistral_core.models import Model, Unset
from mistral_plugin_chat._schema import response_format
from mistral_plugin_chat._tool_calls import (
    PreparedCall,
    ToolResult,
    as_tool,
    async_tool_names,
    prepare,
    result_text,
    run_call,
    run_call_async,
)
from mistral_plugin_chat._tools import FunctionTool
from mistral_plugin_chat._values import ReadError, read
from mistral_plugin_chat.models import FunctionCall

if TYPE_CHECKING:
    from typing_extensions import Self

from .models import (
    ConversationEvents,
    ConversationResponse,
    ConversationUsageInfo,
    FunctionCallEntry,
    FunctionCallEvent,
    FunctionResultEntry,
    MessageOutputEntry,
    MessageOutputEvent,
    ResponseDoneEvent,
    ResponseErrorEvent,
    ResponseStartedEvent,
    TextChunk,
    ToolExecutionDoneEvent,
    ToolExecutionEntry,
    ToolExecutionStartedEvent,
)

__all__ = [
    "DeferredToolCallConfirmation",
    "DeferredToolCallEntry",
    "DeferredToolCallRejection",
    "DeferredToolCallResponse",
    "DeferredToolCallsException",
    "MCPClientProtocol",
    "RunContext",
    "RunError",
    "RunResult",
    "ToolReportedError",
    "ToolSource",
]

T = TypeVar("T")
"""The class of a run's structured answer (``output_format``)."""
F = TypeVar("F", bound=Callable[..., Any])
"""A function registered (given back as it is)."""


class RunError(MistralError, RuntimeError):
    """A run cannot go on: its context is not set up for it, or a function failed and the
    context does not give errors back to the model (``continue_on_fn_error=False``)."""


class ToolSource(Protocol):
    """Where a run's functions come from, besides those registered one by one: a plugin's
    MCP client, say, gives the tools of its server, each a :class:`FunctionTool` whose
    function calls the server (``RunContext.register_tool_source``)."""

    def function_tools(self) -> Sequence[FunctionTool[..., Any]]:
        """The tools, as they are now (asked before each request of a run)."""
        ...


class MCPClientProtocol(ToolSource, Protocol):
    """A tool source with a connection to open and close: an MCP client of
    ``mistral-plugin-mcp`` (``RunContext.register_mcp_client``).

    Its connection lives in anyio task groups, which must be entered and left by the same
    task: ``initialize`` and ``aclose`` are awaited in the task that holds the context
    (``async with RunContext(...)``), never in a task of their own.
    """

    @property
    def name(self) -> str:
        """What the client is called in messages (its server's name, by default)."""
        ...

    async def initialize(self) -> None:
        """Connect to the server and list its tools (nothing when already connected)."""
        ...

    async def aclose(self) -> None:
        """Close the session and its transport (a server process, an HTTP connection)."""
        ...


class ToolReportedError(MistralError, RuntimeError):
    """A tool ran and reported that the call failed (an MCP server's ``isError`` result).

    The model is told (``Error: <the tool's text>``) as it is of a call it got wrong, and the
    run goes on whatever ``continue_on_fn_error`` says, which is for functions that raise.
    """


ToolConfiguration = Mapping[str, Collection[str]]
"""Which tools of an MCP client a context takes: ``include`` (only these) or ``exclude``
(all but these), and those whose calls wait for the user (``requires_confirmation``)."""
_CONFIGURATION_KEYS = frozenset({"include", "exclude", "requires_confirmation"})


class RunContext(Generic[T]):
    """What runs of one conversation share: the model or agent, the local functions the
    server may call, what to do when one fails, the answer's class, the conversation's id.

    ``RunContext(model="mistral-medium-latest")`` or ``RunContext(agent_id=...)``;
    ``output_format=Cls`` asks for an instance of ``Cls`` (``result.output_as_model``);
    ``continue_on_fn_error=True`` gives a function's error to the model as its result
    instead of stopping the run. The first run starts the conversation; the next ones
    append to it (``conversation_id``). ``async with RunContext(...)`` closes the MCP
    clients registered in it (``register_mcp_client``) when it is left.
    """

    @overload
    def __init__(
        self: RunContext[Any],
        *,
        model: str | None = None,
        agent_id: str | None = None,
        output_format: None = None,
        continue_on_fn_error: bool = False,
        conversation_id: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        *,
        model: str | None = None,
        agent_id: str | None = None,
        output_format: type[T],
        continue_on_fn_error: bool = False,
        conversation_id: str | None = None,
    ) -> None: ...

    def __init__(
        self,
        *,
        model: str | None = None,
        agent_id: str | None = None,
        output_format: type[T] | None = None,
        continue_on_fn_error: bool = False,
        conversation_id: str | None = None,
    ) -> None:
        if (model is None) == (agent_id is None):
            raise RunError("a run needs a model or an agent_id (one of them)")
        self.model = model
        self.agent_id = agent_id
        self.output_format = output_format
        self.continue_on_fn_error = continue_on_fn_error
        self.conversation_id = conversation_id
        """The conversation the next run appends to (set by the first run)."""
        self.request_count = 0
        """The requests the runs of this context made."""
        self._functions: dict[str, FunctionTool[..., Any]] = {}
        self._sources: list[_Registered] = []
        self._clients: list[MCPClientProtocol] = []
        self._confirmed: set[str] = set()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """A blocking ``with`` has nothing to close, unless MCP clients were registered:
        those are closed by ``async with`` only (a clear error, not a leak)."""
        if self._clients:
            raise RunError(
                "this context holds MCP clients, which are closed by `async with RunContext(...)`"
                " (or `await run_ctx.aclose()`) in the task that registered them"
            )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the MCP clients of the context, the last registered first (each one, even
        when another fails to close), and forget their tools."""
        clients, self._clients = self._clients, []
        self._sources = [s for s in self._sources if s.client not in clients]
        async with contextlib.AsyncExitStack() as stack:
            for client in clients:
                stack.push_async_callback(client.aclose)

    @property
    def mcp_clients(self) -> tuple[MCPClientProtocol, ...]:
        """The MCP clients registered (and not closed yet)."""
        return tuple(self._clients)

    @overload
    def register_func(self, func: F, /, *, requires_confirmation: bool = False) -> F: ...

    @overload
    def register_func(
        self, /, *, name: str | None = None, requires_confirmation: bool = False
    ) -> Callable[[F], F]: ...

    def register_func(
        self,
        func: F | None = None,
        /,
        *,
        name: str | None = None,
        requires_confirmation: bool = False,
    ) -> F | Callable[[F], F]:
        """Let the model call ``func`` (or a :func:`~mistral_plugin_chat.function_tool`),
        shown to it as chat's tools are; usable as a decorator, ``@run_ctx.register_func``.

        ``name`` is the function's by default. With ``requires_confirmation``, a call of
        it is not run but handed to you (:class:`DeferredToolCallsException`), to approve
        or reject in the next run. The function is given back as it is.
        """

        def register(fn: F) -> F:
            tool = as_tool(fn)
            if name is not None:
                tool = _renamed(tool, name)
            self._check_free([tool.name], "the function", functions=False)
            self._functions[tool.name] = tool
            if requires_confirmation:
                self._confirmed.add(tool.name)
            else:
                self._confirmed.discard(tool.name)
            return fn

        return register if func is None else register(func)

    def register_tool_source(self, source: ToolSource) -> None:
        """Let the model call the tools of ``source`` too (see :class:`ToolSource`); a tool
        named as one the context has already is refused (:class:`RunError`)."""
        label = f"the source {source!r}"
        self._check_free([t.name for t in source.function_tools()], label)
        self._sources.append(_Registered(source, label))

    async def register_mcp_client(
        self,
        mcp_client: MCPClientProtocol,
        tool_configuration: ToolConfiguration | None = None,
    ) -> None:
        """Connect ``mcp_client`` (``mistral-plugin-mcp``) and let the model call its
        server's tools, which ``tool_configuration`` may narrow (see
        :data:`ToolConfiguration`); the context closes the client when it is closed.

        A tool named as one the context has already (a function, another server's tool) is
        a :class:`RunError`, and the client is closed again. Await it in the task that will
        close the context (see :class:`MCPClientProtocol`).
        """
        configuration = _configuration(tool_configuration)
        if any(client is mcp_client for client in self._clients):
            raise RunError(f"the MCP client {mcp_client.name!r} is registered already")
        await mcp_client.initialize()
        try:
            source: ToolSource = mcp_client
            if configuration["include"] or configuration["exclude"]:
                source = _Selected(mcp_client, configuration["include"], configuration["exclude"])
            names = [tool.name for tool in source.function_tools()]
            label = f"the MCP client {mcp_client.name!r}"
            self._check_free(names, label)
        except BaseException:
            await mcp_client.aclose()
            raise
        self._sources.append(_Registered(source, label, mcp_client))
        self._clients.append(mcp_client)
        self._confirmed.update(configuration["requires_confirmation"] & set(names))

    async def register_mcp_clients(
        self,
        mcp_clients: Sequence[MCPClientProtocol],
        tool_configurations: Sequence[ToolConfiguration | None] | None = None,
    ) -> None:
        """:meth:`register_mcp_client` of each client (with its configuration, by position),
        one after the other in this task."""
        configurations = list(tool_configurations or [None] * len(mcp_clients))
        if len(configurations) != len(mcp_clients):
            raise RunError("give one tool configuration (or None) for each MCP client")
        for client, configuration in zip(mcp_clients, configurations, strict=True):
            await self.register_mcp_client(client, configuration)

    def _check_free(self, names: Sequence[str], of: str, *, functions: bool = True) -> None:
        """Refuse tool names the context has already: the model could not tell them apart
        (a function registered again under its name replaces itself)."""
        taken = {t.name: s.label for s in self._sources for t in s.source.function_tools()}
        for name in names:
            if name in taken:
                raise RunError(f"the tool {name!r} of {of} is a tool of {taken[name]} already")
            if functions and name in self._functions:
                raise RunError(f"the tool {name!r} of {of} is a registered function already")

    def requires_confirmation(self, tool_name: str) -> bool:
        """Whether a call of the tool waits for the user's decision before it runs."""
        return tool_name in self._confirmed

    def function_tools(self) -> dict[str, FunctionTool[..., Any]]:
        """Every tool the model may call, by name: the sources', then those registered
        one by one (which win over a source's of the same name)."""
        tools = {t.name: t for s in self._sources for t in s.source.function_tools()}
        return tools | self._functions


def _configuration(given: ToolConfiguration | None) -> dict[str, frozenset[str]]:
    unknown = set(given or {}) - _CONFIGURATION_KEYS
    if unknown:
        known = ", ".join(sorted(_CONFIGURATION_KEYS))
        raise RunError(f"unknown tool configuration key {min(unknown)!r} (the keys: {known})")
    values = {key: (given or {}).get(key, ()) for key in _CONFIGURATION_KEYS}
    if any(isinstance(value, str) for value in values.values()):
        raise RunError("a tool configuration's values are lists of tool names, not one name")
    return {key: frozenset(value) for key, value in values.items()}


@attrs.frozen
class _Selected:
    """The tools of an MCP client that a configuration takes."""

    client: MCPClientProtocol
    include: frozenset[str]
    exclude: frozenset[str]

    def function_tools(self) -> Sequence[FunctionTool[..., Any]]:
        tools = self.client.function_tools()
        if self.include:
            return [tool for tool in tools if tool.name in self.include]
        return [tool for tool in tools if tool.name not in self.exclude]


@attrs.frozen
class _Registered:
    """A source of a context, what messages call it, and the MCP client it is (or takes
    its tools from)."""

    source: ToolSource
    label: str
    client: MCPClientProtocol | None = None


def _renamed(tool: FunctionTool[..., Any], name: str) -> FunctionTool[..., Any]:
    function = attrs.evolve(tool.tool.function, name=name)
    return FunctionTool(tool.fn, attrs.evolve(tool.tool, function=function), tool.parameters)


@attrs.define
class RunResult(Generic[T]):
    """What a run gave: the entries it sent and received, the conversation's id, usage."""

    input_entries: list[Any]
    """The inputs of the run, as entries (a text is the user's message)."""
    output_format: type[T] | None = None
    conversation_id: str | None = None
    output_entries: list[Any] = attrs.Factory(list[Any])
    """What the server answered (messages, function calls, tool executions) and the
    results of the functions run, in order."""
    tool_results: list[ToolResult[FunctionCallEntry]] = attrs.Factory(
        list[ToolResult[FunctionCallEntry]]
    )
    """Each function call run, with its value or error."""
    usage: ConversationUsageInfo = attrs.Factory(
        lambda: ConversationUsageInfo(prompt_tokens=0, completion_tokens=0, total_tokens=0)
    )
    """The tokens of every response of the run, summed."""

    @property
    def entries(self) -> list[Any]:
        """The whole history of the run: its inputs, then its outputs."""
        return [*self.input_entries, *self.output_entries]

    @property
    def output_as_text(self) -> str:
        """The text of the answer's messages (their text chunks), one a line."""
        return "\n".join(
            _text(entry) for entry in self.output_entries if isinstance(entry, MessageOutputEntry)
        )

    @property
    def output_as_model(self) -> T:
        """The answer read as an instance of the context's ``output_format``."""
        if self.output_format is None:
            raise RunError("the run's context has no output_format to read the answer as")
        text = self.output_as_text
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise RunError(f"the answer is not JSON ({exc}): {text!r:.80}") from None
        try:
            instance: T = read(self.output_format, value, self.output_format.__name__)
        except ReadError as exc:
            raise RunError(f"the answer is no {self.output_format.__name__}: {exc}") from None
        return instance


def _text(entry: MessageOutputEntry) -> str:
    if isinstance(entry.content, str):
        return entry.content
    return "".join(chunk.text for chunk in entry.content if isinstance(chunk, TextChunk))


def _add_usage(total: ConversationUsageInfo, more: ConversationUsageInfo) -> None:
    for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
        value = getattr(more, name)
        if isinstance(value, int):
            setattr(total, name, getattr(total, name) + value)


@attrs.frozen
class _Send:
    """The plan needs the server's response to these inputs (with the tools as they are)."""

    inputs: str | list[Any]
    tools: dict[str, FunctionTool[..., Any]]


@attrs.frozen
class _Run:
    """The plan needs these calls run: sent back the :class:`ToolResult` of each, in order."""

    calls: list[PreparedCall[FunctionCallEntry]]


def _plan(
    context: RunContext[T], result: RunResult[T], inputs: str | list[Any]
) -> Generator[_Send | _Run, Any, None]:
    """The loop, as the requests it makes and the answers it is sent; ``result`` (and the
    context's conversation id) grows with each. The user's decisions on deferred calls
    among the inputs are carried out first: the results are sent with the other inputs."""
    if not isinstance(inputs, str):
        inputs = result.input_entries = yield from _decided(context, result, inputs)
    while True:
        tools = context.function_tools()
        response: ConversationResponse = yield _Send(inputs, tools)
        context.request_count += 1
        context.conversation_id = result.conversation_id = response.conversation_id
        _add_usage(result.usage, response.usage)
        result.output_entries.extend(response.outputs)
        calls = [entry for entry in response.outputs if isinstance(entry, FunctionCallEntry)]
        if not calls:
            return
        deferred = [c for c in calls if context.requires_confirmation(c.name)]
        ready = [c for c in calls if not context.requires_confirmation(c.name)]
        done = yield from _run(result, [prepare(c, _function(c), tools) for c in ready])
        inputs = [r.message for r in done]
        if deferred:
            raise DeferredToolCallsException(
                result, [DeferredToolCallEntry(c) for c in deferred], inputs
            )


def _function(call: FunctionCallEntry) -> FunctionCall:
    return FunctionCall(name=call.name, arguments=call.arguments)


def _run(
    result: RunResult[Any], calls: list[PreparedCall[FunctionCallEntry]]
) -> Generator[_Run, Any, list[ToolResult[FunctionCallEntry]]]:
    """Have the calls run; each result goes in ``result``."""
    done: list[ToolResult[FunctionCallEntry]] = yield _Run(calls)
    result.tool_results.extend(done)
    result.output_entries.extend(FunctionResultEntry.from_dict(r.message) for r in done)
    return done


def _decided(
    context: RunContext[Any], result: RunResult[Any], inputs: list[Any]
) -> Generator[_Run, Any, list[Any]]:
    """The inputs, each decision on a deferred call as the result entry it gives: an
    approved call's result once run, a rejected one's message."""
    approved = [i for i in inputs if isinstance(i, DeferredToolCallConfirmation)]
    if not approved and not any(isinstance(i, DeferredToolCallRejection) for i in inputs):
        return inputs
    tools = context.function_tools()
    prepared = [
        prepare(a.function_call, FunctionCall(name=a.tool_name, arguments=a.arguments), tools)
        for a in approved
    ]
    done = yield from _run(result, prepared)
    results = {r.call.tool_call_id: r.message for r in done}
    return [
        results[i.tool_call_id]
        if isinstance(i, DeferredToolCallConfirmation)
        else _rejected(i)
        if isinstance(i, DeferredToolCallRejection)
        else i
        for i in inputs
    ]


def _rejected(rejection: DeferredToolCallRejection) -> dict[str, Any]:
    return {
        "type": "function.result",
        "tool_call_id": rejection.tool_call_id,
        "result": rejection.message,
    }


@attrs.frozen
class DeferredToolCallConfirmation:
    """The user approves a deferred call: the next run runs it (with ``override_args``
    instead of the model's arguments, if given) and sends its result."""

    tool_call_id: str
    tool_name: str
    function_call: FunctionCallEntry
    override_args: dict[str, Any] | None = None

    @property
    def arguments(self) -> dict[str, Any] | str:
        """The arguments the call runs with."""
        return self.function_call.arguments if self.override_args is None else self.override_args


@attrs.frozen
class DeferredToolCallRejection:
    """The user rejects a deferred call: the next run sends ``message`` as its result."""

    tool_call_id: str
    message: str = "Rejected by user"


DeferredToolCallResponse = DeferredToolCallConfirmation | DeferredToolCallRejection
"""A decision on a deferred call, given among the ``inputs`` of the next run."""


class DeferredToolCallEntry:
    """A call of a function that requires confirmation, waiting for the user's decision."""

    def __init__(self, function_call: FunctionCallEntry) -> None:
        self.function_call = function_call
        self.tool_call_id = function_call.tool_call_id
        self.tool_name = function_call.name
        self.arguments = function_call.arguments

    def __repr__(self) -> str:
        return f"<DeferredToolCallEntry {self.tool_name!r} {self.arguments!r}>"

    def confirm(self, override_args: dict[str, Any] | None = None) -> DeferredToolCallConfirmation:
        """Approve the call (with other arguments, if given)."""
        return DeferredToolCallConfirmation(
            self.tool_call_id, self.tool_name, self.function_call, override_args
        )

    def reject(self, message: str = "Rejected by user") -> DeferredToolCallRejection:
        """Reject the call: the model is told ``message`` instead of a result."""
        return DeferredToolCallRejection(self.tool_call_id, message)


class DeferredToolCallsException(RunError):
    """The server called functions that require confirmation: the run stopped there.

    Decide on each of :attr:`deferred_calls` (``.confirm()``, ``.reject(message)``) and
    give the decisions, after :attr:`executed_results` (the results of the calls of the
    same response that did run), as the ``inputs`` of the next run of the context.
    """

    def __init__(
        self,
        result: RunResult[Any],
        deferred_calls: list[DeferredToolCallEntry],
        executed_results: list[dict[str, Any]],
    ) -> None:
        self.result = result
        """The run so far."""
        self.conversation_id = result.conversation_id
        self.deferred_calls = deferred_calls
        self.outputs = list(result.output_entries)
        """The run's outputs so far."""
        self.executed_results = executed_results
        names = ", ".join(repr(call.tool_name) for call in deferred_calls)
        super().__init__(f"the calls of {names} wait for the user's confirmation")


def _tool_result(
    context: RunContext[Any],
    call: PreparedCall[FunctionCallEntry],
    value: Any,
    error: Exception | None,
) -> ToolResult[FunctionCallEntry]:
    """What a call gave, as the function result entry the server is sent; a function that
    raised stops the run unless the context gives errors to the model (a call the model got
    wrong, of no tool or with arguments that do not fit, is always told to it)."""
    stops = call.error is None and not isinstance(error, ToolReportedError)
    if error is not None and stops and not context.continue_on_fn_error:
        raise RunError(f"the function {call.call.name!r} failed: {error}") from error
    entry = {
        "type": "function.result",
        "tool_call_id": call.call.tool_call_id,
        "result": result_text(value, error),
    }
    return ToolResult(call.call, call.tool, value, error, entry)


Ask = Callable[[str | list[Any], dict[str, FunctionTool[..., Any]]], Generator[Any, None, None]]
"""Start the conversation or append to it (by the context's id), these inputs, these
tools: the server's events as they come (none for a whole response), then the response."""
AsyncAsk = Callable[[str | list[Any], dict[str, FunctionTool[..., Any]]], AsyncGenerator[Any, None]]


def drive(context: RunContext[T], inputs: str | list[Any], ask: Ask) -> Generator[Any, None, None]:
    """The run, blocking, each call of a response after the other: the server's events,
    each call's :class:`ToolResult` as it is run, and last the :class:`RunResult`."""
    if context.mcp_clients:
        names = ", ".join(repr(client.name) for client in context.mcp_clients)
        raise RunError(
            f"the MCP clients of the context ({names}) are async: use run_async or"
            " run_stream_async, in the task that registered them"
        )
    async_tools = async_tool_names(context.function_tools())
    if async_tools:
        raise TypeError(f"the function {async_tools[0]!r} is async: use the async run")
    result = _new_result(context, inputs)
    plan = _plan(context, result, inputs)
    sent: Any = None
    while True:
        try:
            need = plan.send(sent)
        except StopIteration:
            yield result
            return
        if isinstance(need, _Send):
            with contextlib.closing(ask(need.inputs, need.tools)) as items:  # closed with the run
                for item in items:
                    if isinstance(item, ConversationResponse):
                        sent = item
                    else:
                        yield item
        else:
            sent = []
            for call in need.calls:
                sent.append(_tool_result(context, call, *run_call(call)))
                yield sent[-1]


async def drive_async(
    context: RunContext[T], inputs: str | list[Any], ask: AsyncAsk
) -> AsyncGenerator[Any, None]:
    """:func:`drive` without blocking the event loop: the calls of a response concurrently
    (an async function awaited, a plain one in a worker thread)."""
    result = _new_result(context, inputs)
    plan = _plan(context, result, inputs)
    sent: Any = None
    while True:
        try:
            need = plan.send(sent)
        except StopIteration:
            yield result
            return
        if isinstance(need, _Send):
            async with contextlib.aclosing(ask(need.inputs, need.tools)) as items:
                async for item in items:
                    if isinstance(item, ConversationResponse):
                        sent = item
                    else:
                        yield item
        else:
            outcomes = await asyncio.gather(*(run_call_async(c) for c in need.calls))
            sent = [_tool_result(context, c, *o) for c, o in zip(need.calls, outcomes, strict=True)]
            for item in sent:
                yield item


def last(steps: Iterator[Any]) -> RunResult[Any]:
    """Run every step: the run's result, the last one."""
    step: Any = None
    for item in steps:
        step = item
    result: RunResult[Any] = step
    return result


async def last_async(steps: AsyncIterator[Any]) -> RunResult[Any]:
    """:func:`last` of an async run."""
    step: Any = None
    async for item in steps:
        step = item
    result: RunResult[Any] = step
    return result


class Collected:
    """What the events of a streamed response say, put together as its whole response
    (the entries by their ``output_index``: a message's pieces, a call's arguments)."""

    def __init__(self) -> None:
        self.conversation_id = ""
        self.usage = ConversationUsageInfo()
        self._outputs: dict[int, Any] = {}

    def add(self, event: ConversationEvents) -> None:
        data = event.data
        if isinstance(data, ResponseStartedEvent):
            self.conversation_id = data.conversation_id
        elif isinstance(data, ResponseDoneEvent):
            self.usage = data.usage
        elif isinstance(data, ResponseErrorEvent):
            raise RunError(f"the server failed the response ({data.code}): {data.message}")
        elif isinstance(data, MessageOutputEvent):
            self._message(_index(data.output_index), data)
        elif isinstance(data, FunctionCallEvent):
            self._call(_index(data.output_index), data)
        elif isinstance(data, ToolExecutionStartedEvent):
            self._outputs[_index(data.output_index)] = ToolExecutionEntry(
                id=data.id, name=data.name, arguments=data.arguments
            )
        elif isinstance(data, ToolExecutionDoneEvent):
            entry = self._outputs.get(_index(data.output_index))
            if isinstance(entry, ToolExecutionEntry):
                entry.info = data.info

    def _message(self, index: int, data: MessageOutputEvent) -> None:
        entry = self._outputs.get(index)
        if not isinstance(entry, MessageOutputEntry):
            entry = self._outputs[index] = MessageOutputEntry(
                id=data.id, agent_id=data.agent_id, model=data.model, content=""
            )
        if isinstance(data.content, str) and isinstance(entry.content, str):
            entry.content += data.content
            return
        chunks = list(entry.content) if not isinstance(entry.content, str) else []
        if isinstance(entry.content, str) and entry.content:
            chunks.append(TextChunk(text=entry.content))
        chunks.append(
            TextChunk(text=data.content) if isinstance(data.content, str) else data.content
        )
        entry.content = chunks

    def _call(self, index: int, data: FunctionCallEvent) -> None:
        entry = self._outputs.get(index)
        if isinstance(entry, FunctionCallEntry) and isinstance(entry.arguments, str):
            entry.arguments += data.arguments
            return
        self._outputs[index] = FunctionCallEntry(
            id=data.id,
            agent_id=data.agent_id,
            model=data.model,
            tool_call_id=data.tool_call_id,
            name=data.name,
            arguments=data.arguments,
        )

    def response(self) -> ConversationResponse:
        """The response the events said."""
        outputs = [self._outputs[index] for index in sorted(self._outputs)]
        return ConversationResponse(
            conversation_id=self.conversation_id, outputs=outputs, usage=self.usage
        )


def _index(output_index: int | Unset) -> int:
    return output_index if isinstance(output_index, int) else 0


def _new_result(context: RunContext[T], inputs: str | list[Any]) -> RunResult[T]:
    entries = (
        [{"type": "message.input", "role": "user", "content": inputs}]
        if isinstance(inputs, str)
        else list(inputs)
    )
    return RunResult(entries, context.output_format, context.conversation_id)


@attrs.frozen
class Requests:
    """What the requests of a run send besides the call options: the start of the
    conversation, its model (its instructions, tools and answer's format) or agent; or
    an append to it."""

    context: RunContext[Any]
    instructions: str | None
    more_tools: Sequence[Any] | None
    """The API's tools, besides the functions."""
    completion_args: Mapping[str, Any] | Model | None
    name: str | None
    description: str | None

    def next(
        self, inputs: str | list[Any], functions: Mapping[str, FunctionTool[..., Any]]
    ) -> tuple[bool, dict[str, Any]]:
        """Whether the next request starts the conversation, and its arguments."""
        context = self.context
        if context.conversation_id is not None:
            return False, {"conversation_id": context.conversation_id, "inputs": inputs}
        given = {"inputs": inputs, "name": self.name, "description": self.description}
        if context.agent_id is not None:
            if (
                self.instructions is not None
                or self.more_tools
                or self.completion_args is not None
                or context.output_format is not None
            ):
                raise RunError(
                    "a run of an agent takes the agent's instructions, tools and completion"
                    " args (give them to the agent): not instructions, tools,"
                    " completion_args or output_format"
                )
            return True, {"agent_id": context.agent_id, **_given(given)}
        arguments = self.completion_args
        completion = dict(arguments.to_dict() if isinstance(arguments, Model) else arguments or {})
        if context.output_format is not None:
            completion["response_format"] = response_format(context.output_format).to_dict()
        tools = [t.tool.to_dict() for t in functions.values()] + list(self.more_tools or ())
        more = {"instructions": self.instructions, "completion_args": completion or None}
        return True, {"model": context.model, "tools": tools, **_given({**given, **more})}


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
