"""Top-level declarations and comments of JavaScript, read from its tokens.

Just enough for the generated tests, which run without a parser: slice a
top-level declaration out of the file, and blank out its comments, from the
tokens of lexer.py.
"""

import functools
import re

from jsfix.testgen.support.lexer import _LINE_BREAKS, _STATEMENT, _tokens


@functools.lru_cache(maxsize=8)
def _code_tokens(text):
    return [token for token in _tokens(text) if token[0] != "comment"]


@functools.lru_cache(maxsize=8)
def _top_level_declarations(text):
    """{name: (start, end)} of each name a top-level statement declares; the first wins.

    The span is the declaration statement without `export`; every simple
    name of a `let`/`const`/`var` statement maps to the whole statement.
    """
    tokens = _code_tokens(text)
    found = {}
    for index, token in enumerate(tokens):
        if token[4] == 0 and token[5] == _STATEMENT:
            for name, span in _declared_at(text, tokens, index):
                found.setdefault(name, span)
    return found


def _declared_at(text, tokens, index):
    """(name, span) pairs of the declaration statement starting at tokens[index]."""
    first = index
    if (
        _is_word(tokens, index, "async")
        and _is_word(tokens, index + 1, "function")
        and not _LINE_BREAKS.search(text, tokens[index][3], tokens[index + 1][2])
    ):
        index += 1
    if _is_word(tokens, index, "function"):
        name = index + (2 if _is_punct(tokens, index + 1, "*") else 1)
        return _named(tokens, first, name)
    if _is_word(tokens, index, "class") and not _is_word(tokens, index + 1, "extends"):
        return _named(tokens, first, index + 1)
    if tokens[index][0] == "name" and tokens[index][1] in ("let", "const", "var"):
        return _declarators(tokens, index)
    return []


def _named(tokens, first, name):
    """A function or class declaration: its name, to the `}` that closes its body."""
    if name >= len(tokens) or tokens[name][0] != "name":
        return []
    depth = tokens[first][4]
    for token in tokens[name:]:
        if token[4] == depth and token[0] == "punct" and token[1] == "}":
            return [(tokens[name][1], (tokens[first][2], token[3]))]
    return []


def _declarators(tokens, first):
    """The simple names a `let`/`const`/`var` statement declares, each with its span."""
    depth = tokens[first][4]
    names = []
    expect_binding = True
    end = tokens[-1][3]
    for index in range(first + 1, len(tokens)):
        kind, value, _, stop, token_depth, starts = tokens[index]
        if token_depth < depth or (token_depth == depth and starts is not None):
            end = tokens[index - 1][3]
            break
        if token_depth == depth and kind == "punct" and value == ";":
            end = stop
            break
        if expect_binding and kind == "name":
            names.append(value)
        expect_binding = token_depth == depth and kind == "punct" and value == ","
    return [(name, (tokens[first][2], end)) for name in names]


def _is_word(tokens, index, word):
    return index < len(tokens) and tokens[index][:2] == ("name", word)


def _is_punct(tokens, index, value):
    return index < len(tokens) and tokens[index][:2] == ("punct", value)


def _declaration_span(text, name):
    """(start, end) of the top-level declaration of `name` (without `export`), or None."""
    return _top_level_declarations(text).get(name)


def _declaration_source(text, name):
    span = _declaration_span(text, name)
    return None if span is None else text[span[0] : span[1]]


def _blank_comments(code):
    """`code` with every comment replaced by spaces (line breaks kept)."""
    pieces = []
    done = 0
    for kind, _, start, end, _, _ in _tokens(code):
        if kind == "comment":
            pieces.append(code[done:start])
            pieces.append(re.sub(r"[^\n\r\u2028\u2029]", " ", code[start:end]))
            done = end
    pieces.append(code[done:])
    return "".join(pieces)


def _declaration_code(text, name):
    """The top-level declaration of `name` with its comments blanked out."""
    source = _declaration_source(text, name)
    assert source is not None, f"{name} is not declared at the top level of the file"
    return _blank_comments(source)


def _assert_in_order(code, anchors, why):
    """Each of `anchors` occurs in `code`, each one after the one before it."""
    position = 0
    for index, anchor in enumerate(anchors):
        found = code.find(anchor, position)
        if found < 0:
            where = f"after {anchors[index - 1]!r}" if index else "at all"
            raise AssertionError(f"{why}\n\nNot found {where}: {anchor!r}")
        position = found + len(anchor)
