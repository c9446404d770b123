"""Realtime sessions over loopback: the fake API's deterministic sessions, and scripted
servers that refuse, drop, close with a code or break the protocol."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from mistral_core import (
    APITimeoutError,
    AuthenticationError,
    Mistral,
    NotFoundError,
    PermissionDeniedError,
)
from mistral_plugin_realtime import (
    RealtimeConnectionError,
    RealtimeProtocolError,
    RealtimeServerError,
    RealtimeSpeechSessionUpdated,
    RealtimeStateError,
    RealtimeTranscriptionError,
    SpeechStreamAudioDelta,
    SpeechStreamDone,
    TranscriptionStreamDone,
    TranscriptionStreamTextDelta,
    UnknownRealtimeEvent,
    audio_bytes,
)
from mistral_testing.realtime import SPEECH_BYTES_PER_CHARACTER, TRANSCRIPT
from mistral_testing.server import FakeServer
from tests.realtime.conftest import CREATED, DONE, MODEL, scripted
from tools.realtime_oracle import EXPECTED_TRANSCRIPTION

SECOND_OF_AUDIO = bytes(32000)  # 16 kHz, 16-bit


async def chunks(*pieces: bytes) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


def names(events: list[Any]) -> list[str]:
    return [type(event).__name__ for event in events]


def test_a_stream_of_audio_is_transcribed_with_every_event_type(client: Mistral) -> None:
    async def transcribe() -> list[Any]:
        stream = client.audio.realtime.transcribe_stream(
            audio_stream=chunks(SECOND_OF_AUDIO, SECOND_OF_AUDIO),
            model=MODEL,
            audio_format={"encoding": "pcm_s16le", "sample_rate": 16000},
            turn_detection={"min_silence_ms": 300},
            language="fr",
        )
        return [event async for event in stream]

    events = asyncio.run(transcribe())
    assert names(events) == EXPECTED_TRANSCRIPTION
    deltas = [e.text for e in events if isinstance(e, TranscriptionStreamTextDelta)]
    assert "".join(deltas) == TRANSCRIPT
    done = events[-1]
    assert isinstance(done, TranscriptionStreamDone)
    assert done.language == "fr"
    assert done.usage.prompt_audio_seconds == 2
    assert events[1].session.turn_detection.min_silence_ms == 300


def test_a_connection_sends_the_clients_url_credential_and_headers(
    client: Mistral, server: FakeServer
) -> None:
    async def session() -> tuple[list[Any], str, str]:
        connecting = client.audio.realtime.connect(
            MODEL, http_headers={"x-trace": "abc"}, timeout_ms=5000
        )
        async with connecting as connection:
            assert not connection.is_closed
            await connection.send_audio(SECOND_OF_AUDIO)
            await connection.flush_audio()
            await connection.end_audio()
            events = [event async for event in connection]
            return events, connection.request_id, connection.audio_format.encoding

    events, request_id, encoding = asyncio.run(session())
    assert names(events)[0] == "RealtimeTranscriptionSessionCreated"
    assert isinstance(events[-1], TranscriptionStreamDone)
    assert encoding == "pcm_s16le"
    [upgrade] = server.requests
    assert (upgrade.path, upgrade.query, upgrade.status) == (
        "/v1/audio/transcriptions/realtime",
        {"model": [MODEL]},
        101,
    )
    assert upgrade.operation == "audio_transcriptions_realtime"
    assert upgrade.headers["authorization"] == "Bearer test-key"
    assert upgrade.headers["x-trace"] == "abc"
    assert upgrade.headers["user-agent"].startswith("mistral-core/")
    assert "accept" not in upgrade.headers
    assert len(request_id) == 32  # the fake's


def test_connect_can_be_awaited_as_in_the_official_sdk(client: Mistral) -> None:
    async def session() -> list[Any]:
        async with await client.audio.realtime.connect(model=MODEL) as connection:
            await connection.end_audio()
            await connection.end_audio()  # ending twice sends one end
            return [event async for event in connection]

    events = asyncio.run(session())
    assert isinstance(events[-1], TranscriptionStreamDone)
    assert events[-1].usage.prompt_audio_seconds == 0


def test_the_connection_refuses_what_its_state_forbids(client: Mistral) -> None:
    async def session() -> None:
        async with client.audio.realtime.connect(MODEL) as connection:
            await connection.send_audio(b"\0\0")
            with pytest.raises(RealtimeStateError, match="before any input"):
                await connection.update_session(language="fr")
            await connection.end_audio()
            with pytest.raises(RealtimeStateError, match="already ended"):
                await connection.send_audio(b"\0\0")
        with pytest.raises(RealtimeStateError, match="closed"):
            await connection.flush_audio()

    asyncio.run(session())


def test_a_sync_with_says_realtime_is_async_only(client: Mistral) -> None:
    with (
        pytest.raises(RealtimeStateError, match="async only"),
        client.audio.realtime.connect(MODEL),
    ):
        pass


def test_text_is_spoken_as_audio_events(client: Mistral) -> None:
    text = ["Hello", " there, ", "friend."]

    async def speak() -> list[Any]:
        async def pieces() -> AsyncIterator[str]:
            for piece in text:
                yield piece

        stream = client.audio.realtime_speech.speak_stream(
            pieces(), MODEL, voice_id="en_paul", response_format="pcm"
        )
        return [event async for event in stream]

    events = asyncio.run(speak())
    assert names(events)[:2] == ["RealtimeSpeechSessionCreated", "RealtimeSpeechSessionUpdated"]
    updated = events[1]
    assert isinstance(updated, RealtimeSpeechSessionUpdated)
    assert updated.session.voice == "en_paul"
    audio = b"".join(audio_bytes(e) for e in events if isinstance(e, SpeechStreamAudioDelta))
    assert len(audio) == len("".join(text)) * SPEECH_BYTES_PER_CHARACTER
    assert isinstance(events[-1], SpeechStreamDone)


def test_a_speech_flush_speaks_at_once(client: Mistral) -> None:
    async def session() -> tuple[list[Any], list[Any]]:
        async with client.audio.realtime_speech.connect(MODEL) as connection:
            await connection.send_text("Hi")
            await connection.flush(" you")
            first = [await anext(aiter(connection)) for _ in range(2)]
            await connection.end()
            return first, [event async for event in connection]

    first, rest = asyncio.run(session())
    assert names(first) == ["RealtimeSpeechSessionCreated", "SpeechStreamAudioDelta"]
    assert len(audio_bytes(first[1])) == len("Hi you") * SPEECH_BYTES_PER_CHARACTER
    assert names(rest) == ["SpeechStreamDone"]  # nothing left to speak


class Unsigned:
    """An ``Auth`` that signs nothing: the upgrade goes without a credential."""

    def sign(self, request: httpx.Request) -> None:
        pass

    async def async_sign(self, request: httpx.Request) -> None:
        pass


def test_a_refused_upgrade_is_the_cores_error_for_its_status(server: FakeServer) -> None:
    unsigned = Mistral(server_url=server.url, auth=Unsigned())
    elsewhere = Mistral(api_key="test-key", server_url=f"{server.url}/nowhere")

    async def connect(client: Mistral) -> None:
        async with client.audio.realtime.connect(MODEL):
            pass

    with pytest.raises(AuthenticationError) as refused:
        asyncio.run(connect(unsigned))
    assert refused.value.status_code == 401
    assert refused.value.message == "Unauthorized"
    assert refused.value.request_id  # the fake's x-request-id
    with pytest.raises(NotFoundError, match="no route for GET /nowhere"):
        asyncio.run(connect(elsewhere))


def test_a_forbidden_upgrade_carries_the_servers_message() -> None:
    def refuse(connection: Any, request: Any) -> Any:
        response = connection.respond(403, '{"message": "Realtime is not enabled for this key"}')
        response.headers["content-type"] = "application/json"
        return response

    async def connect() -> None:
        async with scripted(never_called, process_request=refuse) as client:
            await client.audio.realtime.connect(MODEL)

    with pytest.raises(PermissionDeniedError, match="Realtime is not enabled for this key"):
        asyncio.run(connect())


async def never_called(ws: Any) -> None:
    raise AssertionError("the upgrade was refused")


def test_an_answer_that_is_not_a_websocket_breaks_the_protocol() -> None:
    def plain(connection: Any, request: Any) -> Any:
        return connection.respond(200, "hello")

    async def connect() -> None:
        async with scripted(never_called, process_request=plain) as client:
            await client.audio.realtime.connect(MODEL)

    with pytest.raises(RealtimeProtocolError, match="200"):
        asyncio.run(connect())


def test_an_error_instead_of_a_session_is_raised_with_its_code() -> None:
    async def handler(ws: Any) -> None:
        await ws.send(
            json.dumps({"type": "error", "error": {"message": "bad model", "code": 4040}})
        )
        await ws.wait_closed()

    async def connect() -> None:
        async with scripted(handler) as client:
            await client.audio.realtime.connect("no-such-model")

    with pytest.raises(RealtimeServerError, match="bad model") as refused:
        asyncio.run(connect())
    assert refused.value.code == 4040
    assert isinstance(refused.value.event, RealtimeTranscriptionError)


def test_unknown_events_and_error_events_are_yielded_not_fatal() -> None:
    async def handler(ws: Any) -> None:
        await ws.send(json.dumps({"type": "transcription.sentiment", "mood": "calm"}))
        await ws.send(CREATED)
        await ws.send(
            json.dumps({"type": "error", "error": {"message": {"detail": "x"}, "code": 1}})
        )
        await ws.send(json.dumps({"type": "transcription.text.delta", "text": "Hi."}))
        await ws.send(DONE)
        await ws.close()

    async def session() -> list[Any]:
        async with (
            scripted(handler) as client,
            client.audio.realtime.connect(MODEL) as connection,
        ):
            return [event async for event in connection]

    events = asyncio.run(session())
    assert names(events) == [
        "UnknownRealtimeEvent",  # read before the session started: kept, in order
        "RealtimeTranscriptionSessionCreated",
        "RealtimeTranscriptionError",
        "TranscriptionStreamTextDelta",
        "TranscriptionStreamDone",
    ]
    unknown = events[0]
    assert isinstance(unknown, UnknownRealtimeEvent)
    assert unknown.type == "transcription.sentiment"
    assert unknown.content["mood"] == "calm"
    assert events[2].error.message == {"detail": "x"}


def test_transcribe_stream_stops_at_an_error_event() -> None:
    async def handler(ws: Any) -> None:
        await ws.send(CREATED)
        await ws.recv()  # the audio
        await ws.send(json.dumps({"type": "error", "error": {"message": "too loud", "code": 7}}))
        await ws.wait_closed()

    async def transcribe() -> list[Any]:
        async with scripted(handler) as client:
            stream = client.audio.realtime.transcribe_stream(chunks(b"\0\0"), MODEL)
            return [event async for event in stream]

    assert names(asyncio.run(transcribe())) == [
        "RealtimeTranscriptionSessionCreated",
        "RealtimeTranscriptionError",
    ]


def test_a_dropped_connection_raises_a_connection_error() -> None:
    async def handler(ws: Any) -> None:
        await ws.send(CREATED)
        await ws.send(json.dumps({"type": "transcription.text.delta", "text": "Hel"}))
        ws.transport.abort()  # no close frame: the connection just drops

    async def session(received: list[Any]) -> None:
        async with (
            scripted(handler) as client,
            client.audio.realtime.connect(MODEL) as connection,
        ):
            async for event in connection:
                received.append(event)

    received: list[Any] = []
    with pytest.raises(RealtimeConnectionError, match="dropped") as dropped:
        asyncio.run(session(received))
    assert dropped.value.code is None
    assert names(received) == [
        "RealtimeTranscriptionSessionCreated",
        "TranscriptionStreamTextDelta",
    ]


def test_a_close_with_an_error_code_raises_it_and_a_normal_close_ends_the_events() -> None:
    async def handler(ws: Any) -> None:
        await ws.send(CREATED)
        if ws.request.path.endswith("model=failing"):
            await ws.close(1011, "internal error")
        else:
            await ws.close()

    async def session(model: str) -> list[Any]:
        async with (
            scripted(handler) as client,
            client.audio.realtime.connect(model) as connection,
        ):
            events = [event async for event in connection]
            assert connection.is_closed
            with pytest.raises(RealtimeStateError):
                await connection.send_audio(b"\0\0")
            return events

    assert names(asyncio.run(session("fine"))) == ["RealtimeTranscriptionSessionCreated"]
    with pytest.raises(RealtimeConnectionError, match="1011: internal error") as closed:
        asyncio.run(session("failing"))
    assert (closed.value.code, closed.value.reason) == (1011, "internal error")


def test_a_frame_that_is_not_utf8_raises_a_protocol_error() -> None:
    async def handler(ws: Any) -> None:
        await ws.send(CREATED)
        await ws.send(b"\xff\xfe\xfd")
        await ws.wait_closed()

    async def session() -> None:
        async with (
            scripted(handler) as client,
            client.audio.realtime.connect(MODEL) as connection,
        ):
            async for _ in connection:
                pass

    with pytest.raises(RealtimeProtocolError, match="not UTF-8"):
        asyncio.run(session())


def test_a_session_that_does_not_start_in_time_times_out() -> None:
    async def handler(ws: Any) -> None:
        await ws.wait_closed()  # never a session.created

    async def connect() -> None:
        async with scripted(handler) as client:
            await client.audio.realtime.connect(MODEL, timeout_ms=100)

    with pytest.raises(APITimeoutError, match="no realtime session started"):
        asyncio.run(connect())


def test_cancelling_a_session_closes_it_cleanly() -> None:
    closed_with: list[int | None] = []

    async def handler(ws: Any) -> None:
        await ws.send(CREATED)
        await ws.wait_closed()
        closed_with.append(ws.close_code)

    async def main() -> None:
        started = asyncio.Event()

        async def listen(client: Mistral) -> None:
            async with client.audio.realtime.connect(MODEL) as connection:
                async for _ in connection:
                    started.set()

        async with scripted(handler) as client:
            listener = asyncio.ensure_future(listen(client))
            await started.wait()
            listener.cancel()
            with pytest.raises(asyncio.CancelledError):
                await listener

    asyncio.run(main())
    assert closed_with == [1000]


def test_an_error_of_the_audio_stream_closes_the_session_and_is_raised() -> None:
    closed_with: list[int | None] = []

    async def handler(ws: Any) -> None:
        await ws.send(CREATED)
        await ws.wait_closed()
        closed_with.append(ws.close_code)

    async def broken() -> AsyncIterator[bytes]:
        yield b"\0\0"
        raise OSError("the microphone is gone")

    async def transcribe() -> None:
        async with scripted(handler) as client:
            async for _ in client.audio.realtime.transcribe_stream(broken(), MODEL):
                pass

    with pytest.raises(OSError, match="microphone"):
        asyncio.run(transcribe())
    assert closed_with == [1011]


def test_audio_goes_out_in_order_and_whole() -> None:
    received: list[bytes] = []

    async def handler(ws: Any) -> None:
        await ws.send(CREATED)
        async for message in ws:
            sent = json.loads(message)
            if sent["type"] == "input_audio.end":
                await ws.send(DONE)
                return
            received.append(base64.b64decode(sent["audio"]))

    pieces = [bytes([n]) * 1000 for n in range(20)]

    async def transcribe() -> list[Any]:
        async with scripted(handler) as client:
            stream = client.audio.realtime.transcribe_stream(chunks(*pieces), MODEL)
            return [event async for event in stream]

    events = asyncio.run(transcribe())
    assert isinstance(events[-1], TranscriptionStreamDone)
    assert received == pieces
