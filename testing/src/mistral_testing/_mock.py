"""The fake Mistral API behind the ``mistral_mock`` fixture (see ``docs/testing.md``).

:class:`MistralMock` mocks httpx with respx, so every client of the test is served,
sync or async, whoever made it. Requests are routed by method and path, on any host:
the path of each installed resource group's operations (found on its methods'
``.operation``), at the end of the URL's path (so a ``server_url`` with a path prefix
works), and the paths the Azure and Google Cloud providers use. Each answer is taken
from the queue of the operation, else of its group (most specific first), else a
default: a short completion for chat, FIM and agents (JSON of the schema a request asks
for, as ``chat.parse`` does; a call of a declared function, when a request declares
``tools`` and ends with the user's message, and so for a conversation's start and
appends), two sample events for another
stream, a valid sample of the response model for every other operation (a list in pages
has two pages: the one asked for with a cursor is the last), no body where the API
answers none (204). Jobs, workflow executions and library documents move through their
statuses as they are read (:attr:`MistralMock.statuses`, :mod:`mistral_testing.statuses`).
"""

from __future__ import annotations

import itertools
import json as _jsonlib
import re
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import httpx
import respx

from mistral_core import _transport, polling
from mistral_core._call import EVENT_STREAM, Operation
from mistral_core._guards import is_array, is_object
from mistral_core.plugins import RESOURCES_GROUP, installed

from .statuses import DEFAULT_FINISH_AFTER, Statuses

if TYPE_CHECKING:
    import pytest

__all__ = ["CompletionMock", "GroupMock", "MistralMock", "SentRequest"]

DEFAULT_REPLY = "Hello from mistral_mock!"
"""What a completion says when nothing was queued."""
_NO_JSON: Any = object()

_PARAMETER = re.compile(r"\{(\w+)\}")
_PLAIN = {"str": "sample", "int": 1, "float": 0.5, "bool": True}
"""The default answer of a method that returns a plain JSON value, by its annotation."""
_GCP_PATH = re.compile(r"/publishers/mistralai/models/[^/:]+:(rawPredict|streamRawPredict)$")
_AZURE_PATHS = {
    "/models/chat/completions": "/v1/chat/completions",
    "/providers/mistral/azure/ocr": "/v1/ocr",
}
"""Where Azure AI serves the Mistral API's paths (``mistral_plugin_azure.PATHS``)."""
_ToolCalls = Sequence[Mapping[str, Any]] | None
"""The tool calls of a completion's message, each as the API sends it whole."""


class SentRequest(httpx.Request):
    """An ``httpx.Request`` the fake API received, with :meth:`json` and its operation."""

    operation_id: str
    group: str

    def json(self) -> Any:
        """The JSON body (``None`` without a body or for a form)."""
        if not self.content or not self.headers.get("content-type", "").startswith(
            "application/json"
        ):
            return None
        return _jsonlib.loads(self.content)


class _Route:
    """One operation of one group, and the path pattern its requests match."""

    def __init__(self, group: str, name: str, method: Any) -> None:
        from .samples import answers_nothing, streams_only

        self.group = group
        self.name = name
        self.operation: Operation[Any, Any] = method.operation
        self.empty = answers_nothing(method)
        """Whether the API answers without a body (204)."""
        self.plain = _PLAIN.get(str(method.__annotations__.get("return")))
        """The default answer of a method that returns a plain JSON value (a string)."""
        self.streams_only = streams_only(self.operation)
        literal = _PARAMETER.split(self.operation.path)[::2]  # [1::2]: the names
        self.pattern = re.compile("([^/]+)".join(re.escape(part) for part in literal) + "$")
        self.params = _PARAMETER.findall(self.operation.path)
        self.specificity = sum(len(part) for part in literal)

    def path_values(self, request: httpx.Request) -> dict[str, str]:
        """The values of the path's parameters in ``request`` (which this route matched)."""
        found = self.pattern.search(_path_of(request))
        if found is None:
            return {}
        return {
            name: unquote(value) for name, value in zip(self.params, found.groups(), strict=True)
        }

    @property
    def completion(self) -> bool:
        """Whether it answers a completion (it can stream its chunks): chat, FIM, agents."""
        return self.operation.requires_done


class _Answer:
    """One queued answer."""

    def __init__(
        self,
        *,
        status: int = 200,
        json: Any = _NO_JSON,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        chunks: Sequence[str] | None = None,
        tool_calls: _ToolCalls = None,
        finish_reason: str | None = None,
    ) -> None:
        self.status = status
        self.json = json
        self.body = body
        self.headers = dict(headers or {})
        self.chunks = chunks
        self.tool_calls = tool_calls
        self.finish_reason = finish_reason or ("tool_calls" if tool_calls else "stop")

    def response(
        self, route: _Route, request: SentRequest, stream: bool, statuses: Statuses
    ) -> httpx.Response:
        headers = self.headers
        if self.body is not None:
            return httpx.Response(self.status, content=self.body, headers=headers)
        if self.json is not _NO_JSON:
            if stream and self.status < 400:
                events = self.json if is_array(self.json) else [self.json]
                return _event_stream(events, headers, self.status)
            return httpx.Response(self.status, json=self.json, headers=headers)
        if route.completion:
            model = _requested_model(request)
            answer = self
            if self.chunks is None:  # nothing queued
                chunks, tool_calls = _default_reply(request)
                answer = _Answer(chunks=chunks, tool_calls=tool_calls)
            if stream:
                return _event_stream(answer.completion_chunks(model), headers)
            return httpx.Response(self.status, json=answer.completion(model), headers=headers)
        from .samples import paged, sample_value

        operation = route.operation
        if stream and operation.events:  # two sample events of the stream's data
            data = sample_value(operation.model(operation.events), full=True)["data"]
            return _event_stream([data, data], headers, done=False)
        if route.empty:  # the API answers without a body
            return httpx.Response(204, headers=headers)
        returns = operation.model(operation.returns)
        if returns is None and route.plain is not None:
            return httpx.Response(self.status, json=route.plain, headers=headers)
        if returns is None:  # a download, or JSON the client does not parse
            return httpx.Response(self.status, content=b"", headers=headers)
        answer = paged(operation, sample_value(returns, full=True), dict(request.url.params))
        statuses.answer(operation.id, answer, route.path_values(request), request.json())
        return httpx.Response(self.status, json=answer, headers=headers)

    def completion(self, model: str) -> dict[str, Any]:
        """The whole completion of a queued reply."""
        message = {
            "role": "assistant",
            "content": "".join(self.chunks or ()),
            "tool_calls": self.tool_calls,
        }
        return {
            "id": f"mock-{next(_ids)}",
            "object": "chat.completion",
            "model": model,
            "created": int(time.time()),
            "usage": _USAGE,
            "choices": [{"index": 0, "message": message, "finish_reason": self.finish_reason}],
        }

    def completion_chunks(self, model: str) -> Iterator[Any]:
        """The chunks of a queued reply, streamed: one per piece of text, the tool calls
        in pieces, then one with the finish reason and the usage."""
        id_ = f"mock-{next(_ids)}"
        created = int(time.time())

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            made: dict[str, Any] = {
                "id": id_,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            }
            if finish_reason is not None:
                made["usage"] = _USAGE
            return made

        pieces = [piece for piece in self.chunks or () if piece]
        for number, piece in enumerate(pieces):
            yield chunk(
                {"role": "assistant", "content": piece} if number == 0 else {"content": piece}
            )
        if self.tool_calls:
            from .samples import tool_call_deltas

            for delta in tool_call_deltas(self.tool_calls):
                yield chunk(delta)
        yield chunk({"content": ""}, self.finish_reason)


_DEFAULT = _Answer()


class GroupMock:
    """The fake API of one resource group (``mistral_mock.files``, ``mistral_mock.batch.jobs``).

    Answers queued here serve any operation of the group (and of the groups below it),
    in the order they were queued; once they are used up, every call gets a default
    answer: a valid sample of the operation's response model.
    """

    def __init__(self, mock: MistralMock, path: str) -> None:
        self._mock = mock
        self._path = path
        self._queue: deque[_Answer] = deque()

    def reply(
        self,
        json: Any = _NO_JSON,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> None:
        """Queue an answer: ``json`` (default: a sample of the response model) or raw ``body``."""
        self._queue.append(_Answer(status=status, json=json, body=body, headers=headers))

    def error(
        self,
        status: int,
        message: str = "mocked error",
        *,
        json: Any = _NO_JSON,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Queue an error answer: ``status`` with ``{"message": message, ...}`` (or ``json``)."""
        if json is _NO_JSON:
            json = {"object": "error", "message": message, "type": "mock_error", "code": status}
        self._queue.append(_Answer(status=status, json=json, headers=headers))

    def rate_limited(self, retry_after: float = 1, message: str = "Rate limit exceeded") -> None:
        """Queue a 429 answer with ``Retry-After`` (the client retries it)."""
        seconds = int(retry_after) if float(retry_after).is_integer() else retry_after
        self.error(429, message, headers={"retry-after": str(seconds)})

    @property
    def requests(self) -> list[SentRequest]:
        """The requests this group received (every attempt), oldest first."""
        prefix = self._path + "."
        return [
            request
            for request in self._mock.requests
            if request.group == self._path or request.group.startswith(prefix)
        ]

    def __getattr__(self, name: str) -> GroupMock:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._mock._group(f"{self._path}.{name}")

    def __repr__(self) -> str:
        return f"<mistral_mock.{self._path}: {len(self._queue)} answer(s) queued>"


class CompletionMock(GroupMock):
    """The fake API of a completion group (chat, FIM, agents): replies are texts.

    A reply is given whole to ``complete`` and streamed to ``stream`` (one chunk per
    piece, then a final chunk with ``finish_reason`` and ``[DONE]``), whichever the code
    under test calls.
    """

    def reply(  # type: ignore[override]
        self,
        content: str | None = None,
        *,
        json: Any = _NO_JSON,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        finish_reason: str = "stop",
    ) -> None:
        """Queue a completion saying ``content`` (which ends for ``finish_reason``: ``"length"``
        for a reply cut by ``max_tokens``); or an answer of ``json`` / ``body``."""
        if content is None:
            super().reply(json, status=status, headers=headers, body=body)
        else:
            answer = _Answer(
                status=status, chunks=[content], headers=headers, finish_reason=finish_reason
            )
            self._queue.append(answer)

    def reply_stream(self, chunks: Iterable[str], *, finish_reason: str = "stop") -> None:
        """Queue a completion said in these pieces (one streamed chunk each), which ends for
        ``finish_reason``."""
        self._queue.append(_Answer(chunks=list(chunks), finish_reason=finish_reason))

    def tool_call(
        self, name: str, arguments: Mapping[str, Any] | None = None, *, id: str | None = None
    ) -> None:
        """Queue a completion whose message calls the tool ``name`` with ``arguments``."""
        call = {
            "id": id or f"call_{len(self._mock.requests)}{len(self._queue)}",
            "type": "function",
            "function": {"name": name, "arguments": _jsonlib.dumps(dict(arguments or {}))},
        }
        self._queue.append(_Answer(chunks=[""], tool_calls=[call]))


class MistralMock:
    """A fake Mistral API for the duration of a test: ``mistral_mock`` in pytest.

    Outside pytest, use it as a context manager (``with MistralMock() as mock:``).
    Requests to other servers than the Mistral API's operations are not served: add
    routes of your own on :attr:`router` (a ``respx.MockRouter``).
    """

    def __init__(self, *, finish_after: int = DEFAULT_FINISH_AFTER) -> None:
        self.router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        self.router.route(name="mistral").mock(side_effect=self._serve)
        self.requests: list[SentRequest] = []
        """Every request received (every attempt of every call), oldest first."""
        self.waits: list[float] = []
        """The waits between retries and reads of a job, in seconds, once :meth:`no_wait`
        is on."""
        self.statuses = Statuses(finish_after)
        """How jobs, executions and documents move to their end (``mistral_mock.statuses.fail(
        job.id)`` makes a job fail; ``finish_after``: the read that shows the end)."""
        self._routes = _routes()
        self._groups: dict[str, GroupMock] = {}
        self._operations: dict[str, deque[_Answer]] = {}
        from .samples import ConversationTurns

        self._conversations = ConversationTurns("conv-mock", _USAGE)
        """Conversations' answers, which remember the functions each start declared."""

    # --- the groups ------------------------------------------------------------------------

    @property
    def chat(self) -> CompletionMock:
        return self._group("chat")  # type: ignore[return-value]

    @property
    def fim(self) -> CompletionMock:
        return self._group("fim")  # type: ignore[return-value]

    @property
    def agents(self) -> CompletionMock:
        return self._group("agents")  # type: ignore[return-value]

    def __getattr__(self, name: str) -> GroupMock:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._group(name)

    def _group(self, path: str) -> GroupMock:
        group = self._groups.get(path)
        if group is None:
            routes = [r for r in self._routes if r.group == path or r.group.startswith(path + ".")]
            if not routes:
                known = ", ".join(sorted({r.group for r in self._routes}))
                raise AttributeError(
                    f"mistral_mock.{path}: no installed resource group {path!r} "
                    f"(installed: {known})"
                )
            kind = CompletionMock if any(r.completion for r in routes) else GroupMock
            group = self._groups[path] = kind(self, path)
        return group

    # --- answers of one operation ------------------------------------------------------------

    def reply(
        self,
        operation: str,
        json: Any = _NO_JSON,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> None:
        """Queue an answer for one operation, named by its id, ``"files.list"`` or
        ``"GET /v1/files"``; it goes before the answers queued on its group."""
        route = self._find(operation)
        answer = _Answer(status=status, json=json, body=body, headers=headers)
        self._operations.setdefault(route.operation.id, deque()).append(answer)

    def _find(self, name: str) -> _Route:
        method, _, path = name.partition(" ")
        for route in self._routes:
            op = route.operation
            if name in (op.id, f"{route.group}.{route.name}") or (
                path and method.upper() == op.method and path == op.path
            ):
                return route
        raise ValueError(f"mistral_mock: no installed operation {name!r}")

    # --- waits ---------------------------------------------------------------------------

    def no_wait(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make retries and waits for a job wait no time (recorded in :attr:`waits` instead);
        the time a wait for a job reads moves by them, so that its ``timeout`` passes."""
        real = polling.monotonic

        async def async_sleep(seconds: float) -> None:
            self.waits.append(seconds)

        monkeypatch.setattr(_transport, "sleep", self.waits.append)
        monkeypatch.setattr(_transport, "async_sleep", async_sleep)
        monkeypatch.setattr(polling, "monotonic", lambda: real() + sum(self.waits))

    # --- running -------------------------------------------------------------------------

    def start(self) -> None:
        self.router.start()

    def stop(self) -> None:
        self.router.stop(quiet=True)

    def __enter__(self) -> MistralMock:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _serve(self, request: httpx.Request) -> httpx.Response | None:
        route = self._resolve(request)
        if route is None:
            return None  # not ours: respx tries the other routes, then refuses it
        request.__class__ = SentRequest
        sent: SentRequest = request  # type: ignore[assignment]
        sent.operation_id = route.operation.id
        sent.group = route.group
        self.requests.append(sent)
        answer = self._next_answer(route)
        stream = _is_stream(sent)
        if answer is _DEFAULT and route.operation.id in self._conversations.operations:
            reply = self._conversation_reply(sent)
            if reply is not None and stream:
                return _conversation_stream(reply)
            if reply is not None:
                return httpx.Response(200, json=reply)
        return answer.response(route, sent, stream, self.statuses)

    def _conversation_reply(self, request: SentRequest) -> dict[str, Any] | None:
        """A conversation's answer that calls its functions, or answers their results
        (:class:`~.samples.ConversationTurns`)."""
        path = request.url.path
        conversation_id = None if path.endswith("/v1/conversations") else path.rsplit("/", 1)[-1]
        return self._conversations.reply(_body(request), conversation_id, DEFAULT_REPLY)

    def _next_answer(self, route: _Route) -> _Answer:
        queue = self._operations.get(route.operation.id)
        if queue:
            return queue.popleft()
        parts = route.group.split(".")
        for end in range(len(parts), 0, -1):
            group = self._groups.get(".".join(parts[:end]))
            if group is not None and group._queue:
                return group._queue.popleft()
        return _DEFAULT

    def _resolve(self, request: httpx.Request) -> _Route | None:
        path = _path_of(request)
        method = request.method
        gcp = _GCP_PATH.search(path)
        if gcp is not None and method == "POST":
            body = _body(request)
            mistral_path = "/v1/chat/completions" if "messages" in body else "/v1/fim/completions"
            return self._by_path(method, mistral_path)
        for suffix, mistral_path in _AZURE_PATHS.items():
            if path.endswith(suffix) and method == "POST":
                return self._by_path(method, mistral_path)
        found = [r for r in self._routes if r.operation.method == method and r.pattern.search(path)]
        streaming = _is_stream(request)
        return next((r for r in found if r.streams_only == streaming), found[0] if found else None)

    def _by_path(self, method: str, path: str) -> _Route | None:
        return next(
            (r for r in self._routes if r.operation.method == method and r.operation.path == path),
            None,
        )


def _routes() -> list[_Route]:
    """The operations of every installed resource group, the most specific paths first."""
    routes: list[_Route] = []
    for group, entry_point in installed(RESOURCES_GROUP).items():
        try:
            resource: type[Any] = entry_point.load()
        except Exception:  # a broken plugin is not the test's business
            continue
        for name, method in vars(resource).items():
            operation = getattr(method, "operation", None)
            if isinstance(operation, Operation) and not name.endswith("_async"):
                routes.append(_Route(group, name, method))
    routes.sort(key=lambda route: -route.specificity)
    return routes


def _path_of(request: httpx.Request) -> str:
    """The path asked for, as sent (percent-escaped), without the query."""
    return request.url.raw_path.decode("ascii").partition("?")[0]


def _is_stream(request: httpx.Request) -> bool:
    return EVENT_STREAM in request.headers.get("accept", "") or request.url.path.endswith(
        ":streamRawPredict"
    )


def _body(request: httpx.Request) -> dict[str, Any]:
    try:
        body = _jsonlib.loads(request.content)
    except ValueError:
        return {}
    return body if is_object(body) else {}


def _default_reply(request: httpx.Request) -> tuple[Sequence[str], _ToolCalls]:
    """The pieces and tool calls of a completion when nothing was queued: a call of a
    declared function, else a sample of the schema the request asks for (``chat.parse``),
    else :data:`DEFAULT_REPLY`."""
    from .samples import structured_reply, tool_call_reply

    body = _body(request)
    call = tool_call_reply(body)
    if call is not None:
        return [""], [call]
    return [structured_reply(body) or DEFAULT_REPLY], None


def _conversation_stream(reply: Mapping[str, Any]) -> httpx.Response:
    """A conversation's response as the events of its stream (:func:`conversation_events`)."""
    from .samples import conversation_events

    events = conversation_events(reply)
    text = "".join(f"event: {e['type']}\ndata: {_jsonlib.dumps(e)}\n\n" for e in events)
    return httpx.Response(200, content=text.encode(), headers={"content-type": EVENT_STREAM})


def _requested_model(request: httpx.Request) -> str:
    model = _body(request).get("model")
    return model if isinstance(model, str) else "mistral-mock"


_USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
_ids = itertools.count(1)


def _event_stream(
    events: Iterable[Any], headers: Mapping[str, str], status: int = 200, *, done: bool = True
) -> httpx.Response:
    text = "".join(f"data: {_jsonlib.dumps(event)}\n\n" for event in events)
    text += "data: [DONE]\n\n" if done else ""
    return httpx.Response(
        status,
        content=text.encode(),
        headers={"content-type": EVENT_STREAM, **headers},
    )
