"""``beta.libraries.documents.wait`` (and ``wait_async``): a document, read until the
server has processed it.

The generated :class:`~._documents.Documents` derives from :class:`DocumentWaiting` (the
generator's table, ``tools/codegen/extras.py``, says so). The reads are the group's own
``get``, so retries, hooks, errors and call options are its; the waits between them are
the core's (:mod:`mistral_core.polling`). Imported when ``client.beta.libraries.documents``
is mounted: nothing heavy here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from mistral_core.polling import Lifecycle, poll_until, poll_until_async

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mistral_core import CallOptions

    from .models import Document

__all__ = ["DOCUMENT", "RUNNING", "DocumentWaiting"]

RUNNING = frozenset({"todo", "in_progress", "waiting_for_capacity"})
"""The ``process_status`` of a document the server is still at; any other is an end:
``done``, ``error``, ``noop``, ``missing_content``, ``self_managed``, and a status this
client does not know yet (a wait never outlives its document)."""

DOCUMENT: Lifecycle[Document] = Lifecycle(
    "document",
    lambda document: document.process_status,
    lambda document: str(document.process_status) in RUNNING,
)


class _Gets(Protocol):
    """The generated ``get`` and ``get_async``."""

    def get(
        self, *, library_id: str, document_id: str, **options: Unpack[CallOptions]
    ) -> Document: ...

    async def get_async(
        self, *, library_id: str, document_id: str, **options: Unpack[CallOptions]
    ) -> Document: ...


class DocumentWaiting:
    """``wait``: read a document until it is processed, with progress and a timeout."""

    def wait(
        self: _Gets,
        *,
        library_id: str,
        document_id: str,
        timeout: float | None = None,
        polling_interval: float | None = None,
        on_progress: Callable[[Document], object] | None = None,
        **options: Unpack[CallOptions],
    ) -> Document:
        """Read the document until its processing ends and return it, whatever the end:
        check its ``process_status`` (``"done"``: it can be searched; ``"error"`` is
        returned, not raised).

        ``on_progress`` gets the document at each read. Between reads, what the server
        asks (``Retry-After``), else 1 s growing to 30 s, or ``polling_interval`` seconds.
        After ``timeout`` seconds, :class:`~mistral_core.WaitTimeoutError` (with the last
        document read); a later ``wait`` on the same ids goes on.
        """
        return poll_until(
            lambda: self.get(library_id=library_id, document_id=document_id, **options),
            DOCUMENT,
            document_id,
            timeout=timeout,
            polling_interval=polling_interval,
            on_progress=on_progress,
        )

    async def wait_async(
        self: _Gets,
        *,
        library_id: str,
        document_id: str,
        timeout: float | None = None,
        polling_interval: float | None = None,
        on_progress: Callable[[Document], object] | None = None,
        **options: Unpack[CallOptions],
    ) -> Document:
        """:meth:`wait`, without blocking the event loop (``on_progress`` may be async)."""
        return await poll_until_async(
            lambda: self.get_async(library_id=library_id, document_id=document_id, **options),
            DOCUMENT,
            document_id,
            timeout=timeout,
            polling_interval=polling_interval,
            on_progress=on_progress,
        )
