"""Deterministic JSON samples of any model: what a fake API answers, what a test sends.

``sample_json(Model)`` gives the JSON of a valid instance: every required field, and with
``full=True`` every optional one too, each with a simple value of its type (the first
member of a union, the first value of an enum, the first variant of a tagged union).
A non-zero ``seed`` changes every free string (``"sample-7"`` instead of ``"sample"``), so
that ids differ from one seed to another; the default, 0, gives the plain samples.
A model that contains itself (a tree of spans) is sampled one level deep. :func:`paged`
makes the sample answer of a list in pages one of two pages, so that iterating it ends;
:func:`streams_only` and :func:`answers_nothing` say what a fake API answers, and
:func:`structured_reply` what it replies to a chat request for JSON of a schema
(``chat.parse``), a sample of that schema (:func:`schema_sample`); :func:`tool_call_reply`
the call of a declared function it answers instead, with sample arguments, and
:func:`tool_call_deltas` how a stream says it; :func:`conversation_reply` the same for a
conversation (``conversations.run``), :class:`ConversationTurns` whole responses of it and
:func:`conversation_events` their streams.
"""

from __future__ import annotations

import enum
import hashlib
import itertools
import json
import threading
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

import attrs

from mistral_core import serde
from mistral_core._guards import is_array, is_object
from mistral_core.models import Tagged, UnknownVariant, Unset, resolved_fields

if TYPE_CHECKING:
    from mistral_core import Operation

_PRIMITIVES: dict[Any, Any] = {str: "sample", int: 1, float: 0.5, bool: True, Any: "sample"}


def sample_json(
    cls: type, *, full: bool = False, seed: int = 0, _outer: tuple[type, ...] = ()
) -> Any:
    """The JSON object of a valid ``cls``."""
    full = full and cls not in _outer  # inside itself: the required fields only
    return {
        a.metadata.get(serde.JSON_NAME, a.name): sample_value(
            a.type, full=full, seed=seed, _outer=(*_outer, cls)
        )
        for a in resolved_fields(cls)
        if full or a.default is attrs.NOTHING or _is_literal(a.type)
    }


def sample_value(
    kind: Any, *, full: bool = False, seed: int = 0, _outer: tuple[type, ...] = ()
) -> Any:
    """A JSON value of type ``kind``, as the models of ``mistral_core.models`` spell types."""
    return _sample(kind, full, seed, _outer)


def _sample(kind: Any, full: bool, seed: int, outer: tuple[type, ...]) -> Any:
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if kind in _PRIMITIVES:
        value = _PRIMITIVES[kind]
        return f"{value}-{seed}" if seed and isinstance(value, str) else value
    if _is_enum(kind):
        return next(iter(kind)).value
    if origin is typing.Literal:
        return arguments[0]
    if origin is typing.Annotated:
        tagged = next(m for m in arguments[1:] if isinstance(m, Tagged))  # the metadata
        variant = next(v for v in typing.get_args(arguments[0]) if v is not UnknownVariant)
        return {
            **sample_json(variant, full=full, seed=seed, _outer=outer),
            tagged.tag: _tag_of(variant, tagged.tag),
        }
    if origin in (typing.Union, type(int | str)):
        members = [m for m in arguments if m not in (type(None), Unset)]
        return _sample(members[0], full, seed, outer) if members else None
    if origin is list:
        if not arguments or (outer and _contains(arguments[0], outer[-1])):
            return []  # a tree ends here
        return [_sample(arguments[0], full, seed, outer)]
    if origin is dict:
        return {"key": _sample(arguments[1], full, seed, outer)} if arguments else {}
    if attrs.has(kind):
        return sample_json(kind, full=full, seed=seed, _outer=outer)
    if kind is type(None):
        return None
    raise TypeError(f"no sample for {kind!r}")


def _is_enum(kind: object) -> TypeGuard[type[enum.Enum]]:
    return isinstance(kind, type) and issubclass(kind, enum.Enum)


def _contains(kind: Any, cls: type) -> bool:
    """Whether ``kind`` is ``cls`` or a union with it."""
    return kind is cls or cls in typing.get_args(kind)


def _is_literal(kind: Any) -> bool:
    return typing.get_origin(kind) is typing.Literal


def _tag_of(variant: type, tag: str) -> Any:
    default = attrs.fields_dict(variant)[tag].default
    return default.value if isinstance(default, enum.Enum) else default


def paged(operation: Operation[Any, Any], answer: Any, query: Mapping[str, Any]) -> Any:
    """``answer`` as one of two pages of a list: a page asked for with a cursor (or a
    non-zero offset) is the last one, so that iterating the list ends."""
    pages = operation.pages
    if pages is None or not is_object(answer):
        return answer
    fields = attrs.fields_dict(operation.model(operation.returns))

    def key(name: str) -> str:
        return str(fields[name].metadata.get(serde.JSON_NAME, name))

    if pages.cursor and query.get(pages.cursor):
        answer[key(pages.next_cursor)] = None
    elif pages.offset and query.get(pages.offset) not in (None, "0", ["0"]):
        answer[key(pages.items)] = []
    return answer


def streams_only(operation: Operation[Any, Any]) -> bool:
    """Whether an operation only streams (``#stream`` in the spec): it shares its path with
    one that answers JSON, and a fake API tells them apart by the ``accept`` header."""
    return bool(operation.events) and not operation.returns


def answers_nothing(method: Any) -> bool:
    """Whether a resource method returns ``None``: the API answers it without a body (204)."""
    annotations = getattr(method, "__annotations__", {})
    return "return" in annotations and annotations["return"] in ("None", None)


def structured_reply(request: Any) -> str | None:
    """The reply a fake API gives a chat request asking for JSON of a schema
    (``response_format={"type": "json_schema", ...}``, what ``chat.parse`` sends); None
    for any other request."""
    response_format = request.get("response_format") if is_object(request) else None
    if not is_object(response_format) or response_format.get("type") != "json_schema":
        return None
    wrapper = response_format.get("json_schema")
    schema = wrapper.get("schema") if is_object(wrapper) else None
    return json.dumps(schema_sample(schema if is_object(schema) else {}))


def tool_call_reply(request: Any) -> dict[str, Any] | None:
    """The tool call a fake API answers a chat request with, so that code that runs tools
    can be tested without the network; None when the answer is text as usual.

    A request that declares functions (``tools``), lets the model call them
    (``tool_choice`` is not ``"none"``) and ends with the user's message gets a call of
    the function ``tool_choice`` names (if declared), else of the first one, its arguments
    a sample of its parameters (a JSON string, as the API sends them). A tool's result
    (the last message is a ``tool`` one) is answered with text, which ends the loop.
    """
    if not is_object(request) or request.get("tool_choice") == "none":
        return None
    messages = request.get("messages")
    last = messages[-1] if is_array(messages) and messages else None
    if not is_object(last) or last.get("role") != "user":
        return None
    functions = _functions(request.get("tools"))
    if not functions:
        return None
    choice = request.get("tool_choice")
    named = choice.get("function") if is_object(choice) else None
    wanted = named.get("name") if is_object(named) else None
    function = next((f for f in functions if f["name"] == wanted), functions[0])
    call_id, arguments = _sample_call(function, messages)
    return {
        "id": call_id,
        "type": "function",
        "index": 0,
        "function": {"name": function["name"], "arguments": arguments},
    }


def conversation_reply(request: Any, tools: Any, text: str) -> dict[str, Any] | None:
    """The output entry a fake API answers a conversation's start or append with, so that
    a run loop (``conversations.run``) can be tested without the network; None when the
    answer is a sample as usual.

    Inputs that end with the user's message, in a conversation that declares functions
    (``tools``, of its start), get a call of the first one (a ``function.call`` entry, its
    arguments a sample of its parameters, as :func:`tool_call_reply`). A function's
    result (the last input is a ``function.result``) or a request for JSON of a schema
    (``completion_args.response_format``) is answered with a message: ``text``, or a
    sample of the schema.
    """
    if not is_object(request):
        return None
    inputs = request.get("inputs")
    last = inputs[-1] if is_array(inputs) and inputs else None
    by_user = isinstance(inputs, str) or (
        is_object(last)
        and last.get("role") == "user"
        and last.get("type", "message.input") == "message.input"
    )
    functions = _functions(tools)
    if by_user and functions:
        call_id, arguments = _sample_call(functions[0], inputs)
        return {
            "object": "entry",
            "type": "function.call",
            "tool_call_id": call_id,
            "name": functions[0]["name"],
            "arguments": arguments,
        }
    structured = structured_reply(request.get("completion_args"))
    answered = is_object(last) and last.get("type") == "function.result"
    if structured is None and not answered:
        return None
    content = structured if structured is not None else text
    return {"object": "entry", "type": "message.output", "role": "assistant", "content": content}


CONVERSATION_TURNS = tuple(
    f"agents_api_v1_conversations_{name}"
    for name in ("start", "append", "start_stream", "append_stream")
)
"""The operations whose default answer may call a conversation's functions."""


class ConversationTurns:
    """A fake API's answers to conversations' starts and appends (:func:`conversation_reply`),
    each a whole ``conversation.response``; the functions a start declares are remembered
    for the appends to its conversation. Safe to share between threads."""

    operations = CONVERSATION_TURNS

    def __init__(self, id_prefix: str, usage: Mapping[str, int]) -> None:
        self._prefix = id_prefix
        self._usage = dict(usage)
        self._tools: dict[str, Any] = {}
        self._count = itertools.count(1)
        self._lock = threading.Lock()

    def reply(self, request: Any, conversation_id: str | None, text: str) -> dict[str, Any] | None:
        """The response to ``request``, a start (``conversation_id`` None) or an append;
        None when the answer is a sample as usual."""
        with self._lock:
            if conversation_id is None:
                conversation_id = f"{self._prefix}-{next(self._count)}"
                tools = request.get("tools") if is_object(request) else None
            else:
                tools = self._tools.get(conversation_id)
            output = conversation_reply(request, tools, text)
            if output is None:
                return None
            self._tools.setdefault(conversation_id, tools)
        return {
            "object": "conversation.response",
            "conversation_id": conversation_id,
            "outputs": [output],
            "usage": dict(self._usage),
        }


def conversation_events(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A conversation's response as the events of its stream: started, each output in
    two pieces (a message's text, a call's arguments), done."""
    events: list[dict[str, Any]] = [
        {"type": "conversation.response.started", "conversation_id": response["conversation_id"]}
    ]
    for index, output in enumerate(response["outputs"]):
        if output["type"] == "function.call":
            kind, key = "function.call.delta", "arguments"
            fields = {"name": output["name"], "tool_call_id": output["tool_call_id"]}
        else:
            kind, key, fields = "message.output.delta", "content", {"role": "assistant"}
        text = output[key]
        for piece in (text[: len(text) // 2], text[len(text) // 2 :]):
            event = {"type": kind, "output_index": index, "id": f"out-{index}", key: piece}
            events.append({**event, **fields})
    events.append({"type": "conversation.response.done", "usage": response["usage"]})
    return events


def _functions(tools: Any) -> list[Mapping[str, Any]]:
    """The functions declared in a request's ``tools`` (each with a name)."""
    return [
        tool["function"]
        for tool in tools or ()
        if is_object(tool)
        and tool.get("type", "function") == "function"
        and is_object(tool.get("function"))
        and isinstance(tool["function"].get("name"), str)
    ]


def _sample_call(function: Mapping[str, Any], seen: Any) -> tuple[str, str]:
    """The id and arguments (a JSON string, as the API sends them) of a call of
    ``function``: a sample of its parameters, an id that differs with what came before."""
    parameters = function.get("parameters")
    # parameters are an object's schema, whether or not they say "type": "object"
    schema = {"type": "object", **(parameters if is_object(parameters) else {})}
    arguments = json.dumps(schema_sample(schema))
    key = json.dumps([function["name"], seen], sort_keys=True).encode()
    return hashlib.sha256(key).hexdigest()[:9], arguments  # 9 characters, as the API's ids


def tool_call_deltas(calls: Sequence[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """The deltas of a streamed completion that calls ``calls`` (each as in a whole
    message, its arguments a JSON string), before its last chunk (``finish_reason``).

    The assistant's empty content comes first; then each call's id and name with a first
    piece of its arguments, and the other pieces with only their ``index``, so that a
    client must join the pieces of a call by index. Those have an empty ``name``, not
    none: the API's schema requires one in every function call (a typed client rejects a
    chunk without it), and joined it changes nothing.
    """
    yield {"role": "assistant", "content": ""}
    for index, call in enumerate(calls):
        name, arguments = call["function"]["name"], call["function"]["arguments"]
        size = max(1, min(_ARGUMENTS_PIECE, len(arguments) // 2))  # two pieces at least
        pieces = [arguments[start : start + size] for start in range(0, len(arguments), size)]
        function = {"name": name, "arguments": pieces[0]}
        yield {
            "tool_calls": [
                {"id": call["id"], "type": "function", "index": index, "function": function}
            ]
        }
        for piece in pieces[1:]:
            yield {"tool_calls": [{"index": index, "function": {"name": "", "arguments": piece}}]}


_ARGUMENTS_PIECE = 16
"""The most characters of a tool call's arguments one streamed chunk carries."""


def schema_sample(schema: Mapping[str, Any]) -> Any:
    """A JSON value valid for ``schema``: every property, one item a list, the first
    value of an enum, the first branch of a union that is not ``null``.

    A definition that contains itself (``$ref`` to an enclosing ``$defs`` entry) is
    sampled one level deep: its lists are empty, its nullable fields ``null``.
    """
    defs = schema.get("$defs")
    found = _from_schema(schema, defs if is_object(defs) else {}, frozenset())
    return None if found is _UNSAMPLED else found


_UNSAMPLED = object()
"""What a definition already being sampled gives: its caller picks another value."""
_FORMATS = {"date-time": "2024-01-01T00:00:00Z", "date": "2024-01-01"}


def _from_schema(node: Mapping[str, Any], defs: Mapping[str, Any], seen: frozenset[str]) -> Any:
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        target = defs.get(name)
        if name in seen or not is_object(target):
            return _UNSAMPLED
        return _from_schema(target, defs, seen | {name})
    if "const" in node:
        return node["const"]
    if is_array(node.get("enum")) and node["enum"]:
        return node["enum"][0]
    for union in ("anyOf", "oneOf", "allOf"):
        branches = [b for b in node.get(union) or () if is_object(b)]
        if branches:
            return _first_branch(branches, defs, seen)
    kind = node.get("type")
    if is_array(kind):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = node.get("properties")
        fields = properties.items() if is_object(properties) else ()
        values = {name: _from_schema(sub, defs, seen) for name, sub in fields if is_object(sub)}
        return {name: None if v is _UNSAMPLED else v for name, v in values.items()}
    if kind == "array":
        items = node.get("items")
        item = _from_schema(items, defs, seen) if is_object(items) else "sample"
        return [] if item is _UNSAMPLED else [item]
    return _SCALARS.get(kind, _FORMATS.get(node.get("format", ""), "sample"))


_SCALARS: dict[Any, Any] = {"integer": 1, "number": 0.5, "boolean": True, "null": None}


def _first_branch(
    branches: Sequence[Mapping[str, Any]], defs: Mapping[str, Any], seen: frozenset[str]
) -> Any:
    """The sample of the first branch that is not ``null`` and can be sampled; else null."""
    for branch in branches:
        if branch.get("type") != "null":
            found = _from_schema(branch, defs, seen)
            if found is not _UNSAMPLED:
                return found
    return None
