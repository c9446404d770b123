"""The pytest plugin of mistral-testing: the ``mistral_mock`` fixture, a fake Mistral API.

Registered by the ``pytest11`` entry point ``mistral`` (``pytest -p no:mistral`` turns
it off). Importing it costs a test run nothing: respx and the fake API are imported only
by a test that uses the fixture. See ``docs/testing.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._mock import MistralMock

__all__ = ["MistralMock", "mistral_mock"]


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


def __getattr__(name: str) -> Any:
    """``MistralMock`` for type annotations, imported on first use."""
    if name == "MistralMock":
        from ._mock import MistralMock

        return MistralMock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
