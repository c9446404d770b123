"""What a batch run has done so far, kept in a small JSON file to resume it after a crash.

``batch.jobs.run(..., state="run.json")`` writes the file as soon as each step returns:
first a run id (sent as the job's metadata, :data:`RUN_ID_KEY`), then the uploaded input
file's id, then the job's id. Each write replaces the file whole (a temporary file
renamed over it), so a process killed at any moment leaves either the old state or the
new one. Run again with the same file, it goes on from the last step it recorded: an
input is not uploaded twice once its id is known, and a job is never created twice (a
job created just before a crash is found again by its run id).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import attrs

from mistral_core import FieldError

__all__ = ["RUN_ID_KEY", "RunState"]

RUN_ID_KEY = "mistral_run_id"
"""The job's metadata key that holds the run id."""


@attrs.frozen
class RunState:
    """The steps of one run done so far; the endpoint and model it was started with."""

    run_id: str
    endpoint: str
    model: str | None
    input_file: str | None = None
    job_id: str | None = None

    @classmethod
    def start(cls, path: Path | None, endpoint: str, model: str | None) -> tuple[RunState, bool]:
        """The state saved at ``path`` (checked to be of the same endpoint and model),
        else a new one, saved there at once; and whether it was resumed."""
        saved = cls.load(path) if path is not None else None
        if saved is None:
            state = cls(uuid.uuid4().hex, endpoint, model)
            state.save(path)
            return state, False
        if (saved.endpoint, saved.model) != (endpoint, model):
            raise FieldError(
                f"{path} is the state of a run of {saved.endpoint} with model {saved.model!r}, "
                f"not of {endpoint} with model {model!r}: give another state file"
            )
        return saved, True

    @classmethod
    def load(cls, path: Path) -> RunState | None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            return cls(**json.loads(text))
        except (ValueError, TypeError):
            raise FieldError(f"{path} is not the state file of a batch run") from None

    def save(self, path: Path | None) -> None:
        """Replace the file at ``path`` with this state, whole or not at all."""
        if path is None:
            return
        scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        scratch.write_text(json.dumps(attrs.asdict(self)), encoding="utf-8")
        os.replace(scratch, path)

    def step(self, path: Path | None, **done: str) -> RunState:
        """This state with a step done (``input_file=...``, ``job_id=...``), saved."""
        state = attrs.evolve(self, **done)
        state.save(path)
        return state
