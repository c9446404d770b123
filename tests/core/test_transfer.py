"""Uploads (multipart) and downloads (unread responses): what is sent, retried, streamed.

A files-like resource group written here is mounted through a plugin. Most tests use the
fake API; the memory tests move 200 MB through httpx transports that produce or consume
the bytes chunk by chunk, and check with ``tracemalloc`` that the client never holds them.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import io
import logging
import os
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

import httpx
import pytest
import respx

from mistral_core import (
    UNSET,
    DownloadResponse,
    FieldError,
    File,
    InternalServerError,
    Mistral,
    NotFoundError,
    OpenEnum,
    Operation,
    _multipart,
)
from mistral_core.resource import Resource, body_fields, operation
from tests.payloads import API_KEY

MiB = 1024 * 1024
DATA = b'{"prompt": "a"}\r\n{"prompt": "b"}\n\x00\xff binary \r\n--not-a-boundary\r\n'
"""File content with line endings, NUL and high bytes, and something like a boundary."""


class Visibility(OpenEnum):
    WORKSPACE = "workspace"
    USER = "user"


UPLOAD: Operation[Any, Any] = Operation(
    id="files_upload", method="POST", path="/v1/files", body_media="multipart/form-data"
)
DOWNLOAD: Operation[Any, Any] = Operation(
    id="files_download", method="GET", path="/v1/files/{file_id}/content"
)


class Files(Resource):
    """Shaped like the generated ``client.files``."""

    @operation(UPLOAD)
    def upload(
        self,
        *,
        file: Any,
        purpose: Any = UNSET,
        expiry: Any = UNSET,
        visibility: Any = UNSET,
        **options: Any,
    ) -> Any:
        return self._call(UPLOAD, body_fields(locals()), options)

    @operation(UPLOAD)
    async def upload_async(self, *, file: Any, purpose: Any = UNSET, **options: Any) -> Any:
        return await self._call_async(UPLOAD, body_fields(locals()), options)

    @operation(DOWNLOAD)
    def download(self, *, file_id: str, **options: Any) -> DownloadResponse:
        return self._download(DOWNLOAD, options, path={"file_id": file_id})

    @operation(DOWNLOAD)
    async def download_async(self, *, file_id: str, **options: Any) -> DownloadResponse:
        return await self._download_async(DOWNLOAD, options, path={"file_id": file_id})


class Provides:
    def mistral_resources(self) -> dict[str, Any]:
        return {"files": Files}


def files_client(**kwargs: Any) -> Mistral:
    return Mistral(api_key=API_KEY, plugins=[Provides()], **kwargs)


@pytest.fixture
def client(api: respx.MockRouter, sleeps: list[float]) -> Iterator[Mistral]:
    with files_client() as mistral:
        yield mistral


@pytest.fixture
def uploads(api: respx.MockRouter) -> respx.Route:
    return api.post("/v1/files").respond(json={"id": "file-1", "object": "file"})


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[IO[bytes]]:
    """The files the client opens itself (for uploads given as paths)."""
    files: list[IO[bytes]] = []

    def recording_open(path: Any, mode: str) -> IO[bytes]:
        file: IO[bytes] = open(path, mode)  # noqa: SIM115 (the client closes it)
        files.append(file)
        return file

    monkeypatch.setattr(_multipart, "open", recording_open, raising=False)
    return files


class Part(NamedTuple):
    name: str
    file_name: str | None
    content_type: str
    content: bytes


def parts(request: httpx.Request) -> list[Part]:
    """The parts of a multipart request, parsed by the standard library's MIME parser."""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.content,
        policy=email.policy.HTTP,
    )
    assert isinstance(message, email.message.EmailMessage)
    assert message.is_multipart()
    return [
        Part(
            str(part.get_param("name", header="content-disposition")),
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),  # type: ignore[arg-type]
        )
        for part in message.iter_parts()
    ]


def file_part(request: httpx.Request) -> Part:
    (found,) = [part for part in parts(request) if part.file_name is not None]
    return found


def fields(request: httpx.Request) -> list[tuple[str, bytes]]:
    return [(part.name, part.content) for part in parts(request) if part.file_name is None]


# --- uploads: what is sent -------------------------------------------------------------


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def open_binary(path: Path) -> IO[bytes]:
    """A file opened as a caller opens one (the test closes it)."""
    return open(path, "rb")


OCTET = "application/octet-stream"
JSONL = "application/jsonl"

FILE_FORMS: dict[str, tuple[Callable[[Path], Any], str, str]] = {
    "File-bytes": (lambda tmp: File("train.jsonl", DATA, JSONL), "train.jsonl", JSONL),
    "File-file": (lambda tmp: File("train.jsonl", io.BytesIO(DATA)), "train.jsonl", OCTET),
    "dict-file": (
        lambda tmp: {"file_name": "t.jsonl", "content": io.BytesIO(DATA), "content_type": JSONL},
        "t.jsonl",
        JSONL,
    ),
    "dict-bytes": (lambda tmp: {"file_name": "b.jsonl", "content": DATA}, "b.jsonl", OCTET),
    "open-file": (
        lambda tmp: open_binary(write(tmp / "notes.txt", DATA)),
        "notes.txt",
        "text/plain",
    ),
    "BytesIO": (lambda tmp: io.BytesIO(DATA), "upload", OCTET),
    "bytes": (lambda tmp: DATA, "upload", OCTET),
    "Path": (lambda tmp: write(tmp / "data.jsonl", DATA), "data.jsonl", OCTET),
}
"""Each way to pass a file: how to make it, and the file name and content type sent."""


@pytest.mark.parametrize(
    ("make_file", "file_name", "content_type"), list(FILE_FORMS.values()), ids=list(FILE_FORMS)
)
def test_each_form_of_file_is_uploaded(
    client: Mistral,
    uploads: respx.Route,
    tmp_path: Path,
    make_file: Any,
    file_name: str,
    content_type: str,
) -> None:
    file = make_file(tmp_path)
    assert client.files.upload(file=file, purpose="fine-tune") == {"id": "file-1", "object": "file"}
    request = uploads.calls.last.request
    assert file_part(request) == Part("file", file_name, content_type, DATA)
    assert fields(request) == [("purpose", b"fine-tune")]
    assert int(request.headers["content-length"]) == len(request.content)
    assert request.headers["accept"] == "application/json"
    if hasattr(file, "close"):
        assert not file.closed  # the caller's file is the caller's to close
        file.close()


def test_form_fields_are_written_as_text(client: Mistral, uploads: respx.Route) -> None:
    client.files.upload(
        file=DATA,
        purpose="batch",
        expiry=24,
        visibility=Visibility.USER,
        extra_body={"dry_run": True, "labels": ["a", "b"], "purpose": "ocr", "gone": None},
    )
    assert fields(uploads.calls.last.request) == [
        ("purpose", b"ocr"),  # extra_body wins
        ("expiry", b"24"),
        ("visibility", b"user"),
        ("dry_run", b"true"),
        ("labels", b"a"),
        ("labels", b"b"),
    ]


def test_unset_and_none_fields_are_left_out(client: Mistral, uploads: respx.Route) -> None:
    client.files.upload(file=DATA, expiry=None)
    assert fields(uploads.calls.last.request) == []
    assert file_part(uploads.calls.last.request).content == DATA


def test_a_form_without_a_file_is_still_multipart(client: Mistral, uploads: respx.Route) -> None:
    client.files.upload(file=UNSET, purpose="audio", extra_body={"file_url": "https://x/a.mp3"})
    request = uploads.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert fields(request) == [("purpose", b"audio"), ("file_url", b"https://x/a.mp3")]
    assert not [part for part in parts(request) if part.file_name is not None]


def test_a_path_is_opened_for_the_call_and_closed_after_it(
    client: Mistral, uploads: respx.Route, tmp_path: Path, opened: list[IO[bytes]]
) -> None:
    client.files.upload(file=write(tmp_path / "a.jsonl", DATA))
    assert len(opened) == 1
    assert opened[0].closed


def test_a_path_is_closed_when_the_call_fails(
    client: Mistral, api: respx.MockRouter, tmp_path: Path, opened: list[IO[bytes]]
) -> None:
    api.post("/v1/files").respond(400, json={"message": "bad file"})
    with pytest.raises(Exception, match="bad file"):
        client.files.upload(file=write(tmp_path / "a.jsonl", DATA))
    assert [file.closed for file in opened] == [True]


def test_a_file_is_sent_from_where_it_stands(client: Mistral, uploads: respx.Route) -> None:
    file = io.BytesIO(b"HEADER" + DATA)
    file.read(6)
    client.files.upload(file=file)
    request = uploads.calls.last.request
    assert file_part(request).content == DATA
    assert int(request.headers["content-length"]) == len(request.content)


def test_a_pipe_is_sent_chunked_without_a_length(client: Mistral, uploads: respx.Route) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, DATA)
    os.close(write_end)
    with open(read_end, "rb") as pipe:
        client.files.upload(file=pipe)
    request = uploads.calls.last.request
    assert request.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in request.headers  # fstat would have said 0
    assert file_part(request) == Part("file", "upload", "application/octet-stream", DATA)


def test_an_upload_is_logged_without_reading_the_file(
    api: respx.MockRouter, uploads: respx.Route, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("tests.uploads")
    with caplog.at_level(logging.DEBUG, logger="tests.uploads"):
        files_client(debug_logger=logger).files.upload(file=File("a.bin", b"SECRET-BYTES"))
    (logged,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Request")]
    assert "Body: <streamed upload>" in logged
    assert "multipart/form-data; boundary=" in logged
    assert "SECRET-BYTES" not in caplog.text
    assert file_part(uploads.calls.last.request).content == b"SECRET-BYTES"


def test_a_deprecated_model_in_a_form_is_named_in_the_warning(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.post("/v1/files").respond(json={}, headers={"x-model-deprecation-timestamp": "2026-12-31"})
    with pytest.warns(DeprecationWarning, match="'voxtral-mini-2507' is deprecated"):
        client.files.upload(file=DATA, extra_body={"model": "voxtral-mini-2507"})


@pytest.mark.anyio
async def test_async_upload(client: Mistral, uploads: respx.Route, tmp_path: Path) -> None:
    result = await client.files.upload_async(
        file=write(tmp_path / "a.jsonl", DATA), purpose="fine-tune"
    )
    assert result == {"id": "file-1", "object": "file"}
    request = uploads.calls.last.request
    assert file_part(request) == Part("file", "a.jsonl", "application/octet-stream", DATA)
    assert fields(request) == [("purpose", b"fine-tune")]


# --- uploads: bad input ----------------------------------------------------------------


def test_a_text_mode_file_is_refused_before_sending(
    client: Mistral, uploads: respx.Route, tmp_path: Path
) -> None:
    with (
        open(write(tmp_path / "a.txt", b"text"), encoding="utf-8") as text_file,
        pytest.raises(FieldError, match=r"file: .*binary mode \('rb'\), got TextIOWrapper"),
    ):
        client.files.upload(file=text_file)
    assert not uploads.called


def test_a_file_dict_with_a_wrong_key_is_refused(client: Mistral, uploads: respx.Route) -> None:
    with pytest.raises(FieldError, match=r"file: .*unexpected keyword argument 'filename'"):
        client.files.upload(file={"filename": "a.jsonl", "content": DATA})
    assert not uploads.called


def test_a_file_must_hold_bytes() -> None:
    with pytest.raises(TypeError, match="bytes or a file opened in binary mode"):
        File("a.txt", "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="file_name"):
        File(None, b"")  # type: ignore[arg-type]


def test_a_missing_file_raises_and_sends_nothing(
    client: Mistral, uploads: respx.Route, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError):
        client.files.upload(file=tmp_path / "missing.jsonl")
    assert not uploads.called


# --- uploads: retries ------------------------------------------------------------------


def overloaded_then_ok(api: respx.MockRouter) -> respx.Route:
    return api.post("/v1/files").mock(
        side_effect=[httpx.Response(503, json={"message": "busy"}), httpx.Response(200, json={})]
    )


@pytest.mark.parametrize(
    "make_file",
    [
        lambda tmp: open_binary(write(tmp / "a.jsonl", DATA)),
        lambda tmp: write(tmp / "a.jsonl", DATA),
        lambda tmp: File("a.jsonl", DATA),
        lambda tmp: {"file_name": "a.jsonl", "content": io.BytesIO(DATA)},
    ],
    ids=["open-file", "Path", "bytes", "BytesIO"],
)
def test_a_retried_upload_sends_the_whole_file_again(
    client: Mistral, api: respx.MockRouter, sleeps: list[float], tmp_path: Path, make_file: Any
) -> None:
    route = overloaded_then_ok(api)
    file = make_file(tmp_path)
    client.files.upload(file=file, purpose="fine-tune")
    if hasattr(file, "close"):
        file.close()
    first, second = (call.request for call in route.calls)
    assert len(sleeps) == 1
    assert file_part(first).content == file_part(second).content == DATA
    assert fields(first) == fields(second) == [("purpose", b"fine-tune")]


def test_a_retry_rewinds_to_the_start_position(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = overloaded_then_ok(api)
    file = io.BytesIO(b"SKIPPED" + DATA)
    file.read(7)
    client.files.upload(file=file)
    assert [file_part(call.request).content for call in route.calls] == [DATA, DATA]


class Unseekable(io.RawIOBase):
    """A stream that can be read once, like a socket or a pipe."""

    def __init__(self, content: bytes) -> None:
        self._content = io.BytesIO(content)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._content.readinto(buffer)


def test_an_unseekable_upload_is_not_retried(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = overloaded_then_ok(api)
    with pytest.raises(InternalServerError, match="busy"):
        client.files.upload(file=File("a.jsonl", Unseekable(DATA)))
    assert route.call_count == 1
    assert sleeps == []
    assert file_part(route.calls.last.request).content == DATA


# --- downloads -------------------------------------------------------------------------

CONTENT = b"".join(b'{"line": %d}\n' % n for n in range(1000))


@pytest.fixture
def served(api: respx.MockRouter) -> respx.Route:
    return api.get("/v1/files/f%2F1/content").respond(
        content=CONTENT, headers={"content-type": "application/octet-stream"}
    )


def test_a_download_is_returned_unread_and_read_in_chunks(
    client: Mistral, served: respx.Route
) -> None:
    with client.files.download(file_id="f/1") as response:
        assert isinstance(response, httpx.Response)
        assert not response.is_stream_consumed
        chunks = list(response.iter_bytes(chunk_size=4096))
    assert response.is_closed
    assert len(chunks) == -(-len(CONTENT) // 4096)
    assert b"".join(chunks) == CONTENT
    request = served.calls.last.request
    assert request.headers["accept"] == "*/*"
    assert "content-type" not in request.headers


def test_a_download_can_be_read_whole(client: Mistral, served: respx.Route) -> None:
    response = client.files.download(file_id="f/1")
    assert response.read() == CONTENT
    assert response.headers["content-type"] == "application/octet-stream"
    response.close()
    assert response.is_closed


@pytest.mark.anyio
async def test_an_async_download_is_read_in_chunks(client: Mistral, served: respx.Route) -> None:
    async with await client.files.download_async(file_id="f/1") as response:
        chunks = [chunk async for chunk in response.aiter_bytes(chunk_size=4096)]
    assert response.is_closed
    assert len(chunks) > 1
    assert b"".join(chunks) == CONTENT


@pytest.mark.anyio
async def test_an_async_download_can_be_read_whole(client: Mistral, served: respx.Route) -> None:
    response = await client.files.download_async(file_id="f/1")
    assert await response.aread() == CONTENT
    await response.aclose()
    assert response.is_closed


def test_a_download_error_raises_the_typed_error(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.get("/v1/files/nope/content").respond(404, json={"message": "No file with id 'nope'"})
    with pytest.raises(NotFoundError, match="No file with id 'nope'") as caught:
        client.files.download(file_id="nope")
    assert caught.value.status_code == 404
    assert caught.value.body == {"message": "No file with id 'nope'"}
    assert sleeps == []


@pytest.mark.anyio
async def test_an_async_download_error_raises_after_the_retries(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get("/v1/files/f/content").respond(503, json={"message": "storage is down"})
    with pytest.raises(InternalServerError, match="storage is down"):
        await client.files.download_async(file_id="f")
    assert route.call_count == 3
    assert len(sleeps) == 2


def test_a_download_is_retried_until_it_starts(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.get("/v1/files/f/content").mock(
        side_effect=[httpx.Response(502, text="bad gateway"), httpx.Response(200, content=b"ok")]
    )
    with client.files.download(file_id="f") as response:
        assert response.read() == b"ok"
    assert len(sleeps) == 1


class Served(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that says how much of it was sent and whether it was closed.

    Each chunk is new bytes, as a socket gives them, so holding them would show.
    """

    def __init__(self, chunks: int, chunk_size: int = 1024) -> None:
        self.chunks, self.chunk_size = chunks, chunk_size
        self.sent = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            self.sent += 1
            yield bytes(self.chunk_size)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def serving(body: Served) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, stream=body))


def test_closing_a_download_releases_its_connection() -> None:
    body = Served(chunks=100)
    client = files_client(client=httpx.Client(transport=serving(body)))
    with client.files.download(file_id="f") as response:
        assert len(next(response.iter_raw())) == body.chunk_size
        assert not body.closed
    assert body.closed
    assert body.sent == 1  # the rest was never asked for


@pytest.mark.anyio
async def test_closing_an_async_download_releases_its_connection() -> None:
    body = Served(chunks=100)
    client = files_client(async_client=httpx.AsyncClient(transport=serving(body)))
    async with await client.files.download_async(file_id="f") as response:
        async for chunk in response.aiter_raw():
            assert len(chunk) == body.chunk_size
            break
        assert not body.closed
    assert body.closed
    assert body.sent == 1


# --- memory: 200 MB each way -----------------------------------------------------------

BIG = 200 * MiB
PEAK_LIMIT = 16 * MiB


class Zeros(io.RawIOBase):
    """A seekable binary file of ``size`` zero bytes that holds none of them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.position, os.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def read(self, size: int = -1) -> bytes:
        size = self.size - self.position if size < 0 else min(size, self.size - self.position)
        self.position += size
        return bytes(size)


class Consuming(httpx.BaseTransport):
    """Receives a request body chunk by chunk, as a server does, counting its bytes.

    Not ``httpx.MockTransport``: that one reads the whole request body before calling
    its handler.
    """

    def __init__(self) -> None:
        self.received = 0
        self.largest_chunk = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for chunk in request.stream:  # type: ignore[union-attr]
            self.received += len(chunk)
            self.largest_chunk = max(self.largest_chunk, len(chunk))
        return httpx.Response(200, json={"id": "file-1"})


def peak_during(action: Any) -> tuple[Any, int]:
    """What ``action()`` returns, and the most memory allocated at once while it ran."""
    tracemalloc.start()
    try:
        return action(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes on disk that takes no disk space (and no time) to write."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


@pytest.mark.parametrize(
    "make_file",
    [lambda tmp: Zeros(BIG), lambda tmp: sparse_file(tmp / "big.jsonl", BIG)],
    ids=["file-object", "Path"],
)
def test_a_200_mb_upload_streams_in_flat_memory(tmp_path: Path, make_file: Any) -> None:
    transport = Consuming()
    client = files_client(client=httpx.Client(transport=transport))
    client.files.upload(file=File("warm-up.bin", b"x"))  # first-use imports and caches
    transport.received = 0
    file = make_file(tmp_path)
    started = time.perf_counter()
    result, peak = peak_during(lambda: client.files.upload(file=file, purpose="batch"))
    assert result == {"id": "file-1"}
    assert BIG < transport.received < BIG + 1000  # the file and the form around it
    assert transport.largest_chunk <= MiB
    assert peak < PEAK_LIMIT, f"peak {peak / MiB:.1f} MiB"
    assert time.perf_counter() - started < 10


def test_a_200_mb_download_streams_in_flat_memory() -> None:
    body = Served(chunks=BIG // MiB, chunk_size=MiB)
    client = files_client(client=httpx.Client(transport=serving(body)))

    def download() -> int:
        with client.files.download(file_id="big") as response:
            return sum(len(chunk) for chunk in response.iter_bytes())

    started = time.perf_counter()
    received, peak = peak_during(download)
    assert received == BIG
    assert body.sent == BIG // MiB
    assert body.closed
    assert peak < PEAK_LIMIT, f"peak {peak / MiB:.1f} MiB"
    assert time.perf_counter() - started < 10
