"""The node harness is built from parts; forks receive the one built file.

The committed jsfix/verify/harness.js must be exactly what the parts build
today, each part must stay one job of a readable size, and the tables both
languages read (names, scenarios) must be the ones Python uses.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import needs_node

from jsfix.plan.targets import TARGETS
from jsfix.testgen.behavioural import harness_scenarios
from jsfix.verify.bundle import HARNESS, ORDER, PARTS, build_harness, names, scenarios

LONGEST_FUNCTION = 80
LONGEST_PART = 400


def test_the_committed_harness_is_a_fresh_build_of_its_parts():
    assert HARNESS.read_text(encoding="utf-8") == build_harness(), (
        "jsfix/verify/harness.js is stale: run python -m jsfix.verify.bundle"
    )


def test_every_part_is_built_in_and_each_is_one_readable_job():
    assert sorted(ORDER) == sorted(path.name for path in PARTS.iterdir() if path.suffix in (".js", ".json"))
    for name in ORDER:
        lines = (PARTS / name).read_text(encoding="utf-8").count("\n")
        assert lines <= LONGEST_PART, f"{name} has {lines} lines"


def function_lengths(text: str) -> dict[str, int]:
    """Lines per top-level function, class method or class, found by indentation (the parts' own style)."""
    lengths = {}
    lines = text.splitlines()
    head = re.compile(r"^(?P<indent> *)(?:async )?(?:function (?P<f>\w+)|(?:static )?(?:async )?(?P<m>\w+)\(.*\) \{$)")
    for number, line in enumerate(lines):
        found = head.match(line)
        if not found or line.lstrip().startswith(("if ", "for ", "while ", "switch ", "catch ")):
            continue
        closer = " " * len(found["indent"]) + "}"
        end = next((later for later in range(number + 1, len(lines)) if lines[later].startswith(closer)), number)
        lengths[f"{found['f'] or found['m']}:{number + 1}"] = end - number + 1
    return lengths


@pytest.mark.parametrize("name", [name for name in ORDER if name.endswith(".js")])
def test_no_function_in_a_part_runs_over_80_lines(name: str):
    lengths = function_lengths((PARTS / name).read_text(encoding="utf-8"))
    assert {where: count for where, count in lengths.items() if count > LONGEST_FUNCTION} == {}


def test_the_length_check_sees_functions_and_methods():
    lengths = function_lengths((PARTS / "scheduler.js").read_text(encoding="utf-8"))
    assert any(where.startswith("apply:") and count > 40 for where, count in lengths.items())
    methods = function_lengths((PARTS / "lexer.js").read_text(encoding="utf-8"))
    assert any(where.startswith("run:") for where in methods) and len(methods) > 20


def test_the_name_tables_are_pythons():
    assert tuple(names()["targets"]) == TARGETS
    assert list(names()["stateProperties"]) == ["_loadingOlder", "_oldestIdx", "_messagesTruncated", "_loadingSessionId"]


def test_gen_tests_reads_the_same_scenario_table_the_harness_is_built_with():
    assert [(each.name, each.title) for each in harness_scenarios()] == [
        (each["name"], each["title"]) for each in scenarios()
    ]


@needs_node
def test_the_built_harness_runs_the_table():
    listed = subprocess.run(
        ["node", "-e", f"console.log(JSON.stringify(require({str(HARNESS)!r}).SCENARIOS))"],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(listed.stdout) == list(scenarios())
