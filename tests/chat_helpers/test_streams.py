"""Completion streams that put their answer together: ``text_stream``,
``get_final_response()``, ``until_done()`` and the partial answer of a stream that failed,
for chat, FIM and agents, sync and async, against a fake API."""

from __future__ import annotations

import copy
import itertools
import json
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from mistral_core import APIConnectionError, Mistral, ResponseTooLargeError, StreamError
from mistral_plugin_chat import AsyncCompletionStream, CompletionStream, IncompleteStreamError
from mistral_plugin_chat.models import ChatCompletionResponse, TextChunk, ThinkChunk
from mistral_plugin_fim.models import FIMCompletionResponse
from mistral_types._accumulator import CompletionAccumulator
from tests.payloads import CHAT_PATH, chat_response, chunk, sse, user_says

STREAM = "text/event-stream"
USAGE = {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}


def last(content: str, finish_reason: str = "stop", **more: Any) -> dict[str, Any]:
    """The last chunk of a choice: its finish reason and the usage."""
    return {**chunk(content, finish_reason=finish_reason), "usage": USAGE, **more}


def delta(index: int = 0, **fields: Any) -> dict[str, Any]:
    """A chunk whose choice ``index`` adds ``fields`` to its message."""
    return {**chunk(""), "choices": [{"index": index, "delta": fields, "finish_reason": None}]}


def answer(api: respx.MockRouter, *events: dict[str, Any] | str, done: bool = True) -> None:
    api.post(CHAT_PATH).respond(content=sse(*events, done=done), headers={"content-type": STREAM})


def test_a_chat_stream_is_a_completion_stream(client: Mistral, api: respx.MockRouter) -> None:
    answer(api, chunk("Hello"), last("!"))
    with client.chat.stream(model="m", messages=user_says()) as events:
        assert isinstance(events, CompletionStream)
        assert [e.data.choices[0].delta.content for e in events] == ["Hello", "!"]


@pytest.mark.parametrize("read_first", [0, 1, 2, 3])
def test_the_final_response_after_reading_any_part(
    client: Mistral, api: respx.MockRouter, read_first: int
) -> None:
    answer(api, chunk("The "), chunk("sea "), last("sings."))
    events = client.chat.stream(model="m", messages=user_says())
    read = [next(events) for _ in range(read_first)]
    final = events.get_final_response()

    assert len(read) == read_first
    assert isinstance(final, ChatCompletionResponse)
    assert final.choices[0].message.content == "The sea sings."
    assert final.choices[0].finish_reason == "stop"
    assert final.object == "chat.completion"
    assert final.usage.total_tokens == 15
    assert final.http.status_code == 200
    assert events.get_final_response() is final  # kept, not read again
    assert list(events) == []


def test_the_final_response_equals_the_same_answer_whole(
    client: Mistral, api: respx.MockRouter
) -> None:
    whole = chat_response("Paris", id="cmpl-stream")
    whole["choices"][0]["message"].pop("tool_calls")
    api.post(CHAT_PATH).mock(
        side_effect=[
            httpx.Response(200, json=whole),
            httpx.Response(
                200, content=sse(chunk("Par"), last("is")), headers={"content-type": STREAM}
            ),
        ]
    )
    complete = client.chat.complete(model="m", messages=user_says())
    streamed = client.chat.stream(model="m", messages=user_says()).get_final_response()
    assert streamed == complete


def test_text_stream_gives_the_text_only(client: Mistral, api: respx.MockRouter) -> None:
    thinking = {"type": "thinking", "thinking": [{"type": "text", "text": "Hmm."}]}
    answer(
        api,
        delta(content=[thinking]),
        chunk("Hello"),
        delta(1, content="other choice"),
        delta(content=[{"type": "text", "text": " you"}]),
        last(""),
    )
    events = client.chat.stream(model="m", messages=user_says())
    assert list(events.text_stream) == ["Hello", " you"]
    content = events.get_final_response().choices[0].message.content
    assert isinstance(content, list)
    assert isinstance(content[0], ThinkChunk)
    assert content[1:] == [TextChunk(text="Hello you")]


def test_until_done_reads_the_rest(client: Mistral, api: respx.MockRouter) -> None:
    answer(api, chunk("a"), chunk("b"), last("c"))
    events = client.chat.stream(model="m", messages=user_says())
    next(events)
    events.until_done()
    assert list(events) == []
    assert events.get_final_response().choices[0].message.content == "abc"


def test_tool_calls_are_merged_by_index(client: Mistral, api: respx.MockRouter) -> None:
    def calls(*tool_calls: dict[str, Any]) -> dict[str, Any]:
        return delta(tool_calls=list(tool_calls))

    answer(
        api,
        calls({"index": 0, "id": "a1", "function": {"name": "weather", "arguments": '{"ci'}}),
        calls(
            {"index": 0, "function": {"name": "weather", "arguments": 'ty": "Paris"}'}},
            {"index": 1, "id": "b2", "function": {"name": "time", "arguments": "{}"}},
        ),
        last("", finish_reason="tool_calls"),
    )
    final = client.chat.stream(model="m", messages=user_says()).get_final_response()
    message = final.choices[0].message
    assert final.choices[0].finish_reason == "tool_calls"
    assert message.tool_calls
    assert [(c.id, c.function.name, c.function.arguments) for c in message.tool_calls] == [
        ("a1", "weather", '{"city": "Paris"}'),
        ("b2", "time", "{}"),
    ]


def test_several_choices(client: Mistral, api: respx.MockRouter) -> None:
    answer(
        api,
        chunk("one", index=0),
        chunk("two", index=1),
        chunk(" more", index=1, finish_reason="length"),
        last("!", index=0),
    )
    final = client.chat.stream(model="m", messages=user_says(), n=2).get_final_response()
    assert [(c.index, c.message.content, c.finish_reason) for c in final.choices] == [
        (0, "one!", "stop"),
        (1, "two more", "length"),
    ]


def test_a_cut_stream_raises_with_the_partial_response(
    client: Mistral, api: respx.MockRouter
) -> None:
    answer(api, chunk("The "), chunk("sea"), done=False)
    events = client.chat.stream(model="m", messages=user_says())
    with pytest.raises(APIConnectionError) as raised:
        events.get_final_response()
    partial = raised.value.partial_response
    assert isinstance(partial, ChatCompletionResponse)
    assert partial.choices[0].message.content == "The sea"
    assert partial.choices[0].finish_reason == "incomplete"
    assert partial.usage.total_tokens == 0
    with pytest.raises(IncompleteStreamError) as again:
        events.get_final_response()
    assert again.value.partial_response == partial


def test_an_error_event_keeps_what_arrived(client: Mistral, api: respx.MockRouter) -> None:
    answer(api, chunk("Half"), {"object": "error", "message": "overloaded"}, done=False)
    with pytest.raises(StreamError) as raised:
        list(client.chat.stream(model="m", messages=user_says()))
    assert raised.value.partial_response.choices[0].message.content == "Half"


def test_no_event_at_all_gives_no_partial_response(client: Mistral, api: respx.MockRouter) -> None:
    answer(api, done=False)
    with pytest.raises(APIConnectionError) as raised:
        client.chat.stream(model="m", messages=user_says()).get_final_response()
    assert raised.value.partial_response is None


def test_a_stream_left_early_has_no_final_response(client: Mistral, api: respx.MockRouter) -> None:
    answer(api, chunk("a"), chunk("b"), last("c"))
    events = client.chat.stream(model="m", messages=user_says())
    for _ in events:
        break
    with pytest.raises(IncompleteStreamError, match="closed before its end") as raised:
        events.get_final_response()
    assert raised.value.partial_response.choices[0].message.content == "a"


def test_an_answer_too_large_to_keep(api: respx.MockRouter) -> None:
    answer(api, *(chunk("x" * 100) for _ in range(20)), last(""))
    with Mistral(api_key="k", max_response_bytes=1000) as client:
        events = client.chat.stream(model="m", messages=user_says())
        assert len(list(events.text_stream)) == 20  # the events still arrive
        with pytest.raises(ResponseTooLargeError, match="max_response_bytes"):
            events.get_final_response()


@pytest.mark.anyio
async def test_async_streams(api: respx.MockRouter) -> None:
    async with Mistral(api_key="k") as client:
        answer(api, chunk("Hello"), chunk(" there"), last("!"))
        events = await client.chat.stream_async(model="m", messages=user_says())
        assert isinstance(events, AsyncCompletionStream)
        assert [text async for text in events.text_stream] == ["Hello", " there", "!"]
        final = await events.get_final_response()
        assert final.choices[0].message.content == "Hello there!"

        answer(api, chunk("a"), last("b"))
        events = await client.chat.stream_async(model="m", messages=user_says())
        await events.__anext__()
        await events.until_done()
        assert (await events.get_final_response()).choices[0].message.content == "ab"

        answer(api, chunk("cut"), done=False)
        events = await client.chat.stream_async(model="m", messages=user_says())
        with pytest.raises(APIConnectionError) as raised:
            await events.get_final_response()
        assert raised.value.partial_response.choices[0].message.content == "cut"


def test_fim_and_agents_streams_put_their_answer_together(
    client: Mistral, api: respx.MockRouter
) -> None:
    body = sse(chunk("def "), last("f(): pass"))
    api.post("/v1/fim/completions").respond(content=body, headers={"content-type": STREAM})
    api.post("/v1/agents/completions").respond(content=body, headers={"content-type": STREAM})
    fim = client.fim.stream(model="codestral-latest", prompt="def").get_final_response()
    assert isinstance(fim, FIMCompletionResponse)
    assert fim.choices[0].message.content == "def f(): pass"
    agents = client.agents.stream(agent_id="ag", messages=user_says()).get_final_response()
    assert isinstance(agents, ChatCompletionResponse)
    assert agents.choices[0].message.content == "def f(): pass"


# Any split of a response into chunks puts the same response back together.

TEXT = st.text(st.characters(codec="utf-8"), max_size=30)


@st.composite
def responses(draw: st.DrawFn) -> dict[str, Any]:
    choices = []
    for index in range(draw(st.integers(1, 3))):
        message: dict[str, Any] = {"role": "assistant", "content": draw(TEXT)}
        calls = [
            {
                "id": draw(st.text("abcdef0123456789", min_size=9, max_size=9)),
                "type": "function",
                "index": i,
                "function": {
                    "name": draw(st.from_regex(r"[a-z_]{1,12}", fullmatch=True)),
                    "arguments": json.dumps(draw(st.dictionaries(TEXT, TEXT, max_size=3))),
                },
            }
            for i in range(draw(st.integers(0, 2)))
        ]
        if calls:
            message["tool_calls"] = calls
        finish = draw(st.sampled_from(["stop", "length", "tool_calls", "model_length"]))
        choices.append({"index": index, "message": message, "finish_reason": finish})
    return {
        "id": draw(st.text("abcdef0123456789", min_size=1, max_size=12)),
        "object": "chat.completion",
        "model": "mistral-small-latest",
        "created": draw(st.integers(0, 2**31)),
        "usage": {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8},
        "choices": choices,
    }


def pieces(draw: st.DrawFn, text: str) -> list[str]:
    """``text`` split at any places (at least one piece, possibly empty ones)."""
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=4)))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


@st.composite
def split(draw: st.DrawFn, response: dict[str, Any]) -> list[dict[str, Any]]:
    """The chunks of a stream that sends ``response``, interleaving its choices."""
    head = {k: response[k] for k in ("id", "model", "created")} | {
        "object": "chat.completion.chunk"
    }
    per_choice: list[list[dict[str, Any]]] = []
    for choice in response["choices"]:
        message, deltas = choice["message"], []
        for i, text in enumerate(pieces(draw, message["content"])):
            deltas.append({"role": "assistant", "content": text} if i == 0 else {"content": text})
        for call in message.get("tool_calls", ()):
            arguments = pieces(draw, call["function"]["arguments"])
            first = copy.deepcopy(call)
            first["function"]["arguments"] = arguments[0]
            deltas.append({"tool_calls": [first]})
            for rest in arguments[1:]:  # the API's model of a call always has its name
                function = {"name": call["function"]["name"], "arguments": rest}
                deltas.append({"tool_calls": [{"index": call["index"], "function": function}]})
        events = [{"index": choice["index"], "delta": d, "finish_reason": None} for d in deltas]
        events.append(
            {
                "index": choice["index"],
                "delta": {"content": ""},
                "finish_reason": choice["finish_reason"],
            }
        )
        per_choice.append(events)
    chunks = []
    while any(per_choice):
        which = draw(st.sampled_from([i for i, events in enumerate(per_choice) if events]))
        chunks.append({**head, "choices": [per_choice[which].pop(0)]})
    chunks[-1]["usage"] = response["usage"]
    return chunks


@given(st.data())
def test_any_split_of_a_response_puts_it_back_together(data: st.DataObject) -> None:
    response = data.draw(responses())
    accumulator = CompletionAccumulator()
    for event in data.draw(split(response)):
        accumulator.add(event)
    assert accumulator.response() == response


@given(st.data())
def test_a_streamed_response_reads_as_the_same_model(data: st.DataObject) -> None:
    response = data.draw(responses())
    events = data.draw(split(response))
    with respx.mock(base_url="https://api.mistral.ai") as api, Mistral(api_key="k") as client:
        answer(api, *events)
        final = client.chat.stream(model="m", messages=user_says()).get_final_response()
    assert final.to_dict() == ChatCompletionResponse.from_dict(response).to_dict()
