"""``batch.jobs.run`` and the steps it is made of: requests in, typed results out.

The generated :class:`~._batch_jobs.BatchJobs` derives from :class:`BatchJobRunning`
(``tools/codegen/extras.py`` says so). A run writes the requests as JSONL to a temporary
file, a line at a time, and uploads that file through ``client.files`` (which streams it),
or sends them inline when they are few; creates the job; waits with the group's own
``wait`` (:mod:`mistral_core.polling`); then reads the job's output and error files a line
at a time, as :class:`~._wire.BatchOutcome` objects keyed by custom id. Memory stays the
same whatever the number of requests. Given a ``state`` file, a run killed at any step
goes on from there when run again, without uploading or submitting anything twice
(:mod:`._state`). Imported when ``client.batch.jobs`` is mounted: the models, the wire
format and the temporary files are imported on the first call.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload

import attrs

from mistral_core import UNSET, MistralError, Unset
from mistral_core._json import loads

if TYPE_CHECKING:
    from typing import TypeAlias

    from typing_extensions import Unpack

    from mistral_core import CallOptions, File, Mistral

    from ._batch_jobs import CreateArguments, GetArguments, ListArguments
    from ._wire import BatchOutcome
    from .models import ApiEndpoint, BatchJob, BatchRequest, ListBatchJobsResponse

    Requests: TypeAlias = "Iterable[Any] | Mapping[str, Any] | os.PathLike[str]"

    class RunArguments(CreateArguments, total=False):
        """What ``run`` takes besides the requests and the endpoint: ``create``'s
        arguments (``model``, ``agent_id``, ``timeout_hours``, the call options), its
        own, and ``wait``'s."""

        metadata: Mapping[str, str] | None
        inline_threshold: int
        state: str | os.PathLike[str] | None
        timeout: float | None
        polling_interval: float | None
        on_progress: Callable[[BatchJob], object] | None


__all__ = [
    "AsyncBatchRun",
    "BatchJobError",
    "BatchJobRunning",
    "BatchRun",
]

R = TypeVar("R")

DEFAULT_INLINE_THRESHOLD = 1000
"""Up to this many requests a run sends them in the job itself (no file), as the
official SDK's ``run`` does; the API takes at most 10,000 inline."""
INPUT_FILE_NAME = "batch_input.jsonl"


class BatchJobError(MistralError):
    """A batch job that ended without success (``FAILED``, ``TIMEOUT_EXCEEDED``,
    ``CANCELLED``): ``job`` is the job as last read, its ``errors`` say why. What it did
    run can still be read: ``batch.jobs.stream_results(job)``."""

    def __init__(self, job: BatchJob) -> None:
        self.job = job
        why = "; ".join(error.message for error in job.errors) or "no reason given"
        super().__init__(f"batch job {job.id} ended {job.status}: {why}")


@attrs.frozen
class BatchRun(Generic[R]):
    """A run's job, ended with success; iterating reads its results (again each time)."""

    job: BatchJob
    results: Callable[[], Iterator[BatchOutcome[R]]] = attrs.field(repr=False)

    def __iter__(self) -> Iterator[BatchOutcome[R]]:
        return self.results()


@attrs.frozen
class AsyncBatchRun(Generic[R]):
    """:class:`BatchRun`, read with ``async for``."""

    job: BatchJob
    results: Callable[[], AsyncIterator[BatchOutcome[R]]] = attrs.field(repr=False)

    def __aiter__(self) -> AsyncIterator[BatchOutcome[R]]:
        return self.results()


class _Jobs(Protocol):
    """What the runs use of the generated group: its calls and its client."""

    _client: Mistral

    def create(
        self,
        *,
        endpoint: ApiEndpoint | str,
        input_files: list[str] | Unset = UNSET,
        requests: list[BatchRequest | Mapping[str, Any]] | Unset = UNSET,
        metadata: Mapping[str, str] | Unset | None = UNSET,
        **arguments: Unpack[CreateArguments],
    ) -> BatchJob: ...

    async def create_async(
        self,
        *,
        endpoint: ApiEndpoint | str,
        input_files: list[str] | Unset = UNSET,
        requests: list[BatchRequest | Mapping[str, Any]] | Unset = UNSET,
        metadata: Mapping[str, str] | Unset | None = UNSET,
        **arguments: Unpack[CreateArguments],
    ) -> BatchJob: ...

    def list(
        self,
        *,
        metadata: Mapping[str, Any] | Unset | None = UNSET,
        **arguments: Unpack[ListArguments],
    ) -> ListBatchJobsResponse: ...

    async def list_async(
        self,
        *,
        metadata: Mapping[str, Any] | Unset | None = UNSET,
        **arguments: Unpack[ListArguments],
    ) -> ListBatchJobsResponse: ...

    def get(self, *, job_id: str, **arguments: Unpack[GetArguments]) -> BatchJob: ...

    async def get_async(self, *, job_id: str, **arguments: Unpack[GetArguments]) -> BatchJob: ...

    def wait(
        self,
        *,
        job_id: str,
        timeout: float | None = None,
        polling_interval: float | None = None,
        on_progress: Callable[[BatchJob], object] | None = None,
        **arguments: Unpack[GetArguments],
    ) -> BatchJob: ...

    async def wait_async(
        self,
        *,
        job_id: str,
        timeout: float | None = None,
        polling_interval: float | None = None,
        on_progress: Callable[[BatchJob], object] | None = None,
        **arguments: Unpack[GetArguments],
    ) -> BatchJob: ...


class BatchJobRunning:
    """``run``: a batch from requests to results; ``upload_requests`` and
    ``stream_results``, the steps before and after the generated ``create`` and ``wait``."""

    def upload_requests(
        self: _Jobs,
        requests: Requests,
        *,
        file_name: str = INPUT_FILE_NAME,
        **options: Unpack[CallOptions],
    ) -> str:
        """Upload ``requests`` as a batch input file and return its id.

        ``requests``: a mapping custom id -> body, an iterable of ``BatchRequest`` models,
        ``{"custom_id", "body"}`` dicts or bare bodies (custom ids ``"0"``, ``"1"``, ...),
        each body a request model or a dict; or the path of a JSONL file already written,
        uploaded as it is. Written to a temporary file and streamed from it: a generator
        of a million requests never stands in memory.
        """
        with _Input(requests, file_name, inline_threshold=0) as ready:
            return self._client.files.upload(file=ready.upload(), purpose="batch", **options).id

    async def upload_requests_async(
        self: _Jobs,
        requests: Requests,
        *,
        file_name: str = INPUT_FILE_NAME,
        **options: Unpack[CallOptions],
    ) -> str:
        """:meth:`upload_requests`, without blocking the event loop (the file is written
        in a thread)."""
        ready = await asyncio.to_thread(_Input, requests, file_name, inline_threshold=0)
        with ready:
            files = self._client.files
            return (await files.upload_async(file=ready.upload(), purpose="batch", **options)).id

    @overload
    def stream_results(
        self: _Jobs, job: BatchJob | str, *, response_type: None = None
    ) -> Iterator[BatchOutcome[Any]]: ...

    @overload
    def stream_results(
        self: _Jobs, job: BatchJob | str, *, response_type: type[R]
    ) -> Iterator[BatchOutcome[R]]: ...

    def stream_results(
        self: _Jobs, job: BatchJob | str, *, response_type: type[R] | None = None
    ) -> Iterator[BatchOutcome[Any]]:
        """The results of a job, a line at a time: its output file, then its error file
        (or its inline outputs), each an outcome with a ``response`` or an ``error``.

        A response is read as ``response_type``, by default as the model of what the
        job's endpoint answers (a dict when its plugin is not installed); one that does
        not read is a :class:`~._wire.BatchResponseError`, not an exception. Reads, and
        can read again at any time, the results of a job by its id; waits for a job
        still running (``wait``'s default intervals, no timeout).
        """
        return _results(self, job, response_type)

    @overload
    def stream_results_async(
        self: _Jobs, job: BatchJob | str, *, response_type: None = None
    ) -> AsyncIterator[BatchOutcome[Any]]: ...

    @overload
    def stream_results_async(
        self: _Jobs, job: BatchJob | str, *, response_type: type[R]
    ) -> AsyncIterator[BatchOutcome[R]]: ...

    def stream_results_async(
        self: _Jobs, job: BatchJob | str, *, response_type: type[R] | None = None
    ) -> AsyncIterator[BatchOutcome[Any]]:
        """:meth:`stream_results`, read with ``async for``."""
        return _results_async(self, job, response_type)

    @overload
    def run(
        self: _Jobs,
        requests: Requests,
        *,
        endpoint: ApiEndpoint | str,
        response_type: None = None,
        **arguments: Unpack[RunArguments],
    ) -> BatchRun[Any]: ...

    @overload
    def run(
        self: _Jobs,
        requests: Requests,
        *,
        endpoint: ApiEndpoint | str,
        response_type: type[R],
        **arguments: Unpack[RunArguments],
    ) -> BatchRun[R]: ...

    def run(
        self: _Jobs,
        requests: Requests,
        *,
        endpoint: ApiEndpoint | str,
        response_type: type[R] | None = None,
        **arguments: Unpack[RunArguments],
    ) -> BatchRun[Any]:
        """Run ``requests`` as a batch job of ``endpoint``, wait for it, give its results.

        ``requests`` as :meth:`upload_requests` takes them; up to ``inline_threshold``
        (1000) are sent in the job, more are uploaded first (a path always is). ``model``,
        ``agent_id``, ``metadata`` and ``timeout_hours`` are the job's (``create``'s);
        ``timeout``, ``polling_interval`` and ``on_progress`` the wait's (``wait``'s). With
        ``state`` (a file path), each step is recorded as soon as it is done, and a run
        given the same file goes on from the last step recorded: after a crash, run the
        same call again. Returns a :class:`BatchRun`: the job, and its results when
        iterated (:meth:`stream_results`, read as ``response_type``). A job that ends
        without success raises :class:`BatchJobError`; a wait that times out,
        :class:`~mistral_core.WaitTimeoutError` (run again to wait more).
        """
        run = _Run(endpoint, arguments)
        if run.progress.job_id is None:
            found = run.tagged(self.list(**run.lookup)) if run.resumed else None
            if found is None:
                inline = None
                if run.progress.input_file is None:
                    with _Input(requests, INPUT_FILE_NAME, run.inline_threshold) as ready:
                        inline = ready.inline
                        if inline is None:
                            upload = self._client.files.upload(
                                file=ready.upload(), purpose="batch", **run.options
                            )
                            run.uploaded(upload.id)
                found = self.create(**run.creation(inline))
            run.created(found.id)
        job = self.wait(job_id=run.job_id, **run.waiting)
        return BatchRun(_succeeded(job), lambda: _results(self, job, response_type))

    @overload
    async def run_async(
        self: _Jobs,
        requests: Requests,
        *,
        endpoint: ApiEndpoint | str,
        response_type: None = None,
        **arguments: Unpack[RunArguments],
    ) -> AsyncBatchRun[Any]: ...

    @overload
    async def run_async(
        self: _Jobs,
        requests: Requests,
        *,
        endpoint: ApiEndpoint | str,
        response_type: type[R],
        **arguments: Unpack[RunArguments],
    ) -> AsyncBatchRun[R]: ...

    async def run_async(
        self: _Jobs,
        requests: Requests,
        *,
        endpoint: ApiEndpoint | str,
        response_type: type[R] | None = None,
        **arguments: Unpack[RunArguments],
    ) -> AsyncBatchRun[Any]:
        """:meth:`run`, without blocking the event loop (``on_progress`` may be async; the
        requests are written to their file in a thread)."""
        run = _Run(endpoint, arguments)
        if run.progress.job_id is None:
            found = run.tagged(await self.list_async(**run.lookup)) if run.resumed else None
            if found is None:
                inline = None
                if run.progress.input_file is None:
                    threshold = run.inline_threshold
                    ready = await asyncio.to_thread(_Input, requests, INPUT_FILE_NAME, threshold)
                    with ready:
                        inline = ready.inline
                        if inline is None:
                            upload = await self._client.files.upload_async(
                                file=ready.upload(), purpose="batch", **run.options
                            )
                            run.uploaded(upload.id)
                found = await self.create_async(**run.creation(inline))
            run.created(found.id)
        job = await self.wait_async(job_id=run.job_id, **run.waiting)
        return AsyncBatchRun(_succeeded(job), lambda: _results_async(self, job, response_type))


_JOB = ("model", "agent_id", "timeout_hours")
"""``run``'s arguments that are the job's (``create``'s)."""
_WAIT = ("timeout", "polling_interval", "on_progress")
"""``run``'s arguments that are the wait's."""
_OWN = ("metadata", "inline_threshold", "state")
"""``run``'s own arguments; all the others are call options, passed to every call."""


class _Run:
    """One run's arguments sorted by the call they go to, and its steps, each recorded in
    its state file (if any) as soon as it is done."""

    def __init__(self, endpoint: ApiEndpoint | str, arguments: Mapping[str, Any]) -> None:
        from ._endpoints import endpoint_path
        from ._state import RunState

        self.options = {k: v for k, v in arguments.items() if k not in (*_JOB, *_WAIT, *_OWN)}
        self._job = {k: v for k, v in arguments.items() if k in _JOB}
        self.waiting = {k: v for k, v in arguments.items() if k in _WAIT} | self.options
        self._metadata: Mapping[str, str] = arguments.get("metadata") or {}
        self.inline_threshold: int = arguments.get("inline_threshold", DEFAULT_INLINE_THRESHOLD)
        state = arguments.get("state")
        self._path = Path(state) if state is not None else None
        model = self._job.get("model")
        model = model if isinstance(model, str) else None
        self.progress, self.resumed = RunState.start(self._path, endpoint_path(endpoint), model)

    @property
    def lookup(self) -> dict[str, Any]:
        """``list``'s arguments that find the job this run created before a crash."""
        from ._state import RUN_ID_KEY

        return {"metadata": {RUN_ID_KEY: self.progress.run_id}, "page_size": 100, **self.options}

    def tagged(self, page: ListBatchJobsResponse) -> BatchJob | None:
        """The job of this run among ``page`` (checked here too: filtering is the API's)."""
        from ._state import RUN_ID_KEY

        for job in page.data:
            if (
                isinstance(job.metadata, dict)
                and job.metadata.get(RUN_ID_KEY) == self.progress.run_id
            ):
                return job
        return None

    def creation(self, inline: list[BatchRequest | Mapping[str, Any]] | None) -> dict[str, Any]:
        """``create``'s arguments: the requests inline, or the input file uploaded."""
        from ._state import RUN_ID_KEY

        source: dict[str, Any]
        if inline is not None:
            source = {"requests": inline}
        else:
            source = {"input_files": [self.progress.input_file]}
        metadata = {**self._metadata, RUN_ID_KEY: self.progress.run_id}
        endpoint = self.progress.endpoint
        return {"endpoint": endpoint, "metadata": metadata, **source, **self._job, **self.options}

    def uploaded(self, file_id: str) -> None:
        self.progress = self.progress.step(self._path, input_file=file_id)

    def created(self, job_id: str) -> None:
        self.progress = self.progress.step(self._path, job_id=job_id)

    @property
    def job_id(self) -> str:
        job_id = self.progress.job_id
        assert job_id is not None
        return job_id


class _Input:
    """Requests ready to send: a list, when at most ``inline_threshold``, else a file.

    Requests are written to an anonymous temporary file (gone when closed), one line at a
    time; a path is opened as it is (never sent inline).
    """

    def __init__(
        self,
        requests: Requests,
        file_name: str,
        inline_threshold: int,
    ) -> None:
        from ._wire import request_lines

        self.inline: list[BatchRequest | Mapping[str, Any]] | None = None
        if isinstance(requests, os.PathLike):
            self._file: IO[bytes] = open(requests, "rb")  # noqa: SIM115 (closed by close())
            self._name = os.path.basename(os.fspath(requests))
            return
        self._name = file_name
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        count = 0
        try:
            for line in request_lines(requests):
                self._file.write(line)
                count += 1
        except BaseException:
            self._file.close()
            raise
        self._file.seek(0)
        if count <= inline_threshold:
            self.inline = [loads(line) for line in self._file]

    def upload(self) -> File:
        """The file to upload (read as it is sent)."""
        from mistral_core import File

        return File(self._name, self._file, "application/jsonl")

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> _Input:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _succeeded(job: BatchJob) -> BatchJob:
    if str(job.status) != "SUCCESS":
        raise BatchJobError(job)
    return job


def _ended(job: BatchJob) -> bool:
    from ._wait import RUNNING

    return str(job.status) not in RUNNING


def _reader(job: BatchJob, response_type: type[R] | None) -> Callable[[Any], Any] | None:
    from mistral_core import serde

    from ._endpoints import endpoint_path, response_reader

    if response_type is not None:
        return serde.reader(response_type)
    return response_reader(endpoint_path(job.endpoint))


def _result_files(job: BatchJob) -> list[str]:
    """The job's output and error files (those it has)."""
    return [name for name in (job.output_file, job.error_file) if isinstance(name, str) and name]


def _inline_results(job: BatchJob) -> bool:
    """Whether the job's results are given in it (``get(inline=True)``), not in files."""
    return not _result_files(job) and not job.input_files


def _results(
    jobs: _Jobs, job: BatchJob | str, response_type: type[R] | None
) -> Iterator[BatchOutcome[Any]]:
    from ._wire import read_outcome

    if isinstance(job, str) or not _ended(job):
        job = jobs.wait(job_id=job if isinstance(job, str) else job.id)
    read = _reader(job, response_type)
    if _inline_results(job):
        for line in jobs.get(job_id=job.id, inline=True).outputs or ():
            yield read_outcome(line, read)
    for file_id in _result_files(job):
        with jobs._client.files.download(file_id=file_id) as response:
            for text in response.iter_lines():
                if text.strip():
                    yield read_outcome(loads(text), read)


async def _results_async(
    jobs: _Jobs, job: BatchJob | str, response_type: type[R] | None
) -> AsyncIterator[BatchOutcome[Any]]:
    if isinstance(job, str) or not _ended(job):
        job = await jobs.wait_async(job_id=job if isinstance(job, str) else job.id)
    read = _reader(job, response_type)
    if _inline_results(job):
        async for outcome in _inline_outcomes_async(jobs, job, read, {}):
            yield outcome
    for file_id in _result_files(job):
        async for outcome in _file_outcomes_async(jobs, file_id, read, {}):
            yield outcome


async def _inline_outcomes_async(
    jobs: _Jobs, job: BatchJob, read: Callable[[Any], R] | None, options: Mapping[str, Any]
) -> AsyncIterator[BatchOutcome[R]]:
    """The results an inline job gives in itself (read again with ``inline=True``)."""
    from ._wire import read_outcome

    for line in (await jobs.get_async(job_id=job.id, inline=True, **options)).outputs or ():
        yield read_outcome(line, read)


async def _file_outcomes_async(
    jobs: _Jobs, file_id: str, read: Callable[[Any], R] | None, options: Mapping[str, Any]
) -> AsyncIterator[BatchOutcome[R]]:
    """The results in one output or error file, downloaded a line at a time."""
    from ._wire import read_outcome

    async with await jobs._client.files.download_async(file_id=file_id, **options) as response:
        async for text in response.aiter_lines():
            if text.strip():
                yield read_outcome(loads(text), read)
