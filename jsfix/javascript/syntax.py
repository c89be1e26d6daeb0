"""A whole-file syntax screen fast enough for the previews.

`check` and `apply --dry-run` report a syntax error anywhere in a file that
needs the fix, as a write does. esprima's full parse costs about 0.15 s per
130 KB; tree-sitter-javascript parses the same text in about 20 ms. It only
screens: a clean text lets the preview go on, and anything suspect (an ERROR
or MISSING node, or one of the errors tree-sitter accepts, jsfix/javascript/early_errors.py)
sends the file to the checks a write makes, where esprima decides and words
the message. esprima stays the parser of record: where they disagree, esprima wins.

Without tree-sitter installed, `looks_clean` says False and every preview
takes esprima's full parse: slower, never less strict.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from jsfix.javascript.early_errors import QUERY, first_early_error


@dataclass(frozen=True)
class Suspect:
    """Why esprima should look: what tree-sitter saw, and where (esprima's line and column)."""

    what: str
    line: int
    column: int


@functools.cache
def _tools():
    try:
        import tree_sitter
        import tree_sitter_javascript
    except ImportError:
        return None
    try:
        language = tree_sitter.Language(tree_sitter_javascript.language())
        query = tree_sitter.Query(language, QUERY)
    except (ValueError, tree_sitter.QueryError):
        return None  # a grammar outside the pinned range: esprima checks every preview
    return tree_sitter.Parser(language), tree_sitter.QueryCursor(query)


def available() -> bool:
    return _tools() is not None


def looks_clean(text: str) -> bool:
    """Nothing in `text` is suspect (False when tree-sitter is not installed)."""
    return available() and find_suspect(text) is None


def find_suspect(text: str) -> Suspect | None:
    """The first reason to ask esprima about `text`, or None when tree-sitter sees none."""
    tools = _tools()
    if tools is None:
        return None
    parser, query = tools
    data = text.encode("utf-8")
    root = parser.parse(data).root_node
    if root.has_error:
        return _suspect(text, data, _first_error(root), "an ERROR or MISSING node")
    hit = first_early_error(root, data, query.captures(root))
    return None if hit is None else _suspect(text, data, *hit)


def first_error_at(text: str) -> tuple[int, int] | None:
    """Line and column of tree-sitter's first ERROR or MISSING node, as esprima counts them."""
    tools = _tools()
    if tools is None:
        return None
    data = text.encode("utf-8")
    root = tools[0].parse(data).root_node
    if not root.has_error:
        return None
    suspect = _suspect(text, data, _first_error(root), "")
    return suspect.line, suspect.column


def _first_error(node):
    while not (node.is_error or node.is_missing):
        # `has_error` marks the way down to the first one.
        node = next(child for child in node.children if child.has_error or child.is_missing)
    return node


def _suspect(text: str, data: bytes, node, what: str) -> Suspect:
    line, column = esprima_position(text, len(data[: node.start_byte].decode("utf-8")))
    return Suspect(what, line, column)


_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029]")


def esprima_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a Python index, in esprima's units (UTF-16, any line break)."""
    breaks = list(_LINE_BREAK.finditer(text, 0, index))
    line_start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, len(text[line_start:index].encode("utf-16-le")) // 2 + 1
