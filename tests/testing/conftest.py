"""The local fake server, shared by the tests of the testing kit that reach it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mistral_testing.server import FakeServer


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    """One server a test module: starting it reads every installed plugin's routes."""
    with FakeServer(seed=0) as running:
        yield running
