"""Mutation adequacy judged by behaviour: a deletion that verify catches, the suite catches.

See tests/mutation.py. CI covers a representative subset of the must-fix
fixtures: upstream-parent, the shapes that differ in what the two functions
do, and the semicolon-free style, whose structural anchors differ. The
other style variants are upstream-parent's program again; they run in
`python scripts/mutation_adequacy.py`, with every fixture and, given a
mirror, the real upstream parent of fb822239 after `jsfix apply`.
"""

from __future__ import annotations

import pytest
from conftest import FIXTURES, needs_node
from mutation import SLOTS, measure, oracle, statement_deletions

from jsfix.javascript.source import decode_source

pytestmark = pytest.mark.slow


CI_CASES = (
    "second-await-fallback",
    "next-messages-local",
    "ensure-without-data-guard",
    "style-no-semicolons",
)


def fixture_text(name: str, which: str = "expected.js") -> str:
    return decode_source((FIXTURES / name / which).read_bytes()).text


def described(mutants) -> list[str]:
    return [f"{m.function} line {m.line}: {m.deleted}" for m in mutants]


@needs_node
@pytest.mark.parametrize("name", CI_CASES)
def test_every_deletion_that_changes_behaviour_fails_the_generated_suite(name: str):
    report = measure(fixture_text(name))
    assert report.deletions >= 70, report.summary()
    assert report.changed, report.summary()
    assert described(report.missed) == [], report.summary()


@needs_node
def test_every_deletion_that_changes_behaviour_fails_the_suite_of_upstream_parent():
    report = measure(fixture_text("upstream-parent"))
    # 73 deletions parse; 39 pass every structural test, and verify finds
    # that 14 of those change behaviour: the behavioural tests catch them all.
    assert (report.deletions, report.fail_structure, report.judged, len(report.changed)) == (73, 34, 39, 14)
    assert (len(report.caught_by_structure), len(report.caught_by_behaviour), report.missed) == (0, 14, [])
    assert "_loadOlderMessages line 75: _loadingOlder = true;" in described(report.caught_by_behaviour)


@needs_node
def test_the_oracle_tells_the_race_from_the_fix():
    assert oracle([fixture_text("upstream-parent", "input.js"), fixture_text("upstream-parent")]) == [True, False]


def test_deletions_cover_every_level_and_keep_single_statement_slots_filled():
    text = """\
let _loadingOlder = false;
async function _loadOlderMessages() {
  if (_loadingOlder) return;
  try {
    await api('/x');
    const done = () => { _loadingOlder = false; };
    done();
  } finally {
    _loadingOlder = false;
  }
}
async function _ensureAllMessagesLoaded() {
  while (_loadingOlder) await wait();
}
"""
    mutants = statement_deletions(text)
    assert [(m.function, m.line, m.deleted) for m in mutants] == [
        ("_loadOlderMessages", 3, "if (_loadingOlder) return;"),
        ("_loadOlderMessages", 3, "return;"),
        ("_loadOlderMessages", 4, "try {"),
        ("_loadOlderMessages", 4, "{"),
        ("_loadOlderMessages", 5, "await api('/x');"),
        ("_loadOlderMessages", 6, "const done = () => { _loadingOlder = false; };"),
        ("_loadOlderMessages", 7, "done();"),
        ("_loadOlderMessages", 8, "{"),
        ("_loadOlderMessages", 9, "_loadingOlder = false;"),
        ("_ensureAllMessagesLoaded", 13, "while (_loadingOlder) await wait();"),
        ("_ensureAllMessagesLoaded", 13, "await wait();"),
    ]
    by_deleted = {(m.line, m.deleted): m.text for m in mutants}
    # A statement in a slot becomes `{}`: the next statement stays where it was.
    assert "  if (_loadingOlder) {}\n  try {" in by_deleted[(3, "return;")]
    assert "  } finally {}\n}" in by_deleted[(8, "{")]
    assert "  while (_loadingOlder) {}\n}" in by_deleted[(13, "await wait();")]
    # Nothing inside the nested arrow function is deleted on its own.
    assert not any("done = () => {  };" in m.text for m in mutants)
    assert {"consequent", "body", "block", "finalizer", "alternate"} == SLOTS
