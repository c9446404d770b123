"""One contestant's run of one scenario, in a process of its own.

``python workers.py SCENARIO CONTESTANT REPEAT SCALE`` prints a JSON list of rates (calls
or events per second), one per repetition, after a warm-up. ``SCALE`` divides the work
of one repetition, for a contestant too slow to do it all in reasonable time.

It runs under the project's Python (bare httpx, this client) and under the official SDK's
own virtual environment, so it needs nothing but httpx and the client it measures. No
network: an in-process httpx transport answers with canned bodies.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import httpx

BASE_URL = "https://api.mistral.ai"
MODEL = "mistral-small-latest"
MESSAGES = [{"role": "user", "content": "Who is the best French painter?"}]
CALLS = 2_000
CONCURRENCY = 50
STREAM_EVENTS = 20_000
MODEL_CARDS = 200
LIST_CALLS = 200
EMBEDDINGS, DIMENSIONS = 64, 1024
EMBEDDING_CALLS = 10


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


COMPLETION = _dumps(
    {
        "id": "cmpl-e5cc70bb28c444948073e77776eb30ef",
        "object": "chat.completion",
        "model": MODEL,
        "created": 1702256327,
        "usage": {"prompt_tokens": 16, "completion_tokens": 180, "total_tokens": 196},
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "Claude Monet. " * 60},
            }
        ],
    }
)
CHUNK = _dumps(
    {
        "id": "cmpl-stream",
        "object": "chat.completion.chunk",
        "created": 1702256327,
        "model": MODEL,
        "choices": [{"index": 0, "delta": {"content": " Monet"}, "finish_reason": None}],
    }
)
STREAM = b"data: " + CHUNK + b"\n\n"


def _model_card(number: int) -> dict[str, Any]:
    capabilities = ["completion_chat", "function_calling", "completion_fim", "vision"]
    return {
        "id": f"mistral-model-{number}",
        "object": "model",
        "created": 1702256327,
        "owned_by": "mistralai",
        "capabilities": dict.fromkeys(capabilities, number % 2 == 0),
        "name": f"mistral-model-{number}",
        "description": "A model of the benchmark, with a description of some length.",
        "max_context_length": 131072,
        "aliases": [f"model-{number}-latest", f"model-{number}-2501"],
        "deprecation": None,
        "default_model_temperature": 0.3,
        "type": "base",
    }


MODEL_LIST = _dumps({"object": "list", "data": [_model_card(n) for n in range(MODEL_CARDS)]})
_random = random.Random(1)
EMBEDDING_LIST = _dumps(
    {
        "id": "embd-aad6fc62b17349b192ef09225058bc45",
        "object": "list",
        "model": "mistral-embed",
        "usage": {"prompt_tokens": 512, "completion_tokens": 0, "total_tokens": 512},
        "data": [
            {
                "object": "embedding",
                "index": index,
                "embedding": [_random.gauss(0, 0.05) for _ in range(DIMENSIONS)],
            }
            for index in range(EMBEDDINGS)
        ],
    }
)
_stream_events = STREAM_EVENTS
_STREAMING = re.compile(rb'"stream"\s*:\s*true')


def canned(request: httpx.Request) -> httpx.Response:
    """The fake API: a canned body for each path."""
    path = request.url.path
    if path == "/v1/models":
        return _json_response(MODEL_LIST)
    if path == "/v1/embeddings":
        return _json_response(EMBEDDING_LIST)
    if _STREAMING.search(request.content):
        body = STREAM * _stream_events + b"data: [DONE]\n\n"
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})
    return _json_response(COMPLETION)


def _json_response(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


Run = Callable[[], object]


class Contestant:
    """Runs each scenario's work once; subclasses say how, with one library."""

    def __init__(self) -> None:
        self.http = httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(canned))
        self.async_http = httpx.AsyncClient(
            base_url=BASE_URL, transport=httpx.MockTransport(canned)
        )

    def complete(self) -> None:
        raise NotImplementedError

    async def complete_async(self) -> None:
        raise NotImplementedError

    def stream(self) -> None:
        raise NotImplementedError

    def models(self) -> None:
        raise NotImplementedError

    def embeddings(self) -> None:
        raise NotImplementedError


class Bare(Contestant):
    """The floor: httpx and ``json.loads``, reading what a caller would read."""

    headers: ClassVar[dict[str, str]] = {"authorization": "Bearer x"}

    def complete(self) -> None:
        body = {"model": MODEL, "messages": MESSAGES}
        response = self.http.post("/v1/chat/completions", json=body, headers=self.headers)
        json.loads(response.content)["choices"][0]["message"]["content"]

    async def complete_async(self) -> None:
        body = {"model": MODEL, "messages": MESSAGES}
        response = await self.async_http.post(
            "/v1/chat/completions", json=body, headers=self.headers
        )
        json.loads(response.content)["choices"][0]["message"]["content"]

    def stream(self) -> None:
        body = {"model": MODEL, "messages": MESSAGES, "stream": True}
        with self.http.stream("POST", "/v1/chat/completions", json=body) as response:
            for line in _lines(response.iter_bytes()):
                if line.startswith("data: ") and line != "data: [DONE]":
                    json.loads(line[6:])["choices"][0]["delta"]["content"]

    def models(self) -> None:
        json.loads(self.http.get("/v1/models", headers=self.headers).content)["data"][-1]["id"]

    def embeddings(self) -> None:
        body = {"model": "mistral-embed", "input": ["Monet"] * EMBEDDINGS}
        response = self.http.post("/v1/embeddings", json=body, headers=self.headers)
        json.loads(response.content)["data"][-1]["embedding"]


def _lines(chunks: Iterator[bytes]) -> Iterator[str]:
    pending = ""
    for chunk in chunks:
        pending += chunk.decode()
        *lines, pending = pending.split("\n")
        yield from lines


class Client(Contestant):
    """This client, or the official SDK: the same calls, the same typed results."""

    def __init__(self, mistral_class: Any) -> None:
        super().__init__()
        self.client = mistral_class(api_key="x", client=self.http, async_client=self.async_http)

    def complete(self) -> None:
        answer = self.client.chat.complete(model=MODEL, messages=MESSAGES)
        answer.choices[0].message.content  # noqa: B018

    async def complete_async(self) -> None:
        answer = await self.client.chat.complete_async(model=MODEL, messages=MESSAGES)
        answer.choices[0].message.content  # noqa: B018

    def stream(self) -> None:
        with self.client.chat.stream(model=MODEL, messages=MESSAGES) as events:
            for event in events:
                event.data.choices[0].delta.content  # noqa: B018

    def models(self) -> None:
        self.client.models.list().data[-1].id  # noqa: B018

    def embeddings(self) -> None:
        inputs = ["Monet"] * EMBEDDINGS
        self.client.embeddings.create(model="mistral-embed", inputs=inputs).data[-1].embedding  # noqa: B018


def contestant(name: str) -> Contestant:
    if name == "httpx":
        return Bare()
    if name == "mistralai":
        try:
            from mistralai import Mistral as Official  # type: ignore[import-not-found]
        except ImportError:  # mistralai 2.x and later keep it in mistralai.client
            from mistralai.client import Mistral as Official  # type: ignore[import-not-found]
        return Client(Official)
    from mistral_core import Mistral

    return Client(Mistral)


def workload(scenario: str, player: Contestant, scale: int) -> tuple[Run, Run, int]:
    """What one repetition runs, its warm-up (first calls build models and converters),
    and how many calls or events one repetition makes."""
    calls = CALLS // scale
    if scenario == "complete":
        return _times(player.complete, calls), _times(player.complete, 20), calls
    if scenario == "async":
        return (
            lambda: asyncio.run(_gathered(player, calls)),
            lambda: asyncio.run(_gathered(player, CONCURRENCY)),
            calls,
        )
    if scenario == "stream":
        return player.stream, player.stream, _stream_events
    if scenario == "models":
        return _times(player.models, LIST_CALLS // scale), player.models, LIST_CALLS // scale
    if scenario == "embeddings":
        count = max(1, EMBEDDING_CALLS // scale)
        return _times(player.embeddings, count), player.embeddings, count
    raise SystemExit(f"no scenario {scenario!r}")


def _times(call: Callable[[], None], count: int) -> Run:
    def run() -> None:
        for _ in range(count):
            call()

    return run


async def _gathered(player: Contestant, count: int) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one() -> None:
        async with gate:
            await player.complete_async()

    await asyncio.gather(*(one() for _ in range(count)))


def main(scenario: str, name: str, repeat: int, scale: int) -> list[float]:
    global _stream_events
    _stream_events = STREAM_EVENTS // scale
    player = contestant(name)
    run, warm_up, count = workload(scenario, player, scale)
    warm_up()
    rates: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        rates.append(count / (time.perf_counter() - started))
    return rates


if __name__ == "__main__":
    scenario, name, repeat, scale = sys.argv[1:5]
    print(json.dumps(main(scenario, name, int(repeat), int(scale))))
