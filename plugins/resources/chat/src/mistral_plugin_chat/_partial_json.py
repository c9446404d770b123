"""The value of JSON that is still being written: what a streamed reply says so far.

:class:`PartialJSON` is fed the text as it arrives and reads it one character at a time,
once, keeping where each open object or array stands. :meth:`PartialJSON.value` closes
what is open and parses that with :func:`json.loads`: a string being written is kept as
far as it goes; a number, ``true``/``false``/``null``, or a key whose value has not
started yet are left out until they are whole (``12`` may still become ``123``).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["PartialJSON"]

_OPENERS = {"{": "}", "[": "]"}
_WHITESPACE = " \t\r\n"


class _Container:
    """An open object or array: what it expects next, and where its last member ends."""

    __slots__ = ("closer", "expects", "member_end")

    def __init__(self, closer: str, member_end: int) -> None:
        self.closer = closer
        self.expects = "key" if closer == "}" else "value"
        """``key``, ``colon``, ``value`` or ``comma``."""
        self.member_end = member_end
        """Where the text up to the last whole member (or the opening bracket) ends."""


class PartialJSON:
    """JSON text read as it arrives; :meth:`value` is its value so far."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._length = 0
        self._open: list[_Container] = []
        self._string: str | None = None
        """In a string: ``"key"`` or ``"value"``; else ``None``."""
        self._escaped = False
        self._hex_left = 0
        """The hex digits of a ``\\u`` escape still to come."""
        self._surrogate = False
        """Whether the last escape was the first half of a surrogate pair."""
        self._escape_start = -1
        """Where the string's unfinished escape (``\\`` or ``\\uXX``, or a surrogate pair's
        first half) starts; -1: none."""
        self._token_start = -1
        """Where an unfinished number or literal starts; -1: none."""
        self._done = False

    def feed(self, text: str) -> None:
        """Read more of the text."""
        for char in text:
            self._read(char)
            self._text.append(char)
            self._length += 1

    def value(self) -> Any:
        """The value of the text so far, its open strings and containers closed; ``None``
        until a value has started that can be shown (or for text that is not JSON)."""
        text = "".join(self._text)
        end, closing = self._completion()
        try:
            return json.loads(text[:end] + closing)
        except ValueError:
            return None

    def _read(self, char: str) -> None:
        at = self._length
        if self._string is not None:
            self._read_in_string(char, at)
            return
        if self._token_start >= 0:
            if char not in _WHITESPACE and char not in ",]}":
                return  # the number or literal goes on
            self._token_start = -1
            self._value_done(at)
        if char in _WHITESPACE:
            return
        top = self._open[-1] if self._open else None
        if char == '"':
            self._string = "key" if top is not None and top.expects == "key" else "value"
        elif char in _OPENERS:
            self._open.append(_Container(_OPENERS[char], at + 1))
        elif char in "}]":
            if self._open:
                self._open.pop()
                self._value_done(at + 1)
        elif char == ":" and top is not None:
            top.expects = "value"
        elif char == "," and top is not None:
            top.expects = "key" if top.closer == "}" else "value"
        else:
            self._token_start = at

    def _read_in_string(self, char: str, at: int) -> None:
        if self._hex_left:
            self._hex_left -= 1
            if not self._hex_left:
                digits = "".join(self._text[at - 3 : at]) + char
                if _is_high_surrogate(digits):  # half a character: kept out until its pair
                    self._surrogate = True
                else:
                    self._escape_start = -1
            return
        if self._escaped:  # the character after the backslash
            self._escaped = False
            if char == "u":
                self._hex_left = 4
            else:
                self._escape_start = -1
            return
        if self._surrogate:
            self._surrogate = False
            if char == "\\":  # the pair's second half
                self._escaped = True
                return
            self._escape_start = -1
        if char == "\\":
            self._escaped = True
            self._escape_start = at
        elif char == '"':
            kind, self._string = self._string, None
            if kind == "key":
                self._open[-1].expects = "colon"
            else:
                self._value_done(at + 1)

    def _value_done(self, end: int) -> None:
        """A whole value ends at ``end``: it is its container's last member."""
        if not self._open:
            self._done = True
            return
        top = self._open[-1]
        top.expects = "comma"
        top.member_end = end

    def _completion(self) -> tuple[int, str]:
        """How much of the text to keep, and what closes it."""
        end = self._length
        suffix = ""
        if self._string == "value":
            if self._escape_start >= 0:
                end = self._escape_start
            suffix = '"'
        elif self._open and (
            self._string == "key" or self._token_start >= 0 or self._open[-1].expects != "comma"
        ):  # an unfinished member: left out, from after the last whole one
            end = self._open[-1].member_end
        elif self._token_start >= 0:  # a number or literal alone, maybe unfinished
            end = self._token_start if not self._done else end
        return end, suffix + "".join(c.closer for c in reversed(self._open))


def _is_high_surrogate(digits: str) -> bool:
    try:
        return 0xD800 <= int(digits, 16) <= 0xDBFF
    except ValueError:  # not hex: not JSON, which value() says
        return False
