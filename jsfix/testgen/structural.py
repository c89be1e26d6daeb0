"""The structural tests: one or two per part of the fix, each a chain of anchors.

Each test says which invariant it pins (its docstring) and why a fork needs
it (the message shown when it fails). The anchors come from `anchors.py`, so
a test passes on the fixed file it was generated for and fails as soon as one
of the statements it pins is missing or out of order.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from jsfix.testgen.anchors import Chain, FixAnchors
from jsfix.testgen.pysyntax import (
    docstring,
    section_banner,
    string,
    vertical_call,
    vertical_list,
    wrapped_string,
)


@dataclass(frozen=True)
class StructuralTest:
    part: int
    rule: str  # the rule (jsfix/plan/rules.py) that adds what this test pins
    name: str
    doc: str
    why: str
    chain: Chain


SECTIONS = {
    1: "Part 1: the generation counter and the one helper that moves it.",
    2: "Parts 2-3: _loadOlderMessages notes the generation and re-checks it.",
    4: "Part 4: _ensureAllMessagesLoaded waits for the prefetch, holds the lock.",
    5: "Parts 5-7: _ensureAllMessagesLoaded after its await.",
}


@dataclass(frozen=True)
class _Spec:
    part: int
    rule: str
    name: str
    doc: str
    why: str
    anchor: str  # the FixAnchors field holding the test's chain


# The tests, in order: (part, rule, name, doc, why, the FixAnchors field
# with its chain). A test whose chain is None (a part this file closes
# another way) is left out.
_TESTS = (
    _Spec(
        1,
        "generation counter",
        "test_generation_counter_is_declared_at_module_scope",
        "``_messagesGeneration`` is a top-level counter that both functions share.",
        (
            "static/sessions.js must declare the generation counter at the top level: "
            "_loadOlderMessages compares it across its await, and _ensureAllMessagesLoaded "
            "moves it before it replaces S.messages. See #1937."
        ),
        "counter",
    ),
    _Spec(
        1,
        "generation counter",
        "test_bump_helper_moves_and_returns_the_generation",
        "``_bumpMessagesGeneration()`` is the one place that moves the counter.",
        (
            "_bumpMessagesGeneration must change _messagesGeneration: every wholesale "
            "replace of S.messages goes through it, so a prefetch in flight can tell "
            "that its page no longer fits. See #1937."
        ),
        "bump_helper",
    ),
    _Spec(
        2,
        "generation snapshot",
        "test_load_older_notes_the_generation_before_awaiting",
        "The prefetch notes the generation before its request goes out, not after.",
        (
            "_loadOlderMessages must copy _messagesGeneration into startGeneration before "
            "it awaits the older page: a copy taken after the await already includes a "
            "replacement made meanwhile and can never notice it. See #1937."
        ),
        "snapshot",
    ),
    _Spec(
        3,
        "prefetch session guard",
        "test_load_older_drops_a_page_meant_for_another_session",
        "After every await, the prefetch checks that the session it asked for is still open.",
        (
            "_loadOlderMessages must return without prepending when S.session is no longer "
            "the session it asked a page for: once a switch completes, _loadingSessionId is "
            "null again, and only this check keeps the old session's page out of the new "
            "transcript. See #1937."
        ),
        "prefetch_session_checks",
    ),
    _Spec(
        3,
        "generation guard",
        "test_load_older_drops_its_page_when_the_generation_moved",
        "After every await, the prefetch re-checks the generation before it writes ``S.messages``.",
        (
            "_loadOlderMessages must return without prepending when _messagesGeneration "
            "no longer equals startGeneration: the transcript was replaced while the "
            "request was in flight, and prepending onto it duplicates messages. Every "
            "await that a write to S.messages follows needs its own check. See #1937."
        ),
        "generation_guards",
    ),
    _Spec(
        4,
        "wait then lock",
        "test_ensure_all_spoils_an_in_flight_prefetch_before_waiting",
        "When a prefetch holds the lock, Start-jump moves the generation before it waits.",
        (
            "_ensureAllMessagesLoaded must bump the generation before its wait loop: the "
            "prefetch already in flight then drops its page the moment its response "
            "arrives, instead of prepending it while Start-jump waits. See #1937."
        ),
        "spoil",
    ),
    _Spec(
        4,
        "wait then lock",
        "test_ensure_all_waits_for_the_prefetch_then_takes_the_lock",
        "Start-jump waits for ``_loadingOlder`` to clear, re-checks its entry gate, then claims the lock.",
        (
            "_ensureAllMessagesLoaded must not run alongside a prefetch: it polls "
            "_loadingOlder until the prefetch's finally clears it, checks again whether "
            "anything is left to load, and only then sets _loadingOlder itself, so no new "
            "prefetch starts while it replaces the transcript. See #1937."
        ),
        "wait",
    ),
    _Spec(
        4,
        "wait then lock",
        "test_ensure_all_releases_the_lock_in_finally",
        "The lock Start-jump claims is released in a ``finally`` block.",
        (
            "_ensureAllMessagesLoaded must release _loadingOlder in the finally block of "
            "the try that follows the claim: when its request fails or it returns early, "
            "a lock left set would stop endless scroll for the rest of the session. See #1937."
        ),
        "lock",
    ),
    _Spec(
        5,
        "session guards",
        "test_ensure_all_rechecks_the_session_after_its_await",
        "After the full history arrives, Start-jump checks that the same session is still open.",
        (
            "_ensureAllMessagesLoaded must return without replacing S.messages when the "
            "response is missing or the user switched sessions during its await; otherwise "
            "the old session's history overwrites the new session's transcript. See #1937."
        ),
        "session_guards",
    ),
    _Spec(
        6,
        "bump before replace",
        "test_ensure_all_bumps_the_generation_before_replacing",
        "The generation moves before ``S.messages`` is replaced wholesale.",
        (
            "_ensureAllMessagesLoaded must call _bumpMessagesGeneration() before it replaces "
            "S.messages, so a prefetch that noted the old generation drops its page instead "
            "of prepending duplicates onto the full history. See #1937."
        ),
        "bump_before_replace",
    ),
    _Spec(
        7,
        "page index reset",
        "test_ensure_all_resets_the_page_index",
        "Once the whole history is loaded, ``_oldestIdx`` is reset.",
        (
            "With the full history in S.messages nothing older is left to fetch; a stale "
            "_oldestIdx would let the next prefetch ask for a page that is already on "
            "screen. See #1937."
        ),
        "reset",
    ),
)


def structural_tests(anchors: FixAnchors) -> list[StructuralTest]:
    """One test per chain this file has, in the table's order."""
    tests = []
    for spec in _TESTS:
        chain = getattr(anchors, spec.anchor)
        if chain is not None:
            tests.append(StructuralTest(spec.part, spec.rule, spec.name, spec.doc, spec.why, chain))
    return tests


def build_structural_tests(tests: list[StructuralTest]) -> list[cst.FunctionDef]:
    functions = []
    section = None
    for test in tests:
        key = max(part for part in SECTIONS if part <= test.part)
        leading = [cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)]
        if key != section:
            section = key
            leading = section_banner(SECTIONS[key], blank_after=2)
        functions.append(
            build_structural_test(test).with_changes(leading_lines=leading)
        )
    return functions


def build_structural_test(test: StructuralTest) -> cst.FunctionDef:
    read = cst.SimpleStatementLine(
        [
            cst.Assign(
                [cst.AssignTarget(cst.Name("code"))],
                cst.Call(
                    cst.Name("_declaration_code"),
                    [
                        cst.Arg(cst.Name("SESSIONS_JS")),
                        cst.Arg(string(test.chain.declaration)),
                    ],
                ),
            )
        ]
    )
    check = cst.SimpleStatementLine(
        [
            cst.Expr(
                vertical_call(
                    "_assert_in_order",
                    [
                        cst.Name("code"),
                        vertical_list(
                            [string(anchor) for anchor in test.chain.anchors], depth=1
                        ),
                        wrapped_string(test.why, depth=1),
                    ],
                )
            )
        ]
    )
    return cst.FunctionDef(
        name=cst.Name(test.name),
        params=cst.Parameters(),
        body=cst.IndentedBlock([docstring(test.doc), read, check]),
    )
