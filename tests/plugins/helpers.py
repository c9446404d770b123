"""The spec and the generator's plan, read once, and what the spec says a request must be.

The expectations here are written from the OpenAPI spec (paths, parameters, request body
schemas), not from the client's code, so that a test built on them checks the generated
plugins against the API they claim to call.
"""

from __future__ import annotations

import email.parser
import email.policy
import functools
import importlib
import json
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, Any
from urllib.parse import quote

import attrs
import httpx

from mistral_core import File, UnknownVariant, serde
from mistral_testing.samples import sample_json, sample_value
from tools.codegen import spec as spec_module
from tools.codegen.__main__ import SPEC_DIR, SPEC_FILES
from tools.codegen.layout import GroupPlan, Layout, MethodPlan, plan
from tools.codegen.spec import Operation, Schema, Spec, ref_name

PATH_VALUE = "ft:a/b c"
"""A path parameter that must be escaped: ``:``, ``/`` and a space."""
QUERY_TEXT = "a b&c=d/é"
"""What a plain string query parameter gets: characters a query string must escape."""
UPLOAD = File(file_name="data.jsonl", content=b'{"prompt": "hello"}\n{"prompt": "again"}\n')
DOWNLOAD = b"\x00raw bytes\xff of a downloaded file\n"


@functools.cache
def spec() -> Spec:
    """The merged spec files (read once for the whole test session)."""
    return spec_module.load(*(SPEC_DIR / name for name in SPEC_FILES))


@functools.cache
def layout() -> Layout:
    return plan(spec())


def planned() -> list[tuple[GroupPlan, MethodPlan]]:
    """Every (group, method) the generator writes, in the table's order."""
    return [(g, m) for g in layout().groups for m in g.methods]


def models_module(group_plan: GroupPlan) -> ModuleType:
    return importlib.import_module(f"{group_plan.group.package}.models")


def resource_class(group_plan: GroupPlan) -> type:
    module = importlib.import_module(group_plan.group.package)
    return getattr(module, group_plan.group.class_name)  # type: ignore[no-any-return]


# --- the spec's schemas ----------------------------------------------------------------


def resolve(schema: Schema) -> Schema:
    while "$ref" in schema:
        schema = spec().schemas[ref_name(schema["$ref"])]
    return schema


def object_shape(schema: Schema) -> tuple[dict[str, Schema], set[str]]:
    """The properties of an object schema and its required ones, through ``$ref``/``allOf``
    (and a nullable ``anyOf [object, null]``); a required name no property defines is left
    out, as the generator leaves it out."""
    schema = resolve(schema)
    objects = [m for m in schema.get("anyOf", []) if resolve(m).get("type") != "null"]
    if len(objects) == 1 and "properties" not in schema:
        return object_shape(objects[0])
    properties = dict(schema.get("properties", {}))
    required = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        more, more_required = object_shape(part)
        properties.update(more)
        required |= more_required
    for alternative in schema.get("oneOf", []):  # sets of fields, one of them given
        if "properties" in alternative and "$ref" not in alternative:
            properties.update(alternative["properties"])
    return properties, required & set(properties)


def is_binary(schema: Schema) -> bool:
    schema = resolve(schema)
    members = [schema, *(resolve(s) for s in schema.get("anyOf", []) + schema.get("allOf", []))]
    return any(m.get("format") == "binary" for m in members)


def refs_in(schema: Any) -> list[str]:
    """The names of the schemas ``schema`` refers to, depth first, in order."""
    if isinstance(schema, dict):
        found = [ref_name(schema["$ref"])] if "$ref" in schema else []
        return found + [name for value in schema.values() for name in refs_in(value)]
    if isinstance(schema, list):
        return [name for item in schema for name in refs_in(item)]
    return []


# --- the arguments of a call -----------------------------------------------------------


@dataclass
class Arguments:
    """What a test passes to a method, and where the spec says each value must go."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    """JSON name -> the JSON value passed (JSON bodies) or the value of a form field."""
    whole_body: Any = None
    """The body itself, for an operation whose body is a list or a union."""
    files: dict[str, File] = field(default_factory=dict)


def _namespace(module: ModuleType) -> dict[str, Any]:
    names = {name: getattr(typing, name) for name in typing.__all__}
    return {
        **names,
        "Mapping": Mapping,
        "Sequence": Sequence,
        "IO": IO,
        "Path": Path,
        **vars(module),
    }


def param_kind(group_plan: GroupPlan, method_plan: MethodPlan, name: str) -> Any:
    """The runtime type of a parameter: the body model's field type, or its planned type."""
    param = next(p for p in method_plan.params if p.name == name)
    module = models_module(group_plan)
    if param.location == "body" and not param.json_name:  # the whole body: its alias
        return getattr(module, method_plan.body_model)
    if param.location == "body" and method_plan.body_model:
        model = getattr(module, method_plan.body_model)
        (body_field,) = [
            a
            for a in attrs.fields(model)
            if a.metadata.get(serde.JSON_NAME, a.name) == param.json_name
        ]
        return body_field.type
    return eval(param.type, _namespace(module))  # the generator's own type text


def arguments(group_plan: GroupPlan, method_plan: MethodPlan, *, full: bool) -> Arguments:
    """Every required parameter (and with ``full`` every optional one), with sample values."""
    args = Arguments()
    body_properties = _body_properties(method_plan.operation)
    for param in method_plan.params:
        if not (param.required or full):
            continue
        if param.location == "path":
            value: Any = PATH_VALUE if not args.path else f"{PATH_VALUE}{len(args.path)}"
            args.path[param.json_name] = value
        elif param.location == "body" and is_binary(body_properties.get(param.json_name, {})):
            value = UPLOAD
            args.files[param.json_name] = value
        else:
            value = sample_value(param_kind(group_plan, method_plan, param.name), full=full)
            if value == "sample" and param.location == "query":
                value = QUERY_TEXT
            if param.location == "body" and not param.json_name:
                args.whole_body = value
            else:
                getattr(args, param.location)[param.json_name] = value
        args.kwargs[param.name] = value
    return args


def _body_properties(operation: Operation) -> dict[str, Schema]:
    return object_shape(operation.body)[0] if operation.body is not None else {}


# --- what the fake API answers ---------------------------------------------------------


def returns_type(group_plan: GroupPlan, method_plan: MethodPlan) -> Any:
    """The planned response model (a class, or an ``Annotated`` tagged union); ``None``."""
    if not method_plan.returns:
        return None
    return getattr(models_module(group_plan), method_plan.returns)


def answer_json(group_plan: GroupPlan, method_plan: MethodPlan) -> Any:
    """A full JSON answer of the operation: of its response model, else of the first model
    the spec's response schema names that the plugin defines."""
    kind = returns_type(group_plan, method_plan)
    if kind is not None:
        return sample_json(kind, full=True) if attrs.has(kind) else sample_value(kind, full=True)
    if method_plan.plain:  # a plain JSON value: a string, a number
        return sample_value(eval(method_plan.plain), full=True)
    module = models_module(group_plan)
    schema = method_plan.operation.answer["application/json"]
    names = [n for n in refs_in(schema) if attrs.has(getattr(module, n, None))]
    if not names:  # the spec says nothing of the answer's shape
        return {"any": ["json", 1, None]}
    return sample_json(getattr(module, names[0]), full=True)


def variants(kind: Any) -> tuple[type, ...]:
    """The classes a value of ``kind`` may be: itself, or the known members of its unions."""
    if attrs.has(kind):
        return (kind,)
    if typing.get_origin(kind) is typing.Annotated:
        return variants(typing.get_args(kind)[0])
    if typing.get_origin(kind) is not typing.Union and not isinstance(kind, types.UnionType):
        return ()  # a list, a dict, a plain value
    members = [m for m in typing.get_args(kind) if m is not UnknownVariant]
    return tuple(cls for member in members for cls in variants(member))


def page_type(group_plan: GroupPlan, method_plan: MethodPlan) -> Any:
    """The type of the items of a paginated list."""
    assert method_plan.pages is not None
    return eval(method_plan.pages.item_type, _namespace(models_module(group_plan)))


def events_data(group_plan: GroupPlan, method_plan: MethodPlan) -> tuple[type, Any, list[Any]]:
    """The event model, the type of its ``data``, and the JSON of two different events."""
    events = getattr(models_module(group_plan), method_plan.events)
    data_type = attrs.fields_dict(events)["data"].type
    return events, data_type, [sample_value(data_type, full=True), sample_value(data_type)]


# --- what the spec says the request must be --------------------------------------------


def expected_path(operation: Operation, values: Mapping[str, Any]) -> bytes:
    path = operation.path
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    return path.encode()


def texts(value: Any) -> list[str]:
    """How a query parameter or a form field is written: repeated for a list, JSON's
    ``true``/``false``, JSON for an object."""
    if value is None:
        return []
    if isinstance(value, list):
        return [text for item in value for text in texts(item)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, dict):
        return [json.dumps(value, separators=(",", ":"))]
    return [str(value)]


def same_texts(sent: list[str], value: Any) -> bool:
    if isinstance(value, dict):
        return [json.loads(text) for text in sent] == [value]
    return sent == texts(value)


def accepts(header: str, media: str) -> bool:
    """Whether an ``accept`` header admits ``media``."""
    kind = media.split("/")[0]
    ranges = {part.split(";")[0].strip() for part in header.split(",")}
    return bool(ranges & {media, f"{kind}/*", "*/*"})


@dataclass
class Part:
    name: str
    file_name: str | None
    content: bytes


def form_parts(request: httpx.Request) -> list[Part]:
    """The parts of a ``multipart/form-data`` request, read with the standard library."""
    head = f"content-type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    assert message.is_multipart(), "the body is not a multipart form"
    parts = []
    for part in message.iter_parts():
        disposition = part.get("content-disposition")
        assert disposition is not None
        assert disposition.content_disposition == "form-data"
        parts.append(
            Part(
                disposition.params["name"],
                disposition.params.get("filename"),
                part.get_payload(decode=True),
            )
        )
    return parts
