"""Set up the development environment and run the project's jobs.

    python3 tools/dev.py quickstart   # install the client and run examples/quickstart.py
    python3 tools/dev.py test         # install everything; lint, type-check, check the
                                      # generated code against the spec, run the tests
    python3 tools/dev.py wheels [DIR] # a wheel and an sdist of every distribution, checked
                                      # by twine, in DIR (default: dist/)

Each creates (once) a virtual environment in .venv and install the distributions of this
repository into it in editable mode; only Python 3.10+ and pip are needed. The install is
skipped when nothing it depends on changed since the last one (see ``install_state``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / "installed-state.txt"
"""What the last successful install was made from: ``install_state``'s two lines."""


def main(argv: list[str]) -> int:
    job = argv[0] if argv else ""
    if job not in ("quickstart", "test", "wheels"):
        print(__doc__, file=sys.stderr)
        return 2
    python = ensure_venv(with_dev_tools=job != "quickstart")
    if job == "quickstart":
        return run([python, str(ROOT / "examples" / "quickstart.py")])
    if job == "wheels":
        built = build_distributions(python, Path(argv[1] if len(argv) > 1 else ROOT / "dist"))
        return run([python, "-m", "twine", "check", "--strict", *map(str, built)])
    return run_checks(python, argv[1:])


def ensure_venv(*, with_dev_tools: bool) -> str:
    """The venv's python, with the distributions (and the dev tools) installed."""
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        venv.create(VENV, with_pip=True)
    python = str(BIN / "python")
    wanted = install_state(with_dev_tools)
    if is_installed(wanted):
        return python
    editable = [arg for dist in distributions() for arg in ("-e", str(dist))]
    dev = ["-r", str(ROOT / "requirements-dev.txt")] if with_dev_tools else []
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    STAMP.unlink(missing_ok=True)  # an interrupted install is no install
    if run([*pip, *editable, *dev]) != 0:
        sys.exit("pip install failed")
    STAMP.write_text("\n".join(wanted) + "\n", encoding="utf-8")
    return python


def install_state(with_dev_tools: bool) -> tuple[str, str]:
    """Digests of what an install reads: the distributions' metadata, the dev requirements.

    Editable installs follow the sources, so only a change of a ``pyproject.toml`` (a
    version, a dependency, an entry point, a new distribution) or of the dev requirements
    calls for a new install. The second digest is empty when the dev tools are not wanted.
    """
    projects = [dist / "pyproject.toml" for dist in distributions()]
    packages = _digest(sys.version.encode(), *(_file_entry(path) for path in projects))
    dev = _digest(_file_entry(ROOT / "requirements-dev.txt")) if with_dev_tools else ""
    return packages, dev


def _file_entry(path: Path) -> bytes:
    return str(path).encode() + b"\0" + path.read_bytes()


def _digest(*parts: bytes) -> str:
    return hashlib.sha256(b"\0\0".join(parts)).hexdigest()


def is_installed(wanted: tuple[str, str]) -> bool:
    """Whether the last install was made from the same state (dev tools: if wanted)."""
    try:
        packages, dev_tools = STAMP.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return False
    return packages == wanted[0] and (not wanted[1] or dev_tools == wanted[1])


def distributions() -> list[Path]:
    """Every distribution of the repository: a directory with a pyproject.toml, at the top
    (the core, the CLI, the testing kit) or under plugins/."""
    top = sorted(path.parent for path in ROOT.glob("*/pyproject.toml"))
    plugins = sorted(path.parent for path in (ROOT / "plugins").rglob("pyproject.toml"))
    return [*top, *plugins]


def build_distributions(python: str, directory: Path) -> list[Path]:
    """Build a wheel and an sdist of every distribution into ``directory``; their paths.

    ``python`` has build and hatchling (the dev tools): building without isolation
    takes half a second a distribution instead of a fresh environment each.
    """
    directory.mkdir(parents=True, exist_ok=True)
    built: list[Path] = []
    for project in distributions():
        with tempfile.TemporaryDirectory() as scratch:
            command = [python, "-m", "build", "--no-isolation", "--quiet", "--outdir", scratch]
            done = subprocess.run([*command, str(project)], capture_output=True, text=True)
            if done.returncode != 0:
                name = project.relative_to(ROOT)
                sys.exit(f"building {name} failed:\n{done.stdout}{done.stderr}")
            for artifact in Path(scratch).iterdir():
                built.append(Path(shutil.move(artifact, directory / artifact.name)))
    return built


def run_checks(python: str, pytest_args: list[str]) -> int:
    """Lint, type-check, check the generated code, test; any failure fails the job."""
    # pyright's wrapper would ask PyPI for a newer pyright on every run: no network needed
    os.environ.setdefault("PYRIGHT_PYTHON_IGNORE_WARNINGS", "1")
    steps = [
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "ruff", "format", "--check", "."],
        [python, "-m", "mypy"],
        [python, "-m", "pyright"],
        [python, "-m", "tools.codegen", "--check"],
        [python, "-m", "pytest", *pytest_args],
    ]
    failed = [" ".join(step[2:4]) for step in steps if run(step) != 0]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def run(command: list[str]) -> int:
    print("+", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
