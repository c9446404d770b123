"""Where a client sends its calls: named servers, ``server_url``, ``MISTRAL_SERVER_URL``."""

from __future__ import annotations

import pytest
import respx

from mistral_core import SERVERS, BearerAuth, Mistral
from mistral_core.providers import CallTarget, Endpoint
from tests.payloads import API_KEY, CHAT_PATH, chat_response, user_says

GATEWAY = "https://gateway.example.test"


def ask(client: Mistral, **options: object) -> object:
    return client.chat.complete(model="mistral-small-latest", messages=user_says(), **options)


class Cloud:
    """A provider with its own base URL."""

    name = "cloud"
    groups: frozenset[str] | None = None
    server_url = "https://models.cloud.example"

    def auth(self) -> BearerAuth:
        return BearerAuth("cloud-key")

    def endpoint(self, call: CallTarget) -> Endpoint:
        return Endpoint(call.server_url + call.path)


# --- named servers -----------------------------------------------------------------------


def test_the_servers_are_the_official_sdk_s() -> None:
    assert dict(SERVERS) == {
        "global": "https://api.mistral.ai",
        "eu": "https://api.eu.mistral.ai",
        "us": "https://api.us.mistral.ai",
    }


def test_the_default_server_is_global(client: Mistral) -> None:
    assert client.server_url == "https://api.mistral.ai"


@pytest.mark.parametrize("name", ["global", "eu", "us"])
def test_each_named_server_is_where_calls_go(name: str, sleeps: list[float]) -> None:
    with respx.mock(base_url=SERVERS[name]) as api:
        route = api.post(CHAT_PATH).respond(json=chat_response())
        client = Mistral(api_key=API_KEY, server=name)
        assert client.server_url == SERVERS[name]
        ask(client)
    assert route.called


def test_eu_is_not_the_global_server() -> None:
    """Who asks for the EU server for data residency must never reach the global one."""
    assert Mistral(api_key=API_KEY, server="eu").server_url == "https://api.eu.mistral.ai"


def test_an_unknown_server_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown server 'mars' \(known servers: global, eu, us"):
        Mistral(api_key=API_KEY, server="mars")


@pytest.mark.parametrize(("given", "meant"), [("EU", "eu"), (" us", "us"), ("globl", "global")])
def test_a_misspelt_server_suggests_the_name_meant(given: str, meant: str) -> None:
    with pytest.raises(ValueError, match=rf"unknown server '{given}'; did you mean '{meant}'\?"):
        Mistral(api_key=API_KEY, server=given)


def test_a_server_that_is_not_a_name_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"server must be a name \(one of global, eu, us\)"):
        Mistral(api_key=API_KEY, server=1)  # type: ignore[arg-type]


# --- server_url ----------------------------------------------------------------------------


def test_server_url_wins_over_server_and_takes_url_params(sleeps: list[float]) -> None:
    with respx.mock(base_url="https://eu.example.test/v2") as api:
        route = api.post(CHAT_PATH).respond(json=chat_response())
        client = Mistral(
            api_key=API_KEY,
            server="eu",
            server_url="https://{region}.example.test/{version}/",
            url_params={"region": "eu", "version": "v2"},
        )
        ask(client)
    assert route.called
    assert client.server_url == "https://eu.example.test/v2"


def test_server_url_missing_url_params_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"url_params for \['region'\]"):
        Mistral(api_key=API_KEY, server_url="https://{region}.example.test")


def test_server_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="must start with http"):
        Mistral(api_key=API_KEY, server_url="api.mistral.ai")


def test_server_url_must_be_a_str() -> None:
    with pytest.raises(TypeError, match="server_url must be a str, got int"):
        Mistral(api_key=API_KEY, server_url=8000)  # type: ignore[arg-type]


def test_per_call_server_url(client: Mistral) -> None:
    with respx.mock(base_url="https://other.example.test") as other:
        route = other.post(CHAT_PATH).respond(json=chat_response())
        ask(client, server_url="https://other.example.test/")
    assert route.called


# --- MISTRAL_SERVER_URL --------------------------------------------------------------------


def test_the_environment_gives_the_default_server_url(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    monkeypatch.setenv("MISTRAL_SERVER_URL", GATEWAY + "/mistral/")
    with respx.mock(base_url=GATEWAY + "/mistral") as gateway:
        route = gateway.post(CHAT_PATH).respond(json=chat_response())
        client = Mistral(api_key=API_KEY)
        ask(client)
    assert client.server_url == GATEWAY + "/mistral"
    assert route.called


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"server_url": "https://explicit.example.test"}, "https://explicit.example.test"),
        ({"server": "eu"}, "https://api.eu.mistral.ai"),
        ({"server": "global"}, "https://api.mistral.ai"),
        ({"provider": Cloud()}, "https://models.cloud.example"),
    ],
    ids=["server_url", "server-eu", "server-global", "provider"],
)
def test_an_argument_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, arguments: dict[str, object], expected: str
) -> None:
    monkeypatch.setenv("MISTRAL_SERVER_URL", GATEWAY)
    assert Mistral(api_key=API_KEY, **arguments).server_url == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_variable_is_no_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MISTRAL_SERVER_URL", value)
    assert Mistral(api_key=API_KEY).server_url == "https://api.mistral.ai"


def test_a_bad_variable_is_an_error_that_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISTRAL_SERVER_URL", "localhost:8000")
    with pytest.raises(
        ValueError, match=r"^MISTRAL_SERVER_URL: server_url must start with http:// or https://"
    ):
        Mistral(api_key=API_KEY)


def test_the_variable_takes_url_params(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISTRAL_SERVER_URL", "https://{host}/mistral")
    client = Mistral(api_key=API_KEY, url_params={"host": "gw.example.test"})
    assert client.server_url == "https://gw.example.test/mistral"
    with pytest.raises(ValueError, match=r"^MISTRAL_SERVER_URL: server_url needs url_params"):
        Mistral(api_key=API_KEY)


def test_the_variable_is_read_when_a_client_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copies keep their client's URL; the variable is not a per-call setting."""
    client = Mistral(api_key=API_KEY)
    monkeypatch.setenv("MISTRAL_SERVER_URL", GATEWAY)
    assert client.with_options(timeout_ms=1000).server_url == "https://api.mistral.ai"
    assert Mistral(api_key=API_KEY).server_url == GATEWAY
