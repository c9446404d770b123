"""The GCP provider (mistral-plugin-gcp): Vertex AI URLs, Google credentials, chat and FIM.

Google is faked throughout: credentials are a ``Credentials`` subclass whose refresh is
counted and whose expiry follows a test clock, ``google.auth.default`` is replaced, and
respx answers for Vertex AI. Nothing reaches the network and no test waits on the clock.
"""

from __future__ import annotations

import asyncio
import datetime
import threading
import time
from collections.abc import Iterator
from typing import Any

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google.oauth2.credentials
import httpx
import pytest
import respx

from mistral_core import (
    AuthenticationError,
    InternalServerError,
    MissingCredentialsError,
    Mistral,
    RateLimitError,
)
from mistral_core.plugins import MissingResourceError
from mistral_core.providers import CallTarget, Provider
from mistral_plugin_gcp import (
    SERVER_URL_ENV,
    GCPProvider,
    GoogleAuth,
    MistralGCP,
    MistralGoogleCloud,
    _auth,
)
from mistral_plugin_gcp._transport import HttpxRequest
from mistral_types.chat import CompletionEvent
from tests.payloads import chat_response, chunk, sse, user_says

PROJECT = "my-project"
REGION = "europe-west4"
MODEL = "mistral-small-2503"
VERTEX = f"https://{REGION}-aiplatform.googleapis.com"
MODELS = f"{VERTEX}/v1/projects/{PROJECT}/locations/{REGION}/publishers/mistralai/models"
CHAT_URL = f"{MODELS}/{MODEL}:rawPredict"
STREAM_URL = f"{MODELS}/{MODEL}:streamRawPredict"
GCLOUD_HINT = "gcloud auth application-default login"
START = datetime.datetime(2025, 1, 1, 12, 0, 0)


class Clock:
    """The time the plugin sees (``_auth.utcnow``), moved by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


class FakeCredentials(google.auth.credentials.Credentials):  # type: ignore[misc]
    """Credentials whose refresh is counted and gives a token valid for ``lifetime``."""

    def __init__(
        self,
        clock: Clock,
        *,
        lifetime: datetime.timedelta = datetime.timedelta(hours=1),
        gate: threading.Event | None = None,
        error: Exception | None = None,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.lifetime = lifetime
        self.gate = gate
        self.error = error
        self.refreshes = 0
        self.threads: list[int] = []
        self._count = threading.Lock()

    def refresh(self, request: Any) -> None:
        assert isinstance(request, HttpxRequest)
        with self._count:
            self.refreshes += 1
            number = self.refreshes
        self.threads.append(threading.get_ident())
        if self.gate is not None:
            assert self.gate.wait(5), "the refresh was never let through"
        if self.error is not None:
            raise self.error
        self.token = f"token-{number}"
        self.expiry = self.clock() + self.lifetime


@pytest.fixture(autouse=True)
def no_server_url_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SERVER_URL_ENV, raising=False)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(_auth, "utcnow", fake)
    return fake


@pytest.fixture
def vertex() -> Iterator[respx.MockRouter]:
    """Vertex AI, faked: any request that no route answers fails the test."""
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def credentials(clock: Clock) -> FakeCredentials:
    return FakeCredentials(clock)


@pytest.fixture
def adc(monkeypatch: pytest.MonkeyPatch, credentials: FakeCredentials) -> list[Any]:
    """``google.auth.default`` gives ``credentials`` and the project; returns its calls."""
    calls: list[Any] = []

    def default(**kwargs: Any) -> tuple[FakeCredentials, str]:
        calls.append(kwargs)
        return credentials, PROJECT

    monkeypatch.setattr(google.auth, "default", default)
    return calls


@pytest.fixture
def gcp(vertex: respx.MockRouter, credentials: FakeCredentials) -> Iterator[Mistral]:
    with MistralGCP(project_id=PROJECT, credentials=credentials, retry_config=None) as client:
        yield client


def bearer(route: respx.Route, call: int = -1) -> str:
    return str(route.calls[call].request.headers["authorization"])


def target(path: str = "/v1/chat/completions", body: Any = None, *, stream: bool = False) -> Any:
    body = {"model": MODEL, "messages": user_says()} if body is None else body
    return CallTarget("op", path, body, stream, "https://unused")


# --- URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "project", "model", "url"),
    [
        (
            "europe-west4",
            "my-project",
            "mistral-large-2411",
            "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project"
            "/locations/europe-west4/publishers/mistralai/models/mistral-large-2411:rawPredict",
        ),
        (
            "us-central1",
            "acme-123456",
            "codestral-2501",
            "https://us-central1-aiplatform.googleapis.com/v1/projects/acme-123456"
            "/locations/us-central1/publishers/mistralai/models/codestral-2501:rawPredict",
        ),
        (
            "global",
            "p",
            "mistral-medium-3",
            "https://aiplatform.googleapis.com/v1/projects/p"
            "/locations/global/publishers/mistralai/models/mistral-medium-3:rawPredict",
        ),
        (
            "us-east5",
            "p",
            "mistral-large@2407",
            "https://us-east5-aiplatform.googleapis.com/v1/projects/p"
            "/locations/us-east5/publishers/mistralai/models/mistral-large%402407:rawPredict",
        ),
        (
            "europe-west4",
            "p",
            "a/b c?d",
            "https://europe-west4-aiplatform.googleapis.com/v1/projects/p"
            "/locations/europe-west4/publishers/mistralai/models/a%2Fb%20c%3Fd:rawPredict",
        ),
    ],
)
def test_the_url_names_region_project_and_escaped_model(
    region: str, project: str, model: str, url: str
) -> None:
    provider = GCPProvider(project_id=project, region=region, access_token="t")
    call = CallTarget("op", "/v1/chat/completions", {"model": model}, False, provider.server_url)
    assert isinstance(provider, Provider)
    assert provider.endpoint(call).url == url
    assert provider.endpoint(call).params == {}
    streamed = CallTarget("op", "/v1/fim/completions", {"model": model}, True, provider.server_url)
    assert provider.endpoint(streamed).url == url.replace(":rawPredict", ":streamRawPredict")


def test_server_urls() -> None:
    assert GCPProvider(project_id="p", access_token="t").server_url == VERTEX
    assert GCPProvider(project_id="p", region="asia-southeast1", access_token="t").server_url == (
        "https://asia-southeast1-aiplatform.googleapis.com"
    )
    assert GCPProvider(project_id="p", region="global", access_token="t").server_url == (
        "https://aiplatform.googleapis.com"
    )


def test_other_calls_and_missing_models_are_refused() -> None:
    provider = GCPProvider(project_id="p", access_token="t")
    with pytest.raises(ValueError, match="Vertex AI serves only"):
        provider.endpoint(target("/v1/embeddings", {"model": "mistral-embed"}))
    with pytest.raises(ValueError, match="needs the model"):
        provider.endpoint(target(body={"messages": user_says()}))
    with pytest.raises(ValueError, match="needs the model"):
        provider.endpoint(CallTarget("op", "/v1/chat/completions", None, False, "x"))


@pytest.mark.parametrize("region", ["", "europe west4", "evil.com/x", "EU"])
def test_bad_regions_are_refused(region: str) -> None:
    with pytest.raises(ValueError, match="region"):
        GCPProvider(project_id="p", region=region, access_token="t")


def test_fixed_token_needs_a_project() -> None:
    with pytest.raises(TypeError, match="project_id"):
        GCPProvider(access_token="t")


# --- chat and FIM through the provider ----------------------------------------------------


def test_chat_complete(gcp: Mistral, vertex: respx.MockRouter) -> None:
    route = vertex.post(CHAT_URL).respond(json=chat_response("Bonjour"))
    result = gcp.chat.complete(model=MODEL, messages=user_says())
    assert result.choices[0].message.content == "Bonjour"
    sent = route.calls.last.request
    assert sent.headers["authorization"] == "Bearer token-1"
    assert b'"model":"mistral-small-2503"' in sent.content.replace(b" ", b"")


@pytest.mark.anyio
async def test_chat_complete_async(gcp: Mistral, vertex: respx.MockRouter) -> None:
    route = vertex.post(CHAT_URL).respond(json=chat_response("Bonjour"))
    result = await gcp.chat.complete_async(model=MODEL, messages=user_says())
    assert result.choices[0].message.content == "Bonjour"
    assert bearer(route) == "Bearer token-1"


def test_chat_stream_yields_typed_events(gcp: Mistral, vertex: respx.MockRouter) -> None:
    body = sse(chunk("Bon"), chunk("jour", finish_reason="stop"))
    route = vertex.post(STREAM_URL).respond(
        content=body, headers={"content-type": "text/event-stream"}
    )
    with gcp.chat.stream(model=MODEL, messages=user_says()) as events:
        received = list(events)
    assert all(isinstance(event, CompletionEvent) for event in received)
    assert [e.data.choices[0].delta.content for e in received] == ["Bon", "jour"]
    assert bearer(route) == "Bearer token-1"


@pytest.mark.anyio
async def test_chat_stream_async(gcp: Mistral, vertex: respx.MockRouter) -> None:
    body = sse(chunk("Bon"), chunk("jour"))
    vertex.post(STREAM_URL).respond(content=body, headers={"content-type": "text/event-stream"})
    async with await gcp.chat.stream_async(model=MODEL, messages=user_says()) as events:
        assert [e.data.choices[0].delta.content async for e in events] == ["Bon", "jour"]


def test_fim_complete_and_stream(gcp: Mistral, vertex: respx.MockRouter) -> None:
    codestral = f"{MODELS}/codestral-2501"
    route = vertex.post(f"{codestral}:rawPredict").respond(json=chat_response("a + b"))
    result = gcp.fim.complete(model="codestral-2501", prompt="def add(a, b):", suffix="")
    assert result.choices[0].message.content == "a + b"
    assert b"def add" in route.calls.last.request.content
    vertex.post(f"{codestral}:streamRawPredict").respond(
        content=sse(chunk("a"), chunk(" + b")), headers={"content-type": "text/event-stream"}
    )
    with gcp.fim.stream(model="codestral-2501", prompt="def add(a, b):") as events:
        assert [e.data.choices[0].delta.content for e in events] == ["a", " + b"]


@pytest.mark.anyio
async def test_fim_complete_async(gcp: Mistral, vertex: respx.MockRouter) -> None:
    vertex.post(f"{MODELS}/codestral-2501:rawPredict").respond(json=chat_response("a + b"))
    result = await gcp.fim.complete_async(model="codestral-2501", prompt="def add(a, b):")
    assert result.choices[0].message.content == "a + b"


def test_mistral_provider_gcp_by_name(
    vertex: respx.MockRouter, credentials: FakeCredentials
) -> None:
    url = (
        "https://us-central1-aiplatform.googleapis.com/v1/projects/other/locations/"
        f"us-central1/publishers/mistralai/models/{MODEL}:rawPredict"
    )
    route = vertex.post(url).respond(json=chat_response())
    client = Mistral(
        provider="gcp", project_id="other", region="us-central1", credentials=credentials
    )
    with client:
        client.chat.complete(model=MODEL, messages=user_says())
    assert bearer(route) == "Bearer token-1"


def test_a_fixed_access_token_skips_google(
    vertex: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_default(**kwargs: Any) -> Any:
        raise AssertionError("google.auth.default() was called")

    monkeypatch.setattr(google.auth, "default", no_default)
    route = vertex.post(CHAT_URL).respond(json=chat_response())
    with MistralGoogleCloud(project_id=PROJECT, access_token="ya29.fixed") as client:
        client.chat.complete(model=MODEL, messages=user_says())
    with Mistral(provider="gcp", api_key="ya29.key", project_id=PROJECT) as client:
        client.chat.complete(model=MODEL, messages=user_says())
    assert [bearer(route, 0), bearer(route, 1)] == ["Bearer ya29.fixed", "Bearer ya29.key"]


def test_other_groups_are_refused(gcp: Mistral) -> None:
    for group in ("ocr", "embeddings", "files"):
        with pytest.raises(MissingResourceError, match=f"gcp serves only chat, fim, not {group}"):
            getattr(gcp, group)


# --- errors from Vertex -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, AuthenticationError), (429, RateLimitError), (500, InternalServerError)],
)
def test_vertex_errors_are_the_cores(
    gcp: Mistral, vertex: respx.MockRouter, status: int, error: type[Exception]
) -> None:
    body = {"error": {"code": status, "message": "Vertex says no", "status": "X"}}
    vertex.post(CHAT_URL).respond(status, json=body)
    with pytest.raises(error) as raised:
        gcp.chat.complete(model=MODEL, messages=user_says())
    assert raised.value.status_code == status  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_a_retry_goes_to_vertex_again_signed(
    vertex: respx.MockRouter, credentials: FakeCredentials, sleeps: list[float]
) -> None:
    route = vertex.post(CHAT_URL)
    route.side_effect = [httpx.Response(503), httpx.Response(200, json=chat_response())]
    async with MistralGCP(project_id=PROJECT, credentials=credentials) as client:
        await client.chat.complete_async(model=MODEL, messages=user_says())
    assert route.call_count == 2
    assert bearer(route, 1) == "Bearer token-1"
    assert len(sleeps) == 1


# --- credentials: found lazily, refreshed before they expire --------------------------------


def test_nothing_is_looked_up_before_the_first_request(
    vertex: respx.MockRouter, adc: list[Any], credentials: FakeCredentials
) -> None:
    client = MistralGCP(region=REGION)
    Mistral(provider="gcp")
    assert adc == []
    assert credentials.refreshes == 0
    route = vertex.post(CHAT_URL).respond(json=chat_response())
    client.chat.complete(model=MODEL, messages=user_says())
    client.chat.complete(model=MODEL, messages=user_says())
    assert adc == [{"scopes": ["https://www.googleapis.com/auth/cloud-platform"]}]
    assert route.call_count == 2  # the project came from google.auth.default()
    assert credentials.refreshes == 1
    client.close()


def test_refreshed_on_first_use_not_while_valid_again_when_expiring(
    gcp: Mistral, vertex: respx.MockRouter, credentials: FakeCredentials, clock: Clock
) -> None:
    route = vertex.post(CHAT_URL).respond(json=chat_response())

    def complete() -> str:
        gcp.chat.complete(model=MODEL, messages=user_says())
        return bearer(route)

    assert complete() == "Bearer token-1"
    clock.advance(minutes=50)
    assert complete() == "Bearer token-1"
    assert credentials.refreshes == 1
    clock.advance(minutes=6)  # 4 minutes left: refreshed a bit early
    assert complete() == "Bearer token-2"
    clock.advance(hours=3)  # long expired
    assert complete() == "Bearer token-3"
    assert credentials.refreshes == 3


def test_the_quota_project_is_sent(vertex: respx.MockRouter, clock: Clock) -> None:
    credentials = FakeCredentials(clock)
    credentials._quota_project_id = "billing-project"
    route = vertex.post(CHAT_URL).respond(json=chat_response())
    with MistralGCP(project_id=PROJECT, credentials=credentials) as client:
        client.chat.complete(model=MODEL, messages=user_says())
    assert route.calls.last.request.headers["x-goog-user-project"] == "billing-project"


def test_50_threads_refresh_once(credentials: FakeCredentials, clock: Clock) -> None:
    auth = GCPProvider(project_id=PROJECT, credentials=credentials).auth()
    auth.sign(httpx.Request("POST", CHAT_URL))
    clock.advance(hours=2)
    credentials.refreshes = 0
    credentials.gate = threading.Event()
    start = threading.Barrier(50)
    signed: list[str] = []

    def sign() -> None:
        request = httpx.Request("POST", CHAT_URL)
        start.wait()
        auth.sign(request)
        signed.append(request.headers["authorization"])

    threads = [threading.Thread(target=sign) for _ in range(50)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while credentials.refreshes == 0:  # the first thread is refreshing: let all pile up
        assert time.monotonic() < deadline, "no thread started refreshing"
        time.sleep(0.001)
    time.sleep(0.02)
    credentials.gate.set()
    for thread in threads:
        thread.join(5)
    assert credentials.refreshes == 1
    assert signed == ["Bearer token-1"] * 50


@pytest.mark.anyio
async def test_50_tasks_refresh_once(
    gcp: Mistral, vertex: respx.MockRouter, credentials: FakeCredentials, clock: Clock
) -> None:
    route = vertex.post(CHAT_URL).respond(json=chat_response())
    await gcp.chat.complete_async(model=MODEL, messages=user_says())
    clock.advance(hours=2)
    await asyncio.gather(
        *(gcp.chat.complete_async(model=MODEL, messages=user_says()) for _ in range(50))
    )
    assert credentials.refreshes == 2
    assert route.call_count == 51
    assert {bearer(route, n) for n in range(1, 51)} == {"Bearer token-2"}


@pytest.mark.anyio
async def test_an_async_refresh_does_not_block_the_loop(credentials: FakeCredentials) -> None:
    credentials.gate = threading.Event()
    auth = GCPProvider(project_id=PROJECT, credentials=credentials).auth()
    assert isinstance(auth, GoogleAuth)
    request = httpx.Request("POST", CHAT_URL)
    ran: list[str] = []

    async def meanwhile() -> None:
        for _ in range(5):
            await asyncio.sleep(0)
        ran.append("other task")
        assert credentials.refreshes == 1  # the refresh is under way, in its thread
        credentials.gate.set()  # were the loop blocked by it, this would never run

    await asyncio.gather(auth.async_sign(request), meanwhile())
    assert ran == ["other task"]
    assert request.headers["authorization"] == "Bearer token-1"
    assert credentials.threads != [threading.get_ident()]


# --- missing or broken credentials -----------------------------------------------------------


def test_missing_credentials_say_what_to_do_and_send_nothing(
    vertex: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def default(**kwargs: Any) -> Any:
        raise google.auth.exceptions.DefaultCredentialsError("Your default credentials...")

    monkeypatch.setattr(google.auth, "default", default)
    route = vertex.route()
    for client in (MistralGCP(), MistralGCP(project_id=PROJECT)):  # found in endpoint / sign
        with pytest.raises(MissingCredentialsError, match=GCLOUD_HINT) as raised:
            client.chat.complete(model=MODEL, messages=user_says())
        assert isinstance(raised.value.__cause__, google.auth.exceptions.DefaultCredentialsError)
    assert not route.called


@pytest.mark.anyio
async def test_missing_credentials_async(
    vertex: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def default(**kwargs: Any) -> Any:
        raise google.auth.exceptions.DefaultCredentialsError("no ADC")

    monkeypatch.setattr(google.auth, "default", default)
    route = vertex.route()
    with pytest.raises(MissingCredentialsError, match=GCLOUD_HINT):
        await MistralGCP(project_id=PROJECT).chat.complete_async(model=MODEL, messages=[])
    assert not route.called


@pytest.mark.anyio
async def test_a_failed_refresh_is_one_clear_error(vertex: respx.MockRouter, clock: Clock) -> None:
    broken = google.auth.exceptions.RefreshError("invalid_grant: Token has been revoked.")
    credentials = FakeCredentials(clock, error=broken)
    route = vertex.route()
    client = MistralGCP(project_id=PROJECT, credentials=credentials)
    with pytest.raises(MissingCredentialsError, match=GCLOUD_HINT) as raised:
        client.chat.complete(model=MODEL, messages=user_says())
    assert raised.value.__cause__ is broken
    assert "Token has been revoked" in str(raised.value)
    with pytest.raises(MissingCredentialsError, match=GCLOUD_HINT):
        await client.chat.complete_async(model=MODEL, messages=user_says())
    assert not route.called


def test_no_project_anywhere(monkeypatch: pytest.MonkeyPatch, credentials: FakeCredentials) -> None:
    monkeypatch.setattr(google.auth, "default", lambda **kwargs: (credentials, None))
    with pytest.raises(MissingCredentialsError, match="project_id"):
        MistralGCP().chat.complete(model=MODEL, messages=user_says())


# --- google-auth's own credentials, refreshed through httpx ---------------------------------


def test_real_user_credentials_refresh_through_httpx(vertex: respx.MockRouter) -> None:
    token_route = vertex.post("https://oauth2.googleapis.com/token").respond(
        json={"access_token": "ya29.fresh", "expires_in": 3599, "token_type": "Bearer"}
    )
    route = vertex.post(CHAT_URL).respond(json=chat_response())
    credentials = google.oauth2.credentials.Credentials(
        token=None,
        refresh_token="1//refresh",
        client_id="id.apps.googleusercontent.com",
        client_secret="secret",
        token_uri="https://oauth2.googleapis.com/token",
    )
    with MistralGCP(project_id=PROJECT, credentials=credentials) as client:
        client.chat.complete(model=MODEL, messages=user_says())
        client.chat.complete(model=MODEL, messages=user_says())
    assert token_route.call_count == 1
    assert b"refresh_token=1%2F%2Frefresh" in token_route.calls.last.request.content
    assert bearer(route) == "Bearer ya29.fresh"


def test_transport_failures_become_google_transport_errors(vertex: respx.MockRouter) -> None:
    vertex.get("https://metadata.example/token").mock(side_effect=httpx.ConnectError("down"))
    with pytest.raises(google.auth.exceptions.TransportError):
        HttpxRequest()("https://metadata.example/token")
    vertex.get("https://metadata.example/ok").respond(201, content=b"x", headers={"a": "b"})
    response = HttpxRequest()("https://metadata.example/ok", headers={"k": "v"}, timeout=3)
    assert (response.status, response.headers["a"], response.data) == (201, "b", b"x")


def test_a_server_url_replaces_the_host(
    vertex: respx.MockRouter, credentials: FakeCredentials
) -> None:
    proxy = "https://vertex-proxy.example.com"
    route = vertex.post(
        f"{proxy}/v1/projects/{PROJECT}/locations/{REGION}/publishers/mistralai/models/{MODEL}:rawPredict"
    )
    route.respond(json=chat_response())
    with MistralGCP(project_id=PROJECT, credentials=credentials, server_url=proxy) as client:
        client.chat.complete(model=MODEL, messages=user_says())
    assert route.called


def test_the_server_url_env_replaces_the_host_below_an_explicit_one(
    vertex: respx.MockRouter, credentials: FakeCredentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = "http://vertex-proxy.example.com:8080"
    monkeypatch.setenv(SERVER_URL_ENV, f" {proxy}/ ")
    route = vertex.post(f"{proxy}{MODELS.removeprefix(VERTEX)}/{MODEL}:rawPredict")
    route.respond(json=chat_response())
    with MistralGCP(project_id=PROJECT, region=REGION, credentials=credentials) as client:
        assert client.server_url == proxy
        client.chat.complete(model=MODEL, messages=user_says())
    assert route.called
    assert Mistral(provider="gcp", project_id="p", access_token="t").server_url == proxy
    explicit = MistralGCP(project_id="p", access_token="t", server_url="https://psc.example")
    assert explicit.server_url == "https://psc.example"


def test_a_blank_server_url_env_is_ignored_and_a_bad_one_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SERVER_URL_ENV, "  ")
    assert GCPProvider(project_id="p", access_token="t").server_url == VERTEX
    monkeypatch.setenv(SERVER_URL_ENV, "vertex-proxy.example.com")
    with pytest.raises(ValueError, match=SERVER_URL_ENV):
        GCPProvider(project_id="p", access_token="t")
