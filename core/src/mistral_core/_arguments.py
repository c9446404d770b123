"""Unexpected keyword arguments, told the way Python tells them, with the name meant.

A generated method ends with ``**options: Unpack[CallOptions]``, so Python lets any
keyword through and :class:`~mistral_core.PreparedCall` finds the unknown ones. Only
then, on the error path, is the stack read to name the method the caller called
(``Chat.complete()``, not the operation id it shares with ``Chat.stream()``) and to
suggest the closest of its parameters: nothing here runs for a call that succeeds.
"""

from __future__ import annotations

import difflib
import inspect
import sys
from collections.abc import Collection, Iterable, Mapping
from types import FrameType
from typing import Any

__all__ = ["closest", "unexpected_keywords", "unexpected_options"]

_OURS = "mistral_core"


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``name`` most likely is a typo of, if one is close enough, or the
    one candidate it is the first word of (``debug`` for ``debug_logger``)."""
    names = list(candidates)
    matches = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if not matches:
        matches = [candidate for candidate in names if candidate.startswith(f"{name}_")]
    return matches[0] if len(matches) == 1 else None


def unexpected_keywords(callee: str, unknown: Iterable[str], known: Iterable[str]) -> TypeError:
    """``callee() got an unexpected keyword argument 'x'; did you mean 'y'?``, or the plural
    form for several, each with its suggestion."""
    names = list(unknown)
    candidates = [name for name in dict.fromkeys(known) if name not in names]
    if len(names) == 1:
        match = closest(names[0], candidates)
        hint = f"; did you mean {match!r}?" if match else ""
        return TypeError(f"{callee} got an unexpected keyword argument {names[0]!r}{hint}")
    described: list[str] = []
    for name in names:
        match = closest(name, candidates)
        described.append(f"{name!r} (did you mean {match!r}?)" if match else repr(name))
    return TypeError(f"{callee} got unexpected keyword arguments {', '.join(described)}")


def unexpected_options(
    options: Mapping[str, Any], option_names: Collection[str], fallback: str
) -> TypeError:
    """The error for the keywords of ``options`` that are not call options.

    The callee is the outermost public method of a resource group or a client on the
    stack before the caller's own code; ``fallback`` names it when there is none (a
    :class:`~mistral_core.PreparedCall` made by hand).
    """
    unknown = [name for name in options if name not in option_names]
    found = _called_method(sys._getframe(1))
    if found is None:
        return unexpected_keywords(fallback, unknown, option_names)
    callee, parameters = found
    return unexpected_keywords(callee, unknown, [*parameters, *option_names])


def parameter_names(function: Any) -> list[str]:
    """The names a function takes as keywords (not ``self``, nor ``*args`` / ``**kwargs``)."""
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    names = [p.name for p in inspect.signature(function).parameters.values() if p.kind in kinds]
    return [name for name in names if name != "self"]


def _called_method(frame: FrameType | None) -> tuple[str, list[str]] | None:
    """The method the caller called, and every parameter of the methods it went through.

    Frames are climbed while they are the core's or methods of a group or a client (a
    hand-written method may call a generated one: its caller called the outer one).
    """
    from ._client import Mistral
    from .resource import Resource

    found: str | None = None
    parameters: list[str] = []
    while frame is not None:
        method = _method_of(frame, (Resource, Mistral))
        if method is not None:
            owner, function = method
            if not function.__name__.startswith("_"):
                found = f"{type(owner).__name__}.{function.__name__}()"
                parameters[:0] = parameter_names(function)
        elif not _is_ours(frame):
            break
        frame = frame.f_back
    return (found, parameters) if found is not None else None


def _method_of(frame: FrameType, kinds: tuple[type, ...]) -> tuple[Any, Any] | None:
    """``(self, function)`` when ``frame`` runs a method of an instance of ``kinds``."""
    code = frame.f_code
    if not code.co_argcount or code.co_varnames[0] != "self":
        return None
    owner = frame.f_locals.get("self")
    if not isinstance(owner, kinds):
        return None
    for klass in type(owner).__mro__:
        function = klass.__dict__.get(code.co_name)
        if getattr(function, "__code__", None) is code:
            return owner, function
    return None


def _is_ours(frame: FrameType) -> bool:
    module: str = frame.f_globals.get("__name__", "")
    return module == _OURS or module.startswith((f"{_OURS}.", "mistral_plugin_"))
