"""The official SDK's own realtime clients read the fake server's sessions as expected
(``tools/realtime_oracle.py``, run by the SDK's interpreter). The SDK lives in a
throwaway environment: ``bench/run.py``'s when it exists (or ``MISTRAL_ORACLE_VENV``),
else one made here from the package index, as ``tools/official_sdk.py`` makes its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mistral_testing.server import FakeServer
from tools.official_sdk import VERSIONS, official_python
from tools.realtime_oracle import DEFAULT_VENV, problems, run_oracle


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interpreter of an environment that has the official SDK."""
    given = Path(os.environ.get("MISTRAL_ORACLE_VENV", DEFAULT_VENV)) / "bin" / "python"
    if given.exists():
        return given
    return official_python(tmp_path_factory.mktemp("official") / "venv", VERSIONS[0])


def test_the_official_sdk_reads_the_fake_servers_realtime_sessions(oracle: Path) -> None:
    with FakeServer() as server:
        result = run_oracle(oracle, server.url)
    assert problems(result) == []
    assert len(result["transcription"]) > 10
    assert result["speech"][-1] == "SpeechStreamDone"
