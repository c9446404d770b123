"""The messages of the realtime WebSocket protocols, as models.

Mistral's OpenAPI spec does not describe the WebSocket endpoints: these follow the
official SDK's published schemas (same names, same fields). The events the streaming
HTTP endpoints share with them (text deltas, segments, ``transcription.done``, speech
audio) are the audio plugin's models, so that one event reads the same over both.

The event unions are open: a message of a type this client does not know, or one that
does not fit its model, is kept as an :class:`UnknownRealtimeEvent` with its JSON.
"""

from __future__ import annotations

import base64
import functools
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from mistral_core import serde
from mistral_core.models import UNSET, Model, OpenEnum, Unset
from mistral_plugin_audio.models import (
    SpeechOutputFormat,
    SpeechStreamAudioDelta,
    SpeechStreamDone,
    TranscriptionStreamDone,
    TranscriptionStreamLanguage,
    TranscriptionStreamSegmentDelta,
    TranscriptionStreamTextDelta,
)

__all__ = [
    "AudioEncoding",
    "AudioFormat",
    "RealtimeErrorDetail",
    "RealtimeSpeechError",
    "RealtimeSpeechEvent",
    "RealtimeSpeechSession",
    "RealtimeSpeechSessionCreated",
    "RealtimeSpeechSessionUpdated",
    "RealtimeSpeechStreamingMode",
    "RealtimeTranscriptionError",
    "RealtimeTranscriptionEvent",
    "RealtimeTranscriptionSession",
    "RealtimeTranscriptionSessionCreated",
    "RealtimeTranscriptionSessionUpdated",
    "SpeechOutputFormat",
    "SpeechStreamAudioDelta",
    "SpeechStreamDone",
    "TranscriptionStreamDone",
    "TranscriptionStreamLanguage",
    "TranscriptionStreamSegmentDelta",
    "TranscriptionStreamTextDelta",
    "TurnDetectionConfig",
    "TurnDetectionEagerEndEvent",
    "TurnDetectionEndEvent",
    "TurnDetectionResumeEvent",
    "TurnDetectionStartEvent",
    "UnknownRealtimeEvent",
    "audio_bytes",
]


class AudioEncoding(OpenEnum):
    """How the raw audio sent for transcription is encoded."""

    PCM_S16LE = "pcm_s16le"
    PCM_S32LE = "pcm_s32le"
    PCM_F16LE = "pcm_f16le"
    PCM_F32LE = "pcm_f32le"
    PCM_MULAW = "pcm_mulaw"
    PCM_ALAW = "pcm_alaw"


class RealtimeSpeechStreamingMode(OpenEnum):
    """``responsive`` speaks as soon as it can; ``long_form`` waits for whole sentences."""

    RESPONSIVE = "responsive"
    LONG_FORM = "long_form"


@attrs.define(kw_only=True)
class AudioFormat(Model):
    """The format of the audio sent: raw samples, no container (no WAV header)."""

    encoding: AudioEncoding | str
    sample_rate: int


@attrs.define(kw_only=True)
class TurnDetectionConfig(Model):
    """Asks for ``turn.*`` events, from the model's semantic voice activity detection."""

    start_threshold: float | Unset = UNSET
    eager_end_threshold: float | Unset = UNSET
    end_threshold: float | Unset = UNSET
    min_silence_ms: int | Unset = UNSET
    end_timeout_ms: int | Unset | None = UNSET


@attrs.define(kw_only=True)
class RealtimeTranscriptionSession(Model):
    """The settings of a transcription session, as the server holds them."""

    request_id: str
    model: str
    audio_format: AudioFormat
    target_streaming_delay_ms: int | Unset | None = UNSET
    diarize: bool | Unset | None = UNSET
    context_bias: list[str] | Unset | None = UNSET
    language: str | Unset | None = UNSET
    speaker_references: list[str] | Unset | None = UNSET
    turn_detection: TurnDetectionConfig | Unset | None = UNSET


@attrs.define(kw_only=True)
class RealtimeTranscriptionSessionCreated(Model):
    """The first event: the session the server opened, with its defaults."""

    session: RealtimeTranscriptionSession
    type: Literal["session.created"] = "session.created"


@attrs.define(kw_only=True)
class RealtimeTranscriptionSessionUpdated(Model):
    """The answer to ``update_session``: the session as it now is."""

    session: RealtimeTranscriptionSession
    type: Literal["session.updated"] = "session.updated"


@attrs.define(kw_only=True)
class RealtimeErrorDetail(Model):
    """What went wrong: the server's message (text, or an object) and its code."""

    message: str | dict[str, Any]
    code: int


@attrs.define(kw_only=True)
class RealtimeTranscriptionError(Model):
    """The server refused a message or failed; the session may go on or be closed."""

    error: RealtimeErrorDetail
    type: Literal["error"] = "error"


@attrs.define(kw_only=True)
class TurnDetectionStartEvent(Model):
    """The speaker started a turn, ``time_s`` into the audio."""

    time_s: float
    type: Literal["turn.start"] = "turn.start"


@attrs.define(kw_only=True)
class TurnDetectionEagerEndEvent(Model):
    """The turn probably ended (an early guess, which ``turn.resume`` may take back)."""

    time_s: float
    type: Literal["turn.eager_end"] = "turn.eager_end"


@attrs.define(kw_only=True)
class TurnDetectionResumeEvent(Model):
    """The speaker went on after an eager end."""

    time_s: float
    type: Literal["turn.resume"] = "turn.resume"


@attrs.define(kw_only=True)
class TurnDetectionEndEvent(Model):
    """The turn ended: ``end_reason`` is ``threshold`` or ``timeout``."""

    time_s: float
    end_reason: str
    type: Literal["turn.end"] = "turn.end"


@attrs.define(kw_only=True)
class RealtimeSpeechSession(Model):
    """The settings of a speech session, as the server holds them."""

    request_id: str
    model: str
    is_ref_audio: bool
    streaming_mode: RealtimeSpeechStreamingMode | str
    response_format: SpeechOutputFormat | str
    expressiveness: float
    voice: str | Unset | None = UNSET


@attrs.define(kw_only=True)
class RealtimeSpeechSessionCreated(Model):
    """The first event: the session the server opened, with its defaults."""

    session: RealtimeSpeechSession
    type: Literal["session.created"] = "session.created"


@attrs.define(kw_only=True)
class RealtimeSpeechSessionUpdated(Model):
    """The answer to ``update_session``: the session as it now is."""

    session: RealtimeSpeechSession
    type: Literal["session.updated"] = "session.updated"


@attrs.define(kw_only=True)
class RealtimeSpeechError(Model):
    """The server refused a message or failed; the session may go on or be closed."""

    error: RealtimeErrorDetail
    type: Literal["error"] = "error"


@attrs.define(kw_only=True)
class UnknownRealtimeEvent(Model):
    """A message this client cannot read as one of its events, kept rather than fatal.

    ``type`` is the message's own (``None`` when it has none), ``content`` what came (the
    JSON object, or the text when it was not JSON), ``error`` why it is not a known event.
    """

    type: str | None
    content: Any
    error: str | None = None


KnownTranscriptionEvent = (
    RealtimeTranscriptionSessionCreated
    | RealtimeTranscriptionSessionUpdated
    | RealtimeTranscriptionError
    | TranscriptionStreamLanguage
    | TranscriptionStreamSegmentDelta
    | TranscriptionStreamTextDelta
    | TranscriptionStreamDone
    | TurnDetectionStartEvent
    | TurnDetectionEagerEndEvent
    | TurnDetectionResumeEvent
    | TurnDetectionEndEvent
)
RealtimeTranscriptionEvent = KnownTranscriptionEvent | UnknownRealtimeEvent
"""What a transcription connection yields."""

KnownSpeechEvent = (
    RealtimeSpeechSessionCreated
    | RealtimeSpeechSessionUpdated
    | RealtimeSpeechError
    | SpeechStreamAudioDelta
    | SpeechStreamDone
)
RealtimeSpeechEvent = KnownSpeechEvent | UnknownRealtimeEvent
"""What a speech connection yields."""


def _readers_by_type(union: Any) -> dict[str, Callable[[Any], Any]]:
    """How to read each event of ``union``, by its ``type`` (each class's constant)."""
    return {
        str(attrs.fields_dict(event)["type"].default): serde.reader(event)
        for event in typing.get_args(union)
    }


@functools.cache
def transcription_readers() -> Mapping[str, Callable[[Any], KnownTranscriptionEvent]]:
    """How to read each transcription event, by its ``type`` (made on first use)."""
    return _readers_by_type(KnownTranscriptionEvent)


@functools.cache
def speech_readers() -> Mapping[str, Callable[[Any], KnownSpeechEvent]]:
    """How to read each speech event, by its ``type`` (made on first use)."""
    return _readers_by_type(KnownSpeechEvent)


def audio_bytes(event: SpeechStreamAudioDelta) -> bytes:
    """The audio of a ``speech.audio.delta`` event (it travels as base64)."""
    return base64.b64decode(event.audio_data)
