"""The official SDK's ``mistralai.extra.batch`` names, so that its users' code runs here
with only its imports changed.

``BatchClient(client, endpoint=..., response_body_type=...)`` is the official front: async,
bound to one endpoint, a handle per job, results materialized by ``run``. It is a thin
layer over ``client.batch.jobs``: the jobs are the group's ``create``, ``get``, ``cancel``
and ``wait`` (:mod:`mistral_core.polling`), the files ``client.files``', the lines are read
by :func:`~._wire.read_outcome` and the result files by :mod:`._running`'s readers. What
is the official layer's own is kept here: ``BatchInput`` (the input JSONL, held as bytes),
the outcomes sorted into successes and the two kinds of error, ``ordered``'s
all-or-nothing alignment, and ``run``'s whole-job retries and clean-up of its files.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from uuid import UUID

import attrs

from mistral_core import FieldError, MistralError, ResponseValidationError, WaitTimeoutError
from mistral_core._guards import is_mapping, is_object
from mistral_core._json import loads

from ._wait import RUNNING
from ._wire import BatchOutcome, BatchRequestError, BatchResponseError, request_lines

if TYPE_CHECKING:
    from typing import TypeAlias

    from mistral_core import Mistral

    from ._running import _Jobs
    from .models import ApiEndpoint, BatchJob, BatchJobStatus, BatchRequest

__all__ = [
    "RUNNING_STATUSES",
    "BatchClient",
    "BatchError",
    "BatchInput",
    "BatchInputFile",
    "BatchJobHandle",
    "BatchOutput",
    "BatchResult",
    "is_running",
    "is_terminal",
]

ReqBodyT = TypeVar("ReqBodyT")
RespBodyT = TypeVar("RespBodyT")
R = TypeVar("R")

ResourceID = str | UUID
"""A file or job id, as text or as the UUID it is (the official SDK takes both)."""

RUNNING_STATUSES = RUNNING
"""The statuses of a job still in flight; any other, one not known yet too, is an end."""


def is_running(status: BatchJobStatus | str) -> bool:
    """Whether a job of this status is still in flight (:data:`RUNNING_STATUSES`)."""
    return str(status) in RUNNING_STATUSES


def is_terminal(status: BatchJobStatus | str) -> bool:
    """Whether a job of this status has ended: a status not known yet counts as an end,
    so that a wait never outlives its job."""
    return not is_running(status)


class BatchInput(Generic[ReqBodyT]):
    """A batch's input JSONL, in memory and with no I/O: built now, uploaded or sent
    inline later. Held as the bytes to upload, so that lines written elsewhere go as
    they are; ``ReqBodyT`` only records the request bodies' type."""

    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    @classmethod
    def from_payload(cls, payload: Mapping[str, R]) -> BatchInput[R]:
        """The lines of ``{custom_id: body}``, each body a request model or a dict,
        written as a call writes it (:func:`~._wire.request_lines`)."""
        return BatchInput(b"".join(request_lines(payload)))

    @classmethod
    def from_jsonl_bytes(cls, raw: bytes) -> BatchInput[Any]:
        """JSONL already written, kept byte for byte."""
        return BatchInput(raw)

    @classmethod
    def from_jsonl_str(cls, raw: str) -> BatchInput[Any]:
        """JSONL already written, as text (sent as UTF-8)."""
        return BatchInput(raw.encode())

    def to_jsonl_bytes(self) -> bytes:
        return self._raw

    def to_requests(self) -> list[BatchRequest]:
        """The lines as ``BatchRequest`` models, to send them in the job (no upload)."""
        from .models import BatchRequest

        requests: list[BatchRequest] = []
        for number, line in enumerate(self._lines(), 1):
            value = loads(line)
            if not is_object(value) or not is_object(value.get("body")):
                raise FieldError(f"line {number} of a batch input has no JSON object 'body'")
            requests.append(BatchRequest(custom_id=value.get("custom_id"), body=value["body"]))
        return requests

    def __len__(self) -> int:
        """The number of requests: the lines that are not blank."""
        return sum(1 for _ in self._lines())

    def _lines(self) -> Iterable[bytes]:
        return (line for line in self._raw.split(b"\n") if line.strip())


@attrs.frozen
class BatchInputFile(Generic[ReqBodyT]):
    """An uploaded input file (``BatchClient.upload``'s, or made from an id uploaded
    elsewhere): a job made from it reads the file, nothing is uploaded again."""

    file_id: ResourceID


@attrs.frozen
class BatchJobHandle(Generic[RespBodyT]):
    """One job as last read, with no client in it: keep ``handle.job`` (or its id) and
    carry on in another process with ``BatchClient.get(job_id)``."""

    job: BatchJob

    @property
    def id(self) -> str:
        return str(self.job.id)

    @property
    def status(self) -> BatchJobStatus | str:
        return self.job.status


class BatchError(MistralError):
    """``ordered`` asked for ids that have no successful response: ``failures`` maps each
    of them to its error, or to ``None`` when the id is not in the output at all. Raised
    rather than giving a shorter list that would pair results with the wrong inputs."""

    def __init__(self, failures: dict[str, BatchRequestError | BatchResponseError | None]) -> None:
        self.failures = failures
        detail = ", ".join(
            f"{custom_id!r}: {'missing from output' if error is None else repr(error)}"
            for custom_id, error in failures.items()
        )
        super().__init__(f"batch output has no successful result for {detail}")


BatchItem: TypeAlias = "RespBodyT | BatchRequestError | BatchResponseError"
"""What became of one request: its response read as ``RespBodyT``, or one of the errors."""


@attrs.frozen
class BatchOutput(Generic[RespBodyT]):
    """One result file read whole: ``responses`` by custom id, and the errors apart
    (lists: an error may have no custom id). A custom id found twice raises
    :class:`~mistral_core.ResponseValidationError` rather than losing one of them."""

    responses: dict[str, RespBodyT]
    request_errors: list[BatchRequestError]
    response_errors: list[BatchResponseError]

    @classmethod
    def from_jsonl_bytes(cls, raw: bytes, response_body_type: type[R]) -> BatchOutput[R]:
        """Read result JSONL, each response as ``response_body_type``."""
        from mistral_core import serde

        from ._wire import read_outcome

        read = serde.reader(response_body_type)
        lines = (line for line in raw.split(b"\n") if line.strip())
        return _output_of(read_outcome(loads(line), read) for line in lines)

    def results(self) -> dict[str, BatchItem[RespBodyT]]:
        """custom id -> its response or its error (errors without an id left out)."""
        merged: dict[str, BatchItem[RespBodyT]] = dict(self.responses)
        for custom_id, error in _errors_by_id(self.request_errors, self.response_errors).items():
            _add_once(merged, custom_id, error)
        return merged

    def ordered(self, custom_ids: Sequence[str]) -> list[RespBodyT]:
        """The responses of ``custom_ids``, in their order; :class:`BatchError` (naming
        every id that failed) when one has no response."""
        errors = _errors_by_id(self.request_errors, self.response_errors)
        return _ordered(self.responses, errors, custom_ids)


class BatchResult(Generic[RespBodyT]):
    """What ``run`` gives: the ended job and its result files, read already, so that
    every accessor is plain data (no I/O, nothing to await)."""

    def __init__(
        self,
        job: BatchJob,
        output: BatchOutput[RespBodyT],
        error_output: BatchOutput[RespBodyT] | None,
    ) -> None:
        self.job = job
        self._output = output
        self._error_output = error_output

    @property
    def status(self) -> BatchJobStatus | str:
        return self.job.status

    @property
    def succeeded(self) -> int:
        return self.job.succeeded_requests

    @property
    def failed(self) -> int:
        return self.job.failed_requests

    def output(self) -> BatchOutput[RespBodyT]:
        """The output file (or an inline job's outputs) read."""
        return self._output

    def error_output(self) -> BatchOutput[RespBodyT] | None:
        """The error file read; ``None`` when the job has none."""
        return self._error_output

    def by_id(self) -> dict[str, RespBodyT]:
        """custom id -> response, of every request that succeeded, in either file."""
        merged = dict(self._output.responses)
        for custom_id, response in self._other().responses.items():
            _add_once(merged, custom_id, response)
        return merged

    def errors(self) -> list[BatchRequestError]:
        """The requests the API says failed, from both files."""
        return [*self._output.request_errors, *self._other().request_errors]

    def response_errors(self) -> list[BatchResponseError]:
        """The responses that did not read as the bound type, from both files."""
        return [*self._output.response_errors, *self._other().response_errors]

    def ordered(self, custom_ids: Sequence[str]) -> list[RespBodyT]:
        """:meth:`BatchOutput.ordered` over both files."""
        errors = _errors_by_id(self.errors(), self.response_errors())
        return _ordered(self.by_id(), errors, custom_ids)

    def _other(self) -> BatchOutput[RespBodyT]:
        return self._error_output if self._error_output is not None else BatchOutput({}, [], [])


class BatchClient(Generic[RespBodyT]):
    """The Batch API of one endpoint, its responses read as ``response_body_type``: the
    steps one by one (``upload``, ``create``, ``get``, ``refresh``, ``wait``, ``cancel``,
    ``stream_results``, ``output``, ``error_output``, ``download``, ``signed_url``,
    ``delete``), each a single call or wait that another driver (a cron, a workflow) can
    pace, and ``run``, all of them in one call. Every method takes ``http_headers``.

    Generic in the response type only: the official request-body parameter could not be
    inferred from the constructor, so type checkers would ask every caller to spell it.
    """

    def __init__(
        self,
        client: Mistral,
        *,
        endpoint: ApiEndpoint | str,
        response_body_type: type[RespBodyT],
    ) -> None:
        from ._endpoints import endpoint_path

        self._client = client
        self._endpoint = endpoint_path(endpoint)
        self._response_body_type = response_body_type

    @property
    def _jobs(self) -> _Jobs:
        jobs: _Jobs = self._client.batch.jobs
        return jobs

    async def upload(
        self,
        input: BatchInput[Any],
        *,
        file_name: str = "batch_input.jsonl",
        expiry_hours: int | None = None,
        timeout_ms: int | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> BatchInputFile[Any]:
        """Upload the input's bytes as they are (a batch file, kept ``expiry_hours``)."""
        from mistral_core import File

        options = _options(http_headers)
        if timeout_ms is not None:
            options["timeout_ms"] = timeout_ms
        upload = await self._client.files.upload_async(
            file=File(file_name, input.to_jsonl_bytes(), "application/jsonl"),
            purpose="batch",
            expiry=expiry_hours,
            **options,
        )
        return BatchInputFile(upload.id)

    async def download(
        self, file_id: ResourceID, *, http_headers: Mapping[str, str] | None = None
    ) -> bytes:
        """A file's bytes, whole (``stream_results`` reads a result a line at a time)."""
        files = self._client.files
        async with await files.download_async(
            file_id=str(file_id), **_options(http_headers)
        ) as response:
            return await response.aread()

    async def signed_url(
        self,
        file_id: ResourceID,
        *,
        expiry_hours: int = 24,
        http_headers: Mapping[str, str] | None = None,
    ) -> str:
        """A URL that reads the file without credentials for ``expiry_hours``."""
        signed = await self._client.files.get_signed_url_async(
            file_id=str(file_id), expiry=expiry_hours, **_options(http_headers)
        )
        return signed.url

    async def delete(
        self, file_id: ResourceID, *, http_headers: Mapping[str, str] | None = None
    ) -> None:
        """Delete a batch file: an input, an output or an error file."""
        await self._client.files.delete_async(file_id=str(file_id), **_options(http_headers))

    async def create(
        self,
        input: BatchInput[Any] | BatchInputFile[Any],
        *,
        model: str | None = None,
        metadata: dict[str, str] | None = None,
        timeout_hours: int = 24,
        http_headers: Mapping[str, str] | None = None,
    ) -> BatchJobHandle[RespBodyT]:
        """Create a job of this endpoint: from an uploaded file, or with the requests of a
        ``BatchInput`` in it (up to 10,000: upload more first)."""
        arguments: dict[str, Any] = {"timeout_hours": timeout_hours, **_options(http_headers)}
        if model is not None:
            arguments["model"] = model
        if metadata is not None:
            arguments["metadata"] = metadata
        if isinstance(input, BatchInputFile):
            arguments["input_files"] = [str(input.file_id)]
        else:
            arguments["requests"] = input.to_requests()
        job = await self._jobs.create_async(endpoint=self._endpoint, **arguments)
        return BatchJobHandle(job)

    async def get(
        self, job_id: ResourceID, *, http_headers: Mapping[str, str] | None = None
    ) -> BatchJobHandle[RespBodyT]:
        """The job read once (no waiting): a handle again, e.g. in another process."""
        job = await self._jobs.get_async(job_id=str(job_id), **_options(http_headers))
        return BatchJobHandle(job)

    async def refresh(
        self,
        handle: BatchJobHandle[RespBodyT] | ResourceID,
        *,
        http_headers: Mapping[str, str] | None = None,
    ) -> BatchJobHandle[RespBodyT]:
        """The job of ``handle`` read again."""
        return await self.get(_job_id(handle), http_headers=http_headers)

    async def cancel(
        self,
        handle: BatchJobHandle[RespBodyT] | ResourceID,
        *,
        http_headers: Mapping[str, str] | None = None,
    ) -> BatchJobHandle[RespBodyT]:
        """Ask for the job to stop; it goes through ``CANCELLATION_REQUESTED`` (still
        running) to ``CANCELLED``: ``wait`` for that."""
        job = await self._client.batch.jobs.cancel_async(
            job_id=_job_id(handle), **_options(http_headers)
        )
        return BatchJobHandle(job)

    async def wait(
        self,
        handle: BatchJobHandle[RespBodyT] | ResourceID,
        *,
        poll_interval_seconds: float = 30.0,
        timeout_hours: int = 24,
        deadline: float | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> BatchJobHandle[RespBodyT]:
        """The job once it has ended, whatever the end (``batch.jobs.wait``): read every
        ``poll_interval_seconds`` (or when the server asks), until ``deadline`` (a
        ``time.monotonic()`` shared by several calls) or for ``timeout_hours``. Past it,
        :class:`~mistral_core.WaitTimeoutError`, a ``TimeoutError``."""
        timeout = timeout_hours * 3600 if deadline is None else deadline - time.monotonic()
        job = await self._jobs.wait_async(
            job_id=_job_id(handle),
            timeout=max(timeout, 0),
            polling_interval=poll_interval_seconds,
            **_options(http_headers),
        )
        return BatchJobHandle(job)

    async def stream_results(
        self,
        handle: BatchJobHandle[RespBodyT],
        *,
        poll_interval_seconds: float = 30.0,
        timeout_hours: int = 24,
        http_headers: Mapping[str, str] | None = None,
    ) -> AsyncIterator[tuple[str | None, BatchItem[RespBodyT]]]:
        """``(custom_id, response or error)`` of each request, a line at a time (the
        output file, then the error file), once the job has ended. Reads only: the job
        and its files stay the caller's (``run`` is what cleans up)."""
        from ._running import _file_outcomes_async, _inline_outcomes_async, _inline_results

        ended = await self._ended(handle, poll_interval_seconds, timeout_hours, http_headers)
        read, options = self._reader(), _options(http_headers)
        if _inline_results(ended.job):
            async for outcome in _inline_outcomes_async(self._jobs, ended.job, read, options):
                item = _item(outcome)
                yield outcome.custom_id, item
        for file_id in (ended.job.output_file, ended.job.error_file):
            if isinstance(file_id, str) and file_id:
                async for outcome in _file_outcomes_async(self._jobs, file_id, read, options):
                    item = _item(outcome)
                    yield outcome.custom_id, item

    async def output(
        self,
        handle: BatchJobHandle[RespBodyT],
        *,
        poll_interval_seconds: float = 30.0,
        timeout_hours: int = 24,
        http_headers: Mapping[str, str] | None = None,
    ) -> BatchOutput[RespBodyT]:
        """The output file read whole, once the job has ended (an inline job's outputs,
        which it gives in itself); ``stream_results`` reads a large one in less memory."""
        from ._running import _file_outcomes_async, _inline_outcomes_async, _inline_results

        ended = await self._ended(handle, poll_interval_seconds, timeout_hours, http_headers)
        read, options = self._reader(), _options(http_headers)
        if _inline_results(ended.job):
            outcomes = _inline_outcomes_async(self._jobs, ended.job, read, options)
        elif isinstance(ended.job.output_file, str) and ended.job.output_file:
            outcomes = _file_outcomes_async(self._jobs, ended.job.output_file, read, options)
        else:
            return BatchOutput({}, [], [])
        return _output_of([outcome async for outcome in outcomes])

    async def error_output(
        self,
        handle: BatchJobHandle[RespBodyT],
        *,
        poll_interval_seconds: float = 30.0,
        timeout_hours: int = 24,
        http_headers: Mapping[str, str] | None = None,
    ) -> BatchOutput[RespBodyT] | None:
        """The error file read whole, once the job has ended; ``None`` when it has none."""
        from ._running import _file_outcomes_async

        ended = await self._ended(handle, poll_interval_seconds, timeout_hours, http_headers)
        error_file = ended.job.error_file
        if not isinstance(error_file, str) or not error_file:
            return None
        read, options = self._reader(), _options(http_headers)
        outcomes = _file_outcomes_async(self._jobs, error_file, read, options)
        return _output_of([outcome async for outcome in outcomes])

    async def run(
        self,
        input: BatchInput[Any] | BatchInputFile[Any] | Mapping[str, Any] | bytes | str,
        *,
        model: str | None = None,
        metadata: dict[str, str] | None = None,
        timeout_hours: int = 24,
        poll_interval_seconds: float = 30.0,
        max_failed_job_retries: int = 0,
        inline_threshold: int = 1000,
        http_headers: Mapping[str, str] | None = None,
    ) -> BatchResult[RespBodyT]:
        """Run a batch to its end and read its results whole, whatever the job's end.

        ``input``: a ``BatchInput`` (sent in the job up to ``inline_threshold`` requests,
        else uploaded), a ``BatchInputFile`` (used as it is), or what a ``BatchInput`` is
        made of (``{custom_id: body}``, JSONL bytes or text). While a job ends with failed
        requests, the whole job runs again, up to ``max_failed_job_retries`` times (each
        time every request, and billed). All attempts share ``timeout_hours``.

        Once the results are read, the files ``run`` made are deleted: the input it
        uploaded (not a ``BatchInputFile`` given) and every attempt's result files. On
        failure nothing that holds results is deleted; a job still running is cancelled
        and the input it uploaded deleted. (``batch.jobs.run`` is the streamed, resumable
        form that never resubmits or deletes.)
        """
        source = _coerce(input)
        if isinstance(source, BatchInput) and len(source) > inline_threshold:
            source = await self.upload(source, http_headers=http_headers)
        uploaded = (
            source.file_id if isinstance(source, BatchInputFile) and source is not input else None
        )
        deadline = time.monotonic() + timeout_hours * 3600
        handle: BatchJobHandle[RespBodyT] | None = None
        result_files: list[str] = []
        try:
            for _ in range(max_failed_job_retries + 1):
                hours_left = math.ceil((deadline - time.monotonic()) / 3600)
                if hours_left <= 0:
                    last = handle.job if handle is not None else None
                    status = handle.status if handle is not None else None
                    raise WaitTimeoutError("batch run timed out before completion", last, status)
                handle = await self.create(
                    source,
                    model=model,
                    metadata=metadata,
                    timeout_hours=hours_left,
                    http_headers=http_headers,
                )
                handle = await self.wait(
                    handle,
                    poll_interval_seconds=poll_interval_seconds,
                    deadline=deadline,
                    http_headers=http_headers,
                )
                result_files += _files_of(handle.job)
                if handle.job.failed_requests == 0:
                    break
            assert handle is not None  # the loop runs at least once
            output = await self.output(handle, http_headers=http_headers)
            error_output = await self.error_output(handle, http_headers=http_headers)
            result = BatchResult(handle.job, output, error_output)
        except (Exception, asyncio.CancelledError):
            if handle is not None and is_running(handle.status):
                await self._quietly(asyncio.shield(self.cancel(handle, http_headers=http_headers)))
            if uploaded is not None:
                await self._quietly(self.delete(uploaded, http_headers=http_headers))
            raise
        for file_id in [*result_files, *([uploaded] if uploaded is not None else [])]:
            await self._quietly(self.delete(file_id, http_headers=http_headers))
        return result

    async def _ended(
        self,
        handle: BatchJobHandle[RespBodyT],
        poll_interval_seconds: float,
        timeout_hours: int,
        http_headers: Mapping[str, str] | None,
    ) -> BatchJobHandle[RespBodyT]:
        if is_terminal(handle.status):
            return handle
        return await self.wait(
            handle,
            poll_interval_seconds=poll_interval_seconds,
            timeout_hours=timeout_hours,
            http_headers=http_headers,
        )

    def _reader(self) -> Callable[[Any], RespBodyT]:
        from mistral_core import serde

        return serde.reader(self._response_body_type)

    @staticmethod
    async def _quietly(cleaning: Awaitable[object]) -> None:
        """Clean-up that must not hide the result or the error being raised."""
        with contextlib.suppress(MistralError):
            await cleaning


def _options(http_headers: Mapping[str, str] | None) -> dict[str, Any]:
    return {} if http_headers is None else {"http_headers": http_headers}


def _job_id(handle: BatchJobHandle[Any] | ResourceID) -> str:
    return handle.id if isinstance(handle, BatchJobHandle) else str(handle)


def _files_of(job: BatchJob) -> list[str]:
    return [name for name in (job.output_file, job.error_file) if isinstance(name, str) and name]


def _coerce(
    input: BatchInput[Any] | BatchInputFile[Any] | Mapping[str, Any] | bytes | str,
) -> BatchInput[Any] | BatchInputFile[Any]:
    if isinstance(input, (BatchInput, BatchInputFile)):
        return input
    if isinstance(input, bytes):
        return BatchInput.from_jsonl_bytes(input)
    if isinstance(input, str):
        return BatchInput.from_jsonl_str(input)
    if is_mapping(input):
        return BatchInput.from_payload(input)
    raise FieldError(f"unsupported batch input: {type(input).__name__}")


def _output_of(outcomes: Iterable[BatchOutcome[R]]) -> BatchOutput[R]:
    """Outcomes sorted into a :class:`BatchOutput`'s three collections."""
    output: BatchOutput[R] = BatchOutput({}, [], [])
    for outcome in outcomes:
        if isinstance(outcome.error, BatchRequestError):
            output.request_errors.append(outcome.error)
        elif outcome.error is not None:
            output.response_errors.append(outcome.error)
        elif outcome.custom_id is None:  # a success no request can be paired with
            missing = ValueError("response missing custom_id")
            output.response_errors.append(BatchResponseError(None, None, outcome.response, missing))
        else:
            _add_once(output.responses, outcome.custom_id, outcome.response)
    return output


def _item(outcome: BatchOutcome[R]) -> R | BatchRequestError | BatchResponseError:
    if outcome.error is not None:
        return outcome.error
    if outcome.response is None:  # a reader never gives None; kept as an error if one did
        return BatchResponseError(outcome.custom_id, None, None, ValueError("no response"))
    return outcome.response


def _add_once(into: dict[str, Any], custom_id: str, value: object) -> None:
    """Add one request's outcome; a custom id is once in a job's output, by contract."""
    if custom_id in into:
        raise ResponseValidationError(f"duplicate custom_id in batch output: {custom_id!r}")
    into[custom_id] = value


def _errors_by_id(
    request_errors: Iterable[BatchRequestError], response_errors: Iterable[BatchResponseError]
) -> dict[str, BatchRequestError | BatchResponseError]:
    errors: dict[str, BatchRequestError | BatchResponseError] = {}
    every: list[BatchRequestError | BatchResponseError] = [*request_errors, *response_errors]
    for error in every:
        if error.custom_id is not None:
            _add_once(errors, error.custom_id, error)
    return errors


def _ordered(
    responses: Mapping[str, RespBodyT],
    errors: Mapping[str, BatchRequestError | BatchResponseError],
    custom_ids: Sequence[str],
) -> list[RespBodyT]:
    failures = {
        custom_id: errors.get(custom_id)
        for custom_id in dict.fromkeys(custom_ids)
        if custom_id not in responses
    }
    if failures:
        raise BatchError(failures)
    return [responses[custom_id] for custom_id in custom_ids]
