"""The diff sets aside the lines both texts share at the ends, and stays difflib's diff."""

from __future__ import annotations

import difflib

import pytest
from conftest import Case, must_fix_cases

from jsfix.javascript.source import decode_source
from jsfix.report.diff import split_lines, unified_diff

MUST_FIX = must_fix_cases()


def whole_file_diff(before: str, after: str, path: str) -> str:
    lines = difflib.unified_diff(split_lines(before), split_lines(after), f"a/{path}", f"b/{path}", lineterm="\n", n=3)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@pytest.mark.parametrize("case", MUST_FIX, ids=[case.name for case in MUST_FIX])
def test_the_diff_of_jsfixs_edits_is_difflibs_diff_of_the_whole_file(case: Case):
    before = decode_source(case.input_bytes).text
    after = decode_source(case.expected_bytes).text
    assert unified_diff(before, after, "static/sessions.js") == whole_file_diff(before, after, "static/sessions.js")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a\nb\nc\n", "a\nb\nc\nd\n"),  # at the end
        ("a\nb\nc\n", "z\na\nb\nc\n"),  # at the start
        ("".join(f"{n}\n" for n in range(40)), "".join(f"{n}\n" for n in range(40) if n != 20)),
        ("x\n" * 30 + "y", "x\n" * 30 + "y\nz"),  # no newline at the end, before and after
        ("", "a\n"),
    ],
)
def test_line_numbers_survive_setting_the_shared_lines_aside(before: str, after: str):
    assert unified_diff(before, after, "f.js") == whole_file_diff(before, after, "f.js")
