"""How clients get traced: the installed plugin with the global providers, ``instrument``,
``plugins=[...]``, the clouds, the environment variables that turn it off, and what a call
costs while nothing is set up."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest
import respx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mistral_core import Mistral, plugins
from mistral_core.hooks import ObservedCall
from mistral_plugin_azure import MistralAzure
from mistral_plugin_gcp import MistralGCP
from mistral_plugin_otel import OpenTelemetryPlugin, instrument, uninstrument
from mistral_plugin_otel._plugin import INSTALLED, disabled
from tests.otel.conftest import finished, only_span
from tests.otel.globals import unset_global_providers
from tests.payloads import API_KEY, CHAT_PATH, chat_response, chunk, sse, user_says

MODEL = "mistral-small-latest"


def ask(client: Mistral, model: str = MODEL) -> None:
    client.chat.complete(model=model, messages=user_says())


@pytest.fixture
def client(api: respx.MockRouter, sleeps: list[float]) -> Iterator[Mistral]:
    """A client as users make one: the installed plugin is its only tracing."""
    api.post(CHAT_PATH).respond(json=chat_response())
    with Mistral(api_key=API_KEY) as mistral:
        yield mistral


def test_the_installed_plugin_is_registered_on_every_client(client: Mistral) -> None:
    assert client.plugin_manager is not None
    assert client.plugin_manager.is_registered(INSTALLED)


@pytest.mark.usefixtures("global_providers")
def test_installed_it_traces_every_client_once_providers_are_set(
    client: Mistral, exporter: InMemorySpanExporter
) -> None:
    ask(client)
    ask(client.with_options(timeout_ms=5_000))
    assert [span.name for span in finished(exporter)] == [f"chat {MODEL}"] * 2


def test_a_provider_set_after_the_client_was_made_counts(
    client: Mistral,
    monkeypatch: pytest.MonkeyPatch,
    tracer_provider: TracerProvider,
    exporter: InMemorySpanExporter,
) -> None:
    unset_global_providers(monkeypatch)
    ask(client)
    from opentelemetry import trace

    trace.set_tracer_provider(tracer_provider)
    ask(client)
    assert len(finished(exporter)) == 1


def test_without_providers_no_call_is_observed(monkeypatch: pytest.MonkeyPatch) -> None:
    unset_global_providers(monkeypatch)
    call = ObservedCall(
        Mistral(api_key=API_KEY), "op", "GET", "https://api.mistral.ai/v1", None, False
    )
    assert OpenTelemetryPlugin().mistral_observe_call(call) is None


def test_without_providers_opentelemetry_is_not_even_imported() -> None:
    """The installed plugin, with nothing set up: a call imports no OpenTelemetry module."""
    code = """
        import sys
        import httpx
        from mistral_core import Mistral

        answer = {"id": "1", "object": "chat.completion", "model": "m", "created": 1,
                  "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                  "total_tokens": 2}}
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
        with Mistral(api_key="x", client=httpx.Client(transport=transport)) as client:
            client.chat.complete(model="m", messages=[{"role": "user", "content": "Hi"}])
            print(type(client.plugin_manager.get_plugins().pop()).__name__)
        print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
    """
    output = run_python(code)
    assert output.splitlines() == ["_Installed", "[]"]
    assert run_python(code, MISTRAL_OTEL_DISABLED="1").splitlines() == ["_Disabled", "[]"]


def run_python(code: str, **environ: str) -> str:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OTEL_", "MISTRAL_"))
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env={**env, **environ},
    )
    return done.stdout


@pytest.mark.parametrize(
    ("name", "value", "off"),
    [
        ("MISTRAL_OTEL_DISABLED", "1", True),
        ("MISTRAL_OTEL_DISABLED", "true", True),
        ("MISTRAL_OTEL_DISABLED", "0", False),
        ("OTEL_SDK_DISABLED", "true", True),
        ("OTEL_SDK_DISABLED", "false", False),
    ],
)
def test_the_environment_turns_it_off(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, off: bool
) -> None:
    monkeypatch.setenv(name, value)
    assert disabled() is off


def test_turned_off_it_wins_over_instrument(
    client: Mistral,
    monkeypatch: pytest.MonkeyPatch,
    tracer_provider: TracerProvider,
    exporter: InMemorySpanExporter,
) -> None:
    monkeypatch.setenv("MISTRAL_OTEL_DISABLED", "1")
    instrument(client, tracer_provider=tracer_provider)
    ask(client)
    assert finished(exporter) == []


def test_instrument_gives_a_client_its_own_providers(
    client: Mistral,
    tracer_provider: TracerProvider,
    exporter: InMemorySpanExporter,
    global_providers: None,
) -> None:
    """Its spans go to its provider, once: the installed plugin (global) is left out."""
    own = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(own))
    instrument(client, tracer_provider=provider)
    instrument(client, tracer_provider=provider)  # again: still one span per call
    ask(client)
    assert [span.name for span in own.get_finished_spans()] == [f"chat {MODEL}"]
    assert finished(exporter) == []
    assert client.plugin_manager is not None
    assert not client.plugin_manager.is_registered(INSTALLED)

    uninstrument(client)
    ask(client)
    assert len(own.get_finished_spans()) == 1
    assert finished(exporter) == []


@pytest.mark.usefixtures("global_providers")
def test_a_plugin_given_to_a_client_is_its_only_tracing(
    api: respx.MockRouter, sleeps: list[float], exporter: InMemorySpanExporter
) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    own = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(own))
    with Mistral(api_key=API_KEY, plugins=[OpenTelemetryPlugin(tracer_provider=provider)]) as c:
        ask(c)
    assert len(own.get_finished_spans()) == 1
    assert finished(exporter) == []
    with Mistral(api_key=API_KEY) as other:  # other clients keep the installed plugin
        ask(other)
    assert len(finished(exporter)) == 1


def test_a_client_without_plugins_cannot_be_instrumented(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed = [ep for ep in plugins._all_entry_points() if ep.group != plugins.PLUGINS_GROUP]
    monkeypatch.setattr(plugins, "_all_entry_points", lambda: installed)
    plugins.installed.cache_clear()
    try:
        client = Mistral(api_key=API_KEY)
        assert client.plugin_manager is None
        with pytest.raises(RuntimeError, match=r"Mistral\(plugins=\[OpenTelemetryPlugin\(\)\]\)"):
            instrument(client)
    finally:
        plugins.installed.cache_clear()


# --- the clouds -------------------------------------------------------------------------------


def test_an_azure_client(
    sleeps: list[float], tracer_provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    azure = "https://my-resource.services.ai.azure.com"
    with respx.mock(base_url=azure) as router:
        router.post("/models/chat/completions").respond(json=chat_response())
        with MistralAzure("azure-key", server_url=azure) as client:
            instrument(client, tracer_provider=tracer_provider)
            ask(client, "azureai")
    attributes = dict(only_span(exporter).attributes or {})
    assert attributes["gen_ai.provider.name"] == "azure.ai.inference"
    assert attributes["server.address"] == "my-resource.services.ai.azure.com"
    assert attributes["server.port"] == 443


def test_a_vertex_ai_client(
    sleeps: list[float], tracer_provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    vertex = "https://europe-west4-aiplatform.googleapis.com"
    model = "mistral-small-2503"
    with respx.mock(base_url=vertex) as router:
        router.post(url__regex=r":streamRawPredict$").respond(
            content=sse(chunk("Pa"), chunk("ris", finish_reason="stop")),
            headers={"content-type": "text/event-stream"},
        )
        with MistralGCP(project_id="p", region="europe-west4", access_token="ya29.x") as client:
            instrument(client, tracer_provider=tracer_provider)
            client.chat.stream(model=model, messages=user_says()).until_done()
    span = only_span(exporter)
    attributes = dict(span.attributes or {})
    assert span.name == f"chat {model}"
    assert attributes["gen_ai.provider.name"] == "gcp.vertex_ai"
    assert attributes["server.address"] == "europe-west4-aiplatform.googleapis.com"
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
