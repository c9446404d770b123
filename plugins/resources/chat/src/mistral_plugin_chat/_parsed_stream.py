"""``chat.parse_stream``: a completion stream whose reply is read into a class.

The stream is the one ``chat.stream`` opens (a
:class:`~mistral_types._streams.CompletionStream`), made a :class:`ParsedCompletionStream`:
its events are the same; ``partial`` is the reply's JSON so far, read as it arrives
(:mod:`._partial_json`); ``get_final_response()`` reads the whole reply into the class,
as ``chat.parse`` does (:func:`~._parsed.parsed`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Generic, TypeVar, cast

from mistral_types._streams import AsyncCompletionStream, CompletionStream, event_text

from ._parsed import ParsedChatCompletionResponse, parsed
from ._partial_json import PartialJSON
from .models import ChatCompletionResponse, CompletionEvent

__all__ = ["AsyncParsedCompletionStream", "ParsedCompletionStream"]

T = TypeVar("T")


class _Parsing(Generic[T]):
    """What both kinds of parsed stream keep: the class, and the reply read so far."""

    _reply_class: type[T]
    _reply: PartialJSON
    _parsed: ParsedChatCompletionResponse[T] | None

    def _start(self, reply_class: type[T]) -> None:
        self._reply_class = reply_class
        self._reply = PartialJSON()
        self._parsed = None

    @property
    def partial(self) -> Any:
        """The first choice's reply so far, as JSON: its strings as far as they go, its
        objects with the fields written so far (``None`` before it starts)."""
        return self._reply.value()

    def _seen(self, event: CompletionEvent) -> CompletionEvent:
        self._reply.feed(event_text(event))
        return event

    def _parsed_response(self, response: ChatCompletionResponse) -> ParsedChatCompletionResponse[T]:
        if self._parsed is None:
            self._parsed = parsed(self._reply_class, response)
        return self._parsed


class ParsedCompletionStream(_Parsing[T], CompletionStream[ChatCompletionResponse]):
    """The events of a completion asked for JSON of a class, and its reply, parsed."""

    def __iter__(self) -> Iterator[CompletionEvent]:
        read = self._seen
        for event in super().__iter__():
            yield read(event)

    def __next__(self) -> CompletionEvent:
        return self._seen(super().__next__())

    def get_final_response(self) -> ParsedChatCompletionResponse[T]:
        """The whole answer, each choice's reply read into the class (see ``chat.parse``)."""
        return self._parsed_response(super().get_final_response())


class AsyncParsedCompletionStream(_Parsing[T], AsyncCompletionStream[ChatCompletionResponse]):
    """:class:`ParsedCompletionStream`, read without blocking the event loop."""

    def __aiter__(self) -> AsyncIterator[CompletionEvent]:
        return self._read_all(super().__aiter__())

    async def _read_all(
        self, events: AsyncIterator[CompletionEvent]
    ) -> AsyncIterator[CompletionEvent]:
        read = self._seen
        async for event in events:
            yield read(event)

    async def __anext__(self) -> CompletionEvent:
        return self._seen(await super().__anext__())

    async def get_final_response(self) -> ParsedChatCompletionResponse[T]:
        """The whole answer: see :meth:`ParsedCompletionStream.get_final_response`."""
        return self._parsed_response(await super().get_final_response())


def parsed_stream(
    stream: CompletionStream[ChatCompletionResponse], reply_class: type[T]
) -> ParsedCompletionStream[T]:
    """``stream`` (not read yet), made a parsed stream of ``reply_class`` (its class changed:
    nothing else holds it yet)."""
    stream.__class__ = ParsedCompletionStream
    parsing = cast("ParsedCompletionStream[T]", stream)
    parsing._start(reply_class)
    return parsing


def async_parsed_stream(
    stream: AsyncCompletionStream[ChatCompletionResponse], reply_class: type[T]
) -> AsyncParsedCompletionStream[T]:
    """:func:`parsed_stream`, for an async stream."""
    stream.__class__ = AsyncParsedCompletionStream
    parsing = cast("AsyncParsedCompletionStream[T]", stream)
    parsing._start(reply_class)
    return parsing
