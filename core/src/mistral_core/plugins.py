"""Finding the installed plugins, lazily.

Installed distributions announce themselves through entry points:

* ``mistral.resources``: ``chat = mistral_plugin_chat:Chat`` mounts ``client.chat``; a
  dotted name (``beta.agents``) mounts under a namespace (``client.beta.agents``).
* ``mistral.plugins``: a module of hook implementations loaded for every client.
* ``mistral.providers``: a cloud provider (base URL, auth, request rewriting).

The environment is scanned once per process, on first need, never at import; a plugin
module is imported only when its group is first used. The scan reads the
``entry_points.txt`` of each installed distribution directly: ``importlib.metadata``
would cost several times more, which every program using the client would pay at start.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import pluggy

    from .providers import Provider

__all__ = [
    "PLUGINS_GROUP",
    "PROVIDERS_GROUP",
    "RESOURCES_GROUP",
    "EntryPoint",
    "MissingResourceError",
    "ResourceCatalog",
    "installed",
    "load_hook_plugins",
]

RESOURCES_GROUP = "mistral.resources"
PLUGINS_GROUP = "mistral.plugins"
PROVIDERS_GROUP = "mistral.providers"


class MissingResourceError(AttributeError):
    """A group that is not installed (named with its package) or that does not exist."""


class EntryPoint(NamedTuple):
    """``name = module:attribute`` in ``group``, as a distribution declares it."""

    name: str
    value: str
    group: str

    def load(self) -> Any:
        """Import the module and return the attribute (the module itself without one)."""
        module, _, attribute = self.value.partition(":")
        loaded: Any = importlib.import_module(module.strip())
        for part in filter(None, attribute.strip().split(".")):
            loaded = getattr(loaded, part)
        return loaded


@functools.cache
def installed(group: str) -> Mapping[str, EntryPoint]:
    """The entry points of ``group`` in this environment (the scan happens once)."""
    return {ep.name: ep for ep in _all_entry_points() if ep.group == group}


@functools.cache
def _all_entry_points() -> tuple[EntryPoint, ...]:
    """Every entry point on ``sys.path``; the first distribution of a name wins, as in pip."""
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for metadata_dir in _distribution_dirs(sys.path):
        name = _distribution_name(os.path.basename(metadata_dir))
        if name in seen:
            continue
        seen.add(name)
        try:
            with open(os.path.join(metadata_dir, "entry_points.txt"), encoding="utf-8") as file:
                found.extend(parse_entry_points(file.read()))
        except OSError:
            continue
    return tuple(found)


def _distribution_dirs(paths: Iterable[str]) -> Iterator[str]:
    for path in paths:
        try:
            names = os.listdir(path or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                yield os.path.join(path or ".", name)


def _distribution_name(metadata_dir_name: str) -> str:
    stem = metadata_dir_name.rpartition(".")[0]
    return re.sub(r"[-_.]+", "-", stem.split("-", 1)[0]).lower()


def parse_entry_points(text: str) -> Iterator[EntryPoint]:
    """The entries of an ``entry_points.txt`` (INI: ``[group]`` then ``name = value``)."""
    group = ""
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip()
        elif "=" in line and group:
            name, _, value = line.partition("=")
            yield EntryPoint(name.strip(), value.strip(), group)


@functools.cache
def _loaded_hook_plugins() -> tuple[tuple[str, object], ...]:
    return tuple(
        (f"{PLUGINS_GROUP}:{name}", ep.load()) for name, ep in installed(PLUGINS_GROUP).items()
    )


def load_hook_plugins(manager: pluggy.PluginManager) -> None:
    """Register the installed ``mistral.plugins`` modules (imported once per process)."""
    for name, plugin in _loaded_hook_plugins():
        if manager.get_plugin(name) is None:
            manager.register(plugin, name=name)


class ResourceCatalog:
    """The resource groups one client can mount: its plugins' first, then installed ones."""

    def __init__(self, manager: pluggy.PluginManager | None, provider: Provider | None) -> None:
        self._manager = manager
        self._provider = provider
        self._from_plugins: dict[str, Any] | None = None

    def resolve(self, path: str) -> Any | None:
        """The resource class at ``path`` (e.g. ``chat``), importing its plugin on demand."""
        if not self._serves(path):
            return None
        from_plugins = self._plugin_resources()
        if path in from_plugins:
            return from_plugins[path]
        entry_point = installed(RESOURCES_GROUP).get(path)
        return entry_point.load() if entry_point is not None else None

    def knows(self, path: str) -> bool:
        """Whether a group is declared at ``path`` or below it (nothing is imported)."""
        return path in self._names() or self.has_children(path)

    def has_children(self, path: str) -> bool:
        """Whether some group is mounted below ``path`` (``beta`` for ``beta.agents``)."""
        prefix = path + "."
        return any(name.startswith(prefix) for name in self._names())

    def is_namespace(self, path: str) -> bool:
        """Whether ``path`` is a level of groups this client serves (``beta``).

        First-party groups count even when not installed, so that ``client.beta.agents``
        reaches :meth:`missing` and names ``mistral-plugin-agents``.
        """
        if not self._serves(path):
            return False
        if self.has_children(path):
            return True
        from ._first_party import DISTRIBUTIONS

        below = any(name.startswith(path + ".") for name in DISTRIBUTIONS)
        return below and path not in DISTRIBUTIONS  # a group not installed is missing

    def children(self, path: str) -> list[str]:
        """The names of the groups and namespaces directly below ``path`` ("": the client).

        What ``dir()`` lists: only what this client can mount (a provider's groups), and
        nothing is imported.
        """
        return sorted(_below(path, (name for name in self._names() if self._serves(name))))

    def missing(self, path: str) -> MissingResourceError:
        """The error for a group that cannot be mounted: the package to install, or a
        list of what is there (with the closest name) when no such group exists."""
        provider = self._provider
        if provider is not None and provider.groups is not None and not self._serves(path):
            served = ", ".join(sorted(provider.groups))
            return MissingResourceError(f"{provider.name} serves only {served}, not {path}")
        from ._first_party import DISTRIBUTIONS

        if path in DISTRIBUTIONS:
            needed = DISTRIBUTIONS[path]
            return MissingResourceError(
                f"client.{path} needs the {needed} package: pip install {needed}"
            )
        parent, _, name = path.rpartition(".")
        where = f"client.{parent}" if parent else "client"
        present = self.children(parent)
        message = f"{where} has no resource group {name!r}."
        match = difflib.get_close_matches(name, {*present, *_below(parent, DISTRIBUTIONS)}, n=1)
        owner = self._owner(parent, present, name) if parent else None
        if owner is not None:  # a method of a group below: ``client.batch.run``
            message += f" Did you mean client.{parent}.{owner}.{name}?"
        elif match:
            package = DISTRIBUTIONS.get(f"{parent}.{match[0]}" if parent else match[0])
            install = f" (pip install {package})" if match[0] not in present and package else ""
            message += f" Did you mean {match[0]!r}{install}?"
        groups = ", ".join(present) if present else "none installed"
        return MissingResourceError(f"{message} The groups of {where}: {groups}.")

    def _owner(self, parent: str, groups: list[str], name: str) -> str | None:
        """The first of the ``groups`` below ``parent`` that has a public attribute
        ``name`` (their plugins are imported: this is an error's path only)."""
        if name.startswith("_"):
            return None
        for group in groups:
            found = self.resolve(f"{parent}.{group}")
            if found is not None and hasattr(found, name):
                return group
        return None

    def _serves(self, path: str) -> bool:
        """Whether this client's provider (if any) serves the group at ``path``."""
        served = self._provider.groups if self._provider is not None else None
        return served is None or path.split(".", 1)[0] in served

    def _names(self) -> list[str]:
        return [*self._plugin_resources(), *installed(RESOURCES_GROUP)]

    def _plugin_resources(self) -> dict[str, Any]:
        if self._from_plugins is None:
            merged: dict[str, Any] = {}
            provided_by_each: list[Mapping[str, Any] | None] = (
                self._manager.hook.mistral_resources() if self._manager else []
            )
            for provided in reversed(provided_by_each):
                merged.update(provided or {})
            self._from_plugins = merged
        return self._from_plugins


def _below(path: str, names: Iterable[str]) -> set[str]:
    """The names directly below ``path`` ("": the top) among dotted group paths."""
    prefix = path + "." if path else ""
    return {name[len(prefix) :].split(".", 1)[0] for name in names if name.startswith(prefix)}
