"""The scroll-twice scenarios on every must-fix fixture: the fix holds them all.

Every original races in at least one of them; which ones depends on its
shape, as listed below.
"""

from __future__ import annotations

import pytest
from conftest import Case, must_fix_cases, needs_node

from jsfix.javascript.source import decode_source
from jsfix.verify import Verdict, verify_source

MUST_FIX = must_fix_cases()
pytestmark = needs_node

SCROLL_TWICE = (
    "two-prefetches-at-once",
    "two-prefetches-in-a-row",
    "empty-older-page",
    "start-jump-during-second-page",
    "stale-second-page-after-switch",
    "start-jump-during-second-page-after-new-messages",
)

# An original whose prefetch asks for a tail as long as the transcript plus a
# page and keeps only what the transcript lacks: a Start-jump that replaced
# the transcript leaves that page empty. It races on its fallback request by
# index, which it makes only once the chat has grown since it was opened.
AFTER_NEW_MESSAGES = {"second-await-fallback"}
# Originals whose Start-jump already waits for the prefetch and holds the
# lock: what is left is the lock an old session's page releases after a
# switch, which only the switch after the second scroll shows.
SWITCH_AFTER_SECOND_PAGE = {"wait-helper-if-await", "wait-helper-unguarded"}


def scroll_twice_verdicts(data: bytes) -> dict[str, Verdict]:
    report = verify_source(decode_source(data).text, scenarios=SCROLL_TWICE)
    return {s.name: s.verdict for s in report.scenarios}


@pytest.mark.parametrize("case", MUST_FIX, ids=[case.name for case in MUST_FIX])
def test_jsfixs_output_holds_when_scrolling_twice_and_the_original_breaks(case: Case):
    assert scroll_twice_verdicts(case.expected_bytes) == dict.fromkeys(SCROLL_TWICE, Verdict.HOLDS)
    broken = {name for name, verdict in scroll_twice_verdicts(case.input_bytes).items() if verdict != Verdict.HOLDS}
    if case.name in AFTER_NEW_MESSAGES:
        assert broken == {"start-jump-during-second-page-after-new-messages"}
    elif case.name in SWITCH_AFTER_SECOND_PAGE:
        assert broken == {"stale-second-page-after-switch"}
    else:
        assert {"start-jump-during-second-page", "stale-second-page-after-switch"} <= broken
