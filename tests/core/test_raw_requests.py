"""``client.request``: any endpoint, with the client's auth, retries, hooks and errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from mistral_core import (
    BearerAuth,
    HTTPValidationError,
    InternalServerError,
    Mistral,
    NotFoundError,
    RequestContext,
    ResponseValidationError,
    hookimpl,
)
from mistral_core.providers import CallTarget, Endpoint
from mistral_plugin_models.models import ModelList
from mistral_types.chat import CompletionChunk, UserMessage
from tests.payloads import API_KEY, CHAT_PATH, chat_response, chunk, sse, user_says

MODELS = {"object": "list", "data": [{"id": "mistral-small-latest", "object": "model"}]}
EVENTS = {"content-type": "text/event-stream"}


# --- sending ---------------------------------------------------------------------------------


def test_a_get_sends_the_client_s_auth_and_returns_the_parsed_json(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = api.get("/v1/models").respond(json=MODELS)
    assert client.request("GET", "/v1/models") == MODELS
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"].startswith("mistral-core/")
    assert request.content == b""


def test_params_are_written_as_the_api_reads_them(client: Mistral, api: respx.MockRouter) -> None:
    route = api.get("/v1/things").respond(json=[])
    client.request(
        "get", "/v1/things", params={"tag": ["a", "b"], "archived": False, "page": 2, "q": None}
    )
    assert route.calls.last.request.url.query == b"tag=a&tag=b&archived=false&page=2"


def test_a_json_body_and_headers(client: Mistral, api: respx.MockRouter) -> None:
    route = api.post("/v1/things").respond(json={"id": "t1"})
    result = client.request(
        "POST",
        "/v1/things",
        json={"name": "café", "tags": ["x"]},
        headers={"x-thing": "1"},
        http_headers={"x-call": "2"},
    )
    assert result == {"id": "t1"}
    request = route.calls.last.request
    assert json.loads(request.content) == {"name": "café", "tags": ["x"]}
    assert request.headers["content-type"] == "application/json"
    assert (request.headers["x-thing"], request.headers["x-call"]) == ("1", "2")


def test_a_model_as_the_body_is_sent_as_its_json(client: Mistral, api: respx.MockRouter) -> None:
    route = api.post("/v1/echo").respond(json={})
    client.request("POST", "/v1/echo", json=UserMessage(content="Hi"))
    assert json.loads(route.calls.last.request.content) == {"role": "user", "content": "Hi"}


def test_content_is_sent_as_given(client: Mistral, api: respx.MockRouter) -> None:
    route = api.put("/v1/blobs/b1").respond(204)
    result = client.request(
        "PUT", "/v1/blobs/b1", content=b"\x00raw", headers={"content-type": "application/x-raw"}
    )
    assert result is None  # an empty 204
    request = route.calls.last.request
    assert request.content == b"\x00raw"
    assert request.headers["content-type"] == "application/x-raw"


def test_json_and_content_together_are_refused(client: Mistral, api: respx.MockRouter) -> None:
    with pytest.raises(TypeError, match=r"json= \(extra_body=\) or as content=, not both"):
        client.request("POST", "/v1/things", json={}, content=b"{}")
    with pytest.raises(TypeError, match="not both"):
        client.request("POST", "/v1/things", content=b"{}", extra_body={"a": 1})
    assert not api.calls


def test_per_call_options(client: Mistral) -> None:
    with respx.mock(base_url="https://gw.example.test/mistral") as gateway:
        route = gateway.delete("/v1/things/t1").respond(json={"deleted": True})
        client.request(
            "DELETE",
            "/v1/things/t1",
            server_url="https://gw.example.test/mistral/",
            timeout_ms=1500,
            extra_query={"dry_run": True},
        )
    request = route.calls.last.request
    assert request.url.params["dry_run"] == "true"
    assert 0 < request.extensions["timeout"]["read"] <= 1.5  # what is left of timeout_ms


def test_an_unknown_keyword_names_the_method(client: Mistral) -> None:
    with pytest.raises(
        TypeError,
        match=r"^Mistral\.request\(\) got an unexpected keyword argument 'parms'; "
        r"did you mean 'params'\?$",
    ):
        client.request("GET", "/v1/models", parms={})  # type: ignore[call-overload]


@pytest.mark.parametrize(("method", "problem"), [("G T", "an HTTP method"), ("", "an HTTP method")])
def test_a_bad_method(client: Mistral, method: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        client.request(method, "/v1/models")


# --- the path ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        ("/v1/models/abc", "/v1/models/abc"),
        ("/v1/models/ft:open-mistral-7b:abc@2", "/v1/models/ft:open-mistral-7b:abc@2"),
        ("/v1/files/a b/é", "/v1/files/a%20b/%C3%A9"),
        ("/v1/models/ft%2Fmine", "/v1/models/ft%2Fmine"),  # the caller's own escape, kept
        ("/v1/{odd}", "/v1/%7Bodd%7D"),
        ("https://api.mistral.ai/v1/models", "/v1/models"),  # a URL of the client's server
    ],
)
def test_the_path_is_sent_as_written_but_escaped_where_it_must_be(
    client: Mistral, api: respx.MockRouter, path: str, sent: str
) -> None:
    route = api.get(url__regex=r".*").respond(json={})
    client.request("GET", path)
    assert route.calls.last.request.url.raw_path.decode() == sent


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("v1/models", r"must start with '/'"),
        ("/v1/models?page=2", r"query or a fragment: pass the query as params="),
        ("/v1/models#top", r"query or a fragment"),
        ("/v1/../admin", r"'\.\.' segment"),
        ("/v1/./models", r"'\.' or '\.\.' segment"),
        ("https://evil.example/v1/models", r"not on this client's server .*server_url="),
        ("https://api.mistral.ai.evil.example/v1", r"not on this client's server"),
        ("http://api.mistral.ai/v1/models", r"not on this client's server"),
    ],
)
def test_a_path_that_would_change_the_url_is_refused(
    client: Mistral, api: respx.MockRouter, path: str, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        client.request("GET", path)
    assert not api.calls


def test_a_path_that_is_not_a_str(client: Mistral) -> None:
    with pytest.raises(TypeError, match="path must be a str"):
        client.request("GET", b"/v1/models")  # type: ignore[call-overload]


def test_the_path_follows_the_server_url_s_own_path(sleeps: list[float]) -> None:
    with respx.mock(base_url="https://gw.example.test/mistral") as gateway:
        route = gateway.get("/v1/models").respond(json=MODELS)
        client = Mistral(api_key=API_KEY, server_url="https://gw.example.test/mistral")
        client.request("GET", "/v1/models")
        client.request("GET", "https://gw.example.test/mistral/v1/models")
    assert route.call_count == 2


# --- answers --------------------------------------------------------------------------------


def test_cast_to_reads_a_model_with_its_http_exchange(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.get("/v1/models").respond(json=MODELS, headers={"x-request-id": "req-1"})
    models = client.request("GET", "/v1/models", cast_to=ModelList)
    assert isinstance(models, ModelList)
    assert models.object == "list"
    assert len(models.data) == 1  # type: ignore[arg-type]
    assert models.http.status_code == 200
    assert models.http.request_id == "req-1"


def test_an_answer_that_does_not_match_cast_to(client: Mistral, api: respx.MockRouter) -> None:
    api.get("/v1/models").respond(json={"data": "not a list"})
    with pytest.raises(ResponseValidationError, match="request: the response does not match"):
        client.request("GET", "/v1/models", cast_to=ModelList)


def test_an_answer_that_is_not_json(client: Mistral, api: respx.MockRouter) -> None:
    api.get("/v1/page").respond(text="<html></html>", headers={"content-type": "text/html"})
    with pytest.raises(ResponseValidationError, match=r"not JSON \(text/html"):
        client.request("GET", "/v1/page")


def test_cast_to_response_gives_the_response_itself(client: Mistral, api: respx.MockRouter) -> None:
    route = api.get("/v1/files/f1/content").respond(text="a,b\n1,2\n")
    response = client.request("GET", "/v1/files/f1/content", cast_to=httpx.Response)
    assert isinstance(response, httpx.Response)
    assert response.text == "a,b\n1,2\n"
    assert route.calls.last.request.headers["accept"] == "*/*"


def test_cast_to_must_be_a_type(client: Mistral) -> None:
    with pytest.raises(TypeError, match="cast_to must be a model class"):
        client.request("GET", "/v1/models", cast_to="ModelList")  # type: ignore[call-overload]


# --- errors and retries ----------------------------------------------------------------------


def test_a_503_is_retried(client: Mistral, api: respx.MockRouter, sleeps: list[float]) -> None:
    route = api.get("/v1/models")
    route.side_effect = [
        httpx.Response(503, json={"message": "busy"}),
        httpx.Response(200, json=MODELS),
    ]
    models = client.request("GET", "/v1/models", cast_to=ModelList)
    assert route.call_count == 2
    assert len(sleeps) == 1
    assert models.http.retries == 1


def test_retries_can_be_set_per_call(client: Mistral, api: respx.MockRouter) -> None:
    route = api.get("/v1/models").respond(503, json={"message": "busy"})
    with pytest.raises(InternalServerError, match="busy"):
        client.request("GET", "/v1/models", retries=None)
    assert route.call_count == 1


def test_a_404_is_a_not_found_error(client: Mistral, api: respx.MockRouter) -> None:
    api.get("/v1/things/nope").respond(
        404, json={"message": "No thing nope"}, headers={"x-request-id": "req-404"}
    )
    with pytest.raises(NotFoundError, match="No thing nope") as caught:
        client.request("GET", "/v1/things/nope")
    assert caught.value.status_code == 404
    assert caught.value.request_id == "req-404"


def test_a_422_is_a_validation_error(client: Mistral, api: respx.MockRouter) -> None:
    detail = [{"type": "missing", "loc": ["body", "name"], "msg": "Field required"}]
    api.post("/v1/things").respond(422, json={"detail": detail})
    with pytest.raises(HTTPValidationError, match="Field required") as caught:
        client.request("POST", "/v1/things", json={})
    assert caught.value.body == {"detail": detail}


def test_hooks_see_a_raw_call(api: respx.MockRouter) -> None:
    seen: list[tuple[str, str]] = []

    class Recorder:
        @hookimpl
        def mistral_before_request(self, request: httpx.Request, context: RequestContext) -> None:
            seen.append((context.operation_id, request.url.path))

    api.get("/v1/models").respond(json=MODELS)
    Mistral(api_key=API_KEY, plugins=[Recorder()]).request("GET", "/v1/models")
    assert seen == [("request", "/v1/models")]


# --- streams ------------------------------------------------------------------------------------


def test_a_stream_of_parsed_json(client: Mistral, api: respx.MockRouter) -> None:
    route = api.post(CHAT_PATH).respond(content=sse(chunk("Pa"), chunk("ris")), headers=EVENTS)
    body = {"model": "mistral-small-latest", "messages": user_says(), "stream": True}
    with client.request("POST", CHAT_PATH, json=body, stream=True) as events:
        deltas = [event["choices"][0]["delta"]["content"] for event in events]
    assert deltas == ["Pa", "ris"]
    assert route.calls.last.request.headers["accept"] == "text/event-stream"


def test_a_stream_of_cast_to(client: Mistral, api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(content=sse(chunk("Pa"), chunk("ris")), headers=EVENTS)
    body = {"model": "mistral-small-latest", "messages": user_says(), "stream": True}
    with client.request(
        "POST", CHAT_PATH, json=body, stream=True, cast_to=CompletionChunk
    ) as events:
        chunks = list(events)
    assert all(isinstance(item, CompletionChunk) for item in chunks)
    assert [item.choices[0].delta.content for item in chunks] == ["Pa", "ris"]


def test_a_stream_that_does_not_start_is_retried_and_typed(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get("/v1/events")
    route.side_effect = [httpx.Response(503), httpx.Response(404, json={"message": "gone"})]
    with pytest.raises(NotFoundError, match="gone"):
        client.request("GET", "/v1/events", stream=True)
    assert route.call_count == 2


def test_cast_to_response_does_not_stream(client: Mistral) -> None:
    with pytest.raises(TypeError, match="drop stream=True"):
        client.request("GET", "/v1/x", cast_to=httpx.Response, stream=True)


# --- async -------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_request_async(client: Mistral, api: respx.MockRouter, sleeps: list[float]) -> None:
    route = api.get("/v1/models")
    route.side_effect = [httpx.Response(503), *[httpx.Response(200, json=MODELS)] * 2]
    models = await client.request_async("GET", "/v1/models", cast_to=ModelList)
    assert models.http.retries == 1
    assert route.calls.last.request.headers["authorization"] == f"Bearer {API_KEY}"
    assert await client.request_async("GET", "/v1/models") == MODELS


@pytest.mark.anyio
async def test_request_async_errors(client: Mistral, api: respx.MockRouter) -> None:
    api.get("/v1/things/nope").respond(404, json={"message": "No thing nope"})
    with pytest.raises(NotFoundError):
        await client.request_async("GET", "/v1/things/nope")


@pytest.mark.anyio
async def test_request_async_stream(client: Mistral, api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(content=sse(chunk("Pa"), chunk("ris")), headers=EVENTS)
    body = {"model": "mistral-small-latest", "messages": user_says(), "stream": True}
    events = await client.request_async(
        "POST", CHAT_PATH, json=body, stream=True, cast_to=CompletionChunk
    )
    async with events:
        chunks = [item async for item in events]
    assert [item.choices[0].delta.content for item in chunks] == ["Pa", "ris"]


# --- providers ---------------------------------------------------------------------------------


class Cloud:
    """A provider that serves chat only, at its own URLs."""

    name = "cloud"
    groups: frozenset[str] | None = None
    server_url = "https://models.cloud.example"

    def auth(self) -> BearerAuth:
        return BearerAuth("cloud-key")

    def endpoint(self, call: CallTarget) -> Endpoint:
        if call.path != CHAT_PATH:
            raise ValueError(f"the cloud does not serve {call.path} ({call.operation_id})")
        return Endpoint(f"{call.server_url}/invoke/{call.body['model']}", {"v": "1"})


def test_a_provider_rewrites_a_raw_call_as_any_other(sleeps: list[float]) -> None:
    client = Mistral(provider=Cloud())
    with respx.mock(base_url=Cloud.server_url) as cloud:
        route = cloud.post("/invoke/small").respond(json=chat_response())
        body: dict[str, Any] = {"model": "small", "messages": user_says()}
        answer = client.request("POST", CHAT_PATH, json=body)
    assert answer["choices"][0]["message"]["content"] == "Paris"
    request = route.calls.last.request
    assert request.url.params["v"] == "1"
    assert request.headers["authorization"] == "Bearer cloud-key"
    with pytest.raises(ValueError, match=r"does not serve /v1/models \(request\)"):
        client.request("GET", "/v1/models")
