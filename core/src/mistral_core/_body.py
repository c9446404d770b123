"""Response bodies read within limits: decoded size, content encodings, the call's deadline.

httpx decodes ``Content-Encoding`` itself, but a whole network read at a time: 1.8 KB
sent as ``gzip, gzip`` becomes 2 GB in one call. Bodies are therefore read raw
(``iter_raw``) and decoded here, at most :data:`PIECE` bytes at a time, so that no more
than a piece is ever held beyond what the caller keeps. :class:`BodyReader` is what is
kept of a body read whole (a JSON answer, an error), up to a limit; :func:`iter_decoded`
gives the pieces of a body read as it comes (a stream, a download).

Only ``gzip`` and ``deflate`` are asked for (``Accept-Encoding``) and decoded; a server
sending another encoding is refused with ``httpx.DecodingError``, which every caller
already turns into its error.
"""

from __future__ import annotations

import itertools
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator

import httpx

from ._reclaim import release_stranded
from .errors import ResponseTooLargeError
from .models import HTTPInfo

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_EVENT_BYTES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "ERROR_BODY_LIMIT",
    "BodyReader",
    "ContentDecoder",
    "Rechunker",
    "aiter_decoded",
    "aread_body",
    "decoder_for",
    "header",
    "iter_decoded",
    "read_body",
]

DEFAULT_MAX_RESPONSE_BYTES = 100 * 2**20
"""The most a body read whole may hold once decoded: 100 MiB (an OCR answer with every
image inlined is tens of MB; nothing the API sends as JSON comes near this)."""
DEFAULT_MAX_EVENT_BYTES = 16 * 2**20
"""The most one server-sent event (or one unfinished line) may hold: 16 MiB."""
ERROR_BODY_LIMIT = 2**20
"""An error body is read up to 1 MiB, the rest dropped: its message is at the start."""
PIECE = 64 * 2**10
"""The most a decoder gives at a time (httpcore reads the network 64 KiB at a time too)."""
ACCEPT_ENCODING = "gzip, deflate"

_GZIP_WBITS = zlib.MAX_WBITS | 16
_ZLIB_WBITS = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS = -zlib.MAX_WBITS


class _Inflater:
    """One layer of gzip or deflate, giving its output a piece at a time."""

    __slots__ = ("_deflate", "_started", "_zlib")

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding == "deflate"
        self._zlib = zlib.decompressobj(_ZLIB_WBITS if self._deflate else _GZIP_WBITS)
        self._started = False

    def decode(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for data in pieces:
            while data:
                output = self._inflate(data)
                data = self._zlib.unconsumed_tail
                if output:
                    yield output

    def flush(self) -> Iterator[bytes]:
        try:
            output = self._zlib.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(f"the compressed body is broken: {exc}") from None
        if output:
            yield output

    def _inflate(self, data: bytes) -> bytes:
        try:
            output = self._zlib.decompress(data, PIECE)
        except zlib.error as exc:
            if not (self._deflate and not self._started):
                raise httpx.DecodingError(f"the compressed body is broken: {exc}") from None
            # "deflate" is often sent without its zlib wrapper (as httpx, read it both ways)
            self._zlib = zlib.decompressobj(_RAW_DEFLATE_WBITS)
            self._started = True
            return self._inflate(data)
        self._started = True
        return output


class ContentDecoder:
    """Undoes a ``Content-Encoding`` chain (``gzip, gzip`` too), a piece at a time."""

    __slots__ = ("_layers",)

    def __init__(self, encodings: list[str]) -> None:
        self._layers = [_Inflater(encoding) for encoding in reversed(encodings)]

    def decode(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of ``data``, each at most :data:`PIECE` bytes."""
        pieces: Iterable[bytes] = (data,)
        for layer in self._layers:
            pieces = layer.decode(pieces)
        return iter(pieces)

    def flush(self) -> Iterator[bytes]:
        """The last pieces, once the body has ended."""
        pieces: Iterable[bytes] = ()
        for layer in self._layers:
            pieces = itertools.chain(layer.decode(pieces), layer.flush())
        return iter(pieces)


def header(headers: httpx.Headers, name: str) -> str | None:
    """``headers.get(name)``, without the ``KeyError`` that httpx raises and catches for
    a header that is absent, as most that a call asks for are (this is asked on every call)."""
    values = headers.get_list(name)
    return ", ".join(values) if values else None


def decoder_for(headers: httpx.Headers) -> ContentDecoder | None:
    """The decoder of a response's ``Content-Encoding``; ``None`` when it is not encoded."""
    header_value = header(headers, "content-encoding")
    if header_value is None:
        return None
    encodings = [name.strip().lower() for name in header_value.split(",")]
    encodings = [name for name in encodings if name and name != "identity"]
    if not encodings:
        return None
    unknown = sorted({name for name in encodings if name not in ("gzip", "x-gzip", "deflate")})
    if unknown:
        raise httpx.DecodingError(
            f"the response is encoded as {', '.join(unknown)}, which was not asked for "
            f"(Accept-Encoding: {ACCEPT_ENCODING})"
        )
    return ContentDecoder(["gzip" if name == "x-gzip" else name for name in encodings])


class BodyReader:
    """What is kept of a body read whole: at most ``limit`` decoded bytes.

    Past the limit, a success body raises :class:`ResponseTooLargeError` (and the
    connection is closed unread); an error body (``truncate``) is cut there, since its
    message comes first. Past the ``deadline`` (a ``time.monotonic()`` value), reading
    stops with ``httpx.ReadTimeout``. Fed by :func:`read_body` / :func:`aread_body`.
    """

    __slots__ = (
        "_chunks",
        "_deadline",
        "_decoder",
        "_retries",
        "_size",
        "limit",
        "response",
        "truncate",
    )

    def __init__(
        self,
        response: httpx.Response,
        limit: int,
        deadline: float | None = None,
        *,
        truncate: bool = False,
        retries: int = 0,
    ) -> None:
        self.response = response
        self.limit = limit
        self.truncate = truncate
        self._deadline = deadline
        self._retries = retries
        """How many retries came before this response, for the error's ``info``."""
        self._decoder = decoder_for(response.headers)
        self._chunks: list[bytes] = []
        self._size = 0

    def feed(self, raw: bytes) -> bool:
        """Take one raw chunk; ``False`` once no more is wanted (an error body cut short)."""
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise httpx.ReadTimeout("the call's timeout_ms passed while reading the body")
        if self._decoder is None:
            return self._keep(raw)
        return all(self._keep(piece) for piece in self._decoder.decode(raw))

    def finish(self) -> None:
        """Make what was read the response's ``content`` (as ``response.read()`` would)."""
        if self._decoder is not None:
            for piece in self._decoder.flush():
                if not self._keep(piece):
                    break
        content = b"".join(self._chunks)
        self._chunks.clear()
        self.response._content = content  # what httpx's own read() sets

    def check(self, content: bytes) -> None:
        """Check a body read by the HTTP client already (an in-memory test transport)."""
        if len(content) > self.limit and not self.truncate:
            raise self._too_large()

    def _keep(self, piece: bytes) -> bool:
        room = self.limit - self._size
        if len(piece) > room:
            if not self.truncate:
                raise self._too_large()
            self._chunks.append(piece[:room])
            self._size = self.limit
            return False
        self._chunks.append(piece)
        self._size += len(piece)
        return True

    def _too_large(self) -> ResponseTooLargeError:
        response = self.response
        info = HTTPInfo(response.status_code, response.headers, self._retries, response)
        return ResponseTooLargeError(
            f"the response body is larger than max_response_bytes={self.limit:,} once "
            "decoded; raise it with Mistral(max_response_bytes=...) or "
            "client.with_options(max_response_bytes=...)",
            info,
            limit=self.limit,
        )


class Rechunker:
    """Cuts pieces into chunks of ``size`` bytes, the last one shorter (httpx's
    ``iter_bytes(chunk_size)``)."""

    __slots__ = ("_buffer", "_size")

    def __init__(self, size: int) -> None:
        self._size = size
        self._buffer = bytearray()

    def feed(self, piece: bytes) -> list[bytes]:
        buffer, size = self._buffer, self._size
        buffer += piece
        if len(buffer) < size:
            return []
        count = len(buffer) // size
        chunks = [bytes(buffer[index * size : (index + 1) * size]) for index in range(count)]
        del buffer[: count * size]
        return chunks

    def flush(self) -> list[bytes]:
        chunk, self._buffer = bytes(self._buffer), bytearray()
        return [chunk] if chunk else []


def read_body(reader: BodyReader) -> None:
    """Read ``reader``'s response into it; the response is closed however it ends."""
    response = reader.response
    if response.is_stream_consumed:
        reader.check(response.content)
        return
    try:
        for raw in response.iter_raw():
            if not reader.feed(raw):
                break
        reader.finish()
    finally:
        response.close()


async def aread_body(reader: BodyReader) -> None:
    """Read ``reader``'s response into it without blocking the event loop."""
    response = reader.response
    if response.is_stream_consumed:
        reader.check(response.content)
        return
    try:
        async for raw in response.aiter_raw():
            if not reader.feed(raw):
                break
        reader.finish()
    except Exception:
        raise
    except BaseException:  # cancelled, maybe inside httpx's own close (see _reclaim)
        await release_stranded(response)
        raise
    finally:
        await response.aclose()


def iter_decoded(response: httpx.Response) -> Iterator[bytes]:
    """The decoded body of ``response``, as it arrives, at most a piece per encoded layer."""
    if response.is_stream_consumed:  # read already (an in-memory test transport)
        return httpx.Response.iter_bytes(response)  # not a subclass's, which calls this
    decoder = decoder_for(response.headers)
    if decoder is None:
        return response.iter_raw()
    return _decoded(response.iter_raw(), decoder)


def _decoded(raw: Iterable[bytes], decoder: ContentDecoder) -> Iterator[bytes]:
    for chunk in raw:
        yield from decoder.decode(chunk)
    yield from decoder.flush()


def aiter_decoded(response: httpx.Response) -> AsyncIterator[bytes]:
    """:func:`iter_decoded` for async responses."""
    if response.is_stream_consumed:
        return httpx.Response.aiter_bytes(response)
    decoder = decoder_for(response.headers)
    if decoder is None:
        return response.aiter_raw()
    return _adecoded(response.aiter_raw(), decoder)


async def _adecoded(raw: AsyncIterator[bytes], decoder: ContentDecoder) -> AsyncIterator[bytes]:
    async for chunk in raw:
        for piece in decoder.decode(chunk):
            yield piece
    for piece in decoder.flush():
        yield piece
