"""Message content in the conventions' form, for the opt-in ``gen_ai.*.messages`` attributes.

Only texts are kept, each passed through the redaction hook first: message texts, tool
calls' arguments and tools' results. Images, documents and audio are named by their
type, never copied (they can be megabytes, and are no easier to redact).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mistral_core._guards import is_array, is_mapping
from mistral_core.models import Model

from ._attributes import field_of

if TYPE_CHECKING:
    from ._plugin import Redact

Message = dict[str, Any]
Part = dict[str, Any]


def input_messages(body: Mapping[str, Any], redact: Redact) -> list[Message]:
    """What was sent: chat and agent messages, conversation inputs, or a FIM prompt."""
    messages = body.get("messages", body.get("inputs"))
    if isinstance(messages, str):  # a conversation's input, as one text
        return [{"role": "user", "parts": [_text(messages, redact)]}]
    if is_array(messages):
        return [_message(message, redact) for message in messages if is_mapping(message)]
    prompt, suffix = body.get("prompt"), body.get("suffix")
    texts = [text for text in (prompt, suffix) if isinstance(text, str)]
    return [{"role": "user", "parts": [_text(text, redact) for text in texts]}] if texts else []


def system_instructions(body: Mapping[str, Any], redact: Redact) -> list[Part]:
    """An agent's or a conversation's ``instructions``, given beside the messages."""
    instructions = body.get("instructions")
    return [_text(instructions, redact)] if isinstance(instructions, str) else []


def output_messages(result: Any, redact: Redact) -> list[Message]:
    """What came back: each choice's message, or a conversation's output entries."""
    choices = field_of(result, "choices")
    if is_array(choices):
        outputs: list[Message] = []
        for choice in choices:
            message = _message(_json(field_of(choice, "message")) or {}, redact)
            message["finish_reason"] = str(field_of(choice, "finish_reason") or "")
            outputs.append(message)
        return outputs
    entries = field_of(result, "outputs")
    if is_array(entries):
        return [_message(_json(entry), redact) for entry in entries]
    return []


def _json(value: Any) -> Any:
    return value.to_dict() if isinstance(value, Model) else value


def _message(message: Mapping[str, Any], redact: Redact) -> Message:
    """One message (or conversation entry) of the API as the conventions write it."""
    kind = message.get("type")
    if kind == "function.call":  # a conversation's tool call entry
        return {"role": "assistant", "parts": [_tool_call(message, message, redact)]}
    role = message.get("role") or "assistant"
    content = message.get("content")
    if role == "tool" or kind == "function.result":
        answer = message.get("result", content)
        text = answer if isinstance(answer, str) else _joined_text(answer)
        response = {"type": "tool_call_response", "response": redact(text)}
        return {"role": "tool", "parts": [{**response, "id": message.get("tool_call_id")}]}
    parts: list[Part] = []
    if isinstance(content, str):
        parts.append(_text(content, redact))
    elif is_array(content):
        parts.extend(_chunk(chunk, redact) for chunk in content if is_mapping(chunk))
    calls = message.get("tool_calls")
    if is_array(calls):
        for call in calls:
            if is_mapping(call):
                function = call.get("function")
                parts.append(_tool_call(call, function if is_mapping(function) else {}, redact))
    return {"role": role, "parts": parts}


def _tool_call(call: Mapping[str, Any], function: Mapping[str, Any], redact: Redact) -> Part:
    arguments = function.get("arguments")
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    identifier = call.get("tool_call_id", call.get("id"))
    name = function.get("name")
    return {"type": "tool_call", "id": identifier, "name": name, "arguments": redact(text)}


def _chunk(chunk: Mapping[str, Any], redact: Redact) -> Part:
    """A text chunk's text; any other chunk (an image, a document...) by its type only."""
    text = chunk.get("text")
    if chunk.get("type") == "text" and isinstance(text, str):
        return _text(text, redact)
    return {"type": str(chunk.get("type"))}


def _joined_text(content: Any) -> str:
    if not is_array(content):
        return ""
    texts = (chunk.get("text") for chunk in content if is_mapping(chunk))
    return "".join(text for text in texts if isinstance(text, str))


def _text(text: str, redact: Redact) -> Part:
    return {"type": "text", "content": redact(text)}
