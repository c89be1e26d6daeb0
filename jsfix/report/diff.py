"""Unified diffs that `git apply` and `patch -p1` accept, and their line counts."""

from __future__ import annotations

import difflib
import re

import unidiff

_NO_NEWLINE = "\\ No newline at end of file\n"
_NEEDS_QUOTING = re.compile(r'["\\\x00-\x1f\x7f]')
_C_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\t": "\\t",
    "\n": "\\n",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}


def split_lines(text: str) -> list[str]:
    """Lines with their own endings. Only \\n ends a line, as for git."""
    lines = re.split(r"(?<=\n)", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


_CONTEXT = 3
_HUNK = re.compile(r"^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def unified_diff(before: str, after: str, path: str) -> str:
    """The diff of two texts, as difflib writes it with 3 lines of context.

    jsfix's edits touch a few hundred lines of files of thousands, so the
    lines the two texts share at both ends are set aside before difflib
    compares them (keeping the context it would show), and the hunk headers
    are moved back to the real line numbers: the same diff, much sooner.
    """
    old, new = split_lines(before), split_lines(after)
    same_start = _common_prefix(old, new)
    same_end = _common_prefix(old[same_start:][::-1], new[same_start:][::-1])
    start = max(0, same_start - _CONTEXT)
    trim = max(0, same_end - _CONTEXT)
    out = []
    for line in difflib.unified_diff(
        old[start : len(old) - trim],
        new[start : len(new) - trim],
        quote_path(f"a/{path}"),
        quote_path(f"b/{path}"),
        lineterm="\n",
        n=_CONTEXT,
    ):
        if start and line.startswith("@@"):
            line = _HUNK.sub(lambda m: f"@@ -{int(m[1]) + start}{m[2]} +{int(m[3]) + start}{m[4]} @@", line)
        out.append(line if line.endswith("\n") else line + "\n" + _NO_NEWLINE)
    return "".join(out)


def quote_path(name: str) -> str:
    """A path as git writes it in a patch: C-quoted when it holds quotes, backslashes or control characters."""
    if not _NEEDS_QUOTING.search(name):
        return name
    escaped = "".join(
        _C_ESCAPES.get(
            char,
            f"\\{ord(char):03o}" if ord(char) < 0x20 or ord(char) == 0x7F else char,
        )
        for char in name
    )
    return f'"{escaped}"'


def _common_prefix(left: list[str], right: list[str]) -> int:
    count = 0
    for a, b in zip(left, right):
        if a != b:
            break
        count += 1
    return count


def count_changes(diff: str) -> tuple[int, int]:
    """(lines added, lines removed), read back from the diff text itself."""
    if not diff:
        return 0, 0
    patch = unidiff.PatchSet(diff)
    return sum(f.added for f in patch), sum(f.removed for f in patch)
