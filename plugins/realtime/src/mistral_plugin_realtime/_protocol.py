"""The realtime protocols, sans I/O: messages to send as JSON text, events from what came.

A protocol object holds the state of one session (the session the server reported,
whether audio or text was sent, whether the input ended, whether the server said it was
done) and refuses what that state forbids before anything is sent. It never touches a
socket: :mod:`._connection` moves its frames, and tests can drive it with strings.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from mistral_core._guards import is_object
from mistral_core.models import Model

from ._errors import RealtimeProtocolError, RealtimeStateError
from ._events import (
    KnownSpeechEvent,
    KnownTranscriptionEvent,
    RealtimeSpeechSession,
    RealtimeSpeechSessionCreated,
    RealtimeSpeechSessionUpdated,
    RealtimeTranscriptionSession,
    RealtimeTranscriptionSessionCreated,
    RealtimeTranscriptionSessionUpdated,
    UnknownRealtimeEvent,
    speech_readers,
    transcription_readers,
)

__all__ = ["MAX_AUDIO_APPEND_BYTES", "SpeechProtocol", "TranscriptionProtocol"]

MAX_AUDIO_APPEND_BYTES = 262_144
"""The most audio one ``input_audio.append`` message may carry (decoded), per the API."""

E = TypeVar("E")
S = TypeVar("S")


class SessionProtocol(Generic[E, S]):
    """What both protocols share: reading events, and the session they describe.

    ``E`` is the union of the events the protocol knows, ``S`` its session.
    """

    _done: str
    """The ``type`` of the event after which the server sends nothing more."""
    _end: str
    """The ``type`` of the message that ends the input."""

    def __init__(self, readers: Mapping[str, Callable[[Any], E]]) -> None:
        self._readers = readers
        self.session: S | None = None
        """The session as the server last reported it (``None`` before ``session.created``)."""
        self.input_started = False
        self.input_ended = False
        self.done = False
        """Whether the server sent its final event."""
        self.closed = False
        """Whether the connection was closed (set by the I/O that closed it)."""

    def receive(self, message: str | bytes) -> E | UnknownRealtimeEvent:
        """The event a text frame carries; one this client cannot read is kept as an
        :class:`UnknownRealtimeEvent`, never dropped. A frame that is not UTF-8 text
        breaks the protocol."""
        if isinstance(message, bytes):
            try:
                message = message.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise RealtimeProtocolError(
                    f"the server sent a frame that is not UTF-8: {exc}"
                ) from None
        try:
            payload = json.loads(message)
        except ValueError as exc:
            return UnknownRealtimeEvent(type=None, content=message, error=f"invalid JSON: {exc}")
        if not is_object(payload):
            return UnknownRealtimeEvent(type=None, content=payload, error="not a JSON object")
        kind = payload.get("type")
        if not isinstance(kind, str):
            return UnknownRealtimeEvent(type=None, content=payload, error="no 'type' string")
        read = self._readers.get(kind)
        if read is None:
            return UnknownRealtimeEvent(type=kind, content=payload, error="unknown event type")
        try:
            event = read(payload)
        except ValueError as exc:
            return UnknownRealtimeEvent(type=kind, content=payload, error=str(exc))
        self.session = self._session_of(event) or self.session
        self.done = self.done or kind == self._done
        return event

    def _session_of(self, event: E) -> S | None:
        """The session a ``session.created`` or ``session.updated`` event reports."""
        raise NotImplementedError

    def update_session(self, **fields: Any) -> str:
        """``session.update`` with the fields given (``None`` ones left out)."""
        given = {name: value for name, value in fields.items() if value is not None}
        if not given:
            raise ValueError("update_session: give at least one field to change")
        self._check_connected("update_session")
        if self.input_started:
            raise RealtimeStateError(
                "update_session: the session's settings are set before any input is sent"
            )
        return _message("session.update", session=given)

    def end(self) -> str | None:
        """The message that ends the input (``None`` when it had ended already, or the
        connection is closed)."""
        if self.input_ended or self.closed:
            return None
        self.input_ended = True
        return _message(self._end)

    def _check_connected(self, action: str) -> None:
        if self.closed:
            raise RealtimeStateError(f"{action}: the realtime connection is closed")

    def _check_open(self, action: str) -> None:
        self._check_connected(action)
        if self.input_ended:
            raise RealtimeStateError(f"{action}: the input was already ended")


class TranscriptionProtocol(SessionProtocol[KnownTranscriptionEvent, RealtimeTranscriptionSession]):
    """Audio in (``input_audio.*``), transcription events out."""

    _done = "transcription.done"
    _end = "input_audio.end"

    def __init__(self) -> None:
        super().__init__(transcription_readers())

    def _session_of(self, event: KnownTranscriptionEvent) -> RealtimeTranscriptionSession | None:
        if isinstance(
            event, RealtimeTranscriptionSessionCreated | RealtimeTranscriptionSessionUpdated
        ):
            return event.session
        return None

    def append_audio(self, audio: bytes | bytearray | memoryview) -> list[str]:
        """The ``input_audio.append`` messages of a chunk, split at the API's size limit."""
        self._check_open("send_audio")
        _check_type(audio, (bytes, bytearray, memoryview), "send_audio takes bytes")
        view = memoryview(audio).cast("B")
        self.input_started = self.input_started or len(view) > 0
        return [
            _message(
                "input_audio.append",
                audio=base64.b64encode(view[start : start + MAX_AUDIO_APPEND_BYTES]).decode(),
            )
            for start in range(0, len(view), MAX_AUDIO_APPEND_BYTES)
        ]

    def flush(self) -> str:
        """``input_audio.flush``: transcribe what was sent so far without waiting for more."""
        self._check_open("flush_audio")
        return _message("input_audio.flush")


class SpeechProtocol(SessionProtocol[KnownSpeechEvent, RealtimeSpeechSession]):
    """Text in (``input_text.*``), audio events out."""

    _done = "speech.audio.done"
    _end = "input_text.end"

    def __init__(self) -> None:
        super().__init__(speech_readers())

    def _session_of(self, event: KnownSpeechEvent) -> RealtimeSpeechSession | None:
        if isinstance(event, RealtimeSpeechSessionCreated | RealtimeSpeechSessionUpdated):
            return event.session
        return None

    def append_text(self, text: str) -> str:
        """``input_text.append``: more text to speak."""
        self._check_open("send_text")
        _check_type(text, str, "send_text takes a str")
        self.input_started = True
        return _message("input_text.append", text=text)

    def flush(self, text: str | None = None) -> str:
        """``input_text.flush``: speak what was sent (and ``text``) without waiting for more."""
        self._check_open("flush")
        if text is None:
            return _message("input_text.flush")
        self.input_started = True
        return _message("input_text.flush", text=text)


def _check_type(value: object, kind: type | tuple[type, ...], what: str) -> None:
    """Refuse a value of the wrong type before anything is sent."""
    if not isinstance(value, kind):
        raise TypeError(f"{what}, got {type(value).__name__}")


def _message(kind: str, **fields: Any) -> str:
    """One client message as compact JSON text (models written by their JSON names)."""
    return json.dumps({"type": kind, **fields}, separators=(",", ":"), default=_model_json)


def _model_json(value: object) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    raise TypeError(f"{type(value).__name__} cannot be sent in a realtime message")
