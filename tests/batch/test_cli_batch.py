"""``mistral batch run | status | results`` against the local fake server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mistral_cli._app import main
from mistral_testing.server import FakeServer

from .conftest import CREATE, chat_requests, sent


def test_batch_run_prints_results_draws_progress_and_resumes(
    server: FakeServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.statuses.finish_after = 1
    monkeypatch.setenv("MISTRAL_API_KEY", "k")
    monkeypatch.setenv("MISTRAL_SERVER_URL", server.url)
    requests = tmp_path / "requests.jsonl"
    lines: list[dict[str, Any]] = [*chat_requests(2), {"custom_id": "bad", "body": {}}]
    requests.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert main(["batch", "run", str(requests), "--model", "m"]) == 0
    out, err = capsys.readouterr()
    results = {line["custom_id"]: line for line in map(json.loads, out.splitlines())}
    assert results["q0"]["response"]["choices"][0]["message"]["content"] == "Answer to q0."
    assert results["bad"]["status_code"] == 400
    assert "100% 3/3 requests (2 ok, 1 failed) SUCCESS" in err
    job_id = json.loads((tmp_path / "requests.jsonl.batch.json").read_text())["job_id"]
    assert main(["batch", "run", str(requests), "--model", "m"]) == 0  # recorded: goes on
    assert sent(server, CREATE) == 1
    capsys.readouterr()
    assert main(["batch", "status", job_id]) == 0
    assert capsys.readouterr().out == f"{job_id} SUCCESS 3/3 requests (2 ok, 1 failed)\n"
    assert main(["batch", "results", job_id]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert main(["batch", "run", str(tmp_path / "missing.jsonl")]) == 2
