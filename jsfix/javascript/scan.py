"""A fast, conservative pre-pass over a JavaScript file's top-level structure.

A full parse of a 450 KB file costs about half a second; this scanner finds
the top-level declaration heads and every code-level mention of a few names
in a few milliseconds, without building a syntax tree.  It is a lexer, not a
parser: one compiled pattern swallows everything that cannot change the
bracket structure (whitespace, punctuators, ordinary words, complete strings,
comments) in a single C-level match, and Python code runs only for brackets,
slashes, template literals and the handful of words the caller asked about.

Soundness comes first.  Whenever the lexer cannot be sure of what it sees (a
`/` that could start either a regular expression or a division and the two
readings lex differently, an unbalanced bracket, a character it does not
expect in code) it raises `ScanUncertain`, and the caller falls back to a full
parse.  It assumes the input is valid JavaScript: it does not report syntax
errors, it only refuses to guess.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Head", "Mention", "ScanUncertain", "TopLevel", "scan_top_level"]


class ScanUncertain(Exception):
    """The scanner could not be sure of the structure; the caller falls back to a full esprima parse."""


@dataclass(frozen=True)
class Head:
    keyword: str  # 'function' | 'async function' | 'let' | 'const' | 'var' | 'class' | 'import' | 'export'
    name: str | None  # declared name: first binding of let/const/var, default binding of import; else None
    start: int  # index of the statement's first character (`export`, `async`, `let`, ...)
    body_end: int | None  # function/class declarations: index just past the body's closing `}`
    exported: bool  # the statement starts with `export` (also True for keyword == 'export')


@dataclass(frozen=True)
class Mention:
    name: str
    start: int  # index of the identifier
    depth: int  # bracket nesting ( [ { and template `${` at that point; 0 = top level
    declares: str | None  # 'function' | 'async function' | 'let' | 'const' | 'var' | 'class' | 'method' | None


@dataclass(frozen=True)
class TopLevel:
    heads: tuple[Head, ...]
    mentions: tuple[Mention, ...]
    is_module: bool


# --- character classes -------------------------------------------------------

_LT = "\n\r\u2028\u2029"
_WS = "\t\v\f \u00a0\ufeff\u1680\u2000-\u200a\u202f\u205f\u3000" + _LT
_JS_SPACE = "\t\v\f \u00a0\ufeff\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_IDC = r"\w$\u200c\u200d"  # identifier characters (also swallows numbers)
# Punctuator characters that never matter on their own.  `<` and `-` are
# handled apart so that HTML-like comments (`<!--`, `-->`) are noticed.
_PLAIN_PUNCT = re.escape("!%&*+,.:;=>?^|~#")

_SQ = r"'[^'\\\n\r]*+(?:\\(?:\r\n|[\s\S])[^'\\\n\r]*+)*+'"
_DQ = r'"[^"\\\n\r]*+(?:\\(?:\r\n|[\s\S])[^"\\\n\r]*+)*+"'
_LINE_COMMENT = rf"//[^{_LT}]*+"
_BLOCK_COMMENT = r"/\*[^*]*+\*++(?:[^/*][^*]*+\*++)*+/"
_SKIP = rf"(?:[{_WS}]++|{_LINE_COMMENT}|{_BLOCK_COMMENT})*+"
_IDENT = rf"(?!\d)[{_IDC}]+"

# The statement keywords that open a top-level head.
_HEAD_KEYWORDS = ("function", "async", "let", "const", "var", "class", "import", "export")


def _boring(excluded_words: Iterable[str]) -> re.Pattern[str]:
    """Everything up to the next token the scanner must look at."""
    words = sorted(set(excluded_words), key=len, reverse=True)
    guard = rf"(?!(?:{'|'.join(map(re.escape, words))})(?![{_IDC}]))" if words else ""
    atom = "|".join(
        (
            rf"[{_WS}{_PLAIN_PUNCT}]++",
            r"<(?!!--)",
            r"-(?!->)",
            rf"{guard}[{_IDC}]++",
            _SQ,
            _DQ,
            _LINE_COMMENT,
            _BLOCK_COMMENT,
        )
    )
    return re.compile(rf"(?:{atom})*+")


@functools.lru_cache(maxsize=32)
def _patterns(names: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(pattern at top level, pattern inside brackets)."""
    return _boring(names + _HEAD_KEYWORDS), _boring(names)


_WORD = re.compile(rf"[{_IDC}]+")
_NAME_OK = re.compile(rf"(?!\d)[{_IDC}]+\Z")

# Rest of a template literal after "`" or after the "}" closing a "${".
_TEMPLATE_REST = re.compile(r"[^`\\$]*+(?:(?:\\[\s\S]|\$(?!\{))[^`\\$]*+)*+(`|\$\{)")

# A regular expression literal, by the token grammar of ECMA-262 (which does
# not depend on the flags: a `/` inside a v-mode nested class must be escaped).
_REGEX = re.compile(
    rf"/(?:[^/\\\[{_LT}]|\\[^{_LT}]|\[(?:[^\]\\{_LT}]|\\[^{_LT}])*+\])++/[{_IDC}]*+"
)

# The tokens of a run the main pattern skipped, lexed again only when the
# scanner needs the token before a `/`, a keyword or a name.
_RUN_TOKEN = re.compile(
    rf"""(?P<skip>[{_WS}]++|{_LINE_COMMENT}|{_BLOCK_COMMENT})
    |(?P<lit>{_SQ}|{_DQ})
    |(?P<num>\d[{_IDC}]*+(?:\.[{_IDC}]*+)?|\.\d[{_IDC}]*+)
    |(?P<word>[{_IDC}]++)
    |(?P<punct>\+\+|--|\.\.\.|\?\.(?!\d)|=>|[^{_IDC}{_WS}])""",
    re.VERBOSE,
)

_SKIP_RE = re.compile(_SKIP)
_HASHBANG = re.compile(rf"(?:#![^{_LT}]*+)?")
_ASYNC_FUNCTION = re.compile(rf"[{_JS_SPACE}]++function(?![{_IDC}])")
_COMMENT_AHEAD = re.compile(rf"[{_JS_SPACE}]*+/[/*]")
_FUNCTION_NAME = re.compile(rf"{_SKIP}(?:\*{_SKIP})?({_IDENT})?")
_BINDING_NAME = re.compile(rf"{_SKIP}({_IDENT})?")
_IMPORT_DEFAULT = re.compile(rf"{_SKIP}({_IDENT})(?={_SKIP}(?:,|from(?![{_IDC}])))")
_EXPORT_INNER = re.compile(
    rf"{_SKIP}(?:(default)(?![{_IDC}]){_SKIP})?"
    rf"(?:(async[{_JS_SPACE}]++function|function|class|let|const|var)(?![{_IDC}]))?"
)

# Words that cannot name a binding, so `let` followed by one of them is the
# identifier `let`, not a declaration.
_RESERVED = frozenset((
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete",
    "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if",
    "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw",
    "true", "try", "typeof", "var", "void", "while", "with",
))  # fmt: skip
# After these words an expression starts: a `/` begins a regular expression.
_EXPRESSION_KEYWORDS = frozenset((
    "return", "typeof", "case", "do", "else", "in", "new", "delete", "void", "throw",
    "instanceof", "extends", "default",
))  # fmt: skip
# Contextual keywords that may also be plain identifiers.
_CONTEXTUAL_KEYWORDS = frozenset(("of", "yield", "await"))
_CONTROL_KEYWORDS = frozenset(("if", "while", "for", "with"))
# A `{` right after `)` of one of these, or after one of the words, opens a block.
_BLOCK_PARENS = _CONTROL_KEYWORDS | {"switch", "catch"}
_BLOCK_WORDS = frozenset(("else", "try", "catch", "finally", "do"))
_METHOD_PREFIXES = frozenset(("async", "static", "get", "set"))

# A token is (kind, value, start, extra).  kind is one of 'start', 'word',
# 'num', 'lit', 'punct', 'open', 'close'.  For 'word', extra is True when the
# word is a property name (after `.` or `?.`); for a `)` it is the position of
# the matching `(` and of the skipped run before it; for the `function` of
# `async function` it is 'async'.
_START = ("start", "", -1, None)
_AMBIGUOUS = None


def _run_tokens(text: str, start: int, end: int) -> list[tuple]:
    tokens: list[tuple] = []
    for m in _RUN_TOKEN.finditer(text, start, end):
        kind = m.lastgroup
        if kind == "skip":
            continue
        value = m.group()
        if kind == "word":
            prop = bool(tokens) and tokens[-1][0] == "punct" and tokens[-1][1] in (".", "?.")
            tokens.append(("word", value, m.start(), prop))
        else:
            tokens.append((kind, value, m.start(), None))
    return tokens


def _previous(text: str, run_start: int, pos: int, last: tuple) -> list[tuple]:
    """Tokens before `pos`, nearest first, ending with the last token the main loop saw."""
    tokens = _run_tokens(text, run_start, pos)
    tokens.reverse()
    tokens.append(last)
    return tokens


def _control_keyword(text: str, open_pos: int, open_run: int, keywords=_CONTROL_KEYWORDS) -> str | None:
    """'if', 'while', 'for' or 'with' when the `(` at open_pos is that statement's."""
    tokens = _run_tokens(text, open_run, open_pos)
    if not tokens:
        return None
    kind, value, _, prop = tokens[-1]
    if kind != "word" or prop:
        return None
    if value in keywords:
        return value
    if value == "await" and len(tokens) > 1 and tokens[-2][:2] == ("word", "for") and not tokens[-2][3]:
        return "for"
    return None


def _slash_starts_regex(text: str, prev: tuple) -> bool | None:
    """True: regular expression, False: division, None: cannot tell."""
    kind, value, _, extra = prev
    if kind in ("start", "open"):
        return True
    if kind in ("lit", "num"):
        return False
    if kind == "word":
        if extra is True:
            return False
        if value in _EXPRESSION_KEYWORDS:
            return True
        if value in _CONTEXTUAL_KEYWORDS:
            return _AMBIGUOUS
        return False
    if kind == "close":
        if value == ")":
            return _control_keyword(text, *extra) is not None
        if value == "]":
            return False
        # `}` ends a block (then a regex) or an object literal (then a division).
        braces = _brace_kind(text, *extra)
        return _AMBIGUOUS if braces is None else braces == "block"
    # A punctuator; after `++`/`--` the operator is postfix, since a prefix
    # one cannot apply to a regular expression.
    return value not in ("++", "--")


def _brace_kind(text: str, open_pos: int, open_run: int, before: tuple) -> str | None:
    """'block' or 'object' for the `{` at open_pos, judged by the token before it; None if unsure.

    `before` is the last token the main loop saw before the `{`.  Only the
    kinds that decide what a following `/` is matter: a block (or an arrow
    body, which cannot be an operand) is followed by a regex, an object
    literal by a division.  Function and class bodies stay undecided, because
    the function may be a declaration or an expression.
    """
    kind, value, _, extra = _previous(text, open_run, open_pos, before)[0]
    if kind == "start":
        return "block"
    if kind == "open":
        return "block" if value == "{" else "object"
    if kind == "close":
        if value == "}":
            return "block"
        if value == ")" and _control_keyword(text, *extra, keywords=_BLOCK_PARENS):
            return "block"
        return None
    if kind == "punct":
        if value in (";", "=>"):
            return "block"
        if value in (":", "++", "--"):
            return None
        return "object"
    if kind == "word" and extra is not True:
        if value in _BLOCK_WORDS:
            return "block"
        if value in _EXPRESSION_KEYWORDS:
            return "object"
    return None


def _starts_statement(text: str, prev: tuple, keyword: str) -> bool | None:
    """Whether the declaration `keyword` after `prev` begins a new statement."""
    kind, value, _, extra = prev
    if kind in ("start", "lit", "num"):
        return True
    if kind == "word":
        if extra is True:
            return True
        if value == "return" or value in _CONTEXTUAL_KEYWORDS or value == "export":
            return _AMBIGUOUS  # top-level `return` is an error; the others may be identifiers
        # An identifier ends the previous statement (ASI); a keyword such as
        # `else` or `typeof` expects more of the same one.
        return value not in _EXPRESSION_KEYWORDS
    if kind == "close":
        if value == ")":
            control = _control_keyword(text, *extra)
            if control == "while":
                # `while (x) var y` or the end of `do ... while (x)`; esprima
                # also takes `while (x) class {} * b` as the loop's expression
                # (`let` may be an identifier).
                return _AMBIGUOUS if keyword in ("var", "let", "class") else True
            return control is None
        return True
    if kind == "open":
        return False
    return value in (";", "++", "--")


def _declares(text: str, prev: list[tuple]) -> str | None:
    """What the tokens right before a name make of it, for declarations."""
    p1 = prev[0]
    if p1[0] == "punct" and p1[1] == "*" and len(prev) > 1:
        p1, prev = prev[1], prev[1:]
    if p1[0] != "word" or p1[3] is True:
        return None
    if p1[1] == "function":
        if p1[3] == "async":
            return "async function"
        p2 = prev[1] if len(prev) > 1 else _START
        same_line = not any(c in _LT for c in text[p2[2] + 5 : p1[2]])
        if p2[0] == "word" and p2[1] == "async" and p2[3] is not True and same_line:
            return "async function"
        return "function"
    if p1[1] in ("let", "const", "var", "class"):
        return p1[1]
    return None


def _may_start_method(prev: tuple) -> bool:
    kind, value, _, extra = prev
    if kind == "open":
        return value == "{"
    if kind == "close":
        return value == "}"
    if kind == "punct":
        return value in (",", ";", "*")
    if kind == "word":
        return value in _METHOD_PREFIXES and extra is not True
    return False


_LITERAL = ("lit", "", -1, None)
_OPEN_TEMPLATE = ("open", "${", -1, None)


def _template_piece(text: str, opener: int, stack: list[tuple]) -> tuple[int, tuple]:
    """Template text after the backtick or `}` at `opener`, up to its end or the next `${`.

    Returns where scanning resumes and the token it ends on; a `${` is pushed
    on `stack` so its `}` resumes the template.
    """
    m = _TEMPLATE_REST.match(text, opener + 1)
    if m is None:
        raise _uncertain(text, opener, "unterminated template literal")
    pos = m.end()
    if m.group(1) == "`":
        return pos, _LITERAL
    stack.append(("$", pos - 2, pos))
    return pos, _OPEN_TEMPLATE


def _uncertain(text: str, pos: int, why: str) -> ScanUncertain:
    line = text.count("\n", 0, pos) + 1
    return ScanUncertain(f"{why} at line {line} (offset {pos})")


def scan_top_level(text: str, names: Iterable[str]) -> TopLevel:
    """Report the top-level declaration heads of `text` and where `names` occur in code.

    Raises ScanUncertain when the structure cannot be established with
    certainty by lexing alone.
    """
    if isinstance(names, str):
        raise TypeError("names must be an iterable of identifiers, not one string")
    names = tuple(dict.fromkeys(names))
    for name in names:
        if not _NAME_OK.match(name) or name in _HEAD_KEYWORDS or name in _RESERVED:
            raise ValueError(f"not a plain identifier: {name!r}")
    top_pattern, nested_pattern = _patterns(names)
    top_match = top_pattern.match
    nested_match = nested_pattern.match
    name_set = frozenset(names)

    n = len(text)
    pos = _HASHBANG.match(text).end()

    # Open brackets as (char, position, start of the skipped run before it),
    # and for `{` also the last token before that run; char '$' is a
    # template substitution `${`.
    stack: list[tuple] = []
    heads: list[list] = []  # [keyword, name, start, body_end, exported]
    mentions: list[list] = []  # [name, start, depth, declares]
    is_module = False
    awaiting_body: int | None = None  # head whose `{` has not been seen yet
    body_head: int | None = None  # head whose body is open at depth 1
    pending_methods: dict[int, int] = {}  # `(` position -> mention index
    last: tuple = _START

    open_paren = ("open", "(", -1, None)
    open_bracket = ("open", "[", -1, None)
    open_brace = ("open", "{", -1, None)
    close_bracket = ("close", "]", -1, None)
    literal = _LITERAL

    while True:
        run_start = pos
        t = (nested_match if stack else top_match)(text, pos).end()
        if t >= n:
            break
        c = text[t]

        if c == "(":
            stack.append(("(", t, run_start))
            last = open_paren
            pos = t + 1
        elif c == ")":
            if not stack or stack[-1][0] != "(":
                raise _uncertain(text, t, "unbalanced ')'")
            _, open_pos, open_run = stack.pop()
            last = ("close", ")", t, (open_pos, open_run))
            pos = t + 1
            if pending_methods:
                index = pending_methods.pop(open_pos, None)
                if index is not None:
                    after = _SKIP_RE.match(text, pos).end()
                    if text.startswith("{", after):
                        mentions[index][3] = "method"
        elif c == "{":
            if not stack and awaiting_body is not None:
                if heads[awaiting_body][0] == "class":
                    prev = _previous(text, run_start, t, last)[0]
                    if prev[0] in ("punct", "open") or (prev[0] == "word" and prev[1] in ("extends", "new")):
                        raise _uncertain(text, t, "object literal in a class heritage")
                body_head, awaiting_body = awaiting_body, None
            stack.append(("{", t, run_start, last))
            last = open_brace
            pos = t + 1
        elif c == "}":
            if not stack:
                raise _uncertain(text, t, "unbalanced '}'")
            frame = stack.pop()
            kind = frame[0]
            if kind == "$":
                pos, last = _template_piece(text, t, stack)
            elif kind != "{":
                raise _uncertain(text, t, "unbalanced '}'")
            else:
                last = ("close", "}", t, frame[1:])
                pos = t + 1
                if not stack and body_head is not None:
                    heads[body_head][3] = pos
                    body_head = None
        elif c == "[":
            stack.append(("[", t, run_start))
            last = open_bracket
            pos = t + 1
        elif c == "]":
            if not stack or stack[-1][0] != "[":
                raise _uncertain(text, t, "unbalanced ']'")
            stack.pop()
            last = close_bracket
            pos = t + 1
        elif c == "/":
            if text.startswith("*", t + 1):
                raise _uncertain(text, t, "unterminated block comment")
            if not stack and awaiting_body is not None:
                raise _uncertain(text, t, "'/' between a declaration and its body")
            prev = _previous(text, run_start, t, last)[0]
            regex = _slash_starts_regex(text, prev)
            m = _REGEX.match(text, t)
            if regex is _AMBIGUOUS:
                if m is not None:
                    raise _uncertain(text, t, "'/' may start a regular expression or a division")
                regex = False
            if regex:
                if m is None:
                    raise _uncertain(text, t, "unterminated regular expression")
                last = literal
                pos = m.end()
            else:
                last = ("punct", "/", t, None)
                pos = t + 1
        elif c == "`":
            if not stack and awaiting_body is not None:
                raise _uncertain(text, t, "template between a declaration and its body")
            pos, last = _template_piece(text, t, stack)
        elif c == "-":  # `-->`, which the boring pattern left out
            line_start = max(text.rfind(lt, 0, t) for lt in _LT) + 1
            before = text[line_start:t]
            if not before.strip(_JS_SPACE) or "*/" in before:
                raise _uncertain(text, t, "possible HTML-like comment '-->'")
            last = ("punct", "--", t, None)
            pos = t + 2
        elif c == "<":
            raise _uncertain(text, t, "HTML-like comment '<!--'")
        else:
            m = _WORD.match(text, t)
            if m is None:
                if c in "'\"":
                    raise _uncertain(text, t, "unterminated string literal")
                raise _uncertain(text, t, f"unexpected character {c!r} in code")
            word = m.group()
            end = m.end()
            if word in name_set and text[t - 1 : t] == "#":
                last = ("word", word, t, True)  # a private name, not the identifier
                pos = end
            elif word in name_set:
                prev = _previous(text, run_start, t, last)
                declares = _declares(text, prev)
                index = len(mentions)
                mentions.append([word, t, len(stack), declares])
                if (
                    declares is None
                    and stack
                    and stack[-1][0] == "{"
                    and _may_start_method(prev[0])
                    and _brace_kind(text, *stack[-1][1:]) != "block"
                ):
                    paren = _SKIP_RE.match(text, end).end()
                    if text.startswith("(", paren):
                        pending_methods[paren] = index
                last = ("word", word, t, None)
                pos = end
            elif stack:  # the nested pattern only stops at names
                raise _uncertain(text, t, f"internal: unexpected word {word!r}")
            else:
                pos, last, has_body, head = _top_keyword(
                    text, run_start, t, word, end, last, awaiting_body is not None
                )
                if head is not None:
                    heads.append(head)
                    if head[0] in ("import", "export") or head[4]:
                        is_module = True
                    if has_body:
                        awaiting_body = len(heads) - 1

    if stack:
        kind, open_pos = stack[-1][:2]
        what = "template literal" if kind == "$" else f"'{kind}'"
        raise _uncertain(text, open_pos, f"unclosed {what}")
    if awaiting_body is not None:
        raise _uncertain(text, heads[awaiting_body][2], "declaration without a body")
    return TopLevel(
        heads=tuple(Head(*h) for h in heads),
        mentions=tuple(Mention(*m) for m in mentions),
        is_module=is_module,
    )


def _top_keyword(
    text: str, run_start: int, t: int, word: str, end: int, last: tuple, in_head: bool
) -> tuple[int, tuple, bool, list | None]:
    """Handle a head keyword met at depth 0.

    Returns (next position, last token, whether a body `{` follows, head or None).
    """
    prev = _previous(text, run_start, t, last)[0]
    if prev[0] == "punct" and prev[1] in (".", "?."):
        return end, ("word", word, t, True), False, None  # a property name
    if in_head:
        # Between `function f(...)` / `class C extends ...` and the body:
        # only an expression in a class heritage could hold a keyword here.
        raise _uncertain(text, t, f"'{word}' between a declaration and its body")
    as_word = ("word", word, t, None)
    statement = _starts_statement(text, prev, word)

    def at_statement() -> bool:
        if statement is _AMBIGUOUS:
            raise _uncertain(text, t, f"cannot tell whether '{word}' starts a statement")
        return statement

    if word == "async":
        m = _ASYNC_FUNCTION.match(text, end)
        if m is None:
            if statement is not False and _COMMENT_AHEAD.match(text, end):
                raise _uncertain(text, t, "comment after 'async'")
            return end, as_word, False, None
        after = m.end()
        function_token = ("word", "function", after - 8, "async")
        if not at_statement():
            return after, function_token, False, None
        name = _FUNCTION_NAME.match(text, after).group(1)
        return after, function_token, True, ["async function", name, t, None, False]

    if word == "function" or word == "class":
        if not at_statement():
            return end, as_word, False, None
        return end, as_word, True, [word, _declared_name(text, word, end), t, None, False]

    if word in ("const", "var", "let"):
        if word == "let" and not _let_declares(text, end):
            return end, as_word, False, None  # the identifier `let`
        if not at_statement():
            return end, as_word, False, None
        return end, as_word, False, [word, _declared_name(text, word, end), t, None, False]

    if word == "import":
        after = _SKIP_RE.match(text, end).end()
        if text.startswith(("(", "."), after):
            return end, as_word, False, None  # import() or import.meta
        if not at_statement():
            return end, as_word, False, None
        m = _IMPORT_DEFAULT.match(text, end)
        return end, as_word, False, ["import", m.group(1) if m else None, t, None, False]

    # export: only ever a top-level statement.
    if not at_statement():
        return end, as_word, False, None
    m = _EXPORT_INNER.match(text, end)
    default, inner = m.group(1), m.group(2)
    if default and inner in ("let", "const", "var"):
        inner = None  # `export default let ...` exports an expression
    if inner is None:
        if default:
            after = _SKIP_RE.match(text, m.end(1)).end()
            return after, ("word", "default", m.start(1), None), False, ["export", None, t, None, True]
        return end, as_word, False, ["export", None, t, None, True]
    after = m.end(2)
    if inner.startswith("async"):
        name = _declared_name(text, "function", after)
        return after, ("word", "function", after - 8, "async"), True, ["async function", name, t, None, True]
    head = [inner, _declared_name(text, inner, after), t, None, True]
    return after, ("word", inner, m.start(2), None), inner in ("function", "class"), head


def _declared_name(text: str, keyword: str, end: int) -> str | None:
    """The simple name after a declaration keyword ending at `end`, if any."""
    if keyword == "function":
        return _FUNCTION_NAME.match(text, end).group(1)
    name = _BINDING_NAME.match(text, end).group(1)
    if name in _RESERVED:
        return None  # `class extends ...`
    return name


def _let_declares(text: str, end: int) -> bool:
    """`let` starts a declaration when a binding name or pattern follows."""
    m = _BINDING_NAME.match(text, end)
    if m.group(1) is not None:
        return m.group(1) not in _RESERVED
    return text.startswith(("[", "{"), m.end())
