"""The README's quickstart: it chats with the local fake server, and fails in one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"


def run_quickstart(**environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")} | environ
    command = [sys.executable, str(QUICKSTART)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (it was just free)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_without_a_key_it_chats_with_the_local_fake_server() -> None:
    done = run_quickstart()
    assert done.returncode == 0, done.stderr
    assert "talking to the local fake server at http://127.0.0.1:" in done.stdout
    assert done.stdout.count("This is a fake answer from the local Mistral server.") == 2
    assert "request id" in done.stdout


def test_an_unreachable_api_is_one_line_saying_what_to_check() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    done = run_quickstart(MISTRAL_API_KEY="sk-not-a-real-key", MISTRAL_SERVER_URL=url)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"quickstart: could not reach {url} (connection failed: ")
    assert line.endswith(
        "check the network, a proxy (HTTPS_PROXY) and MISTRAL_SERVER_URL, or unset"
        " MISTRAL_API_KEY to use the local fake server"
    )


def test_a_broken_key_is_one_line_that_does_not_print_it() -> None:
    done = run_quickstart(MISTRAL_API_KEY="sk-secret\x01-key-value")
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("quickstart: MISTRAL_API_KEY has a control character")
    assert "secret" not in done.stderr
