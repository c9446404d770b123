"""Files and batch jobs as the Batch API keeps them, for a fake API: uploads kept, results
made of the requests.

An uploaded file is written to a temporary directory as it comes (a 200 MB upload holds
64 KiB of memory at a time) and gets an id of its own. A batch job created from uploaded
files, or from inline ``requests``, is remembered with its endpoint, model and metadata;
read once it has ended (:mod:`mistral_testing.statuses` moves it), it has an output file
with a result line per request that worked and an error file with one per request that
did not, made as they are downloaded, a line at a time (an inline job gives them in
``outputs``, when read with ``inline=true``). A job's list answers the jobs created,
filtered by their ``metadata`` as the API filters them.

What a request gets is decided by its endpoint's operation: a body missing a field its
request model requires (``model`` aside: the job gives it) is answered 400 with an error;
any other body gets a sample of the response model (a completion says
``Answer to <custom_id>.``), the same for the same seed.

Both the local fake server and the docs' fake API answer through :class:`Batches`.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import attrs

from mistral_core import serde
from mistral_core._call import Operation
from mistral_core._guards import is_array, is_object
from mistral_testing.samples import sample_json

__all__ = ["BATCH_OPERATIONS", "FILE_DOWNLOAD", "FILE_UPLOAD", "Batches", "result_line"]

FILE_UPLOAD = "files_api_routes_upload_file"
FILE_DOWNLOAD = "files_api_routes_download_file"
CREATE = "jobs_api_routes_batch_create_batch_job"
GET = "jobs_api_routes_batch_get_batch_job"
LIST = "jobs_api_routes_batch_get_batch_jobs"
BATCH_OPERATIONS = frozenset({FILE_UPLOAD, CREATE, GET, LIST})
"""The operations whose answers :meth:`Batches.answer` completes."""

_ENDED = frozenset({"SUCCESS", "FAILED"})
_CHUNK = 64 * 1024


@dataclass
class _Job:
    answer: dict[str, Any]
    """The job as last answered (its status included)."""
    inputs: list[Path]
    failed: int
    output_file: str
    error_file: str


@dataclass
class Batches:
    """The files uploaded and the batch jobs created (thread-safe)."""

    operation_of: Callable[[str], Operation[Any, Any] | None]
    """The operation that answers a path outside batches (``/v1/chat/completions``)."""
    seed: int = 0
    _files: dict[str, Path] = field(default_factory=dict[str, Path])
    _jobs: dict[str, _Job] = field(default_factory=dict[str, _Job])
    _outputs: dict[str, tuple[_Job, bool]] = field(default_factory=dict[str, tuple[_Job, bool]])
    _samples: dict[str, str] = field(default_factory=dict[str, str])
    _directory: tempfile.TemporaryDirectory[str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _created: int = 0

    # --- files -------------------------------------------------------------------------

    def store(self, pieces: Iterable[bytes]) -> tuple[str, int]:
        """Keep a file written a piece at a time; its new id and its size."""
        file_id = self._new_id("file")
        path = self._folder() / file_id
        size = 0
        with path.open("wb") as file:
            for piece in pieces:
                file.write(piece)
                size += len(piece)
        with self._lock:
            self._files[file_id] = path
        return file_id, size

    def content(self, file_id: str) -> Iterator[bytes] | None:
        """The pieces of a file: one uploaded, or a job's output or error file (made as
        it is read); ``None`` for an id not known here."""
        with self._lock:
            path = self._files.get(file_id)
            output = self._outputs.get(file_id)
        if path is not None:
            return _pieces(path)
        if output is not None:
            job, errors = output
            return _joined(self._lines(job, errors=errors))
        return None

    def close(self) -> None:
        """Delete the files kept."""
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None

    # --- jobs --------------------------------------------------------------------------

    def answer(
        self,
        operation_id: str,
        answer: Any,
        request: Any = None,
        query: Mapping[str, Any] | None = None,
    ) -> None:
        """Complete ``answer`` (status already set: :mod:`~mistral_testing.statuses`) with
        what is known of the job it is about, or the jobs a list asks for."""
        if not is_object(answer):
            return
        if operation_id == CREATE and is_object(request):
            self._create(answer, request)
        elif operation_id == GET:
            self._read(answer, _first(query or {}, "inline") == "true")
        elif operation_id == LIST:
            self._list(answer, _first(query or {}, "metadata"))

    def _create(self, answer: dict[str, Any], request: dict[str, Any]) -> None:
        files = [str(name) for name in request.get("input_files") or ()]
        with self._lock:
            inputs = [self._files[name] for name in files if name in self._files]
        inline = request.get("requests")
        if inline:
            lines = (json.dumps(line).encode() + b"\n" for line in inline)
            inputs = [self._files[self.store(lines)[0]]]
        answer.update(
            input_files=files,
            endpoint=request.get("endpoint"),
            model=request.get("model"),
            agent_id=request.get("agent_id"),
            metadata=request.get("metadata"),
            output_file=None,
            error_file=None,
            errors=[],
            outputs=None,
            created_at=int(time.time()),
            started_at=None,
            completed_at=None,
        )
        job = _Job(answer, inputs, 0, self._new_id("output"), self._new_id("errors"))
        total = 0
        for _, body in _requests(inputs):
            total += 1
            job.failed += self._problem(job, body) is not None
        answer.update(total_requests=total, completed_requests=0)
        answer.update(succeeded_requests=0, failed_requests=0)
        with self._lock:
            self._jobs[answer["id"]] = job
            self._outputs[job.output_file] = (job, False)
            self._outputs[job.error_file] = (job, True)
        job.answer = dict(answer)

    def _read(self, answer: dict[str, Any], inline: bool) -> None:
        with self._lock:
            job = self._jobs.get(answer.get("id", ""))
        if job is None:
            return
        status = answer.get("status")
        answer.update({key: value for key, value in job.answer.items() if key != "status"})
        total = job.answer["total_requests"]
        if status == "SUCCESS":
            files = bool(job.answer["input_files"])
            answer.update(
                completed_requests=total,
                succeeded_requests=total - job.failed,
                failed_requests=job.failed,
                output_file=job.output_file if files else None,
                error_file=job.error_file if files and job.failed else None,
                completed_at=job.answer["created_at"] + 1,
            )
            if inline and not files:
                lines = [*self._lines(job, errors=False), *self._lines(job, errors=True)]
                answer["outputs"] = [json.loads(line) for line in lines]
        elif status == "FAILED":
            message = "the fake server failed this job (statuses.fail)"
            answer.update(errors=[{"message": message, "count": 1}], completed_at=None)
        elif status not in _ENDED:
            answer.update(completed_requests=total // 2)
        job.answer["status"] = status

    def _list(self, answer: dict[str, Any], metadata: str | None) -> None:
        wanted: dict[str, Any] = json.loads(metadata) if metadata else {}
        with self._lock:
            jobs = [job.answer for job in self._jobs.values()]
        found = [dict(job) for job in reversed(jobs) if _tagged(job.get("metadata"), wanted)]
        answer.update(data=found, total=len(found))

    # --- results -----------------------------------------------------------------------

    def _lines(self, job: _Job, *, errors: bool) -> Iterator[bytes]:
        """The result lines of the job's requests that worked (or, ``errors``, failed)."""
        for index, (custom_id, body) in enumerate(_requests(job.inputs)):
            problem = self._problem(job, body)
            if (problem is not None) == errors:
                line = result_line(self._response(job, custom_id, body, problem), custom_id)
                line["id"] = f"batch-{job.answer['id'][:8]}-{index}"
                yield json.dumps(line, separators=(",", ":")).encode() + b"\n"

    def _problem(self, job: _Job, body: Any) -> str | None:
        """Why the API would refuse this body (a required field missing), or ``None``."""
        operation = self.operation_of(str(job.answer["endpoint"]))
        if not is_object(body):
            return "the body of a request is a JSON object"
        if operation is None or not operation.body:
            return None
        model = operation.model(operation.body)
        for spec in attrs.fields(model):
            name = str(spec.metadata.get(serde.JSON_NAME, spec.name))
            if name != "model" and spec.default is attrs.NOTHING and name not in body:
                return f"Field required: body.{name}"
        return None

    def _response(
        self, job: _Job, custom_id: str, body: Any, problem: str | None
    ) -> dict[str, Any]:
        if problem is not None:
            return {"status_code": 400, "body": {"message": problem, "code": "invalid_request"}}
        endpoint = str(job.answer["endpoint"])
        sample = self._samples.get(endpoint)
        if sample is None:
            operation = self.operation_of(endpoint)
            kind = operation.model(operation.returns) if operation and operation.returns else None
            value: Any = sample_json(kind, full=True, seed=self.seed) if kind else {}
            sample = self._samples[endpoint] = json.dumps(value)
        answer: dict[str, Any] = json.loads(sample)
        asked = body.get("model") or job.answer.get("model")
        if isinstance(answer.get("model"), str) and isinstance(asked, str):
            answer["model"] = asked
        _answer_completion(answer, f"Answer to {custom_id}.")
        return {"status_code": 200, "body": answer}

    # --- ids and files -----------------------------------------------------------------

    def _new_id(self, kind: str) -> str:
        with self._lock:
            self._created += 1
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mistral-testing:{kind}:{self._created}"))

    def _folder(self) -> Path:
        with self._lock:
            if self._directory is None:
                self._directory = tempfile.TemporaryDirectory(prefix="mistral-fake-files-")
            return Path(self._directory.name)


def result_line(response: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """A line of a job's output (a ``response`` below 400) or error file."""
    status = response["status_code"]
    error = None if status < 400 else {"message": response["body"]["message"], "code": status}
    return {"custom_id": custom_id, "response": response, "error": error}


def _answer_completion(answer: dict[str, Any], text: str) -> None:
    """A completion's first choice says ``text`` (the others are dropped)."""
    choices = answer.get("choices")
    if not is_array(choices) or not choices or not is_object(choices[0]):
        return
    choice = choices[0]
    message = choice.get("message")
    if is_object(message):
        message["content"] = text
        message.pop("tool_calls", None)
        message.pop("prefix", None)
        choice.pop("messages", None)
        choice.update(index=0, finish_reason="stop")
        answer["choices"] = [choice]


def _requests(inputs: list[Path]) -> Iterator[tuple[str, Any]]:
    """The (custom id, body) of each line of the input files, read a line at a time."""
    index = 0
    for path in inputs:
        with path.open("rb") as file:
            for raw in file:
                if not raw.strip():
                    continue
                try:
                    line = json.loads(raw)
                except ValueError:
                    line = None
                custom_id = line.get("custom_id") if is_object(line) else None
                body = line.get("body") if is_object(line) else None
                yield (custom_id if isinstance(custom_id, str) else str(index)), body
                index += 1


def _pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        while piece := file.read(_CHUNK):
            yield piece


def _joined(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Lines gathered into pieces of about 64 KiB, to send."""
    pending: list[bytes] = []
    size = 0
    for line in lines:
        pending.append(line)
        size += len(line)
        if size >= _CHUNK:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


def _tagged(metadata: Any, wanted: Mapping[str, Any]) -> bool:
    """Whether a job's ``metadata`` holds every item of ``wanted``."""
    held: Mapping[str, Any] = metadata if is_object(metadata) else {}
    return all(held.get(key) == value for key, value in wanted.items())


def _first(query: Mapping[str, Any], name: str) -> str | None:
    value: Any = query.get(name)
    if is_array(value):
        value = value[0] if value else None
    return value if isinstance(value, str) else None
