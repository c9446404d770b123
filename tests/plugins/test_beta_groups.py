"""What the beta, audio and workflows groups add to the generated calls: other credentials,
typed event streams that resume, header parameters, bodies that are lists, lists in pages."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
import respx

from mistral_core import (
    APIConnectionError,
    AsyncPage,
    FieldError,
    MissingCredentialsError,
    Mistral,
    Page,
    UnknownVariant,
)
from mistral_plugin_conversations import models as conversation_models
from mistral_plugin_workflows import models as workflow_models
from mistral_testing.samples import sample_json
from tests.payloads import API_KEY

ADMIN_KEY = "admin-key-7"
IDENTITY = {"id": "u1", "email": "ada@example.com", "first_name": "Ada", "last_name": None}
NO_KEYS = {"keys": []}


@pytest.fixture(autouse=True)
def no_admin_key_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MISTRAL_ADMIN_API_KEY", raising=False)


def sent_headers(api: respx.MockRouter) -> httpx.Headers:
    return api.calls.last.request.headers


# --- credentials -------------------------------------------------------------------------


def test_admin_calls_send_the_admin_key(api: respx.MockRouter) -> None:
    api.get("/v1/admin/api-keys").respond(200, json=NO_KEYS)
    with Mistral(api_key=API_KEY, admin_api_key=ADMIN_KEY) as client:
        client.beta.admin.api_keys.list()
        assert sent_headers(api)["authorization"] == f"Bearer {ADMIN_KEY}"
        api.get("/v1/models").respond(200, json={"object": "list", "data": []})
        client.models.list()  # other calls keep the client's own key
        assert sent_headers(api)["authorization"] == f"Bearer {API_KEY}"


def test_the_admin_key_comes_from_the_environment_or_a_function(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.get("/v1/admin/api-keys").respond(200, json=NO_KEYS)
    monkeypatch.setenv("MISTRAL_ADMIN_API_KEY", "from-env")
    with Mistral(api_key=API_KEY) as client:
        client.beta.admin.api_keys.list()
    assert sent_headers(api)["authorization"] == "Bearer from-env"
    keys = iter(["first", "second"])
    with Mistral(api_key=API_KEY, admin_api_key=lambda: next(keys)) as client:
        client.beta.admin.api_keys.list()
        client.beta.admin.api_keys.list_async  # noqa: B018
        client.with_options(timeout_ms=1000).beta.admin.api_keys.list()
    sent = [call.request.headers["authorization"] for call in api.calls[1:]]
    assert sent == ["Bearer first", "Bearer second"]


def test_without_an_admin_key_the_client_s_key_is_sent(api: respx.MockRouter) -> None:
    api.get("/v1/admin/api-keys").respond(200, json=NO_KEYS)
    with Mistral(api_key="an-admin-key-as-api-key") as client:
        client.beta.admin.api_keys.list()
    assert sent_headers(api)["authorization"] == "Bearer an-admin-key-as-api-key"


def test_a_missing_admin_key_is_raised_before_sending(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MISTRAL_ADMIN_API_KEY", "")
    route = api.get("/v1/admin/api-keys").respond(200, json=NO_KEYS)
    client = Mistral(api_key=API_KEY, admin_api_key=lambda: "")
    with pytest.raises(
        MissingCredentialsError, match=r"admin_api_key=\.\.\.\) or set the MISTRAL_ADMIN"
    ):
        client.beta.admin.api_keys.list()
    assert not route.called


def test_user_context_calls_send_the_key_as_x_api_key(api: respx.MockRouter) -> None:
    api.get("/v1/users/me").respond(200, json=IDENTITY)
    with Mistral(api_key=API_KEY) as client:
        client.beta.users.get_identity()
    headers = sent_headers(api)
    assert headers["x-api-key"] == API_KEY
    assert "authorization" not in headers


def test_no_key_is_logged(api: respx.MockRouter, caplog: pytest.LogCaptureFixture) -> None:
    api.get("/v1/users/me").respond(200, json=IDENTITY)
    api.get("/v1/admin/api-keys").respond(200, json=NO_KEYS)
    logger = logging.getLogger("test.keys")
    with (
        caplog.at_level(logging.DEBUG, "test.keys"),
        Mistral(api_key=API_KEY, admin_api_key=ADMIN_KEY, debug_logger=logger) as client,
    ):
        client.beta.users.get_identity()
        client.beta.admin.api_keys.list()
    assert "x-api-key" in caplog.text.lower()
    assert API_KEY not in caplog.text
    assert ADMIN_KEY not in caplog.text


# --- event streams -----------------------------------------------------------------------

STARTED = {"type": "conversation.response.started", "conversation_id": "conv-1"}
DELTA = {
    "type": "message.output.delta",
    "output_index": 0,
    "id": "msg-1",
    "content_index": 0,
    "content": "Bonjour",
}
NEW_KIND = {"type": "conversation.something.new", "detail": 1}


def event_block(name: str, data: dict[str, Any], event_id: str | None = None) -> str:
    block = f"event: {name}\n"
    if event_id is not None:
        block += f"id: {event_id}\n"
    return block + f"data: {json.dumps(data)}\n\n"


def test_conversation_streams_yield_typed_events_open_to_new_kinds(
    client: Mistral, api: respx.MockRouter
) -> None:
    body = "".join(event_block(e["type"], e) for e in (STARTED, DELTA, NEW_KIND))
    api.post("/v1/conversations").respond(
        200, content=body.encode(), headers={"content-type": "text/event-stream"}
    )
    with client.beta.conversations.start_stream(inputs="Bonjour", model="mistral-small") as events:
        received = list(events)
    assert json.loads(api.calls.last.request.content)["stream"] is True
    assert [e.event for e in received] == [e["type"] for e in (STARTED, DELTA, NEW_KIND)]
    assert all(isinstance(e, conversation_models.ConversationEvents) for e in received)
    assert isinstance(received[0].data, conversation_models.ResponseStartedEvent)
    assert isinstance(received[1].data, conversation_models.MessageOutputEvent)
    assert received[1].data.content == "Bonjour"
    assert isinstance(received[2].data, UnknownVariant)  # a new kind never breaks the stream


def test_a_stream_without_done_ends_with_its_response(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.post("/v1/conversations/conv-1").respond(
        200,
        content=event_block(STARTED["type"], STARTED).encode(),
        headers={"content-type": "text/event-stream"},
    )
    with client.beta.conversations.append_stream(conversation_id="conv-1", inputs="Hi") as events:
        assert len(list(events)) == 1


def test_a_stream_cut_in_an_event_says_so(client: Mistral, api: respx.MockRouter) -> None:
    body = event_block(STARTED["type"], STARTED) + 'event: x\ndata: {"type": "mess'
    api.post("/v1/conversations/conv-1/restart").respond(
        200, content=body.encode(), headers={"content-type": "text/event-stream"}
    )
    with client.beta.conversations.restart_stream(
        conversation_id="conv-1", from_entry_id="e1", inputs="Hi"
    ) as events:
        items = iter(events)
        next(items)
        with pytest.raises(APIConnectionError, match="middle of an event"):
            next(items)


def log_stream(*ids: str, data: type = workflow_models.StreamEventSsePayload) -> bytes:
    """Server-sent events with these ids, each with a full sample of ``data``."""
    sample = sample_json(data, full=True)
    return "".join(event_block("log", sample, event_id) for event_id in ids).encode()


def test_a_workflow_stream_resumes_from_the_last_event_given(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = api.get("/v1/workflows/events/stream")
    route.side_effect = [
        httpx.Response(
            200, content=log_stream("7", "8"), headers={"content-type": "text/event-stream"}
        ),
        httpx.Response(200, content=log_stream("9"), headers={"content-type": "text/event-stream"}),
    ]
    with client.events.get_stream_events(workflow_name="etl") as events:
        items = iter(events)
        first = next(items)
        assert events.last_event_id == "7"  # the event given, not the last one decoded
        assert first.id == "7"
        assert isinstance(first.data, workflow_models.StreamEventSsePayload)
        next(items)
        assert events.last_event_id == "8"
        resume_from = events.last_event_id
    with client.workflows.events.get_stream_events(
        workflow_name="etl", last_event_id=resume_from
    ) as events:
        assert [e.id for e in events] == ["9"]
    first_request, second_request = (call.request for call in route.calls)
    assert "last-event-id" not in first_request.headers
    assert second_request.headers["last-event-id"] == "8"  # the spec's header parameter
    assert second_request.url.params["workflow_name"] == "etl"


def test_log_streams_take_last_event_id_in_the_query(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = api.get("/v1/workflows/executions/ex-1/logs/stream").respond(
        200,
        content=log_stream("3", data=workflow_models.ExecutionLogRecord),
        headers={"content-type": "text/event-stream"},
    )
    with client.workflows.executions.stream_workflow_execution_logs(
        execution_id="ex-1", last_event_id="2"
    ) as events:
        (event,) = events
    assert event.event == "log"
    assert isinstance(event.data, workflow_models.ExecutionLogRecord)
    assert route.calls.last.request.url.params["last_event_id"] == "2"


def test_speech_answers_json_or_events(client: Mistral, api: respx.MockRouter) -> None:
    def speech(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content).get("stream"):
            chunk = {"type": "speech.audio.delta", "audio_data": "UklGRg=="}
            return httpx.Response(
                200,
                content=event_block("speech.audio.delta", chunk).encode(),
                headers={"content-type": "text/event-stream"},
            )
        return httpx.Response(200, json={"audio_data": "UklGRg=="})

    api.post("/v1/audio/speech").mock(side_effect=speech)
    whole = client.audio.speech.complete(input="Bonjour", voice_id="v1")
    assert whole.audio_data == "UklGRg=="
    assert "stream" not in json.loads(api.calls.last.request.content)
    with client.audio.speech.stream(input="Bonjour", voice_id="v1") as events:
        (event,) = events
    assert event.event == "speech.audio.delta"
    assert event.data.audio_data == "UklGRg=="


# --- bodies and lists --------------------------------------------------------------------


def test_a_list_body_is_checked_and_sent_whole(client: Mistral, api: respx.MockRouter) -> None:
    answer = {"invalid_emails": [], "email_to_user_id": {"ada@example.com": "u1"}}
    route = api.post("/v1/admin/users").respond(200, json=answer)
    ada = {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"}
    with pytest.raises(FieldError, match=r"\[1\]\.first_name: required field missing"):
        client.beta.admin.users.create(request_body=[ada, {"email": "b@example.com"}])
    assert not route.called
    created = client.beta.admin.users.create(request_body=(ada,))
    assert json.loads(route.calls.last.request.content) == [ada]
    assert created.email_to_user_id == {"ada@example.com": "u1"}


AGENT = {
    "model": "mistral-medium-latest",
    "name": "support",
    "version": 1,
    "versions": [1],
    "created_at": "2025-01-01T00:00:00Z",
    "updated_at": "2025-01-01T00:00:00Z",
    "deployment_chat": False,
    "source": "api",
}


def agents_pages(request: httpx.Request) -> httpx.Response:
    token = request.url.params.get("page_token")
    agent = {**AGENT, "id": token or "first"}
    return httpx.Response(200, json={"data": [agent], "next_page_token": None if token else "t2"})


@pytest.fixture
def agents(api: respx.MockRouter) -> respx.Route:
    return api.get("/v1/agents/pages").mock(side_effect=agents_pages)


def test_a_generated_list_iterates_its_pages(client: Mistral, agents: respx.Route) -> None:
    page = client.beta.agents.list_pages(page_size=1)
    assert isinstance(page, Page)
    assert [agent.id for agent in page] == ["first", "t2"]
    assert [call.request.url.params.get("page_token") for call in agents.calls] == [None, "t2"]


@pytest.mark.anyio
async def test_a_generated_list_iterates_its_pages_async(
    client: Mistral, agents: respx.Route
) -> None:
    page = await client.beta.agents.list_pages_async(page_size=1)
    assert isinstance(page, AsyncPage)
    assert len(page.items) == 1
    assert agents.call_count == 1


def test_conversation_entries_may_leave_their_type_out(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = api.post("/v1/conversations").respond(
        200,
        json={
            "conversation_id": "c1",
            "outputs": [],
            "usage": {},
            "object": "conversation.response",
        },
    )
    client.beta.conversations.start(
        model="mistral-medium-latest",
        inputs=[
            {"role": "user", "content": "Bonjour"},
            {"tool_call_id": "t1", "result": "42"},
        ],
    )
    sent = json.loads(route.calls.last.request.content)["inputs"]
    assert [entry["type"] for entry in sent] == ["message.input", "function.result"]
