"""The local fake server: every installed operation answers through the real client."""

from __future__ import annotations

import inspect
import json
import re
import select
import subprocess
import sys
import typing
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest

from mistral_core import DownloadResponse, EventStream, Mistral, Page, Unset, serde
from mistral_core.plugins import RESOURCES_GROUP, installed
from mistral_core.providers import CallTarget
from mistral_plugin_azure import PATHS as AZURE_PLUGIN_PATHS
from mistral_plugin_azure import MistralAzure
from mistral_plugin_gcp import GCPProvider, MistralGCP
from mistral_testing.samples import sample_value
from mistral_testing.server import (
    AZURE_PATHS,
    SENTENCE,
    VERTEX_PATH,
    FakeServer,
    Received,
)
from mistral_testing.statuses import TRACKED
from tests.payloads import user_says
from tests.plugins import helpers
from tools.codegen.layout import GroupPlan, MethodPlan

AUTH = {"authorization": "Bearer test-key"}
CHAT_ID = "chat_completion_v1_chat_completions_post"
FIM_ID = "fim_completion_v1_fim_completions_post"
CHAT: dict[str, Any] = {
    "model": "mistral-small-latest",
    "messages": [{"role": "user", "content": "Hello"}],
}


def installed_methods() -> list[tuple[str, str]]:
    """(mount path, method name) of every sync method with an operation, as the server
    finds them."""
    found = []
    for path, entry_point in sorted(installed(RESOURCES_GROUP).items()):
        for name, member in inspect.getmembers(entry_point.load(), inspect.isfunction):
            if hasattr(member, "operation") and not name.endswith("_async"):
                found.append((path, name))
    return found


METHODS = installed_methods()


def plan_of(mount: str, name: str) -> tuple[GroupPlan, MethodPlan]:
    cls = installed(RESOURCES_GROUP)[mount].load()
    for group_plan, method_plan in helpers.planned():
        group = group_plan.group
        if (group.package, group.class_name, method_plan.method.name) == (
            cls.__module__.split(".")[0],
            cls.__name__,
            name,
        ):
            return group_plan, method_plan
    raise LookupError(f"no plan for {mount}.{name}")


@pytest.fixture
def client(server: FakeServer) -> Iterator[Mistral]:
    with Mistral(api_key="test-key", server_url=server.url, timeout_ms=10_000) as mistral:
        yield mistral


def resource(client: Mistral, mount: str) -> Any:
    target: Any = client
    for part in mount.split("."):
        target = getattr(target, part)
    return target


def test_every_installed_operation_has_a_route(server: FakeServer) -> None:
    served = {route.operation.id for route in server.routes}
    for mount, name in METHODS:
        method = getattr(installed(RESOURCES_GROUP)[mount].load(), name)
        assert method.operation.id in served
    assert len(served) >= 20


@pytest.mark.parametrize(("mount", "name"), METHODS, ids=[f"{m}.{n}" for m, n in METHODS])
def test_operation_answers(client: Mistral, mount: str, name: str) -> None:
    group_plan, method_plan = plan_of(mount, name)
    args = helpers.arguments(group_plan, method_plan, full=False)
    method = getattr(resource(client, mount), name)
    kind = method_plan.kind
    if kind == "stream":
        with method(**args.kwargs) as stream:
            assert isinstance(stream, EventStream)
            events = list(stream)
        events_model = getattr(helpers.models_module(group_plan), method_plan.events)
        assert len(events) >= 2
        assert all(isinstance(event, events_model) for event in events)
    elif kind == "download":
        with method(**args.kwargs) as response:
            assert isinstance(response, DownloadResponse)
            assert response.headers["content-type"] == "application/octet-stream"
            assert response.read()
    elif not method_plan.operation.answer:
        assert method(**args.kwargs) is None  # 204, no content
    else:
        result = method(**args.kwargs)
        if kind == "pages":
            assert isinstance(result, Page)
            assert method_plan.pages is not None
            # a cursor's next page is the last one; an offset's next page is empty
            pages = 2 if method_plan.pages.cursor else 1
            assert list(result) == result.items * pages
            result = result.result
        kind_of = helpers.returns_type(group_plan, method_plan)
        if kind_of is None:  # the spec says nothing of the answer: its JSON, as it is
            return
        assert result == serde.converter.structure(serde.converter.unstructure(result), kind_of)
        if helpers.variants(kind_of):  # a model, not a list or a plain value
            assert isinstance(result, helpers.variants(kind_of))
        echoed = getattr(result, "id", None)
        tracked = TRACKED.get(method_plan.operation.id)
        created = tracked is not None and not tracked.path_id  # under a parent: a new id
        if args.path and attrs.has(type(result)) and isinstance(echoed, str) and not created:
            assert echoed in args.path.values()  # the path's id is echoed


def test_chat_completion_echoes_the_model(client: Mistral) -> None:
    result = client.chat.complete(**CHAT)
    assert result.model == CHAT["model"]
    message = result.choices[0].message
    assert not isinstance(message, Unset)
    assert message.content == SENTENCE


def test_upload_reports_the_file(client: Mistral) -> None:
    content = b"x" * 200_000 + b"\r\n--not-a-boundary\r\n" + b"y" * 1000
    result = client.files.upload(file={"file_name": "big.jsonl", "content": content})
    assert (result.filename, result.size_bytes) == ("big.jsonl", len(content))


def test_chat_stream_over_loopback(client: Mistral) -> None:
    with client.chat.stream(**CHAT) as events:
        chunks = [event.data for event in events]
    assert len(chunks) > 3
    assert "".join(str(chunk.choices[0].delta.content or "") for chunk in chunks) == SENTENCE
    assert {chunk.model for chunk in chunks} == {CHAT["model"]}
    assert chunks[-1].choices[0].finish_reason == "stop"
    usage = chunks[-1].usage
    assert not isinstance(usage, Unset)
    assert usage.total_tokens > 0


def test_raw_stream_ends_with_done(server: FakeServer) -> None:
    body = {**CHAT, "stream": True}
    url = f"{server.url}/v1/chat/completions"
    with httpx.stream("POST", url, json=body, headers=AUTH, timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-request-id"]
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    assert all(line.startswith("data: ") for line in lines)


def get(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=10)


def test_same_seed_same_bytes_other_seed_other_ids() -> None:
    with FakeServer(seed=3) as one, FakeServer(seed=3) as two, FakeServer(seed=4) as other:
        answers = [get(f"{s.url}/v1/fine_tuning/jobs", **AUTH) for s in (one, two, other)]
    assert answers[0].content == answers[1].content
    assert answers[0].headers["x-request-id"] != answers[1].headers["x-request-id"]
    ids = [a.json()["data"][0]["id"] for a in answers]
    assert ids[0] == ids[1] != ids[2]


def test_unauthorized_without_a_key(server: FakeServer) -> None:
    response = get(f"{server.url}/v1/models")
    assert response.status_code == 401
    assert response.json() == {
        "message": "Unauthorized",
        "request_id": response.headers["x-request-id"],
    }


def test_unknown_path_is_a_json_404(server: FakeServer) -> None:
    response = get(f"{server.url}/v1/no/such/thing", **AUTH)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert "/v1/no/such/thing" in response.json()["message"]
    assert response.headers["x-request-id"]


def test_wrong_method_is_a_json_405(server: FakeServer) -> None:
    response = httpx.put(f"{server.url}/v1/models", headers=AUTH, timeout=10)
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert response.json()["message"]


def test_runs_as_a_script() -> None:
    command = [sys.executable, "-m", "mistral_testing.server", "--port", "0", "--quiet"]
    command += ["--finish-after", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "the server printed nothing in 30 s"
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, line
        response = get(f"{found.group(0)}/v1/models", **AUTH)
        assert response.status_code == 200
        assert json.loads(response.content)["data"]
        job = get(f"{found.group(0)}/v1/batch/jobs/j1", **AUTH).json()
        assert (job["id"], job["status"]) == ("j1", "SUCCESS")  # its first read is its end
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            if process.stdout is not None:
                process.stdout.close()


def test_a_busy_port_is_one_line(server: FakeServer) -> None:
    port = server.url.rsplit(":", 1)[1]
    command = [sys.executable, "-m", "mistral_testing.server", "--port", port]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"python -m mistral_testing.server: cannot listen on 127.0.0.1:{port}:"
        " Address already in use"
    ]


def test_samples_seed_keeps_the_default() -> None:
    assert sample_value(str) == "sample"
    assert sample_value(str, seed=2) == "sample-2"
    assert sample_value(typing.Any, seed=0) == "sample"


# --- what was asked -------------------------------------------------------------------------


def test_requests_are_recorded_with_their_operation(server: FakeServer, client: Mistral) -> None:
    server.clear_requests()
    client.chat.complete(**CHAT)
    get(f"{server.url}/v1/models?page=2")
    get(f"{server.url}/v1/no/such/thing", **AUTH)

    chat, unsigned, unknown = server.requests
    assert isinstance(chat, Received)
    assert (chat.method, chat.path, chat.status) == ("POST", "/v1/chat/completions", 200)
    assert chat.operation == "chat_completion_v1_chat_completions_post"
    assert chat.json == CHAT
    assert chat.headers["authorization"] == "Bearer test-key"
    assert (unsigned.status, unsigned.operation, unsigned.query) == (401, None, {"page": ["2"]})
    assert (unknown.status, unknown.operation, unknown.json) == (404, None, None)
    server.clear_requests()
    assert server.requests == []


def test_an_upload_is_recorded_without_its_body(server: FakeServer, client: Mistral) -> None:
    server.clear_requests()
    client.files.upload(file={"file_name": "a.jsonl", "content": b"{}"})
    (upload,) = server.requests
    assert (upload.operation, upload.json, upload.status) == (
        "files_api_routes_upload_file",
        None,
        200,
    )


# --- the clouds' paths ------------------------------------------------------------------------


def test_azure_paths_are_the_azure_plugins() -> None:
    assert {azure: mistral for mistral, azure in AZURE_PLUGIN_PATHS.items()} == AZURE_PATHS


def test_the_vertex_path_is_the_gcp_plugins() -> None:
    provider = GCPProvider(project_id="p", region="us-central1", access_token="t")
    for path in ("/v1/chat/completions", "/v1/fim/completions"):
        for stream in (False, True):
            call = CallTarget("op", path, {"model": "m-1"}, stream, "http://x")
            url = provider.endpoint(call).url
            assert VERTEX_PATH.fullmatch(url.removeprefix("http://x"))


def test_azure_chat_and_ocr(server: FakeServer) -> None:
    server.clear_requests()
    with MistralAzure(api_key="azure-key", server_url=server.url) as azure:
        res = azure.chat.complete(model="azureai", messages=user_says())
        message = res.choices[0].message
        assert not isinstance(message, Unset)
        assert message.content == SENTENCE
        with azure.chat.stream(model="azureai", messages=user_says()) as events:
            streamed = "".join(str(e.data.choices[0].delta.content or "") for e in events)
        assert streamed == SENTENCE
        pages = azure.ocr.process(
            model="mistral-ocr-2505",
            document={"type": "document_url", "document_url": "https://example.com/a.pdf"},
        ).pages
        assert pages
    chat, stream, ocr = server.requests
    assert (chat.path, chat.operation) == ("/models/chat/completions", CHAT_ID)
    assert chat.query == {"api-version": ["2024-05-01-preview"]}
    assert stream.path == "/models/chat/completions"
    assert (ocr.path, ocr.operation) == ("/providers/mistral/azure/ocr", "ocr_v1_ocr_post")
    assert all(r.status == 200 for r in server.requests)


def test_vertex_chat_and_fim_whole_and_streamed(server: FakeServer) -> None:
    server.clear_requests()
    with MistralGCP(
        project_id="my-project", region="us-central1", access_token="t", server_url=server.url
    ) as vertex:
        res = vertex.chat.complete(model="mistral-small-2503", messages=user_says())
        assert res.model == "mistral-small-2503"
        message = res.choices[0].message
        assert not isinstance(message, Unset)
        assert message.content == SENTENCE
        with vertex.chat.stream(model="mistral-small-2503", messages=user_says()) as events:
            assert len(list(events)) > 3
        fim = vertex.fim.complete(model="codestral-2501", prompt="def f(", suffix="return 1")
        assert fim.model == "codestral-2501"
        with vertex.fim.stream(model="codestral-2501", prompt="def f(") as events:
            chunks = [event.data for event in events]
        assert "".join(str(c.choices[0].delta.content or "") for c in chunks) == SENTENCE
    models = "/v1/projects/my-project/locations/us-central1/publishers/mistralai/models"
    assert [(r.path, r.operation, r.status) for r in server.requests] == [
        (f"{models}/mistral-small-2503:rawPredict", CHAT_ID, 200),
        (f"{models}/mistral-small-2503:streamRawPredict", CHAT_ID, 200),
        (f"{models}/codestral-2501:rawPredict", FIM_ID, 200),
        (f"{models}/codestral-2501:streamRawPredict", FIM_ID, 200),
    ]


def test_vertex_stream_raw_predict_streams_without_asking(server: FakeServer) -> None:
    url = f"{server.url}/v1/projects/p/locations/r/publishers/mistralai/models/m:streamRawPredict"
    with httpx.stream("POST", url, json=CHAT, headers=AUTH, timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"


def test_vertex_paths_need_a_post_and_a_key(server: FakeServer) -> None:
    url = f"{server.url}/v1/projects/p/locations/r/publishers/mistralai/models/m:rawPredict"
    assert get(url, **AUTH).status_code == 405
    assert httpx.post(url, json=CHAT, timeout=10).status_code == 401
    assert get(f"{server.url}/models/chat/completions", **AUTH).status_code == 405
