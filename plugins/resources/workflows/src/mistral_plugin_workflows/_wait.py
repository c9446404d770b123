"""``workflows.execute_workflow_and_wait`` and ``workflows.wait_for_workflow_completion``
(and their async forms): the official SDK's, an execution read until it ends.

The generated :class:`~._workflows.Workflows` derives from :class:`WorkflowWaiting` (the
generator's table, ``tools/codegen/extras.py``, says so). The calls are the groups' own
``execute_workflow`` and ``executions.get_workflow_execution``, so retries, hooks, errors
and call options are theirs; the waits between reads are the core's
(:mod:`mistral_core.polling`). Imported when ``client.workflows`` is mounted: nothing
heavy here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from mistral_core import UNSET
from mistral_core.polling import Lifecycle, poll_until, poll_until_async

from ._helpers import WorkflowExecutionFailedError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mistral_core import CallOptions, Unset

    from ._executions import Executions
    from ._workflows import ExecuteWorkflowArguments
    from .models import (
        ExecuteWorkflowV1WorkflowsWorkflowIdentifierExecutePostResult as Started,
    )
    from .models import WorkflowExecutionResponse as Execution

    class _Waiting(CallOptions, total=False):
        """What :meth:`WorkflowWaiting.wait_for_workflow_completion` takes but the id."""

        polling_interval: float | None
        max_attempts: int | None
        timeout: float | None
        on_progress: Callable[[Execution], object] | None


__all__ = ["RUNNING", "WORKFLOW_EXECUTION", "WorkflowWaiting"]

RUNNING = frozenset({"RUNNING", "RETRYING_AFTER_ERROR"})
"""The statuses of an execution still at work (and one without a status yet); any other is
an end, ``COMPLETED`` the only good one. The official SDK takes ``RETRYING_AFTER_ERROR``
for an end (a failure); here the wait goes on while the workflow retries."""

WORKFLOW_EXECUTION: Lifecycle[Execution] = Lifecycle(
    "workflow execution",
    lambda execution: execution.status,
    lambda execution: execution.status is None or str(execution.status) in RUNNING,
)

_READ_OPTIONS = ("retries", "server_url", "timeout_ms", "http_headers", "extra_headers")
"""The call options of a start that its reads take too: where and how to send, not what
(``extra_body`` and ``extra_query`` are the start's own)."""


class _Workflows(Protocol):
    """The generated ``execute_workflow`` and its async form, the executions group, and
    the waits of :class:`WorkflowWaiting`."""

    executions: Executions

    def execute_workflow(
        self,
        *,
        workflow_identifier: str,
        wait_for_result: bool | Unset = UNSET,
        timeout_seconds: float | Unset | None = UNSET,
        **arguments: Unpack[ExecuteWorkflowArguments],
    ) -> Started: ...

    async def execute_workflow_async(
        self,
        *,
        workflow_identifier: str,
        wait_for_result: bool | Unset = UNSET,
        timeout_seconds: float | Unset | None = UNSET,
        **arguments: Unpack[ExecuteWorkflowArguments],
    ) -> Started: ...

    def wait_for_workflow_completion(
        self, *, execution_id: str, **waiting: Unpack[_Waiting]
    ) -> Execution: ...

    async def wait_for_workflow_completion_async(
        self, *, execution_id: str, **waiting: Unpack[_Waiting]
    ) -> Execution: ...


class WorkflowWaiting:
    """The official SDK's ``execute_workflow_and_wait`` and ``wait_for_workflow_completion``,
    with progress, a timeout of the whole wait and call options for every read."""

    def execute_workflow_and_wait(
        self: _Workflows,
        *,
        workflow_identifier: str,
        polling_interval: float | None = None,
        max_attempts: int | None = None,
        use_api_sync: bool = False,
        timeout_seconds: float | None = None,
        on_progress: Callable[[Execution], object] | None = None,
        **arguments: Unpack[ExecuteWorkflowArguments],
    ) -> Any:
        """Start the workflow, wait until its execution ends, and return its ``result``.

        An execution that ends otherwise than ``COMPLETED`` raises
        :class:`~._helpers.WorkflowExecutionFailedError` (a ``RuntimeError``, as in the
        official SDK); ``timeout_seconds`` or ``max_attempts`` reads passing first,
        :class:`~mistral_core.WaitTimeoutError` (a ``TimeoutError``) with the last
        execution read: pass your own ``execution_id`` to find it again. With
        ``use_api_sync``, the server waits instead (at most ``timeout_seconds``). See
        :meth:`wait_for_workflow_completion` for the reads; every other argument is
        ``execute_workflow``'s, and its call options go to the reads too.
        """
        if use_api_sync:
            return self.execute_workflow(
                workflow_identifier=workflow_identifier,
                wait_for_result=True,
                timeout_seconds=UNSET if timeout_seconds is None else timeout_seconds,
                **arguments,
            ).result
        execution_id = self.execute_workflow(
            workflow_identifier=workflow_identifier, **arguments
        ).execution_id
        return self.wait_for_workflow_completion(
            execution_id=execution_id,
            polling_interval=polling_interval,
            max_attempts=max_attempts,
            timeout=timeout_seconds,
            on_progress=on_progress,
            **_read_options(arguments),
        ).result

    async def execute_workflow_and_wait_async(
        self: _Workflows,
        *,
        workflow_identifier: str,
        polling_interval: float | None = None,
        max_attempts: int | None = None,
        use_api_sync: bool = False,
        timeout_seconds: float | None = None,
        on_progress: Callable[[Execution], object] | None = None,
        **arguments: Unpack[ExecuteWorkflowArguments],
    ) -> Any:
        """:meth:`execute_workflow_and_wait`, without blocking the event loop
        (``on_progress`` may be async)."""
        if use_api_sync:
            started = await self.execute_workflow_async(
                workflow_identifier=workflow_identifier,
                wait_for_result=True,
                timeout_seconds=UNSET if timeout_seconds is None else timeout_seconds,
                **arguments,
            )
            return started.result
        started = await self.execute_workflow_async(
            workflow_identifier=workflow_identifier, **arguments
        )
        execution = await self.wait_for_workflow_completion_async(
            execution_id=started.execution_id,
            polling_interval=polling_interval,
            max_attempts=max_attempts,
            timeout=timeout_seconds,
            on_progress=on_progress,
            **_read_options(arguments),
        )
        return execution.result

    def wait_for_workflow_completion(
        self: _Workflows,
        *,
        execution_id: str,
        polling_interval: float | None = None,
        max_attempts: int | None = None,
        timeout: float | None = None,
        on_progress: Callable[[Execution], object] | None = None,
        **options: Unpack[CallOptions],
    ) -> Execution:
        """Read the execution until it ends and return it, ``COMPLETED``; any other end
        raises :class:`~._helpers.WorkflowExecutionFailedError`, as in the official SDK.

        ``on_progress`` gets the execution at each read. Between reads, what the server
        asks (``Retry-After``), else 1 s growing to 30 s, or ``polling_interval`` seconds
        (the official SDK's default is 5). After ``timeout`` seconds or ``max_attempts``
        reads, :class:`~mistral_core.WaitTimeoutError` (with the last execution read); a
        later wait on the same ``execution_id`` goes on.
        """
        return _completed(
            poll_until(
                lambda: self.executions.get_workflow_execution(
                    execution_id=execution_id, **options
                ),
                WORKFLOW_EXECUTION,
                execution_id,
                timeout=timeout,
                polling_interval=polling_interval,
                max_attempts=max_attempts,
                on_progress=on_progress,
            )
        )

    async def wait_for_workflow_completion_async(
        self: _Workflows,
        *,
        execution_id: str,
        polling_interval: float | None = None,
        max_attempts: int | None = None,
        timeout: float | None = None,
        on_progress: Callable[[Execution], object] | None = None,
        **options: Unpack[CallOptions],
    ) -> Execution:
        """:meth:`wait_for_workflow_completion`, without blocking the event loop
        (``on_progress`` may be async)."""
        execution = await poll_until_async(
            lambda: self.executions.get_workflow_execution_async(
                execution_id=execution_id, **options
            ),
            WORKFLOW_EXECUTION,
            execution_id,
            timeout=timeout,
            polling_interval=polling_interval,
            max_attempts=max_attempts,
            on_progress=on_progress,
        )
        return _completed(execution)


def _completed(execution: Execution) -> Execution:
    """The execution, if it completed; the official SDK's error otherwise, typed."""
    if str(execution.status) != "COMPLETED":
        raise WorkflowExecutionFailedError(execution)
    return execution


def _read_options(arguments: Mapping[str, Any]) -> dict[str, Any]:
    return {name: arguments[name] for name in _READ_OPTIONS if name in arguments}
