"""verify on every must-fix fixture: the race before jsfix, none after."""

from __future__ import annotations

import shutil

import pytest
from conftest import Case, must_fix_cases

from jsfix.source import decode_source
from jsfix.verify import Verdict, verify_source

MUST_FIX = must_fix_cases()
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

SCROLL_TWICE = (
    "two-prefetches-at-once",
    "two-prefetches-in-a-row",
    "empty-older-page",
    "start-jump-during-second-page",
)


def report_of(data: bytes):
    return verify_source(decode_source(data).text)


def violations(report) -> dict[str, str]:
    return {each.name: each.violation for each in report.violated}


@pytest.mark.parametrize("case", MUST_FIX, ids=[case.name for case in MUST_FIX])
def test_the_original_races_and_jsfixs_output_holds(case: Case):
    before = violations(report_of(case.input_bytes))
    assert before.get("prefetch-then-start-jump", "").endswith("duplicate rows"), before
    assert "shows 90 messages of session A" in before.get("switch-during-start-jump", ""), before
    scrolling = {name: before[name] for name in SCROLL_TWICE if name in before}
    if case.name == "second-await-fallback":
        # Its prefetch asks for a tail as long as the transcript plus a page
        # and keeps only what the transcript lacks *after* the await: once a
        # Start-jump has replaced the transcript, the second page adds
        # nothing. Its race shows in the other scenarios only.
        assert scrolling == {}
    else:
        assert scrolling == {"start-jump-during-second-page": "30 duplicate rows"}
    after = report_of(case.expected_bytes)
    assert (after.verdict, violations(after)) == (Verdict.HOLDS, {})
    assert [s.name for s in after.scenarios if s.name in SCROLL_TWICE] == list(SCROLL_TWICE)
