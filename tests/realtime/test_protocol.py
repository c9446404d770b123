"""The realtime protocols without a socket: the messages they write, the events they read,
and what their state refuses."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from mistral_plugin_realtime import (
    MAX_AUDIO_APPEND_BYTES,
    AudioFormat,
    RealtimeProtocolError,
    RealtimeSpeechSessionCreated,
    RealtimeStateError,
    RealtimeTranscriptionError,
    RealtimeTranscriptionSessionCreated,
    RealtimeTranscriptionSessionUpdated,
    SpeechProtocol,
    SpeechStreamAudioDelta,
    SpeechStreamDone,
    TranscriptionProtocol,
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
from tests.realtime.conftest import SESSION

USAGE = {"prompt_tokens": 0, "completion_tokens": 1, "total_tokens": 1, "prompt_audio_seconds": 2}
SPEECH_SESSION = {
    "request_id": "req-2",
    "model": "voxtral-mini-tts-latest",
    "is_ref_audio": False,
    "streaming_mode": "responsive",
    "response_format": "pcm",
    "expressiveness": 1.0,
}

TRANSCRIPTION_EVENTS = [
    ({"type": "session.created", "session": SESSION}, RealtimeTranscriptionSessionCreated),
    ({"type": "session.updated", "session": SESSION}, RealtimeTranscriptionSessionUpdated),
    ({"type": "error", "error": {"message": "no", "code": 4000}}, RealtimeTranscriptionError),
    ({"type": "transcription.language", "audio_language": "fr"}, TranscriptionStreamLanguage),
    (
        {"type": "transcription.segment", "text": "Hi", "start": 0.0, "end": 1.5},
        TranscriptionStreamSegmentDelta,
    ),
    ({"type": "transcription.text.delta", "text": "Hi"}, TranscriptionStreamTextDelta),
    ({"type": "turn.start", "time_s": 0.1}, TurnDetectionStartEvent),
    ({"type": "turn.eager_end", "time_s": 1.0}, TurnDetectionEagerEndEvent),
    ({"type": "turn.resume", "time_s": 1.1}, TurnDetectionResumeEvent),
    ({"type": "turn.end", "time_s": 2.0, "end_reason": "timeout"}, TurnDetectionEndEvent),
    (
        {
            "type": "transcription.done",
            "model": "m",
            "text": "Hi",
            "language": None,
            "usage": USAGE,
        },
        TranscriptionStreamDone,
    ),
]


@pytest.mark.parametrize(("payload", "kind"), TRANSCRIPTION_EVENTS, ids=lambda v: str(v)[:30])
def test_every_transcription_event_is_read_as_its_model(
    payload: dict[str, Any], kind: type
) -> None:
    protocol = TranscriptionProtocol()
    event = protocol.receive(json.dumps(payload))
    assert type(event) is kind
    assert event.to_dict() == {k: v for k, v in payload.items() if v is not None or k == "language"}


def test_the_session_follows_created_and_updated_and_done_ends_it() -> None:
    protocol = TranscriptionProtocol()
    assert protocol.session is None
    protocol.receive(json.dumps({"type": "session.created", "session": SESSION}))
    assert protocol.session is not None
    assert protocol.session.request_id == "req-1"
    updated = {**SESSION, "language": "fr"}
    protocol.receive(json.dumps({"type": "session.updated", "session": updated}))
    assert protocol.session.language == "fr"
    assert not protocol.done
    protocol.receive(json.dumps(TRANSCRIPTION_EVENTS[-1][0]))
    assert protocol.done


@pytest.mark.parametrize(
    ("message", "kind", "error"),
    [
        (
            '{"type": "transcription.sentiment", "mood": "happy"}',
            "transcription.sentiment",
            "unknown event type",
        ),
        ('{"type": "turn.start"}', "turn.start", "time_s"),
        ("not json", None, "invalid JSON"),
        ("[1, 2]", None, "not a JSON object"),
        ('{"kind": "x"}', None, "no 'type' string"),
    ],
)
def test_what_cannot_be_read_is_kept_as_an_unknown_event(
    message: str, kind: str | None, error: str
) -> None:
    event = TranscriptionProtocol().receive(message)
    assert isinstance(event, UnknownRealtimeEvent)
    assert event.type == kind
    assert error in (event.error or "")
    assert event.content == (
        message if kind is None and error == "invalid JSON" else json.loads(message)
    )


def test_a_frame_that_is_not_utf8_breaks_the_protocol() -> None:
    with pytest.raises(RealtimeProtocolError, match="not UTF-8"):
        TranscriptionProtocol().receive(b"\xff\xfe")
    event = TranscriptionProtocol().receive(b'{"type": "transcription.text.delta", "text": "ok"}')
    assert isinstance(event, TranscriptionStreamTextDelta)


def test_audio_is_split_at_the_apis_limit_and_sent_as_base64() -> None:
    audio = bytes(range(256)) * (MAX_AUDIO_APPEND_BYTES // 256 * 2 + 1)
    messages = [json.loads(m) for m in TranscriptionProtocol().append_audio(audio)]
    assert [m["type"] for m in messages] == ["input_audio.append"] * 3
    pieces = [base64.b64decode(m["audio"]) for m in messages]
    assert [len(p) for p in pieces] == [MAX_AUDIO_APPEND_BYTES] * 2 + [256]
    assert b"".join(pieces) == audio
    assert TranscriptionProtocol().append_audio(memoryview(b"")) == []


def test_the_input_cannot_go_on_after_its_end() -> None:
    protocol = TranscriptionProtocol()
    assert json.loads(protocol.flush()) == {"type": "input_audio.flush"}
    assert json.loads(protocol.end() or "") == {"type": "input_audio.end"}
    assert protocol.end() is None  # once only
    with pytest.raises(RealtimeStateError, match="already ended"):
        protocol.append_audio(b"\0\0")
    with pytest.raises(RealtimeStateError):
        protocol.flush()


def test_settings_are_written_by_their_json_names_before_any_audio() -> None:
    protocol = TranscriptionProtocol()
    message = protocol.update_session(
        audio_format=AudioFormat(encoding="pcm_f32le", sample_rate=24000),
        turn_detection=TurnDetectionConfig(min_silence_ms=300),
        language=None,
    )
    assert json.loads(message) == {
        "type": "session.update",
        "session": {
            "audio_format": {"encoding": "pcm_f32le", "sample_rate": 24000},
            "turn_detection": {"min_silence_ms": 300},
        },
    }
    with pytest.raises(ValueError, match="at least one field"):
        protocol.update_session(language=None)
    protocol.append_audio(b"\0\0")
    with pytest.raises(RealtimeStateError, match="before any input"):
        protocol.update_session(language="fr")


def test_bad_input_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(TypeError, match="send_audio takes bytes, got str"):
        TranscriptionProtocol().append_audio("audio")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="send_text takes a str, got bytes"):
        SpeechProtocol().append_text(b"text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot be sent"):
        TranscriptionProtocol().update_session(language=object())


def test_speech_writes_text_and_reads_audio() -> None:
    protocol = SpeechProtocol()
    created = protocol.receive(json.dumps({"type": "session.created", "session": SPEECH_SESSION}))
    assert isinstance(created, RealtimeSpeechSessionCreated)
    assert protocol.session is not None
    assert not protocol.session.voice
    assert json.loads(protocol.append_text("Hello")) == {
        "type": "input_text.append",
        "text": "Hello",
    }
    assert json.loads(protocol.flush()) == {"type": "input_text.flush"}
    assert json.loads(protocol.flush(" world")) == {"type": "input_text.flush", "text": " world"}
    assert json.loads(protocol.end() or "") == {"type": "input_text.end"}
    with pytest.raises(RealtimeStateError):
        protocol.append_text("more")
    delta = protocol.receive(
        json.dumps({"type": "speech.audio.delta", "audio_data": base64.b64encode(b"pcm").decode()})
    )
    assert isinstance(delta, SpeechStreamAudioDelta)
    assert audio_bytes(delta) == b"pcm"
    done = protocol.receive(json.dumps({"type": "speech.audio.done", "usage": USAGE}))
    assert isinstance(done, SpeechStreamDone)
    assert protocol.done
