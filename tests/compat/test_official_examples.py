"""The official SDK's examples run on this client with only their imports changed.

Each example of :mod:`tests.compat.official_examples` is the official text; the only
change made to it is :func:`rewrite`'s, line by line, from the table :data:`IMPORTS`
(``docs/migrating.md``'s, which a test holds it to). The result runs in a subprocess
against one local fake server (:class:`~mistral_testing.server.FakeServer`), told
only through the environment where to go: ``MISTRAL_SERVER_URL`` for ``Mistral``,
``AZURE_ENDPOINT`` for ``MistralAzure``, ``MISTRAL_GCP_SERVER_URL`` for ``MistralGCP``,
whose Google credentials are Application Default Credentials from a file
(``GOOGLE_APPLICATION_CREDENTIALS``: an ``authorized_user`` with a token valid for
centuries, so that nothing is refreshed). Each test checks the exit code, what the example
printed, and what the fake server was asked.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mistral_testing.realtime import SPEECH_BYTES_PER_CHARACTER, TRANSCRIPT
from mistral_testing.server import SENTENCE, FakeServer, Received
from tests.compat.official_examples import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]

IMPORTS: dict[tuple[str, str], str] = {
    ("mistralai.client", "Mistral"): "mistral_core",
    ("mistralai", "Mistral"): "mistral_core",  # 1.x
    ("mistralai.client", "errors"): "mistral_core",
    ("mistralai.client.utils", "BackoffStrategy"): "mistral_core",
    ("mistralai.client.utils", "RetryConfig"): "mistral_core",
    ("mistralai.client.types", "UNSET"): "mistral_core",
    ("mistralai.azure.client", "MistralAzure"): "mistral_plugin_azure",
    ("mistralai.gcp.client", "MistralGCP"): "mistral_plugin_gcp",
    ("mistralai.extra.batch", "BatchClient"): "mistral_plugin_batch",
    ("mistralai.extra.batch", "BatchInput"): "mistral_plugin_batch",
    ("mistralai.client.models", "EmbeddingRequest"): "mistral_plugin_embeddings.models",
    ("mistralai.client.models", "EmbeddingResponse"): "mistral_plugin_embeddings.models",
    **{
        (module, name): "mistral_plugin_realtime"
        for module, names in [
            ("mistralai.extra.realtime", ["UnknownRealtimeEvent", "audio_bytes"]),
            (
                "mistralai.client.models",
                [
                    "AudioFormat",
                    "SpeechStreamAudioDelta",
                    "TranscriptionStreamDone",
                    "TranscriptionStreamTextDelta",
                ],
            ),
        ]
        for name in names
    },
}
"""(official module, name) -> the module to import it from here: docs/migrating.md's table."""

API_KEY = "fake-mistral-key"
AZURE_KEY = "fake-azure-key"
AZURE_MODEL = "azureai"
GCP_PROJECT = "fake-project"
GCP_TOKEN = "fake-access-token"
GCP_QUOTA_PROJECT = "fake-quota-project"
UPLOADED = b"a file to upload\n"
DELTAS = [word if index == 0 else f" {word}" for index, word in enumerate(SENTENCE.split(" "))]
"""What the fake server streams: the sentence word by word, then an empty delta (``stop``)."""
CREDENTIALS = {
    "type": "authorized_user",
    "client_id": "fake-client-id.apps.googleusercontent.com",
    "client_secret": "fake-client-secret",
    "refresh_token": "fake-refresh-token",
    "token": GCP_TOKEN,
    "expiry": "2999-01-01T00:00:00Z",
    "quota_project_id": GCP_QUOTA_PROJECT,
}
"""Application Default Credentials of a user, as ``gcloud auth application-default login``
writes them, with a token that is still valid: google-auth uses it without a refresh."""
_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


# --- the rewriting of the imports ----------------------------------------------------------


def rewrite(source: str) -> str:
    """``source`` with each official import line replaced as :data:`IMPORTS` says.

    Raises ``LookupError`` for an official import the table does not cover, or one that
    is not alone on its line: then the example could not be moved by the table alone.
    """
    lines = source.splitlines(keepends=True)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            official = [alias.name for alias in node.names if _is_official(alias.name)]
            if official:
                raise LookupError(f"line {node.lineno}: no rule for `import {official[0]}`")
        elif isinstance(node, ast.ImportFrom) and _is_official(node.module or ""):
            lines[node.lineno - 1] = _rewritten(node, lines[node.lineno - 1])
    return "".join(lines)


def _is_official(module: str) -> bool:
    return module.split(".")[0] == "mistralai"


def _rewritten(node: ast.ImportFrom, line: str) -> str:
    module = node.module or ""
    names = ", ".join(
        alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"
        for alias in node.names
    )
    if node.end_lineno != node.lineno or line.strip() != f"from {module} import {names}":
        raise LookupError(f"line {node.lineno}: not a one-line import: {line.strip()!r}")
    targets = {IMPORTS.get((module, alias.name)) for alias in node.names}
    if None in targets or len(targets) != 1:
        raise LookupError(f"line {node.lineno}: no rule for {line.strip()!r}")
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}from {targets.pop()} import {names}\n"


@pytest.mark.parametrize("name", EXAMPLES)
def test_only_the_imports_change(name: str) -> None:
    official = EXAMPLES[name].source
    ours = rewrite(official)

    assert "mistralai" not in ours
    before, after = official.splitlines(), ours.splitlines()
    assert len(before) == len(after)
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed, "an example without an official import proves nothing"
    for old, new in changed:
        statement = ast.parse(old.strip()).body[0]
        assert isinstance(statement, ast.ImportFrom)
        assert statement.module is not None
        ours_from = {IMPORTS[(statement.module, alias.name)] for alias in statement.names}
        names = ", ".join(alias.name for alias in statement.names)
        assert new.strip() == f"from {ours_from.pop()} import {names}"
    compile(ours, name, "exec")


def test_imports_outside_the_table_are_refused() -> None:
    with pytest.raises(LookupError, match="no rule"):
        rewrite("from mistralai.extra import response_format_from_pydantic_model\n")
    with pytest.raises(LookupError, match="no rule"):
        rewrite("import mistralai.client.errors\n")
    with pytest.raises(LookupError, match="no rule"):  # one line here would be two
        rewrite("from mistralai.client import Mistral, models\n")
    with pytest.raises(LookupError, match="one-line"):
        rewrite("from mistralai.client import (\n    Mistral,\n)\n")
    indented = "def main():\n    from mistralai import Mistral\n"
    assert rewrite(indented) == "def main():\n    from mistral_core import Mistral\n"


def test_the_table_is_the_migration_guides() -> None:
    """Every rule is a row of docs/migrating.md's table of imports."""
    guide = (ROOT / "docs" / "migrating.md").read_text(encoding="utf-8")
    section = guide.split("\n## Imports\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| `")]
    for (module, name), ours in IMPORTS.items():
        assert any(
            _names_imported(row[0], module, name) and _names_imported(row[-1], ours, name)
            for row in rows
        ), f"docs/migrating.md has no row from {module}.{name} to {ours}"


def _names_imported(cell: str, module: str, name: str) -> bool:
    spans = re.findall(r"`from (\S+) import ([^`]+)`", cell)
    return any(found == module and name in re.split(r",\s*", names) for found, names in spans)


# --- running them ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    # a job ends on its first read: the batch example waits the official 30 s between reads
    with FakeServer(seed=0, finish_after=1) as running:
        yield running


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the examples run: the file the upload examples open, the Google credentials."""
    path = tmp_path_factory.mktemp("examples")
    (path / "example.file").write_bytes(UPLOADED)
    (path / "application_default_credentials.json").write_text(json.dumps(CREDENTIALS))
    return path


@pytest.fixture(scope="module")
def environment(server: FakeServer, workdir: Path) -> dict[str, str]:
    """This process's environment without anything that could send the examples
    elsewhere (keys, server URLs, clouds, proxies), and with the fake server's."""
    cleared = ("MISTRAL_", "AZURE_", "GOOGLE_", "GCLOUD_", "GCP_", "CLOUDSDK_")
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(cleared) and name.lower() not in _PROXY_VARIABLES
    }
    environment.update(
        MISTRAL_API_KEY=API_KEY,
        MISTRAL_SERVER_URL=server.url,
        AZURE_API_KEY=AZURE_KEY,
        AZURE_ENDPOINT=server.url,
        AZURE_MODEL=AZURE_MODEL,
        MISTRAL_GCP_SERVER_URL=server.url,
        GOOGLE_APPLICATION_CREDENTIALS=str(workdir / "application_default_credentials.json"),
        GOOGLE_CLOUD_PROJECT=GCP_PROJECT,
        CLOUDSDK_CONFIG=str(workdir / "gcloud"),  # no gcloud configuration of this machine
        NO_PROXY="127.0.0.1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return environment


@dataclass(frozen=True)
class Run:
    """What an example did: its output, and the requests the fake server answered."""

    stdout: str
    requests: Sequence[Received]

    def lines(self) -> list[str]:
        return self.stdout.splitlines()


Check = Callable[[Run], None]


@dataclass(frozen=True)
class Case:
    operation: str
    """The operation the fake server must have answered (200, 101 for a WebSocket)."""
    shows: tuple[str, ...] = ()
    """What the output must hold."""
    check: Check | None = None
    """More to check, for the examples whose output or request says more."""
    gap: str | None = None
    """Why the example fails on this client (a known incompatibility), if it does."""


def prints_the_sentence(run: Run) -> None:
    assert run.lines() == [SENTENCE]


def prints_each_event(run: Run) -> None:
    lines = run.lines()
    assert len(lines) == len(DELTAS) + 1
    for delta, line in zip(DELTAS, lines, strict=False):
        assert f"content={delta!r}" in line


def prints_each_delta(run: Run) -> None:
    assert run.lines() == [*DELTAS, ""]


def sent_text_format_and_no_stream(run: Run) -> None:
    body = run.requests[0].json
    assert body["response_format"] == {"type": "text"}
    assert body.get("stream", False) is False


def on_azure(run: Run) -> None:
    prints_the_sentence(run)
    (request,) = run.requests
    assert request.path == "/models/chat/completions"
    assert request.query == {"api-version": ["2024-05-01-preview"]}
    assert request.headers["authorization"] == f"Bearer {AZURE_KEY}"
    assert request.json["model"] == AZURE_MODEL


def on_vertex_ai(run: Run) -> None:
    prints_the_sentence(run)
    (request,) = run.requests
    assert request.path == (
        f"/v1/projects/{GCP_PROJECT}/locations/us-central1"
        "/publishers/mistralai/models/mistral-small-2503:rawPredict"
    )
    assert request.headers["authorization"] == f"Bearer {GCP_TOKEN}"
    assert request.headers["x-goog-user-project"] == GCP_QUOTA_PROJECT


def pages_through(run: Run) -> None:
    assert run.stdout == ""  # the example handles no item
    assert [r.path for r in run.requests][:1] == ["/v2/prompts"]


def uploads_to_the_library(run: Run) -> None:
    (request,) = run.requests
    assert request.path == "/v1/libraries/a02150d9-5ee0-4877-b62c-28b1fcdf3b76/documents"


def lists_a_page(run: Run) -> None:
    (request,) = run.requests
    assert request.query == {"page": ["0"], "page_size": ["100"], "include_total": ["true"]}


def downloads(run: Run) -> None:
    assert run.lines() == ["<Response [200 OK]>"]  # what printing an httpx.Response shows
    assert run.requests[0].path == "/v1/files/f8919994-a4a1-46b2-8b5b-06335a4300ce/content"


def dumps_json(run: Run) -> None:
    dumped: Any = json.loads(run.stdout)
    assert isinstance(dumped["pages"], list)
    assert dumped["pages"]
    assert "UNSET" not in run.stdout
    assert run.requests[0].json["include_image_base64"] is True


CHAT = "chat_completion_v1_chat_completions_post"
AGENTS = "agents_completion_v1_agents_completions_post"
EMBEDDINGS = "embeddings_v1_embeddings_post"
UPLOAD = "files_api_routes_upload_file"
PROMPTS = "prompts_list"

CASES: dict[str, Case] = {
    "chat": Case(CHAT, (SENTENCE, "mistral-large-latest"), sent_text_format_and_no_stream),
    "chat_async": Case(CHAT, (SENTENCE, "mistral-large-latest"), sent_text_format_and_no_stream),
    "files_upload": Case(UPLOAD, ("example.file", f"size_bytes={len(UPLOADED)}")),
    "files_upload_async": Case(UPLOAD, ("example.file", f"size_bytes={len(UPLOADED)}")),
    "agents": Case(AGENTS, (SENTENCE,), sent_text_format_and_no_stream),
    "agents_async": Case(AGENTS, (SENTENCE,), sent_text_format_and_no_stream),
    "embeddings": Case(EMBEDDINGS, ("embedding=[0.5]", "mistral-embed")),
    "embeddings_async": Case(EMBEDDINGS, ("embedding=[0.5]", "mistral-embed")),
    "azure": Case(CHAT, check=on_azure),
    "gcp": Case(CHAT, check=on_vertex_ai),
    "conversations_stream": Case(
        "agents_api_v1_conversations_start_stream", ("conversation.response.started",)
    ),
    "pagination": Case(PROMPTS, check=pages_through),
    "libraries_documents_upload": Case(
        "libraries_documents_upload_v1",
        ("a02150d9-5ee0-4877-b62c-28b1fcdf3b76",),
        uploads_to_the_library,
    ),
    "retries_per_client": Case(PROMPTS, check=pages_through),
    "error_handling": Case(
        "(none: the service accounts' operations are not in the spec)",
        gap=(
            "client.beta.service_accounts does not exist: ../shared/spec/ has no service "
            "account operations, which the official 3.7.0 SDK calls "
            "(beta.service_accounts.create(name=..., workspace_id=...))"
        ),
    ),
    "chat_stream": Case(CHAT, check=prints_each_event),
    "fim": Case("fim_completion_v1_fim_completions_post", (SENTENCE, "codestral-latest")),
    "fim_stream": Case("fim_completion_v1_fim_completions_post", check=prints_each_event),
    "agents_stream": Case(AGENTS, check=prints_each_event),
    "models_list": Case("list_models_v1_models_get", ("capabilities=",)),
    "models_retrieve": Case(
        "retrieve_model_v1_models__model_id__get",
        ("ft:open-mistral-7b:587a6b29:20240514:7e773925",),
    ),
    "files_list": Case("files_api_routes_list_files", ("filename=",), lists_a_page),
    "files_retrieve": Case(
        "files_api_routes_retrieve_file", ("f2a27685-ca4e-4dc2-9f2b-88c422c3e0f6",)
    ),
    "files_delete": Case(
        "files_api_routes_delete_file", ("3b6d45eb-e30b-416f-8019-f47e2e93d930", "deleted=True")
    ),
    "files_download": Case("files_api_routes_download_file", check=downloads),
    "ocr": Case("ocr_v1_ocr_post", ("pages=[", "markdown=")),
    "chat_stream_deltas": Case(CHAT, check=prints_each_delta),
    "chat_stream_async": Case(CHAT, check=prints_each_delta),
    "ocr_model_dump_json": Case("ocr_v1_ocr_post", check=dumps_json),
    "realtime_transcription": Case("audio_transcriptions_realtime", (TRANSCRIPT,)),
    "batch_embeddings_typed": Case(
        "jobs_api_routes_batch_create_batch_job",
        ("SUCCESS (2 ok, 0 failed)", "doc-0: ", "doc-1: ", "-dim embedding"),
    ),
    "realtime_speech": Case(
        "audio_speech_realtime",
        (f"{len('Hello from a voice agent.') * SPEECH_BYTES_PER_CHARACTER} bytes of audio",),
    ),
}


def cases() -> list[Any]:
    """The parameters of every case; a known gap is a strict xfail, so that it shows."""
    return [
        pytest.param(
            name,
            case,
            id=name,
            marks=[] if case.gap is None else [pytest.mark.xfail(strict=True, reason=case.gap)],
        )
        for name, case in CASES.items()
    ]


def test_every_example_has_a_case() -> None:
    assert set(CASES) == set(EXAMPLES)


@pytest.mark.parametrize(("name", "case"), cases())
def test_runs_on_this_client(
    name: str,
    case: Case,
    server: FakeServer,
    workdir: Path,
    environment: dict[str, str],
) -> None:
    script = workdir / f"{name}.py"
    script.write_text(rewrite(EXAMPLES[name].source), encoding="utf-8")
    server.clear_requests()

    done = subprocess.run(
        [sys.executable, script.name],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    run = Run(done.stdout, server.requests)
    assert run.requests, "the fake server was asked nothing"
    answered = {200, 101}  # a realtime session is a WebSocket upgrade (101)
    assert all(r.status in answered for r in run.requests), [
        (r.path, r.status) for r in run.requests
    ]
    assert case.operation in {r.operation for r in run.requests}
    for expected in case.shows:
        assert expected in run.stdout
    if case.check is not None:
        case.check(run)
