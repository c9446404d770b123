"""What generated resource methods use of the core: ``@operation``, path and query parameters.

A small resource group written here, as the generator writes them, is mounted through a
plugin and called against the fake API, sync and async.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest
import respx

from mistral_core import UNSET, AsyncEventStream, EventStream, Mistral, OpenEnum, Operation
from mistral_core.resource import Resource, operation
from tests.payloads import API_KEY, sse


class Color(OpenEnum):
    RED = "red"
    BLUE = "blue"


GET_ITEM: Operation[Any, Any] = Operation(id="items_get", method="GET", path="/v1/items/{item_id}")
LIST_ITEMS: Operation[Any, Any] = Operation(id="items_list", method="GET", path="/v1/items")
MOVE_ITEM: Operation[Any, Any] = Operation(
    id="items_move", method="POST", path="/v1/shelves/{shelf}/items/{item_id}/move"
)
WATCH_ITEM: Operation[Any, Any] = Operation(
    id="items_watch", method="GET", path="/v1/items/{item_id}/events"
)


class Items(Resource):
    """A resource group shaped like a generated one: one method per operation and form."""

    @operation(GET_ITEM)
    def get(self, *, item_id: Any, **options: Any) -> Any:
        return self._call(GET_ITEM, None, options, path={"item_id": item_id})

    @operation(GET_ITEM)
    async def get_async(self, *, item_id: Any, **options: Any) -> Any:
        return await self._call_async(GET_ITEM, None, options, path={"item_id": item_id})

    @operation(LIST_ITEMS)
    def list(self, *, query: Mapping[str, Any], **options: Any) -> Any:
        return self._call(LIST_ITEMS, None, options, query=query)

    @operation(LIST_ITEMS)
    async def list_async(self, *, query: Mapping[str, Any], **options: Any) -> Any:
        return await self._call_async(LIST_ITEMS, None, options, query=query)

    @operation(MOVE_ITEM)
    def move(self, *, shelf: Any, item_id: Any, position: int, **options: Any) -> Any:
        path = {"shelf": shelf, "item_id": item_id}
        return self._call(MOVE_ITEM, {"position": position}, options, path=path)

    @operation(WATCH_ITEM)
    def watch(self, *, item_id: Any, since: Any = UNSET, **options: Any) -> EventStream[Any]:
        path, query = {"item_id": item_id}, {"since": since}
        return self._stream(WATCH_ITEM, None, options, path=path, query=query)

    @operation(WATCH_ITEM)
    async def watch_async(
        self, *, item_id: Any, since: Any = UNSET, **options: Any
    ) -> AsyncEventStream[Any]:
        path, query = {"item_id": item_id}, {"since": since}
        return await self._stream_async(WATCH_ITEM, None, options, path=path, query=query)


class Provides:
    def mistral_resources(self) -> dict[str, Any]:
        return {"items": Items}


@pytest.fixture
def client(api: respx.MockRouter, sleeps: list[float]) -> Iterator[Mistral]:
    with Mistral(api_key=API_KEY, plugins=[Provides()]) as mistral:
        yield mistral


def any_item(api: respx.MockRouter, method: str = "GET") -> respx.Route:
    return api.route(method=method, path__startswith="/v1/").respond(json={"id": "item"})


# --- @operation ------------------------------------------------------------------------


def test_operation_records_the_operation_on_the_function_itself() -> None:
    def method(self: Any) -> str:
        return "called"

    marked = operation(GET_ITEM)(method)
    assert marked is method
    assert method.operation is GET_ITEM  # type: ignore[attr-defined]
    assert marked(None) == "called"


def test_decorated_methods_stay_plain_methods_sync_and_async() -> None:
    assert Items.get.operation is GET_ITEM  # type: ignore[attr-defined]
    assert Items.move.operation is MOVE_ITEM  # type: ignore[attr-defined]
    assert Items.watch_async.operation is WATCH_ITEM  # type: ignore[attr-defined]
    assert inspect.iscoroutinefunction(Items.get_async)
    assert not hasattr(Items.get, "__wrapped__")


# --- path parameters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("a/b c", b"a%2Fb%20c"),
        ("x y", b"x%20y"),
        ("50%", b"50%25"),
        ("?page=2#top", b"%3Fpage%3D2%23top"),
        ("..", b"%2E%2E"),
        (".", b"%2E"),
        ("ünï", b"%C3%BCn%C3%AF"),
        ("file-3f2a", b"file-3f2a"),
        (Color.RED, b"red"),
        (42, b"42"),
    ],
)
def test_path_parameters_are_escaped_into_one_segment(
    client: Mistral, api: respx.MockRouter, value: Any, segment: bytes
) -> None:
    route = any_item(api)
    assert client.items.get(item_id=value) == {"id": "item"}
    assert route.calls.last.request.url.raw_path == b"/v1/items/" + segment


def test_each_path_parameter_fills_its_placeholder(client: Mistral, api: respx.MockRouter) -> None:
    route = any_item(api, "POST")
    client.items.move(shelf="top shelf", item_id="i/2", position=3)
    request = route.calls.last.request
    assert request.url.raw_path == b"/v1/shelves/top%20shelf/items/i%2F2/move"
    assert request.content == b'{"position":3}'
    assert request.headers["content-type"] == "application/json"


@pytest.mark.parametrize("value", [UNSET, None, ""])
def test_an_empty_path_parameter_raises_before_sending(
    client: Mistral, api: respx.MockRouter, value: Any
) -> None:
    route = any_item(api)
    with pytest.raises(ValueError, match="path parameter 'item_id' needs a value"):
        client.items.get(item_id=value)
    assert not route.called


@pytest.mark.parametrize("path", [None, {}, {"shelf": "top"}])
def test_a_missing_path_parameter_raises_naming_it(
    client: Mistral, api: respx.MockRouter, path: dict[str, Any] | None
) -> None:
    route = any_item(api, "POST")
    with pytest.raises(ValueError, match="'shelf'" if not path else "'item_id'"):
        client.items._call(MOVE_ITEM, {"position": 1}, {}, path=path)
    assert not route.called


@pytest.mark.anyio
async def test_async_path_parameters(client: Mistral, api: respx.MockRouter) -> None:
    route = any_item(api)
    assert await client.items.get_async(item_id="a/b c") == {"id": "item"}
    assert route.calls.last.request.url.raw_path == b"/v1/items/a%2Fb%20c"
    with pytest.raises(ValueError, match="'item_id'"):
        await client.items.get_async(item_id="")
    assert route.call_count == 1


# --- query parameters ------------------------------------------------------------------

EVERY_KIND = {
    "flag": True,
    "archived": False,
    "color": Color.BLUE,
    "shade": "teal",  # a value the enum does not know yet
    "tags": ["a", "b c"],
    "bounds": (1, 2.5),
    "mixed": [Color.RED, True, None, UNSET, 7],
    "filter": {"name": "x", "min": 1, "ok": True, "tag": Color.RED},
    "since": dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.timezone.utc),
    "day": dt.date(2024, 5, 1),
    "page": 2,
    "ratio": 0.5,
    "search": "été & co=1",
    "unset": UNSET,
    "none": None,
    "nothing": [],
}
EVERY_KIND_SENT = [
    ("flag", "true"),
    ("archived", "false"),
    ("color", "blue"),
    ("shade", "teal"),
    ("tags", "a"),
    ("tags", "b c"),
    ("bounds", "1"),
    ("bounds", "2.5"),
    ("mixed", "red"),
    ("mixed", "true"),
    ("mixed", "7"),
    ("filter", '{"name":"x","min":1,"ok":true,"tag":"red"}'),
    ("since", "2024-05-01T12:30:00+00:00"),
    ("day", "2024-05-01"),
    ("page", "2"),
    ("ratio", "0.5"),
    ("search", "été & co=1"),
]


def test_query_values_of_every_kind(client: Mistral, api: respx.MockRouter) -> None:
    route = any_item(api)
    client.items.list(query=EVERY_KIND)
    url = route.calls.last.request.url
    assert url.params.multi_items() == EVERY_KIND_SENT
    assert b"search=%C3%A9t%C3%A9+%26+co%3D1" in url.query  # one value, not three


def test_extra_query_is_merged_and_wins_on_a_name(client: Mistral, api: respx.MockRouter) -> None:
    route = any_item(api)
    query = {"page": 1, "tags": ["a", "b"], "kept": "x"}
    extra = {"page": 3, "tags": None, "beta": True, "ids": ["i1", "i2"]}
    client.items.list(query=query, extra_query=extra)
    assert route.calls.last.request.url.params.multi_items() == [
        ("kept", "x"),
        ("page", "3"),
        ("beta", "true"),
        ("ids", "i1"),
        ("ids", "i2"),
    ]


def test_no_query_sends_no_query_string(client: Mistral, api: respx.MockRouter) -> None:
    route = any_item(api)
    client.items.list(query={"unset": UNSET, "none": None})
    request = route.calls.last.request
    assert request.url.query == b""
    assert str(request.url) == "https://api.mistral.ai/v1/items"


def test_a_call_without_a_body_sends_no_content_type(
    client: Mistral, api: respx.MockRouter
) -> None:
    route = any_item(api)
    client.items.list(query={"page": 1})
    request = route.calls.last.request
    assert "content-type" not in request.headers
    assert request.content == b""
    assert request.headers["accept"] == "application/json"


def test_query_survives_a_client_with_its_own_params(api: respx.MockRouter) -> None:
    route = any_item(api)
    http = httpx.Client(params={"tenant": "acme", "page": "9"})
    with Mistral(api_key=API_KEY, plugins=[Provides()], client=http) as client:
        client.items.list(query={"page": 2, "tags": ["a", "b"]})
    assert route.calls.last.request.url.params.multi_items() == [
        ("tenant", "acme"),
        ("page", "2"),
        ("tags", "a"),
        ("tags", "b"),
    ]


@pytest.mark.anyio
async def test_async_query_values(client: Mistral, api: respx.MockRouter) -> None:
    route = any_item(api)
    await client.items.list_async(query=EVERY_KIND, extra_query={"page": 5})
    sent = [(name, "5" if name == "page" else value) for name, value in EVERY_KIND_SENT]
    sent.append(sent.pop(sent.index(("page", "5"))))  # extra_query comes last
    assert route.calls.last.request.url.params.multi_items() == sent


# --- streams ---------------------------------------------------------------------------

SINCE = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.timezone.utc)


def test_a_stream_takes_path_and_query(client: Mistral, api: respx.MockRouter) -> None:
    route = api.get("/v1/items/a%2Fb/events").respond(
        text=sse({"n": 1}, {"n": 2}).decode(), headers={"content-type": "text/event-stream"}
    )
    with client.items.watch(item_id="a/b", since=SINCE) as events:
        assert [event["n"] for event in events] == [1, 2]
    request = route.calls.last.request
    assert request.url.raw_path.partition(b"?")[0] == b"/v1/items/a%2Fb/events"
    assert request.url.params.multi_items() == [("since", "2024-05-01T08:00:00+00:00")]
    assert request.headers["accept"] == "text/event-stream"


@pytest.mark.anyio
async def test_an_async_stream_takes_path_and_query(client: Mistral, api: respx.MockRouter) -> None:
    route = api.get("/v1/items/x%20y/events").respond(
        text=sse({"n": 1}).decode(), headers={"content-type": "text/event-stream"}
    )
    async with await client.items.watch_async(item_id="x y") as events:
        assert [event["n"] async for event in events] == [1]
    assert route.calls.last.request.url.query == b""
    with pytest.raises(ValueError, match="'item_id'"):
        await client.items.watch_async(item_id=None)
    assert route.call_count == 1
