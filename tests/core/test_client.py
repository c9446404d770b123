"""The Mistral client: configuration, HTTP clients, timeouts, copies, logging, secrets."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
import respx

from mistral_core import APIConnectionError, APITimeoutError, Mistral, RetryConfig
from mistral_core._http_clients import DEFAULT_TIMEOUT
from tests.payloads import API_KEY, BASE_URL, CHAT_PATH, chat_response, user_says


def ask(client: Mistral, **options: object) -> object:
    return client.chat.complete(model="mistral-small-latest", messages=user_says(), **options)


async def ask_async(client: Mistral) -> object:
    return await client.chat.complete_async(model="mistral-small-latest", messages=user_says())


def timeout_of(route: respx.Route) -> dict[str, float | None]:
    return route.calls.last.request.extensions["timeout"]


def within_timeout_ms(route: respx.Route, seconds: float) -> bool:
    """Each phase of the last request had what was left of ``timeout_ms``: at most all."""
    phases = timeout_of(route)
    return all(value is not None and 0 < value <= seconds for value in phases.values())


# --- HTTP clients: lazy, owned, closed -------------------------------------------------


def test_http_clients_are_created_on_first_use_only(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    client = Mistral(api_key=API_KEY)
    assert client._http._sync is None
    assert not client._http._by_loop
    ask(client)
    assert isinstance(client._http._sync, httpx.Client)
    assert not client._http._by_loop
    client.close()


def test_close_closes_both_owned_clients(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    client = Mistral(api_key=API_KEY)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(ask_async(client))
        ask(client)
        sync_http, async_http = client._http._sync, client._http.async_client(loop)
        assert isinstance(sync_http, httpx.Client)
        assert isinstance(async_http, httpx.AsyncClient)
        client.close()
        assert sync_http.is_closed
        assert async_http.is_closed
    finally:
        loop.close()


def test_sync_with_block_closes_both_clients(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    loop = asyncio.new_event_loop()
    try:
        with Mistral(api_key=API_KEY) as client:
            loop.run_until_complete(ask_async(client))
            ask(client)
            sync_http, async_http = client._http._sync, client._http.async_client(loop)
        assert isinstance(sync_http, httpx.Client)
        assert isinstance(async_http, httpx.AsyncClient)
        assert sync_http.is_closed
        assert async_http.is_closed
    finally:
        loop.close()


@pytest.mark.anyio
async def test_async_with_block_closes_both_clients(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    async with Mistral(api_key=API_KEY) as client:
        await ask_async(client)
        await asyncio.to_thread(ask, client)
        loop = asyncio.get_running_loop()
        sync_http, async_http = client._http._sync, client._http.async_client(loop)
    assert isinstance(sync_http, httpx.Client)
    assert isinstance(async_http, httpx.AsyncClient)
    assert sync_http.is_closed
    assert async_http.is_closed


@pytest.mark.anyio
async def test_user_clients_are_never_closed(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    sync_http, async_http = httpx.Client(), httpx.AsyncClient()
    async with Mistral(api_key=API_KEY, client=sync_http, async_client=async_http) as client:
        await ask_async(client)
        await asyncio.to_thread(ask, client)
    client.close()
    assert not sync_http.is_closed
    assert not async_http.is_closed
    sync_http.close()
    await async_http.aclose()


def test_one_client_across_several_event_loops(api: respx.MockRouter) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    client = Mistral(api_key=API_KEY)
    for _ in range(3):
        result = asyncio.run(ask_async(client))
        assert result.choices[0].message.content == "Paris"  # type: ignore[attr-defined]
    assert route.call_count == 3
    client.close()


def test_object_with_the_httpx_protocol_is_accepted(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())

    class Recorder:
        def __init__(self) -> None:
            self.inner = httpx.Client()
            self.sent: list[httpx.Request] = []

        def build_request(self, method: str, url: str, **kwargs: object) -> httpx.Request:
            return self.inner.build_request(method, url, **kwargs)  # type: ignore[arg-type]

        def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
            self.sent.append(request)
            return self.inner.send(request, stream=stream)

    recorder = Recorder()
    ask(Mistral(api_key=API_KEY, client=recorder))
    assert [r.url.path for r in recorder.sent] == [CHAT_PATH]
    recorder.inner.close()


# --- timeouts --------------------------------------------------------------------------


def test_owned_client_uses_the_default_timeout(api: respx.MockRouter, client: Mistral) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    ask(client)
    assert timeout_of(route) == DEFAULT_TIMEOUT.as_dict()


def test_user_client_timeout_is_respected(api: respx.MockRouter) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    with httpx.Client(timeout=3.5) as http:
        ask(Mistral(api_key=API_KEY, client=http))
    assert timeout_of(route) == httpx.Timeout(3.5).as_dict()


def test_timeout_ms_overrides_the_user_client(api: respx.MockRouter) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    with httpx.Client(timeout=3.5) as http:
        client = Mistral(api_key=API_KEY, client=http, timeout_ms=1500)
        ask(client)
        assert within_timeout_ms(route, 1.5)
        ask(client, timeout_ms=250)
        assert within_timeout_ms(route, 0.25)


def test_timeout_ms_must_be_positive() -> None:
    with pytest.raises(ValueError, match="timeout_ms must be positive"):
        Mistral(api_key=API_KEY, timeout_ms=0)


# --- network failures ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (httpx.ConnectError("connection refused"), APIConnectionError),
        (httpx.ReadError("connection reset by peer"), APIConnectionError),
        (httpx.RemoteProtocolError("peer closed connection"), APIConnectionError),
        (httpx.ConnectTimeout("connect timed out"), APITimeoutError),
        (httpx.ReadTimeout("read timed out"), APITimeoutError),
    ],
)
def test_network_failures_are_our_errors(
    api: respx.MockRouter, failure: httpx.TransportError, expected: type[Exception]
) -> None:
    api.post(CHAT_PATH).mock(side_effect=failure)
    client = Mistral(api_key=API_KEY, retry_config=None)
    with pytest.raises(expected) as caught:
        ask(client)
    assert caught.value.__cause__ is failure
    assert str(failure) in str(caught.value)


@pytest.mark.anyio
async def test_network_failures_are_our_errors_async(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).mock(side_effect=httpx.ConnectError("connection refused"))
    client = Mistral(api_key=API_KEY, retry_config=None)
    with pytest.raises(APIConnectionError, match="connection refused"):
        await ask_async(client)


# --- with_options ----------------------------------------------------------------------


def test_with_options_shares_the_pool_and_changes_defaults(
    api: respx.MockRouter, client: Mistral
) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    ask(client)
    fast = client.with_options(timeout_ms=2000, retry_config=None, http_headers={"x-team": "a"})
    ask(fast)
    assert fast._http is client._http
    assert fast._config.retry_config is None
    assert client._config.retry_config == RetryConfig()
    assert within_timeout_ms(route, 2.0)
    assert route.calls.last.request.headers["x-team"] == "a"
    ask(client)
    assert "x-team" not in route.calls.last.request.headers
    assert timeout_of(route) == DEFAULT_TIMEOUT.as_dict()


def test_with_options_headers_add_to_the_clients(api: respx.MockRouter) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    client = Mistral(api_key=API_KEY, http_headers={"x-app": "demo"})
    ask(client.with_options(http_headers={"x-team": "a"}))
    headers = route.calls.last.request.headers
    assert (headers["x-app"], headers["x-team"]) == ("demo", "a")


# --- secrets and logging ---------------------------------------------------------------


def test_api_key_is_not_in_reprs() -> None:
    client = Mistral(api_key=API_KEY)
    for text in (repr(client), str(client), repr(client._auth), repr(client._config)):
        assert API_KEY not in text


def test_debug_logger_redacts_authorization(
    api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.post(CHAT_PATH).respond(json=chat_response(), headers={"x-request-id": "req-1"})
    logger = logging.getLogger("test.mistral")
    with caplog.at_level(logging.DEBUG, logger="test.mistral"):
        ask(Mistral(api_key=API_KEY, debug_logger=logger))
    text = caplog.text
    assert f"POST {BASE_URL}{CHAT_PATH}" in text
    assert "Response: 200" in text
    assert "req-1" in text
    assert "<redacted>" in text
    assert API_KEY not in text


def test_mistral_debug_env_gives_a_default_logger(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    monkeypatch.setenv("MISTRAL_DEBUG", "1")
    with caplog.at_level(logging.DEBUG, logger="mistral_core"):
        client = Mistral(api_key=API_KEY)
        ask(client)
    assert client._config.logger is logging.getLogger("mistral_core")
    assert "Request: POST" in caplog.text
    assert API_KEY not in caplog.text


def test_no_logger_without_mistral_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MISTRAL_DEBUG", raising=False)
    assert Mistral(api_key=API_KEY)._config.logger is None


def test_each_event_loop_closes_its_async_client_when_it_ends(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    client = Mistral(api_key=API_KEY)
    used: list[httpx.AsyncClient] = []

    async def ask_and_keep() -> None:
        await ask_async(client)
        used.append(client._http.async_client(asyncio.get_running_loop()))  # type: ignore[arg-type]

    asyncio.run(ask_and_keep())
    asyncio.run(ask_and_keep())
    assert len(used) == 2
    assert used[0] is not used[1]
    assert all(http.is_closed for http in used)


@pytest.mark.parametrize("timeout_ms", [0, -5])
def test_bad_timeouts_are_refused_everywhere(client: Mistral, timeout_ms: int) -> None:
    with pytest.raises(ValueError, match="timeout_ms must be positive"):
        client.with_options(timeout_ms=timeout_ms)
    with pytest.raises(ValueError, match="timeout_ms must be positive"):
        ask(client, timeout_ms=timeout_ms)


def test_a_bad_per_call_server_url_is_refused_before_sending(
    api: respx.MockRouter, client: Mistral
) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    with pytest.raises(ValueError, match="must start with http"):
        ask(client, server_url="ftp://files.example.test")
    assert not route.called


def test_retries_must_be_a_retry_config_or_none(client: Mistral) -> None:
    with pytest.raises(TypeError, match="retries must be a RetryConfig or None, got int"):
        Mistral(api_key=API_KEY, retry_config=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got int"):
        client.with_options(retry_config=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got int"):
        ask(client, retries=3)
