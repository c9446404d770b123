"""The generator's table of taught values: each entry widens a list parameter of every
method of its group with a type that its module defines and teaches requests."""

from __future__ import annotations

import importlib
import inspect

import pytest

from mistral_core import models
from tools.codegen.extras import TAUGHT, Taught
from tools.codegen.groups import GROUPS


@pytest.mark.parametrize(("class_name", "param"), sorted(TAUGHT))
def test_a_taught_parameter_takes_the_type_in_every_method(class_name: str, param: str) -> None:
    taught = TAUGHT[class_name, param]
    [group] = [g for g in GROUPS if g.class_name == class_name]
    cls = getattr(importlib.import_module(f"{group.package}.{group.module}"), class_name)
    annotations = [
        str(inspect.signature(method).parameters[param].annotation)
        for _, method in inspect.getmembers(cls, inspect.isfunction)
        if hasattr(method, "operation")  # generated, not a mixin's
        and param in inspect.signature(method).parameters
    ]
    assert annotations
    assert all(f"| {taught.name}]" in annotation for annotation in annotations), annotations


@pytest.mark.parametrize("taught", sorted(set(TAUGHT.values()), key=repr))
def test_the_module_defines_the_type_and_teaches_requests(taught: Taught) -> None:
    module = importlib.import_module(taught.module)
    assert taught.name in module.__all__
    assert any(kind.__module__ == taught.module for kind, _ in models._taught)
