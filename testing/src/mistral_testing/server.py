"""A local fake Mistral API, standard library only: every installed operation answers.

Run it::

    python -m mistral_testing.server --port 8765 [--host 127.0.0.1] [--seed 0] [--finish-after 2]

or use it from Python and tests::

    with FakeServer(seed=0) as server:
        client = Mistral(api_key="x", server_url=server.url)

The routes are read at start from the installed resource plugins (``mistral.resources``
entry points, each method's ``.operation``). A JSON answer is the full sample of the
operation's response model (:mod:`mistral_testing.samples`, deterministic for a
seed), with a few echoes of the request: the ``model`` asked for, the ids in the path, the
name and size of an uploaded file, and a short fixed sentence as a completion's content
(JSON of the schema asked for, when a request asks for one: ``chat.parse``; a call of a
declared function, when a request declares ``tools`` and ends with the user's message;
the same for a conversation's start or append, whose results get :data:`SENTENCE`, so
that ``conversations.run`` runs its whole loop here).
A batch or fine-tuning job, a workflow execution and a library document move through
their statuses as they are read, to their end on the read ``finish_after`` (2), a failure
for an id given to ``server.statuses.fail`` (:mod:`mistral_testing.statuses`). An
uploaded file is kept (on disk, as it streams in) under an id of its own and downloaded
back; a batch job's output and error files hold a result line per request, and the jobs'
list filters by metadata (:mod:`mistral_testing.batches`).
A call that asks for events (``"stream": true``, or ``accept: text/event-stream``) gets
server-sent events (a completion's sentence word by word, then ``data: [DONE]``; two
sample events of other streams), a download (``accept: */*``) gets bytes, and a page of a
list asked for with a cursor is its last page. Without an ``Authorization: Bearer ...``
(or ``x-api-key``) header the answer is 401, as from the real API; an unknown route is
404; every answer has an ``x-request-id`` header. A WebSocket upgrade of a realtime
endpoint runs a deterministic session (:mod:`mistral_testing.realtime`).

The clouds' URLs are answered too, so that ``MistralAzure`` and ``MistralGCP`` can be
pointed at it: Azure AI's (``/models/chat/completions``, ``/providers/mistral/azure/ocr``,
as ``mistral-plugin-azure`` builds them) and Vertex AI's
(``/v1/projects/{project}/locations/{region}/publishers/mistralai/models/{model}:rawPredict``
and ``:streamRawPredict``, a chat completion or a FIM one as the body says).

:attr:`FakeServer.requests` tells what was asked: the last requests received, each a
:class:`Received` (method, path, query, headers, JSON body, operation, status).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import email.message
import http.server
import inspect
import json
import re
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

from mistral_core._call import Operation
from mistral_core._guards import is_array, is_object
from mistral_core.plugins import RESOURCES_GROUP, installed
from mistral_testing.batches import Batches
from mistral_testing.samples import (
    ConversationTurns,
    answers_nothing,
    conversation_events,
    paged,
    sample_json,
    sample_value,
    streams_only,
    structured_reply,
    tool_call_deltas,
    tool_call_reply,
)
from mistral_testing.statuses import DEFAULT_FINISH_AFTER, Statuses

__all__ = [
    "AZURE_PATHS",
    "SENTENCE",
    "VERTEX_PATH",
    "FakeServer",
    "Received",
    "Route",
    "main",
    "routes",
]

SENTENCE = "This is a fake answer from the local Mistral server."
"""The content of every completion (but one asking for JSON of a schema, answered with a
sample of it); streamed word by word."""

AZURE_PATHS: Mapping[str, str] = {
    "/models/chat/completions": "/v1/chat/completions",
    "/providers/mistral/azure/ocr": "/v1/ocr",
}
"""Where Azure AI serves the Mistral API's paths (``mistral_plugin_azure.PATHS``), and which."""
VERTEX_PATH = re.compile(
    r"/v1/projects/[^/]+/locations/[^/]+/publishers/mistralai/models/[^/:]+"
    r":(rawPredict|streamRawPredict)"
)
"""Vertex AI's URL of a Mistral model: one for chat and FIM, ``stream...`` for events."""
RECEIVED_LIMIT = 1000
"""How many requests :attr:`FakeServer.requests` remembers (the last ones)."""

_READ_SIZE = 64 * 1024
_PARAM = re.compile(r"\{([^{}/]+)\}")


@dataclass(frozen=True)
class Route:
    """One operation, and the paths it answers."""

    operation: Operation[Any, Any]
    pattern: re.Pattern[str]
    params: tuple[str, ...]
    empty: bool = False
    """Whether the API answers without a body (204): the method returns ``None``."""

    @classmethod
    def of(cls, operation: Operation[Any, Any], empty: bool = False) -> Route:
        parts = _PARAM.split(operation.path)
        regex = "".join(
            re.escape(part) if index % 2 == 0 else "([^/]+)" for index, part in enumerate(parts)
        )
        return cls(operation, re.compile(regex), tuple(parts[1::2]), empty)

    @property
    def streams_only(self) -> bool:
        return streams_only(self.operation)

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        if found is None:
            return None
        return {
            name: unquote(value) for name, value in zip(self.params, found.groups(), strict=True)
        }


def routes() -> list[Route]:
    """A route for every operation of every installed resource plugin, literal paths first."""
    seen: dict[str, Route] = {}
    for entry_point in installed(RESOURCES_GROUP).values():
        for _, member in inspect.getmembers(entry_point.load(), callable):
            operation: Operation[Any, Any] | None = getattr(member, "operation", None)
            if isinstance(operation, Operation) and operation.id not in seen:
                seen[operation.id] = Route.of(operation, empty=answers_nothing(member))
    found = list(seen.values())
    return sorted(found, key=lambda route: (len(route.params), route.operation.path))


@dataclass(frozen=True)
class Received:
    """One request the server answered, as it was when the answer started."""

    method: str
    path: str
    """The path asked for, without the query (a cloud's path as it came)."""
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    """The headers, by lower-case name."""
    json: Any
    """The JSON body; ``None`` without one, for a form, or when the body was not read."""
    operation: str | None
    """The id of the operation that answered; ``None`` for a 401, 404 or 405."""
    status: int


CONVERSATION_USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}


@dataclass
class _App:
    routes: list[Route]
    seed: int
    delay: float
    quiet: bool
    statuses: Statuses
    received: deque[Received] = field(default_factory=lambda: deque(maxlen=RECEIVED_LIMIT))
    conversations: ConversationTurns = field(
        default_factory=lambda: ConversationTurns("conv-fake", CONVERSATION_USAGE)
    )
    """Conversations' answers, which remember the functions each start declared."""
    batches: Batches = field(init=False)
    """The files uploaded and the batch jobs created."""

    def __post_init__(self) -> None:
        self.batches = Batches(self.operation_at, self.seed)

    def operation_at(self, path: str) -> Operation[Any, Any] | None:
        """The operation that answers a POST to ``path`` with JSON (a batch's endpoint)."""
        found = self.find("POST", path, streaming=False)
        return None if isinstance(found, list) else found[0].operation

    def find(
        self, method: str, path: str, streaming: bool
    ) -> tuple[Route, dict[str, str]] | list[str]:
        """The route and its path values, or the methods the path allows (maybe none)."""
        allowed: list[str] = []
        found: list[tuple[Route, dict[str, str]]] = []
        for route in self.routes:
            values = route.match(path)
            if values is None:
                continue
            if route.operation.method.upper() == method:
                found.append((route, values))
            allowed.append(route.operation.method.upper())
        if not found:
            return allowed
        return next((f for f in found if f[0].streams_only == streaming), found[0])


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: _App) -> None:
        self.app = app
        super().__init__(address, _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "MistralFake/1"
    timeout = 60
    request_id = ""
    # what is known of the request being answered, for its Received record
    _operation: str | None = None
    _request_json: Any = None
    _body_read = False

    @property
    def app(self) -> _App:
        return cast(_Server, self.server).app

    def log_message(self, format: str, *args: Any) -> None:
        if not self.app.quiet:
            super().log_message(format, *args)

    def parse_request(self) -> bool:
        """A new request on the connection: forget what was known of the last one."""
        self._operation = self._request_json = None
        self._body_read = False
        return super().parse_request()

    def send_response(self, code: int, message: str | None = None) -> None:
        """Record the request as its answer starts: before the client can have read it."""
        self._record(code)
        super().send_response(code, message)

    def _record(self, code: int) -> None:
        split = urlsplit(getattr(self, "path", ""))
        headers: email.message.Message | None = getattr(self, "headers", None)
        self.app.received.append(
            Received(
                method=getattr(self, "command", None) or "",
                path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={
                    name.lower(): value for name, value in (headers.items() if headers else [])
                },
                json=self._request_json,
                operation=self._operation,
                status=code,
            )
        )

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    # --- answering ---------------------------------------------------------------------

    def _handle(self) -> None:
        self.request_id = uuid.uuid4().hex
        asked = urlsplit(self.path).path
        authorization = self.headers.get("authorization", "")
        signed = authorization.startswith("Bearer ") and authorization[7:].strip()
        if not (signed or self.headers.get("x-api-key", "").strip()):
            self._drain()
            self._json(401, {"message": "Unauthorized", "request_id": self.request_id})
            return
        if self.headers.get("upgrade", "").lower() == "websocket" and self._websocket(asked):
            return
        accept = self.headers.get("accept", "")
        streaming = "text/event-stream" in accept
        request: Any = None
        path = AZURE_PATHS.get(asked, asked)
        vertex = VERTEX_PATH.fullmatch(asked)
        if vertex is not None:  # chat or FIM: only the body tells
            request = self._read_json()
            chat = not is_object(request) or "messages" in request
            path = "/v1/chat/completions" if chat else "/v1/fim/completions"
            streaming = streaming or vertex.group(1) == "streamRawPredict"
        found = self.app.find(self.command, path, streaming)
        if isinstance(found, list):
            self._drain()
            if found:
                allowed = ", ".join(found)
                message = f"Method Not Allowed: {self.command} {asked} (allowed: {allowed})"
                self._json(405, {"message": message}, [("allow", allowed)])
            else:
                message = f"Not Found: no route for {self.command} {asked}"
                self._json(404, {"message": message, "request_id": self.request_id})
            return
        route, values = found
        operation = route.operation
        self._operation = operation.id
        upload: tuple[str | None, int, str] | None = None
        if request is None:
            if operation.body_media.startswith("multipart/"):
                request = {}
                upload = self._read_upload()
            else:
                request = self._read_json()
        asks_events = streaming or (is_object(request) and request.get("stream") is True)
        if operation.id in ConversationTurns.operations and self._converse(
            request, values.get("conversation_id"), asks_events
        ):
            return
        if (
            operation.events
            and asks_events
            and self._stream(operation, request if is_object(request) else {})
        ):
            return
        if route.empty:
            self._send(204, b"", "application/json")
            return
        if not operation.returns:
            if accept == "*/*":  # what a download asks for
                self._download(values)
            else:
                self._json(200, {})
            return
        answer = self._answer(operation, request, values, upload)
        self._json(200, paged(operation, answer, parse_qs(urlsplit(self.path).query)))

    def _websocket(self, asked: str) -> bool:
        """A realtime session (:mod:`.realtime`); ``False`` for a path that has none."""
        from .realtime import REALTIME_PATHS, serve_websocket

        if asked not in REALTIME_PATHS:
            return False
        self._drain()
        self._operation = "_".join(asked.split("/")[2:])  # audio_speech_realtime
        model = parse_qs(urlsplit(self.path).query).get("model", [""])[0]
        try:
            serve_websocket(self, asked, model, self.request_id, self._record)
        except ImportError:
            message = "the fake realtime endpoints need websockets: pip install websockets"
            self._json(501, {"message": message, "request_id": self.request_id})
        return True

    def _answer(
        self,
        operation: Operation[Any, Any],
        request: Any,
        values: dict[str, str],
        upload: tuple[str | None, int, str] | None,
    ) -> Any:
        kind = operation.model(operation.returns)
        seed = self.app.seed
        if attrs.has(kind):
            answer = sample_json(kind, full=True, seed=seed)
        else:
            answer = sample_value(kind, full=True, seed=seed)
        if not is_object(answer):
            return answer
        if values and isinstance(answer.get("id"), str):
            answer["id"] = next(iter(values.values()))
        for name, value in values.items():  # a document's library_id, ...
            if isinstance(answer.get(name), str):
                answer[name] = value
        self.app.statuses.answer(operation.id, answer, values, request)
        query = parse_qs(urlsplit(self.path).query)
        self.app.batches.answer(operation.id, answer, request, query)
        asked = request.get("model") if is_object(request) else None
        if isinstance(asked, str) and isinstance(answer.get("model"), str):
            answer["model"] = asked
        if upload is not None:
            file_name, size, file_id = upload
            answer["id"] = file_id
            if file_name is not None and "filename" in answer:
                answer["filename"] = file_name
            if isinstance(answer.get("bytes"), int):
                answer["bytes"] = size
        choices = answer.get("choices")
        if is_array(choices) and choices and is_object(choices[0]):
            choice = choices[0]
            message = choice.get("message")
            if is_object(message):
                call = tool_call_reply(request)
                message["content"] = "" if call else _reply(request)
                message.pop("tool_calls", None)
                message.pop("prefix", None)
                if call:
                    message["tool_calls"] = [call]
                choice.pop("messages", None)
                choice["index"] = 0
                choice["finish_reason"] = "tool_calls" if call else "stop"
                answer["choices"] = [choice]
                _count_usage(answer, request, call)
        return answer

    def _stream(self, operation: Operation[Any, Any], request: dict[str, Any]) -> bool:
        """Answer server-sent events; ``False`` when the events are not completion chunks
        and no sample can be made."""
        events = operation.model(operation.events)
        data_type = attrs.fields_dict(events)["data"].type if attrs.has(events) else None
        if data_type is None:
            return False
        seed = self.app.seed
        sample = sample_value(data_type, full=True, seed=seed)
        chunks: list[Any]
        done = False
        if (
            is_object(sample)
            and is_array(sample.get("choices"))
            and sample["choices"]
            and is_object(sample["choices"][0])
            and "delta" in sample["choices"][0]
        ):
            chunks = list(_completion_chunks(sample, request))
            done = True
        else:
            chunks = [sample, sample]
        fields = attrs.fields_dict(events)
        name = sample_json(events, full=True, seed=seed).get("event") if "event" in fields else None
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("x-request-id", self.request_id)
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        lines = [
            (
                (f"event: {name}\n" if isinstance(name, str) else "")
                + (f"id: {index}\n" if "id" in fields else "")
                + f"data: {_dumps(chunk).decode()}\n\n"
            ).encode()
            for index, chunk in enumerate(chunks, 1)
        ]
        if done:
            lines.append(b"data: [DONE]\n\n")
        try:
            for index, line in enumerate(lines):
                if index and self.app.delay:
                    time.sleep(self.app.delay)
                self.wfile.write(line)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client left early, as it may
        return True

    def _converse(self, request: Any, conversation_id: str | None, events: bool) -> bool:
        """Answer a conversation's start or append that calls its functions, or answers
        their results (:class:`~mistral_testing.samples.ConversationTurns`), whole or as
        events; ``False`` when the answer is a sample as usual."""
        reply = self.app.conversations.reply(request, conversation_id, SENTENCE)
        if reply is None:
            return False
        if not events:
            self._json(200, reply)
            return True
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("x-request-id", self.request_id)
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for index, event in enumerate(conversation_events(reply)):
                if index and self.app.delay:
                    time.sleep(self.app.delay)
                self.wfile.write(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client left early, as it may
        return True

    def _download(self, values: dict[str, str]) -> None:
        name = next(iter(values.values()), "file")
        kept = self.app.batches.content(name)
        if kept is not None:  # an uploaded file, a batch job's results
            self._send_chunked(kept, "application/octet-stream")
            return
        content = f"fake content of {name} (seed {self.app.seed})\n".encode()
        self._send(
            200,
            content,
            "application/octet-stream",
            [("content-disposition", 'attachment; filename="download.bin"')],
        )

    def _json(self, status: int, value: Any, headers: Sequence[tuple[str, str]] = ()) -> None:
        self._send(status, _dumps(value), "application/json", headers)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.send_header("x-request-id", self.request_id or uuid.uuid4().hex)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_chunked(self, pieces: Iterator[bytes], content_type: str) -> None:
        """A body of unknown length, sent as it is made."""
        self.send_response(200)
        self.send_header("content-type", content_type)
        self.send_header("transfer-encoding", "chunked")
        self.send_header("x-request-id", self.request_id)
        self.end_headers()
        try:
            for piece in pieces:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client left early, as it may

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors of the HTTP layer (a bad request line, an unknown method) as JSON too."""
        self.close_connection = True
        # typeshed says str, but http.server sets None until it has read a request line
        if not hasattr(self, "command") or self.command is None:  # pyright: ignore[reportUnnecessaryComparison]
            self.command = ""
        with contextlib.suppress(OSError):
            self._json(code, {"message": message or self.responses.get(code, ("Error",))[0]})

    # --- reading -----------------------------------------------------------------------

    def _body(self) -> Iterator[bytes]:
        """The request body in pieces, as it arrives (Content-Length or chunked); nothing
        the second time."""
        if self._body_read:
            return
        self._body_read = True
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass  # trailers
                    return
                while size:
                    piece = self.rfile.read(min(size, _READ_SIZE))
                    if not piece:
                        return
                    size -= len(piece)
                    yield piece
                self.rfile.readline()
        left = int(self.headers.get("content-length") or 0)
        while left > 0:
            piece = self.rfile.read(min(left, _READ_SIZE))
            if not piece:
                return
            left -= len(piece)
            yield piece

    def _drain(self) -> None:
        for _ in self._body():
            pass

    def _read_json(self) -> Any:
        body = b"".join(self._body())
        if not body:
            return {}
        try:
            found = json.loads(body)
        except ValueError:
            return {}
        self._request_json = found
        return found

    def _read_upload(self) -> tuple[str | None, int, str]:
        """The name, size and new id of the first file of a multipart form, kept (on
        disk: :mod:`mistral_testing.batches`) as it streams by."""
        header = email.message.Message()
        header["content-type"] = self.headers.get("content-type", "")
        boundary = header.get_param("boundary")
        if not isinstance(boundary, str):
            file_id, size = self.app.batches.store(self._body())
            return None, size, file_id
        scanner = _FormScanner(boundary.encode())
        file_id, size = self.app.batches.store(
            content for piece in self._body() for content in scanner.feed(piece)
        )
        return scanner.file_name, size, file_id


class _FormScanner:
    """Finds the first file part of a multipart body as it streams by: its name and size.

    Only a few kilobytes are kept at a time, whatever the size of the upload.
    """

    _KEEP = 16 * 1024

    def __init__(self, boundary: bytes) -> None:
        self.delimiter = b"\r\n--" + boundary
        self.headers = re.compile(re.escape(self.delimiter) + rb"\r\n((?:[^\r\n]+\r\n)*)\r\n")
        self.buffer = b"\r\n"  # the first delimiter has no CRLF before it
        self.offset = 0  # where the buffer starts in the body
        self.start: int | None = None
        self.file_name: str | None = None
        self.size: int | None = None

    def feed(self, data: bytes) -> list[bytes]:
        """Take the next piece of the body; give the pieces of the file's content in it."""
        if self.size is not None:
            return []
        self.buffer += data
        while self.start is None:
            found = self.headers.search(self.buffer)
            if found is None:
                self._keep(self._KEEP)
                return []
            self._drop(found.end())
            name = re.search(rb'filename="([^"]*)"', found.group(1), re.IGNORECASE)
            if name is not None:
                self.file_name = name.group(1).decode("utf-8", "replace")
                self.start = self.offset
        index = self.buffer.find(self.delimiter)
        if index >= 0:
            self.size = self.offset + index - self.start
            content = self.buffer[:index]
            self.buffer = b""
            return [content]
        return [self._keep(len(self.delimiter) - 1)]

    def _drop(self, count: int) -> bytes:
        dropped = self.buffer[:count]
        self.buffer = self.buffer[count:]
        self.offset += count
        return dropped

    def _keep(self, count: int) -> bytes:
        return self._drop(max(0, len(self.buffer) - count))


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _count_usage(answer: dict[str, Any], request: Any, call: dict[str, Any] | None) -> None:
    """Count a word as a token: those of the reply, or of its tool ``call``'s arguments."""
    usage = answer.get("usage")
    if is_object(usage):
        prompt = max(1, len(_dumps(request.get("messages", request))) // 4)
        completion = len((call["function"]["arguments"] if call else _reply(request)).split())
        usage.update(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        )


def _reply(request: Any) -> str:
    """A completion's content: a sample of the schema asked for, or :data:`SENTENCE`."""
    return structured_reply(request) or SENTENCE


def _completion_chunks(sample: dict[str, Any], request: dict[str, Any]) -> Iterator[Any]:
    """The sentence as word deltas (or a tool call in pieces), then a last chunk with
    ``finish_reason`` and usage."""
    base = copy.deepcopy(sample)
    if isinstance(request.get("model"), str):
        base["model"] = request["model"]
    usage = base.pop("usage", None)
    call = tool_call_reply(request)
    deltas = tool_call_deltas([call]) if call else _word_deltas(_reply(request))
    for delta in deltas:
        yield {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
    finish_reason = "tool_calls" if call else "stop"
    last = {
        **base,
        "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": finish_reason}],
    }
    if usage is not None:
        last["usage"] = usage
        _count_usage(last, request, call)
    yield last


def _word_deltas(text: str) -> Iterator[dict[str, Any]]:
    """``text`` word by word, the first delta saying who speaks."""
    for index, word in enumerate(text.split(" ")):
        delta: dict[str, Any] = {"content": word if index == 0 else " " + word}
        if index == 0:
            delta["role"] = "assistant"
        yield delta


class FakeServer:
    """The fake API on a free port of 127.0.0.1, served by a daemon thread while in use.

    ``with FakeServer(seed=0) as server: Mistral(api_key="x", server_url=server.url)``
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        delay: float = 0.0,
        quiet: bool = True,
        finish_after: int = DEFAULT_FINISH_AFTER,
    ) -> None:
        self.app = _App(routes(), seed, delay, quiet, Statuses(finish_after))
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def routes(self) -> list[Route]:
        return self.app.routes

    @property
    def statuses(self) -> Statuses:
        """How jobs, executions and documents move to their end: ``statuses.fail(job_id)``
        makes a job fail, ``statuses.finish_after`` is the read that shows the end."""
        return self.app.statuses

    @property
    def requests(self) -> list[Received]:
        """The requests answered (the last :data:`RECEIVED_LIMIT`), oldest first."""
        return list(self.app.received)

    def clear_requests(self) -> None:
        """Forget the requests answered so far."""
        self.app.received.clear()

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._server is None:
            raise RuntimeError("the fake server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def bind(self) -> FakeServer:
        """Open the listening socket (the port is known from then on)."""
        if self._server is None:
            self._server = _Server(self._address, self.app)
        return self

    def start(self) -> FakeServer:
        """Serve in a daemon thread."""
        if self._thread is None:
            self._server = self.bind()._server
            assert self._server is not None
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="mistral-fake-server",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self.app.batches.close()

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (what the command line does)."""
        self.bind()
        assert self._server is not None
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mistral_testing.server",
        description="A local fake Mistral API answering every installed operation.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one")
    parser.add_argument("--seed", type=int, default=0, help="varies the sample ids (0)")
    parser.add_argument(
        "--delay", type=float, default=0.0, help="seconds between streamed events (0)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    parser.add_argument(
        "--finish-after",
        type=int,
        default=DEFAULT_FINISH_AFTER,
        help="the read of a job, execution or document that shows it finished (%(default)s)",
    )
    options = parser.parse_args(argv)
    if options.finish_after < 1:
        parser.error("--finish-after is a read, from 1")
    server = FakeServer(
        seed=options.seed,
        host=options.host,
        port=options.port,
        delay=options.delay,
        quiet=options.quiet,
        finish_after=options.finish_after,
    )
    try:
        server.bind()
    except OSError as error:  # a busy port, an address not of this machine
        where = f"{options.host}:{options.port}"
        parser.exit(1, f"{parser.prog}: cannot listen on {where}: {error.strerror or error}\n")
    count = len(server.routes)
    print(f"Fake Mistral API on {server.url} ({count} operations, seed {options.seed})")
    print("Any 'Authorization: Bearer <key>' is accepted. Ctrl-C stops it.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
