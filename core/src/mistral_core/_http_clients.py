"""The httpx clients behind a ``Mistral`` client: made on first use, one per event loop.

An ``httpx.AsyncClient`` belongs to the event loop it first ran on: its connections
are that loop's sockets. A program may run one ``Mistral`` client from several loops,
one after the other (``asyncio.run()`` twice) or at the same time (a loop per thread),
so each loop gets an async client of its own, made on its first call there and closed
when that loop shuts down, never by another loop.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, NamedTuple

import httpx

if TYPE_CHECKING:
    import asyncio
    import concurrent.futures

    from ._http_types import AsyncHTTPClient, SyncHTTPClient

__all__ = ["DEFAULT_TIMEOUT", "HTTPClients"]

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=10.0)
"""Long enough for a long generation; short to notice an unreachable server."""


class _LoopClient(NamedTuple):
    """An async client made for one event loop, and what closes it when the loop ends."""

    client: httpx.AsyncClient
    closer: AsyncGenerator[None, None]


class HTTPClients:
    """The sync and async httpx clients of a ``Mistral`` client and its ``with_options`` copies.

    Clients we create are created on first use and closed by :meth:`close` or
    :meth:`aclose`; clients the user passed in are used as they are and never closed.
    Async clients we create are one per event loop (see the module's docstring).
    """

    def __init__(
        self, client: SyncHTTPClient | None = None, async_client: AsyncHTTPClient | None = None
    ) -> None:
        self._sync = client
        self._owns_sync = client is None
        self._user_async = async_client
        self._by_loop: dict[asyncio.AbstractEventLoop, _LoopClient] = {}
        self._closing: set[concurrent.futures.Future[None]] = set()
        self._lock = threading.Lock()
        """Threads making their first call together must share one client, not leak some."""

    def sync(self) -> SyncHTTPClient:
        client = self._sync
        if client is None:
            with self._lock:
                if self._sync is None:
                    self._sync = httpx.Client(timeout=DEFAULT_TIMEOUT)
                client = self._sync
        return client

    async def async_(self) -> AsyncHTTPClient:
        """The async client of the running event loop (the user's, if one was given)."""
        if self._user_async is not None:
            return self._user_async
        import asyncio

        loop = asyncio.get_running_loop()
        owned = self._by_loop.get(loop)
        if owned is None:
            owned = await self._start(loop)
        return owned.client

    def async_client(self, loop: asyncio.AbstractEventLoop) -> httpx.AsyncClient | None:
        """The async client made for ``loop``, if one was (tests look at it)."""
        owned = self._by_loop.get(loop)
        return owned.client if owned is not None else None

    async def _start(self, loop: asyncio.AbstractEventLoop) -> _LoopClient:
        client = httpx.AsyncClient(timeout=DEFAULT_TIMEOUT)
        owned = _LoopClient(client, self._closed_at_loop_shutdown(loop, client))
        with self._lock:  # loops of other threads may be starting theirs
            self._by_loop = {
                known: other for known, other in self._by_loop.items() if not known.is_closed()
            }  # a loop closed without shutting down left its client: let it go
            self._by_loop[loop] = owned
        await anext(owned.closer)
        return owned

    async def _closed_at_loop_shutdown(
        self, loop: asyncio.AbstractEventLoop, client: httpx.AsyncClient
    ) -> AsyncGenerator[None, None]:
        """Closes ``client`` when ``loop`` shuts down, or when this generator is closed.

        ``asyncio.run()`` closes every unfinished async generator before it closes the
        loop: that is the last moment the client's connections can be closed on their
        own loop.
        """
        try:
            yield
        finally:
            with self._lock:
                owned = self._by_loop.get(loop)
                if owned is not None and owned.client is client:
                    del self._by_loop[loop]
            await client.aclose()

    def close(self) -> None:
        """Close the clients we own that no other thread's running loop is using.

        The async client of a loop that runs in another thread is that loop's to close,
        when it shuts down; one of a loop that is not running is closed on it now, and
        one of this thread's running loop is closed on it as soon as it can.
        """
        with self._lock:
            sync, self._sync = self._sync, None if self._owns_sync else self._sync
        if self._owns_sync and isinstance(sync, httpx.Client):
            sync.close()
        if not self._by_loop:  # a sync program does not pay for importing asyncio
            return
        import asyncio

        current = asyncio._get_running_loop()
        for loop, owned in self._take_closable(current):
            if loop is current:
                future = asyncio.run_coroutine_threadsafe(owned.closer.aclose(), loop)
                self._closing.add(future)
                future.add_done_callback(self._closing.discard)
            else:
                loop.run_until_complete(owned.closer.aclose())

    async def aclose(self) -> None:
        """Close the clients we own (see :meth:`close`), this loop's first."""
        import asyncio

        with self._lock:
            owned = self._by_loop.pop(asyncio.get_running_loop(), None)
        if owned is not None:
            await owned.closer.aclose()  # closes the client
        self.close()

    def _take_closable(
        self, current: asyncio.AbstractEventLoop | None
    ) -> list[tuple[asyncio.AbstractEventLoop, _LoopClient]]:
        """The loop clients that may be closed now, no longer ours to hand out (with those
        of loops closed already, which nothing can close any more)."""
        with self._lock:
            taken = [
                (loop, owned)
                for loop, owned in self._by_loop.items()
                if loop.is_closed() or loop is current or not loop.is_running()
            ]
            for loop, _ in taken:
                del self._by_loop[loop]
        return [(loop, owned) for loop, owned in taken if not loop.is_closed()]
