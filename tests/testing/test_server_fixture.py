"""The ``mistral_server`` fixture: clients made without a server URL talk to the local fake
server over real HTTP and WebSockets, with a placeholder key."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from mistral_core import Mistral
from mistral_plugin_realtime import TranscriptionStreamDone, TranscriptionStreamTextDelta
from mistral_testing.pytest_plugin import FAKE_SERVER_KEY
from mistral_testing.realtime import TRANSCRIPT
from mistral_testing.server import SENTENCE, FakeServer


def test_a_client_made_in_the_test_talks_to_it(mistral_server: FakeServer) -> None:
    with Mistral() as client:
        res = client.chat.complete(
            model="mistral-small-latest", messages=[{"role": "user", "content": "Hi"}]
        )
    assert res.choices[0].message.content == SENTENCE
    sent = mistral_server.requests[-1]
    assert (sent.path, sent.json["model"]) == ("/v1/chat/completions", "mistral-small-latest")
    assert sent.headers["authorization"] == f"Bearer {FAKE_SERVER_KEY}"


async def _silence() -> AsyncIterator[bytes]:
    for _ in range(3):
        yield bytes(3200)


def test_realtime_sessions_run_against_it(mistral_server: FakeServer) -> None:
    async def transcribe() -> tuple[str, int]:
        text, done = "", 0
        async with Mistral() as client:
            async for event in client.audio.realtime.transcribe_stream(
                audio_stream=_silence(),
                model="voxtral-mini-realtime-latest",
                audio_format={"encoding": "pcm_s16le", "sample_rate": 16000},
            ):
                if isinstance(event, TranscriptionStreamTextDelta):
                    text += event.text
                elif isinstance(event, TranscriptionStreamDone):
                    done += 1
        return text, done

    assert asyncio.run(transcribe()) == (TRANSCRIPT, 1)


def test_the_docs_test_of_a_realtime_session_passes(mistral_server: FakeServer) -> None:
    """``docs/testing.md``'s example test, which the docs' test defines but does not call."""
    from tests.test_docs import BLOCKS

    block = next(b for b in BLOCKS["testing.md"] if "def test_transcript" in b.code)
    namespace: dict[str, object] = {}
    exec(compile(block.code, "testing.md", "exec"), namespace)
    test = namespace["test_transcript"]
    assert callable(test)
    test(mistral_server)
