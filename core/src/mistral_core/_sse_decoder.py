"""Incremental decoder for ``text/event-stream`` (server-sent events).

It follows the WHATWG HTML "event stream interpretation" rules exactly, because streaming
responses are only correct if every byte split, line ending and field quirk is handled the way
the spec says. It is pure and stdlib-only so the transport
layer can feed it whatever byte chunks the network delivers, and it works on whole decoded text
chunks rather than characters because it sits on the token-streaming hot path.
"""

from __future__ import annotations

import codecs
import functools
import itertools
from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["EventTooLarge", "SSEDecoder", "ServerSentEvent"]

_utf8_decoder = codecs.getincrementaldecoder("utf-8")


class ServerSentEvent(NamedTuple):
    """One dispatched event; immutable so it can be shared and compared safely.

    A named tuple rather than an attrs class: one is made per streamed token, and a
    tuple is the cheapest immutable record to make.
    """

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


_new_event = functools.partial(tuple.__new__, ServerSentEvent)  # pyright: ignore[reportUnknownMemberType]
"""``ServerSentEvent`` from a tuple of its four fields, with no Python call (a named
tuple's own ``__new__`` is a Python function): one is made per streamed token."""


_MESSAGE = itertools.repeat("message")
_NO_RETRY = itertools.repeat(None)


class EventTooLarge(ValueError):
    """The unfinished event (or line) being buffered grew past the decoder's limit."""


class SSEDecoder:
    """Turns arbitrary byte chunks of an event stream into :class:`ServerSentEvent` objects.

    Feed chunks with :meth:`feed`, then call :meth:`flush` once at end of stream. Events are
    returned as soon as the blank line that completes them has arrived. An incomplete trailing
    event is discarded, as the spec requires; :attr:`has_pending` tells the caller it existed so
    a truncated stream can be reported instead of silently accepted.

    Text is decoded, its line endings normalised to LF, and then cut into *blocks* at blank
    lines (``"\n\n"``). Only complete blocks are interpreted, each ending in one dispatch, so
    the common block (a single ``data:`` line) costs one string check and no per-line loop.

    ``max_event_size`` bounds the text buffered for one unfinished event (characters, so
    bytes for ASCII): a line without an end, or an event without its blank line, raises
    :class:`EventTooLarge` once it is longer, instead of growing without limit.
    """

    __slots__ = (
        "_bom_checked",
        "_decoder",
        "_finished",
        "_last_id",
        "_max_event_size",
        "_pending",
        "_pending_size",
        "_retry",
        "_skip_lf",
        "_stream_retry",
    )

    def __init__(self, max_event_size: int | None = None) -> None:
        self._max_event_size = max_event_size
        self._pending_size = 0
        self._decoder = _utf8_decoder(errors="replace")
        self._bom_checked = False
        # A CR ended the previous chunk. It was taken as a line ending at once (so no event
        # waits for more bytes); an LF starting the next chunk completes that CRLF and is dropped.
        self._skip_lf = False
        # LF-normalised text after the last complete block, in pieces (joined only when a block
        # may have ended, so one huge event arriving in many chunks stays linear).
        self._pending: list[str] = []
        self._last_id: str | None = None  # the spec's "last event ID string"; persists
        self._retry: int | None = None  # retry seen since the last *emitted* event
        self._stream_retry: int | None = None  # most recent valid retry in the whole stream
        self._finished = False

    @property
    def max_event_size(self) -> int | None:
        return self._max_event_size

    @property
    def has_pending(self) -> bool:
        """Whether the stream so far ends inside an event or a line.

        True when a partial line (or partial UTF-8 character) is buffered, or a field line was
        received since the last blank line; comments alone do not count. After :meth:`flush`
        this means the stream was truncated mid-event, which the caller should report.
        """
        if self._decoder.getstate()[0]:
            return True
        if not self._pending:
            return False
        text = "".join(self._pending)
        if text[-1] != "\n":
            return True
        # Only the first line of pending text can be blank (two LFs would have ended a block).
        return any(line and line[0] != ":" for line in text.split("\n"))

    @property
    def last_event_id(self) -> str | None:
        """The stream's last event ID, as of the last dispatch, for ``Last-Event-ID`` on
        reconnect; unlike ``ServerSentEvent.id`` it also reflects an ID-only block."""
        return self._last_id

    @property
    def retry(self) -> int | None:
        """The most recent valid ``retry`` value (milliseconds) in the stream, including one sent
        in a block that dispatched no event."""
        return self._stream_retry

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode one chunk; return the events completed by it (often none, sometimes many)."""
        return [*self.events(chunk)]

    def events(self, chunk: bytes) -> Iterable[ServerSentEvent]:
        """Decode one chunk; the events completed by it, as :meth:`feed` gives them.

        Those of a run of one-line ``data`` blocks are made as they are taken, so that
        a chunk of thousands of events (a replay, a burst) never holds them all at once.
        The decoder's state is the same whether they are taken or not.
        """
        if self._finished:
            raise ValueError("feed() called after flush()")
        text = self._decoder.decode(chunk)
        if not text:
            return []
        if not self._bom_checked:
            self._bom_checked = True
            if text[0] == "\ufeff":
                text = text[1:]
                if not text:
                    return []
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return []
        if "\r" in text:
            self._skip_lf = text[-1] == "\r"
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        pending = self._pending
        if pending:
            if "\n\n" not in text and not (text[0] == "\n" and pending[-1][-1] == "\n"):
                self._buffer(text)
                return []
            pending.append(text)
            text = "".join(pending)
            pending.clear()
            self._pending_size = 0
        elif "\n\n" not in text:
            self._buffer(text)
            return []
        elif text.startswith("data: ") and text.endswith("\n\n"):
            data_only = self._data_lines(text)
            if data_only is not None:
                return data_only
        blocks = text.split("\n\n")
        rest = blocks.pop()
        if rest:
            self._buffer(rest)

        events: list[ServerSentEvent] = []
        append = events.append
        for block in blocks:
            if block.startswith("data:") and "\n" not in block:
                # Fast path: one data line. The event type is always reset at a block start.
                append(
                    _new_event(
                        (
                            "message",
                            block[6:] if block.startswith(" ", 5) else block[5:],
                            self._last_id,
                            self._retry,
                        )
                    )
                )
                self._retry = None
            else:
                self._process_block(block, events)
        return events

    def _data_lines(self, text: str) -> Iterable[ServerSentEvent] | None:
        """The events of ``text`` when it is whole blocks of one ``data: `` line each (what
        the API sends, often many to a chunk), cut in one pass; ``None`` for any other.

        Blocks of one line each are cut by ``"\\n\\ndata: "`` exactly when the text has
        two line feeds per block (a value holds no line feed), so counting them proves it.
        """
        values = text[6:-2].split("\n\ndata: ")
        if text.count("\n") != 2 * len(values):
            return None
        events = map(_new_event, zip(_MESSAGE, values, itertools.repeat(self._last_id), _NO_RETRY))
        if self._retry is None:
            return events
        first = next(events)._replace(retry=self._retry)  # a retry an earlier block sent
        self._retry = None
        return itertools.chain((first,), events)

    def _buffer(self, text: str) -> None:
        """Keep ``text`` of an unfinished event, within the limit."""
        self._pending.append(text)
        self._pending_size += len(text)
        limit = self._max_event_size
        if limit is not None and self._pending_size > limit:
            raise EventTooLarge(
                f"an event (or a line) of the stream is longer than {limit:,} characters"
            )

    def flush(self) -> list[ServerSentEvent]:
        """Signal end of stream; return the events it completes.

        A trailing CR was already taken as a line ending by :meth:`feed`, and an event needs a
        blank line, so nothing can complete here and this returns an empty list; it exists so
        callers need not know that. The incomplete event is discarded (per spec) but stays
        visible through :attr:`has_pending`. Calling it again is harmless.
        """
        if self._finished:
            return []
        self._finished = True
        tail = self._decoder.decode(b"", final=True)
        if tail:  # only U+FFFD for a truncated UTF-8 sequence; never a line ending
            self._pending.append(tail)
        if self._pending:
            # The spec processes each line as it arrives, so a retry in the unfinished event
            # still sets the reconnection time even though the event itself is dropped.
            for line in "".join(self._pending).split("\n")[:-1]:
                name, value = _split_field(line)
                if name == "retry":
                    self._set_retry(value)
        return []

    def _process_block(self, block: str, events: list[ServerSentEvent]) -> None:
        """Interpret one complete block (lines followed by a blank line) the general way."""
        data: list[str] = []  # values; "\n".join == the spec's data buffer minus its final LF
        event_type = ""
        for line in block.split("\n"):
            # A blank line here can only be the block's first line (LF LF ends a block), so it is
            # an empty dispatch with nothing to dispatch or reset: skip it like a comment.
            if not line or line[0] == ":":
                continue
            name, value = _split_field(line)
            if name == "data":
                data.append(value)
            elif name == "event":
                event_type = value
            elif name == "id":
                if "\0" not in value:
                    self._last_id = value
            elif name == "retry":
                self._set_retry(value)
        if data:
            events.append(
                ServerSentEvent(
                    event_type or "message", "\n".join(data), self._last_id, self._retry
                )
            )
            self._retry = None

    def _set_retry(self, value: str) -> None:
        """Apply a ``retry`` field: only a value of ASCII digits counts."""
        if value.isdigit() and value.isascii():
            try:
                retry = int(value)
            except ValueError:  # beyond int()'s digit limit; no sane server sends this
                return
            self._retry = self._stream_retry = retry


def _split_field(line: str) -> tuple[str, str]:
    """Split a non-comment line into name and value, dropping one space after the colon."""
    colon = line.find(":")
    if colon < 0:
        return line, ""
    if line.startswith(" ", colon + 1):
        return line[:colon], line[colon + 2 :]
    return line[:colon], line[colon + 1 :]
