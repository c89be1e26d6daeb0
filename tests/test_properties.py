"""Properties that hold on every reformatted variant of the must-fix fixtures.

A variant is one of the fixtures (those written with LF, no byte-order
mark and a two-space indent) put through changes that keep the program's
meaning: another indent unit or tabs, CRLF, a byte-order mark, no final
newline, blank lines and comments between statements, renamed locals,
extra statements that do nothing, and the independent response guards in
another order. For every variant:

- jsfix plans the same parts as for the fixture itself;
- every edit is an insertion, and taking the insertions out gives back the
  variant byte for byte;
- the output parses, and a second run changes nothing;
- inserted lines follow the variant's line ending, indentation and
  semicolon habit, and writing the file keeps its byte-order mark;
- the output passes `jsfix verify` (when node is installed).
"""

from __future__ import annotations

import codecs
import random
import re
from dataclasses import dataclass
from pathlib import Path

import esprima
import pytest
from conftest import FIXTURES, NODE, Case, assert_only_insertions, must_fix_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsfix.files.process import process_file
from jsfix.javascript.parse import parse_program
from jsfix.javascript.source import decode_source
from jsfix.outcomes import Outcome
from jsfix.plan.edits import Edit
from jsfix.plan.fix import Status, plan_fix
from jsfix.settings import Mode, Settings

try:
    from jsfix.verify import verify_source
except ImportError:  # the behavioural check is not built yet
    verify_source = None

CAN_VERIFY = verify_source is not None and NODE is not None

# A fixed seed and a small budget: the same examples in CI every time, well
# under a minute for the whole file.
PROPERTY_SETTINGS = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def plain_bases() -> list[Case]:
    """Must-fix fixtures in the plainest form (LF, no BOM, two-space indent): the variants start there."""
    bases = []
    for case in must_fix_cases():
        data = case.input_bytes
        if data.startswith(codecs.BOM_UTF8) or b"\r" in data or b"\t" in data:
            continue
        text = data.decode("utf-8")
        indents = {len(line) - len(line.lstrip(" ")) for line in text.splitlines() if line.strip()}
        even = all(indent % 2 == 0 or _is_comment_continuation(text, indent) for indent in indents)
        if even and 2 in indents:
            bases.append(case)
    return bases


def _is_comment_continuation(text: str, indent: int) -> bool:
    """Odd indents are allowed only on ` * ` lines of block comments."""
    return all(
        line.lstrip(" ").startswith("*")
        for line in text.splitlines()
        if line.strip() and len(line) - len(line.lstrip(" ")) == indent
    )


BASES = plain_bases()
FULLY_FIXED = (FIXTURES / "fully-fixed" / "input.js").read_text(encoding="utf-8")


def test_there_are_plain_bases_to_vary():
    names = {case.name for case in BASES}
    assert {"upstream-parent", "style-no-semicolons", "second-await-fallback", "guard-resets-lock"} <= names


# --- the changes that make a variant ------------------------------------------

TARGET_NAMES = ("_loadOlderMessages", "_ensureAllMessagesLoaded")
RENAMES = {"data": "resp", "msgs": "rows", "sid": "activeSid", "olderMsgs": "page"}
COMMENT_LINES = [
    "// note for readers",
    "/* a block comment */",
    "// _loadingOlder = true;",
    "// S.messages = msgs;",
    "// async function _ensureAllMessagesLoaded() {",
    "// the Start pill awaits _ensureAllMessagesLoaded() before it jumps",
]
EXTRA_STATEMENTS = [
    "void 0;",
    "if (typeof window === 'undefined') void 0;",
    "let unrelated{n} = {n};",
    # How the forks' other scripts mention the targets (a call would change what verify runs).
    "if (typeof _ensureAllMessagesLoaded !== 'function') void 0;",
]
# A statement cannot go right before a line that continues the one above.
_CONTINUES = re.compile(r"\s*(?:else\b|catch\b|finally\b|[.?:)\],+\-*/&|])")
_GUARD_LINE = re.compile(r"\s*if \(.*\) (?:return;?|\{ .*return;? \})$")


def target_spans(text: str) -> list[tuple[int, int]]:
    """Where the two target functions are: from `async function NAME` to the `}` that ends at column 0."""
    spans = []
    for name in TARGET_NAMES:
        start = re.search(rf"^async function {name}\(", text, re.MULTILINE).start()
        end = text.index("\n}", start) + 2
        spans.append((start, end))
    return spans


def rename_locals(text: str, renames: dict[str, str]) -> str:
    """Rename identifiers (not property names) inside the target functions."""
    for start, end in sorted(target_spans(text), reverse=True):
        body = text[start:end]
        tokens = esprima.tokenize(body, {"range": True})
        replaced = []
        for previous, token in zip([None, *tokens], tokens):
            new = renames.get(token.value) if token.type == "Identifier" else None
            if new is None or previous is not None and previous.value == ".":
                continue
            if re.search(rf"\b{new}\b", body):
                continue  # the new name is taken in this function: leave this one alone
            replaced.append((token.range[0], token.range[1], new))
        for low, high, new in reversed(replaced):
            body = body[:low] + new + body[high:]
        text = text[:start] + body + text[end:]
    return text


def reorder_guards(text: str, permutation_seeds: list[int]) -> str:
    """Shuffle each run of one-line early-return guards (comments between them stay) after an await."""
    lines = text.split("\n")
    runs = []
    index = 0
    while index < len(lines):
        if "await " in lines[index]:
            end = index + 1
            while end < len(lines) and (_GUARD_LINE.match(lines[end]) or lines[end].strip().startswith("//")):
                end += 1
            guards = [each for each in range(index + 1, end) if _GUARD_LINE.match(lines[each])]
            if len(guards) >= 2:
                runs.append(guards)
            index = end
        else:
            index += 1
    for guards, seed in zip(runs, permutation_seeds):
        shuffled = [lines[each] for each in guards]
        random.Random(seed).shuffle(shuffled)
        for each, line in zip(guards, shuffled):
            lines[each] = line
    return "\n".join(lines)


def insert_lines(text: str, picks: list[tuple[int, int]], *, with_statements: bool) -> str:
    """Blank lines, comments and (where semicolons are used) do-nothing statements between statements."""
    lines = text.split("\n")
    spans = target_spans(text)
    starts = [text.count("\n", 0, start) for start, _ in spans]
    ends = [text.count("\n", 0, end) for _, end in spans]
    # Statements only inside the targets, after a line ending in `;`, never
    # before the entry gate (the first line of each body).
    statement_slots = [
        index + 1
        for low, high in zip(starts, ends)
        for index in range(low + 1, high)
        if lines[index].rstrip().endswith(";") and not _CONTINUES.match(lines[index + 1])
    ]
    # Comments and blank lines go anywhere but inside a block comment or a template literal.
    in_comments = set()
    for match in re.finditer(r"/\*.*?\*/|`(?:\\.|[^`\\])*`", text, re.DOTALL):
        in_comments.update(range(text.count("\n", 0, match.start()) + 1, text.count("\n", 0, match.end()) + 1))
    free_slots = [slot for slot in range(1, len(lines)) if slot not in in_comments]
    inserted = {}
    for number, (slot_pick, what_pick) in enumerate(picks):
        if with_statements and statement_slots and what_pick % 3 == 0:
            slot = statement_slots[slot_pick % len(statement_slots)]
            statement = EXTRA_STATEMENTS[what_pick % len(EXTRA_STATEMENTS)].format(n=number)
        else:
            slot = free_slots[slot_pick % len(free_slots)]
            statement = "" if what_pick % 2 else COMMENT_LINES[what_pick % len(COMMENT_LINES)]
        indent = re.match(r"[ \t]*", lines[slot]).group() if slot < len(lines) else ""
        inserted.setdefault(slot, []).append(indent + statement if statement else "")
    out = []
    for index, line in enumerate(lines):
        out.extend(inserted.get(index, []))
        out.append(line)
    return "\n".join(out)


def reindent(text: str, unit: str) -> str:
    """Two-space levels become `unit` levels; an odd space (` * ` in block comments) stays."""
    out = []
    for line in text.split("\n"):
        spaces = len(line) - len(line.lstrip(" "))
        out.append(unit * (spaces // 2) + " " * (spaces % 2) + line[spaces:])
    return "\n".join(out)


@dataclass(frozen=True)
class Variant:
    base: Case
    data: bytes
    unit: str
    crlf: bool
    bom: bool
    semicolons: bool
    changes: tuple[str, ...]

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return f"Variant({self.base.name}, {', '.join(self.changes) or 'unchanged'})"


@st.composite
def variants(draw) -> Variant:
    base = draw(st.sampled_from(BASES))
    text = base.input_bytes.decode("utf-8")
    semicolons = "no-semicolons" not in base.name
    changes = []
    if draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(sorted(RENAMES)), min_size=1, unique=True))
        text = rename_locals(text, {old: RENAMES[old] for old in chosen})
        changes.append("renamed " + "/".join(chosen))
    if draw(st.booleans()):
        text = reorder_guards(text, draw(st.lists(st.integers(0, 100), min_size=3, max_size=3)))
        changes.append("guards reordered")
    picks = draw(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), max_size=8))
    if picks:
        text = insert_lines(text, picks, with_statements=semicolons)
        changes.append(f"{len(picks)} lines inserted")
    unit = draw(st.sampled_from(["  ", "    ", "\t", "   "]))
    if unit != "  ":
        text = reindent(text, unit)
        changes.append(f"indent {unit!r}")
    if draw(st.booleans()):
        text = text.rstrip("\n")
        changes.append("no final newline")
    crlf = draw(st.booleans())
    if crlf:
        text = text.replace("\n", "\r\n")
        changes.append("CRLF")
    bom = draw(st.booleans())
    if bom:
        changes.append("BOM")
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    return Variant(base, data, unit, crlf, bom, semicolons, tuple(changes))


def parts_of(data: bytes) -> tuple[str, ...]:
    return plan_fix(decode_source(data).text).parts


BASE_PARTS = {case.name: parts_of(case.input_bytes) for case in BASES}


# --- the properties -----------------------------------------------------------


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(variant=variants())
def test_a_variant_is_fixed_like_its_fixture(variant: Variant, tmp_path_factory):
    source = decode_source(variant.data)
    parse_program(source.text)  # the variant itself is a valid program
    plan = plan_fix(source.text)
    assert plan.status is Status.NEEDS_FIX, plan.reason
    assert plan.parts == BASE_PARTS[variant.base.name]

    fixed = assert_only_insertions(source.text, plan)

    parse_program(fixed)
    again = plan_fix(fixed)
    assert again.status is Status.ALREADY_FIXED, again.reason

    assert_inserted_lines_follow_the_style(variant, source.text, plan.edits)

    directory = tmp_path_factory.mktemp("variant")
    path = directory / "sessions.js"
    path.write_bytes(variant.data)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=directory))
    assert result.outcome is Outcome.FIXED, result.reason
    assert path.read_bytes() == source.encode(fixed)
    assert path.read_bytes().startswith(codecs.BOM_UTF8) == variant.bom
    assert process_file(path, Settings(mode=Mode.WRITE, cwd=directory)).outcome is Outcome.ALREADY_FIXED

    if CAN_VERIFY:
        report = verify_source(fixed)
        assert report.holds, report.describe()


def assert_inserted_lines_follow_the_style(variant: Variant, text: str, edits: tuple[Edit, ...]) -> None:
    newline = "\r\n" if variant.crlf else "\n"
    for edit in edits:
        replacement = edit.replacement
        if variant.crlf:
            assert not re.search(r"(?<!\r)\n", replacement), "a bare LF in a CRLF file"
        else:
            assert "\r" not in replacement, "a CR in an LF file"
        lines = replacement.split(newline)
        for line in lines[1:] if replacement.startswith(newline) else lines:
            indent = re.match(r"[ \t]*", line).group()
            if not line.strip():
                continue
            if variant.unit == "\t":
                assert set(indent) <= {"\t"}, repr(line)
            else:
                assert "\t" not in indent and len(indent) % len(variant.unit) == 0, repr(line)
        if not variant.semicolons:
            code_lines = [line.strip() for line in lines if line.strip() and not line.strip().startswith("//")]
            for position, line in enumerate(code_lines):
                if line.endswith(";"):
                    # Only the last line may keep it, and only before `(`, `[`, ...
                    following = re.sub(r"^(?:\s+|//[^\n]*|/\*.*?\*/)*", "", text[edit.end :], flags=re.DOTALL)
                    assert position == len(code_lines) - 1 and following[:1] in "([`+-/", repr(line)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_a_variant_of_the_fixed_file_is_left_byte_identical(data, tmp_path_factory):
    text = FULLY_FIXED
    if data.draw(st.booleans(), label="reindent"):
        text = reindent(text, data.draw(st.sampled_from(["    ", "\t"]), label="unit"))
    if data.draw(st.booleans(), label="crlf"):
        text = text.replace("\n", "\r\n")
    raw = (codecs.BOM_UTF8 if data.draw(st.booleans(), label="bom") else b"") + text.encode("utf-8")
    assert plan_fix(decode_source(raw).text).status is Status.ALREADY_FIXED
    directory = tmp_path_factory.mktemp("fixed")
    path = directory / "sessions.js"
    path.write_bytes(raw)
    result = process_file(path, Settings(mode=Mode.WRITE, cwd=directory))
    assert result.outcome is Outcome.ALREADY_FIXED
    assert path.read_bytes() == raw


def test_the_generator_changes_what_it_says(tmp_path: Path):
    """The building blocks do their job on the baseline (so the properties test something)."""
    base = next(case for case in BASES if case.name == "upstream-parent").input_bytes.decode("utf-8")
    renamed = rename_locals(base, RENAMES)
    assert "const resp = await api(" in renamed and "S.messages = rows;" in renamed
    assert "const activeSid = S.session.session_id;" in renamed
    assert "data-sid" in renamed  # outside the targets nothing is renamed
    reordered = reorder_guards(base, [1, 1, 1])
    assert reordered != base and sorted(reordered.split("\n")) == sorted(base.split("\n"))
    inserted = insert_lines(base, [(3, 0), (200, 3), (9, 1)], with_statements=True)
    parse_program(inserted)
    assert inserted.count("\n") == base.count("\n") + 3
    assert "\tasync" not in reindent(base, "\t") and "\n\t\tconst data = await api(" in reindent(base, "\t")
