"""What each plugin's methods take and return, and which module each definition lives in.

A definition used by one distribution lives in its ``models`` module (``mistral_plugin_files
.models``, shared by the groups of that plugin); one used by several lives once in the
shared ``mistral-types`` distribution, in the module of the first distribution (in
``GROUPS`` order) that uses it, and the plugins re-export it. References between shared
modules then only point to earlier distributions: no import cycle can form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .groups import GROUPS, Group, Method
from .schemas import Definitions, ModelDef, pascal, snake_name, split_union
from .spec import Operation, Schema, Spec, ref_name

__all__ = ["TYPES_DISTRIBUTION", "TYPES_PACKAGE", "GroupPlan", "Layout", "MethodPlan", "plan"]

TYPES_DISTRIBUTION = "mistral-types"
TYPES_PACKAGE = "mistral_types"
VALIDATION_ERROR = "HTTPValidationError"
PLAIN_ANSWERS = ("str", "int", "float", "bool")
FILE_INPUT = "File | Mapping[str, Any] | IO[bytes] | bytes | Path"
"""What an upload takes: ``mistral_core.File``, its dict, an open binary file, bytes, a path."""


@dataclass
class Param:
    name: str
    json_name: str
    location: str
    """``path``, ``query``, ``header`` or ``body``."""
    type: str
    required: bool
    doc: str


@dataclass(frozen=True)
class PagesPlan:
    """How a list's next page is asked for (the spec's ``x-speakeasy-pagination``)."""

    items: str
    """The attribute of the answer holding the items, and their type."""
    item_type: str
    cursor: str = ""
    next_cursor: str = ""
    offset: str = ""
    limit: str = ""


@dataclass
class MethodPlan:
    method: Method
    operation: Operation
    constant: str
    kind: str
    """``call``, ``pages`` (a list in pages), ``stream`` or ``download``."""
    params: list[Param]
    body_model: str
    returns: str
    """The name of the response model; empty when the JSON is returned as it is."""
    events: str
    stream_flag: bool = False
    """Whether the body says ``"stream": true`` (an operation that answers both ways)."""
    stream_field: bool = False
    """Whether the body has a ``stream`` field (which the method sets, not the caller)."""
    stream_sibling: str = ""
    """The method of the same operation that answers the other way (``stream`` beside
    ``complete``): the method takes the official SDK's ``stream=`` flag, which must agree."""
    pages: PagesPlan | None = None
    plain: str = ""
    """The type of a JSON answer that is a plain value (``str``), returned as parsed."""

    @property
    def multipart(self) -> bool:
        return self.operation.body_media == "multipart/form-data"


@dataclass
class GroupPlan:
    group: Group
    methods: list[MethodPlan]
    uses: set[str] = field(default_factory=set[str])
    """Every definition the group's methods need, directly or not."""

    @property
    def package(self) -> str:
        return self.group.package

    @property
    def module(self) -> str:
        """The module that defines the group's class: ``mistral_plugin_libraries._documents``."""
        return f"{self.group.package}.{self.group.module}"


@dataclass
class Layout:
    definitions: Definitions
    groups: list[GroupPlan]
    home: dict[str, str]
    """Definition name -> the module that defines it."""

    def distributions(self) -> dict[str, list[GroupPlan]]:
        """Distribution name -> the plans of its groups, in ``GROUPS`` order."""
        found: dict[str, list[GroupPlan]] = {}
        for group_plan in self.groups:
            found.setdefault(group_plan.group.distribution, []).append(group_plan)
        return found

    def uses(self, package: str) -> set[str]:
        """Every definition the groups of a plugin package need."""
        return {n for g in self.groups if g.package == package for n in g.uses}

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
            packages = users.setdefault(name, [])
            if group_plan.package not in packages:
                packages.append(group_plan.package)
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
    methods: list[MethodPlan] = []
    constants: dict[str, str] = {}
    for method in group.methods:
        operation = spec.operations[method.operation_id]
        constant = constants.setdefault(operation.id, method.name.upper())
        methods.append(_plan_method(definitions, group, method, operation, constant))
    for method_plan in methods:
        if method_plan.stream_field:
            method_plan.stream_sibling = next(
                (
                    other.method.name
                    for other in methods
                    if other.operation.id == method_plan.operation.id
                    and (other.kind == "stream") != (method_plan.kind == "stream")
                ),
                "",
            )
    return GroupPlan(group, methods)


def _kind(method: Method, operation: Operation) -> str:
    """The table's kind, or the one the spec's answer gives: events, other media, or JSON."""
    if method.kind:
        return method.kind
    answer = operation.answer
    if "text/event-stream" in answer and "application/json" not in answer:
        return "stream"
    if answer and "application/json" not in answer:
        return "download"
    return "pages" if operation.pagination else "call"


def _plan_method(
    definitions: Definitions, group: Group, method: Method, operation: Operation, constant: str
) -> MethodPlan:
    renames = dict(method.renames)
    kind = _kind(method, operation)
    params: list[Param] = []
    for p in operation.parameters:
        name = argument_name(snake_name(p.name))
        if any(other.name == name for other in params):
            continue  # an alias of an earlier parameter (``sort_direction`` of
            # ``sort.direction``, the ``Last-Event-ID`` header of a query parameter)
        type_expr = definitions.type_of(p.schema, pascal(operation.id) + pascal(p.name)).expr
        params.append(Param(name, p.name, p.location, type_expr, p.required, p.description))
    body_model = ""
    stream_flag = stream_field = False
    if operation.body is not None:
        body_type = definitions.type_of(operation.body, pascal(operation.id) + "Body")
        body_model = " | ".join(m for m in split_union(body_type.expr) if m != "None")
        model = definitions.defs.get(body_model)
        if isinstance(model, ModelDef):
            body_params = _body_params(definitions, operation, model, renames)
            # which method is called says whether the answer streams
            stream_field = any(p.json_name == "stream" for p in body_params)
            stream_flag = kind == "stream" and stream_field
            params += [p for p in body_params if p.json_name != "stream"]
        else:  # a list or a union: the whole body is one argument, as in the official SDK
            body_model = definitions.alias(
                pascal(operation.id) + "Body", body_type, f"The body of {method.name}."
            )
            params.append(
                Param("request_body", "", "body", body_type.expr, operation.body_required, "")
            )
        if operation.body_media == "multipart/form-data":
            body_model = ""  # the form is not a model: its parts are sent as they are
    answer = operation.answer
    returns = plain = ""
    if "application/json" in answer:
        returned = definitions.type_of(
            answer["application/json"], pascal(operation.id) + "Response"
        )
        if returned.expr in PLAIN_ANSWERS:  # returned as parsed: nothing to read
            plain = returned.expr
        elif returned.expr != "Any":
            name = pascal(operation.id) + "Result"
            returns = definitions.alias(name, returned, f"What {method.name} returns.")
    events = method.events
    if kind == "stream" and not events and "text/event-stream" in answer:
        context = group.class_name + pascal(method.name) + "Event"  # an inline event schema
        events = definitions.type_of(answer["text/event-stream"], context).expr
    pages = _pages(definitions, operation, returns) if kind == "pages" else None
    return MethodPlan(
        method,
        operation,
        constant,
        kind,
        params,
        body_model,
        returns,
        events,
        stream_flag=stream_flag,
        stream_field=stream_field,
        pages=pages,
        plain=plain,
    )


def _body_params(
    definitions: Definitions, operation: Operation, model: ModelDef, renames: dict[str, str]
) -> list[Param]:
    """A JSON or form body's fields, each a keyword argument; files take any upload."""
    properties = definitions.flatten(_resolved(definitions, operation.body or {}))[0]
    params: list[Param] = []
    for body_field in model.fields:
        type_expr = body_field.type.replace(" | Unset", "")
        field_schema = _resolved(definitions, properties.get(body_field.json_name, {}))
        members = [_resolved(definitions, m) for m in field_schema.get("anyOf", [field_schema])]
        if any(member.get("format") == "binary" for member in members):
            type_expr = FILE_INPUT
        params.append(
            Param(
                argument_name(renames.get(body_field.json_name, body_field.name)),
                body_field.json_name,
                "body",
                type_expr,
                body_field.default is None,
                body_field.doc,
            )
        )
    return params


def argument_name(name: str) -> str:
    """A method's keyword argument for a field: every method also takes ``**options``."""
    return f"{name}_" if name == "options" else name


def _resolved(definitions: Definitions, schema: Schema) -> Schema:
    while "$ref" in schema:
        schema = definitions.spec.schemas[ref_name(schema["$ref"])]
    return schema


def _pages(definitions: Definitions, operation: Operation, returns: str) -> PagesPlan:
    """Where a list's items and next cursor are, from ``x-speakeasy-pagination``."""
    pagination = operation.pagination or {}
    inputs = {i["type"]: i["name"] for i in pagination.get("inputs", [])}
    outputs = pagination.get("outputs", {})
    answer = definitions.defs[returns]
    fields = {f.json_name: f for f in getattr(answer, "fields", [])}
    items = fields[outputs["results"].removeprefix("$.")]
    lists = [member for member in split_union(items.type) if member.startswith("list[")]
    next_cursor = outputs.get("nextCursor", "").removeprefix("$.")
    return PagesPlan(
        items=items.name,
        item_type=lists[0][len("list[") : -1] if lists else "Any",
        cursor=inputs.get("cursor", ""),
        next_cursor=fields[next_cursor].name if next_cursor else "",
        offset=inputs.get("offset", ""),
        limit=inputs.get("limit", ""),
    )


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
