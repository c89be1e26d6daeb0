"""Previews see every syntax error: `check` and `apply --dry-run` refuse as a write does.

The error is a `let` without a value: brackets stay balanced, so the fast
path (scanner plus the two functions parsed alone) cannot see it outside
the functions; only the whole-file screen can. Each case puts it before,
between or after the two functions of a fixture, and expects esprima's own
message with the line and column counted in the test from the text.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from jsfix.cli import app
from jsfix.files.process import process_file
from jsfix.javascript import syntax
from jsfix.outcomes import EXIT_PROBLEM, Outcome
from jsfix.settings import Mode, Settings

BROKEN = "let brokenHere = ;"
# esprima points at the `;`: column 17 counted from 0, reported from 1.
MESSAGE = "syntax error at line {line}, column 18: Unexpected token ;"

KINDS = ["upstream-parent", "style-crlf", "style-bom", "non-ascii-before-targets"]
PLACES = {
    "before": r"^async function _loadOlderMessages\b",
    "between": r"^async function _ensureAllMessagesLoaded\b",
    "after": r"\Z",
}


def broken_file(kind: str, place: str) -> tuple[bytes, int]:
    """The fixture with BROKEN on a line of its own, and that line's number."""
    data = (FIXTURES / kind / "input.js").read_bytes()
    text = data.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    where = re.search(PLACES[place], text, re.MULTILINE).start()
    if place == "after" and not text.endswith(newline):
        text += newline
        where = len(text)
    text = text[:where] + BROKEN + newline + text[where:]
    line = text.lstrip("\ufeff").count("\n", 0, text.lstrip("\ufeff").index(BROKEN)) + 1
    return text.encode("utf-8"), line


CASES = [(kind, place) for kind in KINDS for place in PLACES]


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", [["check"], ["apply", "--dry-run"]], ids=["check", "dry-run"])
@pytest.mark.parametrize("kind, place", CASES, ids=[f"{kind}-{place}" for kind, place in CASES])
def test_a_preview_refuses_a_syntax_error_anywhere(kind, place, command, tmp_path, monkeypatch):
    data, line = broken_file(kind, place)
    (tmp_path / "sessions.js").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    reason = MESSAGE.format(line=line)

    report = invoke(*command, "--json", "-", "sessions.js")
    assert report.exit_code == EXIT_PROBLEM
    (entry,) = json.loads(report.stdout)["files"]
    assert (entry["outcome"], entry["reason"], entry["lines_added"]) == ("refused", reason, 0)

    shown = invoke(*command, "sessions.js")
    assert (shown.exit_code, shown.stdout) == (EXIT_PROBLEM, "")  # no diff
    assert f"{'refused':>14}  sessions.js: {reason}" in shown.stderr.splitlines()
    assert (tmp_path / "sessions.js").read_bytes() == data


@pytest.mark.parametrize("place", PLACES)
def test_the_preview_and_the_write_give_the_same_outcome(place, tmp_path):
    data, _ = broken_file("upstream-parent", place)
    path = tmp_path / "sessions.js"
    path.write_bytes(data)
    results = [process_file(path, Settings(mode=mode, cwd=tmp_path)) for mode in Mode]
    assert {(each.outcome, each.reason) for each in results} == {(results[0].outcome, results[0].reason)}
    assert results[0].outcome is Outcome.REFUSED
    assert path.read_bytes() == data


def test_the_line_numbers_above_are_the_fixtures_own():
    """One case spelled out, so a slip in broken_file cannot hide."""
    data, line = broken_file("upstream-parent", "between")
    assert line == 97
    assert data.decode().splitlines()[96] == BROKEN


def test_esprima_wins_when_tree_sitter_alone_sees_an_error(tmp_path, monkeypatch):
    """The screen only decides who looks next: a file esprima accepts is not refused."""
    monkeypatch.setattr("jsfix.files.process.looks_clean", lambda _text: False)
    path = tmp_path / "sessions.js"
    path.write_bytes((FIXTURES / "upstream-parent" / "input.js").read_bytes())
    assert process_file(path, Settings(mode=Mode.CHECK, cwd=tmp_path)).outcome is Outcome.WOULD_FIX


@pytest.mark.skipif(not syntax.available(), reason="tree-sitter is not installed")
def test_a_clean_preview_takes_no_full_parse(tmp_path, monkeypatch):
    def no_full_parse(_text):
        raise AssertionError("the full parse ran")

    monkeypatch.setattr("jsfix.plan.locate.parse_program", no_full_parse)
    path = tmp_path / "sessions.js"
    path.write_bytes((FIXTURES / "upstream-parent" / "input.js").read_bytes())
    result = process_file(path, Settings(mode=Mode.DRY_RUN, cwd=tmp_path))
    assert result.outcome is Outcome.WOULD_FIX and result.diff


def test_without_tree_sitter_the_preview_still_refuses(tmp_path, monkeypatch):
    monkeypatch.setattr(syntax, "_tools", lambda: None)
    data, line = broken_file("upstream-parent", "after")
    path = tmp_path / "sessions.js"
    path.write_bytes(data)
    result = process_file(path, Settings(mode=Mode.DRY_RUN, cwd=tmp_path))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, MESSAGE.format(line=line))


@pytest.mark.skipif(not syntax.available(), reason="tree-sitter is not installed")
@pytest.mark.parametrize(
    "text, position",
    [
        ("let a = 1;\nlet b = (;\n", (2, 7)),
        ("const s = '😀é';\r\nlet b = (;\n", (2, 7)),
        # The `=` is byte 26, character 22, UTF-16 unit 23 of its line.
        ("const s = '😀é'; let b = (;\n", (1, 24)),
        ("a();\u2028let b = (;\n", (2, 7)),
        ("ok();\n", None),
    ],
    ids=["lf", "crlf-astral", "astral-same-line", "line-separator", "clean"],
)
def test_tree_sitter_positions_are_counted_as_esprima_counts(text, position):
    # tree-sitter's ERROR node starts at the `=` (esprima points at the `;`).
    assert syntax.first_error_at(text) == position


# Errors tree-sitter parses without an ERROR node: the screen's own checks
# catch them (found by benchmarks/syntax_agreement.py on fuzzed fixtures).
EARLY_ERRORS = {
    "declared-twice": ("let _sessionFilter = 'again';", "a name declared twice in one scope",
                       "syntax error at line 97, column 5: Identifier '_sessionFilter' has already been declared"),
    "var-after-let": ("var _loadingOlder = true;", "a name declared twice in one scope",
                      "syntax error at line 97, column 5: Identifier '_loadingOlder' has already been declared"),
    "class-twice": ("class Pane {}\nclass Pane {}", "a name declared twice in one scope",
                    "syntax error at line 98, column 7: Identifier 'Pane' has already been declared"),
    "top-level-return": ("return;", "return outside a function", "syntax error at line 97, column 2: Illegal return statement"),
    "nameless-function": ("function (x) {}", "a statement that starts with function, class or let",
                          "syntax error at line 97, column 10: Unexpected token ("),
    "const-without-value": ("const unset;", "const without a value",
                            "syntax error at line 97, column 12: Missing initializer in const declaration"),
    "invalid-regex": ("const pattern = /^?x/;", "an invalid regular expression",
                      "syntax error at line 97, column 22: Invalid regular expression"),
    "await-as-a-call": ("async function loader() { await (); }", "a reserved word used as a name",
                        "syntax error at line 97, column 35: Unexpected token ;"),
    "assignment-in-an-operand": ("let ready = !!base = 1;", "an assignment inside an operator's operand",
                                 "syntax error at line 97, column 19: Invalid left-hand side in assignment"),
    "empty-argument": ("describe(,);", "an empty item in a list", "syntax error at line 97, column 10: Unexpected token ,"),
    "empty-property": ("const pills = { help: 1,, more: 2 };", "an empty item in a list",
                       "syntax error at line 97, column 25: Unexpected token ,"),
    "parameter-redeclared": ("function pick(sid) { const sid = 1; return sid; }", "a name declared twice in one scope",
                             "syntax error at line 97, column 28: Identifier 'sid' has already been declared"),
    "try-alone": ("try { idle(); }\nidle();", "try without catch or finally",
                  "syntax error at line 97, column 16: Missing catch or finally after try"),
    "keyword-as-a-name": ("function stop() { export(); }", "a reserved word used as a name",
                          "syntax error at line 97, column 19: Unexpected token"),
    "await-in-a-plain-function": ("function wait() { const data = await api('/x'); }", "await in a function that is not async",
                                  "syntax error at line 97, column 38: Unexpected identifier"),
    "emoji-in-a-name": ("const t =\U0001f600= 1;", "a character that cannot be in a name",
                        "syntax error at line 97, column 10: Unexpected token ILLEGAL"),
    "let-named-let": ("let\nlet extra = 0;", "a statement that starts with function, class or let",
                      "syntax error at line 98, column 5: let is disallowed as a lexically bound name"),
}


@pytest.mark.skipif(not syntax.available(), reason="tree-sitter is not installed")
@pytest.mark.parametrize("case", sorted(EARLY_ERRORS), ids=str)
def test_errors_without_an_error_node_are_caught_by_the_screen(case, tmp_path):
    line, what, reason = EARLY_ERRORS[case]
    base = (FIXTURES / "upstream-parent" / "input.js").read_text(encoding="utf-8")
    at = re.search(PLACES["between"], base, re.MULTILINE).start()
    text = base[:at] + line + "\n" + base[at:]
    assert syntax.first_error_at(text) is None  # no ERROR node: tree-sitter alone would pass it
    assert syntax.find_suspect(text).what == what
    path = tmp_path / "sessions.js"
    for mode in (Mode.DRY_RUN, Mode.CHECK, Mode.WRITE):
        path.write_text(text, encoding="utf-8")
        result = process_file(path, Settings(mode=mode, cwd=tmp_path))
        assert (result.outcome, result.reason) == (Outcome.REFUSED, reason)
        assert path.read_text(encoding="utf-8") == text


@pytest.mark.skipif(not syntax.available(), reason="tree-sitter is not installed")
@pytest.mark.parametrize(
    "text",
    [
        "var a; var a; function a() {}",
        "function f() { let d; { let d; } }",
        "switch (k) { case 1: { let a; break; } case 2: { let a; } }",
        "class K { m() { return 1; } }\nconst back = () => { return 2; };",
        "for (const key of keys) {}\nconst flags = /a(?:b)\\//giu;",
        "(function () {})();\nasync function go() { await later(); }",
        "x = a ? b = 1 : c = 2;\na[i = 0] = (j = 1);\nv = `${k = 2}`;",
        "const \u00e9t\u00e9 = 'a,,b'; const holes = [1,, 2]; o = { export: 1, await: 2 }; a.let = 3;",
        "const f = async function () { await 1; };\nclass A { static async *g() { await 2; } }",
        "const [first,, third] = [1,, 3];\nfunction h(a) { { let a; } }\ntry {} finally {}\ntry {} catch {}",
    ],
    ids=["var-twice", "shadowing", "case-blocks", "returns", "for-of-regex", "iife-await", "assignments", "names", "async", "holes-blocks-try"],
)
def test_valid_code_is_not_suspect(text):
    assert syntax.find_suspect(text) is None


def test_the_pinned_tree_sitter_is_usable():
    """The screen turns itself off for a grammar it does not know; the pinned one it must know."""
    pytest.importorskip("tree_sitter_javascript")
    assert syntax.available()
