"""Reading JavaScript without a parser: tokens, top-level declarations, comments.

The generated tests must run in a fork that has nothing but pytest, so they
cannot use esprima. This is just enough of a JavaScript lexer to slice a
top-level declaration out of the file and to blank out its comments: it knows
strings, template literals (with nested `${...}`), regular expression
literals, comments and brackets, and nothing of the grammar beyond that.
"""

import functools
import re

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?)
    | (?P<word>[\w$]+)
    | (?P<punct>\?\.(?!\d)|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_TEMPLATE_TEXT = re.compile(r"(?:[^`\\$]|\\.|\$(?!\{))*", re.DOTALL)
_REGEX_LITERAL = re.compile(r"/(?:[^\\/\[\n]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[\w$]*")
# After these words a `/` starts a regular expression, not a division.
_BEFORE_EXPRESSION = frozenset(
    {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void"}
    | {"throw", "case", "do", "else", "yield", "await"}
)
_VALUE_END = frozenset(")]")
# What the scanner remembers after a string, template or regex literal: a
# complete value, after which a line break can end the statement.
_LITERAL = "literal"
_DECLARATION = re.compile(
    r"^(?:export[ \t]+(?:default[ \t]+)?)?"
    r"(?P<keyword>(?:async[ \t]+)?function\b[ \t]*\*?|class|let|const|var)[ \t]+(?P<name>[\w$]+)",
    re.MULTILINE,
)
# A line break ends a `let`/`const`/`var` statement unless the code around it
# says the expression goes on.
_CONTINUES_AFTER = frozenset("=+-*/%&|^!~<>?:,.([{") | {
    "?.",
    "new",
    "typeof",
    "in",
    "await",
}
_CONTINUES_BEFORE = frozenset("=+-*/%&|^<>?:,.([`") | {"?.", "in", "instanceof"}


def _tokens(text, start=0):
    """(kind, value, start, end) for each token of `text` from `start`, without whitespace.

    Kinds are "comment", "string" (quoted strings, template text and regular
    expression literals), "word" (names, keywords and numbers) and "punct".
    A template's `${` and the `}` that closes it come out as "{" and "}", so
    brackets always balance.
    """
    substitutions = []  # one entry per open "{": True when it opened a `${`
    previous = None
    position = start
    length = len(text)
    while position < length:
        char = text[position]
        if char == "`" or (char == "}" and substitutions and substitutions[-1]):
            if char == "}":
                substitutions.pop()
                yield "punct", "}", position, position + 1
            piece_start = position
            position = _TEMPLATE_TEXT.match(text, position + 1).end()
            if text.startswith("${", position):
                yield "string", "`", piece_start, position
                yield "punct", "{", position, position + 2
                substitutions.append(True)
                position += 2
                previous = "{"
            else:
                position = min(position + 1, length)
                yield "string", "`", piece_start, position
                previous = _LITERAL
            continue
        if (
            char == "/"
            and text[position + 1 : position + 2] not in ("/", "*")
            and _starts_expression(previous)
        ):
            literal = _REGEX_LITERAL.match(text, position)
            if literal:
                yield "string", "/", position, literal.end()
                position = literal.end()
                previous = _LITERAL
                continue
        token = _TOKEN.match(text, position)
        kind, end = token.lastgroup, token.end()
        if kind != "space":
            value = text[position:end] if kind in ("word", "punct") else text[position]
            if value == "{":
                substitutions.append(False)
            elif value == "}" and substitutions:
                substitutions.pop()
            yield kind, value, position, end
            if kind != "comment":
                previous = _LITERAL if kind == "string" else value
        position = end


def _starts_expression(previous):
    """Whether a `/` after the token `previous` begins a regular expression."""
    if previous is None:
        return True
    if previous in _VALUE_END or previous == _LITERAL:
        return False
    if previous[0].isalnum() or previous[0] in "_$":
        return previous in _BEFORE_EXPRESSION
    return True


@functools.lru_cache(maxsize=8)
def _top_level_declarations(text):
    """Where each name is declared at the top level: {name: (keyword, start)}.

    A declaration counts when it starts a line, unindented, as top-level code
    does in these files; the first one of a name wins.
    """
    found = {}
    for match in _DECLARATION.finditer(text):
        found.setdefault(match["name"], (match["keyword"], match.start("keyword")))
    return found


def _declaration_span(text, name):
    """(start, end) of the top-level declaration of `name` (without `export`), or None."""
    found = _top_level_declarations(text).get(name)
    if found is None:
        return None
    keyword, start = found
    return start, _declaration_end(text, start, keyword in ("let", "const", "var"))


def _declaration_source(text, name):
    span = _declaration_span(text, name)
    return None if span is None else text[span[0] : span[1]]


def _declaration_end(text, start, is_variable):
    depth = 0
    previous, previous_end = None, start
    for kind, value, token_start, end in _tokens(text, start):
        if kind == "comment":
            continue
        if (
            is_variable
            and depth == 0
            and "\n" in text[previous_end:token_start]
            and previous is not None
            and previous not in _CONTINUES_AFTER
            and value not in _CONTINUES_BEFORE
        ):
            return previous_end
        if kind == "punct" and value in "([{":
            depth += 1
        elif kind == "punct" and value in ")]}":
            depth -= 1
            if not is_variable and depth == 0 and value == "}":
                return end
        elif is_variable and depth == 0 and value == ";":
            return end
        previous, previous_end = _LITERAL if kind == "string" else value, end
    return previous_end


def _blank_comments(code):
    """`code` with every comment replaced by spaces (line breaks kept)."""
    pieces = []
    done = 0
    for kind, _, start, end in _tokens(code):
        if kind == "comment":
            pieces.append(code[done:start])
            pieces.append(re.sub(r"[^\n]", " ", code[start:end]))
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
