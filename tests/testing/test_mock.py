"""The ``mistral_mock`` fixture, used as a user would to test their own code."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from mistral_core import Mistral, RetryConfig
from mistral_core.errors import InternalServerError, RateLimitError
from mistral_testing.pytest_plugin import MistralMock
from tests.testing import sample_app


@pytest.fixture
def client() -> Any:
    with Mistral(api_key="test-key") as mistral:
        yield mistral


def test_reply(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.reply("Paris")

    assert sample_app.capital_of("France", client) == "Paris"

    sent = mistral_mock.requests[-1]
    assert sent.method == "POST"
    assert sent.url == "https://api.mistral.ai/v1/chat/completions"
    assert sent.json()["messages"][0]["content"] == "What is the capital of France? One word."
    assert sent.json()["model"] == "mistral-small-latest"
    assert mistral_mock.chat.requests == [sent]


def test_replies_are_used_in_order_then_a_default(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.reply("Paris")
    mistral_mock.chat.reply("Rome")

    answers = [sample_app.capital_of(country, client) for country in ("France", "Italy", "Spain")]

    assert answers == ["Paris", "Rome", "Hello from mistral_mock!"]
    assert len(mistral_mock.chat.requests) == 3


def test_reply_stream(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.reply_stream(["Once", " upon", " a time"])

    assert sample_app.tell_story("dragons", client) == ["Once", " upon", " a time"]
    assert mistral_mock.requests[-1].json()["stream"] is True


def test_a_reply_is_streamed_to_a_stream_and_a_stream_given_whole(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.chat.reply("Paris")
    mistral_mock.chat.reply_stream(["Ro", "me"])

    assert sample_app.tell_story("France", client) == ["Paris"]
    assert sample_app.capital_of("Italy", client) == "Rome"


def test_stream_events_are_valid_chunks(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.reply_stream(["Pa", "ris"])

    with client.chat.stream(model="m", messages=[{"role": "user", "content": "?"}]) as events:
        chunks = [event.data for event in events]

    assert [c.choices[0].delta.content for c in chunks] == ["Pa", "ris", ""]
    assert [c.choices[0].finish_reason for c in chunks] == [None, None, "stop"]
    assert chunks[-1].usage is not None
    assert chunks[0].model == "m"


@pytest.mark.anyio
async def test_async(mistral_mock: MistralMock) -> None:
    mistral_mock.chat.reply("Berlin")

    async with Mistral(api_key="k") as client:
        assert await sample_app.capital_of_async("Germany", client) == "Berlin"

    assert mistral_mock.chat.requests[0].json()["messages"][0]["content"] == "Capital of Germany?"


def test_tool_call(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.tool_call(name="get_weather", arguments={"city": "Paris"})
    seen: list[str] = []

    def get_weather(city: str) -> str:
        seen.append(city)
        return "sunny"

    answer = sample_app.weather_assistant("Weather in Paris?", client, {"get_weather": get_weather})

    assert answer == "sunny"
    assert seen == ["Paris"]
    assert mistral_mock.requests[-1].json()["tools"][0]["function"]["name"] == "get_weather"


def test_streamed_tool_call(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.tool_call(name="get_weather", arguments={"city": "Paris"})

    with client.chat.stream(model="m", messages=[{"role": "user", "content": "?"}]) as events:
        chunks = [event.data for event in events]

    # as the API streams it: the arguments in pieces, to join by the call's index
    assert sample_app.join_tool_calls(chunks) == [
        {"id": "call_00", "name": "get_weather", "arguments": '{"city": "Paris"}'}
    ]
    assert len(chunks) > 3
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_error_raises_the_typed_error(mistral_mock: MistralMock) -> None:
    mistral_mock.chat.error(500, message="the model is down")
    mistral_mock.chat.error(500, message="the model is down")
    mistral_mock.chat.error(500, message="the model is down")

    with Mistral(api_key="k") as client, pytest.raises(InternalServerError) as caught:
        sample_app.capital_of("France", client)

    assert caught.value.status_code == 500
    assert caught.value.message == "the model is down"
    assert len(mistral_mock.chat.requests) == 3  # the first attempt and 2 retries


def test_error_without_retries(mistral_mock: MistralMock) -> None:
    mistral_mock.chat.rate_limited(retry_after=2)

    with Mistral(api_key="k", retry_config=None) as client, pytest.raises(RateLimitError):
        sample_app.capital_of("France", client)


def test_rate_limited_is_retried(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.chat.rate_limited(retry_after=2)
    mistral_mock.chat.reply("Paris")

    assert sample_app.capital_of("France", client) == "Paris"

    assert len(mistral_mock.chat.requests) == 2
    assert mistral_mock.waits == [2]  # recorded, not slept


def test_default_answers_are_valid(mistral_mock: MistralMock, client: Mistral) -> None:
    vectors = sample_app.embed(["a", "b"], client)
    files = client.files.list()
    job = client.batch.jobs.get(job_id="job-1")

    assert vectors
    assert all(isinstance(x, float) for x in vectors[0])
    assert files.data is not None
    assert job.id
    assert [r.group for r in mistral_mock.requests] == ["embeddings", "files", "batch.jobs"]
    assert mistral_mock.batch.requests == mistral_mock.batch.jobs.requests
    assert mistral_mock.requests[-1].url.path == "/v1/batch/jobs/job-1"


def test_group_reply_json(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.embeddings.reply(
        json={
            "id": "e",
            "object": "list",
            "model": "mistral-embed",
            "usage": {"prompt_tokens": 1, "completion_tokens": 0, "total_tokens": 1},
            "data": [{"object": "embedding", "embedding": [0.1, 0.2], "index": 0}],
        }
    )

    assert sample_app.embed(["hello"], client) == [[0.1, 0.2]]
    assert mistral_mock.embeddings.requests[0].json()["input"] == ["hello"]


def test_reply_to_one_operation(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.reply("files.download", body=b"line 1\nline 2\n")
    mistral_mock.reply("GET /v1/files/{file_id}/url", json={"url": "https://files.example/x"})
    mistral_mock.files.error(404, "no such file")

    with client.files.download(file_id="f-1") as download:
        assert download.read() == b"line 1\nline 2\n"
    assert client.files.get_signed_url(file_id="f-1").url == "https://files.example/x"
    with pytest.raises(Exception, match="no such file"):
        client.files.retrieve(file_id="f-1")


def test_upload_is_recorded(mistral_mock: MistralMock, client: Mistral) -> None:
    uploaded = client.files.upload(file=("data.jsonl", b'{"a": 1}\n'), purpose="batch")

    assert uploaded.id
    sent = mistral_mock.files.requests[0]
    assert sent.json() is None  # a form, not JSON
    assert b'{"a": 1}' in sent.content


def test_unknown_group_and_operation(mistral_mock: MistralMock) -> None:
    with pytest.raises(AttributeError, match="no installed resource group 'nope'"):
        mistral_mock.nope.reply()
    with pytest.raises(ValueError, match="no installed operation"):
        mistral_mock.reply("files.nope")


def test_custom_server_url(mistral_mock: MistralMock) -> None:
    mistral_mock.chat.reply("Paris")

    with Mistral(api_key="k", server_url="https://gateway.example.com/mistral") as client:
        assert sample_app.capital_of("France", client) == "Paris"

    assert str(mistral_mock.requests[0].url).startswith("https://gateway.example.com/mistral/v1/")


def test_azure(mistral_mock: MistralMock) -> None:
    from mistral_plugin_azure import MistralAzure

    mistral_mock.chat.reply("Paris")
    mistral_mock.chat.reply_stream(["Once", " upon"])

    with MistralAzure(api_key="k", server_url="https://x.services.ai.azure.com") as client:
        assert sample_app.capital_of("France", client) == "Paris"
        assert sample_app.tell_story("x", client) == ["Once", " upon"]
        assert client.ocr.process(
            model="mistral-ocr", document={"type": "document_url", "document_url": "https://d"}
        )

    sent = mistral_mock.chat.requests[0]
    assert sent.url.host == "x.services.ai.azure.com"
    assert sent.url.path == "/models/chat/completions"
    assert sent.headers["authorization"] == "Bearer k"
    assert mistral_mock.ocr.requests[0].url.path == "/providers/mistral/azure/ocr"


def test_gcp(mistral_mock: MistralMock) -> None:
    from mistral_plugin_gcp import MistralGCP

    mistral_mock.chat.reply("Paris")
    mistral_mock.chat.reply_stream(["Once", " upon"])
    mistral_mock.fim.reply("return a + b")

    with MistralGCP(project_id="p", access_token="t") as client:
        assert sample_app.capital_of("France", client) == "Paris"
        assert sample_app.tell_story("x", client) == ["Once", " upon"]
        fim = client.fim.complete(model="codestral-2501", prompt="def add(a, b):")
        assert fim.choices[0].message.content == "return a + b"

    paths = [request.url.path for request in mistral_mock.requests]
    assert paths[0].endswith("/models/mistral-small-latest:rawPredict")
    assert paths[1].endswith("/models/mistral-small-latest:streamRawPredict")
    assert paths[2].endswith("/models/codestral-2501:rawPredict")
    assert [r.group for r in mistral_mock.requests] == ["chat", "chat", "fim"]


def test_other_hosts_are_not_served(mistral_mock: MistralMock) -> None:
    import httpx
    import respx

    with pytest.raises(respx.models.AllMockedAssertionError):
        httpx.get("https://example.com/elsewhere")

    mistral_mock.router.get("https://example.com/elsewhere").respond(204)
    assert httpx.get("https://example.com/elsewhere").status_code == 204


def test_the_plugin_is_registered(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.has_plugin("mistral")


def test_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, mistral_testing.pytest_plugin as p; "
        "assert 'respx' not in sys.modules, 'respx'; "
        "assert 'mistral_testing._mock' not in sys.modules; "
        "assert p.MistralMock.__name__ == 'MistralMock'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_with_retry_config_and_custom_waits(mistral_mock: MistralMock) -> None:
    retry = RetryConfig(max_retries=3)
    mistral_mock.chat.error(503)
    mistral_mock.chat.error(503)
    mistral_mock.chat.reply("ok")

    with Mistral(api_key="k", retry_config=retry) as client:
        assert sample_app.capital_of("France", client) == "ok"
    assert len(mistral_mock.waits) == 2


def test_an_answer_queued_on_a_namespace_serves_its_groups(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    mistral_mock.batch.error(404, "no such job")

    with pytest.raises(Exception, match="no such job"):
        client.batch.jobs.get(job_id="nope")
    assert client.batch.jobs.get(job_id="job-2").id  # then the default again


# --- the groups beyond completions ----------------------------------------------------------


def test_a_list_in_pages_has_two_pages_by_default(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    page = client.beta.agents.list_pages()
    assert len(list(page)) == 2 * len(page.items) > 0
    asked = [request.url.params.get("page_token") for request in mistral_mock.requests]
    assert asked == [None, page.result.next_page_token]
    assert [a.id for a in client.beta.users.list_organizations(limit=5)] == ["sample"]


def test_other_streams_give_sample_events_without_done(
    mistral_mock: MistralMock, client: Mistral
) -> None:
    with client.beta.conversations.start_stream(inputs="Bonjour", model="m") as events:
        received = list(events)
    assert len(received) == 2
    assert mistral_mock.requests[-1].operation_id == "agents_api_v1_conversations_start_stream"
    start = client.beta.conversations.start(inputs="Bonjour", model="m")
    assert start.conversation_id == "sample"
    assert mistral_mock.requests[-1].operation_id == "agents_api_v1_conversations_start"


@pytest.mark.usefixtures("mistral_mock")
def test_answers_without_a_body_and_plain_answers(client: Mistral) -> None:
    assert client.beta.conversations.delete(conversation_id="c1") is None
    url = client.beta.libraries.documents.get_signed_url(library_id="l1", document_id="d1")
    assert url == "sample"


def test_queued_answers_serve_the_new_groups(mistral_mock: MistralMock, client: Mistral) -> None:
    mistral_mock.beta.libraries.reply(json={"data": []})
    assert client.beta.libraries.list().data == []
    assert mistral_mock.beta.libraries.requests[-1].operation_id == "libraries_list_v1"
