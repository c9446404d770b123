"""Check the fake server's realtime endpoints with the official SDK's own realtime clients.

    python tools/realtime_oracle.py                   # the SDK bench/run.py installs
    python tools/realtime_oracle.py --venv /tmp/sdk   # another environment with mistralai

The fake server (``mistral_testing.server``) runs here; the official ``mistralai`` SDK
runs in its own environment's interpreter (it is an oracle, never imported here) and
transcribes a stream of audio, speaks a stream of text and is refused without a key, over
loopback. Its ``websockets`` is this environment's when it has none (the SDK makes it an
extra). Exits 1, saying what differed, when the SDK did not read the sessions as expected.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import websockets

from mistral_testing.realtime import SPEECH_BYTES_PER_CHARACTER, TRANSCRIPT
from mistral_testing.server import FakeServer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VENV = ROOT / "bench" / ".cache" / "mistralai-venv"
TEXT = ["Hello ", "from ", "the oracle."]

ORACLE = r"""
import asyncio, base64, json, sys

from mistralai.client import Mistral
from mistralai.client.models import AudioFormat, TurnDetectionConfig
from mistralai.extra.exceptions import RealtimeTranscriptionException


async def main(url, text):
    client = Mistral(api_key="oracle-key", server_url=url)

    async def audio():
        for _ in range(4):
            yield bytes(8000)  # 1 s of 16 kHz 16-bit audio in all

    async def pieces():
        for piece in text:
            yield piece

    transcription = []
    async for event in client.audio.realtime.transcribe_stream(
        audio_stream=audio(),
        model="voxtral-mini-realtime-latest",
        audio_format=AudioFormat(encoding="pcm_s16le", sample_rate=16000),
        turn_detection=TurnDetectionConfig(),
    ):
        transcription.append([type(event).__name__, event.model_dump(mode="json")])
    speech, audio_bytes = [], 0
    async for event in client.audio.realtime_speech.speak_stream(
        pieces(), model="voxtral-mini-tts-latest", voice_id="en_paul"
    ):
        speech.append(type(event).__name__)
        if event.type == "speech.audio.delta":
            audio_bytes += len(base64.b64decode(event.audio_data))
    refused = ""
    try:
        await Mistral(api_key="", server_url=url).audio.realtime.connect(model="m")
    except RealtimeTranscriptionException as exc:
        refused = str(exc)
    print(json.dumps({"transcription": transcription, "speech": speech,
                      "audio_bytes": audio_bytes, "refused": refused}))


asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
"""

EXPECTED_TRANSCRIPTION = [
    "RealtimeTranscriptionSessionCreated",
    "RealtimeTranscriptionSessionUpdated",
    "TurnDetectionStartEvent",
    "TranscriptionStreamLanguage",
    *["TranscriptionStreamTextDelta"] * len(TRANSCRIPT.split(" ")),
    "TurnDetectionEagerEndEvent",
    "TurnDetectionResumeEvent",
    "TurnDetectionEndEvent",
    "TranscriptionStreamSegmentDelta",
    "TranscriptionStreamDone",
]
EXPECTED_SPEECH = [
    "RealtimeSpeechSessionCreated",
    "RealtimeSpeechSessionUpdated",
    "SpeechStreamAudioDelta",
    "SpeechStreamDone",
]


def run_oracle(python: Path, url: str) -> dict[str, Any]:
    """What the official SDK read from the fake server at ``url``."""
    with tempfile.TemporaryDirectory() as extra:
        # the SDK's realtime extra: this environment's websockets, unless it has its own
        os.symlink(Path(websockets.__file__).parent, Path(extra) / "websockets")
        env = {**os.environ, "PYTHONPATH": extra, "MISTRAL_API_KEY": ""}
        done = subprocess.run(
            [str(python), "-c", ORACLE, url, json.dumps(TEXT)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"the official SDK failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def problems(result: dict[str, Any]) -> list[str]:
    """What the SDK read that differs from what the fake server is meant to send."""
    found: list[str] = []
    names = [name for name, _ in result["transcription"]]
    if names != EXPECTED_TRANSCRIPTION:
        found.append(f"transcription events: {names}")
    text = "".join(e["text"] for n, e in result["transcription"] if n.endswith("TextDelta"))
    if text != TRANSCRIPT:
        found.append(f"transcribed text: {text!r}")
    if result["transcription"][-1][1].get("usage", {}).get("prompt_audio_seconds") != 1:
        found.append(f"transcription.done: {result['transcription'][-1][1]}")
    if result["speech"] != EXPECTED_SPEECH:
        found.append(f"speech events: {result['speech']}")
    if result["audio_bytes"] != len("".join(TEXT)) * SPEECH_BYTES_PER_CHARACTER:
        found.append(f"speech audio: {result['audio_bytes']} bytes")
    if "401" not in result["refused"]:
        found.append(f"no 401 without a key: {result['refused']!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the official SDK against the fake server")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    args = parser.parse_args(argv)
    python = args.venv / "bin" / "python"
    if not python.exists():
        print(f"no official SDK environment at {args.venv}: run bench/install.py", file=sys.stderr)
        return 2
    with FakeServer() as server:
        result = run_oracle(python, server.url)
    found = problems(result)
    for problem in found:
        print(f"differs: {problem}", file=sys.stderr)
    if not found:
        events = len(result["transcription"]) + len(result["speech"])
        print(f"the official SDK read {events} realtime events from the fake server as expected")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
