"""What each plugin's methods take and return, and which module each definition lives in.

A definition used by one group lives in that group's plugin (``mistral_plugin_files
.models``); one used by several lives once in the shared ``mistral-types`` distribution,
in the module of the first group (in ``GROUPS`` order) that uses it, and the plugins
re-export it. References between shared modules then only point to earlier groups: no
import cycle can form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .groups import GROUPS, Group, Method
from .schemas import Definitions, pascal, python_name, split_union
from .spec import Operation, Spec

__all__ = ["TYPES_DISTRIBUTION", "TYPES_PACKAGE", "GroupPlan", "Layout", "MethodPlan", "plan"]

TYPES_DISTRIBUTION = "mistral-types"
TYPES_PACKAGE = "mistral_types"
VALIDATION_ERROR = "HTTPValidationError"
FILE_INPUT = "File | Mapping[str, Any] | IO[bytes] | bytes | Path"
"""What an upload takes: ``mistral_core.File``, its dict, an open binary file, bytes, a path."""


@dataclass
class Param:
    name: str
    json_name: str
    location: str
    """``path``, ``query`` or ``body``."""
    type: str
    required: bool
    doc: str


@dataclass
class MethodPlan:
    method: Method
    operation: Operation
    constant: str
    params: list[Param]
    body_model: str
    returns: str
    """The name of the response model; empty when the JSON is returned as it is."""
    events: str
    refs: set[str] = field(default_factory=set)

    @property
    def multipart(self) -> bool:
        return self.operation.body_media == "multipart/form-data"


@dataclass
class GroupPlan:
    group: Group
    methods: list[MethodPlan]
    uses: set[str] = field(default_factory=set)
    """Every definition the group's methods need, directly or not."""


@dataclass
class Layout:
    definitions: Definitions
    groups: list[GroupPlan]
    home: dict[str, str]
    """Definition name -> the module that defines it."""

    def modules(self) -> dict[str, list[str]]:
        """Module -> the names it defines, in a stable order."""
        modules: dict[str, list[str]] = {}
        for name in sorted(self.home):
            modules.setdefault(self.home[name], []).append(name)
        return modules


def plan(spec: Spec) -> Layout:
    definitions = Definitions(spec)
    groups = [_plan_group(definitions, spec, group) for group in GROUPS]
    users: dict[str, list[str]] = {}
    for group_plan in groups:
        group_plan.uses = _closure(definitions, _direct_uses(group_plan))
        for name in group_plan.uses:
            users.setdefault(name, []).append(group_plan.group.package)
    home = {
        name: f"{packages[0]}.models"
        if len(packages) == 1
        else f"{TYPES_PACKAGE}.{_types_module(packages[0])}"
        for name, packages in users.items()
    }
    return Layout(definitions, groups, home)


def _types_module(package: str) -> str:
    return package.removeprefix("mistral_plugin_")


def _plan_group(definitions: Definitions, spec: Spec, group: Group) -> GroupPlan:
    methods = []
    constants: dict[str, str] = {}
    for method in group.methods:
        operation = spec.operations[method.operation_id]
        constant = constants.setdefault(operation.id, method.name.upper())
        streamed = any(m.kind == "stream" for m in group.methods if m.operation_id == operation.id)
        methods.append(_plan_method(definitions, method, operation, constant, streamed))
    return GroupPlan(group, methods)


def _plan_method(
    definitions: Definitions, method: Method, operation: Operation, constant: str, streamed: bool
) -> MethodPlan:
    context = pascal(method.name) + "Request"
    renames = dict(method.renames)
    params = [
        Param(
            python_name(p.name),
            p.name,
            p.location,
            definitions.type_of(p.schema, pascal(operation.id) + pascal(p.name)).expr,
            p.required,
            p.description,
        )
        for p in operation.parameters
    ]
    body_model = ""
    if operation.body is not None:
        body_model = definitions.type_of(operation.body, pascal(operation.id) + "Body").expr
        model = definitions.defs[body_model]
        schemas = definitions.spec.schemas
        properties = definitions.flatten(operation.body)[0] if "$ref" not in operation.body else {}
        for body_field in getattr(model, "fields", []):
            if streamed and body_field.json_name == "stream":
                continue  # which method is called says whether it streams
            kind = body_field.type.replace(" | Unset", "")
            field_schema = properties.get(body_field.json_name, {})
            if "$ref" in field_schema:
                field_schema = schemas[field_schema["$ref"].rsplit("/", 1)[1]]
            if field_schema.get("format") == "binary":
                kind = FILE_INPUT
            params.append(
                Param(
                    renames.get(body_field.json_name, body_field.name),
                    body_field.json_name,
                    "body",
                    kind,
                    body_field.default is None,
                    body_field.doc,
                )
            )
        if operation.body_media == "multipart/form-data":
            body_model = ""  # the form is not a model: its parts are sent as they are
    answer = operation.responses.get("200", {})
    returns = ""
    if "application/json" in answer:
        returned = definitions.type_of(
            answer["application/json"], pascal(operation.id) + "Response"
        )
        if returned.expr != "Any":
            name = pascal(operation.id) + "Result"
            returns = definitions.alias(name, returned, f"What {method.name} returns.")
    events = method.events
    if method.kind == "stream" and not events and "text/event-stream" in answer:
        events = definitions.type_of(answer["text/event-stream"], context).expr
    return MethodPlan(method, operation, constant, params, body_model, returns, events)


def _direct_uses(group_plan: GroupPlan) -> set[str]:
    names: set[str] = set()
    for method_plan in group_plan.methods:
        for param in method_plan.params:
            names.update(_words(param.type))
        names.update(
            n for n in (method_plan.body_model, method_plan.returns, method_plan.events) if n
        )
        if "422" in method_plan.operation.responses:
            names.add(VALIDATION_ERROR)
    return names


def _closure(definitions: Definitions, names: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = [name for name in names if name in definitions.defs]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(definitions.defs[name].refs - seen)
    return seen


def _words(expr: str) -> set[str]:
    return {word for member in split_union(expr) for word in re.findall(r"[A-Za-z_]\w*", member)}
