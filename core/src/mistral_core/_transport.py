"""Sending one API call: attempts, retries, hooks, signing, and the httpx clients behind it.

The retry loop is written once, as a generator that yields what it needs done (sign,
send, sleep, read, close) and receives the results; :func:`run_sync` and
:func:`run_async` carry those steps out with blocking or awaitable I/O.
"""

from __future__ import annotations

import contextlib
import enum
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from . import _logging
from .errors import MistralError, connection_error, error_from_response

if TYPE_CHECKING:
    import asyncio
    import concurrent.futures

    import pluggy

    from ._http_types import AsyncHTTPClient, SyncHTTPClient
    from .auth import Auth
    from .hooks import RequestContext
    from .retry import RetryConfig

__all__ = ["DEFAULT_TIMEOUT", "Attempts", "HTTPClients", "run_async", "run_sync"]

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=10.0)
"""Long enough for a long generation; short to notice an unreachable server."""

sleep = time.sleep
"""How the runners wait between attempts (module attributes, so tests can skip the wait)."""


async def async_sleep(seconds: float) -> None:
    import asyncio  # only async programs pay for importing asyncio

    await asyncio.sleep(seconds)


class HTTPClients:
    """The sync and async httpx clients of a ``Mistral`` client and its ``with_options`` copies.

    Clients we create are created on first use and closed by :meth:`close` or
    :meth:`aclose`; clients the user passed in are used as they are and never closed.
    An async client we own belongs to one event loop: a call from another loop (a
    second ``asyncio.run()``) gets a new one, and each is closed when its loop shuts down.
    """

    def __init__(
        self, client: SyncHTTPClient | None = None, async_client: AsyncHTTPClient | None = None
    ) -> None:
        self._sync = client
        self._owns_sync = client is None
        self._async = async_client
        self._owns_async = async_client is None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        self._async_closer: AsyncGenerator[None, None] | None = None
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
        if not self._owns_async:
            assert self._async is not None
            return self._async
        import asyncio

        loop = asyncio.get_running_loop()
        if self._async is None or self._async_loop is not loop:
            client = httpx.AsyncClient(timeout=DEFAULT_TIMEOUT)
            self._async, self._async_loop = client, loop
            self._async_closer = _closed_at_loop_shutdown(client)
            await anext(self._async_closer)
        return self._async

    def close(self) -> None:
        """Close the clients we own, the async one too (on its own loop if it still runs)."""
        with self._lock:
            sync, self._sync = self._sync, None if self._owns_sync else self._sync
        if self._owns_sync and isinstance(sync, httpx.Client):
            sync.close()
        client, loop = self._take_owned_async()
        if client is None or loop is None or loop.is_closed():
            return
        if loop.is_running():
            import asyncio

            future = asyncio.run_coroutine_threadsafe(client.aclose(), loop)
            self._closing.add(future)
            future.add_done_callback(self._closing.discard)
        else:
            loop.run_until_complete(client.aclose())

    async def aclose(self) -> None:
        """Close the clients we own; an async one from a finished event loop is let go."""
        import asyncio

        closer, loop = self._async_closer, self._async_loop
        if closer is not None and loop is asyncio.get_running_loop():
            self._take_owned_async()
            await closer.aclose()  # closes the client
        self.close()

    def _take_owned_async(
        self,
    ) -> tuple[httpx.AsyncClient | None, asyncio.AbstractEventLoop | None]:
        if not self._owns_async or not isinstance(self._async, httpx.AsyncClient):
            return None, None
        client, loop = self._async, self._async_loop
        self._async, self._async_loop, self._async_closer = None, None, None
        return client, loop


async def _closed_at_loop_shutdown(client: httpx.AsyncClient) -> AsyncGenerator[None, None]:
    """Closes ``client`` when its event loop shuts down, or when this generator is closed.

    ``asyncio.run()`` closes every unfinished async generator before it closes the loop:
    that is the last moment the client's connections can be closed on their own loop.
    """
    try:
        yield
    finally:
        await client.aclose()


class Step(enum.Enum):
    """What the retry loop asks its runner to do."""

    SIGN = "sign"
    SEND = "send"
    SLEEP = "sleep"
    READ = "read"
    CLOSE = "close"


Plan = Generator[tuple[Step, Any], Any, httpx.Response]


class Attempts:
    """One call, from the first attempt to a response worth returning or an error."""

    def __init__(
        self,
        build: Callable[[], httpx.Request],
        *,
        hooks: pluggy.PluginManager | None,
        context: Callable[[int], RequestContext],
        retry_config: RetryConfig | None,
        stream: bool,
        logger: _logging.Logger | None,
    ) -> None:
        self._build = build
        self._hooks = hooks.hook if hooks is not None else None
        self._context = context
        self._retry_config = retry_config
        self._stream = stream
        self._logger = logger
        self.retries = 0

    def plan(self) -> Plan:
        """The steps of the call; raises the typed error once all attempts are spent."""
        try:
            return (yield from self._attempt_until_done())
        except MistralError as error:
            self.report(error)
            raise

    def report(self, error: MistralError) -> None:
        """Call the ``mistral_after_error`` hooks (once per call: the error to be raised)."""
        hook = self._hook("mistral_after_error")
        if hook is not None:
            hook(error=error, context=self._context(self.retries + 1))

    def _hook(self, name: str) -> pluggy.HookCaller | None:
        """The hook ``name`` when some plugin implements it (most calls have none)."""
        if self._hooks is None:
            return None
        hook: pluggy.HookCaller = getattr(self._hooks, name)
        return hook if hook.get_hookimpls() else None

    def _attempt_until_done(self) -> Plan:
        retry = self._retry_config.start() if self._retry_config is not None else None
        while True:
            request = self._build()
            hook = self._hook("mistral_before_request")
            if hook is not None:
                context = self._context(self.retries + 1)
                request = hook(request=request, context=context) or request
            yield Step.SIGN, request
            if self._logger is not None:
                _logging.log_request(self._logger, request)
            started = time.monotonic()
            try:
                response: httpx.Response = yield Step.SEND, request
            except httpx.RequestError as exc:
                retryable = isinstance(exc, httpx.TransportError)
                if retry is None or not retryable or not retry.should_retry_connection_error():
                    raise connection_error(exc) from exc
                delay = retry.next_delay()
                if delay is None:
                    raise connection_error(exc) from exc
            else:
                hook = self._hook("mistral_after_response")
                if hook is not None:
                    context = self._context(self.retries + 1)
                    response = hook(response=response, context=context) or response
                if self._logger is not None:
                    _logging.log_response(self._logger, response, time.monotonic() - started)
                if not response.is_error:
                    return response
                delay = None
                if retry is not None and retry.should_retry_status(response.status_code):
                    delay = retry.next_delay(response.headers)
                if delay is None:
                    yield from self._read_body(response)
                    raise error_from_response(response)
                with contextlib.suppress(httpx.RequestError):  # it is being let go anyway
                    yield Step.CLOSE, response
            yield Step.SLEEP, delay
            self.retries += 1

    def _read_body(self, response: httpx.Response) -> Generator[tuple[Step, Any], Any, None]:
        if not self._stream:
            return
        try:
            yield Step.READ, response
        except httpx.RequestError as exc:
            raise connection_error(exc) from exc


def run_sync(plan: Plan, http: SyncHTTPClient, auth: Auth, *, stream: bool) -> httpx.Response:
    """Carry out a plan with blocking I/O."""
    result: Any = None
    failure: BaseException | None = None
    while True:
        try:
            step, subject = plan.send(result) if failure is None else plan.throw(failure)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        result, failure = None, None
        try:
            if step is Step.SEND:
                result = http.send(subject, stream=stream)
            elif step is Step.SIGN:
                auth.sign(subject)
            elif step is Step.SLEEP:
                sleep(subject)
            elif step is Step.READ:
                subject.read()
            else:
                subject.close()
        except Exception as exc:  # the plan decides what becomes of it
            failure = exc


async def run_async(
    plan: Plan, http: AsyncHTTPClient, auth: Auth, *, stream: bool
) -> httpx.Response:
    """Carry out a plan with awaitable I/O."""
    result: Any = None
    failure: BaseException | None = None
    while True:
        try:
            step, subject = plan.send(result) if failure is None else plan.throw(failure)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        result, failure = None, None
        try:
            if step is Step.SEND:
                result = await http.send(subject, stream=stream)
            elif step is Step.SIGN:
                await auth.async_sign(subject)
            elif step is Step.SLEEP:
                await async_sleep(subject)
            elif step is Step.READ:
                await subject.aread()
            else:
                await subject.aclose()
        except Exception as exc:  # the plan decides what becomes of it
            failure = exc


def merge_headers(
    defaults: Mapping[str, str], *layers: Mapping[str, str] | None
) -> Mapping[str, str]:
    """Later layers win; header names are compared without case."""
    if not any(layers):
        return defaults
    merged: dict[str, str] = {}
    names: dict[str, str] = {}
    for layer in (defaults, *layers):
        for name, value in (layer or {}).items():
            key = name.lower()
            merged.pop(names.get(key, name), None)
            names[key] = name
            merged[name] = value
    return merged
