"""Generate the resource plugins, or check that the repository holds what the spec gives."""

from __future__ import annotations

import argparse
import ast
import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.dev import distributions

from .extras import WRITTEN_GROUPS
from .groups import GROUPS
from .layout import TYPES_PACKAGE, Layout, plan
from .render_catalog import CATALOG_MODULE, render_catalog
from .render_models import header, render_models
from .render_package import (
    render_init,
    render_pyproject,
    render_readme,
    render_types_init,
    render_types_pyproject,
    render_types_readme,
)
from .render_resource import render_resource
from .render_typing import TYPING_MODULE, groups_below, render_typing
from .spec import load

ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = ROOT.parent / "shared" / "spec"
SPEC_FILES = ("mistral-openapi.yaml", "mistral-openapi-2025.yaml")
"""Newest first: the older file adds the fine-tuning job operations the newer one dropped."""
TYPES_DIR = Path("plugins/types")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.codegen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail on any difference")
    args = parser.parse_args(argv)
    files = generate()
    if args.check:
        return check(files)
    for path, text in files.items():
        (ROOT / path).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / path).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files")
    return 0


def generate() -> dict[Path, str]:
    """Every generated file, by path from the repository root, formatted."""
    spec = load(*(SPEC_DIR / name for name in SPEC_FILES))
    layout = plan(spec)
    files = _models_files(layout, spec.sources)
    for group_plans in layout.distributions().values():
        first = group_plans[0]
        package_dir = Path("plugins/resources") / first.group.directory
        source_dir = package_dir / "src" / first.package
        uses = layout.uses(first.package)
        needs_types = any(layout.home[n].startswith(TYPES_PACKAGE) for n in uses)
        files[package_dir / "pyproject.toml"] = render_pyproject(group_plans, needs_types)
        files[package_dir / "README.md"] = render_readme(group_plans)
        models = _exported(files[source_dir / "models.py"])
        files[source_dir / "__init__.py"] = render_init(group_plans, spec.sources, models)
        files[source_dir / "py.typed"] = ""
        for group_plan in group_plans:
            files[source_dir / f"{group_plan.group.module}.py"] = render_resource(
                group_plan,
                layout.definitions,
                spec.sources,
                groups_below(group_plan.group, (*GROUPS, *WRITTEN_GROUPS)),
            )
    files[TYPES_DIR / "pyproject.toml"] = render_types_pyproject()
    files[TYPES_DIR / "README.md"] = render_types_readme()
    files[TYPES_DIR / "src" / TYPES_PACKAGE / "__init__.py"] = render_types_init(spec.sources)
    files[TYPES_DIR / "src" / TYPES_PACKAGE / "py.typed"] = ""
    files[TYPING_MODULE] = render_typing((*GROUPS, *WRITTEN_GROUPS), spec.sources)
    files[CATALOG_MODULE] = render_catalog((*GROUPS, *WRITTEN_GROUPS), spec.sources)
    files.update(_licenses({path.parent for path in files if path.name == "pyproject.toml"}))
    return _formatted(files)


def _licenses(generated: set[Path]) -> dict[Path, str]:
    """The repository's LICENSE, in every distribution: a wheel and an sdist carry it."""
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    hand_written = {directory.relative_to(ROOT) for directory in distributions()}
    return {directory / "LICENSE": text for directory in sorted(generated | hand_written)}


def _exported(module: str) -> list[str]:
    """The ``__all__`` of a module rendered (its text)."""
    for statement in ast.parse(module).body:
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.value, ast.List)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets)
        ):
            return [ast.literal_eval(item) for item in statement.value.elts]
    return []


def _models_files(layout: Layout, sources: tuple[str, ...]) -> dict[Path, str]:
    files: dict[Path, str] = {}
    modules = layout.modules()
    for group_plan in layout.groups:
        modules.setdefault(f"{group_plan.package}.models", [])
    for module, names in modules.items():
        definitions = [layout.definitions.defs[name] for name in names]
        needed = {ref for d in definitions for ref in d.refs} - set(names)
        imports: dict[str, list[str]] = {}
        for name in needed:
            imports.setdefault(layout.home[name], []).append(name)
        reexports: dict[str, list[str]] = {}
        owner = next((g for g in layout.groups if module == f"{g.package}.models"), None)
        if owner is not None:
            for name in layout.uses(owner.package) - set(names):
                reexports.setdefault(layout.home[name], []).append(name)
            doc = f"The models of {owner.group.distribution}, from the API's OpenAPI spec."
            path = Path("plugins/resources") / owner.group.directory / "src"
        else:
            doc = "Models shared by several plugins, from the API's OpenAPI spec."
            path = TYPES_DIR / "src"
        path = path.joinpath(*module.split(".")).with_suffix(".py")
        files[path] = render_models(doc, sources, definitions, imports, reexports)
    return files


def _formatted(files: dict[Path, str]) -> dict[Path, str]:
    """The files as ``ruff format`` (and ruff's import sorting) leave them."""
    with tempfile.TemporaryDirectory() as directory:
        for path, text in files.items():
            (Path(directory) / path).parent.mkdir(parents=True, exist_ok=True)
            (Path(directory) / path).write_text(text, encoding="utf-8")
        python_files = [str(Path(directory) / p) for p in files if p.suffix == ".py"]
        config = ["--config", str(ROOT / "pyproject.toml")]
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run(
            [*ruff, "check", "--fix-only", "--select", "I,F401,UP", *config, "-q", *python_files],
            check=True,
        )
        subprocess.run([*ruff, "format", *config, "-q", *python_files], check=True)
        return {path: (Path(directory) / path).read_text(encoding="utf-8") for path in files}


def check(files: dict[Path, str]) -> int:
    """Exit 1, showing the differences, unless the repository holds exactly ``files``."""
    differences: list[str] = []
    for path, text in sorted(files.items()):
        current = (ROOT / path).read_text(encoding="utf-8") if (ROOT / path).exists() else ""
        if current != text:
            differences += difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"a/{path}",
                f"b/{path}",
            )
    stale = [p for p in _generated_in_repository() if p not in files]
    for path in stale:
        differences.append(f"{path}: generated earlier, no longer generated\n")
    if differences:
        sys.stdout.writelines(differences)
        print("the generated code is out of date: run python -m tools.codegen", file=sys.stderr)
        return 1
    print(f"{len(files)} generated files match the spec")
    return 0


def _generated_in_repository() -> list[Path]:
    marker = header(()).split(" from ")[0]
    found: list[Path] = []
    core = (ROOT / TYPING_MODULE).parent
    for path in [*(ROOT / "plugins").rglob("*"), *core.glob("*.py")]:
        if path.is_file() and path.suffix in (".py", ".toml"):
            with path.open(encoding="utf-8") as file:
                if file.readline().startswith(marker):
                    found.append(path.relative_to(ROOT))
    return found


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
