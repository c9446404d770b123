"""What this client uses of an httpx client: the types of ``Mistral(client=, async_client=)``.

Any object with these methods will do (a wrapper that records, a test double). Only
type checkers read this module.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx

__all__ = ["AsyncHTTPClient", "SyncHTTPClient"]


class _BuildsRequests(Protocol):
    def build_request(
        self,
        method: str,
        url: str,
        *,
        content: Any = None,
        files: Any = None,
        params: Any = None,
        headers: Any = None,
        timeout: Any = ...,
    ) -> httpx.Request: ...


class SyncHTTPClient(_BuildsRequests, Protocol):
    """What is used of an ``httpx.Client``; any object with these two methods will do."""

    def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response: ...


class AsyncHTTPClient(_BuildsRequests, Protocol):
    """What is used of an ``httpx.AsyncClient``; any object with these two methods will do."""

    async def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response: ...
