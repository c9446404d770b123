"""Unknown keyword arguments read like Python's own error, with the name that was meant."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from mistral_core import Mistral, Operation, Resource
from mistral_core._arguments import unexpected_keywords
from mistral_core._call import PreparedCall
from mistral_plugin_chat import Chat
from tests.payloads import API_KEY, user_says

ONE = r"^Chat\.{method}\(\) got an unexpected keyword argument 'temprature'; "
ONE += r"did you mean 'temperature'\?$"


def chat(client: Mistral, method: str, **keywords: Any) -> Any:
    return getattr(client.chat, method)(
        model="mistral-small-latest", messages=user_says(), **keywords
    )


@pytest.mark.parametrize("method", ["complete", "stream"])
def test_a_sync_method_names_itself_and_the_parameter_meant(
    client: Mistral, api: respx.MockRouter, method: str
) -> None:
    with pytest.raises(TypeError, match=ONE.format(method=method)):
        chat(client, method, temprature=0.2)
    assert not api.calls  # refused before anything is sent


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["complete_async", "stream_async"])
async def test_an_async_method_names_itself(
    client: Mistral, api: respx.MockRouter, method: str
) -> None:
    with pytest.raises(TypeError, match=ONE.format(method=method)):
        await chat(client, method, temprature=0.2)
    assert not api.calls


def test_several_unknown_keywords_are_all_named_in_the_order_given(client: Mistral) -> None:
    with pytest.raises(TypeError) as caught:
        chat(client, "complete", top_pp=0.9, colour="blue", temprature=0.2)
    assert str(caught.value) == (
        "Chat.complete() got unexpected keyword arguments 'top_pp' (did you mean 'top_p'?), "
        "'colour', 'temprature' (did you mean 'temperature'?)"
    )


def test_a_misspelt_call_option_is_suggested(client: Mistral) -> None:
    with pytest.raises(TypeError, match=r"'timeout'; did you mean 'timeout_ms'\?$"):
        chat(client, "complete", timeout=5)
    with pytest.raises(TypeError, match=r"'retry'; did you mean 'retries'\?$"):
        chat(client, "stream", retry=None)


def test_nothing_close_suggests_nothing(client: Mistral) -> None:
    with pytest.raises(TypeError, match=r"^Chat\.complete\(\) got an unexpected .* 'zzz'$"):
        chat(client, "complete", zzz=1)


def test_a_list_in_pages_names_its_method(client: Mistral) -> None:
    with pytest.raises(
        TypeError, match=r"^BetaAgents\.list_pages\(\) got .* 'page_sise'; did you mean 'page_size'"
    ):
        client.beta.agents.list_pages(page_sise=10)  # type: ignore[call-arg]


class PoliteChat(Chat):
    """A hand-written method that calls a generated one (as a plugin's helpers do)."""

    def ask(self, question: str, **keywords: Any) -> Any:
        messages = [{"role": "user", "content": question}]
        return self.complete(model="mistral-small-latest", messages=messages, **keywords)


def test_the_method_the_caller_called_is_named_not_the_one_inside(client: Mistral) -> None:
    polite = PoliteChat(client)
    with pytest.raises(
        TypeError, match=r"^PoliteChat\.ask\(\) got .* 'temprature'; did you mean 'temperature'"
    ):
        polite.ask("Hi", temprature=0.2)


class Things(Resource):
    """A third party's group, outside this client's packages."""

    def get(self, *, thing_id: str, **options: Any) -> Any:
        op: Operation[Any, Any] = Operation(id="get_thing", method="GET", path="/v1/things/{id}")
        return self._call(op, None, options, path={"id": thing_id})


def test_a_third_party_group_s_method_is_named(client: Mistral) -> None:
    with pytest.raises(
        TypeError, match=r"^Things\.get\(\) got .* 'thing'; did you mean 'thing_id'"
    ):
        Things(client).get(thing_id="a", thing="b")


def test_a_call_prepared_outside_a_method_names_its_operation(client: Mistral) -> None:
    operation: Operation[Any, Any] = Operation(id="list_things", method="GET", path="/v1/things")
    with pytest.raises(
        TypeError,
        match=r"^list_things\(\) got an unexpected keyword argument 'extra_qurey'; "
        r"did you mean 'extra_query'\?$",
    ):
        PreparedCall(client, operation, None, {"extra_qurey": {}})


def test_the_client_s_own_keywords() -> None:
    with pytest.raises(
        TypeError,
        match=r"^Mistral\(\) got an unexpected keyword argument 'retry_confg'; "
        r"did you mean 'retry_config'\?$",
    ):
        Mistral(api_key=API_KEY, retry_confg=None)
    with pytest.raises(TypeError) as caught:
        Mistral(api_key=API_KEY, servr="eu", debug=True)
    assert str(caught.value) == (
        "Mistral() got unexpected keyword arguments 'servr' (did you mean 'server'?), "
        "'debug' (did you mean 'debug_logger'?)"
    )


class Subclient(Mistral):
    def __init__(self, *, region: str = "west", **options: Any) -> None:
        self.region = region
        super().__init__(**options)


def test_a_subclass_of_the_client_names_itself_and_knows_its_own_keywords() -> None:
    with pytest.raises(TypeError, match=r"^Subclient\(\) got .* 'regoin'; did you mean 'region'"):
        Subclient(api_key=API_KEY, regoin="east")
    with pytest.raises(TypeError, match=r"^Subclient\(\) got .* 'api_kye'; did you mean 'api_key'"):
        Subclient(api_kye=API_KEY)


def test_the_message_form() -> None:
    error = unexpected_keywords("f()", ["colour"], ["color", "size"])
    assert str(error) == "f() got an unexpected keyword argument 'colour'; did you mean 'color'?"
    error = unexpected_keywords("f()", ["a", "b"], [])
    assert str(error) == "f() got unexpected keyword arguments 'a', 'b'"
