"""What type checkers make of user code: mypy --strict and pyright (strict) on scripts.

As attrs does with ``test_mypy.yml``: the ``scripts/ok_*.py`` are user code that must
type-check without a single error (``assert_type`` in them proves that the groups and
results are their classes, not ``Any``); each ``scripts/bad_*.py`` holds mistakes, and
the line before each says what each checker must report on it::

    # expect-mypy: "Mistral" has no attribute "chatt"
    # expect-pyright: Cannot access attribute "chatt" for class "Mistral"
    client.chatt.complete(...)

A bad script may have no error on any other line. The scripts are copied to a
directory of their own, outside this project's configuration, as a user's project
would be; both checkers run once on all of them, side by side.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import attrs
import pytest

from tests.typing.checkers import CHECKERS, Diagnostic, run_checkers

SCRIPTS = Path(__file__).resolve().parent / "scripts"
EXPECT = re.compile(r"^\s*# expect-(mypy|pyright): (.+)$")


@attrs.frozen
class Expected:
    checker: str
    file: str
    line: int
    """The line the error is on: the first one after its ``# expect-`` comments."""
    text: str


def scripts(prefix: str) -> list[str]:
    return sorted(path.name for path in SCRIPTS.glob(f"{prefix}_*.py"))


def expectations(name: str) -> list[Expected]:
    found: list[Expected] = []
    waiting: list[tuple[str, str]] = []
    for number, line in enumerate((SCRIPTS / name).read_text().splitlines(), start=1):
        mark = EXPECT.match(line)
        if mark:
            waiting.append((mark[1], mark[2].strip()))
        elif waiting and line.strip():
            found += [Expected(checker, name, number, text) for checker, text in waiting]
            waiting = []
    assert not waiting, f"{name}: expectations at the end of the file"
    return found


@pytest.fixture(scope="module")
def diagnostics(tmp_path_factory: pytest.TempPathFactory) -> list[Diagnostic]:
    """The errors of both checkers on every script (run once, in parallel)."""
    project = tmp_path_factory.mktemp("typing")
    for script in SCRIPTS.glob("*.py"):
        shutil.copy(script, project / script.name)
    return run_checkers(project)


def test_every_script_is_checked() -> None:
    assert scripts("ok")
    assert scripts("bad")
    assert {p.name for p in SCRIPTS.glob("*.py")} == {*scripts("ok"), *scripts("bad")}
    for name in scripts("bad"):
        assert {e.checker for e in expectations(name)} == set(CHECKERS), name
    for name in scripts("ok"):
        assert not expectations(name), name


@pytest.mark.parametrize("name", scripts("ok"))
@pytest.mark.parametrize("checker", CHECKERS)
def test_user_code_type_checks(diagnostics: list[Diagnostic], checker: str, name: str) -> None:
    errors = [d for d in diagnostics if d.checker == checker and d.file == name]
    assert errors == []


@pytest.mark.parametrize("name", scripts("bad"))
@pytest.mark.parametrize("checker", CHECKERS)
def test_mistakes_are_reported(diagnostics: list[Diagnostic], checker: str, name: str) -> None:
    errors = [d for d in diagnostics if d.checker == checker and d.file == name]
    expected = [e for e in expectations(name) if e.checker == checker]
    for expectation in expected:
        on_line = [d.message for d in errors if d.line == expectation.line]
        assert any(expectation.text in message for message in on_line), (expectation, on_line)
    lines = {e.line for e in expected}
    assert [d for d in errors if d.line not in lines] == []
