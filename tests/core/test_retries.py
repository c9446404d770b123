"""Retries of chat calls: which failures are retried, how long each wait is, and when to stop.

Everything goes through ``client.chat`` (``complete``, ``complete_async``, ``stream``,
``stream_async``) against the fake API; waits are recorded by the ``sleeps`` fixture, never
slept, and where elapsed time matters a fake clock replaces the one of :mod:`mistral_core.retry`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import gc
import json
from collections.abc import AsyncIterator, Callable, Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import respx

import mistral_core.retry as retry_module
from mistral_core import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BackoffStrategy,
    BadRequestError,
    HTTPValidationError,
    InternalServerError,
    Mistral,
    MistralError,
    NotFoundError,
    RateLimitError,
    RetryConfig,
    _transport,
)
from mistral_core._call import PreparedCall
from mistral_core._transport import Attempts
from tests.payloads import API_KEY, CHAT_PATH, chat_response, chunk, sse, user_says

MODEL = "mistral-small-latest"


# --------------------------------------------------------------------------------------------
# Helpers


def complete(client: Mistral, **options: Any) -> Any:
    return client.chat.complete(model=MODEL, messages=user_says(), **options)


async def complete_async(client: Mistral, **options: Any) -> Any:
    return await client.chat.complete_async(model=MODEL, messages=user_says(), **options)


def failing(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"message": f"failure {status}"}, headers=headers)


def ok() -> httpx.Response:
    return httpx.Response(200, json=chat_response("Paris"))


def no_jitter(**backoff: int | float) -> RetryConfig:
    """A config whose waits are exactly the backoff formula (no random part)."""
    return RetryConfig(backoff=BackoffStrategy(**backoff), jitter=0.0, max_retries=10)


class Clock:
    """Stands in for the ``time`` module of :mod:`mistral_core.retry`."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.wall = 1_700_000_000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.wall

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.wall += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, sleeps: list[float]) -> Clock:
    """A fake clock for the retry budget; every recorded wait moves it forward."""
    fake = Clock()
    monkeypatch.setattr(retry_module, "time", fake)

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        fake.advance(seconds)

    monkeypatch.setattr(_transport, "sleep", sleep)
    return fake


def fixed_random(monkeypatch: pytest.MonkeyPatch, value: float) -> None:
    monkeypatch.setattr(retry_module, "random", SimpleNamespace(random=lambda: value))


class SSEBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A streamed body that sends ``parts`` and then, optionally, fails like a dropped line."""

    def __init__(self, parts: list[bytes], error: Exception | None = None) -> None:
        self.parts = parts
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        yield from self.parts
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            yield part
        if self.error is not None:
            raise self.error


def event_stream(parts: list[bytes], error: Exception | None = None) -> httpx.Response:
    return httpx.Response(
        200, stream=SSEBody(parts, error), headers={"content-type": "text/event-stream"}
    )


def contents(events: list[Any]) -> list[str]:
    return [event.data.choices[0].delta.content for event in events]


# --------------------------------------------------------------------------------------------
# On by default


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
    ],
)
def test_retryable_status_is_retried_twice_then_raises_typed_error(
    client: Mistral,
    api: respx.MockRouter,
    sleeps: list[float],
    status: int,
    error_class: type[APIError],
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(status))

    with pytest.raises(error_class) as info:
        complete(client)

    assert route.call_count == 3
    assert len(sleeps) == 2
    assert info.value.status_code == status
    assert info.value.message == f"failure {status}"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (404, NotFoundError),
        (422, HTTPValidationError),
    ],
)
def test_client_errors_are_never_retried(
    client: Mistral,
    api: respx.MockRouter,
    sleeps: list[float],
    status: int,
    error_class: type[APIError],
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(status))

    with pytest.raises(error_class):
        complete(client)

    assert route.call_count == 1
    assert sleeps == []


def test_success_on_second_attempt_returns_the_model_with_one_retry(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=[failing(503), ok()])

    res = complete(client)

    assert res.choices[0].message.content == "Paris"
    assert res.http is not None
    assert res.http.retries == 1
    assert res.http.status_code == 200
    assert route.call_count == 2
    assert len(sleeps) == 1


def test_first_attempt_success_has_no_retries(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(return_value=ok())

    res = complete(client)

    assert res.http is not None
    assert res.http.retries == 0
    assert sleeps == []


def test_default_waits_are_half_a_second_then_one_second_minus_jitter(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(return_value=failing(500))

    with pytest.raises(InternalServerError):
        complete(client)

    first, second = sleeps
    assert 0.5 * 0.75 <= first <= 0.5
    assert 1.0 * 0.75 <= second <= 1.0


# --------------------------------------------------------------------------------------------
# Backoff


def test_waits_grow_exponentially_within_jitter_bounds(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(return_value=failing(503))
    config = RetryConfig(
        backoff=BackoffStrategy(initial_interval=100, max_interval=100_000, exponent=3),
        max_retries=5,
        jitter=0.5,
    )

    with pytest.raises(InternalServerError):
        complete(client, retries=config)

    assert len(sleeps) == 5
    for retry, wait in enumerate(sleeps):
        full = 0.1 * 3**retry
        assert full * 0.5 <= wait <= full, (retry, wait)
    # Jitter never makes a later wait shorter than an earlier one with exponent 3 and 50 %.
    assert sleeps == sorted(sleeps)


def test_waits_without_jitter_are_exactly_exponential(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(return_value=failing(503))
    config = RetryConfig(
        backoff=BackoffStrategy(initial_interval=100, max_interval=100_000, exponent=2),
        max_retries=4,
        jitter=0.0,
    )

    with pytest.raises(InternalServerError):
        complete(client, retries=config)

    assert sleeps == pytest.approx([0.1, 0.2, 0.4, 0.8])


@pytest.mark.parametrize(("random_value", "factor"), [(0.0, 1.0), (1.0, 0.8), (0.5, 0.9)])
def test_jitter_shortens_the_wait_by_at_most_its_fraction(
    client: Mistral,
    api: respx.MockRouter,
    sleeps: list[float],
    monkeypatch: pytest.MonkeyPatch,
    random_value: float,
    factor: float,
) -> None:
    fixed_random(monkeypatch, random_value)
    api.post(CHAT_PATH).mock(return_value=failing(429))
    config = RetryConfig(
        backoff=BackoffStrategy(initial_interval=1_000, max_interval=10_000, exponent=2),
        jitter=0.2,
    )

    with pytest.raises(RateLimitError):
        complete(client, retries=config)

    assert sleeps == pytest.approx([1.0 * factor, 2.0 * factor])


def test_max_interval_caps_each_wait(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(return_value=failing(502))
    config = RetryConfig(
        backoff=BackoffStrategy(initial_interval=100, max_interval=250, exponent=2),
        max_retries=5,
        jitter=0.0,
    )

    with pytest.raises(InternalServerError):
        complete(client, retries=config)

    assert sleeps == pytest.approx([0.1, 0.2, 0.25, 0.25, 0.25])


def test_max_interval_caps_before_jitter_shortens(
    client: Mistral,
    api: respx.MockRouter,
    sleeps: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fixed_random(monkeypatch, 1.0)
    api.post(CHAT_PATH).mock(return_value=failing(502))
    config = RetryConfig(
        backoff=BackoffStrategy(initial_interval=1_000, max_interval=1_000, exponent=4),
        max_retries=3,
        jitter=0.5,
    )

    with pytest.raises(InternalServerError):
        complete(client, retries=config)

    assert sleeps == pytest.approx([0.5, 0.5, 0.5])


@pytest.mark.parametrize("max_retries", [0, 1, 4])
def test_max_retries_caps_the_number_of_attempts(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], max_retries: int
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(500))
    config = RetryConfig(backoff=BackoffStrategy(initial_interval=1), max_retries=max_retries)

    with pytest.raises(InternalServerError):
        complete(client, retries=config)

    assert route.call_count == max_retries + 1
    assert len(sleeps) == max_retries


def test_elapsed_time_budget_stops_when_the_next_wait_would_exceed_it(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], clock: Clock
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(503))
    config = no_jitter(initial_interval=400, exponent=1, max_elapsed_time=1_000)

    with pytest.raises(InternalServerError):
        complete(client, retries=config)

    # Waits end at 0.4 s and 0.8 s; a third would end at 1.2 s, past the 1 s budget.
    assert sleeps == pytest.approx([0.4, 0.4])
    assert route.call_count == 3


def test_elapsed_time_budget_counts_the_time_spent_in_requests(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], clock: Clock
) -> None:
    def slow_failure(request: httpx.Request) -> httpx.Response:
        clock.advance(0.35)
        return failing(500)

    route = api.post(CHAT_PATH).mock(side_effect=slow_failure)
    config = no_jitter(initial_interval=100, exponent=1, max_elapsed_time=1_000)

    with pytest.raises(InternalServerError):
        complete(client, retries=config)

    # 0.35 + 0.1 + 0.35 + 0.1 + 0.35 = 1.25 s: after the third failure only -0.25 s remain.
    assert sleeps == pytest.approx([0.1, 0.1])
    assert route.call_count == 3


def test_a_request_longer_than_the_budget_is_not_retried(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], clock: Clock
) -> None:
    def very_slow_failure(request: httpx.Request) -> httpx.Response:
        clock.advance(5.0)
        return failing(504)

    route = api.post(CHAT_PATH).mock(side_effect=very_slow_failure)

    with pytest.raises(InternalServerError):
        complete(client, retries=no_jitter(initial_interval=10, max_elapsed_time=1_000))

    assert route.call_count == 1
    assert sleeps == []


def test_zero_elapsed_time_budget_means_no_retry(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(503))

    with pytest.raises(InternalServerError):
        complete(client, retries=no_jitter(initial_interval=1, max_elapsed_time=0))

    assert route.call_count == 1
    assert sleeps == []


# --------------------------------------------------------------------------------------------
# Retry-After


def test_retry_after_seconds_is_the_wait_without_jitter(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_random(monkeypatch, 1.0)  # full jitter would show if it were applied
    route = api.post(CHAT_PATH).mock(side_effect=[failing(429, {"Retry-After": "3"}), ok()])

    res = complete(client)

    assert sleeps == [3.0]
    assert route.call_count == 2
    assert res.http.retries == 1


def test_retry_after_may_exceed_max_interval(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(side_effect=[failing(503, {"Retry-After": "20"}), ok()])

    complete(client)  # the default max_interval is 8 s, the default budget 60 s

    assert sleeps == [20.0]


def test_retry_after_fractional_seconds(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(side_effect=[failing(429, {"Retry-After": "1.5"}), ok()])

    complete(client)

    assert sleeps == [1.5]


def test_retry_after_http_date_is_the_time_until_that_date(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], clock: Clock
) -> None:
    when = dt.datetime.fromtimestamp(clock.wall + 7, tz=dt.timezone.utc)
    header = email.utils.format_datetime(when, usegmt=True)
    api.post(CHAT_PATH).mock(side_effect=[failing(429, {"Retry-After": header}), ok()])

    res = complete(client)

    assert sleeps == [7.0]
    assert res.http.retries == 1


def test_retry_after_http_date_in_the_past_means_retry_at_once(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], clock: Clock
) -> None:
    when = dt.datetime.fromtimestamp(clock.wall - 30, tz=dt.timezone.utc)
    header = email.utils.format_datetime(when, usegmt=True)
    api.post(CHAT_PATH).mock(side_effect=[failing(503, {"Retry-After": header}), ok()])

    complete(client)

    assert sleeps == [0.0]


def test_retry_after_ms_is_honoured(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(side_effect=[failing(429, {"retry-after-ms": "1250"}), ok()])

    complete(client)

    assert sleeps == [1.25]


def test_retry_after_ms_wins_over_retry_after(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    headers = {"retry-after-ms": "200", "Retry-After": "9"}
    api.post(CHAT_PATH).mock(side_effect=[failing(429, headers), ok()])

    complete(client)

    assert sleeps == [0.2]


def test_unreadable_retry_after_falls_back_to_backoff(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(side_effect=[failing(429, {"Retry-After": "soon"}), ok()])
    config = RetryConfig(backoff=BackoffStrategy(initial_interval=300), jitter=0.0)

    complete(client, retries=config)

    assert sleeps == pytest.approx([0.3])


def test_retry_after_beyond_the_budget_fails_fast_with_rate_limit_error(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=[failing(429, {"Retry-After": "120"}), ok()])

    with pytest.raises(RateLimitError) as info:
        complete(client)  # the default budget is 60 s

    assert sleeps == []
    assert route.call_count == 1
    assert info.value.headers["retry-after"] == "120"


def test_retry_after_ms_beyond_a_small_budget_fails_fast(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], clock: Clock
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(429, {"retry-after-ms": "600"}))
    config = no_jitter(initial_interval=10, max_elapsed_time=1_000)

    with pytest.raises(RateLimitError):
        complete(client, retries=config)

    # The first 0.6 s wait fits the 1 s budget, a second one would not.
    assert sleeps == [0.6]
    assert route.call_count == 2


# --------------------------------------------------------------------------------------------
# Connection errors


def test_connection_error_is_retried_then_succeeds(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=[httpx.ConnectError("refused"), ok()])

    res = complete(client)

    assert res.choices[0].message.content == "Paris"
    assert res.http.retries == 1
    assert route.call_count == 2
    assert len(sleeps) == 1


def test_exhausted_connection_errors_raise_api_connection_error(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=httpx.ConnectError("connection refused"))

    with pytest.raises(APIConnectionError) as info:
        complete(client)

    error = info.value
    assert route.call_count == 3
    assert len(sleeps) == 2
    assert not isinstance(error, APITimeoutError)
    assert not isinstance(error, httpx.HTTPError)
    assert isinstance(error, MistralError)
    assert isinstance(error.__cause__, httpx.ConnectError)
    assert "connection refused" in str(error)


def test_exhausted_timeouts_raise_api_timeout_error(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=httpx.ReadTimeout("read timed out"))

    with pytest.raises(APITimeoutError) as info:
        complete(client)

    assert isinstance(info.value, APIConnectionError)
    assert not isinstance(info.value, httpx.HTTPError)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert route.call_count == 3
    assert len(sleeps) == 2


def test_timeout_then_success(client: Mistral, api: respx.MockRouter, sleeps: list[float]) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=[httpx.ReadTimeout("slow"), ok()])

    res = complete(client)

    assert res.http.retries == 1
    assert route.call_count == 2


def test_connection_errors_not_retried_when_disabled_but_statuses_still_are(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    config = RetryConfig(retry_connection_errors=False)
    route = api.post(CHAT_PATH).mock(side_effect=httpx.ConnectError("down"))

    with pytest.raises(APIConnectionError) as info:
        complete(client, retries=config)

    assert route.call_count == 1
    assert sleeps == []
    assert isinstance(info.value.__cause__, httpx.ConnectError)

    route.mock(side_effect=[failing(503), ok()])
    assert complete(client, retries=config).http.retries == 1


@pytest.mark.parametrize(
    ("exception", "error_class"),
    [
        (httpx.ConnectError("down"), APIConnectionError),
        (httpx.ConnectTimeout("no answer"), APITimeoutError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
    ],
)
def test_connection_errors_without_retries_surface_as_our_errors(
    client: Mistral,
    api: respx.MockRouter,
    sleeps: list[float],
    exception: Exception,
    error_class: type[APIConnectionError],
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=exception)

    with pytest.raises(error_class) as info:
        complete(client, retries=None)

    assert info.value.__cause__ is exception
    assert not isinstance(info.value, httpx.HTTPError)
    assert route.call_count == 1
    assert sleeps == []


# --------------------------------------------------------------------------------------------
# Configuration: per call, per client, official-SDK style, validation


def test_retries_none_per_call_disables_retries(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(503))

    with pytest.raises(InternalServerError):
        complete(client, retries=None)

    assert route.call_count == 1
    assert sleeps == []


def test_retries_per_call_override_the_clients(api: respx.MockRouter, sleeps: list[float]) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(500))
    with Mistral(api_key=API_KEY, retry_config=RetryConfig(max_retries=1)) as client:
        with pytest.raises(InternalServerError):
            complete(client)
        assert route.call_count == 2

        route.reset()
        config = RetryConfig(backoff=BackoffStrategy(initial_interval=1), max_retries=4)
        with pytest.raises(InternalServerError):
            complete(client, retries=config)
        assert route.call_count == 5


def test_retries_per_call_enable_what_the_client_disabled(
    api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=[failing(503), failing(503), ok()])
    with Mistral(api_key=API_KEY, retry_config=None) as client:
        res = complete(client, retries=RetryConfig())

    assert res.http.retries == 2
    assert route.call_count == 3


def test_client_retry_config_none_disables_retries(
    api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(429))
    with Mistral(api_key=API_KEY, retry_config=None) as client, pytest.raises(RateLimitError):
        complete(client)

    assert route.call_count == 1
    assert sleeps == []


def test_with_options_retry_config_none_disables_retries(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(500))

    with pytest.raises(InternalServerError):
        complete(client.with_options(retry_config=None))
    assert route.call_count == 1

    with pytest.raises(InternalServerError):
        complete(client)  # the original keeps its retries
    assert route.call_count == 4


def test_official_sdk_positional_construction(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], clock: Clock
) -> None:
    config = RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False)

    assert config.strategy == "backoff"
    assert config.backoff == BackoffStrategy(
        initial_interval=1, max_interval=50, exponent=1.1, max_elapsed_time=100
    )
    assert config.retry_connection_errors is False

    route = api.post(CHAT_PATH).mock(side_effect=[failing(503), failing(503), ok()])
    assert complete(client, retries=config).http.retries == 2
    assert route.call_count == 3
    assert all(wait <= 0.05 for wait in sleeps)

    route.reset()
    route.mock(side_effect=httpx.ConnectError("down"))
    with pytest.raises(APIConnectionError):
        complete(client, retries=config)
    assert route.call_count == 1


def test_official_sdk_client_retry_config(
    api: respx.MockRouter, sleeps: list[float], clock: Clock
) -> None:
    config = RetryConfig("backoff", BackoffStrategy(10, 50, 1.5, 1_000), True)
    route = api.post(CHAT_PATH).mock(side_effect=[httpx.ConnectError("down"), ok()])
    with Mistral(api_key=API_KEY, retry_config=config) as client:
        assert complete(client).http.retries == 1
    assert route.call_count == 2


def test_strategy_none_never_retries(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    config = RetryConfig("none", BackoffStrategy(1, 50, 1.1, 100), True)
    route = api.post(CHAT_PATH).mock(return_value=failing(503))

    with pytest.raises(InternalServerError):
        complete(client, retries=config)
    assert route.call_count == 1

    route.mock(side_effect=httpx.ConnectError("down"))
    with pytest.raises(APIConnectionError):
        complete(client, retries=config)
    assert route.call_count == 2
    assert sleeps == []


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: RetryConfig(max_retries=-1), id="negative-max-retries"),
        pytest.param(lambda: BackoffStrategy(exponent=0.5), id="exponent-below-1"),
        pytest.param(lambda: RetryConfig("exponential"), id="unknown-strategy"),
        pytest.param(lambda: RetryConfig(strategy=""), id="empty-strategy"),
        pytest.param(lambda: RetryConfig(jitter=1.5), id="jitter-above-1"),
        pytest.param(lambda: RetryConfig(jitter=-0.1), id="negative-jitter"),
        pytest.param(lambda: BackoffStrategy(initial_interval=-1), id="negative-initial"),
        pytest.param(lambda: BackoffStrategy(max_interval=-5), id="negative-max-interval"),
        pytest.param(lambda: BackoffStrategy(max_elapsed_time=-1), id="negative-budget"),
    ],
)
def test_invalid_values_raise_at_construction(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match=r".+"):
        build()


def test_retry_config_is_immutable() -> None:
    config = RetryConfig()
    with pytest.raises(AttributeError):
        config.max_retries = 5  # type: ignore[misc]
    assert config.max_retries == 2


def test_custom_status_codes_are_retried(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    config = RetryConfig(status_codes=[409], backoff=BackoffStrategy(initial_interval=1))
    route = api.post(CHAT_PATH).mock(side_effect=[failing(409), ok()])

    assert complete(client, retries=config).http.retries == 1
    assert route.call_count == 2

    route.reset()
    route.mock(return_value=failing(503))  # no longer in the list
    with pytest.raises(InternalServerError):
        complete(client, retries=config)
    assert route.call_count == 1


# --------------------------------------------------------------------------------------------
# Streams


def test_stream_503_before_the_stream_starts_is_retried(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(
        side_effect=[failing(503), event_stream([sse(chunk("Pa"), chunk("ris"))])]
    )

    with client.chat.stream(model=MODEL, messages=user_says()) as stream:
        events = list(stream)

    assert contents(events) == ["Pa", "ris"]
    assert stream.http.retries == 1
    assert route.call_count == 2
    assert len(sleeps) == 1


def test_stream_connect_error_before_the_stream_starts_is_retried(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(
        side_effect=[httpx.ConnectError("down"), event_stream([sse(chunk("ok"))])]
    )

    with client.chat.stream(model=MODEL, messages=user_says()) as stream:
        assert contents(list(stream)) == ["ok"]

    assert route.call_count == 2


def test_stream_exhausted_retries_raise_from_the_stream_call(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(429))

    with pytest.raises(RateLimitError) as info:
        client.chat.stream(model=MODEL, messages=user_says())

    assert info.value.message == "failure 429"
    assert route.call_count == 3
    assert len(sleeps) == 2


def test_stream_broken_mid_stream_is_not_retried(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    broken = event_stream(
        [sse(chunk("Pa"), done=False), sse(chunk("ris"), done=False)],
        httpx.ReadError("connection reset by peer"),
    )
    route = api.post(CHAT_PATH).mock(side_effect=[broken, event_stream([sse(chunk("x"))])])

    stream = client.chat.stream(model=MODEL, messages=user_says())
    received: list[Any] = []
    with pytest.raises(APIConnectionError) as info:
        received.extend(stream)  # keeps the events that came before the error

    assert contents(received) == ["Pa", "ris"]
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert "connection reset by peer" in str(info.value)
    assert route.call_count == 1
    assert sleeps == []
    assert stream.response.is_closed


# --------------------------------------------------------------------------------------------
# Async


@pytest.mark.anyio
async def test_async_retry_then_success(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=[failing(502), failing(429), ok()])

    res = await complete_async(client)

    assert res.choices[0].message.content == "Paris"
    assert res.http.retries == 2
    assert route.call_count == 3
    assert len(sleeps) == 2
    await client.aclose()


@pytest.mark.anyio
async def test_async_exhausted_retries_raise_typed_error(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(500))

    with pytest.raises(InternalServerError) as info:
        await complete_async(client)

    assert info.value.status_code == 500
    assert route.call_count == 3
    assert len(sleeps) == 2
    first, second = sleeps
    assert 0.375 <= first <= 0.5
    assert 0.75 <= second <= 1.0
    await client.aclose()


@pytest.mark.anyio
async def test_async_client_errors_are_not_retried(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(401))

    with pytest.raises(AuthenticationError):
        await complete_async(client)

    assert route.call_count == 1
    assert sleeps == []
    await client.aclose()


@pytest.mark.anyio
async def test_async_connection_errors_retried_then_raise(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=httpx.ConnectError("down"))

    with pytest.raises(APIConnectionError) as info:
        await complete_async(client)

    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert route.call_count == 3
    assert len(sleeps) == 2

    route.mock(side_effect=[httpx.ReadTimeout("slow"), ok()])
    res = await complete_async(client)
    assert res.http.retries == 1
    await client.aclose()


@pytest.mark.anyio
async def test_async_timeout_without_retries_is_api_timeout_error(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(APITimeoutError) as info:
        await complete_async(client, retries=None)

    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert route.call_count == 1
    await client.aclose()


@pytest.mark.anyio
async def test_async_retry_after_is_honoured(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.post(CHAT_PATH).mock(side_effect=[failing(429, {"Retry-After": "4"}), ok()])

    await complete_async(client)

    assert sleeps == [4.0]
    await client.aclose()


@pytest.mark.anyio
async def test_async_stream_503_is_retried_before_the_stream_starts(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(
        side_effect=[failing(503), event_stream([sse(chunk("a"), chunk("b"))])]
    )

    stream = await client.chat.stream_async(model=MODEL, messages=user_says())
    async with stream:
        events = [event async for event in stream]

    assert contents(events) == ["a", "b"]
    assert stream.http.retries == 1
    assert route.call_count == 2
    await client.aclose()


@pytest.mark.anyio
async def test_async_stream_broken_mid_stream_is_not_retried(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    broken = event_stream([sse(chunk("a"), done=False)], httpx.ReadError("reset"))
    route = api.post(CHAT_PATH).mock(side_effect=[broken, event_stream([sse(chunk("x"))])])

    stream = await client.chat.stream_async(model=MODEL, messages=user_says())
    received: list[Any] = []

    async def read_all() -> None:
        async with stream:
            async for event in stream:
                received.append(event)

    with pytest.raises(APIConnectionError) as info:
        await read_all()

    assert contents(received) == ["a"]
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert route.call_count == 1
    assert stream.response.is_closed
    await client.aclose()


@pytest.mark.anyio
async def test_async_stream_exhausted_retries_raise_from_the_stream_call(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=failing(429))

    with pytest.raises(RateLimitError) as info:
        await client.chat.stream_async(model=MODEL, messages=user_says())

    assert info.value.message == "failure 429"
    assert route.call_count == 3
    assert len(sleeps) == 2
    await client.aclose()


@pytest.mark.anyio
async def test_async_stream_connection_errors_are_retried_then_raise(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(
        side_effect=[httpx.ConnectError("down"), event_stream([sse(chunk("ok"))])]
    )
    stream = await client.chat.stream_async(model=MODEL, messages=user_says())
    async with stream:
        assert contents([event async for event in stream]) == ["ok"]
    assert stream.http.retries == 1
    assert route.call_count == 2

    route.reset()
    route.mock(side_effect=httpx.ConnectTimeout("no answer"))
    with pytest.raises(APITimeoutError) as info:
        await client.chat.stream_async(model=MODEL, messages=user_says())
    assert isinstance(info.value.__cause__, httpx.ConnectTimeout)
    assert route.call_count == 3
    await client.aclose()


# --------------------------------------------------------------------------------------------
# The same request on every attempt


def test_every_attempt_sends_the_same_body_and_headers(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(
        side_effect=[failing(500), httpx.ConnectError("down"), failing(429), ok()]
    )
    config = RetryConfig(backoff=BackoffStrategy(initial_interval=1), max_retries=3)

    client.chat.complete(
        model=MODEL, messages=user_says("Bonjour ☀"), temperature=0.3, retries=config
    )

    requests = [call.request for call in route.calls]
    assert len(requests) == 4
    bodies = {request.content for request in requests}
    assert len(bodies) == 1
    assert json.loads(bodies.pop()) == {
        "model": MODEL,
        "messages": user_says("Bonjour ☀"),
        "temperature": 0.3,
    }
    for request in requests:
        assert request.method == "POST"
        assert request.url == "https://api.mistral.ai/v1/chat/completions"
        assert request.headers["authorization"] == f"Bearer {API_KEY}"
        assert request.headers["content-type"] == "application/json"
        assert request.headers["content-length"] == str(len(request.content))


@pytest.mark.anyio
async def test_every_async_stream_attempt_sends_the_same_body(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post(CHAT_PATH).mock(
        side_effect=[failing(503), failing(503), event_stream([sse(chunk("a"))])]
    )

    stream = await client.chat.stream_async(model=MODEL, messages=user_says(), max_tokens=5)
    async with stream:
        assert contents([event async for event in stream]) == ["a"]

    contents_sent = [call.request.content for call in route.calls]
    assert len(contents_sent) == 3
    assert len(set(contents_sent)) == 1
    assert json.loads(contents_sent[0]) == {
        "model": MODEL,
        "messages": user_says(),
        "max_tokens": 5,
        "stream": True,
    }
    assert all(call.request.headers["accept"] == "text/event-stream" for call in route.calls)
    await client.aclose()


def test_retry_after_http_date_without_zone_is_read_as_utc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mistral_core.retry import _server_delay

    monkeypatch.setattr("time.time", lambda: 784111767.0)  # Sun, 06 Nov 1994 08:49:27 GMT
    assert _server_delay({"retry-after": "Sun, 06 Nov 1994 08:49:37 -0000"}) == 10.0
    assert _server_delay({"retry-after": "Sun, 06 Nov 1994 08:49:37 GMT"}) == 10.0


@pytest.mark.parametrize("outcome", ["answered", "failed"])
def test_a_finished_call_is_freed_without_the_garbage_collector(
    client: Mistral, api: respx.MockRouter, outcome: str
) -> None:
    """A call and its retry loop refer to nothing that refers back to them: when the call
    is done they are freed at once, and a program's collector has none of them to find."""
    api.post(CHAT_PATH).mock(
        side_effect=[failing(503), ok() if outcome == "answered" else failing(400)]
    )

    def calls() -> set[int]:
        return {id(o) for o in gc.get_objects() if isinstance(o, (PreparedCall, Attempts))}

    gc.collect()
    gc.disable()
    try:
        before = calls()  # those that other tests' objects still hold
        with contextlib.suppress(APIError):
            complete(client)
        left = calls() - before
    finally:
        gc.enable()
    assert left == set()
