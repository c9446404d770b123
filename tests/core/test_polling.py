"""The core's wait for work the server does (``mistral_core.polling``), on plain objects:
how long it waits between reads, when it stops, what it reports and raises."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import attrs
import httpx
import pytest

from mistral_core import HTTPInfo, MistralError, WaitTimeoutError, _transport
from mistral_core.polling import LONGEST_INTERVAL, Lifecycle, poll_until, poll_until_async
from tests.conftest import Clock


@attrs.define
class Job:
    status: str
    http: HTTPInfo | None = None


JOB: Lifecycle[Job] = Lifecycle("job", lambda job: job.status, lambda job: job.status == "RUNNING")


def statuses(*names: str) -> Iterator[Job]:
    """Jobs with these statuses, one per read."""
    return (Job(name) for name in names)


def asked(headers: dict[str, str], status: str = "RUNNING") -> Job:
    """A job read with these response headers."""
    info = HTTPInfo(200, httpx.Headers(headers), 0, httpx.Response(200))
    return Job(status, info)


def test_reads_until_the_end_waiting_longer_each_time(clock: Clock) -> None:
    jobs = statuses(*["RUNNING"] * 12, "SUCCESS")

    done = poll_until(lambda: next(jobs), JOB, "j1")

    assert done == Job("SUCCESS")
    assert clock.sleeps[:4] == [1.0, 1.5, 2.25, 3.375]
    assert clock.sleeps[-3:] == [LONGEST_INTERVAL] * 3  # 1.5 ** 9 > 30: the cap
    assert len(clock.sleeps) == 12


def test_a_finished_object_is_read_once(clock: Clock) -> None:
    assert poll_until(lambda: Job("FAILED"), JOB, "j1") == Job("FAILED")
    assert clock.sleeps == []


def test_a_polling_interval_fixes_the_waits(clock: Clock) -> None:
    jobs = statuses("RUNNING", "RUNNING", "RUNNING", "SUCCESS")
    poll_until(lambda: next(jobs), JOB, "j1", polling_interval=5)
    assert clock.sleeps == [5, 5, 5]


@pytest.mark.parametrize(
    ("headers", "waits"),
    [
        ({"retry-after": "7"}, [7.0, 7.0]),
        ({"retry-after-ms": "250"}, [0.25, 0.25]),
        ({"retry-after": "not a delay"}, [1.0, 1.5]),  # the intervals' own
    ],
)
def test_the_server_says_when_to_read_again(
    clock: Clock, headers: dict[str, str], waits: list[float]
) -> None:
    jobs = iter([asked(headers), asked(headers), Job("SUCCESS")])
    poll_until(lambda: next(jobs), JOB, "j1")
    assert clock.sleeps == waits


def test_the_timeout_carries_the_last_object_read(clock: Clock) -> None:
    seen: list[Job] = []

    with pytest.raises(WaitTimeoutError) as raised:
        poll_until(lambda: Job("RUNNING"), JOB, "j1", timeout=5, on_progress=seen.append)

    assert clock.sleeps == [1.0, 1.5, 2.25, 0.25]  # the last wait ends at the timeout
    assert clock.now == 5
    error = raised.value
    assert (error.last, error.status) == (Job("RUNNING"), "RUNNING")
    assert str(error) == (
        "job 'j1' is still RUNNING after 5 reads in 5.0 s: wait for it again by its id"
    )
    assert isinstance(error, MistralError)
    assert isinstance(error, TimeoutError)  # what the official SDK raises
    assert len(seen) == 5


def test_a_server_delay_past_the_timeout_is_cut_to_it(clock: Clock) -> None:
    with pytest.raises(WaitTimeoutError):
        poll_until(lambda: asked({"retry-after": "3600"}), JOB, "j1", timeout=10)
    assert clock.sleeps == [10]


def test_a_timeout_of_zero_reads_once(clock: Clock) -> None:
    with pytest.raises(WaitTimeoutError, match=r"after 1 read in 0\.0 s"):
        poll_until(lambda: Job("RUNNING"), JOB, "j1", timeout=0)
    assert clock.sleeps == []


def test_max_attempts_counts_the_reads(clock: Clock) -> None:
    reads: list[Job] = []

    def read() -> Job:
        reads.append(Job("RUNNING"))
        return reads[-1]

    with pytest.raises(WaitTimeoutError, match="after 3 reads"):
        poll_until(read, JOB, "j1", max_attempts=3)
    assert len(reads) == 3
    assert len(clock.sleeps) == 2


def test_progress_gets_every_object_read(clock: Clock) -> None:
    seen: list[str] = []
    jobs = statuses("RUNNING", "RUNNING", "SUCCESS")
    poll_until(lambda: next(jobs), JOB, "j1", on_progress=lambda job: seen.append(job.status))
    assert seen == ["RUNNING", "RUNNING", "SUCCESS"]


def test_a_read_that_fails_ends_the_wait(clock: Clock) -> None:
    def read() -> Job:
        raise MistralError("gone")

    with pytest.raises(MistralError, match="gone"):
        poll_until(read, JOB, "j1")
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"timeout": -1}, "timeout must be seconds >= 0, not -1"),
        ({"polling_interval": 0}, "polling_interval must be seconds > 0, not 0"),
        ({"max_attempts": 0}, "max_attempts must be at least 1, not 0"),
    ],
)
def test_wrong_limits_raise_before_reading(
    limits: dict[str, float], message: str, clock: Clock
) -> None:
    def read() -> Job:
        raise AssertionError("read with wrong limits")

    with pytest.raises(ValueError, match=message):
        poll_until(read, JOB, "j1", **limits)


@pytest.mark.anyio
async def test_async_waits_the_same_and_awaits_an_async_progress(clock: Clock) -> None:
    jobs = statuses("RUNNING", "RUNNING", "SUCCESS")
    seen: list[str] = []

    async def read() -> Job:
        return next(jobs)

    async def report(job: Job) -> None:
        seen.append(job.status)

    done = await poll_until_async(read, JOB, "j1", on_progress=report)

    assert done == Job("SUCCESS")
    assert seen == ["RUNNING", "RUNNING", "SUCCESS"]
    assert clock.sleeps == [1.0, 1.5]


@pytest.mark.anyio
async def test_async_timeout(clock: Clock) -> None:
    async def read() -> Job:
        return Job("RUNNING")

    with pytest.raises(WaitTimeoutError):
        await poll_until_async(read, JOB, "j1", timeout=2, on_progress=lambda job: None)
    assert clock.sleeps == [1.0, 1.0]


@pytest.mark.anyio
async def test_a_cancelled_wait_stops_where_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []
    sleeping = asyncio.Event()

    async def read() -> Job:
        reads.append(1)
        return Job("RUNNING")

    async def sleep_forever(seconds: float) -> None:
        sleeping.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(_transport, "async_sleep", sleep_forever)
    task = asyncio.ensure_future(poll_until_async(read, JOB, "j1"))
    await sleeping.wait()
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert reads == [1]  # cancelled in its first wait: no read after it
