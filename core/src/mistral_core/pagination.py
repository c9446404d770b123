"""Lists that come in pages, read one page at a time.

A list operation with a :class:`Pagination` returns a :class:`Page` (:class:`AsyncPage`
when awaited): the first page, already fetched. Iterating it yields the items of that
page, then fetches the next page only when its items are needed, and so on to the end;
nothing is read ahead. ``next()`` gives the next page itself, as in the official SDK.

A server that sends a cursor it sent before would make the list go round forever:
``next()`` raises :class:`~mistral_core.ResponseValidationError` instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

from ._guards import is_array
from .errors import ResponseValidationError
from .models import HTTPInfo

__all__ = ["AsyncPage", "Page", "Pagination"]

R = TypeVar("R")
T = TypeVar("T")

Query = Mapping[str, Any]


@attrs.frozen
class Pagination:
    """How a list asks for its next page: by a cursor, or by an offset.

    A cursor list reads the next cursor from its answer's ``next_cursor`` attribute and
    sends it as the ``cursor`` query parameter; it ends when there is none. An offset
    list sends the index of its next item as ``offset``; it ends with an empty page, or
    a page shorter than the ``limit`` asked for.
    """

    items: str
    """The attribute of the answer that holds this page's items."""
    cursor: str = ""
    next_cursor: str = ""
    offset: str = ""
    limit: str = ""

    def items_of(self, result: Any) -> list[Any]:
        items = getattr(result, self.items, None)
        return items if is_array(items) else []

    def cursors_in(self, query: Query) -> frozenset[Any]:
        """The cursor a query asks for, if any (the first page may start at one)."""
        cursor = query.get(self.cursor) if self.cursor else None
        return frozenset((cursor,)) if cursor else frozenset()

    def next_query(self, query: Query, result: Any) -> Query | None:
        """The query of the page after ``result`` (asked with ``query``); ``None`` at the end."""
        if self.cursor:
            cursor = getattr(result, self.next_cursor, None)
            return {**query, self.cursor: cursor} if isinstance(cursor, str) and cursor else None
        count = len(self.items_of(result))
        limit = query.get(self.limit)
        if count == 0 or (isinstance(limit, int) and count < limit):
            return None
        offset = query.get(self.offset)
        return {**query, self.offset: (offset if isinstance(offset, int) else 0) + count}


class _PageBase(Generic[R, T]):
    def __init__(
        self, result: R, query: Query, pagination: Pagination, cursors: frozenset[Any] | None
    ) -> None:
        self.result = result
        """This page's answer, as the operation returns it."""
        self._query = query
        self._pagination = pagination
        self._cursors = pagination.cursors_in(query) if cursors is None else cursors
        """The cursors that were asked for, up to this page (a cursor list's)."""

    @property
    def items(self) -> list[T]:
        """This page's items only."""
        return self._pagination.items_of(self.result)

    @property
    def has_next(self) -> bool:
        """Whether a page follows this one (asking for it may still find it empty)."""
        return self._next_query() is not None

    @property
    def http(self) -> HTTPInfo | None:
        """The HTTP exchange of this page (status, headers, request id)."""
        return getattr(self.result, "http", None)

    def _next_query(self) -> Query | None:
        return self._pagination.next_query(self._query, self.result)

    def _next(self) -> tuple[Query, frozenset[Any]] | None:
        """The query of the next page and the cursors asked for up to it; ``None`` at
        the end. A cursor asked for already raises: the list would never end."""
        query = self._next_query()
        if query is None or not self._pagination.cursor:
            return None if query is None else (query, self._cursors)
        cursor = query[self._pagination.cursor]
        if cursor in self._cursors:
            raise ResponseValidationError(
                f"the server sent the cursor {cursor!r:.80} again, after "
                f"{len(self._cursors) + 1} pages: the list would never end",
                self.http,
            )
        return query, self._cursors | {cursor}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self.items)} items, has_next={self.has_next}>"


class Page(_PageBase[R, T]):
    """A page of a list; iterate it for every item of this page and the next ones."""

    def __init__(
        self,
        result: R,
        query: Query,
        pagination: Pagination,
        fetch: Callable[[Query], R],
        cursors: frozenset[Any] | None = None,
    ) -> None:
        super().__init__(result, query, pagination, cursors)
        self._fetch = fetch

    def next(self) -> Page[R, T] | None:
        """The next page, fetched now; ``None`` after the last one."""
        after = self._next()
        if after is None:
            return None
        query, cursors = after
        return Page(self._fetch(query), query, self._pagination, self._fetch, cursors)

    def iter_pages(self) -> Iterator[Page[R, T]]:
        """This page, then each next one, fetched when the loop asks for it."""
        page: Page[R, T] | None = self
        while page is not None:
            yield page
            page = page.next()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_PageBase[R, T]):
    """A page of a list; ``async for`` over it yields every item of it and the next pages."""

    def __init__(
        self,
        result: R,
        query: Query,
        pagination: Pagination,
        fetch: Callable[[Query], Awaitable[R]],
        cursors: frozenset[Any] | None = None,
    ) -> None:
        super().__init__(result, query, pagination, cursors)
        self._fetch = fetch

    async def next(self) -> AsyncPage[R, T] | None:
        """The next page, fetched now; ``None`` after the last one."""
        after = self._next()
        if after is None:
            return None
        query, cursors = after
        return AsyncPage(await self._fetch(query), query, self._pagination, self._fetch, cursors)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[R, T]]:
        """This page, then each next one (``async for``), fetched when the loop asks."""
        page: AsyncPage[R, T] | None = self
        while page is not None:
            yield page
            page = await page.next()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()
