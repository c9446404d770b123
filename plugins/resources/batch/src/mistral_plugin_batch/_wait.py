"""``batch.jobs.wait`` (and ``wait_async``): a batch job, read until it ends.

The generated :class:`~._batch_jobs.BatchJobs` derives from :class:`BatchJobWaiting` (the
generator's table, ``tools/codegen/extras.py``, says so). The reads are the group's own
``get``, so retries, hooks, errors and call options are its; the waits between them are
the core's (:mod:`mistral_core.polling`). Imported when ``client.batch.jobs`` is mounted:
nothing heavy here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from mistral_core.polling import Lifecycle, poll_until, poll_until_async

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._batch_jobs import GetArguments
    from .models import BatchJob

__all__ = ["BATCH_JOB", "RUNNING", "BatchJobWaiting"]

RUNNING = frozenset({"QUEUED", "RUNNING", "CANCELLATION_REQUESTED"})
"""The statuses of a job the server is still at; any other is an end, as for the official
SDK's ``BatchClient.wait``: ``SUCCESS``, ``FAILED``, ``TIMEOUT_EXCEEDED``, ``CANCELLED``,
and a status this client does not know yet (a wait never outlives its job)."""

BATCH_JOB: Lifecycle[BatchJob] = Lifecycle(
    "batch job", lambda job: job.status, lambda job: str(job.status) in RUNNING
)


class _Gets(Protocol):
    """The generated ``get`` and ``get_async``."""

    def get(self, *, job_id: str, **arguments: Unpack[GetArguments]) -> BatchJob: ...

    async def get_async(self, *, job_id: str, **arguments: Unpack[GetArguments]) -> BatchJob: ...


class BatchJobWaiting:
    """``wait``: read a job until it ends, with progress, a timeout and resumption by id."""

    def wait(
        self: _Gets,
        *,
        job_id: str,
        timeout: float | None = None,
        polling_interval: float | None = None,
        on_progress: Callable[[BatchJob], object] | None = None,
        **arguments: Unpack[GetArguments],
    ) -> BatchJob:
        """Read the job until it ends and return it, whatever the end: check its
        ``status`` (``FAILED`` is returned, not raised, as by the official SDK).

        ``on_progress`` gets the job at each read (its counts of requests move). Between
        reads, what the server asks (``Retry-After``), else 1 s growing to 30 s, or
        ``polling_interval`` seconds. After ``timeout`` seconds,
        :class:`~mistral_core.WaitTimeoutError` (with the last job read); a later ``wait``
        on the same ``job_id`` goes on. Every other argument is ``get``'s.
        """
        return poll_until(
            lambda: self.get(job_id=job_id, **arguments),
            BATCH_JOB,
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
        on_progress: Callable[[BatchJob], object] | None = None,
        **arguments: Unpack[GetArguments],
    ) -> BatchJob:
        """:meth:`wait`, without blocking the event loop (``on_progress`` may be async)."""
        return await poll_until_async(
            lambda: self.get_async(job_id=job_id, **arguments),
            BATCH_JOB,
            job_id,
            timeout=timeout,
            polling_interval=polling_interval,
            on_progress=on_progress,
        )
