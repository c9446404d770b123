"""The source of a plugin's resource module: one class, a sync and an async method per call."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

from .extras import MIXINS, STREAMS, Arguments, Mixin, Taught, taught
from .groups import Group
from .layout import GroupPlan, MethodPlan, Param
from .render_models import WIDTH, _docstring, header
from .render_typing import import_line
from .schemas import Definitions, ModelDef, UnionDef, split_union

_KINDS = {
    "call": ("_call", "{returns}"),
    "pages": ("_call_pages", "Page[{returns}, {items}]"),
    "stream": ("_stream", "EventStream[{events}]"),
    "download": ("_download", "DownloadResponse"),
}
_ASYNC_RETURNS = {"EventStream[": "AsyncEventStream[", "Page[": "AsyncPage["}
_AUTH_SCHEMES = {"AdminApiKey": "admin", "DashboardUserContextAuth": "x-api-key"}
"""The spec's security schemes that are not the client's own bearer key."""


def render_resource(
    group_plan: GroupPlan,
    definitions: Definitions,
    sources: tuple[str, ...],
    below: dict[str, Group] | None = None,
) -> str:
    """The module of a group's class; ``below``: the groups mounted below it, by name."""
    group = group_plan.group
    below = below or {}
    method_names = {m.method.name + suffix for m in group_plan.methods for suffix in ("", "_async")}
    clashes = sorted(
        {g.class_name for g in below.values() if g.class_name in group_plan.uses}
        | (set(below) & method_names)
    )
    if clashes:  # a method would hide a group, or a class a model
        raise ValueError(
            f"{group.class_name}: groups below named as its methods or models: {clashes}"
        )
    operations = _operations(group_plan)
    params_taught = taught(group.class_name)
    methods = [
        _method(m, definitions, is_async, params_taught)
        for m in group_plan.methods
        for is_async in (False, True)
    ]
    mixins = MIXINS.get(group.class_name, ())
    bases = ", ".join([*(mixin.name for mixin in mixins), "Resource"])
    class_text = "\n".join(
        [
            f"class {group.class_name}({bases}):",
            _docstring(group.summary, 4),
            "",
            *_groups_below(below),
            *methods,
        ]
    ).rstrip()
    arguments = _arguments_types(group_plan, mixins, definitions, params_taught)
    text = "\n\n\n".join([*operations, *arguments, class_text])
    module_doc = f"``client.{' / client.'.join(group.paths)}``: {group.summary}"
    imports = _imports(group_plan, text, [import_line(g, group.package) for g in below.values()])
    at = imports.index("from mistral_core.resource import Resource, operation") + 1
    if mixins:  # a module of the plugin's own package is imported relatively
        own = [f"from {m.module.removeprefix(group.package)} import {m.name}" for m in mixins]
        imports[at:at] = ["", *sorted(own)]
    for values in sorted(set(params_taught.values()), key=lambda t: t.module):
        imports[at:at] = ["", _import_teaching(values, group.package)]
    lines = [header(sources), _docstring(module_doc, 0), "", *imports]
    lines += ["", f'__all__ = ["{group.class_name}"]', "", "", text, ""]
    return "\n".join(lines)


def _import_teaching(values: Taught, package: str) -> str:
    """The run-time import of the type of ``values``, from the module that teaches
    requests them when it is imported (relatively, from the plugin's own package)."""
    module = values.module.removeprefix(package)
    comment = f"# imported at run time: its module teaches request bodies {values.summary}"
    return f"{comment}\nfrom {module} import {values.name}"


def _operations(group_plan: GroupPlan) -> list[str]:
    rendered: dict[str, str] = {}
    for plan in group_plan.methods:
        if plan.constant in rendered:
            continue
        op = plan.operation
        sharing = [m for m in group_plan.methods if m.constant == plan.constant]
        events_name = next((m.events for m in sharing if m.events), "")
        requires_done = any(m.method.requires_done for m in sharing)
        auth = next((_AUTH_SCHEMES[s] for s in op.security if s in _AUTH_SCHEMES), "")
        returns = _returns(plan)
        events = events_name or "Any"
        fields = [
            f"    id={op.id!r},",
            f"    method={op.method!r},",
            f"    path={op.path!r},",
            f'    models="{group_plan.group.package}.models",',
        ]
        if plan.body_model:
            fields.append(f"    body={plan.body_model!r},")
        if plan.multipart:
            fields.append('    body_media="multipart/form-data",')
        if plan.returns:
            fields.append(f"    returns={plan.returns!r},")
        if events_name:
            fields.append(f"    events={events_name!r},")
        if requires_done:
            fields.append("    requires_done=True,")
        if auth:
            fields.append(f"    auth={auth!r},")
        if plan.pages is not None:
            fields.append(f"    pages={_pagination(plan)},")
        summary = op.summary or op.id
        rendered[plan.constant] = "\n".join(
            [
                f"{plan.constant}: Operation[{returns}, {events}] = Operation(",
                *fields,
                ")",
                _docstring(f"{summary} (``{op.method} {op.path}``).", 0),
            ]
        )
    return list(rendered.values())


def _returns(plan: MethodPlan) -> str:
    """The answer's model, or plain type; ``None`` for an answer without a body (204)."""
    return plan.returns or plan.plain or ("Any" if plan.operation.answer else "None")


def _pagination(plan: MethodPlan) -> str:
    pages = plan.pages
    assert pages is not None
    given = [
        f"{name}={value!r}"
        for name, value in (
            ("items", pages.items),
            ("cursor", pages.cursor),
            ("next_cursor", pages.next_cursor),
            ("offset", pages.offset),
            ("limit", pages.limit),
        )
        if value
    ]
    return f"Pagination({', '.join(given)})"


def _method(
    plan: MethodPlan, definitions: Definitions, is_async: bool, taught: Mapping[str, Taught]
) -> str:
    core_call, returns = _KINDS[plan.kind]
    items = plan.pages.item_type if plan.pages is not None else "Any"
    returns = returns.format(returns=_returns(plan), events=plan.events or "Any", items=items)
    name = plan.method.name + ("_async" if is_async else "")
    if is_async:
        core_call += "_async"
        for sync_type, async_type in _ASYNC_RETURNS.items():
            returns = returns.replace(sync_type, async_type)
    stream_kind = STREAMS.get(plan.events) if plan.kind == "stream" else None
    arguments = _arguments(plan)
    load_kind = []
    if stream_kind:  # a stream class with more to give than the events
        stream_class = ("Async" if is_async else "") + stream_kind.name
        returns = f"{stream_class}[{_returns(plan)}]"
        arguments += f", kind={stream_class}"
        load_kind = [f"        from {stream_kind.module} import {stream_class}", ""]
    params = sorted(plan.params, key=lambda p: not p.required)
    signature = [f"        {_param(p, definitions, taught.get(p.name))}," for p in params]
    check = []
    if plan.stream_sibling:  # the official SDK's flag, which must say what the method does
        streams = plan.kind == "stream"
        signature.append(
            "        stream: Literal[True] = True,"
            if streams
            else "        stream: Literal[False] | None = False,"
        )
        check = [
            f"        if {'not ' if streams else ''}stream:",
            f"            raise self._wrong_stream_flag({name!r}, "
            f"{plan.stream_sibling + ('_async' if is_async else '')!r}, stream)",
        ]
    lines = [
        f"    @operation({plan.constant})",
        f"    {'async ' if is_async else ''}def {name}(",
        "        self,",
        *(["        *,"] if params else []),
        *signature,
        "        **options: Unpack[CallOptions],",
        f"    ) -> {returns}:",
        _docstring(_method_doc(plan, is_async), 8),
        *check,
        *load_kind,
        f"        return {'await ' if is_async else ''}self.{core_call}({arguments})",
        "",
    ]
    return "\n".join(lines)


def _param(param: Param, definitions: Definitions, taught: Taught | None) -> str:
    kind = _param_type(param, definitions, taught)
    return f"{param.name}: {kind}" if param.required else f"{param.name}: {kind} = UNSET"


def _param_type(param: Param, definitions: Definitions, taught: Taught | None) -> str:
    kind = _widen(param.type, definitions, taught.name if taught else "")
    if param.required:
        return kind
    members = [m for m in split_union(kind) if m != "None"] + ["Unset"]
    if "None" in split_union(kind):
        members.append("None")  # last, as linters want it
    return " | ".join(members)


def _arguments_types(
    group_plan: GroupPlan,
    mixins: tuple[Mixin, ...],
    definitions: Definitions,
    taught: Mapping[str, Taught],
) -> list[str]:
    """The ``TypedDict`` of each method's keyword arguments that a mixin's methods pass on
    (all but those the mixin takes itself), for type checkers only; the fields they all
    share are written once, in a base class."""
    wanted = [(name, args, mixin) for mixin in mixins for name, args in mixin.arguments.items()]
    if not wanted:
        return []
    fields = {name: _fields(group_plan, args, definitions, taught) for name, args, _ in wanted}
    first, *others = fields.values()
    shared = [line for line in first if all(line in other for other in others)] if others else []
    base = f"_{group_plan.group.class_name}Arguments" if shared else "CallOptions"
    classes: list[str] = []
    if shared:
        doc = "The keyword arguments that every one of the ``TypedDict`` below takes."
        classes.append(_typed_dict(base, "CallOptions", doc, shared))
    for name, args, mixin in wanted:
        *before, last = [f"``{n}``" for n in args.taken]
        taken = f"{', '.join(before)} and {last}" if before else last
        doc = (
            f"The keyword arguments of ``{args.method}`` but {taken}, "
            f"which :class:`~{mixin.module}.{mixin.name}` passes on."
        )
        own = [line for line in fields[name] if line not in shared]
        classes.append(_typed_dict(name, base, doc, own))
    return ["\n".join(["if TYPE_CHECKING:", *classes])]


def _fields(
    group_plan: GroupPlan,
    arguments: Arguments,
    definitions: Definitions,
    taught: Mapping[str, Taught],
) -> list[str]:
    plan = next(plan for plan in group_plan.methods if plan.method.name == arguments.method)
    fields: list[str] = []
    for param in sorted(plan.params, key=lambda p: not p.required):
        if param.name not in arguments.taken:
            kind = _param_type(param, definitions, taught.get(param.name))
            fields.append(f"{param.name}: {f'Required[{kind}]' if param.required else kind}")
    return fields


def _typed_dict(name: str, base: str, doc: str, fields: list[str]) -> str:
    body = [f"        {field}" for field in fields] or []
    return "\n".join(["", f"    class {name}({base}, total=False):", _docstring(doc, 8), "", *body])


def _widen(expr: str, definitions: Definitions, taught: str = "") -> str:
    """A parameter takes a dict wherever a model goes, and any sequence for a list, whose
    items may also be values a module taught requests (``taught``, their type)."""
    members: list[str] = []
    for member in split_union(expr):
        list_of = re.fullmatch(r"list\[(.*)\]", member)
        dict_of = re.fullmatch(r"dict\[str, (.*)\]", member)
        if list_of:
            items = _widen(list_of.group(1), definitions)
            member = f"Sequence[{items} | {taught}]" if taught else f"Sequence[{items}]"
        elif dict_of:  # no ``list[`` nor ``dict[`` is left in a signature, where a method
            # of the class may be called ``list``
            member = f"Mapping[str, {_widen(dict_of.group(1), definitions)}]"
        elif isinstance(definitions.defs.get(member), ModelDef | UnionDef):
            member = f"{member} | Mapping[str, Any]"
        for part in split_union(member):
            if part not in members:
                members.append(part)
    return " | ".join(members)


def _arguments(plan: MethodPlan) -> str:
    by_location: dict[str, list[Param]] = {"path": [], "query": [], "header": [], "body": []}
    for param in plan.params:
        by_location[param.location].append(param)
    body = [f"{p.json_name!r}: {p.name}" for p in by_location["body"]]
    if plan.stream_flag:
        body.append('"stream": True')
    arguments = [plan.constant]
    whole_body = [p.name for p in by_location["body"] if not p.json_name]
    if whole_body:
        arguments += whole_body
    elif plan.kind != "download":
        arguments.append("{" + ", ".join(body) + "}" if plan.operation.body is not None else "None")
    arguments.append("options")
    for location, keyword in (("path", "path"), ("query", "query"), ("header", "headers")):
        if by_location[location]:
            pairs = ", ".join(f"{p.json_name!r}: {p.name}" for p in by_location[location])
            arguments.append(f"{keyword}={{{pairs}}}")
    return ", ".join(arguments)


def _method_doc(plan: MethodPlan, is_async: bool) -> str:
    op = plan.operation
    summary = (op.summary or op.id).rstrip(".")
    if is_async:  # the twin's docstring says everything else
        return f"{summary}, without blocking the event loop: see :meth:`{plan.method.name}`."
    parts = [summary + "."]
    description = op.description.strip()
    if description and description.rstrip(".") != op.summary.rstrip("."):
        parts.append(description)
    if plan.kind == "pages":
        parts.append(
            "The first page is fetched now; iterate the page (``for item in page``) for every "
            "item of it and of the next pages, each fetched when its items are needed, or "
            "call ``next()`` for the next page."
        )
    if plan.kind == "stream":
        parts.append(
            "Iterate the result (best in a ``with`` block) for the events; the connection is "
            "released when the stream ends or the block or loop is left."
        )
        if any(p.name == "last_event_id" for p in plan.params):
            parts.append(
                "To resume a stream that was cut, call again with "
                "``last_event_id=stream.last_event_id``."
            )
    if plan.kind == "download":
        parts.append(
            "The response is returned unread: iterate ``iter_bytes()`` (or read it) in a "
            "``with`` block, which releases the connection."
        )
    documented = [p for p in sorted(plan.params, key=lambda p: not p.required) if p.doc]
    if documented:
        args = ["Args:"]
        for param in documented:
            text = " ".join(param.doc.split())
            wrapped = textwrap.fill(f"{param.name}: {text}", WIDTH - 12, subsequent_indent="    ")
            args.append(textwrap.indent(wrapped, "    "))
        parts.append("\n".join(args))
    return "\n\n".join(parts)


def _groups_below(below: dict[str, Group]) -> list[str]:
    """Class-level annotations of the groups below, for type checkers only.

    At run time the groups are mounted from entry points, on first access, and nothing
    is imported for them here.
    """
    if not below:
        return []
    lines = ["    if TYPE_CHECKING:  # mounted on first access, from their entry points"]
    lines += [f"        {name}: {group.class_name}" for name, group in sorted(below.items())]
    return [*lines, ""]


def _imports(group_plan: GroupPlan, text: str, group_imports: list[str]) -> list[str]:
    used_models = sorted(
        {word for word in re.findall(r"[A-Za-z_]\w*", text) if word in group_plan.uses}
    )
    core_runtime = [
        n for n in ("UNSET", "Operation", "Pagination", "Unset") if re.search(rf"\b{n}\b", text)
    ]
    core_typing = [
        n
        for n in (
            "AsyncEventStream",
            "AsyncPage",
            "CallOptions",
            "DownloadResponse",
            "EventStream",
            "File",
            "Page",
        )
        if re.search(rf"\b{n}\b", text)
    ]
    abc = [n for n in ("Mapping", "Sequence") if re.search(rf"\b{n}\b", text)]
    typing_names = [
        "TYPE_CHECKING",
        *(n for n in ("IO", "Any", "Literal") if re.search(rf"\b{n}\b", text)),
    ]
    lines = ["from __future__ import annotations", ""]
    if abc:
        lines.append(f"from collections.abc import {', '.join(abc)}")
    lines.append(f"from typing import {', '.join(sorted(typing_names))}")
    lines += ["", f"from mistral_core import {', '.join(core_runtime)}"]
    lines += ["from mistral_core.resource import Resource, operation", ""]
    lines.append("if TYPE_CHECKING:  # the models are imported on the first call, not at mount")
    if re.search(r"\bPath\b", text):
        lines.append("    from pathlib import Path")
        lines.append("")
    extensions = [n for n in ("Required", "Unpack") if re.search(rf"\b{n}\b", text)]
    lines.append(f"    from typing_extensions import {', '.join(extensions)}")
    lines.append("")
    lines.append(f"    from mistral_core import {', '.join(core_typing)}")
    if group_imports:
        lines += ["", *(f"    {line}" for line in sorted(group_imports))]
    for module, names in _stream_kinds(text).items():
        lines += ["", f"    from {module} import {', '.join(names)}"]
    if used_models:
        lines += ["", f"    from .models import {', '.join(used_models)}"]
    return lines


def _stream_kinds(text: str) -> dict[str, list[str]]:
    """The stream classes a module's methods return, by module."""
    kinds: dict[str, list[str]] = {}
    for kind in STREAMS.values():
        for name in (f"Async{kind.name}", kind.name):
            if re.search(rf"\b{name}\b", text):
                kinds.setdefault(kind.module, []).append(name)
    return kinds
