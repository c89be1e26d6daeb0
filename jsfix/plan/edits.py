"""Text edits: frozen values planned against one text, applied back to front.

Inserted code is written the way the file's author writes: their line
ending, their indentation unit and their semicolon habit. New lines are
attached to the end of an existing line (before its line break), so an
insertion never lands between a line's start and its first character,
where re-indentation edits go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from esprima.nodes import Node


class EditConflict(Exception):
    """Two planned edits overlap: a bug in the rules, never the user's fault."""


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str
    # Zero-width edits at the same offset keep their planning order, except
    # that edits marked `last` go after the others (closing a wrapped block).
    last: bool = False


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].last, item[0]))
    previous_end = 0
    pieces = []
    for _, edit in ordered:
        if edit.start < previous_end:
            raise EditConflict(f"edits overlap at offset {edit.start}")
        pieces.append(text[previous_end : edit.start])
        pieces.append(edit.replacement)
        previous_end = edit.end
    pieces.append(text[previous_end:])
    return "".join(pieces)


@dataclass(frozen=True)
class Style:
    newline: str
    indent_unit: str
    semicolons: bool


# Lines that would continue the previous statement when it has no semicolon.
_ASI_HAZARD = re.compile(r"[ \t]*[(\[`+\-/]")
_WHITESPACE_AND_COMMENTS = re.compile(r"(?:\s+|//[^\r\n]*|/\*.*?\*/)*", re.DOTALL)
_REST_OF_LINE_IS_TRIVIA = re.compile(r"[ \t]*(?:/\*(?:[^*\r\n]|\*(?!/))*\*/[ \t]*)*(?://[^\r\n]*)?(?=\r?\n|$)")


class Layout:
    """Where lines go in one text, and how they are written in its style."""

    def __init__(self, text: str, style: Style) -> None:
        self.text = text
        self.style = style

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """Index of the line break (or end of text) of the line holding `index`."""
        end = self.text.find("\n", index)
        if end == -1:
            return len(self.text)
        return end - 1 if end > 0 and self.text[end - 1] == "\r" else end

    def indentation(self, index: int) -> str:
        start = self.line_start(index)
        return re.match(r"[ \t]*", self.text[start:]).group()

    def indent_of(self, node: Node) -> str:
        return self.indentation(node.range[0])

    def render(self, lines: Sequence[str], indent: str, *, before: str, same_line: bool = False) -> str:
        """`lines` as text, each behind a line break, each after `indent`.

        A line's own leading tabs count as levels of the file's indent unit.
        `before` is the code that will follow, to keep a semicolon-free file
        safe from automatic semicolon insertion; when it follows on the same
        line (`same_line`), the last line keeps its semicolon.
        """
        out = []
        for position, line in enumerate(lines):
            depth = len(line) - len(line.lstrip("\t"))
            code = line[depth:]
            is_last = position == len(lines) - 1
            is_comment = code.startswith("//")
            if not self.style.semicolons and not is_comment and code.endswith(";") and not (
                is_last and (same_line or _ASI_HAZARD.match(before))
            ):
                code = code[:-1]
            out.append(self.style.newline + indent + self.style.indent_unit * depth + code)
        return "".join(out)

    def insert_after(self, node: Node, lines: Sequence[str], indent: str | None = None) -> Edit:
        """New lines right after the line that `node` ends on."""
        indent = self.indent_of(node) if indent is None else indent
        at = node.range[1]
        trivia = _REST_OF_LINE_IS_TRIVIA.match(self.text, at)
        if trivia:
            at = trivia.end()
        # Without trivia, code follows on the same line: it ends up after the
        # last new line, so that line must keep its semicolon.
        return Edit(at, at, self.render(lines, indent, before=self._next_code(at), same_line=not trivia))

    def insert_before(self, node: Node, lines: Sequence[str], indent: str | None = None) -> Edit:
        """New lines right before the line that `node` starts on."""
        indent = self.indent_of(node) if indent is None else indent
        line_start = self.line_start(node.range[0])
        code_before = self.text[line_start : node.range[0]].strip(" \t")
        if code_before:
            # Code before `node` on its line (`} else { S.messages = x; }`):
            # going above that line would put the new lines in another block.
            at = node.range[0]
            if code_before.endswith("{"):
                indent += self.style.indent_unit
            rendered = self.render(lines, indent, before=self.text[at:])
            return Edit(at, at, rendered + self.style.newline + indent)
        if line_start == 0:
            text = self.render(lines, indent, before=self.text)[len(self.style.newline) :]
            return Edit(0, 0, text + self.style.newline)
        at = line_start - 1
        if at > 0 and self.text[at - 1] == "\r":
            at -= 1
        return Edit(at, at, self.render(lines, indent, before=self.text[node.range[0] :]))

    def _next_code(self, index: int) -> str:
        """The text from the next token on: whitespace and comments skipped."""
        return self.text[_WHITESPACE_AND_COMMENTS.match(self.text, index).end() :]


def reindent_lines(layout: Layout, start: int, end: int, skip: Sequence[tuple[int, int]]) -> list[Edit]:
    """One more indent unit at the start of every non-blank line from `start` to `end`.

    Line starts strictly inside a `skip` span (a multi-line string or template
    literal) are left alone: indenting there would change the string's value.
    """
    edits = []
    if start > end:
        # Nothing starts a line in the region (it all shares one line, maybe
        # the file's last): going back to that line's start would leave it.
        return edits
    position = layout.line_start(start)
    text = layout.text
    while position <= end and position < len(text):
        inside_literal = any(low < position < high for low, high in skip)
        line_break = text.find("\n", position)
        line = text[position : len(text) if line_break == -1 else line_break]
        if not inside_literal and line.strip():
            edits.append(Edit(position, position, layout.style.indent_unit))
        if line_break == -1:
            break
        position = line_break + 1
    return edits
