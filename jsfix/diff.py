"""Unified diffs that `git apply` and `patch -p1` accept, and their line counts."""

from __future__ import annotations

import difflib
import re

import unidiff

_NO_NEWLINE = "\\ No newline at end of file\n"


def split_lines(text: str) -> list[str]:
    """Lines with their own endings. Only \\n ends a line, as for git."""
    lines = re.split(r"(?<=\n)", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def unified_diff(before: str, after: str, path: str) -> str:
    out = []
    for line in difflib.unified_diff(
        split_lines(before), split_lines(after), f"a/{path}", f"b/{path}", lineterm="\n", n=3
    ):
        out.append(line if line.endswith("\n") else line + "\n" + _NO_NEWLINE)
    return "".join(out)


def count_changes(diff: str) -> tuple[int, int]:
    """(lines added, lines removed), read back from the diff text itself."""
    if not diff:
        return 0, 0
    patch = unidiff.PatchSet(diff)
    return sum(f.added for f in patch), sum(f.removed for f in patch)
