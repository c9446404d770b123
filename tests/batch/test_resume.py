"""A run killed at any step goes on from its state file: nothing lost, nothing sent twice;
a 200 MB input is uploaded with the client's memory bounded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from mistral_core import FieldError, Mistral
from mistral_plugin_batch._state import RUN_ID_KEY, RunState
from mistral_testing.server import FakeServer

from .conftest import CHAT, CREATE, UPLOAD, chat_requests, sent

RUNNER = """
import sys
from mistral_core import Mistral
url, state = sys.argv[1:]
requests = [{"custom_id": f"q{n}", "body": {"messages": [{"role": "user", "content": "?"}]}}
            for n in range(50)]
with Mistral(api_key="k", server_url=url) as client:
    client.batch.jobs.run(requests, endpoint="/v1/chat/completions", model="m", state=state,
                          inline_threshold=10, polling_interval=0.02)
"""


def test_a_run_killed_mid_wait_resumes_from_its_job_id(
    client: Mistral, server: FakeServer, tmp_path: Path
) -> None:
    server.statuses.finish_after = 10**6  # the job runs until the test says
    state = tmp_path / "run.json"
    runner = subprocess.Popen([sys.executable, "-c", RUNNER, server.url, str(state)])
    try:
        deadline = time.monotonic() + 30
        while not (state.exists() and json.loads(state.read_text())["job_id"]):
            assert runner.poll() is None
            assert time.monotonic() < deadline
            time.sleep(0.02)
        job_id = json.loads(state.read_text())["job_id"]
        while server.statuses.reads(job_id) < 2:  # waiting, for sure
            time.sleep(0.02)
    finally:
        runner.send_signal(signal.SIGKILL)
        runner.wait()
    assert runner.returncode == -signal.SIGKILL
    server.statuses.finish_after = 1
    run = client.batch.jobs.run(
        chat_requests(50), endpoint=CHAT, model="m", state=state, polling_interval=0.01
    )
    assert run.job.id == job_id
    assert sorted(o.custom_id or "" for o in run) == sorted(f"q{n}" for n in range(50))
    assert (sent(server, UPLOAD), sent(server, CREATE)) == (1, 1)


def test_a_job_created_before_the_crash_recorded_it_is_found_again(
    client: Mistral, server: FakeServer, tmp_path: Path
) -> None:
    jobs = client.batch.jobs
    file_id = jobs.upload_requests(chat_requests(3))
    state = tmp_path / "run.json"
    RunState("run-1", CHAT, "m", input_file=file_id).save(state)  # then the job, then a crash
    job = jobs.create(
        endpoint=CHAT, input_files=[file_id], model="m", metadata={RUN_ID_KEY: "run-1"}
    )
    run = jobs.run(chat_requests(3), endpoint=CHAT, model="m", state=state, polling_interval=0.01)
    assert run.job.id == job.id
    assert (sent(server, UPLOAD), sent(server, CREATE)) == (1, 1)
    assert json.loads(state.read_text())["job_id"] == job.id


@pytest.mark.anyio
async def test_an_upload_recorded_is_not_sent_again(
    client: Mistral, server: FakeServer, tmp_path: Path
) -> None:
    jobs = client.batch.jobs
    file_id = await jobs.upload_requests_async(chat_requests(2))
    state = tmp_path / "run.json"
    RunState("run-2", CHAT, None, input_file=file_id).save(state)  # a crash before create
    run = await jobs.run_async(chat_requests(2), endpoint=CHAT, state=state, polling_interval=0.01)
    assert run.job.input_files == [file_id]
    assert [o.custom_id async for o in run] == ["q0", "q1"]
    assert (sent(server, UPLOAD), sent(server, CREATE)) == (1, 1)


def test_a_state_file_of_another_run_is_refused(client: Mistral, tmp_path: Path) -> None:
    state = tmp_path / "run.json"
    RunState("run-3", "/v1/embeddings", "mistral-embed").save(state)
    with pytest.raises(FieldError, match="not of /v1/chat/completions"):
        client.batch.jobs.run([], endpoint=CHAT, model="m", state=state)
    state.write_text("{not json")
    with pytest.raises(FieldError, match="not the state file of a batch run"):
        client.batch.jobs.run([], endpoint=CHAT, model="m", state=state)


def test_a_200_mb_input_is_uploaded_with_bounded_memory(
    client: Mistral, server: FakeServer, tmp_path: Path
) -> None:
    line = json.dumps(
        {"custom_id": "x", "body": {"messages": [{"role": "user", "content": "y" * 900}]}}
    )
    block = (line + "\n").encode() * 1024  # ~1 MB
    path = tmp_path / "requests.jsonl"
    with path.open("wb") as file:
        for _ in range(200):
            file.write(block)
    size = path.stat().st_size
    del block
    tracemalloc.start()
    try:
        file_id = client.batch.jobs.upload_requests(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MiB for a {size / 2**20:.0f} MiB upload"
    content = server.app.batches.content(file_id)
    assert content is not None
    assert sum(len(piece) for piece in content) == size
    assert os.path.getsize(path) == size
