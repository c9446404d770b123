"""Set up the development environment and run the project's two jobs.

    python3 tools/dev.py quickstart   # install the client and run examples/quickstart.py
    python3 tools/dev.py test         # install everything; lint, type-check, check the
                                      # generated code against the spec, run the tests

Both create (once) a virtual environment in .venv and install the distributions of this
repository into it in editable mode; only Python 3.10+ and pip are needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def main(argv: list[str]) -> int:
    job = argv[0] if argv else ""
    if job not in ("quickstart", "test"):
        print(__doc__, file=sys.stderr)
        return 2
    python = ensure_venv(with_dev_tools=job == "test")
    if job == "quickstart":
        return run([python, str(ROOT / "examples" / "quickstart.py")])
    return run_checks(python, argv[1:])


def ensure_venv(*, with_dev_tools: bool) -> str:
    """The venv's python, with the distributions (and the dev tools) installed."""
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        venv.create(VENV, with_pip=True)
    python = str(BIN / "python")
    editable = [arg for dist in distributions() for arg in ("-e", str(dist))]
    dev = ["-r", str(ROOT / "requirements-dev.txt")] if with_dev_tools else []
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if run([*pip, *editable, *dev]) != 0:
        sys.exit("pip install failed")
    return python


def distributions() -> list[Path]:
    """The core and every plugin of the repository (each a directory with a pyproject)."""
    plugins = sorted(path.parent for path in (ROOT / "plugins").rglob("pyproject.toml"))
    return [ROOT / "core", *plugins]


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
