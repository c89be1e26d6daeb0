"""fixtures/message-kinds: a read that only another kind of message breaks.

Each case's input differs from fixtures/message-kinds/fixed.js in one line.
`check` reads the structure of the fix and cannot tell them apart; `verify`,
whose transcripts mix text, tool calls, attachments, notes and per-turn
fields, must find each one violated, and the suite generated for fixed.js
must fail on each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, needs_node
from forkrepos import fork_folder, run_suite

from jsfix.files.process import process_file
from jsfix.settings import Mode, Settings
from jsfix.verify import verify_source

KINDS = FIXTURES / "message-kinds"
FIXED = (KINDS / "fixed.js").read_text(encoding="utf-8")
CASES = sorted(path.name for path in KINDS.iterdir() if (path / "input.js").exists())


def case_input(name: str) -> str:
    return (KINDS / name / "input.js").read_text(encoding="utf-8")


def expected(name: str) -> dict:
    return json.loads((KINDS / name / "expected.json").read_text(encoding="utf-8"))


def test_there_is_a_case_for_each_kind_of_failure():
    assert len(CASES) >= 4


@pytest.mark.parametrize("name", CASES)
def test_the_input_differs_from_the_fixed_file_in_one_line(name: str):
    fixed, drifted = FIXED.splitlines(), case_input(name).splitlines()
    assert len(fixed) == len(drifted)
    assert sum(a != b for a, b in zip(fixed, drifted)) == 1


@pytest.mark.parametrize("name", ["fixed.js", *(f"{case}/input.js" for case in CASES)])
def test_check_sees_the_fix_in_place_on_every_file(name: str, tmp_path: Path):
    result = process_file(KINDS / name, Settings(mode=Mode.CHECK, cwd=tmp_path))
    assert result.outcome.value == "already fixed", result.reason


@needs_node
def test_verify_holds_on_the_fixed_file():
    report = verify_source(FIXED)
    assert report.holds, [(each.name, each.violation) for each in report.violated]


@needs_node
@pytest.mark.parametrize("name", CASES)
def test_verify_finds_each_drifted_read(name: str):
    report = verify_source(case_input(name))
    want = expected(name)
    assert {each.name: each.violation for each in report.violated} == want["violated"]
    caught = {error for each in report.scenarios for error in each.errors}
    assert caught == ({want["caught"]} if want["caught"] else set())


@needs_node
@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_the_suite_generated_for_the_fixed_file_fails_on_each(name: str, tmp_path: Path):
    fork = fork_folder(tmp_path / "fork", FIXED.encode("utf-8"), fixed=FIXED)
    assert set(run_suite(fork).values()) == {"passed"}
    (fork / "static" / "sessions.js").write_text(case_input(name), encoding="utf-8")
    outcomes = run_suite(fork)
    assert sorted(test for test, outcome in outcomes.items() if outcome != "passed") == sorted(expected(name)["suite_fails"])
