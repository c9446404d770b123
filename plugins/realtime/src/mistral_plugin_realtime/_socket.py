"""Opening the WebSocket of a realtime session, and the errors of the socket, typed.

The request comes from the core (:meth:`~mistral_core.resource.Resource._upgrade_async`):
the client's URL, headers, user agent and credential, as for every call. Here it is
turned into a WebSocket upgrade (``https`` -> ``wss``) and sent once: a refused upgrade
is the core's error for its status, never retried.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx

from mistral_core.errors import APITimeoutError, error_from_response
from mistral_core.resource import Upgrade

from ._errors import RealtimeConnectionError, RealtimeProtocolError

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection
    from websockets.exceptions import ConnectionClosed

__all__ = ["DEFAULT_OPEN_TIMEOUT", "WRITE_LIMIT", "closed_error", "open_websocket"]

WRITE_LIMIT = 64 * 1024
"""Bytes the socket may hold unsent before sending waits: the bound of the send queue,
so that audio sent faster than the server reads does not pile up in memory."""
RECEIVE_QUEUE = 16
"""Messages received and not yet read that the socket holds before it stops reading."""
DEFAULT_OPEN_TIMEOUT = 10.0
"""Seconds to open a session when the client sets no ``timeout_ms``."""
_NOT_FORWARDED = frozenset({"host", "user-agent", "accept", "accept-encoding"})
"""Headers the WebSocket client writes itself, or that mean nothing to a WebSocket."""


async def open_websocket(upgrade: Upgrade) -> ClientConnection:
    """The open WebSocket of ``upgrade``'s request, or the typed error of why not."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI

    request = upgrade.request
    timeout = upgrade.timeout if upgrade.timeout is not None else DEFAULT_OPEN_TIMEOUT
    url = request.url.copy_with(scheme="wss" if request.url.scheme == "https" else "ws")
    headers = [(k, v) for k, v in request.headers.items() if k not in _NOT_FORWARDED]
    try:
        return await connect(
            str(url),
            additional_headers=headers,
            user_agent_header=request.headers.get("user-agent"),
            open_timeout=timeout,
            close_timeout=timeout,
            max_size=upgrade.max_message_bytes,
            max_queue=RECEIVE_QUEUE,
            write_limit=WRITE_LIMIT,
            compression=None,  # audio in base64 gains little, and costs CPU both ways
        )
    except InvalidStatus as exc:
        response = exc.response
        refused = httpx.Response(
            response.status_code,
            headers=list(response.headers.raw_items()),
            content=bytes(response.body or b""),
            request=request,
        )
        if refused.is_error:
            raise error_from_response(refused) from None
        raise RealtimeProtocolError(
            f"the server answered the WebSocket upgrade with {response.status_code}"
        ) from None
    except (InvalidHandshake, InvalidURI) as exc:
        raise RealtimeProtocolError(f"the WebSocket upgrade failed: {exc}") from None
    except (TimeoutError, asyncio.TimeoutError):
        raise APITimeoutError(
            f"the realtime WebSocket did not open within {timeout:.3g} s"
        ) from None
    except OSError as exc:
        raise RealtimeConnectionError(f"could not open the realtime WebSocket: {exc}") from None


def closed_error(exc: ConnectionClosed) -> RealtimeConnectionError | RealtimeProtocolError:
    """The typed error of a connection that closed before the session ended."""
    from websockets.exceptions import ProtocolError

    if isinstance(exc.__cause__, ProtocolError):
        return RealtimeProtocolError(f"the server broke the WebSocket protocol: {exc.__cause__}")
    received = exc.rcvd
    if received is None:
        return RealtimeConnectionError("the realtime connection dropped")
    return RealtimeConnectionError(
        f"the server closed the realtime connection ({received.code}"
        + (f": {received.reason})" if received.reason else ")"),
        code=received.code,
        reason=received.reason,
    )
