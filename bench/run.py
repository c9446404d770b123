"""Benchmarks of this client against bare httpx, measured side by side in one run.

    python bench/run.py            # every scenario
    python bench/run.py import     # one scenario

No network: an in-process httpx transport answers with canned bodies, so what is
measured is the client's own work. Each scenario prints the medians and the ratio to
its httpx baseline. Never run as a test: timings belong here, not in assertions.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx

URL = "https://api.mistral.ai/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "Who is the best French painter?"}]
RESPONSE = json.dumps(
    {
        "id": "cmpl-e5cc70bb28c444948073e77776eb30ef",
        "object": "chat.completion",
        "model": "mistral-small-latest",
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
).encode()
CHUNK = json.dumps(
    {
        "id": "cmpl-stream",
        "object": "chat.completion.chunk",
        "created": 1702256327,
        "model": "mistral-small-latest",
        "choices": [{"index": 0, "delta": {"content": " Monet"}, "finish_reason": None}],
    }
)
STREAM_EVENTS = 20_000


def canned(request: httpx.Request) -> httpx.Response:
    if b'"stream":true' in request.content:
        body = f"data: {CHUNK}\n\n".encode() * STREAM_EVENTS + b"data: [DONE]\n\n"
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, content=body, headers=headers)
    return httpx.Response(200, content=RESPONSE, headers={"content-type": "application/json"})


def median_seconds(
    baseline: Callable[[], object], ours: Callable[[], object], repeat: int = 7
) -> tuple[float, float]:
    """Median run times of both, taking turns so that the machine's load hits them alike."""
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, samples in zip((baseline, ours), timings, strict=True):
            started = time.perf_counter()
            run()
            samples.append(time.perf_counter() - started)
    return statistics.median(timings[0]), statistics.median(timings[1])


def scenario_import(rounds: int = 21) -> tuple[float, float]:
    """Fresh-process import (+ ``Mistral()`` + ``client.chat``) against ``import httpx``.

    The three programs take turns, so that a change in the machine's load hits them alike;
    the interpreter's own start is subtracted. Bytecode is cached as in any installation
    (a first untimed round writes it, even where ``PYTHONDONTWRITEBYTECODE`` is set).
    """
    programs = {
        "interpreter": "pass",
        "httpx": "import httpx",
        "ours": "from mistral_core import Mistral; Mistral(api_key='x').chat",
    }
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    samples: dict[str, list[float]] = {name: [] for name in programs}
    for round_number in range(rounds + 1):
        for name, code in programs.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=environment)
            if round_number:  # the first round only warms the bytecode cache
                samples[name].append(time.perf_counter() - started)
    interpreter, baseline, ours = (statistics.median(samples[name]) for name in programs)
    return baseline - interpreter, ours - interpreter


def scenario_complete(calls: int = 2_000) -> tuple[float, float]:
    """Sync chat completions per second: ``chat.complete`` against httpx + json.loads."""
    from mistral_core import Mistral

    http = httpx.Client(transport=httpx.MockTransport(canned))
    body = {"model": "mistral-small-latest", "messages": MESSAGES}

    def bare() -> None:
        for _ in range(calls):
            response = http.post(URL, json=body, headers={"authorization": "Bearer x"})
            json.loads(response.content)["choices"][0]["message"]["content"]

    client = Mistral(api_key="x", client=http)

    def ours() -> None:
        for _ in range(calls):
            client.chat.complete(model="mistral-small-latest", messages=MESSAGES)

    bare_seconds, our_seconds = median_seconds(bare, ours)
    return calls / bare_seconds, calls / our_seconds


def scenario_stream() -> tuple[float, float]:
    """Streamed chunks per second: typed events against a hand-written line splitter."""
    from mistral_core import Mistral

    http = httpx.Client(transport=httpx.MockTransport(canned))
    body = {"model": "mistral-small-latest", "messages": MESSAGES, "stream": True}

    def bare() -> None:
        with http.stream("POST", URL, json=body) as response:
            for line in _lines(response.iter_bytes()):
                if line.startswith("data: ") and line != "data: [DONE]":
                    json.loads(line[6:])["choices"][0]["delta"]["content"]

    client = Mistral(api_key="x", client=http)

    def ours() -> None:
        with client.chat.stream(model="mistral-small-latest", messages=MESSAGES) as events:
            for event in events:
                event.data.choices[0].delta.content  # noqa: B018

    bare_seconds, our_seconds = median_seconds(bare, ours)
    return STREAM_EVENTS / bare_seconds, STREAM_EVENTS / our_seconds


def _lines(chunks: Iterator[bytes]) -> Iterator[str]:
    pending = ""
    for chunk in chunks:
        pending += chunk.decode()
        *lines, pending = pending.split("\n")
        yield from lines


SCENARIOS = {
    "import": (scenario_import, "seconds", "lower is better"),
    "complete": (scenario_complete, "calls/s", "higher is better"),
    "stream": (scenario_stream, "events/s", "higher is better"),
}


def main(names: list[str]) -> None:
    for name in names or list(SCENARIOS):
        scenario, unit, sense = SCENARIOS[name]
        baseline, ours = scenario()
        print(
            f"{name:<9} httpx {baseline:12.4f} {unit:<9} mistral_core {ours:12.4f} {unit:<9}"
            f" ratio {ours / baseline:5.2f} ({sense})"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
