"""Server-sent event streams as iterators of typed events.

:class:`EventStream` and :class:`AsyncEventStream` read the response as it arrives, decode
it with :class:`SSEDecoder` (the WHATWG rules), and give one parsed item per event. They
stop at ``data: [DONE]``, raise :class:`~mistral_core.errors.StreamError` for an error
event, and release the connection when the stream ends, fails, is closed, is left as a
context manager, or when a ``for`` loop over it is left early.

``data: [DONE]`` ends a stream. Completions always send it (their operation
``requires_done``): there, a stream that ends without it was cut short. Other streams
(conversations, workflow events) end with their response; ``last_event_id`` says where
to resume one that was cut.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from . import _json
from ._body import aiter_decoded, iter_decoded
from ._reclaim import release_stranded
from ._sse_decoder import EventTooLarge, ServerSentEvent, SSEDecoder
from .errors import (
    APIConnectionError,
    APITimeoutError,
    MistralError,
    ResponseTooLargeError,
    ResponseValidationError,
    StreamError,
    connection_error,
    parse_error_body,
    server_message,
)
from .models import HTTPInfo

if TYPE_CHECKING:
    from typing_extensions import Self

    from .hooks import CallObserver

__all__ = ["AsyncEventStream", "EventStream", "SSEDecoder", "ServerSentEvent"]

T = TypeVar("T")
Parse = Callable[[Any, ServerSentEvent], T]
"""Turns the JSON of one event's data (and the event, for its name and id) into an item."""

DONE = "[DONE]"


def _ignore(error: MistralError) -> None:
    pass


class _StreamBase(Generic[T]):
    def __init__(
        self,
        response: httpx.Response,
        parse: Parse[T],
        info: HTTPInfo,
        on_error: Callable[[MistralError], None] = _ignore,
        requires_done: bool = False,
        deadline: float | None = None,
        max_event_bytes: int | None = None,
        answer_model: Any = None,
        max_answer_bytes: int | None = None,
        observers: tuple[CallObserver, ...] = (),
    ) -> None:
        self.response = response
        self.http = info
        """The HTTP exchange that opened the stream (status, headers, request id)."""
        self._parse = parse
        self._on_error = on_error
        self._requires_done = requires_done
        self._last_event_id: str | None = None
        self._deadline = deadline
        """Until the first event: when the call's ``timeout_ms`` ends (``time.monotonic()``)."""
        self._decoder = SSEDecoder(max_event_bytes)
        self._answer_model = answer_model
        """For a subclass that puts the whole answer together from the events: its model
        (the operation's ``returns``), and the most it may keep to do so (the client's
        ``max_response_bytes``, the limit of the same answer read whole)."""
        self._max_answer_bytes = max_answer_bytes
        self._kept: list[str] | None = None
        """The data of each event read, when a subclass keeps it (it sets a list); ``None``
        again once the stream outgrew ``max_answer_bytes``."""
        self._room = max_answer_bytes if max_answer_bytes is not None else sys.maxsize
        self._closed = False
        self._finished = False
        self._complete = False
        """Whether the stream was read to its end."""
        self._observers = observers
        if observers:  # told of the first event (its time to first token)
            self._parse = self._noting_first_event(parse)
        self._items = self._read()

    def _noting_first_event(self, parse: Parse[T]) -> Parse[T]:
        noted = False

        def noting(data: Any, event: ServerSentEvent) -> T:
            nonlocal noted
            item = parse(data, event)
            if not noted:
                noted = True
                for observer in self._observers:
                    observer.first_event()
            return item

        return noting

    def _ended(self, error: BaseException | None) -> None:
        """Tell the observers how the stream ended (once)."""
        observers, self._observers = self._observers, ()
        for observer in observers:
            observer.stream_ended(error, self._complete)

    def _read(self) -> Any:
        """The parsed items, read from the response as they arrive (sync or async)."""
        raise NotImplementedError

    def _check_content_type(self) -> None:
        """A proxy's HTML page or a JSON answer is not a stream of events: say so."""
        content_type = self.response.headers.get("content-type", "text/event-stream")
        if "event-stream" not in content_type:
            raise ResponseValidationError(
                f"expected an event stream, got a {content_type} response", self.http
            )

    @property
    def last_event_id(self) -> str | None:
        """The ``id`` of the last event given to you: pass it back to resume the stream."""
        return self._last_event_id

    def _make_room(self, size: int) -> None:
        """Keep ``size`` more bytes of data, or stop keeping it: past ``max_answer_bytes``."""
        self._room -= size
        if self._room < 0:
            self._kept = None

    def _check_complete(self) -> None:
        """A stream cut mid-event, or one without its end marker, was cut short: say so."""
        if self._decoder.has_pending:
            raise APIConnectionError("the stream ended in the middle of an event")
        if self._requires_done and not self._finished:
            raise APIConnectionError("the stream ended without [DONE]: it was cut short")

    def _check_deadline(self) -> None:
        """No event yet, and the call's ``timeout_ms`` has passed: give up waiting."""
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise APITimeoutError("timed out: timeout_ms passed before the first event")

    @contextlib.contextmanager
    def _errors(self) -> Generator[None, None, None]:
        """Turn what breaks the stream into our errors, and tell the error hooks."""
        try:
            yield
        except EventTooLarge as exc:
            too_large = ResponseTooLargeError(
                f"{exc}: raise max_event_bytes (Mistral(max_event_bytes=...)) if it is real",
                self.http,
                limit=self._decoder.max_event_size or 0,
            )
            self._failed(too_large)
            raise too_large from None
        except httpx.RequestError as exc:
            if self._closed:  # closed on purpose: not an error
                return
            error = connection_error(exc, "while streaming")
            self._failed(error)
            raise error from exc
        except MistralError as error:
            self._failed(error)
            raise

    def _failed(self, error: MistralError) -> None:
        self._on_error(error)
        self._ended(error)

    def _json_of(self, data: str) -> Any:
        """The JSON of an event that the quick parse refused: read again, or the error."""
        try:
            return _json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise ResponseValidationError(
                f"stream event is not JSON ({_json.problem(exc)}): {data[:200]!r}", self.http
            ) from None

    def _items_of(self, events: Iterable[ServerSentEvent]) -> Iterator[T]:
        """The parsed items of events; raises for an error event or unreadable data.

        On the hot path of streaming (once per token): written as one loop on purpose.
        """
        parse, loads, kept = self._parse, _json.backend().quick_loads, self._kept
        for event in events:
            data = event.data
            if data == DONE:
                self._finished = True
                return
            if event.event == "error":
                body = parse_error_body(data.encode())
                raise StreamError(server_message(body, "error event"), self.response, body)
            try:
                payload = loads(data)
            except (ValueError, RecursionError):
                payload = self._json_of(data)
            # an error sent as an event (``__class__``: ``is_object`` would cost a call)
            if payload.__class__ is dict and payload.get("object") == "error":
                raise StreamError(server_message(payload, "error event"), self.response, payload)
            try:
                item = parse(payload, event)
            except Exception as exc:
                raise ResponseValidationError(
                    f"stream event does not match the expected schema: {exc}", self.http
                ) from None
            if kept is not None:
                kept.append(data)
            self._last_event_id = event.id
            self._deadline = None
            yield item


class EventStream(_StreamBase[T]):
    """A blocking stream of events; use it in a ``with`` block or a ``for`` loop."""

    _items: Iterator[T]

    def __iter__(self) -> Iterator[T]:
        try:
            yield from self._items
        finally:
            self.close()

    def __next__(self) -> T:
        return next(self._items)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection; the rest of the stream is not read."""
        self._closed = True
        self.response.close()
        if self._observers:
            self._ended(None)

    def _read(self) -> Iterator[T]:
        try:
            with self._errors():
                self._check_content_type()
                for chunk in iter_decoded(self.response):
                    self._check_deadline()
                    if self._kept is not None:
                        self._make_room(len(chunk))
                    yield from self._items_of(self._decoder.events(chunk))
                    if self._finished:
                        break
                else:
                    yield from self._items_of(self._decoder.flush())
                    self._check_complete()
                self._complete = True
        finally:
            self.close()


class AsyncEventStream(_StreamBase[T]):
    """An asynchronous stream of events; use it in ``async with`` or ``async for``."""

    _items: AsyncIterator[T]

    def __aiter__(self) -> AsyncIterator[T]:
        return self._guarded()

    async def __anext__(self) -> T:
        return await self._items.__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release the connection; the rest of the stream is not read."""
        self._closed = True
        await self.response.aclose()
        if self._observers:
            self._ended(None)

    async def _guarded(self) -> AsyncIterator[T]:
        try:
            async for item in self._items:
                yield item
        finally:
            await self.aclose()

    async def _read(self) -> AsyncIterator[T]:
        try:
            with self._errors():
                self._check_content_type()
                async for chunk in aiter_decoded(self.response):
                    self._check_deadline()
                    if self._kept is not None:
                        self._make_room(len(chunk))
                    for item in self._items_of(self._decoder.events(chunk)):
                        yield item
                    if self._finished:
                        break
                else:
                    for item in self._items_of(self._decoder.flush()):
                        yield item
                    self._check_complete()
                self._complete = True
        except (Exception, GeneratorExit):  # GeneratorExit: the stream was left early
            raise
        except BaseException as interruption:  # cancelled, maybe inside httpx's own close
            self._ended(interruption)  # (see _reclaim)
            await release_stranded(self.response)
            raise
        finally:
            await self.aclose()
