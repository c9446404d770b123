"""Fixtures shared by every test: a fake API (respx), a client, and no real waiting."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest
import respx
from hypothesis import HealthCheck, settings

from mistral_core import Mistral, _transport, polling
from tests.payloads import API_KEY, BASE_URL

# Time is measured in bench/, never asserted: no example fails for being slow on a
# loaded machine (a deadline, or a slow data generation health check).
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")


@pytest.fixture(autouse=True)
def no_server_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``MISTRAL_SERVER_URL`` set where the tests run would send every client elsewhere."""
    monkeypatch.delenv("MISTRAL_SERVER_URL", raising=False)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """The fake Mistral API: add routes with ``api.post(CHAT_PATH).respond(...)``."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between retries, recorded instead of slept (sync and async)."""
    waited: list[float] = []

    async def async_sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(_transport, "sleep", waited.append)
    monkeypatch.setattr(_transport, "async_sleep", async_sleep)
    return waited


@attrs.define
class Clock:
    """The time of a wait for a job, moved by its sleeps only (recorded, never slept)."""

    now: float = 0.0
    sleeps: list[float] = attrs.Factory(list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The waits between the reads of a job (and between retries), recorded instead of
    slept, and the time a wait reads moved by them: a timeout passes at once."""
    moved = Clock()

    async def async_sleep(seconds: float) -> None:
        moved.sleep(seconds)

    monkeypatch.setattr(polling, "monotonic", lambda: moved.now)
    monkeypatch.setattr(_transport, "sleep", moved.sleep)
    monkeypatch.setattr(_transport, "async_sleep", async_sleep)
    return moved


@pytest.fixture
def client(api: respx.MockRouter, sleeps: list[float]) -> Iterator[Mistral]:
    """A client of the fake API, closed after the test."""
    with Mistral(api_key=API_KEY) as mistral:
        yield mistral


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
