"""``client.audio.realtime``: transcription of audio as it is spoken, over a WebSocket."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import Any

from mistral_core.resource import Operation, Resource

from ._connection import (
    CALL_OPTIONS,
    Connecting,
    Connection,
    call_options,
    connecting,
    run_session,
    settings_of,
)
from ._events import (
    AudioFormat,
    KnownTranscriptionEvent,
    RealtimeTranscriptionError,
    RealtimeTranscriptionEvent,
    RealtimeTranscriptionSession,
    TranscriptionStreamDone,
    TurnDetectionConfig,
)
from ._protocol import TranscriptionProtocol

__all__ = ["RealtimeConnection", "RealtimeTranscription"]

TRANSCRIPTION = Operation[Any, Any](
    "audio_transcriptions_realtime", "GET", "/v1/audio/transcriptions/realtime"
)
"""The WebSocket endpoint (not in the OpenAPI spec, which has no WebSockets)."""


class RealtimeConnection(Connection[KnownTranscriptionEvent, RealtimeTranscriptionSession]):
    """An open transcription session: send audio, iterate the events.

    ``send_audio`` waits while the socket's send buffer is full, so audio sent faster
    than the server reads waits instead of piling up in memory.
    """

    _protocol: TranscriptionProtocol

    @property
    def audio_format(self) -> AudioFormat:
        return self.session.audio_format

    async def send_audio(self, audio_bytes: bytes | bytearray | memoryview) -> None:
        """Send raw audio in the session's ``audio_format`` (split into messages the API
        accepts: 256 KiB at most each)."""
        await self._send(*self._protocol.append_audio(audio_bytes))

    async def flush_audio(self) -> None:
        """Ask for the transcription of the audio sent so far, without waiting for more."""
        await self._send(self._protocol.flush())

    async def end_audio(self) -> None:
        """Say that no more audio comes: the server finishes with ``transcription.done``."""
        await self._end_input()

    async def update_session(
        self,
        audio_format: AudioFormat | Mapping[str, Any] | None = None,
        *,
        target_streaming_delay_ms: int | None = None,
        diarize: bool | None = None,
        context_bias: list[str] | None = None,
        language: str | None = None,
        speaker_references: Mapping[str, str] | None = None,
        turn_detection: TurnDetectionConfig | Mapping[str, Any] | None = None,
    ) -> None:
        """Change the session's settings, before any audio is sent (the server answers
        ``session.updated``)."""
        await self._send(self._protocol.update_session(**settings_of(locals())))


class RealtimeTranscription(Resource):
    """Realtime transcription: audio in as it is recorded, text out as it is recognised.

    Async only (a WebSocket session lives in an event loop). Nothing is retried: a
    session that fails is opened again by the caller, who knows what audio it had sent.
    """

    def connect(
        self,
        model: str,
        audio_format: AudioFormat | Mapping[str, Any] | None = None,
        target_streaming_delay_ms: int | None = None,
        server_url: str | None = None,
        timeout_ms: int | None = None,
        http_headers: Mapping[str, str] | None = None,
        *,
        diarize: bool | None = None,
        context_bias: list[str] | None = None,
        language: str | None = None,
        speaker_references: Mapping[str, str] | None = None,
        turn_detection: TurnDetectionConfig | Mapping[str, Any] | None = None,
    ) -> Connecting[RealtimeConnection]:
        """Open a session of ``model`` (``async with ... as connection``, or awaited).

        The settings given are sent once the server created the session (its
        ``session.created`` and ``session.updated`` are the first events).
        ``server_url``, ``timeout_ms`` (to open the session) and ``http_headers`` are
        as for every call. A refused upgrade raises the core's error for its status
        (``AuthenticationError`` for 401...), with the server's message.
        """
        settings = settings_of(locals(), exclude=CALL_OPTIONS)
        options = call_options(server_url, timeout_ms, http_headers)

        return connecting(
            lambda: self._upgrade_async(TRANSCRIPTION, options, query={"model": model}),
            TranscriptionProtocol,
            settings,
            RealtimeConnection,
        )

    def transcribe_stream(
        self,
        audio_stream: AsyncIterable[bytes],
        model: str,
        audio_format: AudioFormat | Mapping[str, Any] | None = None,
        target_streaming_delay_ms: int | None = None,
        server_url: str | None = None,
        timeout_ms: int | None = None,
        http_headers: Mapping[str, str] | None = None,
        *,
        diarize: bool | None = None,
        context_bias: list[str] | None = None,
        language: str | None = None,
        speaker_references: Mapping[str, str] | None = None,
        turn_detection: TurnDetectionConfig | Mapping[str, Any] | None = None,
    ) -> AsyncIterator[RealtimeTranscriptionEvent]:
        """Transcribe ``audio_stream`` (chunks of raw audio) in one call: its chunks are
        sent as they come while the events are yielded, up to ``transcription.done`` (or
        an ``error`` event). An error of ``audio_stream`` itself closes the session and
        is raised here."""
        arguments = {k: v for k, v in locals().items() if k not in ("self", "audio_stream")}
        return run_session(
            self.connect(**arguments),
            audio_stream,
            RealtimeConnection.send_audio,
            RealtimeConnection.end_audio,
            (TranscriptionStreamDone, RealtimeTranscriptionError),
        )
