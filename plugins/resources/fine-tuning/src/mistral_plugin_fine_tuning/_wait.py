"""``fine_tuning.jobs.wait`` (and ``wait_async``): a fine-tuning job, read until it ends.

The generated :class:`~._fine_tuning_jobs.FineTuningJobs` derives from
:class:`FineTuningJobWaiting` (the generator's table, ``tools/codegen/extras.py``, says
so). The reads are the group's own ``get``, so retries, hooks, errors and call options are
its; the waits between them are the core's (:mod:`mistral_core.polling`). Imported when
``client.fine_tuning.jobs`` is mounted: nothing heavy here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from mistral_core.polling import Lifecycle, poll_until, poll_until_async

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mistral_core import CallOptions

    from .models import JobsApiRoutesFineTuningGetFineTuningJobResponse as Job

__all__ = ["FINE_TUNING_JOB", "RUNNING", "FineTuningJobWaiting"]

RUNNING = frozenset({"QUEUED", "STARTED", "VALIDATING", "RUNNING", "CANCELLATION_REQUESTED"})
"""The statuses of a job the server is still at; any other is an end: ``SUCCESS``,
``FAILED``, ``FAILED_VALIDATION``, ``CANCELLED``, and a status this client does not know
yet (a wait never outlives its job). ``VALIDATED`` is an end for a job created with
``auto_start=False``, which waits there for ``start``."""


def _running(job: Job) -> bool:
    status = str(job.status)
    return status in RUNNING or (
        status == "VALIDATED" and getattr(job, "auto_start", False) is True
    )


FINE_TUNING_JOB: Lifecycle[Job] = Lifecycle("fine-tuning job", lambda job: job.status, _running)


class _Gets(Protocol):
    """The generated ``get`` and ``get_async``."""

    def get(self, *, job_id: str, **options: Unpack[CallOptions]) -> Job: ...

    async def get_async(self, *, job_id: str, **options: Unpack[CallOptions]) -> Job: ...


class FineTuningJobWaiting:
    """``wait``: read a job until it ends, with progress, a timeout and resumption by id."""

    def wait(
        self: _Gets,
        *,
        job_id: str,
        timeout: float | None = None,
        polling_interval: float | None = None,
        on_progress: Callable[[Job], object] | None = None,
        **options: Unpack[CallOptions],
    ) -> Job:
        """Read the job until it ends and return it, whatever the end: check its
        ``status`` (``FAILED`` is returned, not raised, as batch jobs are).

        ``on_progress`` gets the job at each read. Between reads, what the server asks
        (``Retry-After``), else 1 s growing to 30 s, or ``polling_interval`` seconds.
        After ``timeout`` seconds, :class:`~mistral_core.WaitTimeoutError` (with the last
        job read); a later ``wait`` on the same ``job_id`` goes on.
        """
        return poll_until(
            lambda: self.get(job_id=job_id, **options),
            FINE_TUNING_JOB,
            job_id,
            timeout=timeout,
            polling_interval=polling_interval,
            on_progress=on_progress,
        )

    async def wait_async(
        self: _Gets,
        *,
        job_id: str,
        timeout: float | None = None,
        polling_interval: float | None = None,
        on_progress: Callable[[Job], object] | None = None,
        **options: Unpack[CallOptions],
    ) -> Job:
        """:meth:`wait`, without blocking the event loop (``on_progress`` may be async)."""
        return await poll_until_async(
            lambda: self.get_async(job_id=job_id, **options),
            FINE_TUNING_JOB,
            job_id,
            timeout=timeout,
            polling_interval=polling_interval,
            on_progress=on_progress,
        )
