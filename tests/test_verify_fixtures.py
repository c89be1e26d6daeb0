"""verify on every must-fix fixture: the race before jsfix, none after."""

from __future__ import annotations

import pytest
from conftest import Case, must_fix_cases, needs_node

from jsfix.javascript.source import decode_source
from jsfix.plan.fix import plan_fix
from jsfix.verify import verify_source

MUST_FIX = must_fix_cases()
pytestmark = needs_node


def violations(data: bytes) -> dict[str, str]:
    report = verify_source(decode_source(data).text)
    return {each.name: each.violation for each in report.violated}


@pytest.mark.parametrize("case", MUST_FIX, ids=[case.name for case in MUST_FIX])
def test_the_original_races_and_jsfixs_output_holds(case: Case):
    before = violations(case.input_bytes)
    assert before, "jsfix changes this fixture, so its original must race"
    if "wait then lock" in plan_fix(decode_source(case.input_bytes).text).parts:
        # Start-jump neither waits nor locks: both halves of the race show.
        assert before.get("prefetch-then-start-jump", "").endswith("duplicate rows"), before
        assert "shows 90 messages of session A" in before.get("switch-during-start-jump", ""), before
    assert violations(case.expected_bytes) == {}
