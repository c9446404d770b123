"""The fake server's realtime WebSocket endpoints: transcription and speech sessions.

``GET /v1/audio/transcriptions/realtime`` and ``GET /v1/audio/speech/realtime`` with
``Upgrade: websocket`` are handed here by the fake server (:mod:`.server`), signed as
every call (a 401 otherwise). The socket of the stdlib server is driven by the sans-IO
``websockets.server.ServerProtocol``, imported only when a session opens, so that the
rest of the kit does not need ``websockets`` (``pip install mistral-testing[realtime]``).

The sessions follow the protocol of the official SDK and answer deterministically:

* transcription: ``session.created`` at once, ``session.updated`` for each update (an
  ``error`` event once audio was sent), nothing for audio (it is counted) or a flush;
  on ``input_audio.end``: ``transcription.language``, the words of :data:`TRANSCRIPT`
  as ``transcription.text.delta`` events, one ``transcription.segment``, then
  ``transcription.done`` (the audio's length in ``usage.prompt_audio_seconds``) and a
  normal close. With ``turn_detection`` set, ``turn.start`` comes first and
  ``turn.eager_end``, ``turn.resume``, ``turn.end`` before the segment.
* speech: ``session.created``, ``session.updated``; on each ``input_text.flush`` and
  on ``input_text.end``, the text so far as ``speech.audio.delta`` events (silence:
  :data:`SPEECH_BYTES_PER_CHARACTER` bytes of 16-bit PCM per character), then on the
  end ``speech.audio.done`` and a normal close.

An unknown message, or audio that is not base64, is answered with an ``error`` event.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from mistral_core._guards import is_object

if TYPE_CHECKING:
    import http.server

__all__ = [
    "REALTIME_PATHS",
    "SPEECH_BYTES_PER_CHARACTER",
    "TRANSCRIPT",
    "SpeechSession",
    "TranscriptionSession",
    "serve_websocket",
]

TRANSCRIPT = "This is a fake transcript from the local Mistral server."
"""What every transcription session hears, word by word."""
SPEECH_BYTES_PER_CHARACTER = 960
"""20 ms of 24 kHz 16-bit silence per character of text spoken."""
_AUDIO_DELTA_BYTES = 32 * 1024
_BYTES_PER_SAMPLE = {"pcm_s16le": 2, "pcm_s32le": 4, "pcm_f16le": 2, "pcm_f32le": 4}

Events = list[dict[str, Any]]


class _Session:
    """A session, sans I/O: client messages in (:meth:`receive`), server events out."""

    def __init__(self, session: dict[str, Any]) -> None:
        self.session = session
        self.ended = False
        """Whether the input ended: the last events are sent, then the session closes."""

    def opened(self) -> Events:
        return [{"type": "session.created", "session": dict(self.session)}]

    def updated(self) -> Events:
        return [{"type": "session.updated", "session": dict(self.session)}]

    def receive(self, message: dict[str, Any]) -> Events:
        raise NotImplementedError


class TranscriptionSession(_Session):
    """One transcription session."""

    def __init__(self, model: str, request_id: str) -> None:
        audio_format = {"encoding": "pcm_s16le", "sample_rate": 16000}
        super().__init__({"request_id": request_id, "model": model, "audio_format": audio_format})
        self.audio_bytes = 0

    def receive(self, message: dict[str, Any]) -> Events:
        kind = message.get("type")
        if kind == "session.update":
            if self.audio_bytes:
                return [_error("session settings are set before audio is sent", 4001)]
            self.session.update(message.get("session") or {})
            return self.updated()
        if kind == "input_audio.append":
            try:
                self.audio_bytes += len(base64.b64decode(message.get("audio", ""), validate=True))
            except (binascii.Error, TypeError):
                return [_error("input_audio.append: audio is not base64", 4002)]
            return []
        if kind == "input_audio.flush":
            return []
        if kind == "input_audio.end":
            self.ended = True
            return list(self._transcript())
        return [_error(f"unknown message type {kind!r}", 4000)]

    def _transcript(self) -> Iterator[dict[str, Any]]:
        audio_format = self.session["audio_format"]
        per_second = audio_format["sample_rate"] * _BYTES_PER_SAMPLE.get(
            audio_format["encoding"], 1
        )
        seconds = round(self.audio_bytes / per_second, 3)
        turns = self.session.get("turn_detection") is not None
        language = self.session.get("language") or "en"
        if turns:
            yield {"type": "turn.start", "time_s": 0.0}
        yield {"type": "transcription.language", "audio_language": language}
        for index, word in enumerate(TRANSCRIPT.split(" ")):
            yield {"type": "transcription.text.delta", "text": word if index == 0 else " " + word}
        if turns:
            yield {"type": "turn.eager_end", "time_s": seconds}
            yield {"type": "turn.resume", "time_s": seconds}
            yield {"type": "turn.end", "time_s": seconds, "end_reason": "threshold"}
        segment = {"text": TRANSCRIPT, "start": 0.0, "end": seconds}
        yield {"type": "transcription.segment", **segment}
        words = len(TRANSCRIPT.split())
        yield {
            "type": "transcription.done",
            "model": self.session["model"],
            "text": TRANSCRIPT,
            "language": language,
            "segments": [{"type": "transcription_segment", **segment}],
            "usage": {
                "prompt_audio_seconds": round(seconds),
                "prompt_tokens": 0,
                "completion_tokens": words,
                "total_tokens": words,
            },
        }


class SpeechSession(_Session):
    """One speech session."""

    def __init__(self, model: str, request_id: str) -> None:
        super().__init__(
            {
                "request_id": request_id,
                "model": model,
                "is_ref_audio": False,
                "streaming_mode": "responsive",
                "response_format": "pcm",
                "expressiveness": 1.0,
                "voice": None,
            }
        )
        self.pending = ""

    def receive(self, message: dict[str, Any]) -> Events:
        kind = message.get("type")
        if kind == "session.update":
            fields = dict(message.get("session") or {})
            if fields.pop("ref_audio", None) is not None:
                self.session["is_ref_audio"] = True
            self.session.update(fields)
            return self.updated()
        if kind == "input_text.append":
            self.pending += str(message.get("text", ""))
            return []
        if kind == "input_text.flush":
            self.pending += str(message.get("text") or "")
            return self._speak()
        if kind == "input_text.end":
            self.ended = True
            usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
            return [*self._speak(), {"type": "speech.audio.done", "usage": usage}]
        return [_error(f"unknown message type {kind!r}", 4000)]

    def _speak(self) -> Events:
        audio = bytes(len(self.pending) * SPEECH_BYTES_PER_CHARACTER)
        self.pending = ""
        return [
            {
                "type": "speech.audio.delta",
                "audio_data": base64.b64encode(audio[start : start + _AUDIO_DELTA_BYTES]).decode(),
            }
            for start in range(0, len(audio), _AUDIO_DELTA_BYTES)
        ]


REALTIME_PATHS: dict[str, Callable[[str, str], _Session]] = {
    "/v1/audio/transcriptions/realtime": TranscriptionSession,
    "/v1/audio/speech/realtime": SpeechSession,
}
"""The WebSocket endpoints, and the session each serves."""


def _error(message: str, code: int) -> dict[str, Any]:
    return {"type": "error", "error": {"message": message, "code": code}}


def serve_websocket(
    handler: http.server.BaseHTTPRequestHandler,
    path: str,
    model: str,
    request_id: str,
    on_answer: Callable[[int], None],
) -> None:
    """Upgrade the handler's connection and run a session on it until it closes;
    ``on_answer`` is told the status of the handshake's answer before it is sent."""
    from websockets.frames import Frame, Opcode
    from websockets.server import ServerProtocol

    handler.close_connection = True  # the socket is the session's, then closed
    protocol = ServerProtocol(max_size=None)
    head = [f"{handler.command} {handler.path} HTTP/1.1"]
    head += [f"{name}: {value}" for name, value in handler.headers.items()]
    protocol.receive_data(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    [request] = protocol.events_received()
    response = protocol.accept(request)  # type: ignore[arg-type]
    on_answer(response.status_code)
    protocol.send_response(response)
    _flush(handler, protocol)
    if response.status_code != 101:
        return
    session = REALTIME_PATHS[path](model, request_id)
    for event in session.opened():
        protocol.send_text(json.dumps(event).encode())
    _flush(handler, protocol)
    while True:
        data = handler.rfile.read1(64 * 1024)
        if data:
            protocol.receive_data(data)
        else:
            protocol.receive_eof()
        for frame in protocol.events_received():
            if not isinstance(frame, Frame) or frame.opcode is not Opcode.TEXT or session.ended:
                continue  # pings are answered by the protocol, closes too
            try:
                message = json.loads(bytes(frame.data))
            except ValueError:
                message = None
            events = (
                session.receive(message)
                if is_object(message)
                else [_error("messages are JSON objects", 4000)]
            )
            for event in events:
                protocol.send_text(json.dumps(event).encode())
            if session.ended:
                protocol.send_close(1000, "")
        if _flush(handler, protocol) or not data:
            return  # the handler closes the socket


def _flush(handler: http.server.BaseHTTPRequestHandler, protocol: Any) -> bool:
    """Send what the protocol has to; ``True`` when it asks to close the connection."""
    end = False
    for data in protocol.data_to_send():
        if data:
            handler.wfile.write(data)
        else:
            end = True  # the closing handshake is over: the server closes the connection
    handler.wfile.flush()
    return end
