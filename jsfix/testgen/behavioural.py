"""The behavioural tests: one per race scenario of the harness.

Each test runs the fork's own two functions under node, through every order
in which their requests and timers can settle (see jsfix/verify/harness.js),
and asserts that its scenario holds. The scenarios come from the table the
harness is built with (jsfix/verify/parts/scenarios.json), so a scenario
added there gets a test here.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from jsfix.testgen.pysyntax import docstring, section_banner, string
from jsfix.verify.bundle import HARNESS, scenarios

HARNESS_SOURCE = HARNESS  # copied beside the generated module


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str


@dataclass(frozen=True)
class BehaviouralTest:
    name: str
    doc: str
    scenario: str


# What each scenario pins and why it matters, in the words of a test's
# docstring; a scenario not listed here is described by its harness title.
_DESCRIPTIONS = {
    "prefetch-then-start-jump": (
        "test_prefetch_in_flight_then_start_jump_keeps_one_copy_of_each_message",
        "A prefetch still in flight when Start-jump runs must not prepend its page onto the full history.",
    ),
    "start-jump-then-prefetch": (
        "test_prefetch_during_start_jump_adds_nothing_to_the_full_history",
        "A prefetch started while Start-jump loads the full history must not add a page to it.",
    ),
    "two-start-jumps": (
        "test_two_start_jumps_load_the_history_once",
        "Two Start-jumps at once (a double click) end with the full history once and the lock free.",
    ),
    "switch-during-start-jump": (
        "test_session_switch_during_start_jump_keeps_the_new_transcript",
        "A session switch while Start-jump awaits must leave the new session's transcript alone.",
    ),
    "switch-during-both": (
        "test_session_switch_during_prefetch_and_start_jump_keeps_the_new_transcript",
        "A switch while both requests are in flight must leave the new session's transcript alone.",
    ),
    "start-jump-fails": (
        "test_failed_start_jump_releases_the_lock",
        "When the Start-jump request fails, the lock is released and a later prefetch still runs.",
    ),
    "prefetch-fails-during-start-jump": (
        "test_failed_prefetch_lets_a_waiting_start_jump_finish",
        "A prefetch that fails while Start-jump waits for it must not leave Start-jump waiting forever.",
    ),
    "full-load-resets-oldest-idx": (
        "test_full_load_resets_the_page_index",
        "After the full history is loaded, ``_oldestIdx`` is 0 and nothing is left to page in.",
    ),
    "stale-prefetch-after-switch": (
        "test_old_sessions_prefetch_cannot_spoil_the_new_sessions_start_jump",
        "A prefetch for the old session that lands after a switch must not disturb the new session's loads.",
    ),
    "stale-second-page-after-switch": (
        "test_old_sessions_second_page_cannot_spoil_the_new_sessions_start_jump",
        "The old session's second page, landing after a switch, must not disturb the new session's loads.",
    ),
    "two-prefetches-at-once": (
        "test_a_second_scroll_during_a_prefetch_adds_the_page_once",
        (
            "A second scroll event while the first prefetch is in flight must not prepend the same page "
            "again; the page lands once and ``_oldestIdx`` points at its first message."
        ),
    ),
    "two-prefetches-in-a-row": (
        "test_two_prefetches_in_a_row_load_the_page_before_each_time",
        (
            "Scrolling up twice loads the page before the tail, then the page before that: every message "
            "once and in order, with ``_oldestIdx`` at the oldest one shown."
        ),
    ),
    "empty-older-page": (
        "test_an_empty_older_page_keeps_the_transcript_and_stops_the_prefetch",
        (
            "When the server has nothing older, the empty page leaves the transcript as it was and the "
            "next scroll asks the server for nothing."
        ),
    ),
    "start-jump-during-second-page": (
        "test_start_jump_during_the_second_prefetch_keeps_one_copy_of_each_message",
        "A Start-jump while the second older page is in flight ends with the full history exactly once.",
    ),
    "start-jump-during-second-page-after-new-messages": (
        "test_start_jump_during_the_second_prefetch_after_new_messages_keeps_one_copy_of_each_message",
        (
            "With new messages on the server since the chat opened, a Start-jump while the second older "
            "page is in flight still shows every message once and in order."
        ),
    ),
}


def harness_scenarios() -> list[Scenario]:
    """The scenarios the harness runs, in its order (parts/scenarios.json)."""
    return [Scenario(each["name"], each["title"]) for each in scenarios()]


def behavioural_tests(scenarios: list[Scenario]) -> list[BehaviouralTest]:
    tests = []
    for scenario in scenarios:
        name, doc = _DESCRIPTIONS.get(
            scenario.name,
            (
                "test_race_" + scenario.name.replace("-", "_"),
                f"The race scenario holds: {scenario.title}.",
            ),
        )
        tests.append(BehaviouralTest(name, doc, scenario.name))
    return tests


def build_behavioural_tests(
    tests: list[BehaviouralTest], heading: str
) -> list[cst.FunctionDef]:
    functions = []
    for index, test in enumerate(tests):
        leading = [cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)]
        if index == 0:
            leading = section_banner(heading, blank_after=2)
        check = cst.SimpleStatementLine(
            [
                cst.Expr(
                    cst.Call(
                        cst.Name("_assert_scenario_holds"),
                        [cst.Arg(string(test.scenario))],
                    )
                )
            ]
        )
        functions.append(
            cst.FunctionDef(
                name=cst.Name(test.name),
                params=cst.Parameters(),
                body=cst.IndentedBlock([docstring(test.doc), check]),
                decorators=[cst.Decorator(cst.Name("needs_node"))],
                leading_lines=leading,
            )
        )
    return functions
