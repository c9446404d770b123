"""mypy --strict and pyright (strict) on a directory of user code, as a user's project.

Used by the typing test (``scripts/``) and by the docs test (each ``python`` block of
the docs): both checkers run once on every file, side by side, outside this project's
configuration.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs

CHECKERS = ("mypy", "pyright")
MYPY_LINE = re.compile(r"^(?P<file>[^:]+\.py):(?P<line>\d+): (?P<severity>\w+): (?P<message>.*)$")


@attrs.frozen
class Diagnostic:
    checker: str
    file: str
    """The file's path from the project's directory (``pkg/module.py``)."""
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.checker}: {self.message}"


def run_checkers(project: Path) -> list[Diagnostic]:
    """The errors of both checkers on every ``.py`` file under ``project``."""
    (project / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.10"})
    )
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*.py"))
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}  # no look-up on PyPI
    mypy = [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10"]
    mypy += ["--cache-dir", str(project / ".mypy_cache"), "--no-error-summary", *files]
    pyright = [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable]
    running = {
        name: subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, text=True)
        for name, command in (("mypy", mypy), ("pyright", pyright))
    }
    outputs = {name: process.communicate()[0] for name, process in running.items()}
    return [*_mypy(outputs["mypy"]), *_pyright(outputs["pyright"], project)]


def _mypy(output: str) -> Iterator[Diagnostic]:
    for line in output.splitlines():
        found = MYPY_LINE.match(line)
        assert found, f"mypy said: {line}"
        if found["severity"] == "error":
            yield Diagnostic("mypy", found["file"], int(found["line"]), found["message"])


def _pyright(output: str, project: Path) -> Iterator[Diagnostic]:
    report = json.loads(output)
    assert report["summary"]["filesAnalyzed"] > 0, output
    for item in report["generalDiagnostics"]:
        if item["severity"] == "error":
            file = Path(item["file"]).resolve().relative_to(project.resolve()).as_posix()
            line = item["range"]["start"]["line"] + 1
            yield Diagnostic("pyright", file, line, item["message"])
