"""The hand-written code of the generated plugins: the one table that names it.

The generator never writes these modules; it re-exports what they name from the
plugin's generated ``__init__``, loaded on first use (as a group's class is) and seen
by type checkers; it bases a group's class on the mixins named for it in
:data:`MIXINS`, which is how a generated class gains hand-written methods; it widens
the parameters named in :data:`TAUGHT` to the values a hand-written module teaches
requests; and a plugin whose hand-written code imports another plugin's requires it
(:data:`SIBLINGS`, and the plugin teaching one of its parameters).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .groups import Group

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"


@dataclass(frozen=True)
class Arguments:
    """The keyword arguments of a generated method that a mixin's methods pass on."""

    method: str
    taken: tuple[str, ...]
    """Those the mixin's methods take themselves, and so are not passed on."""


@dataclass(frozen=True)
class Mixin:
    """A hand-written class that a generated group class derives from, for its methods."""

    module: str
    """Its module, imported when the group is (keep it light: no models at import)."""
    name: str
    arguments: Mapping[str, Arguments] = field(default_factory=dict[str, Arguments])
    """For type checkers only, the generator writes a ``TypedDict`` of each, by its name
    (``CompleteArguments``: those of ``complete``, call options included, but
    ``response_format``), so that a mixin's methods pass them on typed."""


@dataclass(frozen=True)
class StreamKind:
    """The stream class of the operations that stream an events model (instead of
    ``EventStream``), with more than the events to give; its async twin is ``Async`` + it."""

    module: str
    """Its module, imported on the method's first call (it needs the models)."""
    name: str


COMPLETION_STREAMS = "mistral_types._streams"
"""The completion streams (chat, FIM, agents), which put their answer together."""

STREAMS: dict[str, StreamKind] = {
    "CompletionEvent": StreamKind(COMPLETION_STREAMS, "CompletionStream")
}
"""Events model -> the stream class of the operations that stream it."""

WRITTEN_GROUPS: tuple[Group, ...] = (
    Group(
        "audio.realtime",
        "mistral-plugin-realtime",
        "RealtimeTranscription",
        "Realtime transcription over a WebSocket.",
        (),
    ),
    Group(
        "audio.realtime_speech",
        "mistral-plugin-realtime",
        "RealtimeSpeech",
        "Realtime speech over a WebSocket.",
        (),
    ),
)
"""The groups of hand-written distributions (no operation of the spec: a WebSocket): never
generated, but typed on the client and named in the core's catalog as the generated ones
are, so that ``client.audio.realtime`` type-checks and, when not installed, names its
package."""

HAND_WRITTEN: dict[str, tuple[str, ...]] = {
    "mistral-plugin-agents": (COMPLETION_STREAMS,),
    "mistral-plugin-batch": ("._official", "._running", "._wire"),
    "mistral-plugin-chat": (
        "._parsed",
        "._parsed_stream",
        "._schema",
        COMPLETION_STREAMS,
        "._tool_run",
        "._tools",
    ),
    "mistral-plugin-conversations": ("._run",),
    "mistral-plugin-fim": (COMPLETION_STREAMS,),
    "mistral-plugin-workflows": ("._helpers",),
}
"""Distribution -> the hand-written modules whose ``__all__`` its package exports: its
own (``._tools``), or shared ones of ``mistral-types`` its groups use."""

SIBLINGS: dict[str, tuple[str, ...]] = {
    "mistral-plugin-agents": ("mistral-plugin-chat",),
    "mistral-plugin-batch": ("mistral-plugin-files",),
    "mistral-plugin-conversations": ("mistral-plugin-chat",),
}
"""Distribution -> the plugins its hand-written modules import, which it requires (besides
the core and ``mistral-types``): ``agents.parse`` is ``chat.parse``'s code, and the
conversations' run loop runs functions as ``chat.run_tools`` does."""

MIXINS: dict[str, tuple[Mixin, ...]] = {
    "Agents": (
        Mixin(
            "mistral_plugin_agents._parse",
            "AgentsParsing",
            {
                "CompleteArguments": Arguments("complete", ("response_format",)),
            },
        ),
    ),
    "BatchJobs": (
        Mixin(
            "mistral_plugin_batch._wait",
            "BatchJobWaiting",
            {"GetArguments": Arguments("get", ("job_id",))},
        ),
        Mixin(
            "mistral_plugin_batch._running",
            "BatchJobRunning",
            {
                "CreateArguments": Arguments(
                    "create", ("endpoint", "input_files", "requests", "metadata")
                ),
                "ListArguments": Arguments("list", ("metadata",)),
            },
        ),
    ),
    "Chat": (
        Mixin(
            "mistral_plugin_chat._parse",
            "ChatParsing",
            {
                "CompleteArguments": Arguments("complete", ("response_format",)),
            },
        ),
        Mixin(
            "mistral_plugin_chat._run_tools",
            "ChatToolRunning",
            {
                "ToolRunArguments": Arguments("complete", ("messages", "tools")),
            },
        ),
    ),
    "Conversations": (
        Mixin(
            "mistral_plugin_conversations._running",
            "ConversationRunning",
            {
                "StartArguments": Arguments("start", ("inputs",)),
                "AppendArguments": Arguments("append", ("conversation_id", "inputs")),
            },
        ),
    ),
    "Documents": (Mixin("mistral_plugin_libraries._wait", "DocumentWaiting"),),
    "FineTuningJobs": (Mixin("mistral_plugin_fine_tuning._wait", "FineTuningJobWaiting"),),
    "Workflows": (
        Mixin(
            "mistral_plugin_workflows._wait",
            "WorkflowWaiting",
            {
                "ExecuteWorkflowArguments": Arguments(
                    "execute_workflow",
                    ("workflow_identifier", "wait_for_result", "timeout_seconds"),
                ),
            },
        ),
    ),
}
"""Generated group class -> the mixins it derives from (before ``Resource``)."""


@dataclass(frozen=True)
class Taught:
    """Values that the items of a generated list parameter take besides the spec's types,
    because a hand-written module teaches requests to send them
    (``mistral_core.models.register_request_value``) when it is imported.

    The module names their type; the group's module imports that name at run time (which
    teaches requests the values when the group is mounted) and widens the parameter with it.
    """

    module: str
    """The module that teaches them (keep it light: it is imported at mount)."""
    name: str
    """Their type, defined in :attr:`module`."""
    summary: str
    """What they are, for the comment of that import: ``functions as tools``."""

    @property
    def distribution(self) -> str:
        """The distribution of :attr:`module`, which the group's distribution requires."""
        return self.module.partition(".")[0].replace("_", "-")


FUNCTIONS_AS_TOOLS = Taught(
    "mistral_plugin_chat._tool_functions", "ToolFunction", "functions as tools"
)
"""``tools=[get_weather]``: a function is sent as the tool ``function_tool`` makes of it."""

TAUGHT: dict[tuple[str, str], Taught] = {
    ("Chat", "tools"): FUNCTIONS_AS_TOOLS,
    ("Agents", "tools"): FUNCTIONS_AS_TOOLS,
}
"""(Generated group class, parameter) -> what the parameter's items take besides the spec's."""


def taught(class_name: str) -> dict[str, Taught]:
    """A group class's parameters that take taught values -> what they take."""
    return {param: t for (name, param), t in TAUGHT.items() if name == class_name}


def exports(distribution: str) -> dict[str, str]:
    """The names a distribution's hand-written modules export -> the module of each.

    Read from each module's ``__all__`` (its source, not imported), the one place a
    module says what it exports.
    """
    return {
        name: module
        for module in HAND_WRITTEN.get(distribution, ())
        for name in _all_of(_source(distribution, module))
    }


def _source(distribution: str, module: str) -> Path:
    """The file of a module named as :data:`HAND_WRITTEN` names it."""
    if module.startswith("."):
        package = distribution.replace("-", "_")
        directory = PLUGINS / "resources" / distribution.removeprefix("mistral-plugin-")
        return directory / "src" / package / f"{module[1:]}.py"
    package, name = module.split(".")
    return PLUGINS / package.removeprefix("mistral_") / "src" / package / f"{name}.py"


def _all_of(path: Path) -> list[str]:
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in statement.targets
        ):
            names = ast.literal_eval(statement.value)
            return [str(name) for name in names]
    raise ValueError(f"{path}: a hand-written module names its exports in __all__")
