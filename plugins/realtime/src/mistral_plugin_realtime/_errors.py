"""What can go wrong on a realtime connection, in the core's hierarchy.

A refused upgrade (401, 403, 404...) is the core's own :class:`~mistral_core.APIError`
subclass for its status, with the server's message, as for any call. The rest:

* :class:`RealtimeConnectionError`: the connection could not be made, or dropped
  (an :class:`~mistral_core.APIConnectionError`, with the close code when one came);
* :class:`RealtimeProtocolError`: the server did not follow the protocol;
* :class:`RealtimeServerError`: the server answered the opening of a session with an
  ``error`` event (later errors are events, as in the official SDK);
* :class:`RealtimeStateError`: the connection was used in a way its state forbids
  (audio after ``end_audio``, anything after ``close``).
"""

from __future__ import annotations

from typing import Any

from mistral_core.errors import APIConnectionError, MistralError

__all__ = [
    "RealtimeConnectionError",
    "RealtimeProtocolError",
    "RealtimeServerError",
    "RealtimeStateError",
]


class RealtimeConnectionError(APIConnectionError):
    """The WebSocket could not be opened, or closed before the session ended.

    ``code`` and ``reason`` are those of the close frame the server sent (``None`` when
    the connection just dropped).
    """

    def __init__(self, message: str, *, code: int | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason


class RealtimeProtocolError(MistralError):
    """The server broke the realtime protocol (not a WebSocket, a bad frame, no session)."""


class RealtimeServerError(MistralError):
    """The server refused to open the session with an ``error`` event.

    ``code`` is the server's error code, ``event`` the error event itself.
    """

    def __init__(self, message: str, *, code: int | None, event: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.event = event


class RealtimeStateError(MistralError, RuntimeError):
    """The connection cannot do this now (it is a ``RuntimeError``, as in the official SDK)."""
