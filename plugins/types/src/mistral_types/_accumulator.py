"""A completion put together from the chunks of its stream, as the API would have sent it whole.

Sans-IO: :class:`CompletionAccumulator` is fed the JSON of each chunk, in order, and gives
the JSON of the whole answer; reading it into a model, and the stream, are
:mod:`._streams`'s job. It works on JSON so that what this client does not model yet
(a field the server added) is kept, and so that one accumulator serves every completion
(chat, FIM, agents): the same chunks, a different model read from the result.

What a chunk adds to its choice (``choices[i]``, by ``index``):

- ``delta.content``: text is appended; content chunks (a list) are appended, a text
  chunk to the text chunk before it, a thinking chunk's text to the thinking before it;
- ``delta.tool_calls``: a call starts at its first chunk and is continued by the chunks of
  the same ``index`` (its ``function.arguments`` text appended);
- ``finish_reason``, and any other field: the last value sent (``null`` is no value).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mistral_core._guards import is_array, is_mapping

__all__ = ["INCOMPLETE", "CompletionAccumulator"]

INCOMPLETE = "incomplete"
"""The ``finish_reason`` of a choice the stream did not finish (it was cut, or closed)."""

_NO_USAGE = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
"""The usage of an answer whose stream sent none (the API's default for each count)."""


class CompletionAccumulator:
    """The whole answer of a completion stream, from its chunks' JSON."""

    __slots__ = ("_choices", "_fields")

    def __init__(self) -> None:
        self._fields: dict[str, Any] = {}
        """The answer's own fields (``id``, ``model``, ``usage``...): the last value sent."""
        self._choices: dict[int, _Choice] = {}

    def add(self, chunk: Mapping[str, Any]) -> None:
        """Add one chunk (the JSON of one event's data)."""
        for key, value in chunk.items():
            if key == "choices":
                for choice in value or ():
                    self._choice(choice.get("index", 0)).add(choice)
            elif value is not None:
                self._fields[key] = value

    def response(self) -> dict[str, Any]:
        """The JSON of the whole answer so far, as ``complete`` would have received it."""
        fields = dict(self._fields)
        if fields.get("object", "").endswith(".chunk"):
            fields["object"] = fields["object"].removesuffix(".chunk")
        fields.setdefault("usage", _NO_USAGE)
        fields["choices"] = [self._choices[index].json(index) for index in sorted(self._choices)]
        return fields

    def _choice(self, index: int) -> _Choice:
        choice = self._choices.get(index)
        if choice is None:
            choice = self._choices[index] = _Choice()
        return choice


class _Choice:
    """One choice of the answer: its message, from the deltas, and how it finished."""

    __slots__ = ("_calls", "_content", "_fields", "_message", "_text")

    def __init__(self) -> None:
        self._fields: dict[str, Any] = {}
        self._message: dict[str, Any] = {}
        """The message's fields but content and tool calls: the last value sent."""
        self._text: list[str] = []
        """Text not yet put into :attr:`_content` (plain text content: all of it)."""
        self._content: list[dict[str, Any]] | None = None
        """Content chunks, once the message has sent any."""
        self._calls: dict[int, dict[str, Any]] = {}

    def add(self, choice: Mapping[str, Any]) -> None:
        for key, value in choice.items():
            if key == "delta":
                self._add_delta(value)
            elif key != "index" and value is not None:
                self._fields[key] = value

    def _add_delta(self, delta: Mapping[str, Any]) -> None:
        for key, value in delta.items():
            if value is None:
                continue
            if key == "content":
                if isinstance(value, str):
                    self._text.append(value)
                else:
                    self._add_chunks(value)
            elif key == "tool_calls":
                for call in value:
                    self._add_call(call)
            else:
                self._message[key] = value

    def _add_chunks(self, chunks: list[dict[str, Any]]) -> None:
        content = self._chunks()
        for chunk in chunks:
            last = content[-1] if content else None
            if chunk.get("type") == "text":
                self._add_chunks_text(chunk.get("text", ""))
            elif last is not None and last.get("type") == chunk.get("type") == "thinking":
                _extend_thinking(last, chunk)
            else:
                content.append(_copied(chunk))

    def _add_chunks_text(self, text: str) -> None:
        """Text appended to the content's last chunk if it is text, else a text chunk."""
        assert self._content is not None
        last = self._content[-1] if self._content else None
        if last is not None and last.get("type") == "text":
            last["text"] += text
        else:
            self._content.append({"type": "text", "text": text})

    def _chunks(self) -> list[dict[str, Any]]:
        """The content as chunks, the text received as plain text added to them."""
        if self._content is None:
            self._content = []
        text = "".join(self._text)
        self._text.clear()
        if text:
            self._add_chunks_text(text)
        return self._content

    def _add_call(self, call: Mapping[str, Any]) -> None:
        index = call.get("index")
        if index is None:  # no index: a call sent whole, or the rest of the last one
            starts = call.get("id") is not None or "name" in (call.get("function") or {})
            index = len(self._calls) if starts or not self._calls else max(self._calls)
        known = self._calls.get(index)
        if known is None:
            self._calls[index] = _copied(call)
            return
        for key, value in call.items():
            if key == "function":
                _extend_function(known.setdefault("function", {}), value)
            elif value is not None and known.get(key) is None:
                known[key] = value

    def json(self, index: int) -> dict[str, Any]:
        message = dict(self._message)
        message.setdefault("role", "assistant")
        if self._content is None:
            message["content"] = "".join(self._text)
        else:
            message["content"] = self._chunks()
        if self._calls:
            message["tool_calls"] = [self._calls[i] for i in sorted(self._calls)]
        fields = {"finish_reason": INCOMPLETE, **self._fields}
        return {"index": index, "message": message, **fields}


def _extend_function(known: dict[str, Any], more: Mapping[str, Any]) -> None:
    """A tool call's function, continued: its arguments' text appended."""
    for key, value in more.items():
        if value is None:
            continue
        if key == "arguments" and isinstance(value, str) and isinstance(known.get(key), str):
            known[key] += value
        elif key not in known or key == "arguments":
            known[key] = value


def _extend_thinking(last: dict[str, Any], chunk: Mapping[str, Any]) -> None:
    """A thinking chunk continued by the next: its text appended."""
    parts: list[dict[str, Any]] = last.setdefault("thinking", [])
    for part in chunk.get("thinking") or ():
        if parts and parts[-1].get("type") == part.get("type") == "text":
            parts[-1]["text"] += part.get("text", "")
        else:
            parts.append(dict(part))
    for key, value in chunk.items():
        if key not in ("type", "thinking") and value is not None:
            last[key] = value


def _copied(value: Mapping[str, Any]) -> dict[str, Any]:
    """A copy deep enough to extend (the chunk's own JSON is left as it came)."""
    return {key: _copied_value(item) for key, item in value.items()}


def _copied_value(value: Any) -> Any:
    if is_mapping(value):
        return _copied(value)
    if is_array(value):
        return [_copied_value(item) for item in value]
    return value
