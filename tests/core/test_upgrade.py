"""``Resource._upgrade_async``: the request of a call another protocol carries (a WebSocket),
with the URL, query, headers and credential of every call, and nothing sent."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import respx
from typing_extensions import Unpack

from mistral_core import BearerAuth, MissingCredentialsError, Mistral, Operation
from mistral_core.providers import CallTarget, Endpoint
from mistral_core.resource import CallOptions, Resource, Upgrade

SOCKET: Operation[Any, Any] = Operation("socket_open", "GET", "/v1/socket")


class Socket(Resource):
    async def upgrade(self, **options: Unpack[CallOptions]) -> Upgrade:
        return await self._upgrade_async(SOCKET, options, query={"model": "m"})


def upgrade_of(client: Mistral, **options: Unpack[CallOptions]) -> Upgrade:
    with respx.mock() as nothing_sent:
        upgrade = asyncio.run(Socket(client).upgrade(**options))
    assert not nothing_sent.calls
    return upgrade


def test_the_request_is_every_calls_signed() -> None:
    client = Mistral(
        api_key="sk-key",
        http_headers={"x-app": "demo"},
        timeout_ms=2000,
        max_event_bytes=4096,
    )
    upgrade = upgrade_of(client, http_headers={"x-trace": "t"})
    request = upgrade.request
    assert (request.method, str(request.url)) == (
        "GET",
        "https://api.mistral.ai/v1/socket?model=m",
    )
    assert request.headers["authorization"] == "Bearer sk-key"
    assert request.headers["x-app"] == "demo"
    assert request.headers["x-trace"] == "t"
    assert request.headers["user-agent"].startswith("mistral-core/")
    assert upgrade.timeout is not None
    assert 0 < upgrade.timeout <= 2.0
    assert upgrade.max_message_bytes == 4096


def test_per_call_options_and_no_timeout() -> None:
    upgrade = upgrade_of(Mistral(api_key="sk-key"), server_url="http://127.0.0.1:9/base")
    assert str(upgrade.request.url) == "http://127.0.0.1:9/base/v1/socket?model=m"
    assert upgrade.timeout is None


class Cloud:
    name = "cloud"
    groups = None
    server_url = "https://models.cloud.example"

    def auth(self) -> BearerAuth:
        return BearerAuth("cloud-key")

    def endpoint(self, call: CallTarget) -> Endpoint:
        return Endpoint(f"{call.server_url}/east{call.path}", {"api-version": "2"})


def test_a_provider_says_where_and_signs() -> None:
    request = upgrade_of(Mistral(provider=Cloud())).request
    assert str(request.url) == "https://models.cloud.example/east/v1/socket?api-version=2&model=m"
    assert request.headers["authorization"] == "Bearer cloud-key"


def test_no_credential_is_refused_before_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    with pytest.raises(MissingCredentialsError):
        upgrade_of(Mistral())
