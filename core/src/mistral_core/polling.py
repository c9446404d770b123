"""Waiting for work the server does in the background: a job, an execution, a document.

:func:`poll_until` reads an object again and again (with a plugin's ``get``) until its
:class:`Lifecycle` says the server is done with it, and returns the last object read.
Between two reads it waits as long as the last answer asked (``Retry-After`` /
``retry-after-ms``, read as retries read them), or else intervals that grow from 1 s to
30 s (``polling_interval`` fixes them): a short job is seen finished soon, a long one is
not asked every second. ``timeout`` bounds the whole wait and ``max_attempts`` the number
of reads; either ends it with :class:`~mistral_core.WaitTimeoutError`, which carries the
last object read, so that the caller can wait again on its id later. A read that fails
raises its error at once (each read is a call, retried as any call is).

What to do next is decided once, by a generator that yields the steps (read, report,
sleep) and is told what each read gave (:func:`_plan`); :func:`poll_until` and
:func:`poll_until_async` carry the steps out, as the transport's runners carry out a
call's attempts, and sleep with the transport's ``sleep`` (which tests replace). Resource
plugins build their ``wait`` methods on it (``client.batch.jobs.wait``).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, TypeVar

import attrs

from . import _transport
from .errors import WaitTimeoutError
from .models import HTTPInfo
from .retry import _server_delay

__all__ = ["FIRST_INTERVAL", "LONGEST_INTERVAL", "Lifecycle", "poll_until", "poll_until_async"]

T = TypeVar("T")

FIRST_INTERVAL = 1.0
"""Seconds between the first two reads, when no ``polling_interval`` is given."""
LONGEST_INTERVAL = 30.0
"""The longest wait between two reads that the intervals grow to."""
_GROWTH = 1.5

monotonic = time.monotonic
"""How a wait reads the time (a module attribute, so that tests can move it as they sleep)."""


@attrs.frozen
class Lifecycle(Generic[T]):
    """What a wait needs to know of one kind of object the server works on."""

    kind: str
    """What it is, for messages: ``"batch job"``."""
    status: Callable[[T], object]
    running: Callable[[T], bool]
    """Whether the server is still at work on it: the wait goes on."""


class _Step(enum.Enum):
    """What the plan of a wait asks its driver to do."""

    READ = "read"
    REPORT = "report"
    SLEEP = "sleep"


_Plan = Generator[tuple[_Step, Any], Any, Any]


def poll_until(
    read: Callable[[], T],
    lifecycle: Lifecycle[T],
    object_id: str,
    *,
    timeout: float | None = None,
    polling_interval: float | None = None,
    max_attempts: int | None = None,
    on_progress: Callable[[T], object] | None = None,
) -> T:
    """Call ``read`` (which reads the object ``object_id``) until the answer is no longer
    ``lifecycle.running``, and return that answer.

    ``on_progress`` is called with every answer read, the last one included.
    """
    plan = _plan(lifecycle, object_id, timeout, polling_interval, max_attempts)
    answer: Any = None
    try:
        while True:
            try:
                step, subject = plan.send(answer)
            except StopIteration as finished:
                done: T = finished.value
                return done
            answer = None
            if step is _Step.READ:
                answer = read()
            elif step is _Step.REPORT:
                if on_progress is not None:
                    on_progress(subject)
            else:
                _transport.sleep(subject)
    finally:
        plan.close()


async def poll_until_async(
    read: Callable[[], Awaitable[T]],
    lifecycle: Lifecycle[T],
    object_id: str,
    *,
    timeout: float | None = None,
    polling_interval: float | None = None,
    max_attempts: int | None = None,
    on_progress: Callable[[T], object] | None = None,
) -> T:
    """:func:`poll_until`, without blocking the event loop; ``on_progress`` may be async.

    Cancelling the task stops the wait where it is (a read or a sleep): nothing is left
    behind but the object on the server, which a later wait on its id finds again.
    """
    plan = _plan(lifecycle, object_id, timeout, polling_interval, max_attempts)
    answer: Any = None
    try:
        while True:
            try:
                step, subject = plan.send(answer)
            except StopIteration as finished:
                done: T = finished.value
                return done
            answer = None
            if step is _Step.READ:
                answer = await read()
            elif step is _Step.REPORT:
                reported = on_progress(subject) if on_progress is not None else None
                if isinstance(reported, Awaitable):
                    await reported
            else:
                await _transport.async_sleep(subject)
    finally:
        plan.close()


def _plan(
    lifecycle: Lifecycle[Any],
    object_id: str,
    timeout: float | None,
    polling_interval: float | None,
    max_attempts: int | None,
) -> _Plan:
    """The steps of one wait; returns the answer that is done, or raises the timeout."""
    _check(timeout, polling_interval, max_attempts)
    started = monotonic()
    intervals = _intervals(polling_interval)
    reads = 0
    while True:
        answer = yield _Step.READ, None
        reads += 1
        yield _Step.REPORT, answer
        if not lifecycle.running(answer):
            return answer
        elapsed = monotonic() - started
        if (max_attempts is not None and reads >= max_attempts) or (
            timeout is not None and elapsed >= timeout
        ):
            status = lifecycle.status(answer)
            message = (
                f"{lifecycle.kind} {object_id!r} is still {status} after "
                f"{reads} read{'s' if reads > 1 else ''} in {elapsed:.1f} s: "
                "wait for it again by its id"
            )
            raise WaitTimeoutError(message, answer, status)
        delay = next(intervals)
        asked = _asked_delay(answer)
        if asked is not None:  # the server knows best when to ask again
            delay = asked
        if timeout is not None:  # one last read when the time is up
            delay = min(delay, timeout - elapsed)
        yield _Step.SLEEP, delay


def _check(timeout: float | None, polling_interval: float | None, max_attempts: int | None) -> None:
    """Wrong limits raise before the first read, naming the argument."""
    if timeout is not None and not timeout >= 0:
        raise ValueError(f"timeout must be seconds >= 0, not {timeout!r}")
    if polling_interval is not None and not polling_interval > 0:
        raise ValueError(f"polling_interval must be seconds > 0, not {polling_interval!r}")
    if max_attempts is not None and max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, not {max_attempts!r}")


def _intervals(fixed: float | None) -> Iterator[float]:
    """The waits between reads: ``fixed`` each time, or growing up to the longest."""
    interval = fixed if fixed is not None else FIRST_INTERVAL
    while True:
        yield interval
        if fixed is None:
            interval = min(LONGEST_INTERVAL, interval * _GROWTH)


def _asked_delay(answer: object) -> float | None:
    """The wait the answer's HTTP headers ask for, if it came from a call and has them."""
    info = getattr(answer, "http", None)  # a model a call returned; others have none
    return _server_delay(info.headers) if isinstance(info, HTTPInfo) else None
