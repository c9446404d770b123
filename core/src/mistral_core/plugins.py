"""Finding the installed plugins, lazily.

Installed distributions announce themselves through entry points:

* ``mistral.resources``: ``chat = mistral_plugin_chat:Chat`` mounts ``client.chat``; a
  dotted name (``beta.agents``) mounts under a namespace (``client.beta.agents``).
* ``mistral.plugins``: a module of hook implementations loaded for every client.
* ``mistral.providers``: a cloud provider (base URL, auth, request rewriting).

The environment is scanned once per process, on first need, never at import; a plugin
module is imported only when its group is first used.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    import pluggy

__all__ = [
    "PLUGINS_GROUP",
    "PROVIDERS_GROUP",
    "RESOURCES_GROUP",
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
    "beta": "mistral-plugin-conversations",
}
"""Which distribution provides a top-level resource group, for the 'pip install' hint."""


class MissingResourceError(AttributeError):
    """A resource group that is not installed was used; says which package provides it."""


@functools.cache
def installed(group: str) -> Mapping[str, EntryPoint]:
    """The entry points of ``group`` in this environment (the scan happens once)."""
    return {ep.name: ep for ep in _all_entry_points().select(group=group)}


@functools.cache
def _all_entry_points() -> Any:
    from importlib.metadata import entry_points

    return entry_points()


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

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self._manager = manager
        self._from_plugins: dict[str, Any] | None = None

    def resolve(self, path: str) -> Any | None:
        """The resource class at ``path`` (e.g. ``chat``), importing its plugin on demand."""
        from_plugins = self._plugin_resources()
        if path in from_plugins:
            return from_plugins[path]
        entry_point = installed(RESOURCES_GROUP).get(path)
        return entry_point.load() if entry_point is not None else None

    def has_children(self, path: str) -> bool:
        """Whether some group is mounted below ``path`` (``beta`` for ``beta.agents``)."""
        prefix = path + "."
        names = [*self._plugin_resources(), *installed(RESOURCES_GROUP)]
        return any(name.startswith(prefix) for name in names)

    def missing(self, path: str) -> MissingResourceError:
        """The error for a group that is not installed, naming the package to install."""
        top = path.split(".", 1)[0]
        distribution = KNOWN_DISTRIBUTIONS.get(top)
        if distribution is None:
            return MissingResourceError(f"no resource group {path!r} is installed")
        return MissingResourceError(
            f"client.{path} needs the {distribution} package: pip install {distribution}"
        )

    def _plugin_resources(self) -> dict[str, Any]:
        if self._from_plugins is None:
            merged: dict[str, Any] = {}
            for provided in reversed(self._manager.hook.mistral_resources()):
                merged.update(provided or {})
            self._from_plugins = merged
        return self._from_plugins
