"""Giving back what httpcore's async pool keeps after a cancelled call (httpcore#1093).

Two of its paths lose track when a call is cancelled at the wrong moment:

* A queued request is given a new connection by another task (one whose response just
  ended) before it runs again. Cancelled then (``asyncio.wait_for`` timing out, a task
  group cancelled), it leaves the pool without that connection, which stays
  "connecting" forever: neither idle, closed nor available, so the pool never reuses
  or drops it. Once every slot is held so, each later call waits for the pool timeout.
  :func:`reclaim_orphans` marks each such connection (never connected, assigned to no
  request) as failed to connect, which is what it is, so the pool drops it at its
  next use.
* A response closed as its body ends is cancelled inside the close: the pool keeps
  its request for ever (memory that grows with each such call), and does not hand
  the freed slot to the calls waiting for one. :func:`release_stranded` does what
  the close did not.

Both read httpcore's private state: where it is not as expected (another version, a
transport of the user's), they do nothing. Only cancelled calls come here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["reclaim_orphans", "release_stranded"]


def reclaim_orphans(http: object) -> int:
    """Mark the orphaned connections of ``http``'s pools failed; how many there were."""
    reclaimed = 0
    for pool in _pools(http):
        with _lock_of(pool):
            requests, connections = _list(pool, "_requests"), _list(pool, "_connections")
            owned = {id(getattr(request, "connection", None)) for request in requests}
            for connection in connections:
                if _never_connected(connection) and id(connection) not in owned:
                    connection._connect_failed = True  # the pool drops it at its next use
                    reclaimed += 1
    return reclaimed


async def release_stranded(response: object) -> bool:
    """Remove the pool request of a closed response that its pool still holds, and let
    the pool give its slot to a waiting call; whether there was one."""
    stream = _pool_stream(response)
    if stream is None or stream._closed is not True:
        return False
    pool, request = stream._pool, stream._pool_request
    with _lock_of(pool):
        if request not in pool._requests:
            return False
        pool._requests.remove(request)
        closing = pool._assign_requests_to_connections()
    await pool._close_connections(closing)
    return True


def _never_connected(connection: Any) -> bool:
    """An ``AsyncHTTPConnection`` that has not begun to connect, nor failed to."""
    return (
        getattr(connection, "_connection", True) is None
        and getattr(connection, "_connect_failed", None) is False
    )


def _pools(http: object) -> Iterator[object]:
    """The httpcore pools of an ``httpx.AsyncClient`` (its transport's and its mounts')."""
    transports = [getattr(http, "_transport", None)]
    mounts: dict[Any, Any] | None = getattr(http, "_mounts", None)
    if isinstance(mounts, dict):
        transports.extend(mounts.values())
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if pool is not None:
            yield pool


def _pool_stream(response: object) -> Any:
    """httpcore's stream of an httpx response (bound stream > httpx's > httpcore's)."""
    bound = getattr(response, "stream", None)
    stream = getattr(getattr(bound, "_stream", None), "_httpcore_stream", None)
    needed = ("_closed", "_pool", "_pool_request")
    if stream is None or not all(hasattr(stream, name) for name in needed):
        return None
    pool = stream._pool
    if not isinstance(getattr(pool, "_requests", None), list) or not hasattr(
        pool, "_assign_requests_to_connections"
    ):
        return None
    return stream


def _list(owner: object, name: str) -> list[Any]:
    """``owner.name`` when it is a list (an empty one otherwise)."""
    value: list[Any] | None = getattr(owner, name, None)
    return value if isinstance(value, list) else []


def _lock_of(pool: object) -> Any:
    return getattr(pool, "_optional_thread_lock", None) or contextlib.nullcontext()
