"""The behavioural check: extraction, the node harness, and what it finds.

The JavaScript below is this project's own miniature of the paging code: a
prefetch (`_loadOlderMessages`) and a full load (`_ensureAllMessagesLoaded`)
sharing `_loadingOlder`, `_oldestIdx` and `_messagesTruncated`. The tests
run it unfixed, fixed, fixed the other way (a wait helper), and fixed with
one defence taken out at a time, and assert what the harness reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, needs_node, run_on_harness, upstream_file
from extractions import assert_cut_as_esprima_cuts, assert_selection, recorded

from jsfix.verify import (
    NodeNotFound,
    Unverifiable,
    Verdict,
    VerifyError,
    build_job,
    extract,
    run_batch,
    run_job,
    runner,
    verify_source,
)

SCENARIOS = [
    "prefetch-then-start-jump",
    "start-jump-then-prefetch",
    "two-start-jumps",
    "switch-during-start-jump",
    "switch-during-both",
    "start-jump-fails",
    "prefetch-fails-during-start-jump",
    "full-load-resets-oldest-idx",
    "stale-prefetch-after-switch",
    "two-prefetches-at-once",
    "two-prefetches-in-a-row",
    "empty-older-page",
    "start-jump-during-second-page",
    "stale-second-page-after-switch",
    "start-jump-during-second-page-after-new-messages",
]

STATE = """\
let _loadingSessionId = null;
let _messagesTruncated = false;
const _PAGE_SIZE = 30;
let _loadingOlder = false;
let _oldestIdx = 0;
"""

GENERATION = """\
let _messagesGeneration = 0;
function _bumpMessagesGeneration() {
  _messagesGeneration = (_messagesGeneration + 1) | 0;
  return _messagesGeneration;
}
"""

PREFETCH = """\
async function _loadOlderMessages() {
  if (_loadingOlder || !_messagesTruncated) return;
  const sid = S.session ? S.session.session_id : null;
  if (!sid || !S.messages.length) return;
  if (_oldestIdx <= 0) { _messagesTruncated = false; return; }
  _loadingOlder = true;
  const startGeneration = _messagesGeneration;
  try {
    const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1&msg_before=${_oldestIdx}&msg_limit=${_PAGE_SIZE}`);
    if (!data || !data.session) return;
    if (!S.session || S.session.session_id !== sid) return;
    if (_loadingSessionId !== null && _loadingSessionId !== sid) return;
    if (_messagesGeneration !== startGeneration) return;
    const page = (data.session.messages || []).filter(m => m && m.role);
    if (!page.length) { _messagesTruncated = false; return; }
    const box = $('messages');
    const heightBefore = box ? box.scrollHeight : 0;
    S.messages = [...page, ...S.messages];
    _messagesTruncated = !!data.session._messages_truncated;
    _oldestIdx = data.session._messages_offset || 0;
    renderMessages({ preserveScroll: true });
    if (box) {
      box.scrollTop += Math.max(0, box.scrollHeight - heightBefore);
      requestAnimationFrame(() => { _programmaticScroll = false; });
    }
  } catch (e) {
    console.warn('older page failed', e);
  } finally {
    _loadingOlder = false;
  }
}
"""

UNFIXED_FULL_LOAD = """\
async function _ensureAllMessagesLoaded() {
  if (!_messagesTruncated || !S.session) return;
  const sid = S.session.session_id;
  const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1`);
  if (!data || !data.session) return;
  const msgs = (data.session.messages || []).filter(m => m && m.role);
  S.messages = msgs;
  _messagesTruncated = false;
}
"""

FIXED_FULL_LOAD = """\
async function _ensureAllMessagesLoaded() {
  if (!_messagesTruncated || !S.session) return;
  if (_loadingOlder) {
    _bumpMessagesGeneration();
    while (_loadingOlder) {
      await new Promise(resolve => setTimeout(resolve, 16));
    }
    if (!_messagesTruncated || !S.session) return;
  }
  _loadingOlder = true;
  try {
    const sid = S.session.session_id;
    const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1`);
    if (!data || !data.session) return;
    if (!S.session || S.session.session_id !== sid) return;
    if (_loadingSessionId !== null && _loadingSessionId !== sid) return;
    const msgs = (data.session.messages || []).filter(m => m && m.role);
    _bumpMessagesGeneration();
    S.messages = msgs;
    _messagesTruncated = false;
    _oldestIdx = 0;
  } finally {
    _loadingOlder = false;
  }
}
"""

GENERATION_GUARD = "    if (_messagesGeneration !== startGeneration) return;\n"
WAIT_LOOP = """\
    while (_loadingOlder) {
      await new Promise(resolve => setTimeout(resolve, 16));
    }
"""
SESSION_GUARDS = """\
    if (!S.session || S.session.session_id !== sid) return;
    if (_loadingSessionId !== null && _loadingSessionId !== sid) return;
    const msgs"""
OLDEST_RESET = "    _oldestIdx = 0;\n"

UNFIXED = STATE + PREFETCH.replace("  const startGeneration = _messagesGeneration;\n", "").replace(
    GENERATION_GUARD, ""
) + UNFIXED_FULL_LOAD
FIXED = STATE + GENERATION + PREFETCH + FIXED_FULL_LOAD

# The other way to close the race: the full load waits until no prefetch
# holds the lock, then holds it itself. The prefetch drops its page when
# `_oldestIdx` moved while it waited (a full load resets it to 0), which
# also covers an old session's prefetch releasing the lock after a switch.
WAIT_HELPER = (
    STATE
    + PREFETCH.replace(
        "  const startGeneration = _messagesGeneration;\n", "  const requestedBefore = _oldestIdx;\n"
    ).replace(GENERATION_GUARD, "    if (_oldestIdx !== requestedBefore) return;\n")
    + """\
async function _waitForOlderMessagesIdle() {
  while (_loadingOlder) await new Promise(r => setTimeout(r, 16));
}

async function _ensureAllMessagesLoaded() {
  if (!_messagesTruncated || !S.session) return;
  await _waitForOlderMessagesIdle();
  if (!_messagesTruncated || !S.session) return;
  _loadingOlder = true;
  try {
    const sid = S.session.session_id;
    const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1`);
    if (!data || !data.session) return;
    if (!S.session || S.session.session_id !== sid) return;
    if (_loadingSessionId !== null && _loadingSessionId !== sid) return;
    S.messages = (data.session.messages || []).filter(m => m && m.role);
    _messagesTruncated = false;
    _oldestIdx = 0;
  } finally {
    _loadingOlder = false;
  }
}
"""
)


# A prefetch that forgets to release the lock when its request fails.
PREFETCH_KEEPING_THE_LOCK = PREFETCH.replace(
    "  } finally {\n    _loadingOlder = false;\n  }\n", "  }\n    _loadingOlder = false;\n"
).replace("  } catch (e) {\n    console.warn('older page failed', e);\n", "  } catch (e) {\n    return;\n")


def replace_once(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, old
    return source.replace(old, new)


def without(source: str, *pieces: str) -> str:
    """`source` with each piece removed; each must occur exactly once."""
    for piece in pieces:
        source = replace_once(source, piece, "")
    return source


def by_name(report):
    return {s.name: s for s in report.scenarios}


def violated(report) -> dict[str, str | None]:
    return {s.name: s.violation for s in report.scenarios if not s.holds}


# --- the unfixed code reproduces the race -----------------------------------


@needs_node
def test_unfixed_code_duplicates_rows_and_overwrites_the_new_session():
    report = verify_source(UNFIXED)
    assert [s.name for s in report.scenarios] == SCENARIOS
    assert not report.holds
    scenarios = by_name(report)
    duplicate = scenarios["prefetch-then-start-jump"]
    assert duplicate.violation == "36 duplicate rows"
    assert duplicate.schedule == (
        "prefetch request sent",
        "Start-jump request sent",
        "Start-jump response",
        "prefetch response: 36 duplicate rows",
    )
    overwrite = scenarios["switch-during-start-jump"]
    assert overwrite.violation == "session B shows 90 messages of session A"
    assert overwrite.schedule == (
        "Start-jump request sent",
        "switch to session B starts",
        "session B loaded (last 30 of 45 messages)",
        "Start-jump response: session B shows 90 messages of session A",
    )
    assert violated(report) == {
        "prefetch-then-start-jump": "36 duplicate rows",
        "start-jump-then-prefetch": "36 duplicate rows",
        "switch-during-start-jump": "session B shows 90 messages of session A",
        "switch-during-both": "session B shows 90 messages of session A",
        "full-load-resets-oldest-idx": "_oldestIdx is 60 after the full load, not 0",
        "stale-prefetch-after-switch": "15 duplicate rows",
        "start-jump-during-second-page": "24 duplicate rows",
        "stale-second-page-after-switch": "15 duplicate rows",
        "start-jump-during-second-page-after-new-messages": "24 duplicate rows",
    }


@needs_node
def test_a_report_reads_as_text_and_as_json():
    report = verify_source(UNFIXED, scenarios=["prefetch-then-start-jump", "two-start-jumps"])
    assert report.describe() == (
        "violated  prefetch-then-start-jump: prefetch in flight, then Start-jump: "
        "36 duplicate rows (3 schedules)\n"
        "    1. prefetch request sent\n"
        "    2. Start-jump request sent\n"
        "    3. Start-jump response\n"
        "    4. prefetch response: 36 duplicate rows\n"
        "holds     two-start-jumps: two Start-jumps at once (3 schedules)"
    )
    data = json.loads(report.to_json())
    assert data == {
        "verdict": "violated",
        "holds": False,
        "kept": [
            "_loadingSessionId",
            "_messagesTruncated",
            "_PAGE_SIZE",
            "_loadingOlder",
            "_oldestIdx",
            "_loadOlderMessages",
            "_ensureAllMessagesLoaded",
        ],
        "scenarios": [
            {
                "name": "prefetch-then-start-jump",
                "title": "prefetch in flight, then Start-jump",
                "verdict": "violated",
                "holds": False,
                "schedules_explored": 3,
                "complete": True,
                "violation": "36 duplicate rows",
                "schedule": [
                    "prefetch request sent",
                    "Start-jump request sent",
                    "Start-jump response",
                    "prefetch response: 36 duplicate rows",
                ],
                "errors": [],
                "stopped": None,
                "skipped": [],
            },
            {
                "name": "two-start-jumps",
                "title": "two Start-jumps at once",
                "verdict": "holds",
                "holds": True,
                "schedules_explored": 3,
                "complete": True,
                "violation": None,
                "schedule": [],
                "errors": [],
                "stopped": None,
                "skipped": [],
            },
        ],
    }


# --- fixed code holds -----------------------------------------------------


@needs_node
def test_fixed_code_holds_in_every_scenario():
    report = verify_source(FIXED)
    assert violated(report) == {}
    assert report.holds
    assert all(s.complete and s.schedules_explored >= 1 and s.errors == () for s in report.scenarios)
    # The wait loop re-arms its timer while a prefetch is in flight; the
    # scheduler must still finish, and explore more than one order.
    assert by_name(report)["switch-during-both"].schedules_explored > 3


@needs_node
def test_wait_helper_alternative_holds_in_every_scenario():
    assert violated(verify_source(WAIT_HELPER)) == {}


@needs_node
def test_wait_helper_without_a_page_guard_lets_an_old_prefetch_release_the_lock():
    # loadSession() force-releases the lock, so the old session's prefetch
    # releases it again in its `finally`, while the new session's full load
    # holds it: a new prefetch starts and its page lands on the full history.
    bare = without(WAIT_HELPER, "    if (_oldestIdx !== requestedBefore) return;\n")
    report = verify_source(bare)
    assert violated(report) == {
        "stale-prefetch-after-switch": "15 duplicate rows",
        "stale-second-page-after-switch": "15 duplicate rows",
    }
    assert by_name(report)["stale-prefetch-after-switch"].schedule == (
        "first prefetch request sent",
        "switch to session B starts",
        "session B loaded (last 30 of 45 messages)",
        "Start-jump request sent (session B)",
        "first prefetch response",
        "second prefetch request sent (session B)",
        "Start-jump (session B) response",
        "second prefetch (session B) response: 15 duplicate rows",
    )


# --- mutations of the fixed code are caught --------------------------------


@needs_node
def test_without_the_session_guards_a_switch_gets_the_old_history():
    report = verify_source(replace_once(FIXED, SESSION_GUARDS, "    const msgs"))
    assert violated(report) == {
        "switch-during-start-jump": "session B shows 90 messages of session A",
        "switch-during-both": "session B shows 90 messages of session A",
    }


@needs_node
def test_without_the_oldest_idx_reset_the_full_load_leaves_a_stale_index():
    report = verify_source(without(FIXED, OLDEST_RESET))
    assert violated(report) == {
        "full-load-resets-oldest-idx": "_oldestIdx is 60 after the full load, not 0",
    }
    assert by_name(report)["full-load-resets-oldest-idx"].schedule == (
        "Start-jump request sent",
        "Start-jump response: _oldestIdx is 60 after the full load, not 0",
    )


@needs_node
def test_without_both_the_generation_guard_and_the_wait_loop_rows_duplicate():
    report = verify_source(without(FIXED, GENERATION_GUARD, WAIT_LOOP))
    assert violated(report)["prefetch-then-start-jump"] == "36 duplicate rows"
    assert by_name(report)["prefetch-then-start-jump"].schedule == (
        "prefetch request sent",
        "Start-jump request sent",
        "Start-jump response",
        "prefetch response: 36 duplicate rows",
    )


@needs_node
def test_the_generation_guard_alone_is_enough():
    # Without the wait, the full load goes ahead while the prefetch is in
    # flight, but it bumps the generation first (on entry and before the
    # replace), so whenever the page arrives its snapshot is stale and it is
    # dropped instead of prepended.
    assert violated(verify_source(without(FIXED, WAIT_LOOP))) == {}


@needs_node
def test_the_wait_loop_alone_is_enough_for_the_basic_race():
    # Without the generation guard, the full load still waits until the
    # prefetch has prepended its page and released the lock, and only then
    # replaces the transcript: the page is never applied on top of it.
    # What the wait cannot cover is a lock released behind its back: after a
    # switch, the old session's prefetch releases the lock the new session's
    # full load holds, a new prefetch starts, and only the generation guard
    # drops its page.
    report = verify_source(without(FIXED, GENERATION_GUARD))
    assert violated(report) == {
        "stale-prefetch-after-switch": "15 duplicate rows",
        "stale-second-page-after-switch": "15 duplicate rows",
    }


@needs_node
def test_a_full_load_that_does_not_release_the_lock_on_failure_leaks_it():
    leaky = STATE + GENERATION + PREFETCH + replace_once(
        replace_once(FIXED_FULL_LOAD, "  try {\n", "  {\n"),
        "  } finally {\n    _loadingOlder = false;\n  }\n",
        "    _loadingOlder = false;\n  }\n",
    )
    report = verify_source(leaky)
    assert violated(report) == {
        "start-jump-fails": "lock still held: _loadingOlder is true after everything settled",
    }
    assert by_name(report)["start-jump-fails"].schedule == (
        "Start-jump request sent",
        "Start-jump request fails",
        (
            "prefetch called, returns without a request: "
            "lock still held: _loadingOlder is true after everything settled"
        ),
    )


@needs_node
def test_a_wait_that_never_ends_is_reported_not_hung_on():
    # The prefetch forgets to release the lock when its page fails, so the
    # full load polls forever.
    stuck = STATE + GENERATION + PREFETCH_KEEPING_THE_LOCK + FIXED_FULL_LOAD
    report = verify_source(stuck, scenarios=["prefetch-fails-during-start-jump"])
    (scenario,) = report.scenarios
    assert scenario.violation == (
        "Start-jump call (_ensureAllMessagesLoaded) never settled (it keeps re-arming a 16 ms timer)"
    )
    assert scenario.schedule == (
        "prefetch request sent",
        "Start-jump called, no request yet",
        "prefetch request fails: " + scenario.violation,
    )


@needs_node
def test_a_wait_that_gives_up_is_explored_past_its_timeout():
    # Polling ten times and then going ahead anyway: time passes until the
    # wait gives up, the full load runs while the prefetch is still in
    # flight, and without a guard in the prefetch its page lands on top.
    impatient = replace_once(
        without(WAIT_HELPER, "    if (_oldestIdx !== requestedBefore) return;\n"),
        "  while (_loadingOlder) await new Promise(r => setTimeout(r, 16));\n",
        "  let polls = 0;\n  while (_loadingOlder && polls++ < 10) await new Promise(r => setTimeout(r, 16));\n",
    )
    report = verify_source(impatient, scenarios=["prefetch-then-start-jump"])
    assert report.scenarios[0].schedule == (
        "prefetch request sent",
        "Start-jump called, no request yet",
        "16 ms timer fires after 10 timer firings (160 ms), Start-jump request sent",
        "Start-jump response",
        "prefetch response: 36 duplicate rows",
    )


@needs_node
def test_a_loop_that_keeps_changing_state_hits_the_step_bound():
    spinning = STATE + GENERATION + PREFETCH_KEEPING_THE_LOCK + replace_once(
        FIXED_FULL_LOAD,
        "      await new Promise(resolve => setTimeout(resolve, 16));\n",
        "      _oldestIdx += 1;\n      await new Promise(resolve => setTimeout(resolve, 16));\n",
    )
    report = verify_source(spinning, scenarios=["prefetch-fails-during-start-jump"], max_steps=25)
    (scenario,) = report.scenarios
    assert scenario.violation == "livelock: more than 25 steps"
    assert scenario.schedule[-1] == "16 ms timer fires: livelock: more than 25 steps"


@needs_node
def test_an_unexpected_exception_is_a_violation():
    broken = FIXED.replace("    S.messages = msgs;\n", "    S.messages = msgs;\n    msgs.frobnicate();\n")
    report = verify_source(broken, scenarios=["full-load-resets-oldest-idx"])
    assert report.scenarios[0].violation == (
        "Start-jump call (_ensureAllMessagesLoaded) threw TypeError: msgs.frobnicate is not a function"
    )


@needs_node
def test_exceptions_the_code_catches_are_listed():
    careless = replace_once(
        FIXED, "    renderMessages({ preserveScroll: true });\n", "    S.session.nickname.toUpperCase();\n"
    )
    report = verify_source(careless, scenarios=["prefetch-then-start-jump"])
    (scenario,) = report.scenarios
    # The prefetch's catch swallows it, so nothing is violated; it is noted.
    assert scenario.holds
    assert scenario.errors == (
        "TypeError: Cannot read properties of undefined (reading 'toUpperCase')",
    )
    assert report.describe().endswith(
        "\n    caught: TypeError: Cannot read properties of undefined (reading 'toUpperCase')"
    )


@needs_node
def test_a_scenario_stopped_at_the_cap_is_incomplete_not_holding():
    report = verify_source(FIXED, scenarios=["switch-during-both", "two-start-jumps"], max_schedules=2)
    finished, capped = report.scenarios
    assert (capped.verdict, capped.holds, capped.complete, capped.schedules_explored) == (
        Verdict.INCOMPLETE, False, False, 2,
    )
    assert capped.stopped == "it reached the cap of 2 schedules"
    assert (capped.violation, capped.schedule) == (None, ())
    assert (finished.verdict, finished.holds, finished.complete) == (Verdict.HOLDS, True, True)
    assert (report.verdict, report.holds, report.violated, report.incomplete) == (
        Verdict.INCOMPLETE, False, (), (capped,),
    )
    assert report.describe() == (
        "holds     two-start-jumps: two Start-jumps at once (2 schedules)\n"
        "incomplete switch-during-both: session switch while prefetch and Start-jump are in flight: "
        "stopped after 2 schedules: it reached the cap of 2 schedules"
    )
    data = report.to_dict()
    assert (data["verdict"], data["holds"]) == ("incomplete", False)
    assert [(s["verdict"], s["holds"], s["stopped"]) for s in data["scenarios"]] == [
        ("holds", True, None),
        ("incomplete", False, "it reached the cap of 2 schedules"),
    ]


@needs_node
def test_a_violation_outweighs_an_incomplete_scenario():
    # A violation found on the first order past the cap is still reported.
    report = verify_source(UNFIXED, scenarios=["prefetch-then-start-jump", "two-start-jumps"], max_schedules=2)
    assert [(s.verdict, s.schedules_explored) for s in report.scenarios] == [
        (Verdict.VIOLATED, 3),
        (Verdict.INCOMPLETE, 2),
    ]
    assert report.verdict is Verdict.VIOLATED


# --- shapes met in forks ---------------------------------------------------


@needs_node
def test_state_kept_in_an_object_inside_an_es_module():
    module = """\
import { api } from './api.js';
let _loadingSessionId = null;
const pager = { loadingOlder: false, oldestIdx: 0, truncated: false };
export async function _loadOlderMessages() {
  if (pager.loadingOlder || !pager.truncated) return;
  const sid = S.session.session_id;
  pager.loadingOlder = true;
  try {
    const data = await api(`/api/session?session_id=${sid}&messages=1&msg_before=${pager.oldestIdx}&msg_limit=30`);
    if (!data || !data.session || S.session.session_id !== sid) return;
    S.messages = [...data.session.messages, ...S.messages];
    pager.oldestIdx = data.session._messages_offset;
    pager.truncated = data.session._messages_truncated;
  } finally {
    pager.loadingOlder = false;
  }
}
export async function _ensureAllMessagesLoaded() {
  if (!pager.truncated || !S.session) return;
  const sid = S.session.session_id;
  const data = await api(`/api/session?session_id=${sid}&messages=1`);
  S.messages = data.session.messages;
  pager.truncated = false;
}
"""
    extraction = extract(module)
    assert extraction.strict is True
    assert dict(extraction.state_access) == {
        "_loadingOlder": "pager.loadingOlder",
        "_oldestIdx": "pager.oldestIdx",
        "_messagesTruncated": "pager.truncated",
    }
    assert "api" in extraction.free and "export" not in extraction.source
    assert violated(verify_source(module))["prefetch-then-start-jump"] == "36 duplicate rows"


@needs_node
def test_fixture_shapes_verify_as_their_readmes_say(fixtures_dir: Path):
    for name in ("wait-helper-alternative", "object-state-module", "fully-fixed"):
        text = (fixtures_dir / name / "input.js").read_bytes().decode("utf-8-sig")
        assert violated(verify_source(text)) == {}, name
    upstream = (fixtures_dir / "upstream-parent" / "input.js").read_bytes().decode("utf-8-sig")
    assert violated(verify_source(upstream))["prefetch-then-start-jump"] == "36 duplicate rows"


@needs_node
def test_missing_targets_are_a_verify_error():
    with pytest.raises(VerifyError, match="no top-level declaration of _ensureAllMessagesLoaded"):
        extract(STATE + GENERATION + PREFETCH)


@needs_node
def test_code_that_throws_while_loading_is_a_verify_error():
    with pytest.raises(VerifyError, match="could not run the file's code"):
        verify_source(replace_once(FIXED, "const _PAGE_SIZE = 30;", "const _PAGE_SIZE = null.size;"))


def test_missing_node_raises_node_not_found(monkeypatch):
    monkeypatch.setattr(runner.shutil, "which", lambda name: None)
    with pytest.raises(NodeNotFound, match="needs node"):
        verify_source(FIXED)
    with pytest.raises(NodeNotFound):
        run_job({"source": ""})


# --- extraction --------------------------------------------------------------


@needs_node
def test_extraction_keeps_what_the_functions_use_and_stubs_the_rest():
    text = (
        "function renderMessages() { document.body.innerHTML = S.messages.join(''); }\n"
        "const ICONS = { stop: '<svg/>' };\n"
        + FIXED
        + "function _sameRow(a, b) { return String(a.content) === String(b.content); }\n"
        "async function jumpToSessionStart() { await _ensureAllMessagesLoaded(); }\n"
    )
    extraction = extract(text)
    assert extraction.kept == (
        "_loadingSessionId",
        "_messagesTruncated",
        "_PAGE_SIZE",
        "_loadingOlder",
        "_oldestIdx",
        "_messagesGeneration",
        "_bumpMessagesGeneration",
        "_loadOlderMessages",
        "_ensureAllMessagesLoaded",
    )
    assert extraction.state == ("_loadingOlder", "_oldestIdx", "_messagesTruncated", "_loadingSessionId")
    assert extraction.free == (
        "$",
        "Math",
        "Promise",
        "S",
        "_programmaticScroll",
        "api",
        "console",
        "encodeURIComponent",
        "renderMessages",
        "requestAnimationFrame",
        "setTimeout",
    )
    assert extraction.source.startswith("let _loadingSessionId = null;\nlet _messagesTruncated = false;\n")
    assert "function renderMessages" not in extraction.source
    assert (extraction.module, extraction.strict) == (False, False)


@needs_node
def test_a_use_strict_script_runs_strict():
    text = '"use strict";\n' + FIXED
    assert (extract(text).module, extract(text).strict) == (False, True)
    assert harness_extract(text=text)["strict"] is True
    assert harness_extract(text=FIXED)["strict"] is False


@needs_node
def test_extraction_follows_helpers_transitively():
    text = (
        "let _loadingOlder = false;\nlet _messagesTruncated = true;\nlet _oldestIdx = 0;\n"
        "const LIMIT = BASE * 2;\nconst BASE = 15;\n"
        "function _idle() { return !_loadingOlder; }\n"  # touches the shared state
        "function _norm(t) { return _trim(String(t)); }\n"  # only built-ins and other kept helpers
        "function _trim(t) { return t.trim(); }\n"
        "function _same(a, b) { return _norm(a) === _norm(b); }\n"
        "function _paint() { $('x').hidden = false; }\n"  # the page: stubbed
        "function _sameAndPaint(a, b) { _paint(); return _same(a, b); }\n"  # uses a stub: stubbed
        "async function _loadOlderMessages() { if (_idle()) await api(`?msg_limit=${LIMIT}`); }\n"
        "async function _ensureAllMessagesLoaded() { if (_same(1, 2) && _sameAndPaint(1, 2)) _oldestIdx = 0; }\n"
    )
    assert extract(text).kept == (
        "_loadingOlder",
        "_oldestIdx",
        "LIMIT",
        "BASE",
        "_idle",
        "_norm",
        "_trim",
        "_same",
        "_loadOlderMessages",
        "_ensureAllMessagesLoaded",
    )
    assert "_sameAndPaint" in extract(text).free
    assert "_messagesTruncated" not in extract(text).declared  # declared, but unused


@needs_node
def test_names_only_probed_with_typeof_stay_undefined():
    text = FIXED.replace(
        "    renderMessages({ preserveScroll: true });\n",
        "    if (typeof _refreshPills === 'function') _refreshPills();\n    renderMessages({ preserveScroll: true });\n",
    )
    extraction = extract(text)
    assert extraction.optional == ("_refreshPills",)
    assert "_refreshPills" in extraction.free


@needs_node
def test_extraction_cuts_exact_text_after_astral_characters():
    header = "// 🚀 paging for the chat view — “quotes” 𝒳\nconst GREETING = '👋🏽 hi';\n"
    text = header + FIXED
    extraction = extract(text)
    start = text.index("let _loadingSessionId")
    assert extraction.source.startswith(text[start : text.index("\n", start)] + "\n")
    assert extraction.source.endswith(FIXED.rstrip("\n"))


@needs_node
def test_a_file_that_does_not_parse_is_unverifiable():
    with pytest.raises(Unverifiable, match="does not parse"):
        extract(FIXED + "\nfunction render( {\n")


# The lexer cuts this file's two functions out: only V8, reading the whole
# file on the watchdog's thread while the scenarios run, finds it broken.
DECLARED_TWICE = FIXED + "\nlet declaredTwice = 1;\nlet declaredTwice = 2;\n"


@needs_node
def test_a_file_only_v8_refuses_is_unverifiable_after_its_exploration_too():
    with pytest.raises(Unverifiable, match=r"does not parse \(line \d+\): Identifier 'declaredTwice' has already"):
        verify_source(DECLARED_TWICE)
    with pytest.raises(Unverifiable, match="already been declared"):
        extract(DECLARED_TWICE)


@needs_node
def test_a_broken_file_in_a_batch_leaves_the_others_their_answers():
    broken, fixed, cut = run_batch([{"text": DECLARED_TWICE}, {"text": FIXED}, {"text": DECLARED_TWICE, "extractOnly": True}])
    assert not broken["ok"] and broken["unrunnable"] == "unmodelled" and "already been declared" in broken["reason"]
    assert fixed["ok"] and all(s["verdict"] == "holds" for s in fixed["scenarios"])
    assert cut == broken


_SYNTAX_ON_THE_THREAD = r"""
const { Watchdog, syntaxProblem } = require(process.argv[1]);
const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const expected = texts.map(text => syntaxProblem(text, false));
(async () => {
  const watchdog = new Watchdog();
  const checks = texts.map(text => watchdog.checkSyntax(text, false));
  await new Promise(resolve => setTimeout(resolve, 3000)); // time for the thread to boot and answer
  const there = checks.map(check => watchdog.syntaxProblemOf(check));
  const checkedHereFirst = watchdog.checkedHere;
  watchdog.close(); // the next checks go to a new thread, and are asked for before it has booted
  const pending = texts.map(text => watchdog.checkSyntax(text, false));
  const here = pending.map(check => watchdog.syntaxProblemOf(check));
  const checkedHereThen = watchdog.checkedHere - checkedHereFirst;
  watchdog.close();
  process.stdout.write(JSON.stringify({ expected, there, checkedHereFirst, here, checkedHereThen }));
})();
"""


@needs_node
def test_the_watchdogs_thread_checks_the_syntax_as_the_main_thread_would():
    texts = ["let a = 1;", "let a = 1;\nlet a = 2;", "function f( {", "export const x = 1;", "return 1;"]
    answer = run_on_harness(_SYNTAX_ON_THE_THREAD, texts)
    assert answer["expected"][0] is None and all(answer["expected"][1:])
    assert answer["there"] == answer["expected"] and answer["checkedHereFirst"] == 0
    # Asked for before the thread could answer, they are checked on the main thread.
    assert answer["here"] == answer["expected"] and answer["checkedHereThen"] == len(texts)


@needs_node
def test_the_call_a_promise_belongs_to_is_invisible_to_the_code():
    # The harness knows which call made each promise (a request is known by
    # who sent it); the code under test must not find that on its promises.
    looks = "  const made = Promise.resolve();\n  if (Reflect.ownKeys(made).length) throw new Error('a promise carries a key');\n"
    source = FIXED.replace("async function _loadOlderMessages() {\n", "async function _loadOlderMessages() {\n" + looks, 1)
    assert source != FIXED
    report = verify_source(source)
    assert report.holds, report.describe()


# --- the real upstream file, when it is around ------------------------------

@pytest.mark.upstream
@needs_node
def test_upstream_before_and_after_fb822239():
    parent, fixed = upstream_file("fb822239^"), upstream_file("fb822239")
    if parent is None or fixed is None:
        pytest.skip("set JSFIX_HERMES_WEBUI to a hermes-webui checkout")
    before = verify_source(parent)
    after = verify_source(fixed)
    print("\nbefore fb822239:\n" + before.describe() + "\nafter fb822239:\n" + after.describe())
    assert violated(before)["prefetch-then-start-jump"] == "36 duplicate rows"
    assert violated(before)["switch-during-start-jump"] == "session B shows 90 messages of session A"
    assert after.holds


# --- the harness's own extraction, for suites without jsfix ----------------


def harness_extract(**job) -> dict:
    answer = run_job({**job, "extractOnly": True})
    return answer["extraction"]


def extraction_cases(fixtures_dir: Path, scratch: Path) -> list[Path]:
    """Every fixture, and upstream before, at and after its fix when a checkout is at hand."""
    paths = sorted(fixtures_dir.glob("*/input.js")) + sorted(fixtures_dir.glob("*/expected.js"))
    for number, revision in enumerate(("fb822239^", "fb822239", "HEAD")):
        text = upstream_file(revision)
        if text is not None:
            copy = scratch / f"upstream-{number}.js"
            copy.write_text(text, encoding="utf-8")
            paths.append(copy)
    return paths


@needs_node
def test_harness_extraction_agrees_with_the_parser(fixtures_dir: Path, tmp_path: Path):
    """The recorded selection of every fixture, each statement cut as esprima spans it (and upstream's cut)."""
    expected = recorded("extractions.json")
    for path in extraction_cases(fixtures_dir, tmp_path):
        text = path.read_bytes().decode("utf-8-sig")
        wanted = expected.get(path.relative_to(FIXTURES).as_posix()) if path.is_relative_to(FIXTURES) else None
        if wanted is not None and "error" in wanted:
            with pytest.raises(VerifyError, match=f"^{wanted['error']}$"):
                harness_extract(file=str(path))
            continue
        got = harness_extract(file=str(path))
        if wanted is not None:
            assert_selection(got, {key: wanted[key] for key in ("kept", "state", "strict")}, path)
            assert set(got["optional"]) == set(wanted["optional"]), path
        assert_cut_as_esprima_cuts(got, text, path)


TRICKY = r"""
const QUOTES = /['"`{}]+/g; // a regex full of brackets and quotes: } {
let ratio = 10 / 2 / 5
let label = `${ { a: `}${'{'}` }.a } function _ensureAllMessagesLoaded() {`
/* function _loadOlderMessages() { */
export const _loadingOlder = false
export let _oldestIdx = 0, _spare = 1;
class Pager { open() { return '}'; } static close() { return /}/.test('x'); } }
const _idle = async () => !_loadingOlder && ratio > 0;
if (ratio) { /regex after a block/.test(label); }
export async function _loadOlderMessages() {
  if (!(await _idle())) return;
  const data = await api(`/api/session?session_id=${S.session.session_id}&msg_before=${_oldestIdx}&msg_limit=30`);
  S.messages = [...data.session.messages.filter(m => QUOTES.test(m.content) || true), ...S.messages];
  _oldestIdx = data.session._messages_offset;
}
export default async function _ensureAllMessagesLoaded() {
  const pager = new Pager();
  return pager.open();
}
"""


@needs_node
def test_harness_tokenizer_survives_regexes_templates_and_comments():
    got = harness_extract(text=TRICKY)
    assert got["kept"] == ["QUOTES", "ratio", "_loadingOlder", "_oldestIdx", "Pager", "_idle", "_loadOlderMessages", "_ensureAllMessagesLoaded"]
    assert_cut_as_esprima_cuts(got, TRICKY, "TRICKY")
    assert got["strict"] is True
    assert got["source"].startswith("const QUOTES = /['\"`{}]+/g;\nlet ratio = 10 / 2 / 5;\nconst _loadingOlder = false;\n")


@needs_node
def test_harness_verifies_a_file_by_path_like_jsfix(tmp_path: Path):
    path = tmp_path / "sessions.js"
    path.write_text("\ufeff" + UNFIXED.replace("\n", "\r\n"), encoding="utf-8")
    by_path = run_job({"file": str(path)})
    by_jsfix = run_job(build_job(path.read_bytes().decode("utf-8-sig")))
    assert by_path["scenarios"] == by_jsfix["scenarios"]
    assert [s["violation"] for s in by_path["scenarios"] if s["name"] == "prefetch-then-start-jump"] == [
        "36 duplicate rows"
    ]


# --- requests are known by the call that sent them ------------------------------

# A full load that pages back to the start in a loop, `msg_before` and all,
# instead of asking for the whole history at once: its requests look like a
# prefetch's, but they are the Start-jump's.
PAGING_FULL_LOAD = replace_once(
    FIXED_FULL_LOAD,
    """\
    const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1`);
    if (!data || !data.session) return;
    if (!S.session || S.session.session_id !== sid) return;
    if (_loadingSessionId !== null && _loadingSessionId !== sid) return;
    const msgs = (data.session.messages || []).filter(m => m && m.role);
""",
    """\
    let msgs = S.messages.slice();
    let before = _oldestIdx;
    while (before > 0) {
      const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1&msg_before=${before}&msg_limit=300`);
      if (!data || !data.session) return;
      if (!S.session || S.session.session_id !== sid) return;
      if (_loadingSessionId !== null && _loadingSessionId !== sid) return;
      const page = (data.session.messages || []).filter(m => m && m.role);
      if (!page.length) break;
      msgs = [...page, ...msgs];
      before = data.session._messages_truncated ? data.session._messages_offset : 0;
    }
""",
)
PAGING = STATE + GENERATION + PREFETCH + PAGING_FULL_LOAD


def schedules_of(text: str, scenario: str) -> list[list[str]]:
    answer = run_job({**build_job(text, scenarios=[scenario]), "traces": True})
    return answer["scenarios"][0]["traces"]


@needs_node
def test_a_full_load_that_pages_with_msg_before_is_still_the_start_jump():
    assert violated(verify_source(PAGING)) == {}
    # The injected failure lands on the Start-jump's own paging request ...
    assert schedules_of(PAGING, "start-jump-fails") == [
        [
            "Start-jump request sent",
            "Start-jump request fails",
            "prefetch request sent",
            "prefetch response",
        ]
    ]
    # ... and a failing prefetch leaves the Start-jump's requests alone.
    assert schedules_of(PAGING, "prefetch-fails-during-start-jump")[0] == [
        "prefetch request sent",
        "Start-jump called, no request yet",
        "prefetch request fails",
        "16 ms timer fires, Start-jump request sent",
        "Start-jump response",
    ]


@needs_node
def test_a_paging_full_load_that_keeps_the_lock_on_failure_is_caught():
    leaky = STATE + GENERATION + PREFETCH + replace_once(
        replace_once(PAGING_FULL_LOAD, "  try {\n", "  {\n"),
        "  } finally {\n    _loadingOlder = false;\n  }\n",
        "    _loadingOlder = false;\n  }\n",
    )
    assert violated(verify_source(leaky)) == {
        "start-jump-fails": "lock still held: _loadingOlder is true after everything settled",
    }


@needs_node
def test_a_request_sent_from_a_timer_belongs_to_the_call_that_set_the_timer():
    # The full load sends its request from a timer callback: the timer
    # carries the caller from where it was set to where it fires.
    deferred = replace_once(
        FIXED,
        "    const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1`);\n",
        "    const data = await new Promise((resolve, reject) => setTimeout(() => "
        "api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1`).then(resolve, reject), 0));\n",
    )
    assert schedules_of(deferred, "start-jump-fails") == [
        [
            "Start-jump called, no request yet",
            "0 ms timer fires, Start-jump request sent",
            "Start-jump request fails",
            "prefetch request sent",
            "prefetch response",
        ]
    ]
    assert violated(verify_source(deferred)) == {}


@needs_node
def test_two_calls_of_the_same_kind_are_told_apart_by_rank():
    (schedule, *_) = schedules_of(FIXED, "two-start-jumps")
    assert schedule == [
        "first Start-jump request sent",
        "first Start-jump response",
        "second Start-jump called, returns without a request",
    ]


# A hermes-webui checkout or mirror, as for tests/test_upstream.py.
@pytest.mark.upstream
@needs_node
def test_upstream_full_load_that_pages_back_in_a_loop_holds():
    # 23c2e1bd8 ("bound large session loading") pages its full load back
    # with msg_before/msg_limit=300: those are the Start-jump's requests.
    text = upstream_file("23c2e1bd8")
    if text is None:
        pytest.skip("set JSFIX_HERMES_WEBUI to a hermes-webui checkout")
    assert violated(verify_source(text)) == {}


# --- scrolling twice ----------------------------------------------------------------

ENTRY_GATE = "  if (_loadingOlder || !_messagesTruncated) return;\n"
SID = "  const sid = S.session ? S.session.session_id : null;\n"
LOCK_CLAIM = "  _loadingOlder = true;\n  const startGeneration"
PAGE_INDEX = "    _oldestIdx = data.session._messages_offset || 0;\n"


@needs_node
def test_fixed_code_pages_back_twice_and_stops_at_an_empty_page():
    schedules = {name: schedules_of(FIXED, name) for name in SCENARIOS[SCENARIOS.index("two-prefetches-at-once") :]}
    assert schedules["two-prefetches-at-once"] == [
        ["first prefetch request sent", "second prefetch called, returns without a request", "first prefetch response"],
    ]
    assert schedules["two-prefetches-in-a-row"] == [
        ["first prefetch request sent", "first prefetch response", "second prefetch request sent", "second prefetch response"],
    ]
    assert schedules["empty-older-page"] == [
        ["first prefetch request sent", "first prefetch response", "second prefetch called, returns without a request"],
    ]
    assert len(schedules["start-jump-during-second-page"]) == 2
    assert len(schedules["stale-second-page-after-switch"]) == 30


@needs_node
def test_without_the_entry_gate_a_second_scroll_fetches_the_same_page_again():
    report = verify_source(without(FIXED, ENTRY_GATE))
    assert violated(report) == {"two-prefetches-at-once": "36 duplicate rows"}
    # Without a gate on _messagesTruncated nothing stops asking after an empty
    # page, as in the earliest versions: that check no longer applies.
    assert by_name(report)["empty-older-page"].skipped == (
        "no request after the empty page: _loadOlderMessages is not gated on _messagesTruncated",
    )
    assert by_name(report)["two-prefetches-at-once"].schedule == (
        "first prefetch request sent",
        "second prefetch request sent",
        "first prefetch response",
        "second prefetch response: 36 duplicate rows",
    )


@needs_node
def test_without_the_lock_claim_two_scrolls_prepend_the_page_twice():
    report = verify_source(replace_once(FIXED, LOCK_CLAIM, "  const startGeneration"))
    assert violated(report) == {"two-prefetches-at-once": "36 duplicate rows"}


@needs_node
def test_without_the_session_id_the_prefetch_loads_nothing():
    # `sid` is then a name the file never declares: a page stub, which is no
    # session the server knows.
    report = verify_source(without(FIXED, SID))
    assert violated(report) == {
        "two-prefetches-at-once": "the transcript has 30 of 90 messages after 2 prefetches; expected 60",
        "two-prefetches-in-a-row": "the transcript has 30 of 90 messages after 2 prefetches; expected 90",
        "empty-older-page": "the second prefetch after the empty page asked the server again",
    }


@needs_node
def test_without_the_page_index_moving_on_the_next_scroll_asks_for_the_same_page():
    report = verify_source(without(FIXED, PAGE_INDEX))
    assert violated(report) == {
        "two-prefetches-at-once": "_oldestIdx is 60 while the oldest row shown is A24",
        "two-prefetches-in-a-row": "_oldestIdx is 60 while the oldest row shown is A24",
        "start-jump-during-second-page": "36 duplicate rows",
        "stale-second-page-after-switch": "36 duplicate rows",
        "start-jump-during-second-page-after-new-messages": "36 duplicate rows",
    }
    # Checked as soon as the first page has settled, before the second scroll.
    assert by_name(report)["two-prefetches-in-a-row"].schedule == (
        "first prefetch request sent",
        "first prefetch response: _oldestIdx is 60 while the oldest row shown is A24",
    )


@needs_node
def test_a_prefetch_that_keeps_asking_after_an_empty_page_is_caught():
    asking = replace_once(FIXED, "    if (!page.length) { _messagesTruncated = false; return; }\n", "    if (!page.length) return;\n")
    report = verify_source(asking)
    assert violated(report) == {
        "empty-older-page": "the second prefetch after the empty page asked the server again",
    }


@needs_node
def test_a_prefetch_that_drops_the_transcript_on_an_empty_page_loses_rows():
    dropping = replace_once(
        FIXED, "    if (!page.length) { _messagesTruncated = false; return; }\n",
        "    if (!page.length) { S.messages = page; _messagesTruncated = false; return; }\n",
    )
    assert violated(verify_source(dropping)) == {
        "empty-older-page": "the transcript has 0 of 90 messages after 2 prefetches; expected 30",
    }


@needs_node
def test_start_jump_during_the_second_page_duplicates_rows_in_unfixed_code():
    report = verify_source(UNFIXED, scenarios=["start-jump-during-second-page"])
    assert report.scenarios[0].schedule == (
        "first prefetch request sent",
        "first prefetch response",
        "second prefetch request sent",
        "Start-jump request sent",
        "Start-jump response",
        "second prefetch response: 24 duplicate rows",
    )


# An old way of paging: the cursor is the oldest loaded message's timestamp,
# and there is no page index at all.
TIMESTAMP_PREFETCH = """\
async function _loadOlderMessages() {
  if (_loadingOlder || !_messagesTruncated) return;
  const sid = S.session ? S.session.session_id : null;
  if (!sid || !S.messages.length) return;
  const first = S.messages[0];
  const cursor = first._ts || first.timestamp || 0;
  _loadingOlder = true;
  const startGeneration = _messagesGeneration;
  try {
    const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1&msg_before=${encodeURIComponent(String(cursor))}&msg_limit=${_PAGE_SIZE}`);
    if (!data || !data.session) return;
    if (!S.session || S.session.session_id !== sid) return;
    if (_loadingSessionId !== null && _loadingSessionId !== sid) return;
    if (_messagesGeneration !== startGeneration) return;
    const page = (data.session.messages || []).filter(m => m && m.role);
    if (!page.length) { _messagesTruncated = false; return; }
    S.messages = [...page, ...S.messages];
    _messagesTruncated = !!data.session._messages_truncated;
  } finally {
    _loadingOlder = false;
  }
}
"""
TIMESTAMPS = (
    STATE.replace("let _oldestIdx = 0;\n", "")
    + GENERATION
    + TIMESTAMP_PREFETCH
    + without(FIXED_FULL_LOAD, OLDEST_RESET)
)


@needs_node
def test_a_file_that_pages_by_timestamp_is_served_and_skips_the_page_index_checks():
    report = verify_source(TIMESTAMPS)
    assert violated(report) == {}
    skipped = {s.name: s.skipped for s in report.scenarios if s.skipped}
    reason = ("_oldestIdx: the file keeps no _oldestIdx",)
    assert skipped == {
        "full-load-resets-oldest-idx": reason,
        "two-prefetches-at-once": reason,
        "two-prefetches-in-a-row": reason,
    }
    assert "    skipped: _oldestIdx: the file keeps no _oldestIdx" in report.describe()
    assert report.to_dict()["scenarios"][SCENARIOS.index("two-prefetches-in-a-row")]["skipped"] == list(reason)
    assert schedules_of(TIMESTAMPS, "two-prefetches-in-a-row") == [
        ["first prefetch request sent", "first prefetch response", "second prefetch request sent", "second prefetch response"],
    ]
    # Without its generation guard it still races, cursor or not.
    assert violated(verify_source(without(TIMESTAMPS, "    if (_messagesGeneration !== startGeneration) return;\n"))) == {
        "stale-prefetch-after-switch": "15 duplicate rows",
        "stale-second-page-after-switch": "15 duplicate rows",
    }


# --- the watchdog and batches ---------------------------------------------------------


@needs_node
def test_a_loop_that_never_yields_is_an_incomplete_scenario_and_the_rest_still_run():
    # The wait loop without its await spins forever once a prefetch holds the lock.
    frozen = replace_once(FIXED, "      await new Promise(resolve => setTimeout(resolve, 16));\n", "")
    job = build_job(frozen, scenarios=["prefetch-then-start-jump", "full-load-resets-oldest-idx"])
    report = runner.report_of(run_job({**job, "stallSeconds": 1}))
    stuck, after = report.scenarios
    assert (stuck.verdict, stuck.holds, stuck.complete, stuck.violation) == (Verdict.INCOMPLETE, False, False, None)
    # The first three orders call Start-jump once the prefetch is done; the
    # fourth calls it while the prefetch holds the lock.
    assert stuck.stopped == 'schedule 4 froze at "Start-jump called": the code ran 1 s without yielding'
    assert stuck.schedule == ("prefetch request sent", "Start-jump called: froze (1 s without yielding)")
    assert (stuck.schedules_explored, after.name, after.verdict) == (3, "full-load-resets-oldest-idx", Verdict.HOLDS)
    assert report.verdict is Verdict.INCOMPLETE


@needs_node
def test_a_batch_answers_every_job_in_order_in_one_process():
    jobs = [
        build_job(UNFIXED, scenarios=["prefetch-then-start-jump"]),
        {"source": 42},
        build_job(FIXED, scenarios=["prefetch-then-start-jump"]),
    ]
    first, broken, last = run_batch(jobs)
    assert [s["verdict"] for s in first["scenarios"]] == ["violated"]
    assert broken == {"ok": False, "error": 'the job has no "source", "file" or "text"'}
    assert [s["verdict"] for s in last["scenarios"]] == ["holds"]
    assert run_batch([]) == []


@needs_node
def test_stop_at_first_failure_runs_no_further_scenario():
    answer = run_job(build_job(UNFIXED, stop_at_first_failure=True))
    assert [(s["name"], s["verdict"]) for s in answer["scenarios"]] == [("prefetch-then-start-jump", "violated")]
    answer = run_job(build_job(FIXED, stop_at_first_failure=True))
    assert [s["verdict"] for s in answer["scenarios"]] == ["holds"] * len(SCENARIOS)


@needs_node
def test_a_page_index_the_prefetch_never_reads_is_not_held_to_the_oldest_row():
    # Paging by timestamp while keeping an _oldestIdx for the full load's
    # reset only (what jsfix adds to such a file).
    text = STATE + GENERATION + TIMESTAMP_PREFETCH + FIXED_FULL_LOAD
    report = verify_source(text)
    assert violated(report) == {}
    reason = ("_oldestIdx: _loadOlderMessages does not page by it",)
    assert {s.name: s.skipped for s in report.scenarios if s.skipped} == {
        "two-prefetches-at-once": reason,
        "two-prefetches-in-a-row": reason,
    }
    # The full load's reset is still checked.
    assert violated(verify_source(replace_once(text, OLDEST_RESET, "    _oldestIdx = 5;\n"))) == {
        "full-load-resets-oldest-idx": "_oldestIdx is 5 after the full load, not 0",
    }


def test_a_global_one_run_leaves_is_gone_in_the_next():
    # The runs share one context: what a run adds to the page must not reach the next run.
    leaves_a_global = replace_once(
        FIXED,
        "  if (_loadingOlder || !_messagesTruncated) return;\n",
        "  if (window.leftBehind) S.messages = [];\n  window.leftBehind = true;\n  if (_loadingOlder || !_messagesTruncated) return;\n",
    )
    report = verify_source(leaves_a_global, scenarios=["prefetch-then-start-jump", "start-jump-then-prefetch"])
    assert report.scenarios[0].schedules_explored > 1  # a later run it could leak into
    assert violated(report) == {}
