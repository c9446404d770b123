"""``tools/dev.py``: a rerun skips the install unless what the install reads has changed."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

DEV = Path(__file__).resolve().parents[2] / "tools" / "dev.py"


@pytest.fixture
def dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``tools/dev.py`` on a copy of two distributions' metadata, its stamp in ``tmp_path``."""
    spec = importlib.util.spec_from_file_location("dev_under_test", DEV)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("core", "chat"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text(f"[project]\nname = '{name}'\n")
    shutil.copy(module.ROOT / "requirements-dev.txt", tmp_path)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "STAMP", tmp_path / "stamp")
    monkeypatch.setattr(module, "distributions", lambda: [tmp_path / "core", tmp_path / "chat"])
    return module


def stamp(dev: ModuleType, *, with_dev_tools: bool) -> None:
    dev.STAMP.write_text("\n".join(dev.install_state(with_dev_tools)) + "\n")


def test_the_same_state_is_installed(dev: ModuleType) -> None:
    assert not dev.is_installed(dev.install_state(False))
    stamp(dev, with_dev_tools=False)
    assert dev.is_installed(dev.install_state(False))


def test_a_changed_pyproject_calls_for_an_install(dev: ModuleType) -> None:
    stamp(dev, with_dev_tools=True)
    (dev.ROOT / "chat" / "pyproject.toml").write_text("[project]\nname = 'chat'\nversion = '2'\n")
    assert not dev.is_installed(dev.install_state(False))


def test_the_dev_tools_count_only_when_wanted(dev: ModuleType) -> None:
    stamp(dev, with_dev_tools=False)
    assert not dev.is_installed(dev.install_state(True))
    stamp(dev, with_dev_tools=True)
    assert dev.is_installed(dev.install_state(False))
    (dev.ROOT / "requirements-dev.txt").write_text("pytest>=9\n")
    assert not dev.is_installed(dev.install_state(True))
    assert dev.is_installed(dev.install_state(False))
