"""Reading the OpenAPI spec files into schemas and operations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import yaml

Schema = dict[str, Any]

HTTP_METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    """``path``, ``query`` or ``header``."""
    required: bool
    schema: Schema
    description: str


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    body: Schema | None
    body_media: str | None
    body_required: bool
    responses: dict[str, dict[str, Schema]] = field(default_factory=dict[str, dict[str, Schema]])
    """Status code -> media type -> schema."""
    security: tuple[str, ...] = ()
    """The names of the security schemes that can authorize the call."""
    pagination: dict[str, Any] | None = None
    """The spec's ``x-speakeasy-pagination``: how to ask for the next page."""

    @property
    def answer(self) -> dict[str, Schema]:
        """The success response (200, else the first 2xx): media type -> schema."""
        statuses = sorted(s for s in self.responses if s.startswith("2"))
        return self.responses.get("200") or (self.responses[statuses[0]] if statuses else {})


@dataclass(frozen=True)
class Spec:
    schemas: dict[str, Schema]
    operations: dict[str, Operation]
    sources: tuple[str, ...]
    """The spec files, newest first, as named in generated headers."""


def load(*paths: Path) -> Spec:
    """The spec files merged, newest first: an operation or schema of a newer file wins.

    An older file fills in what the newer one dropped (the fine-tuning job operations).
    """
    schemas: dict[str, Schema] = {}
    operations: dict[str, Operation] = {}
    for path in paths:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            schemas.setdefault(name, schema)
        for name, schema in _local_definitions(document.get("paths", {})):
            schemas.setdefault(name, schema)
        for operation in _operations(document):
            operations.setdefault(operation.id, operation)
    return Spec(schemas, operations, tuple(f"shared/spec/{path.name}" for path in paths))


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it: five times faster on the 35,000-line spec."""


def _local_definitions(node: Any) -> list[tuple[str, Schema]]:
    """The ``$defs`` of schemas written inline in operations (``#/$defs/Name`` refers to them)."""
    found: list[tuple[str, Schema]] = []
    if is_object(node):
        found += node.get("$defs", {}).items()
        for value in node.values():
            found += _local_definitions(value)
    elif is_array(node):
        for value in node:
            found += _local_definitions(value)
    return found


def is_object(node: object) -> TypeGuard[dict[str, Any]]:
    """Whether a node of the spec is a mapping (so that reading it is typed)."""
    return isinstance(node, dict)


def is_array(node: object) -> TypeGuard[list[Any]]:
    """Whether a node of the spec is a list."""
    return isinstance(node, list)


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[1]


def _operations(document: dict[str, Any]) -> list[Operation]:
    found: list[Operation] = []
    for path, item in document.get("paths", {}).items():
        shared_parameters = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method in item:
                found.append(_operation(document, path, method, item[method], shared_parameters))
    return found


def _operation(
    document: dict[str, Any],
    path: str,
    method: str,
    spec: dict[str, Any],
    shared_parameters: list[dict[str, Any]],
) -> Operation:
    parameters = tuple(
        Parameter(
            name=p["name"],
            location=p["in"],
            required=bool(p.get("required", p["in"] == "path")),
            schema=_parameter_schema(p),
            description=p.get("description") or _parameter_schema(p).get("description", ""),
        )
        for p in (_resolve(document, p) for p in [*shared_parameters, *spec.get("parameters", [])])
        if p["in"] in ("path", "query", "header")
    )
    body = _resolve(document, spec.get("requestBody") or {})
    no_content: tuple[None, dict[str, Any]] = (None, {})
    media, content = next(iter(body.get("content", {}).items()), no_content)
    answers: dict[str, Any] = spec.get("responses") or {}
    responses = {
        status: {kind: part.get("schema", {}) for kind, part in answer.get("content", {}).items()}
        for status, answer in answers.items()
    }
    return Operation(
        id=spec["operationId"],
        method=method.upper(),
        path=path.split("#", 1)[0],  # "#stream" tells apart operations on one path
        summary=spec.get("summary", ""),
        description=spec.get("description", ""),
        parameters=parameters,
        body=content.get("schema") if media else None,
        body_media=media,
        body_required=bool(body.get("required")),
        responses=responses,
        security=tuple(
            name
            for requirement in spec.get("security", document.get("security", []))
            for name in requirement
        ),
        pagination=spec.get("x-speakeasy-pagination"),
    )


def _parameter_schema(parameter: dict[str, Any]) -> Schema:
    """A parameter's schema, given directly or as ``content: {media type: {schema}}``."""
    if "schema" in parameter:
        return dict(parameter["schema"])
    contents: dict[str, Schema] = parameter.get("content", {})
    for content in contents.values():  # the first media type's
        return dict(content.get("schema", {}))
    return {}


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A parameter or request body given by ``$ref`` to ``components``, looked up."""
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = document["components"][section][name]
    return node
