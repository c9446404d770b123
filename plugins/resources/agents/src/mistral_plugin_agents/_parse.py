"""``agents.parse`` and ``agents.parse_stream`` (and their async forms): structured outputs
from an agent, as ``chat.parse`` gives them from a model.

The generated :class:`~._agents.Agents` derives from :class:`AgentsParsing` (the generator's
table, ``tools/codegen/extras.py``, says so). Its methods hand the agents' ``complete`` and
``stream`` to chat's functions (:mod:`mistral_plugin_chat._parse`), which is why this plugin
requires mistral-plugin-chat: one schema, one reading of the reply, the same parsed response,
stream and errors. Nothing heavy is imported here: this module is imported when
``client.agents`` is mounted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from mistral_plugin_chat._parse import (
    complete_parsed,
    complete_parsed_async,
    stream_parsed,
    stream_parsed_async,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mistral_plugin_chat._parsed import ParsedChatCompletionResponse
    from mistral_plugin_chat._parsed_stream import (
        AsyncParsedCompletionStream,
        ParsedCompletionStream,
    )
    from mistral_types._streams import AsyncCompletionStream, CompletionStream

    from ._agents import CompleteArguments
    from .models import ChatCompletionResponse, ResponseFormat

__all__ = ["AgentsParsing"]

T = TypeVar("T")


class _Completes(Protocol):
    """The generated ``complete`` and ``stream``, and their async forms (typed by the
    agents' arguments, which are not chat's: ``agent_id``, no ``model``)."""

    def complete(
        self,
        *,
        response_format: ResponseFormat,
        stream: Literal[False] | None = False,
        **arguments: Unpack[CompleteArguments],
    ) -> ChatCompletionResponse: ...

    async def complete_async(
        self,
        *,
        response_format: ResponseFormat,
        stream: Literal[False] | None = False,
        **arguments: Unpack[CompleteArguments],
    ) -> ChatCompletionResponse: ...

    def stream(
        self,
        *,
        response_format: ResponseFormat,
        stream: Literal[True] = True,
        **arguments: Unpack[CompleteArguments],
    ) -> CompletionStream[ChatCompletionResponse]: ...

    async def stream_async(
        self,
        *,
        response_format: ResponseFormat,
        stream: Literal[True] = True,
        **arguments: Unpack[CompleteArguments],
    ) -> AsyncCompletionStream[ChatCompletionResponse]: ...


class AgentsParsing:
    """``chat.parse``, ``parse_stream`` and their async forms, for a completion by an agent."""

    def parse(
        self: _Completes, response_format: type[T], **arguments: Unpack[CompleteArguments]
    ) -> ParsedChatCompletionResponse[T]:
        """An agent's completion whose reply is read as an instance of ``response_format``.

        Every other argument is ``complete``'s (``agent_id``, ``messages``, ...); the reply,
        the response and the errors are ``chat.parse``'s.
        """
        return complete_parsed(
            response_format, lambda format_: self.complete(response_format=format_, **arguments)
        )

    async def parse_async(
        self: _Completes, response_format: type[T], **arguments: Unpack[CompleteArguments]
    ) -> ParsedChatCompletionResponse[T]:
        """:meth:`parse`, without blocking the event loop."""
        return await complete_parsed_async(
            response_format,
            lambda format_: self.complete_async(response_format=format_, **arguments),
        )

    def parse_stream(
        self: _Completes, response_format: type[T], **arguments: Unpack[CompleteArguments]
    ) -> ParsedCompletionStream[T]:
        """:meth:`parse`, streamed, as ``chat.parse_stream`` is: the events, the reply's JSON
        so far as ``partial``, the reply read into the class by ``get_final_response()``."""
        return stream_parsed(
            response_format, lambda format_: self.stream(response_format=format_, **arguments)
        )

    async def parse_stream_async(
        self: _Completes, response_format: type[T], **arguments: Unpack[CompleteArguments]
    ) -> AsyncParsedCompletionStream[T]:
        """:meth:`parse_stream`, without blocking the event loop."""
        return await stream_parsed_async(
            response_format,
            lambda format_: self.stream_async(response_format=format_, **arguments),
        )
