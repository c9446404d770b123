"""What a function's docstring says of the function and of each parameter.

A tool's description and its parameters' descriptions are what the model reads to choose
and call it; people write them once, in the docstring, in one of three styles:

* Google: an ``Args:`` section of ``name (type): text`` lines;
* NumPy: a ``Parameters`` section underlined with dashes, of ``name : type`` lines with
  the text indented below;
* reST: ``:param name: text`` (or ``:param type name: text``) fields.

The description is the text before the first section. Nothing else is read.
"""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Iterator, Sequence

import attrs

__all__ = ["Docstring", "parse_docstring"]

_GOOGLE_PARAMETERS = re.compile(
    r"(Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments|Other Parameters):"
)
_GOOGLE_SECTION = re.compile(
    r"(Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments|Other Parameters"
    r"|Returns?|Yields?|Raises|Examples?|Notes?|Attributes|Warnings?|See Also|References"
    r"|Todo):"
)
_NUMPY_PARAMETERS = ("Parameters", "Other Parameters")
_UNDERLINE = re.compile(r"-{3,}")
_GOOGLE_ENTRY = re.compile(r"\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)")
_REST_FIELD = re.compile(r":\w[^:]*:")
_REST_PARAMETER = re.compile(
    r":(?:param|parameter|arg|argument|key|keyword)\s+(?:[^:]*\s)?\*{0,2}(\w+)\s*:\s*(.*)"
)


@attrs.frozen
class Docstring:
    description: str
    parameters: dict[str, str]
    """Parameter name -> its description, on one line."""


def parse_docstring(doc: str | None) -> Docstring:
    lines = inspect.cleandoc(doc or "").splitlines()
    description = "\n".join(lines[: _first_section(lines)]).strip()
    return Docstring(description, {**_google(lines), **_numpy(lines), **_rest(lines)})


def _first_section(lines: Sequence[str]) -> int:
    for number, line in enumerate(lines):
        text = line.strip()
        if (
            _GOOGLE_SECTION.fullmatch(text)
            or _REST_FIELD.match(text)
            or _numpy_header(lines, number)
        ):
            return number
    return len(lines)


def _google(lines: Sequence[str]) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for number, line in enumerate(lines):
        if _GOOGLE_PARAMETERS.fullmatch(line.strip()):
            for head, text in _entries(_below(lines[number + 1 :], _indent(line))):
                if entry := _GOOGLE_ENTRY.fullmatch(head):
                    parameters[entry[1]] = _joined(entry[2], text)
    return parameters


def _below(lines: Sequence[str], indent: int) -> list[str]:
    """The first lines indented deeper than ``indent`` (blank lines included)."""
    return list(itertools.takewhile(lambda line: not line.strip() or _indent(line) > indent, lines))


def _numpy(lines: Sequence[str]) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for number, line in enumerate(lines):
        if line.strip() in _NUMPY_PARAMETERS and _numpy_header(lines, number):
            end = next(
                (n for n in range(number + 2, len(lines)) if _numpy_header(lines, n)), len(lines)
            )
            for head, text in _entries(lines[number + 2 : end]):
                for name in head.partition(":")[0].split(","):
                    parameters[name.strip().lstrip("*")] = text
    return parameters


def _rest(lines: Sequence[str]) -> dict[str, str]:
    start = next((n for n, line in enumerate(lines) if _REST_FIELD.match(line)), len(lines))
    parameters: dict[str, str] = {}
    for head, text in _entries(lines[start:]):
        if field := _REST_PARAMETER.fullmatch(head):
            parameters[field[1]] = _joined(field[2], text)
    return parameters


def _numpy_header(lines: Sequence[str], number: int) -> bool:
    """Whether the line is a NumPy section's title: text, then a line of dashes."""
    return (
        number + 1 < len(lines)
        and bool(lines[number].strip())
        and bool(_UNDERLINE.fullmatch(lines[number + 1].strip()))
    )


def _entries(body: Sequence[str]) -> Iterator[tuple[str, str]]:
    """The entries of an indented list: each line at the list's indent, with the text of
    the lines indented below it, on one line."""
    lines = [line for line in body if line.strip()]
    if not lines:
        return
    indent = _indent(lines[0])
    head, text = lines[0].strip(), list[str]()
    for line in lines[1:]:
        if _indent(line) <= indent:
            yield head, " ".join(text)
            head, text = line.strip(), list[str]()
        else:
            text.append(line.strip())
    yield head, " ".join(text)


def _joined(first: str, rest: str) -> str:
    return f"{first} {rest}".strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
