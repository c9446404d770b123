"""``client.audio.realtime_speech``: speech from text as it is written, over a WebSocket."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import Any

from mistral_core.resource import Operation, Resource

from ._connection import Connecting, Connection, call_options, connecting, run_session
from ._events import (
    KnownSpeechEvent,
    RealtimeSpeechError,
    RealtimeSpeechEvent,
    RealtimeSpeechSession,
    RealtimeSpeechStreamingMode,
    SpeechOutputFormat,
    SpeechStreamDone,
)
from ._protocol import SpeechProtocol

__all__ = ["RealtimeSpeech", "RealtimeSpeechConnection"]

SPEECH = Operation[Any, Any]("audio_speech_realtime", "GET", "/v1/audio/speech/realtime")
"""The WebSocket endpoint (not in the OpenAPI spec, which has no WebSockets)."""


class RealtimeSpeechConnection(Connection[KnownSpeechEvent, RealtimeSpeechSession]):
    """An open speech session: send text, iterate the audio events
    (:func:`~mistral_plugin_realtime.audio_bytes` decodes a delta's audio)."""

    _protocol: SpeechProtocol

    async def send_text(self, text: str) -> None:
        """More text to speak."""
        await self._send(self._protocol.append_text(text))

    async def flush(self, text: str | None = None) -> None:
        """Speak what was sent (and ``text``) now, without waiting for more."""
        await self._send(self._protocol.flush(text))

    async def end(self) -> None:
        """Say that no more text comes: the server finishes with ``speech.audio.done``."""
        await self._end_input()

    async def update_session(
        self,
        *,
        voice_id: str | None = None,
        ref_audio: str | None = None,
        response_format: SpeechOutputFormat | str | None = None,
        streaming_mode: RealtimeSpeechStreamingMode | str | None = None,
        expressiveness: float | None = None,
    ) -> None:
        """Change the session's settings, before any text is sent."""
        await self._send(self._protocol.update_session(**_speech_settings(locals())))


class RealtimeSpeech(Resource):
    """Realtime speech: text in as it is written (a model's answer), audio out at once.

    Async only; nothing is retried (see :class:`RealtimeTranscription`).
    """

    def connect(
        self,
        model: str,
        *,
        voice_id: str | None = None,
        ref_audio: str | None = None,
        response_format: SpeechOutputFormat | str | None = None,
        streaming_mode: RealtimeSpeechStreamingMode | str | None = None,
        expressiveness: float | None = None,
        server_url: str | None = None,
        timeout_ms: int | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> Connecting[RealtimeSpeechConnection]:
        """Open a session of ``model`` (``async with ... as connection``, or awaited);
        the settings given are sent once the server created the session."""
        settings = _speech_settings(locals())
        options = call_options(server_url, timeout_ms, http_headers)

        return connecting(
            lambda: self._upgrade_async(SPEECH, options, query={"model": model}),
            SpeechProtocol,
            settings,
            RealtimeSpeechConnection,
        )

    def speak_stream(
        self,
        text_stream: AsyncIterable[str],
        model: str,
        *,
        voice_id: str | None = None,
        ref_audio: str | None = None,
        response_format: SpeechOutputFormat | str | None = None,
        streaming_mode: RealtimeSpeechStreamingMode | str | None = None,
        expressiveness: float | None = None,
        server_url: str | None = None,
        timeout_ms: int | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> AsyncIterator[RealtimeSpeechEvent]:
        """Speak ``text_stream`` in one call: its pieces are sent as they come while the
        events are yielded, up to ``speech.audio.done`` (or an ``error`` event)."""
        arguments = {k: v for k, v in locals().items() if k not in ("self", "text_stream")}
        return run_session(
            self.connect(**arguments),
            text_stream,
            RealtimeSpeechConnection.send_text,
            RealtimeSpeechConnection.end,
            (SpeechStreamDone, RealtimeSpeechError),
        )


def _speech_settings(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The session fields among the arguments: ``voice_id`` is sent as ``voice``."""
    names = {"voice_id": "voice", "ref_audio": "ref_audio", "response_format": "response_format"}
    names |= {"streaming_mode": "streaming_mode", "expressiveness": "expressiveness"}
    return {names[k]: v for k, v in arguments.items() if k in names and v is not None}
