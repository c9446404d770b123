"""The fake APIs the waits are tested against: the local fake server, over HTTP, and
``mistral_mock``, each moving jobs, executions and documents through their statuses."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import pytest

from mistral_core import Mistral
from mistral_testing.pytest_plugin import MistralMock
from mistral_testing.server import FakeServer
from mistral_testing.statuses import Statuses


@attrs.frozen
class Sent:
    """A request the fake API received."""

    operation: str | None
    headers: Mapping[str, str]
    json: Any


@attrs.define
class Api:
    """The fake API of a test: where it is, how its objects move, what it received."""

    statuses: Statuses
    server: FakeServer | None = None
    mock: MistralMock | None = None

    def client(self) -> Mistral:
        """A new client of it (as a new process would make)."""
        if self.server is not None:
            return Mistral(api_key="k", server_url=self.server.url)
        return Mistral(api_key="k")

    def sent(self, operation: str) -> list[Sent]:
        """The requests of ``operation``, oldest first."""
        if self.server is not None:
            received = [Sent(r.operation, r.headers, r.json) for r in self.server.requests]
        else:
            assert self.mock is not None
            received = [Sent(r.operation_id, r.headers, r.json()) for r in self.mock.requests]
        return [sent for sent in received if sent.operation == operation]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    """One server a module: starting it reads every installed plugin's routes."""
    with FakeServer() as running:
        yield running


@pytest.fixture(params=["server", "mock"])
def api(request: pytest.FixtureRequest, server: FakeServer) -> Iterator[Api]:
    """The local fake server (its statuses and requests new for the test), or a
    ``MistralMock`` (without its waits: the ``clock`` fixture records them)."""
    if request.param == "server":
        server.app.statuses = Statuses()
        server.clear_requests()
        yield Api(server.statuses, server=server)
        return
    with MistralMock() as mock:
        yield Api(mock.statuses, mock=mock)


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    """Whether the test calls the ``_async`` form of each method."""
    return bool(request.param)


def call(group: Any, name: str, is_async: bool, **arguments: Any) -> Any:
    """``group.name(**arguments)``, or its ``_async`` form run to its end."""
    if is_async:
        return asyncio.run(getattr(group, f"{name}_async")(**arguments))
    return getattr(group, name)(**arguments)
