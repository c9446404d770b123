"""The MCP client's session, whatever its transport: connect, list the server's tools (as
function tools a conversation run calls), call them, read prompts and resources, close.

The transport and the session are anyio contexts whose task groups must be entered and
left by one task. Each client owns an :class:`~contextlib.AsyncExitStack` that holds both:
:meth:`MCPClientBase.initialize` enters them, :meth:`MCPClientBase.aclose` leaves them, and
both are awaited in the same task (``async with RunContext(...)``, or ``async with client``,
does that). A client left open is closed by nobody: close its context.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from mcp import ClientSession, types

from mistral_core.errors import MistralError
from mistral_plugin_chat import tool_arguments
from mistral_plugin_chat._tools import FunctionTool
from mistral_plugin_chat.models import FunctionCall, ToolCall
from mistral_plugin_conversations import ToolReportedError

from ._content import contents_text, function_tool_of, resource_text, result_text

if TYPE_CHECKING:
    from mcp.client._transport import TransportStreams
    from typing_extensions import Self

__all__ = ["MCPAuthError", "MCPClientBase", "MCPError", "MCPSystemPrompt", "MCPTool"]


class MCPError(MistralError, RuntimeError):
    """An MCP client cannot do what was asked: it is not connected, or the server failed."""


class MCPAuthError(MCPError):
    """The MCP server asks for credentials the client was not given, or refused them."""


class MCPPromptMessage(TypedDict):
    role: Literal["user", "assistant"]
    content: str


class MCPSystemPrompt(TypedDict):
    """A prompt of the server, as messages a conversation can start with."""

    description: str | None
    messages: list[MCPPromptMessage]


class MCPTool(FunctionTool[..., Any]):
    """A tool of an MCP server, as a run calls it: the model's arguments go to the server as
    they are (the server checks them against its schema and answers an error if they do
    not fit); the call's value is the result's text (:mod:`._content`)."""

    def __init__(self, client: MCPClientBase, tool: types.Tool) -> None:
        async def call(**arguments: Any) -> str:
            return await client.execute_tool(tool.name, arguments)

        call.__name__ = call.__qualname__ = tool.name
        call.__doc__ = tool.description
        super().__init__(call, function_tool_of(tool), ())
        self.client = client
        self.mcp_tool = tool
        """The tool as the server listed it."""

    def __repr__(self) -> str:
        return f"<MCPTool {self.name!r} of {self.client!r}>"

    def arguments(self, call: ToolCall | FunctionCall) -> dict[str, Any]:
        return tool_arguments(call)


class MCPClientBase(abc.ABC):
    """What the three transports' clients share: a session on a transport, opened by
    :meth:`initialize`, closed by :meth:`aclose` (in the same task)."""

    def __init__(self, name: str | None = None) -> None:
        self._name = name
        self._stack: contextlib.AsyncExitStack | None = None
        self._session: ClientSession | None = None
        self._server: types.Implementation | None = None
        self._tools: list[MCPTool] = []

    @property
    def name(self) -> str:
        """The name given, else the server's own, else the client class's."""
        if self._name is not None:
            return self._name
        return self._server.name if self._server is not None else type(self).__name__

    def __repr__(self) -> str:
        state = "connected" if self._session is not None else "closed"
        return f"<{type(self).__name__} {self.name!r} {state}>"

    async def __aenter__(self) -> Self:
        await self.initialize()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def initialize(self) -> None:
        """Open the transport and the session, and list the server's tools; nothing if
        connected already. On failure, whatever was opened is closed again."""
        if self._session is not None:
            return
        stack = contextlib.AsyncExitStack()
        try:
            read, write = await self._open_transport(stack)
            session = await stack.enter_async_context(ClientSession(read, write))
            initialized = await session.initialize()
            self._stack, self._session = stack, session
            self._server = initialized.server_info
            await self.get_tools()
        except BaseException:
            self._stack = self._session = None
            await stack.aclose()
            raise

    async def aclose(self) -> None:
        """Close the session and its transport (in the task that initialized them)."""
        stack, self._stack, self._session, self._tools = self._stack, None, None, []
        if stack is not None:
            await stack.aclose()

    @abc.abstractmethod
    async def _open_transport(self, stack: contextlib.AsyncExitStack) -> TransportStreams:
        """Enter the transport's context in ``stack``: its read and write streams."""

    @property
    def session(self) -> ClientSession:
        """The MCP session, for what this client does not wrap."""
        if self._session is None:
            raise MCPError(f"{self!r} is not connected: await initialize() first")
        return self._session

    def function_tools(self) -> Sequence[MCPTool]:
        """The server's tools as a run calls them, as last listed (:meth:`get_tools`)."""
        return list(self._tools)

    async def get_tools(self) -> list[MCPTool]:
        """List the server's tools again (every page), as a run calls them."""
        listed: list[types.Tool] = []
        cursor: str | None = None
        while True:
            params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
            page = await self.session.list_tools(params=params)
            listed.extend(page.tools)
            cursor = page.next_cursor
            if not cursor:
                break
        self._tools = [MCPTool(self, tool) for tool in listed]
        return list(self._tools)

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        """Call a tool of the server: its result as MCP gives it."""
        return await self.session.call_tool(name, arguments)

    async def execute_tool(self, name: str, arguments: dict[str, Any]) -> str:
        """Call a tool of the server: the text of its result (:mod:`._content`); a result
        that reports an error (``isError``) raises :class:`ToolReportedError` with it, which
        a run gives the model as the result."""
        result = await self.call_tool(name, arguments)
        text = result_text(result)
        if result.is_error:
            raise ToolReportedError(text)
        return text

    async def list_system_prompts(self) -> types.ListPromptsResult:
        """The server's prompts (one page)."""
        return await self.session.list_prompts()

    async def get_system_prompt(self, name: str, arguments: dict[str, str]) -> MCPSystemPrompt:
        """A prompt of the server, its messages' content as text (:mod:`._content`)."""
        prompt = await self.session.get_prompt(name, arguments)
        messages: list[MCPPromptMessage] = [
            {"role": message.role, "content": contents_text([message.content])}
            for message in prompt.messages
        ]
        return {"description": prompt.description, "messages": messages}

    async def list_resources(self) -> types.ListResourcesResult:
        """The server's resources (one page)."""
        return await self.session.list_resources()

    async def read_resource(self, uri: str) -> str:
        """A resource of the server as text (a binary one: what its bytes are)."""
        result = await self.session.read_resource(uri)
        return "\n".join(resource_text(content) for content in result.contents)
