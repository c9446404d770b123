"""The pytest plugin of mistral-testing: the ``mistral_mock`` fixture, a fake Mistral API,
and ``mistral_server``, the local fake server over real HTTP and WebSockets.

Registered by the ``pytest11`` entry point ``mistral`` (``pytest -p no:mistral`` turns
it off). Importing it costs a test run nothing: respx and the fakes are imported only
by a test that uses a fixture. See ``docs/testing.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._mock import MistralMock
    from .server import FakeServer

__all__ = ["MistralMock", "mistral_mock", "mistral_server"]

FAKE_SERVER_KEY = "sk-mistral-server"
"""The key the clients of a ``mistral_server`` test send: never a real one."""


@pytest.fixture
def mistral_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MistralMock]:
    """A fake Mistral API serving every client of the test, sync or async.

    Queue answers (``mistral_mock.chat.reply("Paris")``), then check what was sent
    (``mistral_mock.requests[-1].json()``). Retries and waits for a job do not wait:
    their waits are recorded in ``mistral_mock.waits``. Jobs end on their second read
    (``mistral_mock.statuses``).
    """
    from ._mock import MistralMock

    mock = MistralMock()
    mock.no_wait(monkeypatch)
    with mock:
        yield mock


@pytest.fixture
def mistral_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    """The local fake Mistral server on 127.0.0.1 for the duration of a test.

    Every client the test makes without a ``server_url`` talks to it over real HTTP
    (``MISTRAL_SERVER_URL``), with a placeholder key, so that what ``mistral_mock`` cannot
    fake runs too: the realtime WebSocket sessions, code in a subprocess, another HTTP
    library. Check what it was asked with ``mistral_server.requests``.
    """
    from .server import FakeServer

    with FakeServer() as server:
        monkeypatch.setenv("MISTRAL_SERVER_URL", server.url)
        monkeypatch.setenv("MISTRAL_API_KEY", FAKE_SERVER_KEY)
        yield server


def __getattr__(name: str) -> Any:
    """``MistralMock`` for type annotations, imported on first use."""
    if name == "MistralMock":
        from ._mock import MistralMock

        return MistralMock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
