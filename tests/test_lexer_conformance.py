"""Every hand-written JavaScript lexer, held to esprima on one corpus of tricky programs.

jsfix reads JavaScript without a parser in three places: its fast path
(`jsfix/javascript/scan.py`), the scanner copied into each fork's generated tests
(`jsfix/testgen/support/scan.py`), and the extraction in the node harness
(`jsfix/verify/harness.js`), which `jsfix verify` and the forks' suites both
run. Each must read the programs in `fixtures/lexer-corpus/` (and a few fixed
files with a tricky prefix) the way esprima does: the same top-level
declarations with the same spans, the same comments, the same code cut out
for the harness. The fast path alone may decline a program by raising
`ScanUncertain`. The fork's two lexers (the generated tests' and the
harness's) must also give the same tokens, one for one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import esprima
import pytest
from conftest import FIXTURES, needs_node, run_on_harness
from esprima.nodes import Node
from extractions import assert_cut_as_esprima_cuts, assert_selection, recorded
from forkrepos import fork_folder
from test_scan import assert_same_as_oracle, esprima_oracle
from test_testgen import run_pytest

from jsfix.javascript.offsets import Utf16Offsets
from jsfix.javascript.parse import parse_program, top_level_declarations
from jsfix.javascript.scan import ScanUncertain, scan_top_level
from jsfix.plan.fix import Status, plan_fix
from jsfix.plan.locate import Declaration, Refused, locate_targets
from jsfix.testgen import DEFAULT_OUT, generate_suite
from jsfix.testgen.support.scan import _blank_comments, _declaration_span

CORPUS = sorted((FIXTURES / "lexer-corpus").glob("*.js"))

# Fixed files with a tricky prefix, built here from the fixtures. The first is
# the failure that started this corpus: the harness read the `/` after `}` as
# a division and lost both functions.
KNOWN_FAILURE = "function a() {}\n/}/.test(s);\n"
PREFIXED = {
    "prefix-regex-after-function": ("upstream-parent/expected.js", KNOWN_FAILURE),
    "prefix-regex-after-if": ("upstream-parent/expected.js", "if (typeof S === 'object') /[}]/.test('}');\n"),
    "prefix-division-across-lines": ("style-no-semicolons/expected.js", "const _ratio = { a: 1 }.a\n/2/1\n"),
    "prefix-nested-template-static-block": (
        "hostile-decoys/expected.js",
        "const _t = `${`${'}'}`}`;\nclass Q { static { /}/.test('}') } }\n",
    ),
    "prefix-arrow-body-crlf": ("style-crlf/expected.js", "const _f = () => {}\r\n/}/.test('}')\r\n"),
}
CASES = [path.stem for path in CORPUS] + list(PREFIXED)
by_case = pytest.mark.parametrize("case", CASES)

# What the fast path scans for: the targets and the names the rules anchor on.
NAMES = (
    "_loadOlderMessages",
    "_ensureAllMessagesLoaded",
    "_oldestIdx",
    "_messagesGeneration",
    "_bumpMessagesGeneration",
    "_loadingOlder",
    "_loadingSessionId",
)
# Programs written so that the fast path must decline them.
FAST_PATH_FALLS_BACK = {"39-fast-path-falls-back"}
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_EXPORT_PREFIX = re.compile(r"export\s+(?:default\s+)?")
_LINE_BREAKS = "\n\r\u2028\u2029"


@functools.cache
def case_text(case: str) -> str:
    if case in PREFIXED:
        fixture, prefix = PREFIXED[case]
        return prefix + (FIXTURES / fixture).read_bytes().decode("utf-8")
    return (FIXTURES / "lexer-corpus" / f"{case}.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Reading:
    """What esprima makes of one program, in Python string indices."""

    program: Node
    is_module: bool
    declarations: tuple[Declaration, ...]
    comments: tuple[tuple[int, int], ...]


@functools.cache
def esprima_reading(case: str) -> Reading:
    text = case_text(case)
    program, is_module = parse_program(text)
    offsets = Utf16Offsets(text)
    parse = esprima.parseModule if is_module else esprima.parseScript
    comments = parse(text, {"range": True, "comment": True}).comments
    return Reading(
        program=program,
        is_module=is_module,
        declarations=tuple(each for each, _ in top_level_declarations(program, offsets)),
        comments=tuple((offsets.to_index(c.range[0]), offsets.to_index(c.range[1])) for c in comments),
    )


def test_the_corpus_is_large_and_esprima_reads_all_of_it():
    assert len(CORPUS) >= 40
    assert all(re.fullmatch(r"\d\d-[a-z0-9-]+", path.stem) for path in CORPUS)
    for case in CASES:
        esprima_reading(case)  # raises Refused on a syntax error


# --- jsfix/javascript/scan.py, the fast path --------------------------------------------


@by_case
def test_the_fast_scanner_agrees_with_esprima_or_declines(case: str):
    text = case_text(case)
    oracle = esprima_oracle(text, NAMES)
    try:
        result = scan_top_level(text, NAMES)
    except ScanUncertain:
        assert oracle is not None
        return
    assert case not in FAST_PATH_FALLS_BACK, "expected the scanner to decline"
    assert_same_as_oracle(result, oracle)


@pytest.mark.parametrize("case", sorted(FAST_PATH_FALLS_BACK))
def test_the_fast_scanner_declines_what_it_cannot_tell(case: str):
    with pytest.raises(ScanUncertain):
        scan_top_level(case_text(case), NAMES)


def declared(located) -> set[tuple]:
    """(name, kind, start, end) of each top-level declaration; end only where the fast path knows it.

    The fast path leaves the end of a variable unknown unless the rules
    anchor on it.
    """
    return {
        (each.name, each.kind, each.start, each.end if each.kind.endswith(("function", "class")) or each.name in NAMES else None)
        for each in located.declarations
    }


@by_case
def test_the_fast_path_locates_what_the_full_parse_locates(case: str):
    text = case_text(case)
    try:
        full = locate_targets(text, full_parse=True)
    except Refused as error:
        with pytest.raises(Refused, match=re.escape(str(error))):
            locate_targets(text)
        return
    fast = locate_targets(text)
    if full is None:
        assert fast is None
        return
    assert (fast.load_older.range, fast.ensure_all.range, fast.is_module) == (
        full.load_older.range,
        full.ensure_all.range,
        full.is_module,
    )
    # The fast path names each statement by its first declarator; the rules
    # only look up the anchors, and any other use of one of those sends the
    # file to the full parse.
    assert declared(fast) <= declared(full)
    assert {each[2] for each in declared(fast)} == {each[2] for each in declared(full)}
    assert {each for each in declared(fast) if each[0] in NAMES} == {each for each in declared(full) if each[0] in NAMES}


# --- jsfix/testgen/support/scan.py, copied into the generated tests -----------


def expected_spans(case: str) -> dict[str, tuple[int, int]]:
    """Each top-level name: its statement's span without `export`; the first declaration wins."""
    text = case_text(case)
    spans: dict[str, tuple[int, int]] = {}
    for declaration in esprima_reading(case).declarations:
        if declaration.kind == "import":
            continue
        start = declaration.start
        if text.startswith("export", start):
            start += _EXPORT_PREFIX.match(text, start).end() - start
        spans.setdefault(declaration.name, (start, declaration.end))
    return spans


@by_case
def test_the_generated_tests_slice_every_declaration_as_esprima_does(case: str):
    text = case_text(case)
    expected = expected_spans(case)
    got = {name: _declaration_span(text, name) for name in expected}
    assert got == expected
    # Every other word of the program, in code, strings or comments, declares nothing.
    others = {word for word in _WORD.findall(text) if word not in expected}
    assert {word: span for word in others if (span := _declaration_span(text, word)) is not None} == {}


def blanked(text: str, comments: tuple[tuple[int, int], ...]) -> str:
    pieces = list(text)
    for start, end in comments:
        for index in range(start, end):
            if pieces[index] not in _LINE_BREAKS:
                pieces[index] = " "
    return "".join(pieces)


@by_case
def test_the_generated_tests_blank_exactly_the_comments_esprima_sees(case: str):
    text = case_text(case)
    expected = blanked(text, esprima_reading(case).comments)
    assert _blank_comments(text) == expected
    for start, end in expected_spans(case).values():
        assert _blank_comments(text[start:end]) == expected[start:end]


# --- the harness's own extraction --------------------------------------------

# One node process reads every program: {case: extraction or {"error": message}}.
_BATCH = """
const { extractFromText } = require(process.argv[1]);
const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const answers = {};
for (const [name, text] of Object.entries(texts)) {
  try {
    answers[name] = extractFromText(text);
  } catch (error) {
    answers[name] = { error: error.message };
  }
}
process.stdout.write(JSON.stringify(answers));
"""


@functools.cache
def harness_extractions() -> dict[str, dict]:
    return run_on_harness(_BATCH, {case: case_text(case) for case in CASES})


@needs_node
@by_case
def test_the_harness_cuts_out_what_esprima_and_the_recorded_selection_say(case: str):
    got = harness_extractions()[case]
    expected = recorded("lexer-corpus/extractions.json")[case]
    if "error" in expected:
        assert got == {"error": expected["error"]}
        return
    assert "error" not in got, got["error"]
    assert_selection(got, expected, case)
    assert_cut_as_esprima_cuts(got, case_text(case), case)


# --- the known failure, end to end ---------------------------------------------


@needs_node
def test_a_fixed_file_after_a_regex_after_a_function_gets_a_suite_that_passes(tmp_path: Path):
    text = case_text("prefix-regex-after-function")
    assert plan_fix(text).status is Status.ALREADY_FIXED
    suite = generate_suite(text)
    without_prefix = generate_suite(text.removeprefix(KNOWN_FAILURE))
    assert (suite.structural, suite.behavioural, suite.note) == (
        without_prefix.structural,
        without_prefix.behavioural,
        "",
    )
    fork = fork_folder(tmp_path / "fork", text.encode("utf-8"), fixed=text)
    outcomes = run_pytest(tmp_path, fork / DEFAULT_OUT)["fork"]
    assert outcomes == dict.fromkeys(suite.structural + suite.behavioural, "passed")


# --- the fork's two lexers, token for token ----------------------------------
#
# A fork's suite carries two: the generated tests' (Python, so the structural
# tests run where node is missing) and the harness's (JavaScript, for the
# extraction under node). They are one design written twice; here they must
# give the same tokens (kind, value, span in UTF-16 units, depth, statement
# start) on every program of the corpus and every fixture.

_LEX_BATCH = """
const { Lexer } = require(process.argv[1]);
const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const answers = {};
for (const [name, text] of Object.entries(texts)) {
  answers[name] = new Lexer(text).run().map(t => [t.type, t.value, t.start, t.end, t.depth, t.starts]);
}
process.stdout.write(JSON.stringify(answers));
"""
LEXED = {case: case_text(case) for case in CASES} | {
    path.relative_to(FIXTURES).as_posix(): path.read_bytes().decode("utf-8-sig")
    for path in sorted(FIXTURES.glob("*/*.js"))
}


@functools.cache
def harness_tokens() -> dict[str, list]:
    return run_on_harness(_LEX_BATCH, LEXED)


@needs_node
@pytest.mark.parametrize("name", sorted(LEXED))
def test_the_forks_two_lexers_give_the_same_tokens(name: str):
    from jsfix.testgen.support.lexer import _tokens

    text = LEXED[name]
    offsets = Utf16Offsets(text)
    python = [
        [kind, value, offsets.to_utf16(start), offsets.to_utf16(end), depth, starts]
        for kind, value, start, end, depth, starts in _tokens(text)
    ]
    assert python == harness_tokens()[name]
