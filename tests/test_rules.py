"""Each rule on its own: take one part out of a fixed file, only that part comes back."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from jsfix.javascript.offsets import Utf16Offsets
from jsfix.plan.fix import Status, plan_fix
from jsfix.plan.locate import Refused

FIXED = (FIXTURES / "fully-fixed" / "input.js").read_text(encoding="utf-8")


def without(text: str, snippet: str, kept: str = "") -> str:
    """`text` with `snippet` (which must occur once) replaced by `kept`."""
    assert text.count(snippet) == 1, snippet
    return text.replace(snippet, kept)


def test_the_fixed_fixture_needs_nothing():
    assert plan_fix(FIXED).status is Status.ALREADY_FIXED


@pytest.mark.parametrize(
    ("removed", "part"),
    [
        (("  const startGeneration = _messagesGeneration;\n",), "generation snapshot"),
        (("    if (_messagesGeneration !== startGeneration) return;\n",), "generation guard"),
        (
            (
                (
                    "    // Another chat may have been opened while the history was loading.\n"
                    "    if (!S.session || S.session.session_id !== sid) return;\n"
                ),
            ),
            "session guards",
        ),
        (("    if (_loadingSessionId !== null && _loadingSessionId !== sid) return;\n    const msgs",
          "    const msgs"), "session guards"),
        (("    // Invalidate any page fetch that snapshotted the old generation.\n    _bumpMessagesGeneration();\n",), "bump before replace"),
        (("    _oldestIdx = 0;\n",), "page index reset"),
        (
            (
                (
                    "function _bumpMessagesGeneration() {\n  _messagesGeneration = (_messagesGeneration + 1) | 0;\n"
                    "  return _messagesGeneration;\n}\n"
                ),
            ),
            "generation counter",
        ),
    ],
    ids=["snapshot", "generation-guard", "session-guard", "loading-session-guard", "bump", "reset", "bump-helper"],
)
def test_a_missing_part_is_the_only_one_added(removed, part):
    broken = without(FIXED, *removed)
    plan = plan_fix(broken)
    assert plan.parts == (part,)
    fixed = plan.apply(broken)
    assert plan_fix(fixed).status is Status.ALREADY_FIXED


def test_missing_wait_block_alone_is_added_before_the_existing_lock():
    wait_block = FIXED[FIXED.index("  if (_loadingOlder) {\n") : FIXED.index("  _loadingOlder = true;\n  try {\n    const sid")]
    broken = without(FIXED, wait_block)
    plan = plan_fix(broken)
    assert plan.parts == ("wait then lock",)
    fixed = plan.apply(broken)
    assert fixed.index("while (_loadingOlder)") < fixed.index("  _loadingOlder = true;\n  try {\n    const sid")
    assert plan_fix(fixed).status is Status.ALREADY_FIXED


def test_the_session_guard_uses_the_forks_own_local_names():
    text = (FIXTURES / "upstream-parent" / "input.js").read_text(encoding="utf-8")
    renamed = text.replace("const sid = S.session.session_id;", "const activeId = S.session.session_id;")
    renamed = renamed.replace("encodeURIComponent(sid)}&messages=1&resolve_model=0`)", "encodeURIComponent(activeId)}&messages=1&resolve_model=0`)")
    renamed = renamed.replace("S.session.session_id === sid) {\n    S.session.message_count", "S.session.session_id === activeId) {\n    S.session.message_count")
    fixed = plan_fix(renamed).apply(renamed)
    assert "if (!S.session || S.session.session_id !== activeId) return;" in fixed
    assert "if (_loadingSessionId !== null && _loadingSessionId !== activeId) return;" in fixed


def test_the_loading_session_guard_is_left_out_where_the_name_is_not_declared():
    text = (FIXTURES / "upstream-parent" / "input.js").read_text(encoding="utf-8")
    text = text.replace("let _loadingSessionId = null;", "let _loadingSessionKey = null;")
    text = text.replace("_loadingSessionId", "_loadingSessionKey")
    fixed = plan_fix(text).apply(text)
    assert "if (!S.session || S.session.session_id !== sid) return;" in fixed
    assert "_loadingSessionId" not in fixed


def test_a_name_the_fix_needs_taken_by_a_const_is_refused():
    text = (FIXTURES / "upstream-parent" / "input.js").read_text(encoding="utf-8")
    taken = text.replace("let _oldestIdx = 0;", "let _oldestIdx = 0;\nconst _messagesGeneration = 'v2';")
    with pytest.raises(Refused, match=r"^_messagesGeneration is already declared as a const at line \d+$"):
        plan_fix(taken)


def test_utf16_offsets_count_astral_characters_twice():
    text = "a😀b𝒳c"
    offsets = Utf16Offsets(text)
    # UTF-16 units: a=0, 😀=1-2, b=3, 𝒳=4-5, c=6
    assert [offsets.to_index(unit) for unit in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]
    assert Utf16Offsets("plain").to_index(4) == 4


def test_a_wait_helper_without_the_session_recheck_is_not_taken_as_an_equivalent_fix():
    text = (FIXTURES / "wait-helper-alternative" / "input.js").read_text(encoding="utf-8")
    assert plan_fix(text).status is Status.EQUIVALENT_FIX
    guard = "if (!S.session || S.session.session_id !== sid) return;"
    ensure_at = text.index("async function _ensureAllMessagesLoaded")
    position = text.index(guard, ensure_at)
    racy = text[:position] + text[position + len(guard) :]
    plan = plan_fix(racy)
    assert plan.status is Status.NEEDS_FIX
    assert "session guards" in plan.parts
    # jsfix's own output is already fixed, not an equivalent fix, so a write passes its second-pass check.
    fixed = plan.apply(racy)
    assert plan_fix(fixed).status is Status.ALREADY_FIXED


WAIT_HELPER = (FIXTURES / "wait-helper-unguarded" / "expected.js").read_text(encoding="utf-8")


def test_a_fork_that_waits_on_its_own_helper_gets_the_lock_but_no_second_wait():
    start = WAIT_HELPER.index("async function _ensureAllMessagesLoaded")
    head, function = WAIT_HELPER[:start], WAIT_HELPER[start:]
    end = function.index("\n}\n") + 3
    body, rest = function[:end], function[end:]
    # The same function without its lock: the try's body dedented, its finally gone.
    body = without(body, "  _loadingOlder = true;\n  try {\n")
    body = without(body, "  } finally {\n    _loadingOlder = false;\n  }\n")
    lines = body.split("\n")
    first = next(i for i, line in enumerate(lines) if "const sid" in line)
    lines[first:-2] = [line[2:] if line.startswith("    ") else line for line in lines[first:-2]]
    broken = head + "\n".join(lines) + rest
    plan = plan_fix(broken)
    assert plan.parts == ("wait then lock",)
    assert plan.reason == (
        "completes an alternative fix (_ensureAllMessagesLoaded waits on _waitForOlderMessagesIdle()): adds wait then lock"
    )
    fixed = plan.apply(broken)
    assert "while (_loadingOlder)" not in fixed[fixed.index("async function _ensureAllMessagesLoaded") :]
    # The fork's own re-check of the gate stays before the lock it now takes.
    gate_then_lock = "  await _waitForOlderMessagesIdle();\n  if (!_messagesTruncated || !S.session) return;\n"
    assert gate_then_lock + "  // Hold the older-page lock" in fixed
    assert plan_fix(fixed).status is Status.ALREADY_FIXED


def test_a_wait_helper_that_never_reads_the_lock_is_no_wait():
    named = WAIT_HELPER.replace("_waitForOlderMessagesIdle", "_settleDrafts")
    text = named.replace("  while (_loadingOlder) await new Promise(r => setTimeout(r, 16));\n", "  await null;\n")
    assert "wait then lock" in plan_fix(text).parts


PREFETCH_CHECKED = (FIXTURES / "prefetch-without-session-check" / "expected.js").read_text(encoding="utf-8")
INSERTED_CHECK = "    if (!S.session || S.session.session_id !== sid) return;\n    // The transcript"


@pytest.mark.parametrize(
    "spelling",
    [
        "    if (sid !== S.session.session_id) return;\n",
        "    if (!S.session || sid !== S.session.session_id) return;\n",
        "    if (S.session.session_id != sid) return;\n",
        "    if ((S.session && S.session.session_id) !== sid) return;\n",
    ],
)
def test_the_prefetchs_session_check_is_recognised_however_it_is_spelled(spelling: str):
    text = without(PREFETCH_CHECKED, INSERTED_CHECK, spelling + "    // The transcript")
    assert plan_fix(text).status is Status.ALREADY_FIXED


def test_a_comparison_with_s_messages_is_no_write():
    text = without(PREFETCH_CHECKED, INSERTED_CHECK, "    if (S.messages === null) return;\n" + INSERTED_CHECK)
    assert plan_fix(text).status is Status.ALREADY_FIXED


def test_an_awaited_helper_after_the_full_load_is_no_wait():
    unfixed = (FIXTURES / "upstream-parent" / "input.js").read_text(encoding="utf-8")
    text = without(unfixed, "  S.messages = msgs;\n", "  S.messages = msgs;\n  await _waitForPaint();\n")
    plan = plan_fix(text)
    assert plan.alternative is None and "wait then lock" in plan.parts
    fixed = plan.apply(text)
    assert "while (_loadingOlder)" in fixed and plan_fix(fixed).status is Status.ALREADY_FIXED


def test_an_otherwise_equivalent_fork_gets_only_the_prefetchs_session_check():
    text = (FIXTURES / "object-state-module" / "input.js").read_text(encoding="utf-8")
    start = text.index("async function _loadOlderMessages")
    check = "    if (!S.session || S.session.session_id !== sid) return;\n"
    at = text.index(check, start)
    broken = text[:at] + text[at + len(check) :]
    plan = plan_fix(broken)
    assert (plan.status, plan.parts) == (Status.NEEDS_FIX, ("prefetch session guard",))
    assert plan.reason.startswith("completes an alternative fix (_loadOlderMessages drops a stale page")
    assert plan_fix(plan.apply(broken)).status is Status.EQUIVALENT_FIX
