"""Benchmarks of this client against bare httpx and the official ``mistralai`` SDK, side by side.

    python bench/run.py                  # every scenario
    python bench/run.py import complete  # some of them

No network: an in-process httpx transport answers with canned bodies, so what is
measured is each client's own work. Every contestant runs in processes of its own
(``bench/workers.py``), taking turns round after round so that the machine's load hits
them alike; the table gives medians and ratios to the floor (bare httpx + ``json.loads``).
The official SDK is installed by this script into its own virtual environment under
``bench/.cache/`` (reused across runs), never into the project's. Results are also
written to ``bench/results/latest.json``. Never run as a test: timings belong here.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKERS = HERE / "workers.py"
OFFICIAL_VENV = HERE / ".cache" / "mistralai-venv"
RESULTS = HERE / "results" / "latest.json"
FLOOR = "httpx"
OFFICIAL_SCALE = 10
"""The official SDK does a tenth of the work per repetition (it is that much slower)."""


@dataclass(frozen=True)
class Contestant:
    name: str
    python: str
    env: dict[str, str] = field(default_factory=dict[str, str])
    scale: int = 1
    import_code: str = ""


@dataclass
class Result:
    scenario: str
    unit: str
    higher_is_better: bool
    medians: dict[str, float]

    def ratios(self) -> dict[str, float]:
        return {name: value / self.medians[FLOOR] for name, value in self.medians.items()}


def official_python() -> str | None:
    """The official SDK's interpreter, installing it on the first run; None if that fails."""
    python = OFFICIAL_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing mistralai into {OFFICIAL_VENV} ...", file=sys.stderr)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(OFFICIAL_VENV)], check=True)
            pip = [str(python), "-m", "pip", "install", "-q", "mistralai", "httpx"]
            subprocess.run(pip, check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"no official SDK: {error}", file=sys.stderr)
            return None
    return str(python)


OTEL_OFF = {"MISTRAL_OTEL_DISABLED": "1"}
"""The core alone: the tracing plugin, installed in the project's environment, turned off."""
SDK_PROVIDERS = {
    "OTEL_PYTHON_TRACER_PROVIDER": "sdk_tracer_provider",
    "OTEL_PYTHON_METER_PROVIDER": "sdk_meter_provider",
}
"""The SDK's providers as the global ones, exporting nowhere: what recording costs."""


def contestants() -> list[Contestant]:
    ours = "from mistral_core import Mistral; Mistral(api_key='x').chat"
    players = [
        Contestant(FLOOR, sys.executable, import_code="import httpx"),
        Contestant("mistral_core", sys.executable, OTEL_OFF, import_code=ours),
    ]
    if importlib.util.find_spec("orjson") is not None:  # then the above uses orjson
        stdlib = {"MISTRAL_JSON": "stdlib", **OTEL_OFF}
        players.append(Contestant("mistral_core[stdlib json]", sys.executable, stdlib))
    if importlib.util.find_spec("mistral_plugin_otel") is not None:
        players.append(
            Contestant("mistral_core + otel, no tracer", sys.executable, import_code=ours)
        )
        if importlib.util.find_spec("opentelemetry.sdk") is not None:
            players.append(Contestant("mistral_core + otel, SDK", sys.executable, SDK_PROVIDERS))
    official = official_python()
    if official is not None:
        code = (
            "try:\n from mistralai import Mistral\n"
            "except ImportError:\n from mistralai.client import Mistral\n"
            "Mistral(api_key='x').chat"
        )
        players.append(Contestant("mistralai", official, scale=OFFICIAL_SCALE, import_code=code))
    return players


def _environment(extra: dict[str, str]) -> dict[str, str]:
    """Bytecode is cached, as in any installation; the JSON backend and the tracing as the
    contestant says."""
    skip = {"PYTHONDONTWRITEBYTECODE", "MISTRAL_JSON", *OTEL_OFF, *SDK_PROVIDERS}
    return {**{k: v for k, v in os.environ.items() if k not in skip}, **extra}


def _child(python: str, code: str, env: dict[str, str]) -> tuple[float, int]:
    """Wall time of a fresh process running ``code``, and its peak RSS in KiB."""
    report = "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-c", code + report], check=True, env=env, capture_output=True, text=True
    )
    return time.perf_counter() - started, int(done.stdout.split()[-1])


def scenario_import(players: list[Contestant], rounds: int = 15) -> list[Result]:
    """Cold import (+ ``Mistral()`` + ``client.chat``) in a fresh process, and its peak RSS.

    Each interpreter's own start (``pass``) is subtracted from its programs' times.
    """
    importing = [p for p in players if p.import_code]
    seconds: dict[str, list[float]] = {p.name: [] for p in importing}
    memory: dict[str, list[int]] = {p.name: [] for p in importing}
    start: dict[str, list[float]] = {p.python: [] for p in importing}
    for round_number in range(rounds + 1):
        for python in start:
            elapsed, _ = _child(python, "pass", _environment({}))
            if round_number:  # the first round only warms the bytecode cache
                start[python].append(elapsed)
        for player in importing:
            elapsed, rss = _child(player.python, player.import_code, _environment(player.env))
            if round_number:
                seconds[player.name].append(elapsed)
                memory[player.name].append(rss)
    interpreter = {python: statistics.median(samples) for python, samples in start.items()}
    times = {
        p.name: (statistics.median(seconds[p.name]) - interpreter[p.python]) * 1000
        for p in importing
    }
    peaks = {p.name: statistics.median(memory[p.name]) / 1024 for p in importing}
    return [Result("import", "ms", False, times), Result("memory", "MiB", False, peaks)]


def scenario_throughput(
    scenario: str, unit: str, players: list[Contestant], rounds: int = 3, repeat: int = 3
) -> list[Result]:
    """Each contestant in a process per round, doing ``repeat`` timed repetitions."""
    rates: dict[str, list[float]] = {p.name: [] for p in players}
    for _ in range(rounds):
        for player in players:
            command = [player.python, str(WORKERS), scenario, _worker_name(player)]
            command += [str(repeat), str(player.scale)]
            done = subprocess.run(
                command, check=True, env=_environment(player.env), capture_output=True, text=True
            )
            rates[player.name] += json.loads(done.stdout)
    medians = {name: statistics.median(samples) for name, samples in rates.items()}
    return [Result(scenario, unit, True, medians)]


def _worker_name(player: Contestant) -> str:
    return "mistral_core" if player.name.startswith("mistral_core") else player.name


THROUGHPUT = {
    "complete": "calls/s",
    "async": "calls/s",
    "stream": "events/s",
    "models": "calls/s",
    "embeddings": "calls/s",
}
SCENARIOS = ["import", *THROUGHPUT]


def run(names: list[str], players: list[Contestant]) -> list[Result]:
    results: list[Result] = []
    for name in names:
        if name == "import":
            found = scenario_import(players)
        else:
            found = scenario_throughput(name, THROUGHPUT[name], players)
        for result in found:
            print(_row(result), flush=True)
        results += found
    return results


def _row(result: Result) -> str:
    sense = "higher" if result.higher_is_better else "lower"
    cells = [
        f"{name} {value:,.1f} ({result.ratios()[name]:.2f}x)"
        for name, value in result.medians.items()
    ]
    return f"{result.scenario:<10} {result.unit:<8} {' | '.join(cells)}  [{sense} is better]"


def write(results: list[Result]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    machine = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    document = {
        "machine": machine,
        "results": [{**asdict(r), "ratios": r.ratios()} for r in results],
    }
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written to {RESULTS.relative_to(HERE.parent)}")


def main(names: list[str]) -> None:
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"no scenario {', '.join(sorted(unknown))}; choose from {SCENARIOS}")
    write(run(names or SCENARIOS, contestants()))


if __name__ == "__main__":
    main(sys.argv[1:])
