"""When to try a request again, and how long to wait first.

Compatible with the official SDK's ``RetryConfig("backoff", BackoffStrategy(...),
retry_connection_errors)`` (all durations in milliseconds), with what it lacks: retries are
on by default, capped by a number of retries as well as by elapsed time, jittered, and
``Retry-After`` / ``retry-after-ms`` are honoured but never beyond the remaining budget.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping

import attrs

__all__ = ["DEFAULT_RETRY_CONFIG", "BackoffStrategy", "RetryConfig", "RetryState"]

RETRYABLE_STATUS_CODES = frozenset({429, 500, 502, 503, 504})


def _status_codes(codes: Iterable[int]) -> frozenset[int]:
    """Any collection of codes, kept as a frozenset (the converter's type is what checkers
    see as the argument's: ``frozenset`` itself would be generic there)."""
    return frozenset(codes)


@attrs.frozen
class BackoffStrategy:
    """Exponential backoff: ``initial_interval * exponent ** retry``, at most ``max_interval``.

    ``max_elapsed_time`` bounds the whole call, waits included: no retry starts after it.
    """

    initial_interval: int = attrs.field(default=500, validator=attrs.validators.ge(0))
    max_interval: int = attrs.field(default=8_000, validator=attrs.validators.ge(0))
    exponent: float = attrs.field(default=2.0, validator=attrs.validators.ge(1.0))
    max_elapsed_time: int = attrs.field(default=60_000, validator=attrs.validators.ge(0))


@attrs.frozen
class RetryConfig:
    """How a call is retried; pass one per client (``retry_config=``) or per call (``retries=``).

    ``strategy`` is ``"backoff"`` or ``"none"``. Responses with a status in
    ``status_codes`` are retried, and so are connection failures and timeouts when
    ``retry_connection_errors`` is true; at most ``max_retries`` times.
    """

    strategy: str = attrs.field(
        default="backoff", validator=attrs.validators.in_(("backoff", "none"))
    )
    backoff: BackoffStrategy = attrs.field(factory=BackoffStrategy)
    retry_connection_errors: bool = True
    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    status_codes: frozenset[int] = attrs.field(
        default=RETRYABLE_STATUS_CODES, converter=_status_codes
    )
    jitter: float = attrs.field(
        default=0.25, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)]
    )
    """The wait is shortened by up to this fraction at random, so clients spread out."""

    @property
    def enabled(self) -> bool:
        return self.strategy == "backoff" and self.max_retries > 0

    def start(self) -> RetryState:
        """The bookkeeping of one call, from now."""
        return RetryState(self, time.monotonic())


DEFAULT_RETRY_CONFIG = RetryConfig()
"""At most 2 retries of 429, 500, 502, 503, 504 and connection errors, within 60 s."""


class RetryState:
    """Counts the retries of one call and decides whether, and when, the next one happens."""

    __slots__ = ("config", "retries", "started")

    def __init__(self, config: RetryConfig, started: float) -> None:
        self.config = config
        self.started = started
        self.retries = 0

    def should_retry_status(self, status_code: int) -> bool:
        return status_code in self.config.status_codes and self._has_retries_left()

    def should_retry_connection_error(self) -> bool:
        return self.config.retry_connection_errors and self._has_retries_left()

    def next_delay(self, headers: Mapping[str, str] | None = None) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` when the budget is spent.

        A server-given delay wins over backoff; one that would end past the elapsed-time
        budget means giving up now rather than waiting in vain.
        """
        backoff = self.config.backoff
        remaining = backoff.max_elapsed_time / 1000 - (time.monotonic() - self.started)
        delay = _server_delay(headers) if headers is not None else None
        if delay is None:
            delay = min(
                backoff.max_interval / 1000,
                backoff.initial_interval / 1000 * backoff.exponent**self.retries,
            )
            delay *= 1 - self.config.jitter * random.random()
        if delay > remaining:
            return None
        self.retries += 1
        return delay

    def _has_retries_left(self) -> bool:
        return self.config.enabled and self.retries < self.config.max_retries


def _server_delay(headers: Mapping[str, str]) -> float | None:
    """The wait the server asked for, in seconds (``retry-after-ms``, then ``Retry-After``)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    import datetime  # rarely needed: servers mostly send seconds
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: HTTP dates are in UTC
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, when.timestamp() - time.time())
