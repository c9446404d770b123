"""The core's table of first-party groups, for the hint of a group that is not installed.

``client.beta.agents`` on an install without ``mistral-plugin-agents`` should say which
package to install, and ``client.beta`` should exist as a namespace for that to happen;
both need to know every first-party group, which only the generator does. The module is
imported by the core only when a group is missing, so it costs a working program nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .groups import Group
from .render_models import _docstring, header

CATALOG_MODULE = Path("core/src/mistral_core/_first_party.py")


def render_catalog(groups: Sequence[Group], sources: tuple[str, ...]) -> str:
    """The module :data:`CATALOG_MODULE`: every path a group is mounted at, and its package."""
    paths = sorted((path, group.distribution) for group in groups for path in group.paths)
    doc = (
        "Where each first-party resource group is mounted, and the package that provides it.\n\n"
        "Read by the core only to explain a group that is not installed."
    )
    lines = [
        header(sources) + _docstring(doc, 0),
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping",
        "",
        "DISTRIBUTIONS: Mapping[str, str] = {",
        *(f'    "{path}": "{distribution}",' for path, distribution in paths),
        "}",
        "",
    ]
    return "\n".join(lines)
