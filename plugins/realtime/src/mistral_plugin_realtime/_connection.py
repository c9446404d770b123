"""One open realtime session: the I/O around a sans-IO protocol object.

:func:`open_session` opens the socket, reads until the server's ``session.created`` (an
``error`` first raises :class:`RealtimeServerError`) and sends the settings asked for.
A :class:`Connection` then sends what its protocol encodes and yields the events it reads;
:class:`Connecting` lets ``connect()`` be used as ``async with`` or awaited.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Mapping,
)
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Protocol, TypeVar

from mistral_core._guards import is_mapping
from mistral_core.errors import APITimeoutError
from mistral_core.resource import CallOptions, Upgrade

from ._errors import RealtimeServerError, RealtimeStateError
from ._events import RealtimeSpeechError, RealtimeTranscriptionError, UnknownRealtimeEvent
from ._protocol import SessionProtocol
from ._socket import DEFAULT_OPEN_TIMEOUT, closed_error, open_websocket

if TYPE_CHECKING:
    from types import TracebackType

    from websockets.asyncio.client import ClientConnection

__all__ = [
    "CALL_OPTIONS",
    "Connecting",
    "Connection",
    "call_options",
    "connecting",
    "open_session",
    "run_session",
    "settings_of",
]


class Session(Protocol):
    """What every session has: the server's id of it."""

    @property
    def request_id(self) -> str: ...


E = TypeVar("E")
S = TypeVar("S", bound=Session)
C = TypeVar("C", bound="Connection[Any, Any]")
T = TypeVar("T")
PR = TypeVar("PR", bound="SessionProtocol[Any, Any]")


class Connection(Generic[E, S]):
    """What both kinds of realtime connection share: events in, closing, the session.

    ``E`` is the union of the events its protocol knows, ``S`` its session.
    """

    def __init__(
        self,
        websocket: ClientConnection,
        protocol: SessionProtocol[E, S],
        initial: Iterable[E | UnknownRealtimeEvent],
    ) -> None:
        self._websocket = websocket
        self._protocol = protocol
        self._initial = deque(initial)
        """The events read while opening, yielded first: nothing read is lost."""

    @property
    def request_id(self) -> str:
        """The server's id of the session: quote it when you report a problem."""
        return self.session.request_id

    @property
    def session(self) -> S:
        """The session as the server last reported it (``session.created`` / ``.updated``)."""
        session = self._protocol.session
        if session is None:  # a connection is made once its session started
            raise RealtimeStateError("the session has not started")
        return session

    @property
    def is_closed(self) -> bool:
        return self._protocol.closed

    async def _send(self, *messages: str) -> None:
        """Send messages in order; each waits while the socket's send buffer is full."""
        from websockets.exceptions import ConnectionClosed

        try:
            for message in messages:
                await self._websocket.send(message)
        except ConnectionClosed as exc:
            self._protocol.closed = True
            raise closed_error(exc) from None

    async def _end_input(self) -> None:
        """Send the end of the input, once (and not on a closed connection)."""
        message = self._protocol.end()
        if message is not None:
            await self._send(message)

    async def close(self, *, code: int = 1000, reason: str = "") -> None:
        """Close the session (a closing handshake, bounded by the timeout); idempotent."""
        if self._protocol.closed:
            return
        self._protocol.closed = True
        await self._websocket.close(code=code, reason=reason)

    def __aiter__(self) -> AsyncIterator[E | UnknownRealtimeEvent]:
        return self.events()

    async def events(self) -> AsyncIterator[E | UnknownRealtimeEvent]:
        """The events, until the server closes the session.

        A normal close ends the iteration, as does :meth:`close`; a connection that drops
        or that the server closes with an error code raises :class:`RealtimeConnectionError`
        (unless the server had sent its final event), a broken protocol
        :class:`RealtimeProtocolError`.
        """
        from websockets.exceptions import ConnectionClosed, ConnectionClosedOK

        while self._initial:
            yield self._initial.popleft()
        while True:
            try:
                message = await self._websocket.recv()
            except ConnectionClosedOK:
                self._protocol.closed = True
                return
            except ConnectionClosed as exc:
                if self._protocol.closed or self._protocol.done:  # closed here, or after the end
                    return
                self._protocol.closed = True
                raise closed_error(exc) from None
            yield self._protocol.receive(message)

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()


def connecting(
    upgrade: Callable[[], Awaitable[Upgrade]],
    protocol: Callable[[], PR],
    settings: Mapping[str, Any],
    connection: Callable[[ClientConnection, PR, list[Any]], C],
) -> Connecting[C]:
    """What ``connect()`` returns: each time it is opened, a new ``protocol``, the
    ``upgrade`` request sent, the session started with ``settings``, a ``connection``."""

    async def open_connection() -> C:
        session = protocol()
        message = session.update_session(**settings) if settings else None
        websocket, initial = await open_session(await upgrade(), session, message)
        return connection(websocket, session, initial)

    return Connecting(open_connection)


async def open_session(
    upgrade: Upgrade, protocol: SessionProtocol[E, S], settings: str | None
) -> tuple[ClientConnection, list[E | UnknownRealtimeEvent]]:
    """The open socket and the events read until the session started; ``settings`` (a
    ``session.update`` message) is sent once it has."""
    websocket = await open_websocket(upgrade)
    try:
        timeout = upgrade.timeout if upgrade.timeout is not None else DEFAULT_OPEN_TIMEOUT
        try:
            initial = await asyncio.wait_for(_until_session(websocket, protocol), timeout)
        except (TimeoutError, asyncio.TimeoutError):
            raise APITimeoutError(f"no realtime session started within {timeout:.3g} s") from None
        if settings is not None:
            await websocket.send(settings)
    except BaseException:
        with contextlib.suppress(Exception):
            await websocket.close()
        raise
    return websocket, initial


async def _until_session(
    websocket: ClientConnection, protocol: SessionProtocol[E, S]
) -> list[E | UnknownRealtimeEvent]:
    from websockets.exceptions import ConnectionClosed

    initial: list[E | UnknownRealtimeEvent] = []
    while protocol.session is None:
        try:
            message = await websocket.recv()
        except ConnectionClosed as exc:
            raise closed_error(exc) from None
        event = protocol.receive(message)
        initial.append(event)
        if isinstance(event, RealtimeTranscriptionError | RealtimeSpeechError):
            _refused(event)
    return initial


def _refused(event: RealtimeTranscriptionError | RealtimeSpeechError) -> NoReturn:
    message = event.error.message
    if isinstance(message, dict):
        message = str(message.get("detail", message))
    raise RealtimeServerError(
        f"the server refused the realtime session: {message} (code {event.error.code})",
        code=event.error.code,
        event=event,
    )


class Connecting(Generic[C]):
    """What ``connect()`` returns: ``async with`` it (closed at the end), or await it
    (``async with await connect(...)``, the official SDK's way)."""

    def __init__(self, open_connection: Callable[[], Awaitable[C]]) -> None:
        self._open = open_connection
        self._connection: C | None = None

    def __await__(self) -> Generator[Any, None, C]:
        return self._open().__await__()

    async def __aenter__(self) -> C:
        self._connection = await self._open()
        return self._connection

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._connection is not None:
            await self._connection.close()

    def __enter__(self) -> NoReturn:
        raise RealtimeStateError(
            "realtime sessions are async only: use `async with client.audio.realtime.connect(...)`"
            " in a coroutine (asyncio.run(main()))"
        )

    def __exit__(self, *_: object) -> None:
        """Never reached: :meth:`__enter__` raises."""


async def run_session(
    connecting: Connecting[C],
    inputs: AsyncIterable[T],
    send: Callable[[C, T], Awaitable[None]],
    end: Callable[[C], Awaitable[None]],
    last: tuple[type, ...],
) -> AsyncGenerator[Any, None]:
    """The one-call helpers: open a session and yield its events up to one of the
    ``last`` types, while a task sends ``inputs`` one by one, then ends the input.

    Sending waits on the socket, so at most one input is held at a time; an error of
    ``inputs`` closes the session (so that the events end) and is raised here.
    """
    async with connecting as connection:
        failed: list[Exception] = []
        """The error of ``inputs`` itself, recorded before the session is closed for it."""

        async def send_all() -> None:
            items = aiter(inputs)
            while True:
                try:
                    item = await anext(items)
                except StopAsyncIteration:
                    break
                except Exception as exc:
                    failed.append(exc)
                    await connection.close(code=1011, reason="the input stream failed")
                    return
                await send(connection, item)
            await end(connection)

        sender = asyncio.ensure_future(send_all())
        try:
            async for event in connection:
                yield event
                if isinstance(event, last):
                    return
            if failed:
                raise failed[0]
        finally:
            sender.cancel()
            with contextlib.suppress(BaseException):
                await sender


CALL_OPTIONS = frozenset({"server_url", "timeout_ms", "http_headers"})


def settings_of(
    arguments: Mapping[str, Any], exclude: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The session settings among a method's arguments (``None`` ones left out)."""
    return {
        name: dict(value) if is_mapping(value) else value
        for name, value in arguments.items()
        if name not in ("self", "model", *exclude) and value is not None
    }


def call_options(
    server_url: str | None, timeout_ms: int | None, http_headers: Mapping[str, str] | None
) -> CallOptions:
    options: CallOptions = {}
    if server_url is not None:
        options["server_url"] = server_url
    if timeout_ms is not None:
        options["timeout_ms"] = timeout_ms
    if http_headers is not None:
        options["http_headers"] = http_headers
    return options
