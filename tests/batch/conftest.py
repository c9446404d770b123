"""The local fake server the batch runs are tested against, and a client of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mistral_core import Mistral
from mistral_testing.server import FakeServer


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(finish_after=2) as running:
        yield running


@pytest.fixture
def client(server: FakeServer) -> Iterator[Mistral]:
    with Mistral(api_key="k", server_url=server.url) as made:
        yield made


def sent(server: FakeServer, operation: str) -> int:
    """How many requests of ``operation`` the server answered."""
    return sum(1 for received in server.requests if received.operation == operation)


UPLOAD = "files_api_routes_upload_file"
CREATE = "jobs_api_routes_batch_create_batch_job"
CHAT = "/v1/chat/completions"


def chat_requests(count: int) -> list[dict[str, object]]:
    return [
        {"custom_id": f"q{n}", "body": {"messages": [{"role": "user", "content": f"{n}?"}]}}
        for n in range(count)
    ]
