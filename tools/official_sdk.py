"""The names users of the official ``mistralai`` SDK import that differ from ours.

    python tools/official_sdk.py                     # installs the SDKs under bench/.cache/
    python tools/official_sdk.py --venv /tmp/oracle  # an environment that already has one
    python tools/official_sdk.py --check             # fail if tools/codegen/official.py differs
    python tools/official_sdk.py --report out.md     # also say what matched and what did not

Each pinned version of the official SDK (``VERSIONS``, newest first) is installed into a
throwaway virtual environment of its own under ``bench/.cache/`` (the newest into the one
``bench/run.py`` uses), never into the project's; a small script run by that environment's
interpreter lists its models, enums and unions as JSON. They are matched against the
definitions the generator makes from the spec: a class of the same name, else the one
definition with the same JSON fields (enums: values; unions: variants), the closest in name
when several have them. The versions are then merged: what a newer version says of a name
wins, and an older one only adds the names no newer one has (the 2.x fine-tuning job
classes, which 3.x dropped, and other 2.x names since renamed). What comes out is
``tools/codegen/official.py``: the official names of our classes where they differ, and the
official attribute names where they are not ``snake_name`` of the JSON name. The SDK is an
oracle only: nothing of it is imported here, nor by the generated code.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(ROOT))

import mistral_core  # noqa: E402
import mistral_core.models  # noqa: E402
from tools.codegen.__main__ import SPEC_DIR, SPEC_FILES  # noqa: E402
from tools.codegen.layout import plan  # noqa: E402
from tools.codegen.schemas import (  # noqa: E402
    AliasDef,
    Definition,
    EnumDef,
    ModelDef,
    UnionDef,
    snake_name,
    split_union,
)
from tools.codegen.spec import Spec, is_object, load  # noqa: E402

Defs = Mapping[str, Definition]
"""Our definitions by name."""

VERSIONS = ("3.7.0", "2.10.1", "2.5.1")
"""The versions of ``mistralai`` the tables are derived from, newest first: the current one;
the last 2.x; the last 2.x with the fine-tuning job classes (``ClassifierFineTuningJob``,
``CompletionFineTuningJobDetails``...), which 2.5.2 dropped along with their operations."""
CACHE = ROOT / "bench" / ".cache"
"""Each version goes into ``mistralai-VERSION-venv`` there: not ``bench/run.py``'s own
``mistralai-venv``, which holds the newest release with what the benchmark needs too."""
OUTPUT = ROOT / "tools" / "codegen" / "official.py"
MIN_SIMILARITY = 0.6
"""How alike (``difflib`` ratio) an official name and ours must be to be taken as one class
when only their fields (enums: values; unions: variants) say they are."""
MIN_SIMILARITY_MORE = 0.8
"""How alike the names must be when our union has more variants than the official one."""
MIN_MARGIN = 0.05
"""How much closer the best of several candidates must be than the next one."""
RESERVED = frozenset(
    {"Annotated", "Any", "IO", "Literal", "Mapping", "Path", "Sequence", "attrs", "serde"}
    | set(mistral_core.__all__)
    | set(mistral_core.models.__all__)
)
"""Names the generated modules import, and ``mistral_core``'s: no alias may take them."""

INTROSPECT = r'''
import enum
import importlib.metadata
import json
import typing

import pydantic
import typing_extensions

import mistralai.client.models as models
from mistralai.client.types import UnrecognizedStr
from mistralai.client.utils.metadata import FieldMetadata

ALIASES = (typing_extensions.TypeAliasType,) + (
    (typing.TypeAliasType,) if hasattr(typing, "TypeAliasType") else ()
)
PUBLIC = [name for name in models.__all__ if not name.endswith("TypedDict")]
EXPORTED = {}
for name in PUBLIC:
    EXPORTED.setdefault(id(getattr(models, name)), name)
for name in PUBLIC:  # a class exported under its own name too is known by it
    value = getattr(models, name)
    if isinstance(value, type) and value.__name__ == name:
        EXPORTED[id(value)] = name


def unwrap(kind):
    while True:
        if isinstance(kind, typing.ForwardRef):
            kind = getattr(models, kind.__forward_arg__)
        elif isinstance(kind, ALIASES):
            kind = kind.__value__
        elif typing.get_origin(kind) is typing.Annotated:
            kind = typing.get_args(kind)[0]
        else:
            return kind


def members(kind):
    kind = unwrap(kind)
    if typing.get_origin(kind) is typing.Union:
        return [member for arg in typing.get_args(kind) for member in members(arg)]
    return [kind]


def is_model(kind):
    return isinstance(kind, type) and issubclass(kind, pydantic.BaseModel)


def is_placeholder(kind):
    """The variant an open union keeps an unknown value as (``UnknownAgentTool``)."""
    return is_model(kind) and "is_unknown" in kind.model_fields


def model_refs(kind, seen):
    """The official names of the models a field's type holds, through unions and lists."""
    kind = unwrap(kind)
    if is_placeholder(kind):
        pass
    elif is_model(kind):
        seen.add(EXPORTED.get(id(kind), kind.__name__))
    elif not isinstance(kind, type):
        for arg in typing.get_args(kind):
            try:
                model_refs(arg, seen)
            except AttributeError:  # a forward reference to a name not exported
                pass
    return seen


def is_parameter(info):
    return any(
        isinstance(meta, FieldMetadata)
        and (meta.path or meta.query or meta.header or meta.request)
        for meta in info.metadata
    )


found = {"version": importlib.metadata.version("mistralai")}
found.update(models={}, enums={}, unions={}, other={}, same={})
for name in PUBLIC:
    value = getattr(models, name)
    if isinstance(value, type) and EXPORTED[id(value)] != name:
        found["same"][name] = EXPORTED[id(value)]  # ``Integration = WandbIntegrationResult``
        continue
    if is_placeholder(value):
        found["other"][name] = "the variant an open union keeps an unknown value as"
        continue
    if is_model(value):
        infos = value.model_fields
        found["models"][name] = {
            "fields": {info.alias or key: key for key, info in infos.items()},
            "refs": {
                info.alias or key: sorted(model_refs(info.annotation, set()))
                for key, info in infos.items()
            },
            "operation": any(is_parameter(info) for info in infos.values()),
        }
        continue
    if isinstance(value, type) and issubclass(value, enum.Enum):
        found["enums"][name] = sorted(str(member.value) for member in value)
        continue
    kinds = [kind for kind in members(value) if not is_placeholder(kind)]
    literals = [kind for kind in kinds if typing.get_origin(kind) is typing.Literal]
    values = [v for kind in literals for v in typing.get_args(kind)]
    others = [kind for kind in kinds if kind not in literals]
    if values and all(isinstance(v, str) for v in values):
        if all(kind in (UnrecognizedStr, str) for kind in others):
            found["enums"][name] = sorted(set(values))
            continue
    if len(kinds) > 1 and all(is_model(kind) for kind in kinds):
        found["unions"][name] = [EXPORTED.get(id(kind), kind.__name__) for kind in kinds]
        continue
    found["other"][name] = repr(unwrap(value))
print(json.dumps(found, sort_keys=True))
'''
"""Run by the official SDK's interpreter: its public models, enums and unions, as JSON."""


@dataclass(frozen=True)
class OfficialModel:
    fields: dict[str, str]
    """JSON name -> Python attribute name."""
    refs: dict[str, frozenset[str]]
    """JSON name -> the official models its type holds (through unions and lists)."""
    operation: bool
    """Whether it holds an operation's parameters (path, query, header, body), not JSON."""


@dataclass(frozen=True)
class Official:
    version: str
    models: dict[str, OfficialModel]
    enums: dict[str, frozenset[str]]
    unions: dict[str, tuple[str, ...]]
    """Name -> the official names of the models it is one of."""
    other: dict[str, str]
    """Any other public type alias (``Union[str, List[str]]``): name -> its repr."""
    same: dict[str, str]
    """Another public name of a class (``CompletionFineTuningJobRepository =
    GithubRepository``) -> the name it is known by (its own), which the others list."""

    @property
    def names(self) -> frozenset[str]:
        """All its public names (but the ``...TypedDict`` twins)."""
        kinds = (self.models, self.enums, self.unions, self.other, self.same)
        return frozenset(name for names in kinds for name in names)


@dataclass
class Match:
    """How official names came to ours, and what could not be matched."""

    ours: dict[str, str] = field(default_factory=dict[str, str])
    """Official name -> our definition name, for every official class matched."""
    by_name: list[str] = field(default_factory=list[str])
    by_shape: dict[str, tuple[str, float, str]] = field(
        default_factory=dict[str, tuple[str, float, str]]
    )
    """Official name -> ours, how alike the names are, and what told (fields, twin, ...)."""
    unmatched: list[str] = field(default_factory=list[str])
    ambiguous: dict[str, list[tuple[str, float]]] = field(
        default_factory=dict[str, list[tuple[str, float]]]
    )
    """Official name -> the candidates of ours with its shape, none clearly the one."""
    undecided: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    """Official name -> ours with its fields, which hold models that could not be matched."""
    operations: list[str] = field(default_factory=list[str])
    """Official models of an operation's parameters, not matched by name."""
    rejected: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    """Official name -> ours with its fields, whose field types hold other models."""
    collisions: dict[str, str] = field(default_factory=dict[str, str])
    """Official name -> why it cannot be an alias (it names something else of ours)."""
    different_fields: dict[str, tuple[list[str], list[str]]] = field(
        default_factory=dict[str, tuple[list[str], list[str]]]
    )
    """Same name, other JSON fields: official name -> (only official, only ours)."""
    field_names: dict[tuple[str, str], str] = field(default_factory=dict[tuple[str, str], str])
    field_conflicts: dict[tuple[str, str], dict[str, list[str]]] = field(
        default_factory=dict[tuple[str, str], dict[str, list[str]]]
    )
    """(our model, JSON name) -> official attribute name -> the official classes using it."""

    def aliases(self) -> dict[str, tuple[str, ...]]:
        return aliases(self.ours)


FieldKey = tuple[str, str]
"""(our model, JSON field name)."""


@dataclass
class Merged:
    """What several versions say together, the newest first: the tables that are written."""

    ours: dict[str, str] = field(default_factory=dict[str, str])
    """Official name -> our definition name, from the newest version that has the name."""
    origin: dict[str, str] = field(default_factory=dict[str, str])
    """Official name -> the version its entry of ``ours`` comes from."""
    field_names: dict[FieldKey, str] = field(default_factory=dict[FieldKey, str])
    field_origin: dict[FieldKey, str] = field(default_factory=dict[FieldKey, str])
    """(our model, JSON name) -> the version that named the field (its ``snake_name`` too)."""
    shadowed: dict[str, dict[str, tuple[str, str]]] = field(
        default_factory=dict[str, dict[str, tuple[str, str]]]
    )
    """Version -> its names a newer version also has, matched otherwise here: name -> (ours
    in this version, ours in the newer one or ``""`` when that one matches it to nothing)."""
    field_shadowed: dict[str, dict[FieldKey, tuple[str, str]]] = field(
        default_factory=dict[str, dict[FieldKey, tuple[str, str]]]
    )
    """Version -> fields it names otherwise than a newer one: -> (its name, the newer's)."""

    def aliases(self) -> dict[str, tuple[str, ...]]:
        return aliases(self.ours)


def aliases(matched: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Our definition -> the official names of it, but its own: what ``CLASS_ALIASES`` is."""
    table: dict[str, list[str]] = {}
    for official, ours in matched.items():
        if official != ours:
            table.setdefault(ours, []).append(official)
    return {name: tuple(sorted(table[name])) for name in sorted(table)}


def default_venv(version: str) -> Path:
    """Where ``version`` of ``mistralai`` is installed unless ``--venv`` says otherwise."""
    return CACHE / f"mistralai-{version}-venv"


def installed_version(venv: Path) -> str:
    """The version of ``mistralai`` in ``venv``; empty when it has none (or is no venv)."""
    python = venv / "bin" / "python"
    if not python.exists():
        return ""
    return subprocess.run(
        [str(python), "-I", "-c", "import importlib.metadata as m; print(m.version('mistralai'))"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def official_python(venv: Path, version: str) -> Path:
    """The interpreter of ``venv``, with ``mistralai`` at ``version`` installed in it."""
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating {venv} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if installed_version(venv) != version:
        print(f"installing mistralai=={version} into {venv} ...", file=sys.stderr)
        pip = [str(python), "-m", "pip", "install", "-q", f"mistralai=={version}"]
        subprocess.run(pip, check=True)
    return python


def venvs(given: Iterable[Path]) -> dict[str, Path]:
    """The environment of each of ``VERSIONS``: one of ``given`` that has it, else its own
    under ``bench/.cache/``. A given one with no ``mistralai`` gets the newest version."""
    found = {version: default_venv(version) for version in VERSIONS}
    taken: set[str] = set()
    for venv in given:
        version = installed_version(venv) or VERSIONS[0]
        if version not in VERSIONS:
            raise SystemExit(f"{venv} has mistralai {version}, none of {', '.join(VERSIONS)}")
        if version in taken:
            raise SystemExit(f"two --venv have mistralai {version}")
        taken.add(version)
        found[version] = venv
    return found


def introspect(python: Path, version: str) -> Official:
    done = subprocess.run(
        [str(python), "-I", "-c", INTROSPECT], capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout)
    if found["version"] != version:
        raise SystemExit(f"{python} has mistralai {found['version']}, not {version}")
    models = {
        name: OfficialModel(
            dict(model["fields"]),
            {json_name: frozenset(refs) for json_name, refs in model["refs"].items()},
            bool(model["operation"]),
        )
        for name, model in found["models"].items()
    }
    enums = {name: frozenset(values) for name, values in found["enums"].items()}
    unions = {name: tuple(variants) for name, variants in found["unions"].items()}
    other, same = dict(found["other"]), dict(found["same"])
    return Official(found["version"], models, enums, unions, other, same)


def ours() -> tuple[Spec, Defs]:
    """The spec and the definitions the generator makes from it, by name."""
    spec = load(*(SPEC_DIR / name for name in SPEC_FILES))
    return spec, plan(spec).definitions.defs


def similarity(official: str, mine: str) -> float:
    return difflib.SequenceMatcher(None, official.lower(), mine.lower()).ratio()


def match(official: Official, defs: Defs) -> Match:
    """Each official class to ours: by name first, then by shape.

    A model's shape is its set of JSON field names: the candidates are ours with the same
    set, and ours named like an official model with the same set (its twin: the official
    ``ChatCompletionStreamRequest`` has the fields of the official ``ChatCompletionRequest``).
    A candidate whose fields hold other models than the official ones is rejected; one
    whose fields hold official models that match nothing stays undecided. An enum's shape
    is its values; a union's, its variants once matched. Of several candidates, the closest
    in name is taken when it is clearly the closest and close enough; else the official
    name is reported as ambiguous. Nothing is guessed: what is not matched is reported.
    """
    result = Match()
    kinds: tuple[tuple[Mapping[str, object], type | tuple[type, ...]], ...] = (
        (official.models, ModelDef),
        (official.same, ModelDef),
        (official.enums, EnumDef),
        (official.unions, (UnionDef, AliasDef)),
    )
    for names, kind in kinds:
        for name in sorted(names):
            _by_name(result, defs, kind, name)
    models = {n: d for n, d in defs.items() if isinstance(d, ModelDef)}
    for name, model in sorted(official.models.items()):
        if name in result.ours and name in models:
            theirs = set(model.fields)
            own = {f.json_name for f in models[name].fields}
            if theirs != own:
                result.different_fields[name] = (sorted(theirs - own), sorted(own - theirs))
    _match_models(result, official, defs)
    enums = {n: frozenset(d.values) for n, d in defs.items() if isinstance(d, EnumDef)}
    enum_shapes = _shapes(enums)
    for name, values in sorted(official.enums.items()):
        if name not in result.ours:
            _by_shape(result, name, dict.fromkeys(enum_shapes.get(values, []), "values"))
    _match_unions(result, official, defs)
    for name, known_as in sorted(official.same.items()):
        if name in result.ours or name in result.collisions:
            continue
        if known_as in result.ours:
            mine = result.ours[known_as]
            result.ours[name] = mine
            result.by_shape[name] = (mine, round(similarity(name, mine), 2), f"= {known_as}")
        else:
            result.unmatched.append(name)
    _field_names(result, official, models)
    return result


def _match_models(result: Match, official: Official, defs: Defs) -> None:
    """The official models not matched by name, to ours of their shape, in rounds: a model
    is matched once the official models its fields hold are (or cannot be)."""
    model_shapes = _shapes(
        {
            n: frozenset(f.json_name for f in d.fields)
            for n, d in defs.items()
            if isinstance(d, ModelDef)
        }
    )
    twins: dict[frozenset[str], set[str]] = {}
    for name in set(result.ours) & set(official.models):
        twins.setdefault(frozenset(official.models[name].fields), set()).add(name)
    pending: dict[str, set[str]] = {}
    how: dict[tuple[str, str], str] = {}
    for name, model in sorted(official.models.items()):
        if name in result.ours or (name in result.collisions and model.operation):
            continue
        if model.operation:
            result.operations.append(name)
            continue
        shape = frozenset(model.fields)
        by_fields: set[str] = set(model_shapes.get(shape, [])) if shape else set()
        pending[name] = by_fields | (twins.get(shape, set()) - {name})
        how.update({(name, c): "fields" if c in by_fields else "twin" for c in pending[name]})
    while True:
        decided: list[str] = []
        for name, candidates in sorted(pending.items()):
            verdicts = {c: _same_types(official, name, c, result.ours, defs) for c in candidates}
            if None in verdicts.values() and name not in result.collisions:
                continue
            kept = {c: how[name, c] for c, verdict in verdicts.items() if verdict}
            if candidates and not kept:
                result.rejected[name] = sorted(candidates)
            _by_shape(result, name, kept, nested=any(official.models[name].refs.values()))
            decided.append(name)
        for name in decided:
            del pending[name]
        if not decided and not _by_use(result, official, pending, defs):
            break
    for name, candidates in sorted(pending.items()):
        verdicts = {c: _same_types(official, name, c, result.ours, defs) for c in candidates}
        result.undecided[name] = sorted(c for c, verdict in verdicts.items() if verdict is None)


def _by_use(result: Match, official: Official, pending: Mapping[str, set[str]], defs: Defs) -> bool:
    """Settle ambiguous official models by where they are used; whether any was.

    A pending official model with one candidate of ours may have a field holding just one
    official model, ambiguous among ours, where the field of ours holds just one of those:
    that one it is (the 2.x ``ClassifierTarget``, like our ``ClassifierTargetIn``,
    ``ClassifierTargetOut`` and ``ClassifierTargetResult``, is what the request to create
    a job holds: ``ClassifierTargetIn``)."""
    settled = False
    for name, candidates in sorted(pending.items()):
        if len(candidates) != 1:
            continue
        (mine,) = candidates
        definition = defs[mine]
        assert isinstance(definition, ModelDef)
        for field_def in definition.fields:
            theirs = official.models[name].refs.get(field_def.json_name, frozenset())
            if len(theirs) != 1 or next(iter(theirs)) not in result.ambiguous:
                continue
            (used,) = theirs
            own = _models_in(field_def.type, defs, set())
            ranked = {c for c, _ in result.ambiguous[used]} & own
            if len(own) == 1 and len(ranked) == 1:
                (found,) = ranked
                del result.ambiguous[used]
                result.ours[used] = found
                told = f"fields, as {name}.{field_def.json_name} holds it"
                result.by_shape[used] = (found, round(similarity(used, found), 2), told)
                settled = True
    return settled


def _match_unions(result: Match, official: Official, defs: Defs) -> None:
    """The official unions not matched by name, to ours of the same variants; or, when no
    union of ours has just those, to one named alike that has more (a newer spec)."""
    unions = _union_variants(defs)
    union_shapes = _shapes(unions)
    for name, variants in sorted(official.unions.items()):
        if name in result.ours:
            continue
        mapped = frozenset(result.ours.get(variant, "") for variant in variants)
        if "" in mapped:
            _by_shape(result, name, {})
            continue
        found = dict.fromkeys(union_shapes.get(mapped, []), "variants")
        if not found:
            for union, own in unions.items():
                if mapped < own and similarity(name, union) >= MIN_SIMILARITY_MORE:
                    found[union] = "more variants"
        _by_shape(result, name, found)


def _by_name(result: Match, defs: Defs, kind: type | tuple[type, ...], name: str) -> None:
    """Match ``name`` to ours of the same name, or say why it cannot be an alias."""
    if name in defs and isinstance(defs[name], kind):
        result.ours[name] = name
        result.by_name.append(name)
    elif name in RESERVED:
        result.collisions[name] = "a name the generated modules import or mistral_core exports"
    elif name in defs:
        result.collisions[name] = f"ours is a {type(defs[name]).__name__.removesuffix('Def')}"


def _by_shape(result: Match, name: str, how: Mapping[str, str], nested: bool = False) -> None:
    """Match ``name`` to the one of ``how`` (candidates -> what told) closest in name.

    ``nested``: an official model whose fields hold models, all matched to the ones the
    candidates' fields hold; the only such candidate is taken however unlike its name is
    (the 2.x ``ListFineTuningJobsResponse``, a list of jobs, is our ``JobsOut``)."""
    if name in result.collisions:
        if how:
            result.collisions[name] += f", shaped like {', '.join(sorted(how))}"
        return
    ranked = sorted(((similarity(name, c), c) for c in how), reverse=True)
    if not ranked:
        result.unmatched.append(name)
        return
    best, mine = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    clear = best - runner_up >= MIN_MARGIN or (best == 1.0 and runner_up < 1.0)
    only = nested and len(ranked) == 1
    if (best < MIN_SIMILARITY and not only) or not clear:
        result.ambiguous[name] = [(c, round(r, 2)) for r, c in ranked[:5]]
        return
    result.ours[name] = mine
    told = how[mine] if best >= MIN_SIMILARITY else f"{how[mine]}, the one holding those models"
    result.by_shape[name] = (mine, round(best, 2), told)


def _same_types(
    official: Official, name: str, mine: str, matched: Mapping[str, str], defs: Defs
) -> bool | None:
    """Whether the fields of the official ``name`` hold the models ours hold; ``None``: not
    known yet (an official model they hold is not matched yet).

    Against an official twin of the same fields: whether they hold the same models. Else
    they do when each official model a field holds is matched to one the field of ours
    holds, or to one just like it (:func:`_alike`: our older spec file repeats a few
    models under other names); ours may hold more (a newer spec). They do not when one is
    matched to another of ours, or when only one side holds models.
    """
    model = official.models[name]
    twin = official.models.get(mine)
    if mine in matched and twin is not None and twin.fields.keys() == model.fields.keys():
        return twin.refs == model.refs
    known = True
    definition = defs[mine]
    assert isinstance(definition, ModelDef)
    for field_def in definition.fields:
        theirs = model.refs.get(field_def.json_name)
        own = _models_in(field_def.type, defs, set())
        if theirs is None or (not theirs and not own):
            continue
        mapped = {matched[o] for o in theirs if o in matched}
        if bool(theirs) != bool(own):
            return False
        if not all(m in own or any(_alike(m, o, defs) for o in own) for m in mapped):
            return False
        known = known and theirs <= matched.keys()
    return True if known else None


def _alike(mine: str, other: str, defs: Defs) -> bool:
    """Whether two models of ours have the same JSON fields, holding the same models
    (``ClassifierTargetResult`` and ``ClassifierTargetOut``)."""
    first, second = defs.get(mine), defs.get(other)
    if not isinstance(first, ModelDef) or not isinstance(second, ModelDef):
        return False
    fields = {f.json_name: _models_in(f.type, defs, set()) for f in first.fields}
    return fields == {f.json_name: _models_in(f.type, defs, set()) for f in second.fields}


def _models_in(expr: str, defs: Defs, seen: set[str]) -> set[str]:
    """Our models a type expression holds, through unions and aliases."""
    for word in re.findall(r"[A-Za-z_]\w*", expr):
        definition = defs.get(word)
        if definition is None or word in seen:
            continue
        seen.add(word)
        if isinstance(definition, UnionDef):
            for variant in definition.variants:
                _models_in(variant, defs, seen)
        elif isinstance(definition, AliasDef):
            _models_in(definition.type, defs, seen)
    return {name for name in seen if isinstance(defs[name], ModelDef)}


def _shapes(shapes: Mapping[str, frozenset[str]]) -> dict[frozenset[str], list[str]]:
    by_shape: dict[frozenset[str], list[str]] = {}
    for name, shape in shapes.items():
        by_shape.setdefault(shape, []).append(name)
    return by_shape


def _union_variants(defs: Defs) -> dict[str, frozenset[str]]:
    """Our unions of models: tagged unions, and aliases that are a union of models only."""
    found: dict[str, frozenset[str]] = {}
    for name, definition in defs.items():
        if isinstance(definition, UnionDef):
            found[name] = frozenset(definition.variants)
        elif isinstance(definition, AliasDef):
            members = split_union(definition.type)
            if len(members) > 1 and all(isinstance(defs.get(m), ModelDef) for m in members):
                found[name] = frozenset(members)
    return found


def _field_names(result: Match, official: Official, models: Mapping[str, ModelDef]) -> None:
    """The official attribute names that are not ``snake_name`` of the JSON name."""
    choices, result.field_conflicts = field_choices(official, result.ours, models)
    result.field_names = {k: a for k, a in choices.items() if a != snake_name(k[1])}


def field_choices(
    official: Official, matched: Mapping[str, str], models: Mapping[str, ModelDef]
) -> tuple[dict[FieldKey, str], dict[FieldKey, dict[str, list[str]]]]:
    """The official attribute name of each field of ours that an official model of
    ``matched`` (official name -> ours) has, ``snake_name`` or not; and the conflicts.

    When several official classes are one of ours and name a field apart, the one of the
    same name wins; else the name most of them use (each case is reported).
    """
    proposals: dict[FieldKey, dict[str, list[str]]] = {}
    for name, mine in matched.items():
        if mine not in models or name not in official.models:
            continue
        own = {f.json_name for f in models[mine].fields}
        for json_name, attribute in official.models[name].fields.items():
            if json_name in own:
                proposals.setdefault((mine, json_name), {}).setdefault(attribute, []).append(name)
    choices: dict[FieldKey, str] = {}
    conflicts: dict[FieldKey, dict[str, list[str]]] = {}
    for key, by_attribute in sorted(proposals.items()):
        if len(by_attribute) > 1:
            conflicts[key] = by_attribute
        same_name = [a for a, users in by_attribute.items() if key[0] in users]
        choices[key] = (same_name or sorted(by_attribute, key=lambda a: -len(by_attribute[a])))[0]
    return choices, conflicts


def merge(officials: list[Official], matches: list[Match], defs: Defs) -> Merged:
    """The matches of several versions, newest first, as one: what the newest version that
    has a name says of it wins (even that it matches nothing of ours: the name is another
    class now), and an older version only adds names no newer one has. The same for field
    names, field by field of ours, from the official classes whose match was kept; an
    official name colliding with ours was never matched (see :func:`_by_name`)."""
    models = {n: d for n, d in defs.items() if isinstance(d, ModelDef)}
    merged = Merged()
    given: set[str] = set()
    decided: dict[FieldKey, str] = {}
    for official, match_ in zip(officials, matches, strict=True):
        version = official.version
        shadowed = merged.shadowed.setdefault(version, {})
        for name, mine in sorted(match_.ours.items()):
            if name not in given:
                merged.ours[name] = mine
                merged.origin[name] = version
            elif merged.ours.get(name) != mine:
                shadowed[name] = (mine, merged.ours.get(name, ""))
        kept = {n: m for n, m in match_.ours.items() if merged.ours.get(n) == m}
        field_shadowed = merged.field_shadowed.setdefault(version, {})
        for key, attribute in field_choices(official, kept, models)[0].items():
            if key not in decided:
                decided[key] = attribute
                merged.field_origin[key] = version
            elif decided[key] != attribute:
                field_shadowed[key] = (attribute, decided[key])
        given |= official.names
    merged.field_names = {k: a for k, a in sorted(decided.items()) if a != snake_name(k[1])}
    return merged


def name_overrides(spec: Spec) -> dict[tuple[str, str], str]:
    """The spec's ``x-speakeasy-name-override`` on properties: (schema, JSON name) -> name."""
    found: dict[tuple[str, str], str] = {}
    for name, schema in spec.schemas.items():
        for json_name, prop in _properties(schema):
            if is_object(prop) and "x-speakeasy-name-override" in prop:
                found[name, json_name] = str(prop["x-speakeasy-name-override"])
    return found


def _properties(schema: Any) -> Iterable[tuple[str, Any]]:
    if not is_object(schema):
        return
    properties: dict[str, Any] = schema.get("properties", {})
    yield from properties.items()
    for key in ("allOf", "oneOf", "anyOf"):
        parts: list[Any] = schema.get(key, [])
        for part in parts:
            yield from _properties(part)


def render(match_: Match | Merged, versions: tuple[str, ...] = VERSIONS) -> str:
    """The source of ``tools/codegen/official.py``, as ``ruff format`` leaves it."""
    lines = [
        f"# Generated by tools/official_sdk.py from mistralai {_listed(versions)}: do not edit.",
        '"""The names users of the official ``mistralai`` SDK import, where they differ from ours.',
        "",
        "``CLASS_ALIASES``: our definition -> the official names of the same class (same fields,",
        "enum values or union variants). ``FIELD_NAMES``: (our model, JSON field name) -> the",
        "official attribute name, where it is not ``schemas.snake_name`` of the JSON name.",
    ]
    if len(versions) > 1:
        lines += [
            f"Of {_listed(versions)}, what the newest version with a name says of it wins; an",
            "older one adds only the names the newer ones do not have.",
        ]
    lines += [
        '"""',
        "",
        "CLASS_ALIASES: dict[str, tuple[str, ...]] = {",
    ]
    for name, officials in match_.aliases().items():
        lines.append(f"    {name!r}: ({', '.join(repr(o) for o in officials)},),")
    lines += ["}", "", "FIELD_NAMES: dict[tuple[str, str], str] = {"]
    for key, attribute in sorted(match_.field_names.items()):
        lines.append(f"    {key!r}: {attribute!r},")
    lines += ["}", ""]
    return _formatted("\n".join(lines))


def _listed(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    *first, last = items
    return f"{', '.join(first)} and {last}" if first else last


def _formatted(text: str) -> str:
    config = ["--config", str(ROOT / "pyproject.toml"), "--stdin-filename", str(OUTPUT)]
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", *config, "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


TOPICS = (
    "chat",
    "agent",
    "fim",
    "embedding",
    "file",
    "ocr",
    "model",
    "batch",
    "job",
    "finetun",
    "conversation",
    "message",
    "completion",
    "chunk",
    "tool",
)
"""What the official SDK's users mostly import from: the report lists those unmatched first."""


def report(
    officials: list[Official], matches: list[Match], merged: Merged, spec: Spec, defs: Defs
) -> str:
    """What matched and what did not, in Markdown: the newest version in full, then what
    each older one adds."""
    versions = [official.version for official in officials]
    total = sum(len(names) for names in merged.aliases().values())
    lines = [f"# mistralai {_listed(versions)} against our definitions", ""]
    lines.append(
        f"`CLASS_ALIASES`: {total} official names for {len(merged.aliases())} of our"
        f" definitions; `FIELD_NAMES`: {len(merged.field_names)} entries. By version:"
    )
    lines.append("")
    for version in versions:
        names = [n for n in merged.ours if merged.origin[n] == version]
        fields = [k for k in merged.field_names if merged.field_origin[k] == version]
        renamed = sum(n != merged.ours[n] for n in names)
        only = "" if version == versions[0] else " only"
        lines.append(
            f"- {version}{only}: {len(names)} official names matched, {renamed} of them"
            f" aliases (named otherwise than ours); {len(fields)} `FIELD_NAMES` entries"
        )
    lines += ["", *_report_version(officials[0], matches[0], merged, spec, defs)]
    for at in range(1, len(officials)):
        lines += ["", *_report_older(officials, matches, merged, at, defs)]
    return "\n".join(_say_none(lines)).rstrip("\n") + "\n"


def _say_none(lines: list[str]) -> list[str]:
    """``lines`` with "None." under each heading that has nothing under it."""
    said: list[str] = []
    heading = -1
    for line in [*lines, "#"]:  # a heading past the end closes the last section
        if line.startswith("#"):
            if heading >= 0 and not any(said[heading + 1 :]):
                said[heading + 1 :] = ["", "None.", ""]
            heading = len(said)
        said.append(line)
    return said[:-1]


def _counts(official: Official, match_: Match, within: frozenset[str] | None = None) -> list[str]:
    """The table of how many official names (of ``within``) matched how, and notes."""
    kinds: tuple[tuple[str, Iterable[str]], ...] = (
        ("models", official.models),
        ("other names of a model", official.same),
        ("enums", official.enums),
        ("unions", official.unions),
    )
    kinds = tuple(
        (label, [n for n in names if within is None or n in within]) for label, names in kinds
    )
    groups = (
        match_.by_name,
        match_.by_shape,
        match_.ambiguous,
        match_.undecided,
        match_.rejected,
        match_.collisions,
        match_.unmatched,
        match_.operations,
    )
    columns = ["by name", "by shape", "ambiguous", "undecided", "rejected", "collisions"]
    columns += ["unmatched", "operation parameters"]
    lines = [f"| official | count | {' | '.join(columns)} |"]
    lines.append("| --- " * (len(columns) + 2) + "|")
    for label, names in kinds:
        counts = [str(sum(n in names for n in group)) for group in groups]
        lines.append(f"| {label} | {len(list(names))} | {' | '.join(counts)} |")
    other = [name for name in official.other if within is None or name in within]
    placeholders = sum(name.startswith("Unknown") for name in other)
    return [
        *lines,
        "",
        "Operation parameters: models holding an operation's path, query, header and body",
        "parameters (our methods take those as arguments); matched by name only. Other names",
        "of a model (`CompletionFineTuningJobRepository = GithubRepository`): matched as it.",
        f"Not matched: {placeholders} `Unknown...` models (what an open union keeps an unknown",
        f"variant as), {len(other) - placeholders} other public type aliases"
        " (`Union[str, int]`...).",
    ]


def _report_version(
    official: Official, match_: Match, merged: Merged, spec: Spec, defs: Defs
) -> list[str]:
    """The newest version against our definitions, in full."""
    lines = [f"## mistralai {official.version}", "", *_counts(official, match_)]
    lines += ["", "### Aliases (official name -> ours, name similarity, matched by)", ""]
    for name, (mine, ratio, how) in sorted(match_.by_shape.items()):
        lines.append(f"- `{name}` -> `{mine}` ({ratio}, {how})")
    lines += ["", "### Collisions (dropped: the official name is another of ours)", ""]
    lines += [f"- `{name}`: {why}" for name, why in sorted(match_.collisions.items())]
    lines += ["", "### Ambiguous (candidates and name similarity)", ""]
    for name, ranked in sorted(match_.ambiguous.items()):
        lines.append(f"- `{name}`: " + ", ".join(f"`{c}` ({r})" for c, r in ranked))
    lines += ["", "### Undecided: same fields, holding official models that are not matched", ""]
    for name, candidates in sorted(match_.undecided.items()):
        lines.append(f"- `{name}`: " + ", ".join(f"`{c}`" for c in candidates))
    lines += ["", "### Rejected: same fields, but the fields hold other models", ""]
    for name, candidates in sorted(match_.rejected.items()):
        lines.append(f"- `{name}`: " + ", ".join(f"`{c}`" for c in candidates))
    lines += ["", "### Same name, other fields (only official / only ours)", ""]
    for name, (theirs, own) in sorted(match_.different_fields.items()):
        lines.append(f"- `{name}`: {theirs} / {own}")
    plausible = [n for n in match_.unmatched if any(t in n.lower() for t in TOPICS)]
    lines += ["", "### Unmatched, on chat, agents, files, models, jobs, conversations...", ""]
    lines.append(
        "With the model of ours closest in JSON fields (Jaccard) when at least half alike;"
    )
    lines.append('"in the spec" when the spec has the schema but no operation uses it.')
    lines.append("")
    for name in sorted(plausible):
        notes = [_kind(official, name)]
        if name in spec.schemas:
            notes.append("in the spec, not generated")
        if name in official.models:
            notes += _nearest(official.models[name], defs)
        lines.append(f"- `{name}` ({'; '.join(notes)})")
    lines += ["", "### Unmatched, others", ""]
    others = sorted(set(match_.unmatched) - set(plausible))
    lines.append(", ".join(f"`{n}`" for n in others))
    lines += ["", "### Operation parameter models not matched by name", ""]
    lines.append(", ".join(f"`{n}`" for n in sorted(match_.operations)))
    lines += ["", "### FIELD_NAMES (of all versions: the file's)", ""]
    for (model, json_name), attribute in sorted(merged.field_names.items()):
        origin = merged.field_origin[model, json_name]
        rule = snake_name(json_name)
        lines.append(f"- `{model}.{json_name}` -> `{attribute}` (rule: `{rule}`; {origin})")
    lines += ["", "### Field name conflicts (several official classes for one of ours)", ""]
    for (model, json_name), by_attribute in sorted(match_.field_conflicts.items()):
        lines.append(f"- `{model}.{json_name}`: {by_attribute}")
    lines += ["", "### x-speakeasy-name-override in the spec", ""]
    for (schema, json_name), name in sorted(name_overrides(spec).items()):
        given = merged.field_names.get((schema, json_name))
        verdict = "in FIELD_NAMES" if given == name else f"FIELD_NAMES has {given!r}"
        lines.append(f"- `{schema}.{json_name}` -> `{name}`: {verdict}")
    return lines


def _report_older(
    officials: list[Official], matches: list[Match], merged: Merged, at: int, defs: Defs
) -> list[str]:
    """What ``officials[at]`` adds to the newer versions: its names they do not have."""
    official, match_ = officials[at], matches[at]
    version = official.version
    newer = ", ".join(o.version for o in officials[:at])
    only = official.names - frozenset().union(*(o.names for o in officials[:at]))
    added = {n: mine for n, mine in sorted(merged.ours.items()) if merged.origin[n] == version}
    renamed = {n: mine for n, mine in added.items() if n != mine}
    lines = [f"## What came from {version} only", ""]
    lines.append(
        f"{len(official.names)} public names (the `...TypedDict` twins left out), {len(only)}"
        f" of them in no newer version ({newer}). Of those, {len(added)} are matched:"
        f" {len(renamed)} to ours of another name (the aliases added), {len(added) - len(renamed)}"
        " to ours of the same name (nothing to add). The table counts those names only."
    )
    lines += ["", *_counts(official, match_, only)]
    checks = {n: _successors(officials, matches, merged, at, n) for n in added}
    odd = {
        name: found
        for name, found in checks.items()
        if found
        and all(mine != added[name] for _, _, mine in found)
        and any(mine for _, _, mine in found)
    }
    lines += ["", "### To check: the newer classes of the same shape are other ones of ours", ""]
    lines.append(
        "Classes only newer versions have, of the same JSON fields (enum values, union"
        " variants): its successors most likely. When none is matched to the class of ours"
        " it is, but one is to another, the alias may be wrong."
    )
    lines.append("")
    for name, found in sorted(odd.items()):
        lines.append(f"- `{name}` -> `{added[name]}`, but {_successions(found)}")
    if not odd:
        lines.append("None.")
    shadowed = merged.shadowed.get(version, {})
    lines += ["", "### Its names a newer version has too, matched otherwise there (dropped)", ""]
    for name, (mine, newest) in sorted(shadowed.items()):
        there = f"`{newest}`" if newest else "nothing of ours"
        lines.append(f"- `{name}`: -> `{mine}` in {version}, -> {there} in the newer one")
    lines += ["", "### Aliases added (official name -> ours, name similarity, matched by)", ""]
    for name, mine in renamed.items():
        ratio, how = match_.by_shape[name][1:] if name in match_.by_shape else (1.0, "name")
        later = _successions(checks[name])
        note = f"; of the same shape, only in newer versions: {later}" if later else ""
        lines.append(f"- `{name}` -> `{mine}` ({ratio}, {how}{note})")
    lines += ["", "### Matched to ours of the same name (no alias needed)", ""]
    lines.append(", ".join(f"`{n}`" for n, mine in added.items() if n == mine))
    sections: tuple[tuple[str, Mapping[str, Any]], ...] = (
        ("Collisions (dropped: the official name is another of ours)", match_.collisions),
        ("Ambiguous (candidates and name similarity)", match_.ambiguous),
        ("Undecided: same fields, holding official models that are not matched", match_.undecided),
        ("Rejected: same fields, but the fields hold other models", match_.rejected),
        ("Same name, other fields (only official / only ours)", match_.different_fields),
    )
    for title, table in sections:
        lines += ["", f"### {title}", ""]
        for name, what in sorted(table.items()):
            if name in only:
                lines.append(f"- `{name}`: {_described(what)}")
    unmatched = sorted(n for n in match_.unmatched if n in only)
    plausible = [n for n in unmatched if any(t in n.lower() for t in TOPICS)]
    lines += ["", "### Unmatched, on chat, agents, files, models, jobs, conversations...", ""]
    for name in plausible:
        notes = [_kind(official, name)]
        if name in official.models:
            notes += _nearest(official.models[name], defs)
        lines.append(f"- `{name}` ({'; '.join(notes)})")
    lines += ["", "### Unmatched, others", ""]
    lines.append(", ".join(f"`{n}`" for n in unmatched if n not in plausible))
    lines += ["", "### FIELD_NAMES added", ""]
    for (model, json_name), attribute in sorted(merged.field_names.items()):
        if merged.field_origin[model, json_name] == version:
            lines.append(f"- `{model}.{json_name}` -> `{attribute}`")
    lines += ["", "### Fields a newer version names otherwise (its name dropped)", ""]
    for (model, json_name), (its, newest) in sorted(merged.field_shadowed.get(version, {}).items()):
        lines.append(f"- `{model}.{json_name}`: `{its}` here, `{newest}` in the newer one")
    return lines


def _successions(found: Iterable[tuple[str, str, str]]) -> str:
    """``X`` (3.7.0, 2.10.1) -> ``Y``, ...: the newer classes, their versions, ours."""
    versions: dict[tuple[str, str], list[str]] = {}
    for name, version, mine in found:
        versions.setdefault((name, mine), []).append(version)
    return ", ".join(
        f"`{name}` ({', '.join(where)}) -> " + (f"`{mine}`" if mine else "nothing of ours")
        for (name, mine), where in sorted(versions.items())
    )


def _described(what: Any) -> str:
    """A value of one of :class:`Match`'s tables, as the report says it."""
    if isinstance(what, str):
        return what
    if isinstance(what, tuple):  # different fields: (only official, only ours)
        return f"{what[0]} / {what[1]}"
    return ", ".join(f"`{c[0]}` ({c[1]})" if isinstance(c, tuple) else f"`{c}`" for c in what)


def _successors(
    officials: list[Official], matches: list[Match], merged: Merged, at: int, name: str
) -> list[tuple[str, str, str]]:
    """The classes of the newer versions that ``officials[at]`` does not have, of the same
    shape as its ``name`` (JSON fields, enum values, union variants as ours): (name,
    version, ours it is matched to or ``""``), its successors most likely."""
    official, match_ = officials[at], matches[at]
    shape = _shape(official, match_, name)
    found: list[tuple[str, str, str]] = []
    for newer, newer_match in zip(officials[:at], matches[:at], strict=True):
        for other in sorted(newer.names - official.names):
            if shape is not None and _shape(newer, newer_match, other) == shape:
                found.append((other, newer.version, merged.ours.get(other, "")))
    return found


def _shape(official: Official, match_: Match, name: str) -> tuple[str, frozenset[str]] | None:
    """What :func:`_successors` compares: the kind, and the fields, values or variants."""
    name = official.same.get(name, name)
    if name in official.models:
        return (
            ("model", frozenset(official.models[name].fields))
            if official.models[name].fields
            else None
        )
    if name in official.enums:
        return ("enum", official.enums[name])
    if name in official.unions:
        variants = frozenset(match_.ours.get(v, "") for v in official.unions[name])
        return None if "" in variants else ("union", variants)
    return None


def _kind(official: Official, name: str) -> str:
    if name in official.same:
        return f"model, another name of `{official.same[name]}`"
    if name in official.models:
        return "model"
    return "enum" if name in official.enums else "union"


def _nearest(model: OfficialModel, defs: Defs) -> list[str]:
    theirs = set(model.fields)
    ranked: list[tuple[float, str]] = []
    for name, definition in defs.items():
        if isinstance(definition, ModelDef) and theirs:
            own = {f.json_name for f in definition.fields}
            ranked.append((len(theirs & own) / len(theirs | own), name))
    best = max(ranked, default=(0.0, ""))
    return [f"nearest `{best[1]}` ({best[0]:.2f})"] if best[0] >= 0.6 else []


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python tools/official_sdk.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--venv",
        type=Path,
        action="append",
        default=[],
        help="an environment with one of the versions installed (repeatable; the others, or"
        " the newest when it has none, go under bench/.cache/)",
    )
    parser.add_argument("--check", action="store_true", help=f"fail if {OUTPUT.name} differs")
    parser.add_argument("--report", type=Path, help="write what matched there (Markdown)")
    args = parser.parse_args(argv)
    where = venvs(args.venv)
    officials = [introspect(official_python(where[v], v), v) for v in VERSIONS]
    spec, defs = ours()
    matches = [match(official, defs) for official in officials]
    merged = merge(officials, matches, defs)
    text = render(merged)
    if args.report is not None:
        args.report.write_text(report(officials, matches, merged, spec, defs), encoding="utf-8")
    for (schema, json_name), name in sorted(name_overrides(spec).items()):
        if merged.field_names.get((schema, json_name)) != name:
            print(f"note: the SDK does not call {schema}.{json_name} {name!r}", file=sys.stderr)
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run {parser.prog}", file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} matches mistralai {_listed(VERSIONS)}")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    aliases = sum(len(names) for names in merged.aliases().values())
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {aliases} class aliases, ", end="")
    print(f"{len(merged.field_names)} field names")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
