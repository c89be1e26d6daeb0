"""`check` and `verify` agree on every fixture: one verdict per file.

The rules decide from the syntax tree, the race model by running the code.
A fixture `check` calls fixed must hold in every scenario; one it would fix
must race before and hold after. (Every upstream version is judged the same
way by scripts/check_history.py; see test_upstream.py.)
"""

from __future__ import annotations

import pytest
from conftest import Case, all_cases, needs_node

from jsfix.javascript.source import decode_source
from jsfix.verify.agreement import FAILED, HOLDS, VIOLATED, judge

CASES = all_cases()
pytestmark = needs_node


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_and_verify_agree(case: Case):
    judgement = judge(decode_source(case.input_bytes).text)
    assert judgement.problem is None, judgement
    if case.expected_bytes is not None:
        assert (judgement.check, judgement.verify, judgement.verify_after) == ("needs fix", VIOLATED, HOLDS)
    elif case.expected_outcome["outcome"] in ("already fixed", "equivalent fix"):
        assert (judgement.check, judgement.verify) == (case.expected_outcome["outcome"], HOLDS)


def test_a_disagreement_is_reported_with_what_the_race_model_found():
    text = decode_source((CASES[0].directory.parent / "fully-fixed" / "input.js").read_bytes()).text
    judgement = judge(text, run=lambda _: (VIOLATED, "prefetch-then-start-jump: 30 duplicate rows"))
    assert judgement.problem == (
        "already fixed, but the race model finds: violated: prefetch-then-start-jump: 30 duplicate rows"
    )
    assert not judgement.agrees


def test_a_race_model_that_cannot_run_is_a_disagreement_not_agreement():
    text = decode_source((CASES[0].directory.parent / "fully-fixed" / "input.js").read_bytes()).text
    judgement = judge(text, run=lambda _: (FAILED, "the harness exited 1 without an answer"))
    assert judgement.problem == "already fixed, but the race model finds: failed: the harness exited 1 without an answer"
    unfixed = decode_source((CASES[0].directory.parent / "upstream-parent" / "input.js").read_bytes()).text
    judgement = judge(unfixed, run=lambda _: (FAILED, "the harness exited 1 without an answer"))
    assert judgement.problem == "the race model could not run the file: the harness exited 1 without an answer"


def test_a_needed_fix_on_a_file_that_already_holds_is_a_disagreement():
    text = decode_source((CASES[0].directory.parent / "upstream-parent" / "input.js").read_bytes()).text
    judgement = judge(text, run=lambda _: (HOLDS, ""))
    assert judgement.problem == "jsfix would change a file on which the race model already holds"
