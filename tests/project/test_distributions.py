"""Every distribution of the repository carries the same version, license, classifiers
and typing marker, and requires its siblings within that version's minor.

The generated plugins get all of it from ``tools/codegen``; the hand-written ones (the
core, the CLI, the testing kit, the cloud providers) are held to the same here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from mistral_core import __version__
from tools.codegen.render_package import CLASSIFIERS, VERSION, requirement
from tools.dev import ROOT, distributions

if sys.version_info >= (3, 11):
    import tomllib
else:  # the dev requirements bring it
    import tomli as tomllib

SIBLING = re.compile(r"^(mistral-[a-z-]+)")


def pyproject(directory: Path) -> dict[str, Any]:
    with (directory / "pyproject.toml").open("rb") as file:
        project: dict[str, Any] = tomllib.load(file)["project"]
    return project


def requirements(project: dict[str, Any]) -> list[str]:
    extras = project.get("optional-dependencies", {}).values()
    return [*project.get("dependencies", []), *(r for extra in extras for r in extra)]


DIRECTORIES = distributions()
NAMES = {pyproject(directory)["name"] for directory in DIRECTORIES}


def test_the_version_is_the_cores() -> None:
    assert __version__ == VERSION
    core = pyproject(ROOT / "core")
    assert core["dynamic"] == ["version"]  # read from mistral_core/_version.py by hatch
    others = {
        pyproject(d)["name"]: pyproject(d)["version"] for d in DIRECTORIES if d != ROOT / "core"
    }
    assert others == dict.fromkeys(others, VERSION)


@pytest.mark.parametrize("directory", DIRECTORIES, ids=lambda d: str(d.relative_to(ROOT)))
def test_a_distribution_carries_its_metadata(directory: Path) -> None:
    project = pyproject(directory)
    assert project["readme"] == "README.md"
    assert (directory / "README.md").read_text(encoding="utf-8").startswith(f"# {project['name']}")
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    assert (directory / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
    assert tuple(project["classifiers"]) == CLASSIFIERS
    assert project["requires-python"] == ">=3.10"
    package = project["name"].replace("-", "_")
    assert (directory / "src" / package / "py.typed").is_file()


@pytest.mark.parametrize("directory", DIRECTORIES, ids=lambda d: str(d.relative_to(ROOT)))
def test_siblings_are_pinned_to_the_minor_version(directory: Path) -> None:
    for line in requirements(pyproject(directory)):
        sibling = SIBLING.match(line)
        if sibling is not None:
            assert sibling.group(1) in NAMES, line
            assert line == requirement(sibling.group(1))


def test_all_installs_every_distribution() -> None:
    """Every plugin, both clouds, the command line and the testing kit (not the core
    itself, nor the shared models, which the plugins bring)."""
    all_extra = pyproject(ROOT / "core")["optional-dependencies"]["all"]
    assert {SIBLING.match(line).group(1) for line in all_extra} == NAMES - {
        "mistral-core",
        "mistral-types",
    }
