"""``chat.parse`` and ``chat.parse_stream`` (and their async forms): a completion whose
reply is an instance of a class.

The generated :class:`~._chat.Chat` derives from :class:`ChatParsing` (the generator's
table, ``tools/codegen/extras.py``, says so). Each method asks ``complete`` (or
``stream``) for JSON of the class's strict schema (:func:`~._schema.response_format`) and
reads the reply into the class (:func:`~._parsed.parsed`): one call path, so retries,
hooks, errors and call options are those of ``complete`` and ``stream``. What the methods
do is written once, in the functions below, given the ``complete`` (or ``stream``) to call:
``agents.parse`` (``mistral_plugin_agents._parse``) calls them too. Nothing heavy is
imported here: this module is imported when ``client.chat`` (or ``client.agents``) is
mounted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from typing_extensions import Unpack

    from mistral_types._streams import AsyncCompletionStream, CompletionStream

    from ._chat import CompleteArguments
    from ._parsed import ParsedChatCompletionResponse
    from ._parsed_stream import AsyncParsedCompletionStream, ParsedCompletionStream
    from .models import ChatCompletionResponse, ResponseFormat

__all__ = [
    "ChatParsing",
    "complete_parsed",
    "complete_parsed_async",
    "stream_parsed",
    "stream_parsed_async",
]

T = TypeVar("T")


class _Completes(Protocol):
    """The generated ``complete`` and ``stream``, and their async forms (``stream``: the
    official SDK's flag, which they take besides their arguments)."""

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


class ChatParsing:
    """The official SDK's ``parse``, ``parse_stream`` and their async forms, for any class
    with a JSON schema."""

    def parse(
        self: _Completes, response_format: type[T], **arguments: Unpack[CompleteArguments]
    ) -> ParsedChatCompletionResponse[T]:
        """A completion whose reply is read as an instance of ``response_format``.

        ``response_format`` is a pydantic model, an attrs class, a dataclass or a
        ``TypedDict``; every other argument is ``complete``'s. The reply is
        ``res.choices[0].message.parsed``. Raises a :class:`~._parsed.ParseError` (which
        carries the response) for a reply that was cut, is empty, is not JSON or does not
        fit the class.
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
        """:meth:`parse`, streamed: the events as ``stream`` gives them, the reply's JSON so far
        as ``partial`` after each, and the reply read into ``response_format`` by
        ``get_final_response()``."""
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


# What the methods do, for any group that completes as chat does. Each takes the call to
# make with the ``response_format`` it is given, so that the caller's own arguments stay
# typed by its own ``TypedDict``.


def complete_parsed(
    cls: type[T], complete: Callable[[ResponseFormat], ChatCompletionResponse]
) -> ParsedChatCompletionResponse[T]:
    """``complete`` asked for JSON of ``cls``'s strict schema, its reply read into ``cls``."""
    from ._parsed import parsed
    from ._schema import response_format

    return parsed(cls, complete(response_format(cls)))


async def complete_parsed_async(
    cls: type[T], complete: Callable[[ResponseFormat], Awaitable[ChatCompletionResponse]]
) -> ParsedChatCompletionResponse[T]:
    """:func:`complete_parsed`, without blocking the event loop."""
    from ._parsed import parsed
    from ._schema import response_format

    return parsed(cls, await complete(response_format(cls)))


def stream_parsed(
    cls: type[T], stream: Callable[[ResponseFormat], CompletionStream[ChatCompletionResponse]]
) -> ParsedCompletionStream[T]:
    """``stream`` asked for JSON of ``cls``'s strict schema, made a parsed stream of ``cls``."""
    from ._parsed_stream import parsed_stream
    from ._schema import response_format

    return parsed_stream(stream(response_format(cls)), cls)


async def stream_parsed_async(
    cls: type[T],
    stream: Callable[[ResponseFormat], Awaitable[AsyncCompletionStream[ChatCompletionResponse]]],
) -> AsyncParsedCompletionStream[T]:
    """:func:`stream_parsed`, without blocking the event loop."""
    from ._parsed_stream import async_parsed_stream
    from ._schema import response_format

    return async_parsed_stream(await stream(response_format(cls)), cls)
