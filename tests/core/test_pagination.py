"""Lists in pages: the first page is fetched by the call, the next ones only when needed."""

from __future__ import annotations

from typing import Any

import attrs
import httpx
import pytest
import respx

from mistral_core import (
    UNSET,
    APIConnectionError,
    AsyncPage,
    Mistral,
    Model,
    NotFoundError,
    Operation,
    Page,
    Pagination,
    Unset,
)
from mistral_core.resource import Resource


@attrs.define(kw_only=True)
class Answer(Model):
    data: list[int] | Unset = UNSET
    next_cursor: str | Unset | None = UNSET


CURSOR_LIST: Operation[Answer, Any] = Operation(
    id="numbers_list",
    method="GET",
    path="/v1/numbers",
    models=__name__,
    returns="Answer",
    pages=Pagination(items="data", cursor="cursor", next_cursor="next_cursor", limit="limit"),
)
OFFSET_LIST: Operation[Any, Any] = Operation(
    id="numbers_offsets",
    method="GET",
    path="/v1/offsets",
    models=__name__,
    returns="Answer",
    pages=Pagination(items="data", offset="offset", limit="limit"),
)
PLAIN: Operation[Any, Any] = Operation(id="plain", method="GET", path="/v1/plain")


class Numbers(Resource):
    def list(self, **query: Any) -> Page[Answer, int]:
        return self._call_pages(CURSOR_LIST, None, {}, query=query)

    async def list_async(self, **query: Any) -> AsyncPage[Answer, int]:
        return await self._call_pages_async(CURSOR_LIST, None, {}, query=query)

    def offsets(self, **query: Any) -> Page[Answer, int]:
        return self._call_pages(OFFSET_LIST, None, {}, query=query)

    async def offsets_async(self, **query: Any) -> AsyncPage[Answer, int]:
        return await self._call_pages_async(OFFSET_LIST, None, {}, query=query)

    def plain(self) -> Page[Any, Any]:
        return self._call_pages(PLAIN, None, {})


PAGES = {"": ([1, 2], "c2"), "c2": ([3, 4], "c3"), "c3": ([5], None)}
"""cursor -> (items, next cursor): three pages, the last without a next cursor."""


def cursor_pages(request: httpx.Request) -> httpx.Response:
    items, next_cursor = PAGES[request.url.params.get("cursor", "")]
    return httpx.Response(200, json={"data": items, "next_cursor": next_cursor})


def offset_pages(request: httpx.Request) -> httpx.Response:
    offset = int(request.url.params.get("offset", "0"))
    limit = int(request.url.params.get("limit", "2"))
    return httpx.Response(200, json={"data": list(range(5))[offset : offset + limit]})


@pytest.fixture
def numbers(client: Mistral, api: respx.MockRouter) -> Numbers:
    api.get("/v1/numbers").mock(side_effect=cursor_pages)
    api.get("/v1/offsets").mock(side_effect=offset_pages)
    return Numbers(client)


def test_iterating_a_page_fetches_the_next_pages_only_when_needed(
    numbers: Numbers, api: respx.MockRouter
) -> None:
    page = numbers.list(limit=2, kind="odd")
    assert api.calls.call_count == 1
    assert page.items == [1, 2]
    assert page.result == Answer(data=[1, 2], next_cursor="c2")
    assert page.has_next
    items = iter(page)
    assert [next(items), next(items)] == [1, 2]
    assert api.calls.call_count == 1  # the second page is not read ahead
    assert next(items) == 3
    assert api.calls.call_count == 2
    assert list(items) == [4, 5]
    assert api.calls.call_count == 3
    queries = [dict(call.request.url.params) for call in api.calls]
    assert queries == [
        {"limit": "2", "kind": "odd"},
        {"limit": "2", "kind": "odd", "cursor": "c2"},
        {"limit": "2", "kind": "odd", "cursor": "c3"},
    ]


def test_next_gives_each_page_then_none(numbers: Numbers) -> None:
    page: Page[Answer, int] | None = numbers.list()
    seen = []
    while page is not None:
        seen.append(page.items)
        assert page.http is not None
        assert page.http.status_code == 200
        page = page.next()
    assert seen == [[1, 2], [3, 4], [5]]


def test_iter_pages_fetches_each_page_when_the_loop_gets_to_it(
    numbers: Numbers, api: respx.MockRouter
) -> None:
    pages = numbers.list().iter_pages()
    assert next(pages).items == [1, 2]
    assert api.calls.call_count == 1
    assert [page.items for page in pages] == [[3, 4], [5]]
    assert api.calls.call_count == 3


@pytest.mark.anyio
async def test_async_iter_pages(numbers: Numbers, api: respx.MockRouter) -> None:
    first = await numbers.list_async()
    seen = []
    async for page in first.iter_pages():
        seen.append(page.items)
        assert api.calls.call_count == len(seen)
    assert seen == [[1, 2], [3, 4], [5]]


@pytest.mark.parametrize("end", [None, "", UNSET])
def test_a_cursor_list_ends_without_a_next_cursor(
    client: Mistral, api: respx.MockRouter, end: Any
) -> None:
    answer: dict[str, Any] = {"data": [1]}
    if end is not UNSET:
        answer["next_cursor"] = end
    api.get("/v1/numbers").respond(200, json=answer)
    page = Numbers(client).list()
    assert not page.has_next
    assert page.next() is None
    assert list(page) == [1]
    assert api.calls.call_count == 1


def test_an_offset_list_ends_with_a_short_page(numbers: Numbers, api: respx.MockRouter) -> None:
    assert list(numbers.offsets(limit=2)) == [0, 1, 2, 3, 4]
    offsets = [call.request.url.params.get("offset") for call in api.calls]
    assert offsets == [None, "2", "4"]  # [4] is shorter than the limit: the last page


def test_an_offset_list_without_a_limit_ends_with_an_empty_page(
    client: Mistral, api: respx.MockRouter
) -> None:
    answers = iter([[1, 2], [3], []])
    api.get("/v1/offsets").mock(
        side_effect=lambda request: httpx.Response(200, json={"data": next(answers)})
    )
    page = Numbers(client).offsets()
    assert list(page) == [1, 2, 3]
    offsets = [call.request.url.params.get("offset") for call in api.calls]
    assert offsets == [None, "2", "3"]
    assert repr(page) == "<Page of 2 items, has_next=True>"


def test_an_error_on_a_later_page_is_raised_where_it_is_read(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.get("/v1/numbers", params={"cursor": "c2"}).respond(404, json={"message": "gone"})
    api.get("/v1/numbers").respond(200, json={"data": [1, 2], "next_cursor": "c2"})
    items = iter(Numbers(client).list())
    assert [next(items), next(items)] == [1, 2]
    with pytest.raises(NotFoundError, match="gone"):
        next(items)


def test_a_broken_connection_on_a_later_page_is_a_connection_error(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.get("/v1/numbers", params={"cursor": "c2"}).mock(side_effect=httpx.ConnectError("down"))
    api.get("/v1/numbers").respond(200, json={"data": [1], "next_cursor": "c2"})
    with pytest.raises(APIConnectionError):
        list(Numbers(client).list())


def test_an_operation_without_pages_cannot_be_paged(numbers: Numbers) -> None:
    with pytest.raises(TypeError, match="plain is not a list that comes in pages"):
        numbers.plain()


@pytest.mark.anyio
async def test_async_pages_are_fetched_only_when_needed(
    numbers: Numbers, api: respx.MockRouter
) -> None:
    page = await numbers.list_async()
    assert isinstance(page, AsyncPage)
    assert page.items == [1, 2]
    seen = []
    async for item in page:
        seen.append(item)
        if item == 2:
            assert api.calls.call_count == 1
    assert seen == [1, 2, 3, 4, 5]
    assert api.calls.call_count == 3
    second = await page.next()
    assert second is not None
    assert second.items == [3, 4]
    last = await (await second.next()).next()  # type: ignore[union-attr]
    assert last is None


@pytest.mark.anyio
async def test_async_offset_pages(numbers: Numbers) -> None:
    page = await numbers.offsets_async(limit=3)
    assert [item async for item in page] == [0, 1, 2, 3, 4]
