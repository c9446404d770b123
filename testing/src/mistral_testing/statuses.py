"""Jobs, executions and documents that finish: the statuses a fake API answers with.

The API answers a batch job's ``get`` with the job's status of the moment; a fake that
always answered the sample's status would make every loop that waits for a job wait
forever. :class:`Statuses` moves each object through the statuses of its kind, counting
the reads of its id: created, it has the first status on the way (``QUEUED``); each read
shows the next one; the read number ``finish_after`` (2 by default) and every read after
it show the end (``SUCCESS``, or ``FAILED`` for an id given to :meth:`Statuses.fail`).
A created object gets an id of its own (the one a request names, for a workflow
execution), so that two jobs move apart and a job can be waited for again by its id.

The local fake server (``FakeServer(finish_after=...)``, ``--finish-after``) and
``mistral_mock`` (``mistral_mock.statuses``) both answer through it.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mistral_core._guards import is_object

__all__ = ["DEFAULT_FINISH_AFTER", "TRACKED", "Progression", "Statuses", "Tracked"]

DEFAULT_FINISH_AFTER = 2
"""The read of an object that shows it finished, unless told otherwise."""


@dataclass(frozen=True)
class Progression:
    """The statuses one kind of object goes through, as the API's spec names them."""

    fields: tuple[str, ...]
    """The fields that hold the status (a document has a deprecated second one)."""
    on_the_way: tuple[str, ...]
    """The statuses before the end, in order; a created object has the first."""
    succeeded: str
    failed: str


BATCH_JOB = Progression(("status",), ("QUEUED", "RUNNING"), "SUCCESS", "FAILED")
FINE_TUNING_JOB = Progression(("status",), ("QUEUED", "VALIDATING", "RUNNING"), "SUCCESS", "FAILED")
DOCUMENT = Progression(
    ("process_status", "processing_status"), ("todo", "in_progress"), "done", "error"
)
WORKFLOW_EXECUTION = Progression(("status",), ("RUNNING",), "COMPLETED", "FAILED")


@dataclass(frozen=True)
class Tracked:
    """An operation whose answer is an object that moves, and how to find its id."""

    progression: Progression
    id_field: str
    """The field of the answer that holds the object's id."""
    path_id: str = ""
    """The path parameter that names the object read; empty: the operation creates it."""
    request_id: str = ""
    """The field of the request that may name the object it creates."""


TRACKED: Mapping[str, Tracked] = {
    "jobs_api_routes_batch_create_batch_job": Tracked(BATCH_JOB, "id"),
    "jobs_api_routes_batch_get_batch_job": Tracked(BATCH_JOB, "id", "job_id"),
    "jobs_api_routes_fine_tuning_create_fine_tuning_job": Tracked(FINE_TUNING_JOB, "id"),
    "jobs_api_routes_fine_tuning_get_fine_tuning_job": Tracked(FINE_TUNING_JOB, "id", "job_id"),
    "libraries_documents_upload_v1": Tracked(DOCUMENT, "id"),
    "libraries_documents_get_v1": Tracked(DOCUMENT, "id", "document_id"),
    "libraries_documents_get_status_v1": Tracked(DOCUMENT, "document_id", "document_id"),
    "execute_workflow_v1_workflows__workflow_identifier__execute_post": Tracked(
        WORKFLOW_EXECUTION, "execution_id", request_id="execution_id"
    ),
    (
        "execute_workflow_registration_v1_workflows_registrations__"
        "workflow_registration_id__execute_post"
    ): Tracked(WORKFLOW_EXECUTION, "execution_id", request_id="execution_id"),
    "get_workflow_execution_v1_workflows_executions__execution_id__get": Tracked(
        WORKFLOW_EXECUTION, "execution_id", "execution_id"
    ),
}
"""Operation id -> what its answer is: an object created, or read by its id."""


class Statuses:
    """The status each object has now, by the reads of its id (thread-safe: the fake
    server answers from several threads)."""

    def __init__(self, finish_after: int = DEFAULT_FINISH_AFTER) -> None:
        if finish_after < 1:
            raise ValueError(f"finish_after is a read, from 1: not {finish_after!r}")
        self.finish_after = finish_after
        """The read of an object that shows it finished (``1``: the first read)."""
        self._reads: Counter[str] = Counter()
        self._failing: set[str] = set()
        self._created = 0
        self._lock = threading.Lock()

    def fail(self, object_id: str) -> None:
        """Make the object of this id end in failure (``FAILED``, a document ``error``)."""
        with self._lock:
            self._failing.add(object_id)

    def reads(self, object_id: str) -> int:
        """How many times the object of this id was read."""
        with self._lock:
            return self._reads[object_id]

    def answer(
        self, operation_id: str, answer: Any, path: Mapping[str, str], request: Any = None
    ) -> Any:
        """``answer`` (a sample, changed in place) with the status of the moment: its
        object's first status if ``operation_id`` creates it (with an id of its own, or
        the one ``request`` names), else the status its reads have got to."""
        tracked = TRACKED.get(operation_id)
        if tracked is None or not is_object(answer):
            return answer
        with self._lock:
            if tracked.path_id:
                object_id = path[tracked.path_id]
                self._reads[object_id] += 1
                status = self._status(tracked.progression, object_id)
            else:
                asked = request.get(tracked.request_id) if is_object(request) else None
                object_id = asked if isinstance(asked, str) and asked else self._new_id()
                status = tracked.progression.on_the_way[0]
        answer[tracked.id_field] = object_id
        for field in tracked.progression.fields:
            answer[field] = status
        return answer

    def _status(self, progression: Progression, object_id: str) -> str:
        reads = self._reads[object_id]
        if reads >= self.finish_after:
            return progression.failed if object_id in self._failing else progression.succeeded
        return progression.on_the_way[min(reads, len(progression.on_the_way) - 1)]

    def _new_id(self) -> str:
        """An id that looks like the API's (a UUID), the same from one run to the next."""
        self._created += 1
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mistral-testing:{self._created}"))
