"""What an installation costs: its size, its zip, and a fresh process's start to a first call.

    python bench/install.py

Builds a wheel of every distribution of the repository, installs the slim client
(``mistral-core`` with ``mistral-plugin-chat``) and ``mistral-core[all]`` into fresh
virtual environments under ``bench/.cache/install/``, and the slim client into an app
directory with ``pip install --target`` (how serverless functions vendor their
dependencies); the third-party dependencies come from the package index. Reported:

* sizes: the bytes installed (pip and setuptools left out), and the zip a serverless
  function would ship (deflated, like an AWS Lambda package: without bytecode, and again
  with it);
* fresh processes, taking turns round after round (medians): the interpreter's start,
  ``import httpx``, the import of the client with ``client.chat`` mounted, and the cold
  start to a first answered call, ``client.chat.complete(...)`` against the repository's
  fake API on 127.0.0.1, beside bare httpx doing the same POST and ``json.loads``; with
  the peak RSS of each process (its ``VmHWM``, which it prints last).

The app directory is zipped, unpacked and run as a serverless function runs it: an
interpreter with nothing installed, the directory on ``PYTHONPATH``, no bytecode written
(a read-only filesystem); once from the zip without bytecode, once from the zip with
bytecode compiled beforehand. The fake API runs in this process, so that nothing of it
is installed where the client is measured. Results go to ``bench/results/install.json``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run as a script: tools/ is the repository's
from mistral_testing.server import FakeServer  # noqa: E402
from tools.dev import build_distributions  # noqa: E402

CACHE = HERE / ".cache" / "install"
RESULTS = HERE / "results" / "install.json"
SLIM = ["mistral-core", "mistral-plugin-chat"]
INSTALLS = {"core + chat": SLIM, "all": ["mistral-core[all]"]}
APP = "app dir (--target)"
TOOLING = ("pip", "setuptools", "pkg_resources", "_distutils_hack", "distutils-precedence.pth")
"""What a virtual environment holds before anything is installed in it."""
BYTECODE = "__pycache__"
SIZES = ("unpacked", "zip", "zip with bytecode")
ROUNDS = 31

REQUEST = {"model": "mistral-small-latest", "messages": [{"role": "user", "content": "Hello"}]}
HTTPX_CALL = f"""
import json, sys, httpx
with httpx.Client() as http:
    response = http.post(
        sys.argv[1] + "/v1/chat/completions",
        json={REQUEST!r},
        headers={{"authorization": "Bearer x"}},
    )
    response.raise_for_status()
assert json.loads(response.content)["choices"][0]["message"]["content"]
"""
CLIENT_CALL = f"""
import sys
from mistral_core import Mistral
with Mistral(api_key="x", server_url=sys.argv[1]) as client:
    answer = client.chat.complete(**{REQUEST!r})
assert answer.choices[0].message.content
"""
PROGRAMS = {
    "python": "pass",
    "import httpx": "import httpx",
    "import client": "import mistral_core; mistral_core.Mistral(api_key='x').chat",
    "httpx call": HTTPX_CALL,
    "client call": CLIENT_CALL,
}
"""Each run by a fresh interpreter as ``python -c PROGRAM URL`` (the fake API's URL)."""
PEAK_RSS = "\nprint(open('/proc/self/status').read().partition('VmHWM:')[2].split()[0])"
"""Ends every program: it prints its peak RSS in KiB (Linux). Not ``ru_maxrss``, of
``wait4`` or of the program itself: Linux counts in it the RSS of the process that
spawned it, this one, which holds the fake API."""
BASELINES = {"import client": "import httpx", "client call": "httpx call"}
"""The client's programs, and the bare httpx program each is compared with."""
CALLS = ("httpx call", "client call")


@dataclass(frozen=True)
class Runtime:
    """An interpreter, what it runs and with which environment variables."""

    python: Path
    programs: tuple[str, ...] = tuple(PROGRAMS)
    env: dict[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True)
class Sample:
    """One run of a program, or the medians of its runs."""

    seconds: float
    peak_rss: int
    """Bytes."""


def build_wheels(directory: Path) -> None:
    """The wheelhouse of every distribution, as ``tools/dev.py wheels`` builds it."""
    shutil.rmtree(directory, ignore_errors=True)
    build_distributions(sys.executable, directory)


def slug(name: str) -> str:
    """A name of :data:`INSTALLS` as a file name: ``core-chat``."""
    return name.replace(" + ", "-")


def new_venv(name: str, *, pip: bool = True) -> Path:
    """A fresh virtual environment's interpreter; with pip only if it is to install."""
    venv = CACHE / name
    shutil.rmtree(venv, ignore_errors=True)
    options = [] if pip else ["--without-pip"]
    subprocess.run([sys.executable, "-m", "venv", *options, str(venv)], check=True)
    return venv / "bin" / "python"


def pip_install(python: Path, wheels: Path, requirements: list[str], *options: str) -> None:
    pip = [str(python), "-m", "pip", "install", "-q", "--find-links", str(wheels), *options]
    subprocess.run([*pip, *requirements], check=True)


def install(name: str, wheels: Path) -> Path:
    """A fresh virtual environment with one of :data:`INSTALLS`: its interpreter."""
    python = new_venv(slug(name))
    pip_install(python, wheels, INSTALLS[name])
    return python


def site_packages(python: Path) -> Path:
    """Where ``python`` installs packages."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip())


def shipped(directory: Path, *, bytecode: bool = True) -> Iterator[Path]:
    """The files an app ships of ``directory``: all but the installer's own packages, and
    without the bytecode caches if asked (serverless packages usually leave them out)."""
    for path in sorted(directory.rglob("*")):
        parts = path.relative_to(directory).parts
        ours = not parts[0].startswith(TOOLING) and (bytecode or BYTECODE not in parts)
        if ours and path.is_file():
            yield path


def zip_up(directory: Path, archive: Path, *, bytecode: bool) -> Path:
    """Deflate what is shipped of ``directory``, as a serverless deployment package is made."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as package:
        for path in shipped(directory, bytecode=bytecode):
            package.write(path, path.relative_to(directory))
    return archive


def sizes(directory: Path, name: str) -> dict[str, float]:
    """MiB unpacked (as installed, bytecode included), zipped, and zipped with bytecode."""
    zipped = zip_up(directory, CACHE / f"{name}.zip", bytecode=False)
    with_bytecode = zip_up(directory, CACHE / f"{name}-pyc.zip", bytecode=True)
    unpacked = sum(path.stat().st_size for path in shipped(directory))
    found = (unpacked, zipped.stat().st_size, with_bytecode.stat().st_size)
    return {column: size / 2**20 for column, size in zip(SIZES, found, strict=True)}


def unzip(archive: Path) -> Path:
    """The package unpacked beside it, as the serverless platform unpacks it."""
    directory = archive.with_name(f"{archive.stem}-unpacked")
    shutil.rmtree(directory, ignore_errors=True)
    with zipfile.ZipFile(archive) as package:
        package.extractall(directory)
    return directory


def app_dir(python: Path, wheels: Path) -> Path:
    """The slim client vendored into a directory, its bytecode compiled to be valid however
    the files' times change (a zip keeps them to two seconds, or not at all)."""
    directory = CACHE / "app"
    shutil.rmtree(directory, ignore_errors=True)
    pip_install(python, wheels, SLIM, "--target", str(directory))
    compileall = ["-m", "compileall", "-q", "-f", "--invalidation-mode", "unchecked-hash"]
    subprocess.run([str(python), *compileall, str(directory)], check=True)
    return directory


def app_runtimes() -> dict[str, Runtime]:
    """The app directory's two packages, unpacked and run as a serverless platform runs
    them: an interpreter with nothing installed, the directory on ``PYTHONPATH``, no
    bytecode written (the filesystem is read-only)."""
    bare = new_venv("runtime", pip=False)
    runtimes: dict[str, Runtime] = {}
    for label, archive in (("app from zip", "app"), ("app from zip with bytecode", "app-pyc")):
        directory = unzip(CACHE / f"{archive}.zip")
        env = {"PYTHONPATH": str(directory), "PYTHONDONTWRITEBYTECODE": "1"}
        runtimes[label] = Runtime(bare, CALLS, env)
    return runtimes


def run(python: Path, program: str, url: str, env: dict[str, str]) -> Sample:
    """A fresh interpreter running ``program``: its wall time and its peak RSS."""
    command = [str(python), "-c", program + PEAK_RSS, url]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    return Sample(elapsed, int(done.stdout.split()[-1]) * 1024)


def environment(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without what changes how Python or the client start
    (bytecode, paths, the JSON backend), and with the runtime's own variables."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MISTRAL_"))}
    return kept | extra


def measure(runtimes: dict[str, Runtime], url: str) -> dict[str, Sample]:
    """Median time and peak RSS of each runtime's programs, every one taking its turn each
    round so that the machine's load hits them alike; a first round only warms caches."""
    cases = {
        f"{name}: {program}": (runtime, PROGRAMS[program], environment(runtime.env))
        for name, runtime in runtimes.items()
        for program in runtime.programs
    }
    samples: dict[str, list[Sample]] = {case: [] for case in cases}
    for round_number in range(ROUNDS + 1):
        for case, (runtime, program, env) in cases.items():
            sample = run(runtime.python, program, url, env)
            if round_number:
                samples[case].append(sample)
    return {
        case: Sample(
            statistics.median(s.seconds for s in values),
            int(statistics.median(s.peak_rss for s in values)),
        )
        for case, values in samples.items()
    }


def ratios(results: dict[str, Sample]) -> dict[str, dict[str, float]]:
    """Each client program's time and peak RSS over its bare httpx baseline's."""
    found: dict[str, dict[str, float]] = {}
    for case, sample in results.items():
        name, _, program = case.rpartition(": ")
        if program in BASELINES:
            baseline = results[f"{name}: {BASELINES[program]}"]
            time_ratio = sample.seconds / baseline.seconds
            found[case] = {"time": time_ratio, "peak_rss": sample.peak_rss / baseline.peak_rss}
    return found


def by_distribution(site: Path) -> dict[str, float]:
    """MiB of each distribution installed in ``site`` (the files its RECORD lists, bytecode
    included), by name and version, largest first: what each dependency brings."""
    found: dict[str, float] = {}
    for dist in importlib.metadata.distributions(path=[str(site)]):
        name = dist.metadata["Name"]
        if not name.startswith(TOOLING):
            files = (Path(file.locate()) for file in dist.files or ())
            size = sum(path.stat().st_size for path in files if path.is_file())
            found[f"{name} {dist.version}"] = size / 2**20
    return dict(sorted(found.items(), key=lambda item: -item[1]))


def conditions(load_before: tuple[float, float, float]) -> dict[str, object]:
    """What the numbers depend on: the interpreter, the machine and its load."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "rounds": ROUNDS,
    }


def report(
    size: dict[str, dict[str, float]], slim: dict[str, float], results: dict[str, Sample]
) -> None:
    """The tables, readable."""
    print(f"\n{'MiB':<28}" + "".join(f"{column:>20}" for column in SIZES))
    for name, columns in size.items():
        print(f"{name:<28}" + "".join(f"{columns[column]:>20.1f}" for column in SIZES))
    print("\ncore + chat, MiB by distribution:")
    print(", ".join(f"{name}: {mib:.2f}" for name, mib in slim.items()))
    print(f"\n{f'fresh process, median of {ROUNDS}':<44}{'time':>10}{'peak RSS':>13}")
    relative = ratios(results)
    for case, sample in results.items():
        ratio = relative.get(case)
        versus = f"   {ratio['time']:.2f}x, {ratio['peak_rss']:.2f}x httpx" if ratio else ""
        print(
            f"{case:<44}{sample.seconds * 1000:>7.1f} ms{sample.peak_rss / 2**20:>9.1f} MiB{versus}"
        )


def main() -> None:
    wheels = CACHE / "wheels"
    build_wheels(wheels)
    pythons = {name: install(name, wheels) for name in INSTALLS}
    sites = {name: site_packages(python) for name, python in pythons.items()}
    size = {name: sizes(site, slug(name)) for name, site in sites.items()}
    size[APP] = sizes(app_dir(pythons["core + chat"], wheels), "app")
    runtimes = {name: Runtime(python) for name, python in pythons.items()} | app_runtimes()
    load_before = os.getloadavg()
    with FakeServer() as server:
        results = measure(runtimes, server.url)
    slim = by_distribution(sites["core + chat"])
    report(size, slim, results)
    document = {
        "conditions": conditions(load_before),
        "size_mib": size,
        "core + chat by distribution_mib": slim,
        "process": {
            case: {"ms": sample.seconds * 1000, "peak_rss_mib": sample.peak_rss / 2**20}
            for case, sample in results.items()
        },
        "ratio_to_httpx": ratios(results),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
