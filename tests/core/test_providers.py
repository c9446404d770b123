"""The provider contract: a cloud's URLs, auth and groups, plugged into the core."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from mistral_core import BearerAuth, MissingResourceError, Mistral, plugins
from mistral_core.plugins import EntryPoint
from mistral_core.providers import CallTarget, Endpoint, Provider
from tests.payloads import CHAT_PATH, chat_response, chunk, sse, user_says

CLOUD = "https://models.cloud.example"


class Cloud:
    """A provider as a third party writes one: chat only, the model in the URL."""

    name = "cloud"
    groups = frozenset({"chat"})
    server_url = CLOUD

    def __init__(self, api_key: str | None = None, *, region: str = "west") -> None:
        self.api_key = api_key or "cloud-key"
        self.region = region
        self.seen: list[CallTarget] = []

    def auth(self) -> BearerAuth:
        return BearerAuth(self.api_key)

    def endpoint(self, call: CallTarget) -> Endpoint:
        self.seen.append(call)
        if call.path != CHAT_PATH:
            raise ValueError(f"{call.path} is not served on the cloud")
        verb = "stream" if call.stream else "invoke"
        url = f"{call.server_url}/{self.region}/models/{call.body['model']}/{verb}"
        return Endpoint(url, {"api-version": "1"})


@pytest.fixture
def cloud_api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=CLOUD) as router:
        yield router


def ask(client: Mistral, **options: Any) -> Any:
    return client.chat.complete(model="small", messages=user_says(), **options)


def test_a_provider_sets_url_query_auth_and_sees_the_call(cloud_api: respx.MockRouter) -> None:
    route = cloud_api.post("/west/models/small/invoke").respond(json=chat_response())
    cloud = Cloud()
    client = Mistral(provider=cloud)
    assert ask(client).choices[0].message.content == "Paris"
    request = route.calls.last.request
    assert request.url.params["api-version"] == "1"
    assert request.headers["authorization"] == "Bearer cloud-key"
    assert json.loads(request.content)["model"] == "small"
    assert client.server_url == CLOUD
    assert cloud.seen[-1] == CallTarget(
        "chat_completion_v1_chat_completions_post",
        CHAT_PATH,
        {"model": "small", "messages": user_says()},
        False,
        CLOUD,
    )
    assert isinstance(cloud, Provider)


def test_the_call_s_query_wins_over_the_provider_s(cloud_api: respx.MockRouter) -> None:
    route = cloud_api.post("/west/models/small/invoke").respond(json=chat_response())
    ask(Mistral(provider=Cloud()), extra_query={"api-version": "2"})
    assert route.calls.last.request.url.params.get_list("api-version") == ["2"]


def test_streams_go_where_the_provider_says(cloud_api: respx.MockRouter) -> None:
    cloud_api.post("/west/models/small/stream").respond(
        content=sse(chunk("Hi")), headers={"content-type": "text/event-stream"}
    )
    client = Mistral(provider=Cloud())
    with client.chat.stream(model="small", messages=user_says()) as events:
        assert [e.data.choices[0].delta.content for e in events] == ["Hi"]


def test_given_server_url_and_auth_win_over_the_provider_s() -> None:
    with respx.mock(base_url="https://proxy.example") as proxy:
        route = proxy.post("/west/models/small/invoke").respond(json=chat_response())
        ask(Mistral(provider=Cloud(), server_url="https://proxy.example", api_key="x"))
    assert route.calls.last.request.headers["authorization"] == "Bearer cloud-key"
    with respx.mock(base_url=CLOUD) as cloud_api:
        route = cloud_api.post("/west/models/small/invoke").respond(json=chat_response())
        ask(Mistral(provider=Cloud(), auth=BearerAuth("mine")))
    assert route.calls.last.request.headers["authorization"] == "Bearer mine"


def test_only_the_served_groups_mount() -> None:
    client = Mistral(provider=Cloud())
    assert client.chat is not None
    with pytest.raises(MissingResourceError, match="cloud serves only chat, not fim"):
        client.fim  # noqa: B018


def test_a_call_the_cloud_does_not_serve_fails_before_sending() -> None:
    class Everything(Cloud):
        groups = None  # type: ignore[assignment]

    with respx.mock(base_url=CLOUD, assert_all_called=False) as cloud_api:
        route = cloud_api.route().respond(json={})
        with pytest.raises(ValueError, match="/v1/fim/completions is not served"):
            Mistral(provider=Everything()).fim.complete(model="codestral", prompt="def")
    assert not route.called


@pytest.fixture
def providers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EntryPoint]]:
    installed = [EntryPoint("chat", "mistral_plugin_chat:Chat", plugins.RESOURCES_GROUP)]
    monkeypatch.setattr(plugins, "_all_entry_points", lambda: installed)
    plugins.installed.cache_clear()
    yield installed
    plugins.installed.cache_clear()


def test_a_provider_by_name_gets_the_api_key_and_its_options(
    providers: list[EntryPoint], cloud_api: respx.MockRouter
) -> None:
    providers.append(
        EntryPoint("cloud", "tests.core.test_providers:Cloud", plugins.PROVIDERS_GROUP)
    )
    route = cloud_api.post("/east/models/small/invoke").respond(json=chat_response())
    ask(Mistral(api_key="named-key", provider="cloud", region="east"))
    assert route.calls.last.request.headers["authorization"] == "Bearer named-key"


def test_an_unknown_provider_names_the_package_to_install(providers: list[EntryPoint]) -> None:
    with pytest.raises(
        ValueError, match="no provider 'gcp' is installed: pip install mistral-plugin-gcp"
    ):
        Mistral(provider="gcp")
    with pytest.raises(ValueError, match=r"no provider 'nimbus' is installed$"):
        Mistral(provider="nimbus")


def test_options_without_a_provider_are_typos() -> None:
    with pytest.raises(
        TypeError,
        match=r"^Mistral\(\) got an unexpected keyword argument 'timeout'; "
        r"did you mean 'timeout_ms'\?$",
    ):
        Mistral(api_key="x", timeout=5)
    with pytest.raises(
        TypeError, match=r"^Mistral\(\) got an unexpected keyword argument 'region'$"
    ):
        Mistral(provider=Cloud(), region="east")


def test_with_options_keeps_the_provider(cloud_api: respx.MockRouter) -> None:
    route = cloud_api.post("/west/models/small/invoke").respond(json=chat_response())
    ask(Mistral(provider=Cloud()).with_options(timeout_ms=1000))
    assert route.called
    assert isinstance(route.calls.last.request, httpx.Request)
