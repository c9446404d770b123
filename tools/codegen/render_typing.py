"""What type checkers see on the client: every first-party group, at the place it is mounted.

At run time ``Mistral`` mounts groups from entry points, which no type checker follows.
So the generator, which knows every group, writes two things for type checkers only:

* one module in the core (:data:`TYPING_MODULE`) that imports each group's class, each
  import ignored when not found (a plugin that is not installed is then ``Any``), and
  declares a class per level: ``Groups`` (what ``Mistral`` derives from when
  type-checked) and one per namespace without a class of its own (``client.beta``);
* in a group's class, a ``TYPE_CHECKING`` block declaring the groups mounted below it
  (``Libraries.documents``), see :func:`groups_below`.

Neither imports anything at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .groups import Group
from .render_models import WIDTH, _docstring, header
from .schemas import pascal

TYPING_MODULE = Path("core/src/mistral_core/_groups.py")
IGNORE_MISSING = "# type: ignore[import-not-found,unused-ignore]"
"""A plugin that is not installed is ``Any``, for mypy and pyright alike, not an error."""


@dataclass
class Level:
    """A place on the client where groups are mounted: the client, a namespace, a group."""

    path: str
    group: Group | None = None
    below: dict[str, Level] = field(default_factory=dict[str, "Level"])


def tree(groups: Sequence[Group]) -> Level:
    """The levels of the client, from every path each group is mounted at."""
    root = Level("")
    for group in groups:
        for path in group.paths:
            level = root
            for name in path.split("."):
                child = f"{level.path}.{name}" if level.path else name
                level = level.below.setdefault(name, Level(child))
            if level.group is not None:
                raise ValueError(f"two groups at {path}: {level.group.class_name}, {group}")
            level.group = group
    return root


def groups_below(group: Group, groups: Sequence[Group]) -> dict[str, Group]:
    """The groups mounted directly below ``group``, by attribute name.

    They are typed in the group's own class; a namespace without a class below a group
    would need a class of its own there, which no group needs yet, so it is refused, as
    is a group whose mount paths have different groups below them (one class types all).
    """
    root = tree(groups)
    found: list[dict[str, Group]] = []
    for path in group.paths:
        level = root
        for name in path.split("."):
            level = level.below[name]
        below: dict[str, Group] = {}
        for name, child in level.below.items():
            if child.group is None:
                raise ValueError(f"{child.path}: a namespace below the group {group.path}")
            below[name] = child.group
        found.append(below)
    if any(b != found[0] for b in found):
        raise ValueError(f"{group.class_name}: different groups below each of its paths")
    return found[0]


def import_line(group: Group, importer_package: str = "", indent: int = 4) -> str:
    """The import of a group's class, from its module (the entry point's target).

    From another distribution the import is ignored when not found: the class is then
    ``Any``. The ignore must stay on the statement's first line, where mypy and pyright
    report a missing module, so a long import is split here, not by the formatter.
    """
    if group.package == importer_package:
        return f"from .{group.module} import {group.class_name}"
    line = f"from {group.package}.{group.module} import {group.class_name}"
    if indent + len(line) <= WIDTH:
        return f"{line}  {IGNORE_MISSING}"
    pad = " " * (indent + 4)
    return (
        f"from {group.package}.{group.module} import (  {IGNORE_MISSING}\n"
        f"{pad}{group.class_name},\n{' ' * indent})"
    )


def render_typing(groups: Sequence[Group], sources: tuple[str, ...]) -> str:
    """The core's module of the groups' types (:data:`TYPING_MODULE`)."""
    root = tree(groups)
    namespaces = _namespaces(root)
    classes = {g.class_name for g in groups}
    names = {level.path: _namespace_class(level.path) for level in namespaces}
    clashes = classes & set(names.values())
    if clashes or "Groups" in classes:
        raise ValueError(f"namespace classes named as groups: {sorted(clashes) or ['Groups']}")
    imports = sorted({import_line(g) for g in groups})
    bodies = [_class(names[level.path], level, names) for level in namespaces]
    doc = (
        "The types of the first-party resource groups, for type checkers only.\n\n"
        "``Mistral`` derives from :class:`Groups` when type-checked, so that ``client.files`` "
        "is ``Files`` and ``client.beta.conversations`` is ``Conversations``. At run time "
        "nothing here is defined or imported: the groups are mounted from entry points. A "
        "plugin that is not installed is ``Any``, its import ignored when not found."
    )
    lines = [
        header(sources) + _docstring(doc, 0),
        "",
        "from __future__ import annotations",
        "",
        "from typing import TYPE_CHECKING",
        "",
        "if TYPE_CHECKING:",
        *(f"    {line}" for line in imports),
        "",
        "    from ._client import ResourceNamespace",
        "",
        "\n\n".join(bodies),
        "",
    ]
    return "\n".join(lines)


def _namespaces(root: Level) -> list[Level]:
    """The client and each level without a group of its own, the deepest first."""
    found: list[Level] = []

    def visit(level: Level) -> None:
        for child in level.below.values():
            if child.group is None:
                visit(child)
        found.append(level)

    visit(root)
    return found


def _namespace_class(path: str) -> str:
    return pascal(path.replace(".", "_")) if path else "Groups"


def _class(name: str, level: Level, names: dict[str, str]) -> str:
    if level.path:
        head = f"    class {name}(ResourceNamespace):"
        doc = f"``client.{level.path}``: a namespace of groups."
    else:
        head = f"    class {name}:"
        doc = "The groups mounted on the client, for type checkers."
    attributes = [
        f"        {attribute}: "
        f"{child.group.class_name if child.group is not None else names[child.path]}"
        for attribute, child in sorted(level.below.items())
    ]
    return "\n".join([head, _docstring(doc, 8), "", *attributes])
