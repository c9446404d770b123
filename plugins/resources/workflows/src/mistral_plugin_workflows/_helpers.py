"""The official SDK's workflow helpers that are no method of a group: the error of an
execution that did not complete, and ``get_scheduler_namespace``
(``mistralai.extra.workflows.helpers``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mistral_core.errors import MistralError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mistral_core import CallOptions, Mistral

    from .models import WorkflowExecutionResponse

__all__ = ["WorkflowExecutionFailedError", "get_scheduler_namespace"]


class WorkflowExecutionFailedError(MistralError, RuntimeError):
    """A workflow execution that was waited for ended otherwise than ``COMPLETED``.

    ``FAILED``, ``CANCELED``, ``TERMINATED``, ``TIMED_OUT``, ``CONTINUED_AS_NEW``: the
    official SDK raises a ``RuntimeError`` then, which ``except RuntimeError`` still
    catches. :attr:`execution` is the execution as last read, :attr:`status` its status.
    """

    def __init__(self, execution: WorkflowExecutionResponse) -> None:
        self.execution = execution
        self.status = execution.status
        super().__init__(
            f"Workflow failed with status: {execution.status} "
            f"(execution {execution.execution_id!r})"
        )


async def get_scheduler_namespace(client: Mistral, **options: Unpack[CallOptions]) -> str:
    """The namespace of the workflow scheduler that serves this client's key, which workers
    and payload encoding are configured with (``GET /v1/workflows/workers/whoami``).

    Async, as the official SDK's; without an event loop, call
    ``client.workflows.workers.whoami().namespace``.
    """
    worker = await client.workflows.workers.whoami_async(**options)
    return worker.namespace
