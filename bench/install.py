"""What an installation costs: its size on disk, and the import of the client beside httpx's.

    python bench/install.py

Builds a wheel of every distribution of the repository, installs ``mistral-core`` with
the chat plugin (the slim install) and ``mistral-core[all]`` into fresh virtual
environments under ``bench/.cache/`` (their dependencies come from the package index),
then reports for each the size of what was installed (pip and setuptools left out) and
the median time of a fresh process that imports the client and mounts ``client.chat``,
against one that imports httpx, in turns. Results go to ``bench/results/install.json``.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache" / "install"
RESULTS = HERE / "results" / "install.json"
INSTALLS = {"core + chat": ["mistral-core", "mistral-plugin-chat"], "all": ["mistral-core[all]"]}
TOOLING = ("pip", "setuptools", "pkg_resources", "_distutils_hack", "distutils-precedence.pth")
"""What a virtual environment holds before anything is installed in it."""
CHAT = "import mistral_core; mistral_core.Mistral(api_key='x').chat"
ROUNDS = 31


def build_wheels(directory: Path) -> None:
    projects = [
        ROOT / "core",
        *sorted(p.parent for p in (ROOT / "plugins").rglob("pyproject.toml")),
    ]
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(directory)]
    subprocess.run([*command, *map(str, projects)], check=True)


def install(name: str, requirements: list[str], wheels: Path) -> Path:
    venv = CACHE / name.replace(" + ", "-")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--find-links", str(wheels)]
    subprocess.run([*pip, *requirements], check=True)
    return python


def installed_size(python: Path) -> int:
    """Bytes under site-packages, the installer's own packages left out."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip())
    return sum(
        path.stat().st_size
        for path in site.rglob("*")
        if path.is_file() and not path.relative_to(site).parts[0].startswith(TOOLING)
    )


def import_times(pythons: dict[str, Path]) -> dict[str, float]:
    """Median milliseconds of fresh processes, every case taking its turn each round."""
    cases = {
        f"{name}: {label}": (python, code)
        for name, python in pythons.items()
        for label, code in (("httpx", "import httpx"), ("client.chat", CHAT))
    }
    times: dict[str, list[float]] = {case: [] for case in cases}
    for _ in range(ROUNDS):
        for case, (python, code) in cases.items():
            start = time.perf_counter()
            subprocess.run([python, "-c", code], check=True)
            times[case].append(time.perf_counter() - start)
    return {case: statistics.median(values) * 1000 for case, values in times.items()}


def main() -> None:
    wheels = CACHE / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    build_wheels(wheels)
    pythons = {name: install(name, requirements, wheels) for name, requirements in INSTALLS.items()}
    sizes = {name: installed_size(python) / 2**20 for name, python in pythons.items()}
    times = import_times(pythons)
    for name in INSTALLS:
        ratio = times[f"{name}: client.chat"] / times[f"{name}: httpx"]
        print(
            f"{name}: {sizes[name]:.1f} MiB installed; import + client.chat "
            f"{times[f'{name}: client.chat']:.0f} ms, {ratio:.2f}x import httpx"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"size_mib": sizes, "import_ms": times}, indent=2) + "\n")


if __name__ == "__main__":
    main()
