"""Realtime sessions over loopback: the fake API, and servers that play a script."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from websockets.asyncio.server import serve

from mistral_core import Mistral
from mistral_testing.server import FakeServer

SESSION = {
    "request_id": "req-1",
    "model": "voxtral-mini-realtime-latest",
    "audio_format": {"encoding": "pcm_s16le", "sample_rate": 16000},
}
CREATED = json.dumps({"type": "session.created", "session": SESSION})
DONE = json.dumps(
    {
        "type": "transcription.done",
        "model": SESSION["model"],
        "text": "Hi.",
        "language": "en",
        "usage": {"prompt_tokens": 0, "completion_tokens": 1, "total_tokens": 1},
    }
)
MODEL = "voxtral-mini-realtime-latest"

Handler = Callable[[Any], Awaitable[None]]


@pytest.fixture(scope="module")
def fake_api() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


@pytest.fixture
def server(fake_api: FakeServer) -> FakeServer:
    fake_api.clear_requests()
    return fake_api


@pytest.fixture
def client(server: FakeServer) -> Mistral:
    return Mistral(api_key="test-key", server_url=server.url)


@contextlib.asynccontextmanager
async def scripted(handler: Handler, **options: Any) -> AsyncGenerator[Mistral, None]:
    """A client of a WebSocket server on 127.0.0.1 that runs ``handler`` per connection
    (websockets' own server: it can refuse, drop, close with a code, send anything)."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port: int = listening.getsockname()[1]
    async with serve(handler, sock=listening, **options):
        yield Mistral(api_key="test-key", server_url=f"http://127.0.0.1:{port}")
