"""Data-driven: every fixtures/<case>/input.js against its expected output or outcome."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    FIXTURES,
    Case,
    assert_only_insertions,
    must_fix_cases,
    outcome_cases,
)

from jsfix.files.process import process_file
from jsfix.javascript.parse import parse_program
from jsfix.javascript.source import decode_source
from jsfix.outcomes import Outcome
from jsfix.plan.edits import apply_edits
from jsfix.plan.fix import Status, plan_fix
from jsfix.plan.locate import locate_targets
from jsfix.settings import Mode, Settings

MUST_FIX = must_fix_cases()
OUTCOMES = outcome_cases()


def by_name(cases: list[Case]):
    return pytest.mark.parametrize("case", cases, ids=[case.name for case in cases])


def test_the_fixture_set_covers_the_shapes_the_issue_lists():
    names = {case.name for case in MUST_FIX + OUTCOMES}
    required = {
        "upstream-parent", "guard-resets-lock", "ensure-without-data-guard", "existing-oldest-reset",
        "second-await-fallback", "next-messages-local", "parts-1-3-present", "fully-fixed",
        "wait-helper-alternative", "object-state-module", "no-targets", "style-four-spaces",
        "style-tabs", "style-no-semicolons", "style-crlf", "style-bom", "style-no-final-newline",
    }
    assert required <= names, required - names


@by_name(MUST_FIX)
def test_output_is_exactly_the_expected_file(case: Case):
    source = decode_source(case.input_bytes)
    plan = plan_fix(source.text)
    assert plan.status is Status.NEEDS_FIX
    assert source.encode(plan.apply(source.text)) == case.expected_bytes


@by_name(OUTCOMES)
def test_outcome_is_exactly_the_expected_one(case: Case, tmp_path: Path):
    path = tmp_path / "sessions.js"
    path.write_bytes(case.input_bytes)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert (result.outcome.value, result.reason) == (case.expected_outcome["outcome"], case.expected_outcome["reason"])
    assert path.read_bytes() == case.input_bytes


@by_name(MUST_FIX)
def test_output_parses_and_a_second_run_changes_nothing(case: Case):
    fixed = decode_source(case.expected_bytes).text
    parse_program(fixed)
    again = plan_fix(fixed)
    assert again.status is Status.ALREADY_FIXED, again.reason


@by_name(MUST_FIX)
def test_bytes_outside_the_edits_are_untouched(case: Case):
    text = decode_source(case.input_bytes).text
    assert_only_insertions(text, plan_fix(text))


@by_name(MUST_FIX)
def test_writing_gives_the_expected_bytes_and_keeps_the_mode(case: Case, tmp_path: Path):
    path = tmp_path / "sessions.js"
    path.write_bytes(case.input_bytes)
    path.chmod(0o640)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert result.outcome is Outcome.FIXED, result.reason
    assert path.read_bytes() == case.expected_bytes
    assert path.stat().st_mode & 0o777 == 0o640
    assert process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path)).outcome is Outcome.ALREADY_FIXED


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@by_name(MUST_FIX)
def test_git_apply_and_patch_accept_the_dry_run_diff(case: Case, tmp_path: Path):
    target = tmp_path / "static" / "sessions.js"
    target.parent.mkdir()
    target.write_bytes(case.input_bytes)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    dry_run = subprocess.run(
        [sys.executable, "-m", "jsfix", "apply", "--dry-run", "static/sessions.js"],
        cwd=tmp_path, capture_output=True, check=True,
    )
    diff = dry_run.stdout
    assert diff.startswith(b"--- a/static/sessions.js\n+++ b/static/sessions.js\n")
    subprocess.run(["git", "apply", "--check", "-"], cwd=tmp_path, input=diff, check=True)
    subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=diff, check=True)
    assert target.read_bytes() == case.expected_bytes
    if shutil.which("patch"):
        target.write_bytes(case.input_bytes)
        subprocess.run(["patch", "-p1", "--dry-run", "-s"], cwd=tmp_path, input=diff, check=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_hunk_on_the_first_line_of_a_file_with_a_byte_order_mark_applies(tmp_path: Path):
    text = (FIXTURES / "upstream-parent" / "input.js").read_text(encoding="utf-8")
    # Start the file at the paging state, so the first hunk touches line 1.
    text = text[text.index("let _loadingOlder = false;") :]
    target = tmp_path / "sessions.js"
    target.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    dry_run = subprocess.run(
        [sys.executable, "-m", "jsfix", "apply", "--dry-run", "sessions.js"], cwd=tmp_path, capture_output=True, check=True
    )
    assert b"@@ -1," in dry_run.stdout
    subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=dry_run.stdout, check=True)
    fixed = target.read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbflet _loadingOlder = false;")
    assert b"let _messagesGeneration = 0;" in fixed


@pytest.mark.parametrize("name", ["wait-helper-unguarded", "wait-helper-if-await"])
def test_a_wait_helper_alternative_keeps_its_one_wait(name: str):
    # The Start-jump already waits on its own helper: jsfix adds the
    # generation parts only, never a second wait beside the helper's.
    case = next(each for each in MUST_FIX if each.name == name)

    def waits(text: str) -> list[str]:
        located = locate_targets(text)
        ensure_all = located.text[located.ensure_all.range[0] : located.ensure_all.range[1]]
        before_request = ensure_all[: ensure_all.index("await api(")]
        code = [line.strip() for line in before_request.splitlines() if not line.strip().startswith("//")]
        return [line for line in code if "await " in line or "while (" in line]

    original = decode_source(case.input_bytes).text
    fixed = apply_edits(original, plan_fix(original).edits)
    assert waits(fixed) == waits(original)
    assert len(waits(fixed)) == 1
    assert plan_fix(fixed).status is Status.ALREADY_FIXED
