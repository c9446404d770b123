"""Every operation of the API's spec has a method, found through the installed plugins.

The operations are read from the spec files themselves (not through the generator), and the
methods from what a user's environment has: the ``mistral.resources`` entry points and
the ``operation`` each method records.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from mistral_core import Operation
from mistral_core.plugins import RESOURCES_GROUP, ResourceCatalog, installed
from tools.codegen.__main__ import SPEC_DIR, SPEC_FILES
from tools.codegen.groups import GROUPS

HTTP_METHODS = ("get", "put", "post", "patch", "delete")

NOT_CALLABLE: dict[str, str] = {}
"""operationId -> why no client can call it. Empty: every operation has a method."""


def spec_operations(name: str) -> dict[str, tuple[str, str]]:
    """operationId -> (HTTP method, path without its ``#fragment``) of one spec file."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load((SPEC_DIR / name).read_text(encoding="utf-8"), Loader=loader)
    return {
        operation["operationId"]: (method.upper(), path.split("#", 1)[0])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def methods() -> Iterator[tuple[str, str, Operation[Any, Any]]]:
    """(mount path, method name, operation) of every sync and async method installed."""
    for path, entry_point in sorted(installed(RESOURCES_GROUP).items()):
        for name, member in inspect.getmembers(entry_point.load(), inspect.isfunction):
            operation = getattr(member, "operation", None)
            if isinstance(operation, Operation):
                yield path, name, operation


SPECS = {name: spec_operations(name) for name in SPEC_FILES}
METHODS = list(methods())
COVERED = {operation.id: (path, name) for path, name, operation in METHODS}


@pytest.mark.parametrize("spec_file", SPEC_FILES)
def test_every_operation_of_the_spec_has_a_method(spec_file: str) -> None:
    operations = SPECS[spec_file]
    missing = sorted(set(operations) - set(COVERED) - set(NOT_CALLABLE))
    covered = len(set(operations) & set(COVERED))
    assert not missing, f"{spec_file}: {covered}/{len(operations)} covered; no method: {missing}"
    assert covered + len(set(operations) & set(NOT_CALLABLE)) == len(operations)


def test_the_main_spec_is_covered_whole() -> None:
    """The count the closing note reports: every operation of the current spec."""
    (main, *_) = SPEC_FILES
    assert len(SPECS[main]) == 288
    assert set(SPECS[main]) <= set(COVERED)


def test_the_allow_list_names_real_operations() -> None:
    every = {op for operations in SPECS.values() for op in operations}
    assert set(NOT_CALLABLE) <= every
    assert all(reason.strip() for reason in NOT_CALLABLE.values())


def test_each_method_calls_the_spec_s_method_and_path() -> None:
    spec = {
        op: where for operations in reversed(SPECS.values()) for op, where in operations.items()
    }
    for path, name, operation in METHODS:
        assert (operation.method, operation.path) == spec[operation.id], f"{path}.{name}"


def test_every_method_has_an_async_twin() -> None:
    names = {(path, name) for path, name, _ in METHODS}
    for path, name in names:
        twin = name.removesuffix("_async") if name.endswith("_async") else f"{name}_async"
        assert (path, twin) in names, f"client.{path}.{name} has no {twin}"


def test_the_install_hint_of_every_group_names_its_distribution() -> None:
    """The core's hint for a missing group names the distribution that provides it."""
    for group in GROUPS:
        for path in group.paths:
            message = str(ResourceCatalog(None, None).missing(path))
            assert f"pip install {group.distribution}" in message, path
