"""``chat.parse`` and ``chat.parse_stream`` (and their async forms): a completion whose
reply is an instance of a class.

The generated :class:`~._chat.Chat` derives from :class:`ChatParsing` (the generator's
table, ``tools/codegen/extras.py``, says so). Each method asks ``complete`` (or
``stream``) for JSON of the class's strict schema (:func:`~._schema.response_format`) and
reads the reply into the class (:func:`~._parsed.parsed`): one call path, so retries,
hooks, errors and call options are those of ``complete`` and ``stream``. Nothing heavy is
imported here: this module is imported when ``client.chat`` is mounted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mistral_types._streams import AsyncCompletionStream, CompletionStream

    from ._chat import CompleteArguments
    from ._parsed import ParsedChatCompletionResponse
    from ._parsed_stream import AsyncParsedCompletionStream, ParsedCompletionStream
    from .models import ChatCompletionResponse, ResponseFormat

__all__ = ["ChatParsing"]

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
        from ._parsed import parsed
        from ._schema import response_format as schema_format

        format_ = schema_format(response_format)
        return parsed(response_format, self.complete(response_format=format_, **arguments))

    async def parse_async(
        self: _Completes, response_format: type[T], **arguments: Unpack[CompleteArguments]
    ) -> ParsedChatCompletionResponse[T]:
        """:meth:`parse`, without blocking the event loop."""
        from ._parsed import parsed
        from ._schema import response_format as schema_format

        format_ = schema_format(response_format)
        response = await self.complete_async(response_format=format_, **arguments)
        return parsed(response_format, response)

    def parse_stream(
        self: _Completes, response_format: type[T], **arguments: Unpack[CompleteArguments]
    ) -> ParsedCompletionStream[T]:
        """:meth:`parse`, streamed: the events as ``stream`` gives them, the reply's JSON so far
        as ``partial`` after each, and the reply read into ``response_format`` by
        ``get_final_response()``."""
        from ._parsed_stream import parsed_stream
        from ._schema import response_format as schema_format

        format_ = schema_format(response_format)
        stream = self.stream(response_format=format_, **arguments)
        return parsed_stream(stream, response_format)

    async def parse_stream_async(
        self: _Completes, response_format: type[T], **arguments: Unpack[CompleteArguments]
    ) -> AsyncParsedCompletionStream[T]:
        """:meth:`parse_stream`, without blocking the event loop."""
        from ._parsed_stream import async_parsed_stream
        from ._schema import response_format as schema_format

        format_ = schema_format(response_format)
        stream = await self.stream_async(response_format=format_, **arguments)
        return async_parsed_stream(stream, response_format)
