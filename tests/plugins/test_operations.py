"""Every generated operation, called sync and async against a fake API, checked against the spec.

Each (group, method) the generator plans is called with its required arguments, then with
every argument; the request is checked against the OpenAPI spec (method, escaped path,
query, JSON or multipart body, headers) and the answer (a full sample of the response
model, a stream of two events, or bytes) against what the caller gets back.
"""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import json
from typing import Any

import httpx
import pytest
import respx

from mistral_core import (
    AsyncEventStream,
    AsyncPage,
    DownloadResponse,
    EventStream,
    Mistral,
    Page,
    serde,
)
from tests.payloads import API_KEY, sse
from tests.plugins import helpers
from tests.plugins.helpers import Arguments
from tools.codegen.groups import GROUPS
from tools.codegen.layout import GroupPlan, MethodPlan
from tools.codegen.schemas import snake_name

TABLE_OPERATIONS = sum(len(group.methods) for group in GROUPS)

OPERATIONS = [
    pytest.param(group_plan, method_plan, id=f"{group_plan.group.path}.{method_plan.method.name}")
    for group_plan, method_plan in helpers.planned()
]
GROUP_PLANS = [pytest.param(g, id=g.group.path) for g in helpers.layout().groups]
ARGUMENTS = pytest.mark.parametrize("full", [False, True], ids=["required", "all"])


def resource_of(client: Mistral, group_plan: GroupPlan) -> Any:
    return functools.reduce(getattr, group_plan.group.path.split("."), client)


# --- the fake API's answers ------------------------------------------------------------


def answer(api: respx.MockRouter, group_plan: GroupPlan, method_plan: MethodPlan) -> Any:
    """Route every request to an answer of the operation's kind; returns what it answers."""
    kind = method_plan.kind
    route = api.route()
    if kind == "stream":
        _, _, events = helpers.events_data(group_plan, method_plan)
        headers = {"content-type": "text/event-stream"}
        route.respond(200, content=sse(*events), headers=headers)
        return events
    if kind == "download":
        (media,) = method_plan.operation.answer
        route.respond(200, content=helpers.DOWNLOAD, headers={"content-type": media})
        return helpers.DOWNLOAD
    if not method_plan.operation.answer:  # the spec's answer has no body
        route.respond(204)
        return None
    payload = helpers.answer_json(group_plan, method_plan)
    route.respond(200, json=payload)
    return payload


# --- the request, against the spec -----------------------------------------------------


def check_request(api: respx.MockRouter, method_plan: MethodPlan, args: Arguments) -> None:
    assert api.calls.call_count == 1, f"{api.calls.call_count} requests sent"
    request = api.calls.last.request
    operation = method_plan.operation
    kind = method_plan.kind

    assert request.method == operation.method
    assert request.url.host == "api.mistral.ai"
    raw_path = request.url.raw_path.split(b"?")[0]
    assert raw_path == helpers.expected_path(operation, args.path)

    spec_query = {p.name for p in operation.parameters if p.location == "query"}
    sent_names = set(request.url.params.keys())
    assert sent_names <= spec_query, f"query parameters not in the spec: {sent_names - spec_query}"
    assert sent_names == set(args.query), "sent query parameters differ from those passed"
    required_query = {p.name for p in operation.parameters if p.location == "query" and p.required}
    assert required_query <= sent_names
    for name, value in args.query.items():
        sent = request.url.params.get_list(name)
        assert helpers.same_texts(sent, value), f"query {name}: sent {sent}, passed {value!r}"

    headers = request.headers
    if "DashboardUserContextAuth" in operation.security:
        assert headers["x-api-key"] == API_KEY
        assert "authorization" not in headers
    else:  # admin operations too: without an admin key, the client's key is sent
        assert headers["authorization"] == f"Bearer {API_KEY}"
    assert headers["user-agent"].startswith("mistral-core/")
    for name, value in args.header.items():
        assert helpers.same_texts([headers[name]], value), f"header {name}"
    if kind == "stream":
        assert headers["accept"] == "text/event-stream"
    elif kind in ("call", "pages"):
        assert helpers.accepts(headers["accept"], "application/json")
    else:  # a download accepts whatever the spec says the file comes as
        for media in operation.answer:
            assert helpers.accepts(headers["accept"], media)

    if operation.body is None:
        assert request.content == b"", "a body was sent where the spec takes none"
        assert not args.body
        assert not args.files
    elif operation.body_media == "multipart/form-data":
        check_form(request, method_plan, args)
    else:
        check_json_body(request, method_plan, args)


def check_json_body(request: httpx.Request, method_plan: MethodPlan, args: Arguments) -> None:
    operation = method_plan.operation
    assert operation.body_media == "application/json"
    assert request.headers["content-type"] == "application/json"
    sent = json.loads(request.content)
    if any(not p.json_name for p in method_plan.params):  # the body is one argument
        assert sent == args.whole_body
        return
    assert isinstance(sent, dict)
    properties, required = helpers.object_shape(operation.body or {})
    assert set(sent) <= set(properties), f"not in the spec: {sorted(set(sent) - set(properties))}"
    assert required <= set(sent), f"required by the spec, not sent: {sorted(required - set(sent))}"
    streams = method_plan.stream_flag
    constants = {
        name: helpers.resolve(schema)["const"]
        for name, schema in properties.items()
        if "const" in helpers.resolve(schema)
    }
    for name, value in constants.items():  # a constant is sent whether passed or not
        assert sent.get(name, value) == value
    expected = set(args.body) | ({"stream"} if streams else set())
    assert set(sent) - set(constants) == expected - set(constants)
    for name, value in args.body.items():
        assert sent[name] == value, f"body field {name}"
    if streams:
        assert sent["stream"] is True
    elif "stream" in properties:
        assert sent.get("stream") is not True


def check_form(request: httpx.Request, method_plan: MethodPlan, args: Arguments) -> None:
    operation = method_plan.operation
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    properties, required = helpers.object_shape(operation.body)
    parts = helpers.form_parts(request)
    names = [part.name for part in parts]
    assert set(names) <= set(properties), f"not in the spec: {sorted(set(names) - set(properties))}"
    assert required <= set(names), f"required by the spec, not sent: {required - set(names)}"
    binary = {name for name, schema in properties.items() if helpers.is_binary(schema)}
    assert binary, "the spec's form has no file"
    assert {part.name for part in parts} & binary == set(args.files)
    for name, upload in args.files.items():
        (file_part,) = [part for part in parts if part.name == name]
        assert file_part.file_name == upload.file_name
        assert file_part.content == upload.content
    fields = [part for part in parts if part.name not in binary]
    assert all(part.file_name is None for part in fields)
    if method_plan.stream_flag:
        (flag,) = [part for part in fields if part.name == "stream"]
        assert flag.content == b"true"
        fields.remove(flag)
    assert {part.name for part in fields} == set(args.body)
    for name, value in args.body.items():
        sent = [part.content.decode() for part in fields if part.name == name]
        assert helpers.same_texts(sent, value), f"form field {name}: sent {sent}, passed {value!r}"


# --- the result, against the answer ----------------------------------------------------


def check_result(group_plan: GroupPlan, method_plan: MethodPlan, result: Any, payload: Any) -> None:
    kind = helpers.returns_type(group_plan, method_plan)
    if payload is None:  # an answer without a body
        assert result is None
        return
    if kind is None:  # the plan gives no model: the JSON comes back as parsed
        assert result == payload
        return
    assert result == serde.converter.structure(payload, kind)
    classes = helpers.variants(kind)
    if classes:  # a model (the JSON of arrays and plain values has no .http)
        assert isinstance(result, classes), type(result)
        assert result.http.status_code == 200


def check_page(
    group_plan: GroupPlan, method_plan: MethodPlan, page: Page[Any, Any] | AsyncPage[Any, Any]
) -> None:
    assert isinstance(page.items, list)
    assert page.items, "the sample page holds an item"
    assert all(
        isinstance(item, helpers.variants(helpers.page_type(group_plan, method_plan)))
        for item in page.items
    )


def check_events(group_plan: GroupPlan, method_plan: MethodPlan, events: list[Any]) -> None:
    events_model, data_type, sent = helpers.events_data(group_plan, method_plan)
    assert len(events) == len(sent) == 2
    for event, data in zip(events, sent, strict=True):
        assert isinstance(event, events_model)
        assert event.data == serde.converter.structure(data, data_type)


# --- the operations --------------------------------------------------------------------


@pytest.mark.parametrize(("group_plan", "method_plan"), OPERATIONS)
@ARGUMENTS
def test_operation_sync(
    client: Mistral,
    api: respx.MockRouter,
    group_plan: GroupPlan,
    method_plan: MethodPlan,
    full: bool,
) -> None:
    payload = answer(api, group_plan, method_plan)
    args = helpers.arguments(group_plan, method_plan, full=full)
    method = getattr(resource_of(client, group_plan), method_plan.method.name)
    kind = method_plan.kind
    if kind == "stream":
        with method(**args.kwargs) as stream:
            assert isinstance(stream, EventStream)
            assert stream.http.status_code == 200
            events = list(stream)
        assert stream.response.is_closed
        check_events(group_plan, method_plan, events)
    elif kind == "download":
        with method(**args.kwargs) as response:
            assert isinstance(response, DownloadResponse)
            assert response.status_code == 200
            assert response.read() == payload
        assert response.is_closed
    elif kind == "pages":
        page = method(**args.kwargs)
        assert isinstance(page, Page)
        check_result(group_plan, method_plan, page.result, payload)
        check_page(group_plan, method_plan, page)
    else:
        check_result(group_plan, method_plan, method(**args.kwargs), payload)
    check_request(api, method_plan, args)


@pytest.mark.anyio
@pytest.mark.parametrize(("group_plan", "method_plan"), OPERATIONS)
@ARGUMENTS
async def test_operation_async(
    client: Mistral,
    api: respx.MockRouter,
    group_plan: GroupPlan,
    method_plan: MethodPlan,
    full: bool,
) -> None:
    payload = answer(api, group_plan, method_plan)
    args = helpers.arguments(group_plan, method_plan, full=full)
    method = getattr(resource_of(client, group_plan), f"{method_plan.method.name}_async")
    kind = method_plan.kind
    if kind == "stream":
        async with await method(**args.kwargs) as stream:
            assert isinstance(stream, AsyncEventStream)
            assert stream.http.status_code == 200
            events = [event async for event in stream]
        assert stream.response.is_closed
        check_events(group_plan, method_plan, events)
    elif kind == "download":
        async with await method(**args.kwargs) as response:
            assert isinstance(response, DownloadResponse)
            assert response.status_code == 200
            assert await response.aread() == payload
        assert response.is_closed
    elif kind == "pages":
        page = await method(**args.kwargs)
        assert isinstance(page, AsyncPage)
        check_result(group_plan, method_plan, page.result, payload)
        check_page(group_plan, method_plan, page)
    else:
        check_result(group_plan, method_plan, await method(**args.kwargs), payload)
    check_request(api, method_plan, args)


@pytest.mark.parametrize(("group_plan", "method_plan"), OPERATIONS)
def test_methods_carry_their_operation(group_plan: GroupPlan, method_plan: MethodPlan) -> None:
    cls = helpers.resource_class(group_plan)
    planned = method_plan.operation
    name = method_plan.method.name
    for method in (getattr(cls, name), getattr(cls, f"{name}_async")):
        recorded = method.operation
        assert recorded.id == method_plan.method.operation_id == planned.id
        assert (recorded.method, recorded.path) == (planned.method, planned.path)
    assert not inspect.iscoroutinefunction(getattr(cls, name))
    assert inspect.iscoroutinefunction(getattr(cls, f"{name}_async"))


@pytest.mark.parametrize(("group_plan", "method_plan"), OPERATIONS)
def test_methods_take_the_spec_s_parameters(group_plan: GroupPlan, method_plan: MethodPlan) -> None:
    """One keyword argument per spec parameter and body property (but ``stream``, which the
    method called says), required exactly when the spec requires it."""
    operation = method_plan.operation
    properties, required = helpers.object_shape(operation.body or {})
    in_spec: dict[str, bool] = {}
    for p in operation.parameters:  # an alias of an earlier parameter is left out
        if snake_name(p.name) not in map(snake_name, in_spec):
            in_spec[p.name] = p.required
    if any(not p.json_name for p in method_plan.params):  # a list or a union: one argument
        in_spec[""] = operation.body_required
    else:  # but ``stream``: the method called says whether the answer streams
        in_spec.update({name: name in required for name in properties if name != "stream"})
    if method_plan.stream_sibling:  # the official SDK's flag, which must agree with the method
        in_spec["stream"] = False
    json_names = {p.name: p.json_name for p in method_plan.params}
    cls = helpers.resource_class(group_plan)
    name = method_plan.method.name
    for method in (getattr(cls, name), getattr(cls, f"{name}_async")):
        parameters = inspect.signature(method).parameters.values()
        taken = {
            json_names.get(p.name, p.name): p.default is inspect.Parameter.empty
            for p in parameters
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        }
        assert taken == in_spec


@pytest.mark.parametrize(("group_plan", "method_plan"), OPERATIONS)
def test_json_answers_are_read_into_a_model(group_plan: GroupPlan, method_plan: MethodPlan) -> None:
    """Where the spec describes a JSON answer, the caller gets a model (with ``.http``);
    where it says nothing of its shape (``{}``), the JSON as it is."""
    answer = method_plan.operation.answer
    if method_plan.kind == "call" and answer and answer.get("application/json") != {}:
        assert "application/json" in answer
        assert method_plan.returns or method_plan.plain, (
            f"{method_plan.operation.id} answers JSON the spec describes, but "
            f"client.{group_plan.group.path}.{method_plan.method.name}() returns it unparsed"
        )


def test_the_table_s_operations_are_all_in_the_spec_and_generated() -> None:
    spec = helpers.spec()
    missing = [
        m.operation_id for g in GROUPS for m in g.methods if m.operation_id not in spec.operations
    ]
    assert not missing, f"not in the spec: {missing}"
    generated = {
        (g.group.path, name)
        for g in helpers.layout().groups
        for name, member in vars(helpers.resource_class(g)).items()
        if hasattr(member, "operation") and not name.endswith("_async")
    }
    table = {(g.path, m.name) for g in GROUPS for m in g.methods}
    groups = {path for path, _ in generated}
    counts = (
        f"{len(generated)} generated operations in {len(groups)} groups, "
        f"the table has {TABLE_OPERATIONS} in {len(GROUPS)}"
    )
    assert generated == table, (
        f"{counts}; missing {sorted(table - generated)}, extra {sorted(generated - table)}"
    )
    assert (len(generated), len(groups)) == (TABLE_OPERATIONS, len(GROUPS)), counts
    assert len(OPERATIONS) == TABLE_OPERATIONS, counts


@pytest.mark.parametrize("group_plan", GROUP_PLANS)
def test_each_group_is_mounted_from_its_entry_point(group_plan: GroupPlan) -> None:
    group = group_plan.group
    entry_points = importlib.metadata.entry_points(group="mistral.resources")
    for path in group.paths:
        (entry_point,) = [ep for ep in entry_points if ep.name == path]
        assert entry_point.value == f"{group_plan.module}:{group.class_name}"
        assert entry_point.dist is not None
        assert entry_point.dist.name == group.distribution
    with Mistral(api_key=API_KEY) as client:
        resource = resource_of(client, group_plan)
        assert type(resource) is helpers.resource_class(group_plan)
        assert resource_of(client, group_plan) is resource
