"""Every ```python block of docs/*.md and docs/groups/*.md runs, against a fake API.

Each block is executed as it is written, in a fresh module of its own, with
``MISTRAL_API_KEY`` set and respx answering for the API (nothing reaches the network:
an unmocked request fails the test; a block's own local fake server on 127.0.0.1 is
reached). The fake API answers every operation of the
generated resource groups: chat, FIM and agent completions with a short reply (whole or
streamed), uploads with the file they received, downloads with bytes, and every other
operation with a valid sample of its response model (``mistral_testing.samples``), so that the
client parses each answer exactly as it parses the real API's.

Two conventions of the docs are understood here:

* ``<!-- fake-api: NAME -->`` on the line before a block (invisible once rendered) makes
  the fake API misbehave in the way the block demonstrates, see :data:`SCENARIOS`;
  the test checks that the misbehaviour did happen, so the block's ``except`` runs.
* A block whose first line is a file name comment (``# src/pkg/module.py``) is the
  source of a module: it is executed as that module and registered in ``sys.modules``
  for the blocks after it on the same page, which import it as a user would.

Blocks that are not Python to run (shell, TOML, trees) are fenced ``bash``, ``toml``,
``text`` or ``diff``; an unlabelled fence or another language fails the test.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import re
import sys
import types
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import respx

from mistral_core import Operation
from mistral_testing.batches import Batches
from mistral_testing.samples import (
    ConversationTurns,
    paged,
    sample_value,
    structured_reply,
    tool_call_deltas,
    tool_call_reply,
)
from mistral_testing.statuses import TRACKED, Statuses
from tests.conftest import Clock
from tests.otel.globals import unset_global_providers
from tests.plugins import helpers
from tests.typing.checkers import CHECKERS, run_checkers
from tools.codegen.groups import GROUPS, Group

DOCS = Path(__file__).resolve().parent.parent / "docs"
CONVERSATION_TURNS = ("agents_api_v1_conversations_start", "agents_api_v1_conversations_append")
"""The operations the fake API answers as a conversation with functions does."""
GROUP_DOCS = DOCS / "groups"
"""One page per resource group, named after its plugin's directory: ``fine-tuning.md``."""
API_URL = "https://api.mistral.ai"
GATEWAY_URL = "https://llm-gateway.example.com"
"""The other server the docs use as an example of ``server_url``."""
API_KEY = "sk-docs-test-key"

RUNNABLE = "python"
NOT_RUN = frozenset({"bash", "toml", "text", "diff"})

SCENARIO_MARK = re.compile(r"^<!--\s*fake-api:\s*([\w-]+)\s*-->$")
MODULE_MARK = re.compile(r"^#\s+((?:src/)?[\w/]+)\.py\s*$")

SCENARIOS = {
    "rate-limited": "every call gets 429 with Retry-After: 120 (more than the retry budget)",
    "server-error": "every call gets 503",
    "unauthorized": "every call gets 401",
    "validation-error": "every call gets 422 with a validation detail",
    "not-json": "every call gets 200 with an HTML page",
    "deprecated-model": "answers carry x-model-deprecation-timestamp",
    "stream-error": "streams send one chunk, then an error event",
    "stream-cut": "streams send one chunk, then stop in the middle of an event",
    "no-api-key": "MISTRAL_API_KEY is not set, and no request may be made",
    "slow-jobs": "jobs, executions and documents end on their 100th read, not their first",
}

REPLY = ["Hello", "! How can I", " help you today?"]
CODE_REPLY = ["a", " +", " b"]
"""What a fill-in-the-middle completion writes."""
JSON_REPLY = ['["Claude Monet",', ' "Paul Cézanne",', ' "Henri Matisse"]']
"""What a completion writes when asked for a JSON object (``response_format``)."""
FILE_CONTENT = b"".join(
    json.dumps({"custom_id": str(n), "response": {"status_code": 200}}).encode() + b"\n"
    for n in range(3)
)
"""What a download gives: a few lines of JSONL, like a batch job's output file."""
USAGE = {"prompt_tokens": 9, "completion_tokens": 10, "total_tokens": 19}
CONVERSATION_USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}


@attrs.frozen
class Block:
    page: str
    index: int
    """Position among the page's python blocks, from 0."""
    line: int
    """Line of the first line of code in the page, from 1."""
    code: str
    scenario: str | None
    module: str | None
    """The module this block is the source of, if it starts with a file name comment."""
    is_package: bool


@attrs.frozen
class Fence:
    page: str
    line: int
    language: str
    preceded_by: str


def _page(path: Path) -> str:
    """The page's name: its path from ``docs/`` (``groups/chat.md``), or ``README.md``."""
    return path.relative_to(DOCS).as_posix() if path.is_relative_to(DOCS) else path.name


def _fences(path: Path) -> Iterator[tuple[Fence, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    previous = ""
    number = 0
    while number < len(lines):
        line = lines[number]
        if line.startswith("```"):
            language = line[3:].strip()
            start = number + 1
            end = start
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            unclosed = f"{_page(path)}:{number + 1}: code fence not closed before line {end + 1}"
            assert end < len(lines), unclosed
            assert lines[end].strip() == "```", unclosed
            yield Fence(_page(path), start + 1, language, previous), "\n".join(lines[start:end])
            number = end + 1
            previous = ""
            continue
        if line.strip():
            previous = line.strip()
        number += 1


def _module_of(code: str) -> tuple[str | None, bool]:
    first = code.split("\n", 1)[0]
    match = MODULE_MARK.match(first)
    if match is None:
        return None, False
    path = match.group(1).removeprefix("src/")
    is_package = path.endswith("/__init__")
    return path.removesuffix("/__init__").replace("/", "."), is_package


def _blocks(path: Path) -> list[Block]:
    blocks: list[Block] = []
    for fence, code in _fences(path):
        if fence.language != RUNNABLE:
            continue
        mark = SCENARIO_MARK.match(fence.preceded_by)
        module, is_package = _module_of(code)
        blocks.append(
            Block(
                page=_page(path),
                index=len(blocks),
                line=fence.line,
                code=code,
                scenario=mark.group(1) if mark else None,
                module=module,
                is_package=is_package,
            )
        )
    return blocks


PAGES = sorted(DOCS.glob("*.md")) + sorted(GROUP_DOCS.glob("*.md"))
BLOCKS = {_page(path): _blocks(path) for path in PAGES}
ALL_BLOCKS = [block for blocks in BLOCKS.values() for block in blocks]


# --- the fake API ------------------------------------------------------------------------

DONE = "data: [DONE]\n\n"


def _completion(
    model: str, reply: list[str] = REPLY, call: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "id": "cmpl-e5cc70bb28c444948073e77776eb30ef",
        "object": "chat.completion",
        "model": model,
        "created": 1702256327,
        "usage": USAGE,
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls" if call else "stop",
                "message": {
                    "role": "assistant",
                    "content": "" if call else "".join(reply),
                    "tool_calls": [call] if call else None,
                },
            }
        ],
    }


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> str:
    chunk: dict[str, Any] = {
        "id": "cmpl-stream",
        "object": "chat.completion.chunk",
        "created": 1702256327,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    if finish_reason is not None:
        chunk["usage"] = USAGE
    return f"data: {json.dumps(chunk)}\n\n"


def _error(message: str, kind: str, code: str | None = None) -> dict[str, Any]:
    return {"object": "error", "message": message, "type": kind, "param": None, "code": code}


@attrs.frozen
class Endpoint:
    """One operation of a generated resource group, and how its methods call it."""

    group: Group
    operation: Operation[Any, Any]
    kinds: frozenset[str]
    """``call``, ``stream``, ``download``: the kinds of the methods that call it."""

    @property
    def streams_only(self) -> bool:
        return self.kinds == {"stream"}

    @property
    def pattern(self) -> str:
        """The operation's path as a regex: ``{file_id}`` is a named group."""
        return "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.operation.path) + "$"


def _endpoints() -> list[Endpoint]:
    """Every operation the generated resource groups call, from their methods; those that
    only stream first, as they share their path with one that answers JSON, and literal
    path segments before parameters (``/v1/workflows/runs`` before ``/{workflow_id}``)."""
    endpoints: dict[str, Endpoint] = {}
    for group_plan, method_plan in helpers.planned():
        group = group_plan.group
        resource = getattr(importlib.import_module(group_plan.module), group.class_name)
        operation = getattr(resource, method_plan.method.name).operation
        known = endpoints.get(operation.id)
        kinds = {method_plan.kind} | (known.kinds if known else set())
        endpoints[operation.id] = Endpoint(group, operation, frozenset(kinds))
    return sorted(
        endpoints.values(),
        key=lambda endpoint: (
            not endpoint.streams_only,
            [part.startswith("{") for part in endpoint.operation.path.split("/")],
        ),
    )


ENDPOINTS = _endpoints()

FINISH_AFTER = 1
"""The read that shows a job, an execution or a document finished (the testing kit's
:class:`~mistral_testing.statuses.Statuses`): the first, so that the docs' ``if`` on a
finished job runs after one ``get``."""
SLOW_FINISH = 100
"""The read that shows the end in the ``slow-jobs`` scenario: after any timeout of a page."""

MODERATIONS = "moderations_v1_moderations_post"
FILE_UPLOAD = "files_api_routes_upload_file"


def _operation_at(path: str) -> Operation[Any, Any] | None:
    """The operation that answers a POST to ``path`` with JSON (a batch's endpoint)."""
    for endpoint in ENDPOINTS:
        operation = endpoint.operation
        if operation.path == path and operation.method == "POST" and operation.returns:
            return operation
    return None


def _answer_model(operation: Operation[Any, Any]) -> Any:
    return operation.model(operation.returns)


ENCODED = {"audio_data": "UklGRg=="}
"""Sample values the docs decode (audio comes as base64)."""


def _decodable(answer: Any) -> Any:
    if isinstance(answer, dict):
        answer.update({key: value for key, value in ENCODED.items() if key in answer})
    return answer


def _sample_answer(operation: Operation[Any, Any]) -> Any:
    """A valid JSON answer to ``operation``: its response model, every field filled."""
    if not operation.returns:
        return {}
    return sample_value(_answer_model(operation), full=True)


def _form(request: httpx.Request) -> dict[str, tuple[str | None, bytes]]:
    """The parts of a ``multipart/form-data`` request: name -> (file name, content)."""
    kind, _, boundary = request.headers["content-type"].partition("; boundary=")
    assert kind == "multipart/form-data", f"an upload sent as {kind}"
    parts: dict[str, tuple[str | None, bytes]] = {}
    for part in request.read().split(b"--" + boundary.encode())[1:-1]:
        head, _, content = part.removeprefix(b"\r\n").removesuffix(b"\r\n").partition(b"\r\n\r\n")
        disposition = head.decode().split("\r\n")[0]
        name = re.search(r'; name="([^"]*)"', disposition)
        file_name = re.search(r'; filename="([^"]*)"', disposition)
        assert name is not None, f"a form part without a name: {disposition}"
        parts[name.group(1)] = (file_name.group(1) if file_name else None, content)
    return parts


class FakeAPI:
    """Answers like the Mistral API, or misbehaves as the block's scenario says."""

    def __init__(self, scenario: str | None) -> None:
        self.scenario = scenario
        self.requests: list[httpx.Request] = []
        self.misbehaved = 0
        """How many answers followed the scenario rather than the happy path."""
        self.conversations = ConversationTurns("conv", CONVERSATION_USAGE)
        """Conversations' answers, which remember the functions each start declared."""
        self.statuses = Statuses(SLOW_FINISH if scenario == "slow-jobs" else FINISH_AFTER)
        self.batches = Batches(_operation_at)
        """The files uploaded and the batch jobs made of them, as the testing kit keeps them."""

    def headers(self, **more: str) -> dict[str, str]:
        return {"x-request-id": f"req-{len(self.requests)}", **more}

    def chat(self, request: httpx.Request) -> httpx.Response:
        """Chat, FIM and agent completions, whole or streamed."""
        self.requests.append(request)
        body = json.loads(request.content)
        model = body.get("model", "mistral-small-latest")
        reply = REPLY
        if request.url.path.endswith("/fim/completions"):
            reply = CODE_REPLY
        elif (body.get("response_format") or {}).get("type") == "json_object":
            reply = JSON_REPLY
        elif (structured := structured_reply(body)) is not None:
            reply = [structured]  # a sample of the schema, as chat.parse asks
        call = tool_call_reply(body)  # a declared tool, called, as the testing kit does
        failure = self.failure()
        if failure is not None:
            return failure
        if body.get("stream"):
            return self.stream(model, reply, call)
        headers = self.headers()
        if self.scenario == "deprecated-model":
            self.misbehaved += 1
            headers["x-model-deprecation-timestamp"] = "2026-03-30T00:00:00Z"
        return httpx.Response(200, json=_completion(model, reply, call), headers=headers)

    def stream(
        self, model: str, reply: list[str] = REPLY, call: dict[str, Any] | None = None
    ) -> httpx.Response:
        if call is not None:
            events = [_chunk(model, delta) for delta in tool_call_deltas([call])]
            events += [_chunk(model, {"content": ""}, finish_reason="tool_calls"), DONE]
            headers = self.headers(**{"content-type": "text/event-stream"})
            return httpx.Response(200, content="".join(events).encode(), headers=headers)
        events = [_chunk(model, {"role": "assistant", "content": ""})]
        events += [_chunk(model, {"content": piece}) for piece in reply]
        if self.scenario == "stream-error":
            self.misbehaved += 1
            error = _error("Internal server error", "internal_server_error", "1000")
            events = [*events[:2], f"data: {json.dumps(error)}\n\n"]
        elif self.scenario == "stream-cut":
            self.misbehaved += 1
            events = [*events[:2], 'data: {"id": "cmpl-stream", "obj']
        else:
            events += [_chunk(model, {"content": ""}, finish_reason="stop"), DONE]
        headers = self.headers(**{"content-type": "text/event-stream"})
        return httpx.Response(200, content="".join(events).encode(), headers=headers)

    def moderations(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        failure = self.failure()
        if failure is not None:
            return failure
        body = json.loads(request.content)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        result = {
            "categories": {"sexual": False, "pii": False, "violence_and_threats": False},
            "category_scores": {"sexual": 0.0011, "pii": 0.0024, "violence_and_threats": 0.0004},
        }
        answer = {"id": "mod-e5cc70bb", "model": body["model"], "results": [result] * len(inputs)}
        return httpx.Response(200, json=answer, headers=self.headers())

    def handler(self, endpoint: Endpoint) -> Any:
        """The side effect that answers ``endpoint``'s requests."""
        operation = endpoint.operation
        if operation.requires_done:
            return self.chat
        if operation.events:

            def events(request: httpx.Request, **path: str) -> httpx.Response:
                if operation.returns and "event-stream" not in request.headers.get("accept", ""):
                    return self.answer(operation, request, path)  # speech: JSON or events
                return self.events(operation, request)

            return events
        if operation.id == MODERATIONS:
            return self.moderations
        if operation.id in CONVERSATION_TURNS:

            def turn(request: httpx.Request, **path: str) -> httpx.Response:
                return self.conversation(operation, request, path)

            return turn
        if "download" in endpoint.kinds:
            return self.download
        if operation.id == FILE_UPLOAD:
            return self.upload

        def answer(request: httpx.Request, **path: str) -> httpx.Response:
            return self.answer(operation, request, path)

        return answer

    def answer(
        self, operation: Operation[Any, Any], request: httpx.Request, path: dict[str, str]
    ) -> httpx.Response:
        """A valid sample of the operation's response model, with the id the path names."""
        self.requests.append(request)
        failure = self.failure()
        if failure is not None:
            return failure
        answer = _sample_answer(operation)
        ids = [value for key, value in path.items() if key.endswith("_id")]
        if isinstance(answer, dict) and ids and "id" in answer:
            answer["id"] = ids[0]
        is_json = request.headers.get("content-type") == "application/json"
        body = json.loads(request.content) if is_json else None
        self.statuses.answer(operation.id, answer, path, body)
        self.batches.answer(operation.id, answer, body, dict(request.url.params))
        if self.scenario == "slow-jobs" and operation.id in TRACKED:
            self.misbehaved += 1
        answer = paged(operation, answer, dict(request.url.params))
        return httpx.Response(200, json=_decodable(answer), headers=self.headers())

    def conversation(
        self, operation: Operation[Any, Any], request: httpx.Request, path: dict[str, str]
    ) -> httpx.Response:
        """A conversation's start or append: a call of the functions its start declared, or
        their results answered, as the testing kit's mock does; else a sample."""
        body = json.loads(request.content)
        text = "".join(REPLY)
        answer = self.conversations.reply(body, path.get("conversation_id"), text)
        if answer is None or self.scenario is not None:
            return self.answer(operation, request, path)
        self.requests.append(request)
        return httpx.Response(200, json=answer, headers=self.headers())

    def events(self, operation: Operation[Any, Any], request: httpx.Request) -> httpx.Response:
        """Two sample events of the operation's stream, each with its name and id."""
        self.requests.append(request)
        failure = self.failure()
        if failure is not None:
            return failure
        sample = sample_value(operation.model(operation.events), full=True)
        name = f"event: {sample['event']}\n" if isinstance(sample.get("event"), str) else ""
        data = json.dumps(_decodable(sample["data"]))
        blocks = [f"{name}id: {n}\ndata: {data}\n\n" for n in (1, 2)]
        headers = self.headers(**{"content-type": "text/event-stream"})
        return httpx.Response(200, content="".join(blocks).encode(), headers=headers)

    def upload(self, request: httpx.Request) -> httpx.Response:
        """The uploaded file, as ``CreateFileResponse`` describes it."""
        self.requests.append(request)
        failure = self.failure()
        if failure is not None:
            return failure
        form = _form(request)
        file_name, content = form["file"]
        assert file_name, "the file part has no file name"
        purpose = form.get("purpose", (None, b"fine-tune"))[1].decode()
        file_id, _ = self.batches.store([content])
        answer = {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": 1759500189,
            "filename": file_name,
            "purpose": purpose,
            "sample_type": "batch_request" if purpose == "batch" else "instruct",
            "source": "upload",
            "num_lines": content.count(b"\n"),
        }
        return httpx.Response(200, json=answer, headers=self.headers())

    def download(self, request: httpx.Request, **path: str) -> httpx.Response:
        self.requests.append(request)
        failure = self.failure()
        if failure is not None:
            return failure
        headers = self.headers(**{"content-type": "application/octet-stream"})
        kept = self.batches.content(path.get("file_id", ""))
        content = FILE_CONTENT if kept is None else b"".join(kept)
        return httpx.Response(200, content=content, headers=headers)

    def failure(self) -> httpx.Response | None:
        scenario = self.scenario
        if scenario == "rate-limited":
            error = _error("Requests rate limit exceeded", "rate_limited", "1300")
            response = httpx.Response(
                429, json=error, headers=self.headers(**{"retry-after": "120"})
            )
        elif scenario == "server-error":
            error = _error("Service unavailable", "service_unavailable", "3505")
            response = httpx.Response(503, json=error, headers=self.headers())
        elif scenario == "unauthorized":
            body = {"message": "Unauthorized", "request_id": "a1b2c3"}
            response = httpx.Response(401, json=body, headers=self.headers())
        elif scenario == "validation-error":
            problem = {
                "type": "less_than_equal",
                "loc": ["body", "temperature"],
                "msg": "Input should be less than or equal to 1.5",
                "input": 3.0,
                "ctx": {"le": 1.5},
            }
            response = httpx.Response(422, json={"detail": [problem]}, headers=self.headers())
        elif scenario == "not-json":
            html = "<html><body><h1>Welcome to the proxy</h1></body></html>"
            headers = self.headers(**{"content-type": "text/html"})
            response = httpx.Response(200, text=html, headers=headers)
        else:
            return None
        self.misbehaved += 1
        return response


@pytest.fixture
def fake_api(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> Iterator[FakeAPI]:
    """The fake API of a block; no wait is slept (``clock``: a wait's time moves by them)."""
    block: Block = request.node.callspec.params["block"]
    fake = FakeAPI(block.scenario)
    if block.scenario == "no-api-key":
        monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    else:
        monkeypatch.setenv("MISTRAL_API_KEY", API_KEY)
    monkeypatch.delenv("MISTRAL_DEBUG", raising=False)
    with (
        respx.mock(base_url=API_URL, assert_all_called=False) as api,
        respx.mock(base_url=GATEWAY_URL, assert_all_called=False) as gateway,
        respx.mock(assert_all_called=False) as loopback,
    ):
        loopback.route(host="127.0.0.1").pass_through()  # the local fake server of a block
        for endpoint in ENDPOINTS:
            if endpoint.streams_only:
                route = api.route(
                    method=endpoint.operation.method,
                    path__regex=endpoint.pattern,
                    headers__contains={"accept": "text/event-stream"},
                )
            else:
                route = api.route(method=endpoint.operation.method, path__regex=endpoint.pattern)
            route.mock(side_effect=fake.handler(endpoint))
        gateway.post(path__regex=r"/v1/chat/completions$").mock(side_effect=fake.chat)
        yield fake
    fake.batches.close()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Blocks may configure logging (``basicConfig``); put the root logger back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def restore_opentelemetry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks set OpenTelemetry's global providers, as programs do; unset them after, or
    every later client of the tests would be traced."""
    unset_global_providers(monkeypatch)


# --- running blocks ------------------------------------------------------------------------


def _compile(block: Block) -> types.CodeType:
    """The block's code, with line numbers that point into the Markdown page."""
    source = "\n" * (block.line - 1) + block.code
    return compile(source, str(DOCS / block.page), "exec")


def _new_module(name: str, *, is_package: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    module = types.ModuleType(name)
    module.__package__ = name if is_package else name.rpartition(".")[0]
    if is_package:
        module.__path__ = []
    monkeypatch.setitem(sys.modules, name, module)
    parent_name, _, child = name.rpartition(".")
    parent = sys.modules.get(parent_name)
    if parent is not None:
        monkeypatch.setattr(parent, child, module, raising=False)
    return module


def _run(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    if block.module is not None:
        name, is_package = block.module, block.is_package
    else:
        stem = block.page.removesuffix(".md").replace("/", "_").replace("-", "_")
        name, is_package = f"docs_{stem}_{block.index}", False
    module = _new_module(name, is_package=is_package, monkeypatch=monkeypatch)
    module.__file__ = str(DOCS / block.page)
    exec(_compile(block), module.__dict__)


def _block_id(block: Block) -> str:
    return f"{block.page}-{block.index}"


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=_block_id)
@pytest.mark.usefixtures("restore_logging", "restore_opentelemetry")
def test_block_runs(block: Block, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    earlier_modules = [b for b in BLOCKS[block.page][: block.index] if b.module is not None]
    with warnings.catch_warnings():  # a block's warning filters stay in the block
        for earlier in earlier_modules:
            _run(earlier, monkeypatch)
        before = len(fake_api.requests)
        fake_api.misbehaved = 0
        _run(block, monkeypatch)
    assert_no_running_loop()

    if block.scenario == "no-api-key":
        assert len(fake_api.requests) == before, "a request was sent without an API key"
    elif block.scenario is not None:
        assert fake_api.misbehaved, (
            f"{block.page}:{block.line}: the fake-api scenario {block.scenario!r} never "
            "happened: the block does not demonstrate what it says"
        )


def assert_no_running_loop() -> None:
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()


# --- type-checking blocks ------------------------------------------------------------------

README = DOCS.parent / "README.md"
TYPED = {**BLOCKS, _page(README): _blocks(README)}
"""The pages whose blocks must pass mypy --strict and pyright: the docs, and the README."""
_NOT_TYPED_YET_BY_PAGE: dict[str, str] = {}
NOT_TYPED_YET: dict[tuple[str, str], str] = {
    (checker, page): reason
    for page, reason in _NOT_TYPED_YET_BY_PAGE.items()
    for checker in CHECKERS
}
"""(checker, page) -> why its blocks do not type-check yet (an expected failure: the test
fails once they do, so that the entry goes)."""


def _typed_file(block: Block) -> str:
    """Where a block is written for the checkers: its module's path, or a name of its own."""
    if block.module is None:
        stem = block.page.removesuffix(".md").replace("/", "_").replace("-", "_").lower()
        return f"docs_{stem}_{block.index}.py"
    path = block.module.replace(".", "/")
    return f"{path}/__init__.py" if block.is_package else f"{path}.py"


@pytest.fixture(scope="module")
def typed_blocks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Page -> the errors of mypy and pyright in its blocks, by page line (run once)."""
    project = tmp_path_factory.mktemp("docs")
    where: dict[str, Block] = {}
    for block in (block for blocks in TYPED.values() for block in blocks):
        name = _typed_file(block)
        assert name not in where, f"{block.page}: {name} is also the module of another page"
        where[name] = block
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        # blank lines first, so that the checkers' line numbers are the page's
        (project / name).write_text("\n" * (block.line - 1) + block.code + "\n")
    errors: dict[str, list[str]] = {}
    for diagnostic in run_checkers(project):
        block = where[diagnostic.file]
        message = " ".join(diagnostic.message.split())
        errors.setdefault(f"{diagnostic.checker}:{block.page}", []).append(
            f"{block.page}:{diagnostic.line}: {message}"
        )
    return errors


def _typing_case(checker: str, page: str) -> Any:
    reason = NOT_TYPED_YET.get((checker, page))
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(checker, page, marks=marks, id=f"{checker}-{page}")


@pytest.mark.parametrize(
    ("checker", "page"),
    [_typing_case(checker, page) for page in TYPED if TYPED[page] for checker in CHECKERS],
)
def test_blocks_type_check(typed_blocks: dict[str, list[str]], checker: str, page: str) -> None:
    """What users copy from the docs passes mypy --strict and pyright, no cast nor ignore."""
    errors = typed_blocks.get(f"{checker}:{page}", [])
    assert not errors, "\n".join(errors)


def test_docs_have_no_cast_nor_ignore() -> None:
    for block in (block for blocks in TYPED.values() for block in blocks):
        for bad in ("cast(", "type: ignore", "pyright: ignore"):
            assert bad not in block.code, f"{block.page}:{block.line}: {bad}"


# --- the docs themselves -------------------------------------------------------------------


def test_every_page_is_found() -> None:
    names = {_page(path) for path in PAGES}
    expected = {
        "index.md",
        "getting-started.md",
        "retries.md",
        "streaming.md",
        "errors.md",
        "hooks.md",
        "http-client.md",
        "plugins.md",
        *(f"groups/{group.directory}.md" for group in GROUPS),
    }
    assert expected <= names
    assert len(ALL_BLOCKS) >= 40


@pytest.mark.parametrize("path", PAGES, ids=_page)
def test_every_fence_is_run_or_says_why_not(path: Path) -> None:
    for fence, _ in _fences(path):
        where = f"{fence.page}:{fence.line}"
        assert fence.language == RUNNABLE or fence.language in NOT_RUN, (
            f"{where}: fence {fence.language!r}: use ```python for code to run, or one of "
            f"{sorted(NOT_RUN)}"
        )
        mark = SCENARIO_MARK.match(fence.preceded_by)
        if mark is not None:
            assert fence.language == RUNNABLE, f"{where}: a fake-api mark on a {fence.language}"
            assert mark.group(1) in SCENARIOS, f"{where}: unknown scenario {mark.group(1)!r}"


LINK = re.compile(r"\]\(((?:\.\./|[\w-]+/)*[\w-]+\.md)?(?:#([\w-]+))?\)")
"""A link to a page (relative to the linking page), to a section of it, or to both."""


def _anchors(path: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub and MkDocs make them."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    headings = re.findall(r"^#+\s+(.+?)\s*$", text, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("path", PAGES, ids=_page)
def test_links_between_pages_resolve(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for target, anchor in LINK.findall(text):
        page = (path.parent / target).resolve() if target else path
        assert page.exists(), f"{_page(path)} links to a missing page {target}"
        if anchor:
            assert anchor in _anchors(page), (
                f"{_page(path)} links to a missing #{anchor} of {target}"
            )


def test_index_lists_every_page() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for path in PAGES:
        if path.name != "index.md":
            assert f"]({_page(path)})" in index, f"index.md does not link to {_page(path)}"


# --- the group pages and the fake API cover every generated method --------------------------


@pytest.mark.parametrize("group", GROUPS, ids=lambda group: group.path)
def test_every_method_of_a_group_has_an_example(group: Group) -> None:
    page = f"groups/{group.directory}.md"
    assert page in BLOCKS, f"{group.path} has no page: write docs/{page}"
    code = "\n".join(block.code for block in BLOCKS[page])
    bash = "\n".join(code for fence, code in _fences(DOCS / page) if fence.language == "bash")
    assert f"pip install mistral-core {group.distribution}" in bash, f"{page}: no install line"
    for method in group.methods:
        call = f"client.{group.path}.{method.name}("
        assert call in code, f"{page} has no example of {call})"
    assert re.search(rf"client\.{re.escape(group.path)}\.\w+_async\(", code), (
        f"{page} has no async example"
    )


@pytest.mark.parametrize("group", GROUPS, ids=lambda group: group.path)
def test_the_models_a_group_page_names_exist(group: Group) -> None:
    """Each `ModelName` of a page is one of the plugin's models, or a name of the core."""
    import builtins

    import mistral_core

    page = f"groups/{group.directory}.md"
    text = (DOCS / page).read_text(encoding="utf-8")
    plugin = importlib.import_module(group.package)
    for name in sorted(set(re.findall(r"`([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)`", text))):
        assert any(hasattr(module, name) for module in (plugin, mistral_core, builtins)), (
            f"{page} names `{name}`, which neither {group.package} nor mistral_core has"
        )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.operation.id)
def test_the_fake_api_answers_every_operation(endpoint: Endpoint) -> None:
    from mistral_core import serde

    operation = endpoint.operation
    assert re.match(endpoint.pattern, re.sub(r"\{\w+\}", "an-id", operation.path))
    by_hand = (
        operation.events  # FakeAPI.chat
        or operation.id == MODERATIONS
        or operation.id == FILE_UPLOAD  # FakeAPI.upload
        or "download" in endpoint.kinds
    )
    if by_hand:
        return
    serde.read(_sample_answer(operation), _answer_model(operation))
