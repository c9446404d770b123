"""The official SDK's own realtime clients read the fake server's sessions as expected
(``tools/realtime_oracle.py``, run in the SDK's environment, which ``bench/run.py`` makes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mistral_testing.server import FakeServer
from tools.realtime_oracle import DEFAULT_VENV, problems, run_oracle

ORACLE = Path(os.environ.get("MISTRAL_ORACLE_VENV", DEFAULT_VENV)) / "bin" / "python"


@pytest.mark.skipif(
    not ORACLE.exists(),
    reason=f"the official SDK's environment is absent ({ORACLE}): python bench/run.py makes it",
)
def test_the_official_sdk_reads_the_fake_servers_realtime_sessions() -> None:
    with FakeServer() as server:
        result = run_oracle(ORACLE, server.url)
    assert problems(result) == []
    assert len(result["transcription"]) > 10
    assert result["speech"][-1] == "SpeechStreamDone"
