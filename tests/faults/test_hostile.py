"""Hostile servers and bad input on 127.0.0.1: secrets, headers, nesting, cursors, constants.

Each case was seen against the client (issue 12): a credential that would be printed,
a header that would be injected, JSON nested past Python's recursion limit, a list
that never ends, a constant that changed. Each is now refused before anything is
sent, redacted, or read, with the typed error; the error hooks see every error.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mistral_core import File, Mistral, hookimpl
from mistral_core.auth import InvalidCredentialsError
from mistral_core.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    FieldError,
    MistralError,
    ResponseValidationError,
)
from mistral_core.hooks import RequestContext
from mistral_core.retry import BackoffStrategy, RetryConfig
from tests.faults.server import (
    DONE,
    MESSAGES,
    MODEL,
    Conn,
    FaultServer,
    Request,
    chat_response,
    running,
)

KEY = "sk-test-0123456789abcdef"
FAST = RetryConfig(backoff=BackoffStrategy(initial_interval=1, max_interval=2))


class Errors:
    """A plugin that records what the error hooks are told."""

    def __init__(self) -> None:
        self.seen: list[MistralError] = []

    @hookimpl
    def mistral_after_error(self, error: MistralError, context: RequestContext) -> None:
        self.seen.append(error)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with running() as server:
        yield server


@pytest.fixture
def errors() -> Errors:
    return Errors()


@pytest.fixture
def client(server: FaultServer, errors: Errors) -> Iterator[Mistral]:
    with Mistral(
        api_key=KEY, server_url=server.url, retry_config=FAST, plugins=[errors]
    ) as mistral:
        yield mistral
    assert server.wait_open_connections(0), "a connection was left open"


def ask(client: Mistral, **options: Any) -> Any:
    return client.chat.complete(model=MODEL, messages=MESSAGES, **options)


def answer(status: int, body: bytes | str | Any, **headers: str) -> Any:
    async def handler(conn: Conn, request: Request) -> bool:
        return await conn.respond(status, body, headers=headers)

    return handler


# -- credentials ----------------------------------------------------------------------------


def test_a_key_read_from_a_file_loses_its_newline(server: FaultServer) -> None:
    with Mistral(api_key=KEY + "\n", server_url=server.url) as client:
        assert ask(client).choices[0].message.content == "ok"
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("key", [f"{KEY}\r\nX-Evil: 1", f"{KEY[:8]}\x00{KEY[8:]}", f"{KEY}é"])
def test_a_key_that_no_header_can_carry_is_refused_unquoted(
    server: FaultServer, errors: Errors, key: str
) -> None:
    with (
        Mistral(api_key=key, server_url=server.url, plugins=[errors]) as client,
        pytest.raises(InvalidCredentialsError) as caught,
    ):
        ask(client)
    assert "api_key has a" in str(caught.value)
    assert KEY[:8] not in str(caught.value)
    assert server.requests == []  # nothing sent, nothing retried
    assert errors.seen == [caught.value]


def test_the_cli_never_prints_a_key(server: FaultServer) -> None:
    env = {**os.environ, "MISTRAL_API_KEY": f"{KEY}\nsecond line", "MISTRAL_SERVER_URL": server.url}
    result = subprocess.run(
        [sys.executable, "-m", "mistral_cli", "chat", "Hi"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "MISTRAL_API_KEY has a line break at position" in result.stderr
    assert KEY not in result.stderr + result.stdout
    assert server.requests == []


# -- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [("a\r\nX-Evil: 1", "a line break at position 1"), ("café", "a non-ASCII character")],
)
def test_bad_headers_are_refused_before_sending(
    server: FaultServer, client: Mistral, value: str, problem: str
) -> None:
    with pytest.raises(FieldError, match=problem):
        Mistral(api_key=KEY, server_url=server.url, http_headers={"x-team": value})
    with pytest.raises(FieldError, match=rf"extra_headers\['x-team'\]: its value has {problem}"):
        ask(client, extra_headers={"x-team": value})
    with pytest.raises(FieldError, match=rf"http_headers\['x-team'\]: its value has {problem}"):
        ask(client, http_headers={"x-team": value})
    with pytest.raises(FieldError, match="http_headers") as caught:
        client.with_options(http_headers={"x-team": value})
    assert value not in str(caught.value)  # a header may be a credential: never quoted
    assert server.requests == []


def test_an_upload_content_type_cannot_write_a_part_header(
    server: FaultServer, client: Mistral
) -> None:
    evil = {"file_name": "a.jsonl", "content": b"{}", "content_type": "text/plain\r\nX-Evil: 1"}
    with pytest.raises(FieldError, match="content_type has a line break at position 10"):
        client.files.upload(file=evil)
    with pytest.raises(FieldError, match="content_type has a non-ASCII character"):
        File("a.jsonl", b"{}", "text/plainé")
    assert server.requests == []


def test_a_header_a_hook_breaks_is_not_retried_nor_quoted(server: FaultServer) -> None:
    class Breaks:
        attempts = 0

        @hookimpl
        def mistral_before_request(self, request: httpx.Request) -> None:
            self.attempts += 1
            request.headers["x-secret"] = "hunter2-hunter2\n"

    breaks = Breaks()
    with (
        Mistral(api_key=KEY, server_url=server.url, retry_config=FAST, plugins=[breaks]) as c,
        pytest.raises(APIConnectionError) as caught,
    ):
        ask(c)
    assert "Illegal header value <redacted>" in str(caught.value)
    assert "hunter2" not in str(caught.value)
    assert server.requests == []
    assert breaks.attempts == 1  # a local protocol error is never retried


# -- redaction ------------------------------------------------------------------------------


def test_a_password_in_the_server_url_is_never_shown(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = server.url.replace("http://", "http://user:pa55word-secret@")
    logger = logging.getLogger("test.redaction")
    with Mistral(api_key=KEY, server_url=url, debug_logger=logger) as client:
        assert "pa55word-secret" not in repr(client) + repr(client._config)
        assert "user:<redacted>@127.0.0.1" in repr(client)
        with caplog.at_level(logging.DEBUG, logger="test.redaction"):
            ask(client)
    assert "user:<redacted>@127.0.0.1" in caplog.text
    assert "pa55word-secret" not in caplog.text


@pytest.mark.parametrize("url", ["https://a.example/v1\r\nHost: evil", "htps://u:pa55word-x@a"])
def test_a_bad_server_url_is_refused_when_the_client_is_made(url: str) -> None:
    with pytest.raises(ValueError, match="server_url") as caught:
        Mistral(api_key=KEY, server_url=url)
    assert "pa55word" not in str(caught.value)


def test_a_key_the_server_echoes_back_is_redacted(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.handler = answer(
        401,
        {"message": f"key {KEY} is revoked"},
        **{"x-echo": f"Bearer {KEY}", "x-request-id": KEY},
    )
    logger = logging.getLogger("test.echo")
    with (
        Mistral(api_key=KEY, server_url=server.url, debug_logger=logger) as client,
        caplog.at_level(logging.DEBUG, logger="test.echo"),
        pytest.raises(AuthenticationError) as caught,
    ):
        ask(client)
    error = caught.value
    assert error.message == "key <redacted> is revoked"
    assert KEY not in str(error) + repr(error)
    assert "'x-echo': '<redacted>'" in caplog.text
    assert KEY not in caplog.text
    assert KEY in json.dumps(error.body)  # the body stays what the server sent


def test_a_key_echoed_in_a_stream_error_is_redacted(server: FaultServer, client: Mistral) -> None:
    async def stream_error(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        await conn.chunk(f'event: error\ndata: {{"message": "bad key {KEY}"}}\n\n'.encode())
        return await conn.end_chunked()

    server.handler = stream_error
    with (
        pytest.raises(APIError, match="bad key <redacted>") as caught,
        client.chat.stream(model=MODEL, messages=MESSAGES) as events,
    ):
        list(events)
    assert KEY not in str(caught.value)


# -- nesting --------------------------------------------------------------------------------

DEEP = b"[" * 5_000 + b"]" * 5_000
"""10 KB of JSON nested 5,000 deep: past any recursion limit, and cheap to send."""


def test_deep_json_in_a_success_body_is_a_typed_error(
    server: FaultServer, client: Mistral, errors: Errors
) -> None:
    server.handler = answer(200, DEEP)
    with pytest.raises(ResponseValidationError, match="nested too deeply"):
        ask(client)
    assert len(errors.seen) == 1


def test_deep_json_in_an_error_body_is_kept_as_text(
    server: FaultServer, client: Mistral, errors: Errors
) -> None:
    server.handler = answer(400, DEEP)
    with pytest.raises(APIError) as caught:
        ask(client)
    assert caught.value.status_code == 400
    assert caught.value.body == DEEP.decode()
    assert errors.seen == [caught.value]


def test_deep_json_in_a_stream_event_is_a_typed_error(
    server: FaultServer, client: Mistral, errors: Errors
) -> None:
    async def deep_event(conn: Conn, request: Request) -> bool:
        await conn.start_chunked()
        await conn.chunk(b"data: " + DEEP + b"\n\n" + DONE)
        return await conn.end_chunked()

    server.handler = deep_event
    with (
        pytest.raises(ResponseValidationError, match="nested too deeply"),
        client.chat.stream(model=MODEL, messages=MESSAGES) as events,
    ):
        list(events)
    assert len(errors.seen) == 1


def test_deep_json_inside_a_model_field_is_read(server: FaultServer, client: Mistral) -> None:
    body = json.dumps(chat_response("ok"))[:-1] + ', "extra": ' + "[" * 200 + "]" * 200 + "}"
    server.handler = answer(200, body)
    deep_extra = ask(client).model_extra["extra"]  # nested within the limits: read
    for _ in range(199):
        (deep_extra,) = deep_extra
    assert deep_extra == []


# -- lists that never end -------------------------------------------------------------------


def workflows_page(cursor: str | None, name: str) -> dict[str, Any]:
    workflow = {"id": name, "name": name, "display_name": name, "archived": False}
    return {"workflows": [workflow], "next_cursor": cursor}


@pytest.mark.parametrize("cursors", [["c1", "c1"], ["c1", "c2", "c1"]], ids=["same", "cycle"])
def test_a_cursor_sent_again_stops_the_list(
    server: FaultServer, client: Mistral, cursors: list[str]
) -> None:
    pages = iter([workflows_page(cursor, f"w{index}") for index, cursor in enumerate(cursors)])

    async def next_page(conn: Conn, request: Request) -> bool:
        return await conn.respond(200, next(pages))

    server.handler = next_page
    names: list[str] = []

    def read_all() -> None:
        names.extend(workflow.name for workflow in client.workflows.get_workflows())

    with pytest.raises(ResponseValidationError, match="sent the cursor 'c1' again"):
        read_all()
    assert names == [f"w{index}" for index in range(len(cursors))]
    assert len(server.requests) == len(cursors)  # no page asked twice


# -- constants that change ------------------------------------------------------------------


def test_a_constant_that_changes_is_kept(server: FaultServer, client: Mistral) -> None:
    body = chat_response("hi")
    body["object"] = "chat.completion.v2"
    body["choices"][0]["message"]["role"] = "assistant_v2"
    server.handler = answer(200, body)
    result = ask(client)
    assert result.choices[0].message.role == "assistant_v2"
    assert result.choices[0].message.content == "hi"
    assert result.to_dict()["choices"][0]["message"]["role"] == "assistant_v2"
