"""`--summary FILE`: a Markdown table, one row per repository, for a pull-request body or a CI step summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from forkrepos import counts, fixture, make_fork
from typer.testing import CliRunner

from jsfix.cli import app
from jsfix.outcomes import EXIT_FOUND, EXIT_PROBLEM

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ALL_PARTS = (
    "generation counter, generation snapshot, generation guard, wait then lock, session guards, "
    "bump before replace, page index reset"
)
LATE_PARTS = "wait then lock, session guards, bump before replace, page index reset"
SUITE = counts("upstream-parent")  # every fixture here gets as many tests
HALF = "_ensureAllMessagesLoaded is defined but _loadOlderMessages is not; the fix needs both"


def jsfix(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    top = tmp_path / "fleet"
    make_fork(top / "alice", {"static/sessions.js": fixture("upstream-parent")})
    make_fork(top / "bob", {"static/sessions.js": fixture("parts-1-3-present")})
    make_fork(top / "carol", {"static/sessions.js": fixture("fully-fixed"), "static/app.js": b"function x() {}\n"})
    make_fork(
        top / "pipe|fork",
        {
            "static/sessions.js": fixture("style-tabs"),
            "static/half.js": b"async function _ensureAllMessagesLoaded() {}\n",
            "static/legacy/sessions.js": fixture("style-four-spaces"),
        },
    )
    (top / "loose").mkdir()
    (top / "loose" / "sessions.js").write_bytes(fixture("style-crlf"))
    monkeypatch.chdir(top)
    return top


def test_the_summary_of_an_apply_with_tests_has_one_row_per_repository(fleet: Path):
    result = jsfix("apply", "--with-tests", "--summary", "summary.md", ".")
    assert result.exit_code == EXIT_PROBLEM  # half.js is refused
    assert Path("summary.md").read_text(encoding="utf-8") == f"""\
### jsfix apply: #1937 endless-scroll vs Start-jump race

| Repository | Outcome | Parts added | Lines | Suite |
| --- | --- | --- | --- | --- |
| alice | fixed | {ALL_PARTS} | +45 -8 | written ({SUITE}) |
| bob | fixed | {LATE_PARTS} | +31 -8 | written ({SUITE}) |
| carol | already fixed | — | — | — |
| loose/sessions.js (not in git) | fixed | {ALL_PARTS} | +46 -9 | none (not in git) |
| pipe\\|fork | 2 fixed, 1 refused | {ALL_PARTS} | +90 -16 | none for pipe\\|fork/static/legacy/sessions.js; written ({SUITE}) |

8 file(s) in 4 repositories and 1 outside git: 5 fixed, 1 already fixed, 1 not applicable, 1 refused

- `pipe|fork/static/half.js` refused: {HALF}
"""


def test_the_summary_of_a_dry_run_and_of_check_say_what_would_happen(fleet: Path):
    assert jsfix("apply", "--dry-run", "--with-tests", "--summary", "dry.md", "alice", "carol").exit_code == 0
    assert Path("dry.md").read_text(encoding="utf-8") == f"""\
### jsfix apply --dry-run: #1937 endless-scroll vs Start-jump race

| Repository | Outcome | Parts added | Lines | Suite |
| --- | --- | --- | --- | --- |
| alice | would fix | {ALL_PARTS} | +45 -8 | would write ({SUITE}) |
| carol | already fixed | — | — | — |

3 file(s) in 2 repositories: 1 would fix, 1 already fixed, 1 not applicable
"""
    checked = jsfix("check", "--summary", "-", "bob")
    assert checked.exit_code == EXIT_FOUND
    assert checked.stdout == f"""\
### jsfix check: #1937 endless-scroll vs Start-jump race

| Repository | Outcome | Parts added | Lines | Suite |
| --- | --- | --- | --- | --- |
| bob | would fix | {LATE_PARTS} | +31 -8 | — |

1 file(s) in 1 repository: 1 would fix
"""
    assert checked.stderr == ""  # the summary took standard output; nothing else is printed


def test_inside_a_fork_its_row_is_named_by_its_folder(fleet: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(fleet / "bob")
    assert jsfix("apply", "--with-tests", "--summary", "../bob.md", "static/sessions.js").exit_code == 0
    rows = (fleet / "bob.md").read_text(encoding="utf-8").splitlines()
    assert rows[4] == f"| bob | fixed | {LATE_PARTS} | +31 -8 | written ({SUITE}) |"
