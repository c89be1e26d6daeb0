"""The package reads as jsfix's pipeline, and no stage imports from a later one.

The stages, in order: what every stage shares (settings, outcomes, paths),
reading JavaScript, the pure plan, the race model (verify), the suite
(testgen), what a run hands over (report), running over files, and the
command line. Imports made inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "jsfix"
STAGES = (
    ("shared", ("jsfix", "jsfix.settings", "jsfix.outcomes", "jsfix.paths", "jsfix.prestart")),
    ("reading JavaScript", ("jsfix.javascript",)),
    ("the plan", ("jsfix.plan",)),
    ("verify", ("jsfix.verify",)),
    ("testgen", ("jsfix.testgen",)),
    ("report", ("jsfix.report",)),
    ("running over files", ("jsfix.files",)),
    ("the command line", ("jsfix.cli", "jsfix.launch", "jsfix.__main__")),
)
PURE = ("jsfix.plan", "jsfix.javascript.scan", "jsfix.javascript.jsast", "jsfix.javascript.offsets")
IO_MODULES = {"os", "subprocess", "shutil", "tempfile", "pathlib", "io"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> int:
    matches = [
        index
        for index, (_, prefixes) in enumerate(STAGES)
        for prefix in prefixes
        if module == prefix or (prefix != "jsfix" and module.startswith(prefix + "."))
    ]
    assert matches, f"{module} belongs to no stage"
    return max(matches)


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


MODULES = sorted(path for path in PACKAGE.rglob("*.py") if "support" not in path.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_module_imports_from_a_later_stage(path: Path):
    module = module_name(path)
    own = stage_of(module)
    later = sorted(
        imported for imported in imports_of(path)
        if imported.startswith("jsfix.") and stage_of(imported) > own
    )
    assert later == [], f"{module} ({STAGES[own][0]}) imports from a later stage: {later}"


@pytest.mark.parametrize(
    "path", [path for path in MODULES if module_name(path).startswith(PURE)], ids=lambda path: path.name
)
def test_the_pure_core_does_no_io(path: Path):
    assert imports_of(path) & IO_MODULES == set()


def test_every_module_belongs_to_a_stage_and_the_top_level_is_small():
    assert all(stage_of(module_name(path)) >= 0 for path in MODULES)
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py", "launch.py", "outcomes.py", "paths.py", "prestart.py", "settings.py"]


LONGEST_FUNCTION = 80


def test_no_function_in_jsfix_runs_over_80_lines():
    too_long = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > LONGEST_FUNCTION:
                    too_long[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert too_long == {}


def test_no_function_in_the_harness_parts_runs_over_80_lines():
    from esprima.nodes import Node

    from jsfix.javascript.jsast import FUNCTION_TYPES
    from jsfix.javascript.parse import parse_program

    too_long = {}
    for path in sorted((PACKAGE / "verify" / "parts").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        stack = [parse_program(text)[0]]
        while stack:
            node = stack.pop()
            if node.type in FUNCTION_TYPES:
                first, last = (text.count("\n", 0, offset) + 1 for offset in node.range)
                if last - first + 1 > LONGEST_FUNCTION:
                    too_long[f"{path.name}:{first}"] = last - first + 1
            for value in vars(node).values():
                stack.extend(each for each in (value if isinstance(value, list) else [value]) if isinstance(each, Node))
    assert too_long == {}
