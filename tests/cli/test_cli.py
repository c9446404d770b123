"""The ``mistral`` console script, run as a subprocess against a stdlib stub of the API.

The stub (``http.server`` on 127.0.0.1, port 0) answers chat (JSON and SSE), models list,
files upload and OCR, and records every request so that tests can check what was sent.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from mistral_core.plugins import PLUGINS_GROUP, installed

TIMEOUT = 30
API_KEY = "test-key"
TOKENS = ["Eugène", " Delacroix", ", ", "surely", "."]
CHAT_PATH = "/v1/chat/completions"


class Stub:
    """What the stub server saw, and how it should answer."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.first_token_read = threading.Event()
        """Set by a test once it has read the first token: the stream goes on only then."""
        self.wait_for_first_token = False
        self.url = ""

    def bodies(self, path: str) -> list[Any]:
        return [r["json"] for r in self.requests if r["path"] == path]


def _chunk(token: str, finish: str | None = None) -> bytes:
    data = {
        "id": "cmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "mistral-small-latest",
        "choices": [{"index": 0, "delta": {"content": token}, "finish_reason": finish}],
    }
    return f"data: {json.dumps(data)}\n\n".encode()


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: Any) -> None:
            pass

        def _record(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = None
            stub.requests.append(
                {
                    "method": self.command,
                    "path": self.path.split("?")[0],
                    "headers": dict(self.headers),
                    "body": body,
                    "json": parsed,
                }
            )
            return body

        def _send(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _unauthorized(self) -> bool:
            if stub.status == 401:
                self._send(401, {"message": "Unauthorized: the key test-key is revoked"})
                return True
            return False

        def do_GET(self) -> None:
            self._record()
            if self._unauthorized():
                return
            if self.path.startswith("/v1/models"):
                cards = [
                    {"id": name, "type": "base", "capabilities": {"completion_chat": True}}
                    for name in ("mistral-small-latest", "mistral-large-latest")
                ]
                self._send(200, {"object": "list", "data": cards})
            else:
                self._send(404, {"message": "no such route"})

        def do_POST(self) -> None:
            body = self._record()
            if self._unauthorized():
                return
            path = self.path.split("?")[0]
            if path == CHAT_PATH and json.loads(body).get("stream"):
                self._stream()
            elif path == CHAT_PATH:
                self._send(200, _completion())
            elif path == "/v1/files":
                purpose = b"ocr" if b'name="purpose"\r\n\r\nocr' in body else b"fine-tune"
                self._send(
                    200,
                    {
                        "id": "file-abc123",
                        "object": "file",
                        "bytes": len(body),
                        "created_at": 1,
                        "filename": "upload",
                        "purpose": purpose.decode(),
                        "sample_type": "instruct",
                        "source": "upload",
                    },
                )
            elif path == "/v1/ocr":
                pages = [
                    {"index": i, "markdown": f"# Page {i + 1}", "images": [], "dimensions": None}
                    for i in range(2)
                ]
                self._send(
                    200,
                    {
                        "pages": pages,
                        "model": "mistral-ocr-latest",
                        "usage_info": {"pages_processed": 2},
                    },
                )
            else:
                self._send(404, {"message": "no such route"})

        def _stream(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            events = [_chunk(token) for token in TOKENS[:-1]]
            events += [_chunk(TOKENS[-1], "stop"), b"data: [DONE]\n\n"]
            for index, event in enumerate(events):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
                if index == 0 and stub.wait_for_first_token:
                    stub.first_token_read.wait(TIMEOUT)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    return Handler


def _completion() -> dict[str, Any]:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "mistral-small-latest",
        "usage": {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8},
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "".join(TOKENS)},
                "finish_reason": "stop",
            }
        ],
    }


@pytest.fixture
def stub() -> Iterator[Stub]:
    stub = Stub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield stub
    finally:
        stub.first_token_read.set()
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def _env(stub: Stub | None, **changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    env["MISTRAL_API_KEY"] = API_KEY
    if stub is not None:
        env["MISTRAL_SERVER_URL"] = stub.url
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def mistral(
    *args: str, stub: Stub | None, stdin: str | None = None, **env: str | None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mistral_cli", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(stub, **env),
        timeout=TIMEOUT,
        check=False,
    )


def test_chat_streams_the_tokens_in_order_as_they_come(stub: Stub) -> None:
    stub.wait_for_first_token = True
    with subprocess.Popen(
        [sys.executable, "-m", "mistral_cli", "chat", "Who is the best French painter?"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(stub),
    ) as proc:
        assert proc.stdout is not None
        first: queue.Queue[bytes] = queue.Queue()
        reader = threading.Thread(
            target=lambda: first.put(os.read(proc.stdout.fileno(), 1024)),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        # The first token arrives while the server still holds the rest of the stream.
        assert first.get(timeout=TIMEOUT).decode() == TOKENS[0]
        stub.first_token_read.set()
        rest, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, err
    assert TOKENS[0] + rest.decode() == "".join(TOKENS) + "\n"
    (body,) = stub.bodies(CHAT_PATH)
    assert body["stream"] is True
    assert body["model"] == "mistral-small-latest"
    assert body["messages"] == [{"role": "user", "content": "Who is the best French painter?"}]
    assert stub.requests[0]["headers"]["Authorization"] == f"Bearer {API_KEY}"


def test_chat_json_prints_the_whole_response(stub: Stub) -> None:
    result = mistral("chat", "Hi", "--json", "--model", "mistral-large-latest", stub=stub)
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["choices"][0]["message"]["content"] == "".join(TOKENS)
    (body,) = stub.bodies(CHAT_PATH)
    assert body["model"] == "mistral-large-latest"
    assert not body.get("stream")


def test_chat_reads_the_prompt_from_stdin_and_sends_the_system_prompt(stub: Stub) -> None:
    result = mistral("chat", "-", "--system", "Answer in French.", stub=stub, stdin="Bonjour?\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "".join(TOKENS) + "\n"
    (body,) = stub.bodies(CHAT_PATH)
    assert body["messages"] == [
        {"role": "system", "content": "Answer in French."},
        {"role": "user", "content": "Bonjour?\n"},
    ]


def test_models_list(stub: Stub) -> None:
    result = mistral("models", "list", stub=stub)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["mistral-small-latest", "mistral-large-latest"]
    as_json = mistral("models", "list", "--json", stub=stub)
    assert as_json.returncode == 0, as_json.stderr
    assert [m["id"] for m in json.loads(as_json.stdout)["data"]] == result.stdout.split()


def test_files_upload_prints_the_id_and_the_progress(stub: Stub, tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    content = b'{"messages": []}\n' * 20_000  # 340 kB: several reads of httpx's 64 KiB
    path.write_bytes(content)
    result = mistral("files", "upload", str(path), stub=stub)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "file-abc123\n"
    assert "100%" in result.stderr
    assert result.stderr.count("%") > 2  # it moved on the way
    (request,) = [r for r in stub.requests if r["path"] == "/v1/files"]
    assert content in request["body"]
    assert b'filename="train.jsonl"' in request["body"]
    assert b'name="purpose"\r\n\r\nfine-tune' in request["body"]


def test_files_upload_of_a_missing_file(stub: Stub, tmp_path: Path) -> None:
    result = mistral("files", "upload", str(tmp_path / "nope.jsonl"), stub=stub)
    assert result.returncode == 2
    assert "nope.jsonl" in result.stderr
    assert "Traceback" not in result.stderr
    assert stub.requests == []


def test_ocr_of_a_url_prints_the_markdown(stub: Stub) -> None:
    result = mistral("ocr", "https://arxiv.org/pdf/2201.04234", stub=stub)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "# Page 1\n\n# Page 2\n"
    (body,) = stub.bodies("/v1/ocr")
    assert body["document"] == {
        "type": "document_url",
        "document_url": "https://arxiv.org/pdf/2201.04234",
    }
    assert body["model"] == "mistral-ocr-latest"


def test_ocr_of_a_local_pdf_sends_it_inline(stub: Stub, tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"%PDF-1.4 fake")
    result = mistral("ocr", str(path), stub=stub)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "# Page 1\n\n# Page 2\n"
    (body,) = stub.bodies("/v1/ocr")
    assert body["document"]["document_url"] == "data:application/pdf;base64,JVBERi0xLjQgZmFrZQ=="


def test_ocr_of_another_local_file_uploads_it_first(stub: Stub, tmp_path: Path) -> None:
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"not really a pptx")
    result = mistral("ocr", str(path), stub=stub)
    assert result.returncode == 0, result.stderr
    assert [r["path"] for r in stub.requests] == ["/v1/files", "/v1/ocr"]
    assert b'name="purpose"\r\n\r\nocr' in stub.requests[0]["body"]
    assert stub.bodies("/v1/ocr")[0]["document"] == {"type": "file", "file_id": "file-abc123"}


def test_no_api_key_says_what_to_set_and_sends_nothing(stub: Stub) -> None:
    result = mistral("chat", "Hi", stub=stub, MISTRAL_API_KEY=None)
    assert result.returncode == 2
    assert "export MISTRAL_API_KEY=..." in result.stderr
    assert result.stdout == ""
    assert stub.requests == []


@pytest.mark.parametrize(
    "args",
    [(), ("chat",), ("chat", "Hi", "--temperature", "2"), ("models",), ("dance",)],
    ids=["nothing", "no-prompt", "unknown-option", "no-action", "unknown-command"],
)
def test_bad_arguments_exit_2_with_the_usage(stub: Stub, args: tuple[str, ...]) -> None:
    result = mistral(*args, stub=stub)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: mistral")
    assert stub.requests == []


def test_a_bad_server_url_is_a_usage_error_that_names_the_variable(stub: Stub) -> None:
    result = mistral("models", "list", stub=stub, MISTRAL_SERVER_URL="localhost:8000")
    assert result.returncode == 2
    assert result.stderr.count("MISTRAL_SERVER_URL") == 1
    assert "must start with http:// or https://" in result.stderr
    assert stub.requests == []


def test_the_server_url_variable_is_the_client_s() -> None:
    from mistral_cli import _app as cli
    from mistral_core import _config

    assert cli.SERVER_URL_ENV == _config.SERVER_URL_ENV


def test_server_down_is_one_line_without_traceback() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = mistral("models", "list", stub=None, MISTRAL_SERVER_URL=f"http://127.0.0.1:{port}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "connection failed" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is POSIX")
def test_ctrl_c_exits_130_quietly(stub: Stub) -> None:
    stub.wait_for_first_token = True  # the stream stalls after the first token
    with subprocess.Popen(
        [sys.executable, "-m", "mistral_cli", "chat", "Hi"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(stub),
        # as from a terminal: a suite run in the background (``.ci/run &``) ignores SIGINT,
        # and a child would inherit that, so Python would give it no KeyboardInterrupt
        preexec_fn=_interruptible,
    ) as proc:
        assert proc.stdout is not None
        assert os.read(proc.stdout.fileno(), 1024).decode() == TOKENS[0]
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130
    assert err == b""


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_an_api_error_shows_the_servers_message(stub: Stub) -> None:
    stub.status = 401
    result = mistral("chat", "Hi", stub=stub)
    assert result.returncode == 1
    assert "401" in result.stderr
    assert "the key <redacted> is revoked" in result.stderr  # the server echoed the key
    assert "test-key" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_missing_plugin_names_its_package(stub: Stub, tmp_path: Path) -> None:
    # Hide the OCR plugin's distribution: the entry points are read from sys.path.
    code = (
        "import sys\n"
        "from mistral_core import plugins\n"
        "entries = plugins._all_entry_points()\n"
        "plugins._all_entry_points = lambda: tuple(e for e in entries if e.name != 'ocr')\n"
        "from mistral_cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "ocr", "https://example.com/a.pdf"],
        capture_output=True,
        text=True,
        env=_env(stub),
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 1
    assert "pip install mistral-plugin-ocr" in result.stderr
    assert "Traceback" not in result.stderr
    assert stub.requests == []


_IMPORTS = (
    "import sys\n"
    "from mistral_cli import main\n"
    "try:\n"
    "    status = main(sys.argv[1:])\n"
    "except SystemExit as exc:\n"
    "    status = exc.code\n"
    "watched = ('mistral_plugin_', 'mistral_core.serde')\n"
    "loaded = sorted(m for m in sys.modules if m.startswith(watched))\n"
    "sys.stderr.write('LOADED ' + ' '.join(loaded) + '\\n')\n"
    "sys.exit(status)\n"
)


def _loaded(stub: Stub, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORTS, *args],
        capture_output=True,
        text=True,
        env=_env(stub),
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("LOADED")]
    return set(line.split()[1:])


def test_help_imports_no_plugin_nor_serde(stub: Stub) -> None:
    assert _loaded(stub, "--help") == set()


def test_chat_imports_only_the_chat_plugin(stub: Stub) -> None:
    loaded = _loaded(stub, "chat", "Hi")
    hooks = {e.value.split(".")[0] for e in installed(PLUGINS_GROUP).values()}  # every client's
    packages = {m.split(".")[0] for m in loaded if m.startswith("mistral_plugin_")}
    assert packages - hooks == {"mistral_plugin_chat"}


def test_the_console_script(stub: Stub) -> None:
    script = shutil.which("mistral", path=os.path.dirname(sys.executable))
    if script is None:
        pytest.skip("the mistral script is not installed next to this Python")
    result = subprocess.run(
        [script, "models", "list"],
        capture_output=True,
        text=True,
        env=_env(stub),
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "mistral-small-latest" in result.stdout
