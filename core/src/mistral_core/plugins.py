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

KNOWN_DISTRIBUTIONS: Mapping[str, str] = {
    "chat": "mistral-plugin-chat",
    "fim": "mistral-plugin-fim",
    "agents": "mistral-plugin-agents",
    "embeddings": "mistral-plugin-embeddings",
    "classifiers": "mistral-plugin-classifiers",
    "ocr": "mistral-plugin-ocr",
    "files": "mistral-plugin-files",
    "models": "mistral-plugin-models",
    "batch": "mistral-plugin-batch",
    "fine_tuning": "mistral-plugin-fine-tuning",
    "audio": "mistral-plugin-audio",
    "workflows": "mistral-plugin-workflows",
    "events": "mistral-plugin-workflows",
    "beta.agents": "mistral-plugin-agents",
    "beta.conversations": "mistral-plugin-conversations",
    "beta.libraries": "mistral-plugin-libraries",
    "beta.connectors": "mistral-plugin-connectors",
    "beta.observability": "mistral-plugin-observability",
    "beta.prompts": "mistral-plugin-prompts",
    "beta.skills": "mistral-plugin-skills",
    "beta.rag": "mistral-plugin-rag",
    "beta.users": "mistral-plugin-admin",
    "beta.admin": "mistral-plugin-admin",
}
"""Which distribution provides the groups at and below a path, for the 'pip install' hint."""


class MissingResourceError(AttributeError):
    """A resource group that is not installed was used; says which package provides it."""


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
        served = self._provider.groups if self._provider is not None else None
        if served is not None and path.split(".", 1)[0] not in served:
            return None
        from_plugins = self._plugin_resources()
        if path in from_plugins:
            return from_plugins[path]
        entry_point = installed(RESOURCES_GROUP).get(path)
        return entry_point.load() if entry_point is not None else None

    def knows(self, path: str) -> bool:
        """Whether a group is declared at ``path`` or below it (nothing is imported)."""
        names = [*self._plugin_resources(), *installed(RESOURCES_GROUP)]
        return path in names or self.has_children(path)

    def has_children(self, path: str) -> bool:
        """Whether some group is mounted below ``path`` (``beta`` for ``beta.agents``)."""
        prefix = path + "."
        names = [*self._plugin_resources(), *installed(RESOURCES_GROUP)]
        return any(name.startswith(prefix) for name in names)

    def children(self, path: str) -> list[str]:
        """The names of the groups and namespaces directly below ``path`` ("": the client).

        What ``dir()`` lists: only what this client can mount (a provider's groups), and
        nothing is imported.
        """
        served = self._provider.groups if self._provider is not None else None
        prefix = path + "." if path else ""
        names = {
            name[len(prefix) :].split(".", 1)[0]
            for name in [*self._plugin_resources(), *installed(RESOURCES_GROUP)]
            if name.startswith(prefix) and (served is None or name.split(".", 1)[0] in served)
        }
        return sorted(names)

    def missing(self, path: str) -> MissingResourceError:
        """The error for a group that is not installed, naming the package to install."""
        top = path.split(".", 1)[0]
        provider = self._provider
        if provider is not None and provider.groups is not None and top not in provider.groups:
            served = ", ".join(sorted(provider.groups))
            return MissingResourceError(f"{provider.name} serves only {served}, not {path}")
        distribution = next(
            (KNOWN_DISTRIBUTIONS[p] for p in _prefixes(path) if p in KNOWN_DISTRIBUTIONS), None
        )
        if distribution is None:
            below = {d for name, d in KNOWN_DISTRIBUTIONS.items() if name.startswith(path + ".")}
            if not below:
                return MissingResourceError(f"no resource group {path!r} is installed")
            packages = sorted(below)
            return MissingResourceError(
                f"the groups of client.{path} come from the packages {', '.join(packages)}: "
                f"pip install {packages[0]}"
            )
        return MissingResourceError(
            f"client.{path} needs the {distribution} package: pip install {distribution}"
        )

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


def _prefixes(path: str) -> Iterator[str]:
    """``a.b.c``, ``a.b``, ``a``: the longest first."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        yield ".".join(parts[:end])
