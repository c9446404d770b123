"""Completions read into a user's class: the parsed response and what goes wrong reading it.

``chat.parse`` (:mod:`._parse`) asks the model for JSON of the class's schema and gives back
the response as the official SDK does: a :class:`ParsedChatCompletionResponse`, each
choice's message with ``parsed``, the reply read into the class by :mod:`._values` (so
that attrs classes, dataclasses, ``TypedDict`` and pydantic models are all read the same
way). A reply that cannot be read raises a :class:`ParseError` that carries the response,
so that nothing the model said (or was billed for) is lost.
"""

from __future__ import annotations

import json
from typing import Any, Generic, TypeVar

import attrs

from mistral_core.errors import MistralError
from mistral_core.models import Model

from ._values import ReadError, read
from .models import (
    AssistantMessage,
    ChatCompletionChoice,
    ChatCompletionChoiceFinishReason,
    ChatCompletionResponse,
    TextChunk,
)

__all__ = [
    "EmptyReplyError",
    "ParseError",
    "ParsedAssistantMessage",
    "ParsedChatCompletionChoice",
    "ParsedChatCompletionResponse",
    "ReplyNotJSONError",
    "ReplyTruncatedError",
    "ReplyValidationError",
]

T = TypeVar("T")
M = TypeVar("M", bound=Model)

_TRUNCATED = (
    ChatCompletionChoiceFinishReason.LENGTH,
    ChatCompletionChoiceFinishReason.MODEL_LENGTH,
)
"""The finish reasons of a reply cut before its end: its JSON is unfinished."""


# The parsed models are subclasses that are not attrs classes of their own: they have
# the fields of the API's models, and so are written as those (``to_dict()``, a message
# sent back into a conversation), without what was parsed.


class ParsedAssistantMessage(AssistantMessage, Generic[T]):
    """The model's message, and its content read into the class asked for."""

    __slots__ = ("parsed",)
    parsed: T | None
    """The reply as an instance of the class; ``None`` when the model called a tool instead
    of answering. Not sent back: the message goes back into a conversation as it came."""


class ParsedChatCompletionChoice(ChatCompletionChoice, Generic[T]):
    """A choice whose message is parsed."""

    __slots__ = ()
    message: ParsedAssistantMessage[T]  # pyright: ignore[reportIncompatibleVariableOverride]
    """(Narrowed from ``AssistantMessage``: every choice of a parsed response is parsed.)"""


class ParsedChatCompletionResponse(ChatCompletionResponse, Generic[T]):
    """What ``chat.parse`` returns: the completion, each choice's message parsed."""

    __slots__ = ()
    choices: list[ParsedChatCompletionChoice[T]]  # type: ignore[assignment]
    """(Narrowed from ``list[ChatCompletionChoice]``, as ``message`` is: a list is invariant,
    hence the ignore; the official SDK narrows it the same way.)"""


class ParseError(MistralError, ValueError):
    """A reply that is not an instance of the class asked for.

    ``response`` is the whole completion (its ``http`` says which request it answered);
    ``choice`` the index of the choice at fault.
    """

    def __init__(self, problem: str, response: ChatCompletionResponse, choice: int) -> None:
        self.response = response
        self.choice = choice
        super().__init__(f"choice {choice}: {problem}")


class ReplyTruncatedError(ParseError):
    """The reply was cut (``finish_reason`` ``length``): raise ``max_tokens``, or ask for less."""


class EmptyReplyError(ParseError):
    """The reply has no text, and no tool call either."""


class ReplyNotJSONError(ParseError):
    """The reply's text is not JSON."""


class ReplyValidationError(ParseError):
    """The reply's JSON does not fit the class; ``problems``: one ``path: problem`` each."""

    def __init__(
        self, problems: tuple[str, ...], response: ChatCompletionResponse, choice: int
    ) -> None:
        self.problems = problems
        super().__init__("; ".join(problems), response, choice)


def parsed(cls: type[T], response: ChatCompletionResponse) -> ParsedChatCompletionResponse[T]:
    """The response, each choice's reply read as an instance of ``cls``.

    Raises a :class:`ParseError` for the first choice whose reply cannot be read.
    """
    choices = [_parsed_choice(cls, response, choice) for choice in response.choices]
    return _derived(ParsedChatCompletionResponse[T], response, choices=choices)


def _parsed_choice(
    cls: type[T], response: ChatCompletionResponse, choice: ChatCompletionChoice
) -> ParsedChatCompletionChoice[T]:
    message = _derived(ParsedAssistantMessage[T], choice.message)
    message.parsed = _read_reply(cls, response, choice)
    return _derived(ParsedChatCompletionChoice[T], choice, message=message)


def _read_reply(
    cls: type[T], response: ChatCompletionResponse, choice: ChatCompletionChoice
) -> T | None:
    def error(kind: type[ParseError], problem: str) -> ParseError:
        return kind(problem, response, choice.index)

    if choice.finish_reason in _TRUNCATED:
        raise error(
            ReplyTruncatedError,
            f"the reply was cut (finish_reason {str(choice.finish_reason)!r}): its JSON is unfinished",
        )
    text = _text(choice.message)
    if not text.strip():
        if choice.message.tool_calls:  # the model called a tool instead of answering
            return None
        raise error(EmptyReplyError, "the reply is empty")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise error(ReplyNotJSONError, f"the reply is not JSON ({exc}): {text!r:.80}") from None
    try:
        instance: T = read(cls, value, cls.__name__)
    except ReadError as exc:
        raise ReplyValidationError(exc.problems, response, choice.index) from None
    return instance


def _text(message: AssistantMessage) -> str:
    """The text of a message: its content, or the text of its text chunks (not its thinking)."""
    content = message.content
    if isinstance(content, str):
        return content
    if not content:
        return ""
    return "".join(chunk.text for chunk in content if isinstance(chunk, TextChunk))


def _derived(kind: type[M], model: Model, **changes: Any) -> M:
    """``model`` as an instance of its subclass ``kind``, with ``changes``; the fields the
    server sent that no model knows, and the HTTP exchange, kept."""
    source: Any = type(model)  # an attrs class, as every API model is
    values = {a.alias: getattr(model, a.name) for a in attrs.fields(source)}
    derived = kind(**{**values, **changes})
    for state in ("_extra", "_http"):
        if hasattr(model, state):
            object.__setattr__(derived, state, getattr(model, state))
    return derived
