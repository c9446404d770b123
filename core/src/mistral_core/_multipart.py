"""Multipart uploads: files streamed as they are sent, and sent whole again on a retry.

httpx writes the form (``files=``): it reads each file in 64 KiB chunks while the
request goes out, never the whole file at once, and sets the
``multipart/form-data; boundary=...`` content type, with a Content-Length when every
size is known. What this module adds: which body values are files, and rewinding each
file to where it stood when the call began, for every attempt.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import IO, Any

import attrs

from ._call import param_texts
from ._config import text_problem
from ._guards import is_mapping, is_path
from .errors import FieldError

__all__ = ["File", "Form"]

DEFAULT_FILE_NAME = "upload"
"""The file name sent for bytes, or a file object without a name (as httpx does)."""


def _check_content(_: object, __: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bytes):
        return
    if isinstance(value, io.TextIOBase) or not callable(getattr(value, "read", None)):
        raise TypeError(
            "the content of a file must be bytes or a file opened in binary mode ('rb'), "
            f"got {type(value).__name__}"
        )


def _check_content_type(_: object, __: attrs.Attribute[Any], value: object) -> None:
    """The content type is written in the part's headers as it is: one line of ASCII."""
    if value is None:
        return
    if not isinstance(value, str):
        raise FieldError(f"content_type must be a str or None, got {type(value).__name__}")
    problem = None if value.isascii() and value.isprintable() else text_problem(value)
    if problem is not None:
        raise FieldError(f"content_type has {problem}: a part's headers carry printable ASCII only")


@attrs.define
class File:
    """A file to upload: its name, its bytes or an open binary file, its content type.

    The shape of the official ``mistralai`` SDK's ``File``; a dict with these keys works
    as well. An open file is read in chunks as it is sent, from where it stands, and is
    rewound there if the call is retried; a file that cannot seek (a pipe) is sent once,
    so such a call is not retried. ``content_type=None`` lets httpx guess it from
    ``file_name`` (``application/octet-stream`` when the name says nothing).
    """

    file_name: str = attrs.field(validator=attrs.validators.instance_of(str))
    content: bytes | IO[bytes] = attrs.field(validator=_check_content)
    content_type: str | None = attrs.field(default=None, validator=_check_content_type)


class Form:
    """A multipart body: its text fields, and its files, resent whole on every attempt.

    A body value is a file when it is a :class:`File`, a dict with a ``content`` key,
    ``bytes``, an open binary file or a path (``os.PathLike``, opened here, closed by
    :meth:`close`); any other value is a text field, written as query parameters are.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._fields: dict[str, list[str]] = {}
        self._uploads: list[tuple[str, _Upload]] = []
        for name, value in values.items():
            upload = _upload(name, value)
            if upload is not None:
                self._uploads.append((name, upload))
            elif texts := param_texts(value):
                self._fields[name] = texts

    @property
    def rewindable(self) -> bool:
        """Whether every file can be sent again from its start (a retry needs that)."""
        return all(upload.start is not None for _, upload in self._uploads)

    def field(self, name: str) -> str | None:
        """The text of the field ``name`` (its first, if repeated); ``None`` if not sent."""
        texts = self._fields.get(name)
        return texts[0] if texts else None

    def request_parts(self) -> dict[str, Any]:
        """The ``files=`` of one attempt's request (build one per attempt).

        Text fields go in as parts without a file name, which httpx writes as plain
        fields: given as ``data=``, a form without files would be sent urlencoded, not
        as the multipart the API declares.
        """
        fields = [(name, (None, text)) for name, texts in self._fields.items() for text in texts]
        return {"files": fields + [(name, upload.part()) for name, upload in self._uploads]}

    def close(self) -> None:
        """Close the files opened from paths; the caller's own files stay open."""
        for _, upload in self._uploads:
            upload.close()


def _upload(name: str, value: Any) -> _Upload | None:
    """The file a body value stands for; ``None`` when it is a text field."""
    if is_path(value):
        return _Upload(os.path.basename(os.fsdecode(value)), value, None)
    try:
        file = _as_file(value)
    except TypeError as exc:  # FieldError too
        raise FieldError(f"{name}: {exc}") from None
    if file is None:
        return None
    return _Upload(file.file_name, file.content, file.content_type)


def _as_file(value: Any) -> File | None:
    if isinstance(value, File):
        return value
    if is_mapping(value):  # the fields of a File, or not a file
        return File(**value) if "content" in value else None
    if isinstance(value, bytes):
        return File(DEFAULT_FILE_NAME, value)
    if callable(getattr(value, "read", None)):
        return File(_name_of(value), value)
    return None


def _name_of(file: object) -> str:
    """The base name of an open file (``open()`` sets ``name``), else :data:`DEFAULT_FILE_NAME`."""
    name = getattr(file, "name", None)
    return os.path.basename(name) if isinstance(name, str) and name else DEFAULT_FILE_NAME


class _Upload:
    """One file of a form: bytes, a caller's open file, or a path opened on first use."""

    def __init__(
        self,
        file_name: str,
        content: bytes | IO[bytes] | os.PathLike[Any],
        content_type: str | None,
    ) -> None:
        self._file_name = file_name
        self._content = content
        self._content_type = content_type
        self._opened: IO[bytes] | None = None
        self.start = 0 if isinstance(content, (bytes, os.PathLike)) else _position(content)
        """Where every attempt starts reading; ``None``: the file cannot be rewound."""

    def part(self) -> tuple[str, bytes | _Rewound, str | None]:
        content = self._content
        if isinstance(content, bytes):
            return self._file_name, content, self._content_type
        if isinstance(content, os.PathLike):
            if self._opened is None:
                self._opened = open(content, "rb")  # noqa: SIM115 (closed by close())
            content = self._opened
        return self._file_name, _Rewound(content, self.start), self._content_type

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()


def _position(file: IO[bytes]) -> int | None:
    """Where an open file stands, if it can seek back there; ``None`` if it cannot."""
    try:
        return file.tell() if file.seekable() else None
    except (AttributeError, OSError, ValueError):  # no seekable(), or closed
        return None


class _Rewound:
    """A file as httpx sees it: offset 0 is where the file stood when the call began.

    httpx seeks a file to 0 before sending it and measures it by seeking to its end (or
    by ``fstat``, which this hides: a pipe would measure 0). Through this view each
    attempt sends the file from its start position, and Content-Length counts what
    follows it. Unseekable, it answers ``io.UnsupportedOperation``, which httpx takes as
    "length unknown, send what comes" (chunked).
    """

    def __init__(self, file: IO[bytes], start: int | None) -> None:
        self._file = file
        self._start = start

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        start = self._seekable_start()
        if whence == os.SEEK_SET:
            offset += start
        return self._file.seek(offset, whence) - start

    def tell(self) -> int:
        return self._file.tell() - self._seekable_start()

    def _seekable_start(self) -> int:
        if self._start is None:
            raise io.UnsupportedOperation("this file cannot seek: it is sent once, as it comes")
        return self._start
