"""Realtime transcription and speech over WebSocket: ``client.audio.realtime`` and
``client.audio.realtime_speech``, async only.

The groups are mounted from entry points on first use; importing this package loads the
models and the protocol, never ``websockets`` (it is imported when a session opens).
"""

from __future__ import annotations

from ._connection import Connecting
from ._errors import (
    RealtimeConnectionError,
    RealtimeProtocolError,
    RealtimeServerError,
    RealtimeStateError,
)
from ._events import (
    AudioEncoding,
    AudioFormat,
    RealtimeErrorDetail,
    RealtimeSpeechError,
    RealtimeSpeechEvent,
    RealtimeSpeechSession,
    RealtimeSpeechSessionCreated,
    RealtimeSpeechSessionUpdated,
    RealtimeSpeechStreamingMode,
    RealtimeTranscriptionError,
    RealtimeTranscriptionEvent,
    RealtimeTranscriptionSession,
    RealtimeTranscriptionSessionCreated,
    RealtimeTranscriptionSessionUpdated,
    SpeechOutputFormat,
    SpeechStreamAudioDelta,
    SpeechStreamDone,
    TranscriptionStreamDone,
    TranscriptionStreamLanguage,
    TranscriptionStreamSegmentDelta,
    TranscriptionStreamTextDelta,
    TurnDetectionConfig,
    TurnDetectionEagerEndEvent,
    TurnDetectionEndEvent,
    TurnDetectionResumeEvent,
    TurnDetectionStartEvent,
    UnknownRealtimeEvent,
    audio_bytes,
)
from ._protocol import MAX_AUDIO_APPEND_BYTES, SpeechProtocol, TranscriptionProtocol
from ._realtime_speech import RealtimeSpeech, RealtimeSpeechConnection
from ._realtime_transcription import RealtimeConnection, RealtimeTranscription

__all__ = [
    "MAX_AUDIO_APPEND_BYTES",
    "AudioEncoding",
    "AudioFormat",
    "Connecting",
    "RealtimeConnection",
    "RealtimeConnectionError",
    "RealtimeErrorDetail",
    "RealtimeProtocolError",
    "RealtimeServerError",
    "RealtimeSpeech",
    "RealtimeSpeechConnection",
    "RealtimeSpeechError",
    "RealtimeSpeechEvent",
    "RealtimeSpeechSession",
    "RealtimeSpeechSessionCreated",
    "RealtimeSpeechSessionUpdated",
    "RealtimeSpeechStreamingMode",
    "RealtimeStateError",
    "RealtimeTranscription",
    "RealtimeTranscriptionError",
    "RealtimeTranscriptionEvent",
    "RealtimeTranscriptionSession",
    "RealtimeTranscriptionSessionCreated",
    "RealtimeTranscriptionSessionUpdated",
    "SpeechOutputFormat",
    "SpeechProtocol",
    "SpeechStreamAudioDelta",
    "SpeechStreamDone",
    "TranscriptionProtocol",
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
