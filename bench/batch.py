"""A batch of N chat requests built, uploaded, run and read back, with the client's memory.

``python bench/batch.py [N ...]`` (default: 10000 100000) starts the local fake server
in a process of its own (so that its buffers are not counted), then runs each N in a
fresh process: ``client.batch.jobs.run`` on a generator of N requests (written to a
temporary file, uploaded streamed), and every result read back, typed, keyed by custom
id. Prints, per N, the seconds taken, the peak of Python's allocations (tracemalloc)
and the process's peak RSS. What it shows: the peak does not grow with N.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

ENDPOINT = "/v1/chat/completions"
MODEL = "mistral-small-latest"
SIZES = (10_000, 100_000)


def requests(count: int) -> Iterator[dict[str, Any]]:
    for n in range(count):
        question = {"role": "user", "content": f"Question number {n}: what is {n} + {n}?"}
        yield {"custom_id": f"q{n}", "body": {"messages": [question], "max_tokens": 64}}


def measure(count: int, url: str) -> dict[str, Any]:
    """One N, in this process: the run, every result read, and what it held."""
    from mistral_core import Mistral

    tracemalloc.start()
    started = time.perf_counter()
    with Mistral(api_key="bench", server_url=url) as client:
        run = client.batch.jobs.run(
            requests(count), endpoint=ENDPOINT, model=MODEL, polling_interval=0.05
        )
        answered = sum(1 for outcome in run if outcome.ok)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if answered != count:
        raise SystemExit(f"{answered} answers for {count} requests")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {"requests": count, "seconds": round(seconds, 1), "traced_peak": peak, "rss_peak": rss}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--worker"]:
        print(json.dumps(measure(int(argv[1]), argv[2])))
        return 0
    sizes = [int(arg) for arg in argv] or list(SIZES)
    server = subprocess.Popen(
        [sys.executable, "-m", "mistral_testing.server", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split(" on ")[1].split()[0]
        print(f"{'requests':>9} {'seconds':>8} {'traced peak':>12} {'peak RSS':>9}")
        for count in sizes:
            worker = [sys.executable, __file__, "--worker", str(count), url]
            found = json.loads(subprocess.run(worker, check=True, capture_output=True).stdout)
            mib = 2**20
            print(
                f"{found['requests']:>9,} {found['seconds']:>8} "
                f"{found['traced_peak'] / mib:>8.1f} MiB {found['rss_peak'] / mib:>5.1f} MiB"
            )
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
