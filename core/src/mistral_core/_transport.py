"""Sending one API call: attempts, retries, hooks, signing.

The retry loop is written once, as a generator that yields what it needs done (sign,
send, sleep, read, close) and receives the results; :func:`run_sync` and
:func:`run_async` carry those steps out with blocking or awaitable I/O.
"""

from __future__ import annotations

import contextlib
import enum
import time
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from . import _logging
from ._body import ERROR_BODY_LIMIT, BodyReader, aread_body, read_body
from ._reclaim import reclaim_orphans
from .errors import MistralError, connection_error, error_from_response

if TYPE_CHECKING:
    import pluggy

    from ._http_types import AsyncHTTPClient, SyncHTTPClient
    from .auth import Auth
    from .hooks import CallObserver, RequestContext
    from .retry import RetryConfig

__all__ = ["Attempts", "merge_headers", "run_async", "run_sync", "set_headers"]

sleep = time.sleep
"""How the runners wait between attempts (module attributes, so tests can skip the wait)."""


async def async_sleep(seconds: float) -> None:
    import asyncio  # only async programs pay for importing asyncio

    await asyncio.sleep(seconds)


_OURS = (httpx.LocalProtocolError, httpx.UnsupportedProtocol)
"""Transport errors of the request itself (a header no server may receive, a URL that
is not HTTP): sending it again would fail again, so they are never retried."""


class Step(enum.Enum):
    """What the retry loop asks its runner to do."""

    SIGN = "sign"
    SEND = "send"
    SLEEP = "sleep"
    READ = "read"
    CLOSE = "close"


Plan = Generator[tuple[Step, Any], Any, httpx.Response]
Context = Callable[[int], "RequestContext"]
"""The context the hooks are given for an attempt (numbered from 1)."""


class Attempts:
    """One call, from the first attempt to a response worth returning or an error.

    It holds no reference to the call that made it: what builds each attempt's request
    and each hook's context is given to :meth:`plan` and lives as long as the plan runs,
    so that a call and its attempts are freed when the call is done, without waiting
    for the garbage collector.
    """

    def __init__(
        self,
        *,
        hooks: pluggy.PluginManager | None,
        observers: tuple[CallObserver, ...],
        retry_config: RetryConfig | None,
        stream: bool,
        logger: _logging.Logger | None,
        max_response_bytes: int,
        deadline: float | None,
    ) -> None:
        self._hooks = hooks.hook if hooks is not None else None
        self._observers = observers
        self._retry_config = retry_config
        self._stream = stream
        self._logger = logger
        self._max_response_bytes = max_response_bytes
        self._deadline = deadline
        """When the call's ``timeout_ms`` ends (``time.monotonic()``); ``None``: never."""
        self.retries = 0

    def plan(self, build: Callable[[], httpx.Request], context: Context) -> Plan:
        """The steps of the call, each attempt's request made by ``build``; raises the
        typed error once all attempts are spent."""
        try:
            return (yield from self._attempt_until_done(build, context))
        except MistralError as error:
            self.report(error, context)
            raise

    def report(self, error: MistralError, context: Context) -> None:
        """Call the ``mistral_after_error`` hooks (once per call: the error to be raised)."""
        hook = self._hook("mistral_after_error")
        if hook is not None:
            hook(error=error, context=context(self.retries + 1))

    def _hook(self, name: str) -> pluggy.HookCaller | None:
        """The hook ``name`` when some plugin implements it (most calls have none)."""
        if self._hooks is None:
            return None
        hook: pluggy.HookCaller = getattr(self._hooks, name)
        return hook if hook.get_hookimpls() else None

    def _attempt_until_done(self, build: Callable[[], httpx.Request], context: Context) -> Plan:
        retry = self._retry_config.start() if self._retry_config is not None else None
        while True:
            request = build()
            hook = self._hook("mistral_before_request")
            if hook is not None:
                request = hook(request=request, context=context(self.retries + 1)) or request
            for observer in self._observers:
                observer.attempt(request, self.retries + 1)
            yield Step.SIGN, request
            if self._logger is not None:
                _logging.log_request(self._logger, request)
            started = time.monotonic()
            try:
                response: httpx.Response = yield Step.SEND, request
                if not self._stream:  # a JSON answer is read before anyone sees it
                    yield Step.READ, self._reader(response)
            except httpx.RequestError as exc:
                retryable = isinstance(exc, httpx.TransportError) and not isinstance(exc, _OURS)
                if retry is None or not retryable or not retry.should_retry_connection_error():
                    raise connection_error(exc) from exc
                delay = self._before_deadline(retry.next_delay())
                if delay is None:
                    raise connection_error(exc) from exc
            else:
                hook = self._hook("mistral_after_response")
                if hook is not None:
                    response = (
                        hook(response=response, context=context(self.retries + 1)) or response
                    )
                if self._logger is not None:
                    _logging.log_response(self._logger, response, time.monotonic() - started)
                if response.is_success:
                    return response
                delay = None
                if retry is not None and retry.should_retry_status(response.status_code):
                    delay = self._before_deadline(retry.next_delay(response.headers))
                if delay is None:
                    yield from self._read_body(response)
                    raise error_from_response(response)
                with contextlib.suppress(httpx.RequestError):  # it is being let go anyway
                    yield Step.CLOSE, response
            yield Step.SLEEP, delay
            self.retries += 1

    def _read_body(self, response: httpx.Response) -> Generator[tuple[Step, Any], Any, None]:
        """Read the error body of a stream or a download (a JSON call's is read already)."""
        if not self._stream:
            return
        try:
            yield Step.READ, self._reader(response)
        except httpx.RequestError as exc:
            raise connection_error(exc) from exc

    def _reader(self, response: httpx.Response) -> BodyReader:
        """How much of ``response`` is read: all of a success, the start of an error."""
        if response.is_success:
            limit = self._max_response_bytes
            return BodyReader(response, limit, self._deadline, retries=self.retries)
        limit = min(ERROR_BODY_LIMIT, self._max_response_bytes)
        return BodyReader(response, limit, self._deadline, truncate=True)

    def _before_deadline(self, delay: float | None) -> float | None:
        """``delay`` if the next attempt can start within the call's deadline, else ``None``."""
        if delay is None or self._deadline is None:
            return delay
        return delay if time.monotonic() + delay < self._deadline else None


def run_sync(plan: Plan, http: SyncHTTPClient, auth: Auth) -> httpx.Response:
    """Carry out a plan with blocking I/O."""
    send_options = _send_options(http)
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
                result = http.send(subject, stream=True, **send_options)
            elif step is Step.SIGN:
                auth.sign(subject)
            elif step is Step.SLEEP:
                sleep(subject)
            elif step is Step.READ:
                read_body(subject)
            else:
                subject.close()
        except Exception as exc:  # the plan decides what becomes of it
            failure = exc


async def run_async(plan: Plan, http: AsyncHTTPClient, auth: Auth) -> httpx.Response:
    """Carry out a plan with awaitable I/O."""
    send_options = _send_options(http)
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
                result = await http.send(subject, stream=True, **send_options)
            elif step is Step.SIGN:
                await auth.async_sign(subject)
            elif step is Step.SLEEP:
                await async_sleep(subject)
            elif step is Step.READ:
                await aread_body(subject)
            else:
                await subject.aclose()
        except Exception as exc:  # the plan decides what becomes of it
            failure = exc
        except BaseException:  # cancelled: httpcore may keep a slot (see _reclaim)
            reclaim_orphans(http)
            raise


_NEVER_FOLLOW: Mapping[str, Any] = {"follow_redirects": False}


def _send_options(http: object) -> Mapping[str, Any]:
    """An httpx client is told never to follow a redirect, even when it is set to.

    httpx strips only ``Authorization`` on the way to another host: an ``x-api-key``
    or Azure's ``api-key`` would follow. The API never redirects, so a 3xx is an error
    (a proxy's, or a wrong ``server_url``). Any other client is sent to as it is.
    """
    return _NEVER_FOLLOW if isinstance(http, (httpx.Client, httpx.AsyncClient)) else {}


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


def set_headers(request: httpx.Request, headers: Mapping[str, str]) -> None:
    """Give ``request`` these headers, each replacing the client's of that name.

    It sends what ``build_request(headers=...)`` would, at a fraction of the cost: httpx's
    merge takes each header the client has too out of its list and appends it again.
    Only the order of the headers differs (the client's keep their places).
    """
    request_headers = request.headers
    for name, value in headers.items():
        request_headers[name] = value
