"""The Azure provider: its URLs, api-version, key, groups and errors (respx, no network)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from mistral_core import (
    AuthenticationError,
    InternalServerError,
    MissingCredentialsError,
    MissingResourceError,
    Mistral,
    RateLimitError,
)
from mistral_core.providers import CallTarget, Provider
from mistral_plugin_azure import DEFAULT_API_VERSION, AzureProvider, MistralAzure
from mistral_plugin_ocr.models import OCRResponse
from mistral_testing.samples import sample_value
from tests.payloads import chat_response, chunk, sse, user_says

AZURE = "https://my-resource.services.ai.azure.com"
KEY = "azure-test-key"
CHAT = "/models/chat/completions"
OCR = "/providers/mistral/azure/ocr"
DOCUMENT = {"type": "document_url", "document_url": "https://example.com/paper.pdf"}


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AZURE_API_KEY", "AZURE_ENDPOINT", "AZURE_API_VERSION", "MISTRAL_API_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def azure(sleeps: list[float]) -> Iterator[respx.MockRouter]:
    """The fake Azure deployment; anything else (api.mistral.ai) fails the test."""
    with respx.mock(base_url=AZURE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(azure: respx.MockRouter) -> Iterator[MistralAzure]:
    with MistralAzure(KEY, server_url=AZURE) as azure_client:
        yield azure_client


def ask(client: Mistral, **options: Any) -> Any:
    return client.chat.complete(model="azureai", messages=user_says(), **options)


def api_versions(request: httpx.Request) -> list[str]:
    return request.url.params.get_list("api-version")


def streamed() -> httpx.Response:
    body = sse(chunk("Pa"), chunk("ris", finish_reason="stop"))
    return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})


# --- where calls go ----------------------------------------------------------------------


def test_chat_complete_goes_to_the_deployment_signed_with_its_key(
    client: MistralAzure, azure: respx.MockRouter
) -> None:
    route = azure.post(CHAT).respond(json=chat_response())

    res = ask(client)

    assert res.choices[0].message.content == "Paris"
    request = route.calls.last.request
    assert str(request.url) == f"{AZURE}{CHAT}?api-version={DEFAULT_API_VERSION}"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert json.loads(request.content)["model"] == "azureai"
    assert client.server_url == AZURE


@pytest.mark.anyio
async def test_chat_complete_async(azure: respx.MockRouter) -> None:
    route = azure.post(CHAT).respond(json=chat_response("Lyon"))
    async with MistralAzure(KEY, server_url=AZURE, api_version="2025-01-01") as client:
        res = await client.chat.complete_async(model="azureai", messages=user_says())
    assert res.choices[0].message.content == "Lyon"
    request = route.calls.last.request
    assert request.url.path == CHAT
    assert api_versions(request) == ["2025-01-01"]
    assert request.headers["authorization"] == f"Bearer {KEY}"


def test_chat_stream_yields_typed_events(client: MistralAzure, azure: respx.MockRouter) -> None:
    route = azure.post(CHAT).mock(return_value=streamed())

    with client.chat.stream(model="azureai", messages=user_says()) as events:
        received = list(events)

    assert [event.data.choices[0].delta.content for event in received] == ["Pa", "ris"]
    assert received[-1].data.choices[0].finish_reason == "stop"
    request = route.calls.last.request
    assert request.url.path == CHAT
    assert api_versions(request) == [DEFAULT_API_VERSION]
    assert json.loads(request.content)["stream"] is True


@pytest.mark.anyio
async def test_chat_stream_async(client: MistralAzure, azure: respx.MockRouter) -> None:
    route = azure.post(CHAT).mock(return_value=streamed())

    events = await client.chat.stream_async(model="azureai", messages=user_says())
    async with events:
        contents = [event.data.choices[0].delta.content async for event in events]

    assert contents == ["Pa", "ris"]
    request = route.calls.last.request
    assert request.url.path == CHAT
    assert api_versions(request) == [DEFAULT_API_VERSION]
    await client.aclose()


def test_ocr_goes_to_azures_ocr_path(client: MistralAzure, azure: respx.MockRouter) -> None:
    answer = sample_value(OCRResponse, full=True)
    route = azure.post(OCR).respond(json=answer)

    res = client.ocr.process(model="mistral-document-ai-2505", document=DOCUMENT)

    assert isinstance(res, OCRResponse)
    assert res.model == answer["model"]
    request = route.calls.last.request
    assert str(request.url) == f"{AZURE}{OCR}?api-version={DEFAULT_API_VERSION}"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert json.loads(request.content)["document"] == DOCUMENT


def test_a_call_azure_does_not_serve_is_refused_by_name() -> None:
    provider = AzureProvider(KEY, server_url=AZURE)
    call = CallTarget(
        "fim_completion_v1_fim_completions_post", "/v1/fim/completions", {}, False, AZURE
    )
    with pytest.raises(ValueError, match="/v1/fim/completions"):
        provider.endpoint(call)


@pytest.mark.parametrize("group", ["fim", "embeddings", "files"])
def test_groups_azure_does_not_serve_are_refused(client: MistralAzure, group: str) -> None:
    with pytest.raises(MissingResourceError, match=rf"azure serves only chat, ocr, not {group}"):
        getattr(client, group)


def test_the_provider_meets_the_contract() -> None:
    provider = AzureProvider(KEY, server_url=AZURE + "/")
    assert isinstance(provider, Provider)
    assert provider.name == "azure"
    assert provider.groups == frozenset({"chat", "ocr"})
    assert provider.server_url == AZURE  # no trailing slash


# --- api-version, once -------------------------------------------------------------------


def test_api_version_in_the_server_url_is_not_added_again(azure: respx.MockRouter) -> None:
    route = azure.post(CHAT).respond(json=chat_response())
    client = MistralAzure(KEY, server_url=f"{AZURE}/?api-version=2024-12-01&tenant=a")

    ask(client)
    ask(client, extra_query={"trace": "1"})  # httpx drops a URL's query given params

    for call in route.calls:
        assert call.request.url.path == CHAT
        assert api_versions(call.request) == ["2024-12-01"]
        assert call.request.url.params["tenant"] == "a"
    assert route.calls.last.request.url.params["trace"] == "1"


def test_api_version_in_the_users_httpx_client_is_not_duplicated(
    azure: respx.MockRouter,
) -> None:
    # httpx merges a client's params with a request's by name, the request's winning.
    route = azure.post(CHAT).respond(json=chat_response())
    with httpx.Client(params={"api-version": "from-client", "team": "x"}) as http:
        client = MistralAzure(KEY, server_url=AZURE, client=http)
        ask(client)

    request = route.calls.last.request
    assert api_versions(request) == [DEFAULT_API_VERSION]
    assert request.url.params["team"] == "x"
    assert str(request.url).count("api-version") == 1


def test_api_version_per_call_wins(client: MistralAzure, azure: respx.MockRouter) -> None:
    route = azure.post(CHAT).respond(json=chat_response())
    ask(client, extra_query={"api-version": "2099-01-01"})
    assert api_versions(route.calls.last.request) == ["2099-01-01"]


# --- construction --------------------------------------------------------------------------


def test_defaults_come_from_the_environment(
    azure: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_API_KEY", "env-key")
    monkeypatch.setenv("AZURE_ENDPOINT", AZURE + "/")
    monkeypatch.setenv("AZURE_API_VERSION", "2024-10-01")
    route = azure.post(CHAT).respond(json=chat_response())

    client = MistralAzure()
    ask(client)

    assert client.server_url == AZURE
    request = route.calls.last.request
    assert request.headers["authorization"] == "Bearer env-key"
    assert api_versions(request) == ["2024-10-01"]


def test_mistral_with_provider_azure_is_the_same_client(azure: respx.MockRouter) -> None:
    route = azure.post(CHAT).respond(json=chat_response())

    client = Mistral(provider="azure", api_key=KEY, server_url=AZURE, api_version="2024-11-01")
    ask(client)

    assert client.server_url == AZURE
    request = route.calls.last.request
    assert request.url.path == CHAT
    assert api_versions(request) == ["2024-11-01"]
    assert request.headers["authorization"] == f"Bearer {KEY}"
    with pytest.raises(MissingResourceError, match="azure serves only"):
        _ = client.embeddings


@pytest.mark.parametrize(
    "make", [lambda: MistralAzure(KEY), lambda: Mistral(provider="azure", api_key=KEY)]
)
def test_no_endpoint_is_an_error_when_the_client_is_made(make: Any) -> None:
    with pytest.raises(ValueError, match=r"pass server_url=.* or set the AZURE_ENDPOINT"):
        make()


def test_no_key_is_refused_before_sending(azure: respx.MockRouter) -> None:
    route = azure.post(CHAT).respond(json=chat_response())
    client = MistralAzure(server_url=AZURE)
    with pytest.raises(MissingCredentialsError, match="AZURE_API_KEY"):
        ask(client)
    assert not route.called


def test_the_mistral_key_is_never_sent_to_azure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", "mistral-key")
    client = MistralAzure(server_url=AZURE)
    with pytest.raises(MissingCredentialsError, match="No Azure API key"):
        ask(client)


def test_options_reach_mistral(azure: respx.MockRouter) -> None:
    route = azure.post(CHAT).respond(json=chat_response())
    client = MistralAzure(KEY, server_url=AZURE, http_headers={"x-team": "t1"}, timeout_ms=1500)
    ask(client)
    request = route.calls.last.request
    assert request.headers["x-team"] == "t1"
    assert 0 < request.extensions["timeout"]["read"] <= 1.5  # what is left of timeout_ms


# --- errors ----------------------------------------------------------------------------------


def test_401_is_an_authentication_error(client: MistralAzure, azure: respx.MockRouter) -> None:
    azure.post(CHAT).respond(401, json={"error": {"code": "401", "message": "Access denied"}})
    with pytest.raises(AuthenticationError) as caught:
        ask(client)
    assert caught.value.status_code == 401


def test_429_waits_retry_after_then_raises_rate_limit_error(
    client: MistralAzure, azure: respx.MockRouter, sleeps: list[float]
) -> None:
    busy = httpx.Response(
        429, json={"error": {"message": "Too many"}}, headers={"Retry-After": "2"}
    )
    route = azure.post(CHAT).mock(side_effect=[busy, httpx.Response(200, json=chat_response())])

    assert ask(client).choices[0].message.content == "Paris"
    assert sleeps == [2.0]
    assert route.call_count == 2

    azure.post(CHAT).mock(return_value=busy)
    with pytest.raises(RateLimitError) as caught:
        ask(client, retries=None)
    assert caught.value.headers["retry-after"] == "2"


def test_500_is_an_internal_server_error_with_its_body(
    client: MistralAzure, azure: respx.MockRouter
) -> None:
    body = {"error": {"code": "InternalServerError", "message": "Backend failed"}}
    azure.post(OCR).respond(500, json=body, headers={"x-request-id": "az-1"})
    with pytest.raises(InternalServerError) as caught:
        client.ocr.process(model="mistral-document-ai-2505", document=DOCUMENT, retries=None)
    assert caught.value.body == body
    assert caught.value.request_id == "az-1"


def test_the_official_sdks_argument_names_work(azure: respx.MockRouter) -> None:
    route = azure.post(CHAT).respond(json=chat_response())
    for client in (
        MistralAzure(azure_api_key=KEY, azure_endpoint=AZURE),
        Mistral(provider="azure", azure_api_key=KEY, azure_endpoint=AZURE),
    ):
        assert client.server_url == AZURE
        ask(client)
        assert route.calls.last.request.headers["authorization"] == f"Bearer {KEY}"
    assert route.call_count == 2
    with pytest.raises(TypeError, match="not both"):
        MistralAzure(KEY, azure_api_key=KEY, server_url=AZURE)
