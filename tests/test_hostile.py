"""Hostile input: every file ends in a defined outcome with a reason, and none is corrupted.

Most cases are the `upstream-parent` fixture with one exact change. Each
test names the outcome and the message it expects, and checks that a file
jsfix does not fix is left byte-identical on disk.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from jsfix.files.process import process_file
from jsfix.javascript.parse import parse_program
from jsfix.outcomes import EXIT_PROBLEM, FileResult, Outcome
from jsfix.plan.fix import Status, plan_fix
from jsfix.settings import Mode, Settings

BASE = (FIXTURES / "upstream-parent" / "input.js").read_text(encoding="utf-8")
EXPECTED = (FIXTURES / "upstream-parent" / "expected.js").read_text(encoding="utf-8")
ALL_PARTS = (
    "adds generation counter, generation snapshot, generation guard, wait then lock, "
    "session guards, bump before replace, page index reset"
)
JSFIX = [sys.executable, "-m", "jsfix"]

LOAD_OLDER = BASE[BASE.index("async function _loadOlderMessages") : BASE.index("// Swap the paged")]
ENSURE_ALL = BASE[BASE.index("async function _ensureAllMessagesLoaded") : BASE.index("function _onMessagesScroll")]


def edited(text: str, old: str, new: str) -> str:
    """`text` with `old` (which must occur exactly once) replaced by `new`."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def run(tmp_path: Path, data: bytes, mode: Mode = Mode.WRITE, name: str = "sessions.js") -> FileResult:
    path = tmp_path / name
    path.write_bytes(data)
    return process_file(path, Settings(mode=mode, cwd=tmp_path))


def assert_fixed_like_upstream(text: str, expected: str) -> None:
    plan = plan_fix(text)
    assert (plan.status, plan.reason) == (Status.NEEDS_FIX, ALL_PARTS)
    assert plan.apply(text) == expected


# --- bytes that are not a JavaScript source jsfix can work on ------------------

LATIN_1 = edited(BASE, "Chat sidebar and transcript paging.", "Chat sidebar and transcript paging, café.").encode("latin-1")
TEN_MB = (BASE + "// padding to make the file large\n" * (10 * 1024 * 1024 // 34)).encode()

CONTENT_CASES = {
    "latin-1": (LATIN_1, Outcome.REFUSED, "is not valid UTF-8 (byte 0xe9 at offset 42)"),
    "latin-1-without-targets": ("// café\nlet x = 1;\n".encode("latin-1"), Outcome.NOT_APPLICABLE, "neither target function is mentioned"),
    "nul-byte": (edited(BASE, "let _sessionFilter = '';", "let _sessionFilter = '\0';").encode(), Outcome.REFUSED,
                 "contains a NUL byte, so it is not a text file"),
    "utf-16": (BASE.encode("utf-16"), Outcome.REFUSED, "is UTF-16 or UTF-32 (it starts with that byte-order mark), not UTF-8"),
    "empty": (b"", Outcome.NOT_APPLICABLE, "neither target function is mentioned"),
    "only-a-bom": (codecs.BOM_UTF8, Outcome.NOT_APPLICABLE, "neither target function is mentioned"),
    "only-comments": (
        b"// _loadOlderMessages and _ensureAllMessagesLoaded live in sessions.js.\n/* async function _loadOlderMessages() {} */\n",
        Outcome.NOT_APPLICABLE,
        "neither _loadOlderMessages nor _ensureAllMessagesLoaded is defined",
    ),
    "ten-megabytes": (TEN_MB, Outcome.REFUSED, "is larger than 5 MB"),
    "lone-cr-line-breaks": (BASE.replace("\n", "\r").encode(), Outcome.REFUSED,
                            "has a line break that is a lone CR (\\r) at line 1; jsfix writes only LF or CRLF files"),
    "one-lone-cr": (edited(BASE, "let _loadingOlder = false;\n", "let _loadingOlder = false;\r").encode(), Outcome.REFUSED,
                    "has a line break that is a lone CR (\\r) at line 59; jsfix writes only LF or CRLF files"),
}


@pytest.mark.parametrize(("data", "outcome", "reason"), CONTENT_CASES.values(), ids=CONTENT_CASES.keys())
def test_content_jsfix_cannot_work_on_ends_in_a_clear_outcome(tmp_path: Path, data: bytes, outcome: Outcome, reason: str):
    result = run(tmp_path, data)
    assert (result.outcome, result.reason) == (outcome, reason)
    assert result.path == "sessions.js"
    assert (tmp_path / "sessions.js").read_bytes() == data
    assert sorted(os.listdir(tmp_path)) == ["sessions.js"]


def test_the_command_line_names_each_file_and_its_reason_without_a_traceback(tmp_path: Path):
    names = []
    for name, (data, _, _) in CONTENT_CASES.items():
        (tmp_path / f"{name}.js").write_bytes(data)
        names.append(f"{name}.js")
    as_text = subprocess.run([*JSFIX, "apply", *names], check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    as_json = subprocess.run([*JSFIX, "apply", "--json", "-", *names], check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    for done in (as_text, as_json):
        assert done.returncode == EXIT_PROBLEM, done.stderr
        assert "Traceback" not in done.stderr + done.stdout
    reported = {each["path"]: (each["outcome"], each["reason"]) for each in json.loads(as_json.stdout)["files"]}
    for name, (data, outcome, reason) in CONTENT_CASES.items():
        assert reported[f"{name}.js"] == (outcome.value, reason)
        if outcome is Outcome.REFUSED:
            assert f"  {name}.js: {reason}\n" in as_text.stderr
        assert (tmp_path / f"{name}.js").read_bytes() == data


def test_nesting_too_deep_for_the_parser_is_refused(tmp_path: Path):
    # esprima turns Python's recursion limit into this error, so the column
    # where it gives up depends on the stack depth at the call.
    data = (BASE + "const deep = " + "[" * 2000 + "]" * 2000 + ";\n").encode()
    result = run(tmp_path, data)
    assert result.outcome is Outcome.REFUSED
    assert re.fullmatch(r"syntax error at line 151, column \d+: JavaScript nesting exceeds the parser resource limit", result.reason)
    assert (tmp_path / "sessions.js").read_bytes() == data


def test_a_twenty_thousand_character_line_is_kept_whole():
    long_string = "const _LONG_HELP = '" + "x" * 20_000 + "';\n"
    long_comment = "// " + "y" * 20_000 + "\n"
    anchor = "const _SCROLL_TOP_THRESHOLD = 120;\n"
    text = edited(BASE, anchor, anchor + long_string + long_comment)
    assert_fixed_like_upstream(text, edited(EXPECTED, anchor, anchor + long_string + long_comment))


def test_a_whole_program_on_one_twenty_thousand_character_line_is_fixed(tmp_path: Path):
    code = [line.strip() for line in BASE.split("\n") if not line.strip().startswith("//")]
    one_line = "const _PAD = '" + "x" * 16_000 + "'; " + re.sub(r"/\*.*?\*/", "", " ".join(code))
    assert len(one_line) > 20_000 and "\n" not in one_line
    result = run(tmp_path, one_line.encode())
    assert (result.outcome, result.reason) == (Outcome.FIXED, ALL_PARTS)
    fixed = (tmp_path / "sessions.js").read_text()
    parse_program(fixed)
    assert plan_fix(fixed).status is Status.ALREADY_FIXED
    first_edit = one_line.index("let _oldestIdx = 0;") + len("let _oldestIdx = 0;")
    assert fixed.startswith(one_line[:first_edit] + "\n// Counts wholesale replacements")
    assert fixed.endswith("\n} finally {\n  _loadingOlder = false;\n} }  " + one_line[one_line.index("function _onMessagesScroll") :])


# --- syntax errors -------------------------------------------------------------


def test_a_syntax_error_anywhere_is_refused_with_esprimas_line_and_column(tmp_path: Path):
    broken = edited(BASE, "    renderMessages();\n  } finally", "    renderMessages(;\n  } finally")
    result = run(tmp_path, broken.encode())
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "syntax error at line 50, column 20: Unexpected token ;")
    assert (tmp_path / "sessions.js").read_text() == broken


def test_a_syntax_error_the_fast_path_does_not_see_is_refused_before_any_write(tmp_path: Path):
    # Brackets stay balanced, so only a full parse finds this one.
    broken = edited(BASE, "let _sessionFilter = '';", "let _sessionFilter = ;")
    result = run(tmp_path, broken.encode(), Mode.WRITE)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "syntax error at line 7, column 22: Unexpected token ;")
    assert result.diff == "" and (tmp_path / "sessions.js").read_text() == broken


@pytest.mark.parametrize("mode", [Mode.DRY_RUN, Mode.CHECK], ids=["dry-run", "check"])
def test_a_preview_refuses_the_syntax_error_a_write_would_refuse(tmp_path: Path, mode: Mode):
    broken = edited(BASE, "let _sessionFilter = '';", "let _sessionFilter = ;")
    result = run(tmp_path, broken.encode(), mode)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "syntax error at line 7, column 22: Unexpected token ;")
    assert result.diff == "" and (tmp_path / "sessions.js").read_text() == broken


def test_writing_a_broken_file_names_it_and_leaves_it_alone(tmp_path: Path):
    broken = edited(BASE, "let _sessionFilter = '';", "let _sessionFilter = ;")
    (tmp_path / "sessions.js").write_text(broken)
    done = subprocess.run([*JSFIX, "apply", "sessions.js"], check=False, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (EXIT_PROBLEM, "")
    assert (tmp_path / "sessions.js").read_text() == broken
    assert "sessions.js: syntax error at line 7, column 22: Unexpected token ;" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_cut_off_inside_a_target_function_is_refused(tmp_path: Path):
    cut = BASE[: BASE.index("S.messages = msgs;")]
    result = run(tmp_path, cut.encode())
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "syntax error at line 103, column 3: Unexpected end of input")


def test_a_file_cut_off_in_the_middle_of_a_string_is_refused(tmp_path: Path):
    cut = BASE[: BASE.index("could not fetch older") + 5]
    result = run(tmp_path, cut.encode())
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "syntax error at line 89, column 18: Unexpected token ILLEGAL")


# --- targets in a form the fix does not fit ------------------------------------

ENSURE_AS_METHOD = ENSURE_ALL.replace("async function _ensureAllMessagesLoaded", "async _ensureAllMessagesLoaded")
TARGET_SHAPES = {
    "defined-twice": (BASE + "\n" + ENSURE_ALL, "_ensureAllMessagesLoaded is defined twice (lines 97 and 152)"),
    "load-older-defined-twice-with-var": (
        edited(BASE, "let _oldestIdx = 0;\n", "let _oldestIdx = 0;\nvar _loadOlderMessages;\n"),
        "_loadOlderMessages is defined twice (lines 61 and 63)",
    ),
    "nested-in-a-function": (
        edited(BASE, ENSURE_ALL, "function _installPaging() {\n" + ENSURE_ALL + "}\n"),
        "_ensureAllMessagesLoaded at line 98 is nested inside another function or block",
    ),
    "nested-in-a-block": (
        edited(BASE, ENSURE_ALL, "if (typeof window !== 'undefined') {\n" + ENSURE_ALL + "}\n"),
        "_ensureAllMessagesLoaded at line 98 is nested inside another function or block",
    ),
    "whole-file-in-an-iife": (
        "(function () {\n" + BASE + "})();\n",
        "_loadOlderMessages at line 63 is nested inside another function or block",
    ),
    "arrow-function": (
        edited(BASE, "async function _ensureAllMessagesLoaded() {\n", "const _ensureAllMessagesLoaded = async () => {\n").replace(
            "    S.session.message_count = Number(data.session.message_count || msgs.length);\n  }\n}\n",
            "    S.session.message_count = Number(data.session.message_count || msgs.length);\n  }\n};\n",
        ),
        "_ensureAllMessagesLoaded at line 97 is an arrow function (const), not an async function declaration",
    ),
    "function-expression": (
        edited(BASE, "async function _loadOlderMessages() {\n", "var _loadOlderMessages = async function () {\n"),
        "_loadOlderMessages at line 62 is a function expression (var), not an async function declaration",
    ),
    "object-method": (
        edited(BASE, ENSURE_ALL, "const paging = {\n" + ENSURE_AS_METHOD + "};\n"),
        "_ensureAllMessagesLoaded at line 98 is a method, not a top-level function",
    ),
    "class-method": (
        edited(BASE, ENSURE_ALL, "class Paging {\n" + ENSURE_AS_METHOD + "}\n"),
        "_ensureAllMessagesLoaded at line 98 is a method, not a top-level function",
    ),
    "assigned-to-window": (
        edited(BASE, "async function _ensureAllMessagesLoaded() {\n", "window._ensureAllMessagesLoaded = async function () {\n"),
        "_ensureAllMessagesLoaded at line 97 is a function assigned to a variable or property, not a function declaration",
    ),
    "not-async": (
        edited(BASE, "async function _ensureAllMessagesLoaded() {\n", "function _ensureAllMessagesLoaded() {\n").replace(
            "const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1&resolve_model=0`);",
            "const data = api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1&resolve_model=0`);",
        ),
        "_ensureAllMessagesLoaded at line 97 is not async",
    ),
    "async-generator": (
        edited(BASE, "async function _loadOlderMessages() {", "async function* _loadOlderMessages() {"),
        "_loadOlderMessages at line 62 is an async generator, not an async function",
    ),
    "ensure-all-missing": (
        edited(BASE, ENSURE_ALL, ""),
        "_loadOlderMessages is defined but _ensureAllMessagesLoaded is not; the fix needs both",
    ),
    "load-older-missing": (
        edited(BASE, LOAD_OLDER, ""),
        "_ensureAllMessagesLoaded is defined but _loadOlderMessages is not; the fix needs both",
    ),
}


@pytest.mark.parametrize(("text", "reason"), TARGET_SHAPES.values(), ids=TARGET_SHAPES.keys())
def test_a_target_in_a_form_the_fix_does_not_fit_is_refused(tmp_path: Path, text: str, reason: str):
    parse_program(text)  # the case itself is valid JavaScript
    result = run(tmp_path, text.encode())
    assert (result.outcome, result.reason) == (Outcome.REFUSED, reason)
    assert (tmp_path / "sessions.js").read_text() == text


def test_without_let_oldest_idx_the_counter_goes_before_load_older_messages():
    text = edited(BASE, "let _oldestIdx = 0;\n", "")
    counter = EXPECTED[EXPECTED.index("// Counts wholesale") : EXPECTED.index("\n\nasync function _loadOlderMessages")]
    expected = edited(EXPECTED, "let _oldestIdx = 0;\n" + counter + "\n", "")
    expected = edited(expected, "\nasync function _loadOlderMessages", "\n" + counter + "\n\nasync function _loadOlderMessages")
    assert_fixed_like_upstream(text, expected)


def test_an_exported_load_older_messages_gets_the_counter_above_the_export():
    text = "import { api } from './api.js';\n" + edited(BASE, "let _oldestIdx = 0;\n", "")
    text = edited(text, "async function _loadOlderMessages", "export async function _loadOlderMessages")
    fixed = plan_fix(text).apply(text)
    assert "}\n\nexport async function _loadOlderMessages() {" in fixed
    assert plan_fix(fixed).status is Status.ALREADY_FIXED


def test_a_module_level_start_generation_that_load_older_does_not_use_is_fine():
    # The new `const startGeneration` in _loadOlderMessages shadows it harmlessly.
    text = edited(BASE, "let _sessionFilter = '';\n", "let _sessionFilter = '';\nlet startGeneration = 0;\n")
    assert_fixed_like_upstream(
        text, edited(EXPECTED, "let _sessionFilter = '';\n", "let _sessionFilter = '';\nlet startGeneration = 0;\n")
    )


def test_an_existing_counter_starting_at_zero_is_used_and_only_the_helper_added():
    text = edited(BASE, "let _oldestIdx = 0;\n", "let _oldestIdx = 0;\nlet _messagesGeneration = 0;\n")
    plan = plan_fix(text)
    assert plan.parts[0] == "generation counter"
    fixed = plan.apply(text)
    assert fixed.count("let _messagesGeneration") == 1
    assert "let _messagesGeneration = 0;\nfunction _bumpMessagesGeneration() {\n" in fixed


LOAD_OLDER_CLAIM = "  _loadingOlder = true;\n  try {\n    const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1&resolve_model=0&msg_before"
TAKEN_NAMES = {
    "start-generation-local": (
        edited(BASE, "  const sid = S.session ? S.session.session_id : null;\n",
               "  const sid = S.session ? S.session.session_id : null;\n  const startGeneration = Date.now();\n"),
        "startGeneration is already declared for something else at line 65",
    ),
    "start-generation-parameter": (
        edited(BASE, "async function _loadOlderMessages() {", "async function _loadOlderMessages(startGeneration) {"),
        "startGeneration is already declared for something else at line 62",
    ),
    "start-generation-nested-function": (
        edited(BASE, "    const olderMsgs =", "    function startGeneration() { return 0; }\n    const olderMsgs ="),
        "startGeneration is already declared for something else at line 74",
    ),
    "start-generation-from-the-module": (
        edited(BASE, "let _sessionFilter = '';\n", "let _sessionFilter = '';\nlet startGeneration = 0;\n").replace(
            "    renderMessages({ keepScroll: true });", "    renderMessages({ keepScroll: true, since: startGeneration });"
        ),
        "startGeneration is already used for something else at line 82",
    ),
    "start-generation-after-the-await": (
        edited(BASE, "    const olderMsgs =", "    const startGeneration = _messagesGeneration;\n    const olderMsgs ="),
        "startGeneration at line 74 is not declared before the first await (line 69) in a scope that holds it",
    ),
    "messages-generation-const": (
        edited(BASE, "let _sessionFilter = '';\n", "let _sessionFilter = '';\nconst _messagesGeneration = { count: 0 };\n"),
        "_messagesGeneration is already declared as a const at line 8",
    ),
    "messages-generation-function": (
        BASE + "\nfunction _messagesGeneration() { return 0; }\n",
        "_messagesGeneration is already declared as a function at line 152",
    ),
    "messages-generation-not-a-counter": (
        edited(BASE, "let _sessionFilter = '';\n", "let _sessionFilter = '';\nlet _messagesGeneration = 'v2';\n"),
        "_messagesGeneration is already declared for something else at line 8 (the fix needs it to start at 0)",
    ),
    "messages-generation-local": (
        edited(BASE, "  const sid = S.session ? S.session.session_id : null;\n",
               "  const sid = S.session ? S.session.session_id : null;\n  let _messagesGeneration = 0;\n"),
        (
            "_messagesGeneration is also a local name in the function at line 62 (line 65), "
            "so the fix's module-level _messagesGeneration would not be reached"
        ),
    ),
    "bump-const": (
        BASE + "\nconst _bumpMessagesGeneration = () => 0;\n",
        "_bumpMessagesGeneration is already declared as a const at line 152",
    ),
    "bump-class": (
        BASE + "\nclass _bumpMessagesGeneration {}\n",
        "_bumpMessagesGeneration is already declared as a class at line 152",
    ),
    "bump-async": (
        BASE + "\nasync function _bumpMessagesGeneration() { _messagesGeneration++; }\n",
        "_bumpMessagesGeneration is already declared as an async function at line 152",
    ),
    "bump-does-something-else": (
        BASE + "\nfunction _bumpMessagesGeneration() { return 42; }\n",
        "_bumpMessagesGeneration is already declared for something else at line 152 (it never changes _messagesGeneration)",
    ),
    "bump-local-in-ensure": (
        edited(BASE, "  const sid = S.session.session_id;\n", "  const sid = S.session.session_id;\n  const _bumpMessagesGeneration = () => 0;\n"),
        (
            "_bumpMessagesGeneration is also a local name in the function at line 97 (line 100), "
            "so the fix's module-level _bumpMessagesGeneration would not be reached"
        ),
    ),
    "lock-local-in-ensure": (
        edited(BASE, "  const sid = S.session.session_id;\n", "  const sid = S.session.session_id;\n  let _loadingOlder = false;\n"),
        (
            "_loadingOlder is also a local name in the function at line 97 (line 100), "
            "so the fix's module-level _loadingOlder would not be reached"
        ),
    ),
    "sid-noted-after-the-await": (
        edited(
            BASE,
            "  const sid = S.session.session_id;\n  const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}",
            "  const data = await api(`/api/session?session_id=${encodeURIComponent(S.session.session_id)}",
        ).replace("  if (!data || !data.session) return;\n  const msgs", "  if (!data || !data.session) return;\n  const sid = S.session.session_id;\n  const msgs"),
        "_ensureAllMessagesLoaded at line 97 never notes S.session.session_id before its await",
    ),
}


@pytest.mark.parametrize(("text", "reason"), TAKEN_NAMES.values(), ids=TAKEN_NAMES.keys())
def test_a_name_the_fix_needs_taken_for_something_else_is_refused(tmp_path: Path, text: str, reason: str):
    parse_program(text)
    result = run(tmp_path, text.encode())
    assert (result.outcome, result.reason) == (Outcome.REFUSED, reason)
    assert (tmp_path / "sessions.js").read_text() == text


# --- decoys --------------------------------------------------------------------


def test_decoys_in_strings_comments_templates_and_regexes_are_left_alone(tmp_path: Path):
    case = FIXTURES / "hostile-decoys"
    result = run(tmp_path, (case / "input.js").read_bytes())
    assert (result.outcome, result.reason) == (Outcome.FIXED, ALL_PARTS)
    assert (tmp_path / "sessions.js").read_bytes() == (case / "expected.js").read_bytes()


def test_a_file_with_only_decoys_is_not_applicable(tmp_path: Path):
    data = (FIXTURES / "hostile-decoys-only" / "input.js").read_bytes()
    result = run(tmp_path, data)
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "neither _loadOlderMessages nor _ensureAllMessagesLoaded is defined",
    )
    assert (tmp_path / "sessions.js").read_bytes() == data


# --- placement where statements share a line -----------------------------------


def test_a_replace_on_the_line_of_an_else_gets_its_bump_inside_that_branch():
    text = edited(BASE, "  S.messages = msgs;\n", "  if (!msgs.length) {\n    console.log('empty');\n  } else { S.messages = msgs; }\n")
    fixed = plan_fix(text).apply(text)
    assert (
        "    } else { \n"
        "      // Spoil any older-page fetch still in flight before replacing (#1937).\n"
        "      _bumpMessagesGeneration();\n"
        "      S.messages = msgs; }\n"
    ) in fixed
    assert plan_fix(fixed).status is Status.ALREADY_FIXED


def test_a_function_closing_on_the_line_of_its_last_statement_is_wrapped_inside_it():
    text = edited(BASE, "    S.session.message_count = Number(data.session.message_count || msgs.length);\n  }\n}\n",
                  "    S.session.message_count = Number(data.session.message_count || msgs.length);\n  } }\n")
    fixed = plan_fix(text).apply(text)
    assert "    }\n  } finally {\n    _loadingOlder = false;\n  } }\n\nfunction _onMessagesScroll" in fixed
    assert plan_fix(fixed).status is Status.ALREADY_FIXED


def test_without_semicolons_a_line_shared_with_try_keeps_the_semicolon():
    text = (FIXTURES / "style-no-semicolons" / "input.js").read_text()
    text = edited(text, "  _loadingOlder = true\n  try {\n    const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1&resolve_model=0&msg_before",
                  "  _loadingOlder = true; try {\n    const data = await api(`/api/session?session_id=${encodeURIComponent(sid)}&messages=1&resolve_model=0&msg_before")
    fixed = plan_fix(text).apply(text)
    assert "  const startGeneration = _messagesGeneration; try {\n" in fixed
    parse_program(fixed)
    assert plan_fix(fixed).status is Status.ALREADY_FIXED


def test_a_multi_line_template_in_the_wrapped_body_keeps_its_text():
    template = "  console.debug(`loaded\n${data.session.messages.length} rows\n  (indented inside the string)`);\n"
    text = edited(BASE, "  if (!data || !data.session) return;\n  const msgs", "  if (!data || !data.session) return;\n" + template + "  const msgs")
    fixed = plan_fix(text).apply(text)
    assert "    console.debug(`loaded\n${data.session.messages.length} rows\n  (indented inside the string)`);\n" in fixed
    assert plan_fix(fixed).status is Status.ALREADY_FIXED


def test_a_multi_line_entry_gate_is_repeated_with_its_own_indentation():
    text = edited(BASE, "  if (!_messagesTruncated || !S.session) return;\n  const sid",
                  "  if (!_messagesTruncated ||\n      !S.session) return;\n  const sid")
    fixed = plan_fix(text).apply(text)
    assert "    }\n    if (!_messagesTruncated ||\n        !S.session) return;\n  }\n" in fixed


# --- the file system -----------------------------------------------------------


def write_base(tmp_path: Path, name: str = "sessions.js") -> Path:
    path = tmp_path / name
    path.write_text(BASE)
    return path


def test_a_read_only_file_is_not_written(tmp_path: Path):
    path = write_base(tmp_path)
    path.chmod(0o444)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "is read-only, so it was not written")
    assert path.read_text() == BASE and path.stat().st_mode & 0o777 == 0o444
    dry_run = process_file(path, Settings(mode=Mode.DRY_RUN, cwd=tmp_path))
    assert (dry_run.outcome, dry_run.reason) == (Outcome.WOULD_FIX, ALL_PARTS)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file whatever its mode")
def test_an_unreadable_file_is_refused(tmp_path: Path):
    path = write_base(tmp_path)
    path.chmod(0)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "cannot be read: Permission denied")


def test_a_read_error_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write_base(tmp_path)

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "cannot be read: Permission denied")


def test_a_missing_file_and_a_dangling_symlink_cannot_be_read(tmp_path: Path):
    (tmp_path / "dangling.js").symlink_to(tmp_path / "gone.js")
    for name in ("missing.js", "dangling.js"):
        result = process_file(tmp_path / name, Settings(mode=Mode.WRITE, cwd=tmp_path))
        assert (result.path, result.outcome, result.reason) == (name, Outcome.REFUSED, "cannot be read: No such file or directory")


def test_a_directory_or_a_fifo_is_not_a_regular_file(tmp_path: Path):
    (tmp_path / "folder.js").mkdir()
    names = ["folder.js"]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.js")  # reading it would block forever
        names.append("pipe.js")
    for name in names:
        result = process_file(tmp_path / name, Settings(mode=Mode.WRITE, cwd=tmp_path))
        assert (result.path, result.outcome, result.reason) == (name, Outcome.REFUSED, "is not a regular file")


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path):
    target = write_base(tmp_path, "real.js")
    link = tmp_path / "sessions.js"
    link.symlink_to("real.js")
    result = process_file(link, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert (result.outcome, result.reason) == (Outcome.FIXED, f"{ALL_PARTS} (written through the symlink to {target.resolve()})")
    assert link.is_symlink() and os.readlink(link) == "real.js"
    assert target.read_text() == EXPECTED


def test_a_file_changed_between_reading_and_writing_is_not_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write_base(tmp_path)
    someone_elses = BASE.replace("Chat sidebar", "Chat sidebar (edited meanwhile)")
    import jsfix.files.process

    real_check = jsfix.files.process.check_fixed_text

    def check_while_someone_edits(fixed_text: str):
        path.write_text(someone_elses)
        return real_check(fixed_text)

    monkeypatch.setattr(jsfix.files.process, "check_fixed_text", check_while_someone_edits)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "changed on disk while jsfix was working, so it was not written")
    assert path.read_text() == someone_elses


def test_an_interrupted_write_leaves_the_original_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write_base(tmp_path)
    import jsfix.files.write

    def full_disk(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jsfix.files.write.os, "replace", full_disk)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert (result.outcome, result.reason) == (
        Outcome.REFUSED,
        "could not be replaced (No space left on device); the original is unchanged",
    )
    assert path.read_text() == BASE
    assert sorted(os.listdir(tmp_path)) == ["sessions.js"]  # no temporary file left behind


def test_a_directory_that_refuses_new_files_leaves_the_original_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write_base(tmp_path)
    import jsfix.files.write

    def no_new_files(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(jsfix.files.write.tempfile, "mkstemp", no_new_files)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "could not be replaced (Permission denied); the original is unchanged")
    assert path.read_text() == BASE


def test_a_file_with_another_hard_link_is_not_split(tmp_path: Path):
    path = write_base(tmp_path)
    os.link(path, tmp_path / "backup.js")
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, "has 2 hard links, so it was not written (a rename would split them)")
    assert path.read_text() == BASE == (tmp_path / "backup.js").read_text()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file to another owner")
def test_a_fixed_file_keeps_its_owner(tmp_path: Path):
    path = write_base(tmp_path)
    os.chown(path, 4321, 4321)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=tmp_path))
    assert result.outcome is Outcome.FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4321)


def test_the_command_line_reports_file_system_refusals_without_a_traceback(tmp_path: Path):
    write_base(tmp_path, "readonly.js").chmod(0o444)
    write_base(tmp_path, "real.js")
    (tmp_path / "link.js").symlink_to("real.js")
    names = ["readonly.js", "link.js", "missing.js"]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.js")  # reading it would hang
        names.append("pipe.js")
    done = subprocess.run(
        [*JSFIX, "apply", "--json", "-", *names],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == EXIT_PROBLEM
    assert "Traceback" not in done.stderr + done.stdout
    reported = {each["path"]: (each["outcome"], each["reason"]) for each in json.loads(done.stdout)["files"]}
    expected = {
        "readonly.js": ("refused", "is read-only, so it was not written"),
        "link.js": ("fixed", f"{ALL_PARTS} (written through the symlink to {(tmp_path / 'real.js').resolve()})"),
        "missing.js": ("refused", "cannot be read: No such file or directory"),
    }
    if hasattr(os, "mkfifo"):
        expected["pipe.js"] = ("refused", "is not a regular file")
    assert reported == expected


# --- the fuzz script -----------------------------------------------------------


def test_the_fuzz_script_runs_clean_on_a_small_budget():
    fuzz = Path(__file__).resolve().parent.parent / "benchmarks" / "fuzz.py"
    done = subprocess.run([sys.executable, str(fuzz), "--count", "40", "--seed", "6"], check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("jsfix fuzz: seed 6, 40 inputs tried from ")
    assert "  tracebacks: 0\n  corrupted files: 0\n" in done.stdout
