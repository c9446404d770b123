"""Hooks (pluggy) and plugin discovery: per-client plugins, entry points, lazy mounting."""

from __future__ import annotations

import functools
import importlib.metadata
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pluggy
import pytest
import respx

from mistral_core import (
    APIError,
    MissingResourceError,
    Mistral,
    MistralError,
    Operation,
    RequestContext,
    Resource,
    ResponseValidationError,
    hookimpl,
    plugins,
)
from mistral_core.plugins import EntryPoint, parse_entry_points
from mistral_core.resource import body_fields
from tests.payloads import API_KEY, CHAT_PATH, chat_response, chunk, sse, user_says


def ask(client: Mistral) -> Any:
    return client.chat.complete(model="mistral-small-latest", messages=user_says())


class Recorder:
    """A plugin that records every hook call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    @hookimpl
    def mistral_client_init(self, client: Mistral) -> None:
        self.calls.append(("init", client))

    @hookimpl
    def mistral_before_request(self, request: httpx.Request, context: RequestContext) -> None:
        self.calls.append(("before", (request.url.path, context.operation_id, context.attempt)))

    @hookimpl
    def mistral_after_response(self, response: httpx.Response) -> None:
        self.calls.append(("after", response.status_code))

    @hookimpl
    def mistral_after_error(self, error: Exception, context: RequestContext) -> None:
        self.calls.append(("error", (type(error).__name__, context.attempt)))


# --- hooks -----------------------------------------------------------------------------


def test_hooks_see_init_each_attempt_and_the_error(
    api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).respond(503, json={"message": "overloaded"})
    recorder = Recorder()
    client = Mistral(api_key=API_KEY, plugins=[recorder])
    with pytest.raises(APIError):
        ask(client)
    operation = "chat_completion_v1_chat_completions_post"
    assert recorder.calls == [
        ("init", client),
        ("before", (CHAT_PATH, operation, 1)),
        ("after", 503),
        ("before", (CHAT_PATH, operation, 2)),
        ("after", 503),
        ("before", (CHAT_PATH, operation, 3)),
        ("after", 503),
        ("error", ("InternalServerError", 3)),
    ]


def test_after_error_is_not_called_on_success(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    recorder = Recorder()
    ask(Mistral(api_key=API_KEY, plugins=[recorder]))
    assert [name for name, _ in recorder.calls] == ["init", "before", "after"]


def test_before_request_changes_the_request_in_place(api: respx.MockRouter) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())

    class Tagger:
        def mistral_before_request(self, request: httpx.Request) -> None:
            request.headers["x-tenant"] = "acme"

    ask(Mistral(api_key=API_KEY, plugins=[Tagger()]))  # unmarked mistral_* names count
    assert route.calls.last.request.headers["x-tenant"] == "acme"


def test_before_request_may_replace_the_request(api: respx.MockRouter) -> None:
    original = api.post(CHAT_PATH).respond(json=chat_response())
    replacement = api.post("/v1/other").respond(json=chat_response("from the other route"))

    class Rerouter:
        def mistral_before_request(self, request: httpx.Request) -> httpx.Request:
            return httpx.Request("POST", "https://api.mistral.ai/v1/other", content=request.content)

    result = ask(Mistral(api_key=API_KEY, plugins=[Rerouter()]))
    assert result.choices[0].message.content == "from the other route"
    assert not original.called
    assert replacement.calls.last.request.headers["authorization"] == f"Bearer {API_KEY}"


def test_after_response_may_replace_the_response(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(500, text="boom")

    class Healer:
        def mistral_after_response(self, response: httpx.Response) -> httpx.Response:
            return httpx.Response(200, json=chat_response("healed"), request=response.request)

    result = ask(Mistral(api_key=API_KEY, plugins=[Healer()]))
    assert result.choices[0].message.content == "healed"


def test_a_misspelt_hook_fails_at_registration() -> None:
    class Typo:
        def mistral_befor_request(self, request: httpx.Request) -> None: ...

    with pytest.raises(pluggy.PluginValidationError, match="mistral_befor_request"):
        Mistral(api_key=API_KEY, plugins=[Typo()])


def test_plugins_of_one_client_do_not_leak_to_another(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    recorder = Recorder()
    Mistral(api_key=API_KEY, plugins=[recorder])
    ask(Mistral(api_key=API_KEY))
    assert [name for name, _ in recorder.calls] == ["init"]


def test_with_options_copies_share_the_plugins(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(json=chat_response())
    recorder = Recorder()
    client = Mistral(api_key=API_KEY, plugins=[recorder])
    ask(client.with_options(timeout_ms=1000))
    assert [name for name, _ in recorder.calls] == ["init", "before", "after"]
    assert client.with_options().plugin_manager is client.plugin_manager


# --- resource groups -------------------------------------------------------------------


ECHO = Operation(id="echo_v1_echo_post", method="POST", path="/v1/echo")


class Echo(Resource):
    """A third-party resource group with one operation (JSON in, JSON out)."""

    def say(self, *, text: str) -> Any:
        return self._call(ECHO, body_fields(locals()), {})


class Provides:
    def __init__(self, groups: dict[str, Any]) -> None:
        self.groups = groups

    def mistral_resources(self) -> dict[str, Any]:
        return self.groups


def test_a_plugin_adds_a_nested_resource_group(api: respx.MockRouter) -> None:
    route = api.post("/v1/echo").respond(json={"echo": "hi"})
    client = Mistral(api_key=API_KEY, plugins=[Provides({"beta.echo": Echo})])
    assert client.beta.echo.say(text="hi") == {"echo": "hi"}
    assert route.calls.last.request.content == b'{"text":"hi"}'
    assert client.beta.echo is client.beta.echo
    assert "beta" in repr(client.beta)


def test_a_plugin_group_wins_over_an_installed_one() -> None:
    client = Mistral(api_key=API_KEY, plugins=[Provides({"chat": Echo})])
    assert isinstance(client.chat, Echo)


def test_installed_chat_is_mounted_from_its_entry_point() -> None:
    from mistral_plugin_chat import Chat

    assert isinstance(Mistral(api_key=API_KEY).chat, Chat)


@pytest.fixture
def only_chat_and_beta_agents(monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment where only two groups are installed."""
    everything = plugins.installed(plugins.RESOURCES_GROUP)
    kept = {name: everything[name] for name in ("chat", "beta.agents")}
    real = plugins.installed

    def installed(group: str) -> Mapping[str, plugins.EntryPoint]:
        return kept if group == plugins.RESOURCES_GROUP else real(group)

    monkeypatch.setattr(plugins, "installed", installed)


@pytest.mark.usefixtures("only_chat_and_beta_agents")
def test_a_missing_known_group_names_the_package() -> None:
    client = Mistral(api_key=API_KEY)
    with pytest.raises(MissingResourceError, match="pip install mistral-plugin-audio"):
        client.audio.speech  # noqa: B018
    assert not hasattr(client, "workflows")
    assert client.beta.agents is client.beta.agents
    with pytest.raises(MissingResourceError, match="pip install mistral-plugin-libraries"):
        client.beta.libraries  # noqa: B018
    with pytest.raises(MissingResourceError, match="pip install mistral-plugin-observability"):
        client.beta.observability.judges  # noqa: B018
    assert isinstance(client.chat, Resource)


@pytest.mark.usefixtures("only_chat_and_beta_agents")
def test_a_namespace_of_groups_not_installed_still_names_each_package() -> None:
    """``client.beta.admin`` exists so that ``client.beta.admin.users`` names its package."""
    client = Mistral(api_key=API_KEY)
    with pytest.raises(MissingResourceError, match="pip install mistral-plugin-admin"):
        client.beta.admin.users  # noqa: B018
    with pytest.raises(MissingResourceError, match="pip install mistral-plugin-batch"):
        client.batch.jobs  # noqa: B018
    assert "users" not in dir(client.beta.admin)


def test_a_method_of_a_group_below_is_named() -> None:
    """With the batch plugin installed, ``client.batch.run`` is not a missing package:
    the runner is ``client.batch.jobs.run``."""
    with pytest.raises(MissingResourceError) as error:
        Mistral(api_key=API_KEY).batch.run  # noqa: B018
    assert str(error.value) == (
        "client.batch has no resource group 'run'. Did you mean client.batch.jobs.run?"
        " The groups of client.batch: jobs."
    )


def test_an_attribute_no_group_has_lists_what_is_there() -> None:
    with pytest.raises(MissingResourceError) as error:
        Mistral(api_key=API_KEY).batch.nothing_here  # noqa: B018
    assert str(error.value) == (
        "client.batch has no resource group 'nothing_here'. The groups of client.batch: jobs."
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("chatt", "client has no resource group 'chatt'. Did you mean 'chat'?"),
        ("beta.conversation", "Did you mean 'conversations'?"),
    ],
)
def test_a_misspelt_group_gets_the_closest_name(expression: str, expected: str) -> None:
    client: Any = Mistral(api_key=API_KEY)
    with pytest.raises(MissingResourceError, match=re.escape(expected)):
        functools.reduce(getattr, expression.split("."), client)


@pytest.mark.usefixtures("only_chat_and_beta_agents")
def test_a_misspelt_group_not_installed_gets_its_package() -> None:
    with pytest.raises(MissingResourceError) as error:
        Mistral(api_key=API_KEY).embedings  # noqa: B018
    assert str(error.value) == (
        "client has no resource group 'embedings'. Did you mean 'embeddings' "
        "(pip install mistral-plugin-embeddings)? The groups of client: beta, chat."
    )


def test_groups_below_a_group_are_mounted_on_it() -> None:
    client = Mistral(api_key=API_KEY)
    libraries = client.beta.libraries
    assert type(libraries).__name__ == "Libraries"
    assert libraries.documents is client.beta.libraries.documents
    assert type(libraries.documents).__name__ == "Documents"
    assert client.events.get_stream_events.operation is (
        client.workflows.events.get_stream_events.operation
    )


def test_dir_lists_the_groups_each_level_can_mount() -> None:
    client = Mistral(api_key=API_KEY)
    names = dir(client)
    assert {"chat", "files", "embeddings", "beta", "audio", "events", "workflows"} <= set(names)
    assert {"close", "with_options", "server_url", "__init__"} <= set(names)  # the usual ones
    assert names == sorted(names)
    beta = dir(client.beta)
    assert {"conversations", "libraries", "observability", "admin", "agents"} <= set(beta)
    assert "chat" not in beta
    assert {"_path", "__repr__"} <= set(beta)
    assert {"documents", "accesses", "create", "list"} <= set(dir(client.beta.libraries))
    assert "records" in dir(client.beta.observability.datasets)
    assert "documents" not in dir(client.chat)
    assert "chat" in dir(client.with_options(timeout_ms=1))


@pytest.mark.usefixtures("only_chat_and_beta_agents")
def test_dir_lists_only_the_installed_groups() -> None:
    client = Mistral(api_key=API_KEY, plugins=[Provides({"beta.echo": Echo, "tools.x": Echo})])
    assert {"chat", "beta", "tools"} <= set(dir(client))
    assert not {"files", "audio", "workflows"} & set(dir(client))
    assert [n for n in dir(client.beta) if not n.startswith("_")] == ["agents", "echo"]


def test_dir_lists_only_the_groups_a_provider_serves() -> None:
    from mistral_plugin_azure import MistralAzure

    client = MistralAzure(API_KEY, server_url="https://example.services.ai.azure.com/models")
    assert {"chat", "ocr"} <= set(dir(client))
    assert not {"beta", "files", "embeddings"} & set(dir(client))


def test_dir_imports_no_plugin() -> None:
    output = run_python(
        """
        import sys
        import mistral_core
        """
        + WITHOUT_HOOK_PLUGINS
        + """
        client = mistral_core.Mistral(api_key="x")
        print("chat" in dir(client), "libraries" in dir(client.beta))
        print([m for m in sys.modules if m.startswith("mistral_plugin")])
        """
    )
    assert output.split("\n") == ["True True", "[]"]


def test_a_misspelt_method_is_a_plain_attribute_error() -> None:
    client = Mistral(api_key=API_KEY)
    with pytest.raises(AttributeError, match="'Chat' object has no attribute 'complet'") as error:
        client.chat.complet  # noqa: B018
    assert not isinstance(error.value, MissingResourceError)
    with pytest.raises(AttributeError):
        client.chat._private  # noqa: B018


def test_an_unknown_group_is_a_plain_attribute_error() -> None:
    with pytest.raises(MissingResourceError, match="no resource group 'nonsense'"):
        Mistral(api_key=API_KEY).nonsense  # noqa: B018


def test_private_names_are_not_looked_up() -> None:
    with pytest.raises(AttributeError):
        Mistral(api_key=API_KEY)._nothing  # noqa: B018


# --- entry points ----------------------------------------------------------------------


@pytest.fixture
def entry_points(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EntryPoint]]:
    """Entry points to pretend are installed, instead of the environment's."""
    installed: list[EntryPoint] = []
    monkeypatch.setattr(plugins, "_all_entry_points", lambda: installed)
    plugins.installed.cache_clear()
    plugins._loaded_hook_plugins.cache_clear()
    yield installed
    plugins.installed.cache_clear()
    plugins._loaded_hook_plugins.cache_clear()


def test_installed_hook_plugins_are_loaded_for_every_client(
    api: respx.MockRouter, entry_points: list[EntryPoint]
) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response())
    entry_points.append(EntryPoint("stamp", "tests.core.sample_plugin", plugins.PLUGINS_GROUP))
    entry_points.append(EntryPoint("chat", "mistral_plugin_chat:Chat", plugins.RESOURCES_GROUP))
    for _ in range(2):
        ask(Mistral(api_key=API_KEY))
        assert route.calls.last.request.headers["x-stamped-by"] == "sample_plugin"


def test_installed_resource_groups_nest_by_dotted_name(
    api: respx.MockRouter, entry_points: list[EntryPoint]
) -> None:
    api.post("/v1/echo").respond(json={"echo": "nested"})
    entry_points.append(
        EntryPoint("beta.tools.echo", "tests.core.test_plugins:Echo", plugins.RESOURCES_GROUP)
    )
    client = Mistral(api_key=API_KEY)
    assert client.beta.tools.echo.say(text="x") == {"echo": "nested"}
    with pytest.raises(MissingResourceError):
        client.beta.other  # noqa: B018


def test_the_scan_finds_what_importlib_metadata_finds() -> None:
    found = importlib.metadata.entry_points()
    expected = {(ep.name, ep.value, ep.group) for g in found.groups for ep in found.select(group=g)}
    assert {(ep.name, ep.value, ep.group) for ep in plugins._all_entry_points()} == expected
    assert plugins.installed(plugins.RESOURCES_GROUP)["chat"].load().__name__ == "Chat"


def test_entry_points_txt_parsing() -> None:
    text = """
        # a comment
        [mistral.resources]
        chat = mistral_plugin_chat:Chat
        beta.agents=pkg.mod : Outer.Inner

        [console_scripts]
        ; another comment
        tool = pkg.cli:main
    """
    assert list(parse_entry_points(textwrap.dedent(text))) == [
        EntryPoint("chat", "mistral_plugin_chat:Chat", "mistral.resources"),
        EntryPoint("beta.agents", "pkg.mod : Outer.Inner", "mistral.resources"),
        EntryPoint("tool", "pkg.cli:main", "console_scripts"),
    ]


def test_entry_point_load_follows_dotted_attributes() -> None:
    assert EntryPoint("x", "mistral_core._client:Mistral.with_options", "g").load() is (
        Mistral.with_options
    )
    assert EntryPoint("x", "mistral_core.hooks", "g").load().PROJECT == "mistral"


# --- laziness --------------------------------------------------------------------------


WITHOUT_HOOK_PLUGINS = """
        from mistral_core import plugins  # an installed hook plugin (tracing) is loaded by
        scan = plugins._all_entry_points  # every client: these tests are of clients without
        plugins._all_entry_points = lambda: [e for e in scan() if e.group != "mistral.plugins"]
        """


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_nothing_is_imported_or_discovered_before_use() -> None:
    output = run_python(
        """
        import sys
        import mistral_core
        print("metadata" if "importlib.metadata" in sys.modules else "-")
        """
        + WITHOUT_HOOK_PLUGINS
        + """
        client = mistral_core.Mistral(api_key="x")
        print("chat" if "mistral_plugin_chat" in sys.modules else "-")
        client.chat
        print("chat" if "mistral_plugin_chat" in sys.modules else "-")
        print("models" if "mistral_plugin_chat.models" in sys.modules else "-")
        print("pluggy" if "pluggy" in sys.modules else "-", client.plugin_manager)
        print("cattrs" if "cattrs" in sys.modules else "-")
        """
    )
    # No plugin: no pluggy. Models and the converters (cattrs) come with the first call.
    assert output.split() == ["-", "-", "chat", "-", "-", "None", "-"]


def test_a_sync_program_never_imports_asyncio() -> None:
    """About 13 ms of a serverless function's cold start, for nothing."""
    output = run_python(
        """
        import sys
        import httpx
        import mistral_core

        transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"data": []}))
        with mistral_core.Mistral(api_key="x", client=httpx.Client(transport=transport)) as c:
            c.request("GET", "/v1/models")
        with mistral_core.Mistral(api_key="x") as client:
            client.chat
        print("asyncio" if "asyncio" in sys.modules else "-")
        """
    )
    assert output == "-"


def test_after_error_sees_errors_found_after_the_response(api: respx.MockRouter) -> None:
    api.post(CHAT_PATH).respond(200, content=b"<html>not json</html>")
    recorder = Recorder()
    with pytest.raises(ResponseValidationError):
        ask(Mistral(api_key=API_KEY, plugins=[recorder]))
    assert recorder.calls[-1] == ("error", ("ResponseValidationError", 1))


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            sse(chunk("a"), done=False) + b'event: error\ndata: {"message": "boom"}\n\n',
            "StreamError",
        ),
        (sse(chunk("a"), done=False), "APIConnectionError"),
    ],
)
def test_after_error_sees_errors_raised_while_streaming(
    api: respx.MockRouter, body: bytes, error: str
) -> None:
    api.post(CHAT_PATH).respond(200, content=body, content_type="text/event-stream")
    recorder = Recorder()
    client = Mistral(api_key=API_KEY, plugins=[recorder])
    with pytest.raises(MistralError):
        for _ in client.chat.stream(model="mistral-small-latest", messages=user_says()):
            pass
    assert recorder.calls[-1] == ("error", (error, 1))
