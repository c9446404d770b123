"""Completion streams (chat, FIM, agents) that put their answer together.

``client.chat.stream()`` gives a :class:`CompletionStream`: the events, as any
:class:`~mistral_core.EventStream` gives them, and besides them ``text_stream`` (the text
only), ``get_final_response()`` (the whole answer, as ``complete`` returns it) and
``until_done()``. The core's stream keeps the data of each event for it as it passes
(the text the server sent, not the parsed event: one list append, so that a stream read
event by event costs what it did), at most the client's ``max_response_bytes`` of it;
the answer is put together from it only when asked (:mod:`._accumulator`). An error that ends the stream
carries what arrived before it as ``error.partial_response``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic

from mistral_core import serde
from mistral_core.errors import MistralError, ResponseTooLargeError
from mistral_core.models import HTTPInfo, Model
from mistral_core.sse import AsyncEventStream, EventStream

from ._accumulator import CompletionAccumulator
from .chat import CompletionEvent, TextChunk

__all__ = ["AsyncCompletionStream", "CompletionStream", "IncompleteStreamError"]

if TYPE_CHECKING:  # a generated method passes the bare class: its answer, checked there
    from typing_extensions import TypeVar

    R = TypeVar("R", bound=Model, default=Any)
else:
    from typing import TypeVar

    R = TypeVar("R", bound=Model)


class IncompleteStreamError(MistralError, RuntimeError):
    """The whole answer was asked of a stream that was closed before its end.

    A loop over it was left early, ``close()`` was called, or an error ended it (raised
    then). ``partial_response`` holds what arrived.
    """


class _Answer(Generic[R]):
    """What both kinds of completion stream keep, and how they put the answer together."""

    http: HTTPInfo
    _answer_model: type[R]
    _max_answer_bytes: int | None
    _closed: bool
    _finished: bool
    _kept: list[str] | None
    _on_error: Callable[[MistralError], None]

    def _keep_answer(self, on_error: Callable[[MistralError], None]) -> None:
        """Start keeping the events' data (the core's stream appends it to the list), and
        give an error that ends the stream what arrived."""
        self._kept = []
        self._accumulator = CompletionAccumulator()
        self._final: R | None = None

        def with_partial_response(error: MistralError) -> None:
            error.partial_response = self._partial_response()
            on_error(error)

        self._on_error = with_partial_response

    def response_so_far(self) -> R:
        """The answer put together from the events read so far, as ``complete`` returns it.

        Each choice not finished yet says ``finish_reason`` ``"incomplete"``; the usage
        counts are 0 until the last event brings them.
        """
        kept = self._kept
        if kept is None:
            raise ResponseTooLargeError(
                f"the streamed answer is larger than max_response_bytes "
                f"({self._max_answer_bytes}): it was not kept",
                self.http,
                limit=self._max_answer_bytes or 0,
            )
        add = self._accumulator.add
        for data in kept:
            add(json.loads(data))
        kept.clear()
        response = serde.read(self._accumulator.response(), self._answer_model)
        object.__setattr__(response, "_http", self.http)
        return response

    def _partial_response(self) -> R | None:
        """What arrived, for an error to carry; ``None`` if too large to keep, or if too
        little arrived to make a response (no event at all)."""
        try:
            return self.response_so_far()
        except (MistralError, ValueError):
            return None

    def _final_response(self) -> R:
        """The whole answer, once the stream was read to its end."""
        if not self._finished:
            error = IncompleteStreamError(
                "the stream was closed before its end (a loop over it was left early, "
                "close() was called, or an error ended it): its answer is incomplete; "
                "error.partial_response holds what arrived"
            )
            error.partial_response = self._partial_response()
            raise error
        if self._final is None:
            self._final = self.response_so_far()
        return self._final


def event_text(event: CompletionEvent) -> str:
    """The text an event adds to the first choice (its thinking left out)."""
    for choice in event.data.choices:
        if choice.index == 0:
            content = choice.delta.content
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return "".join(c.text for c in content if isinstance(c, TextChunk))
    return ""


class CompletionStream(_Answer[R], EventStream[CompletionEvent]):
    """A completion's events, read as they arrive, and the whole answer they make."""

    def __init__(self, *arguments: Any) -> None:  # (those of the core's streams)
        super().__init__(*arguments)
        self._keep_answer(self._on_error)

    @property
    def text_stream(self) -> Iterator[str]:
        """The text of the answer as it arrives (the first choice's; not its thinking).

        Reading it reads the stream's events; ``get_final_response()`` still gives the
        whole answer after it.
        """
        for event in self:
            text = event_text(event)
            if text:
                yield text

    def until_done(self) -> None:
        """Read the rest of the stream (the events not read yet are dropped)."""
        if not self._closed:
            for _ in self:
                pass

    def get_final_response(self) -> R:
        """The whole answer, as ``complete`` returns it (``.http`` too): the events not read
        yet are read first. Raises :class:`IncompleteStreamError` if the stream was closed
        before its end."""
        self.until_done()
        return self._final_response()


class AsyncCompletionStream(_Answer[R], AsyncEventStream[CompletionEvent]):
    """:class:`CompletionStream`, read without blocking the event loop."""

    def __init__(self, *arguments: Any) -> None:  # (those of the core's streams)
        super().__init__(*arguments)
        self._keep_answer(self._on_error)

    @property
    async def text_stream(self) -> AsyncIterator[str]:
        """The text of the answer as it arrives: see :attr:`CompletionStream.text_stream`."""
        async for event in self:
            text = event_text(event)
            if text:
                yield text

    async def until_done(self) -> None:
        """Read the rest of the stream (the events not read yet are dropped)."""
        if not self._closed:
            async for _ in self:
                pass

    async def get_final_response(self) -> R:
        """The whole answer: see :meth:`CompletionStream.get_final_response`."""
        await self.until_done()
        return self._final_response()
