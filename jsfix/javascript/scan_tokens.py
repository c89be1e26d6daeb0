"""The scanner's vocabulary: the patterns it lexes with, its tokens, and what it reports, as named records.

The main pattern swallows everything that cannot change the bracket
structure in one C-level match; the run it skipped is lexed again, token by
token, only when the scanner needs the token before a `/`, a keyword or a
name (`previous_tokens`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass


class ScanUncertain(Exception):
    """The scanner could not be sure of the structure; the caller falls back to a full esprima parse."""


def uncertain(text: str, pos: int, why: str) -> ScanUncertain:
    line = text.count("\n", 0, pos) + 1
    return ScanUncertain(f"{why} at line {line} (offset {pos})")


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


# An open bracket is a plain tuple (char, pos, run_start, before), read
# through the names below: char is `(`, `[`, `{`, or `$` for a template
# substitution `${`; pos is where it stands; run_start is where the skipped
# run before it started; before, for `{`, is the last token the main loop saw
# before that run. The scanner makes one per bracket, thousands a file: as a
# record class it cost three times a tuple and made the whole scan 1.17x
# slower. Tokens, fewer, are slotted classes, the cheapest records to build.
Bracket = tuple  # (char, pos, run_start, before)
CHAR, POS, RUN_START, BEFORE = range(4)


@dataclass(slots=True, eq=False)
class Token:
    """One token, as the scanner judges what follows it.

    kind is 'start', 'word', 'num', 'lit', 'punct', 'open' or 'close'.
    """

    kind: str
    value: str
    start: int
    is_property: bool = False  # a word after `.` or `?.`: a property name, not an identifier
    after_async: bool = False  # the `function` of `async function`
    opener: Bracket | None = None  # for `)` and `}`: the bracket they close


START = Token("start", "", -1)
LITERAL = Token("lit", "", -1)
OPEN_TEMPLATE = Token("open", "${", -1)
OPEN_PAREN = Token("open", "(", -1)
OPEN_BRACKET = Token("open", "[", -1)
OPEN_BRACE = Token("open", "{", -1)
CLOSE_BRACKET = Token("close", "]", -1)

# --- character classes -------------------------------------------------------

LINE_TERMINATORS = "\n\r\u2028\u2029"
_WS = "\t\v\f \u00a0\ufeff\u1680\u2000-\u200a\u202f\u205f\u3000" + LINE_TERMINATORS
JS_SPACE = "\t\v\f \u00a0\ufeff\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_IDC = r"\w$\u200c\u200d"  # identifier characters (also swallows numbers)
# Punctuator characters that never matter on their own.  `<` and `-` are
# handled apart so that HTML-like comments (`<!--`, `-->`) are noticed.
_PLAIN_PUNCT = re.escape("!%&*+,.:;=>?^|~#")

_SQ = r"'[^'\\\n\r]*+(?:\\(?:\r\n|[\s\S])[^'\\\n\r]*+)*+'"
_DQ = r'"[^"\\\n\r]*+(?:\\(?:\r\n|[\s\S])[^"\\\n\r]*+)*+"'
_LINE_COMMENT = rf"//[^{LINE_TERMINATORS}]*+"
_BLOCK_COMMENT = r"/\*[^*]*+\*++(?:[^/*][^*]*+\*++)*+/"
_SKIP = rf"(?:[{_WS}]++|{_LINE_COMMENT}|{_BLOCK_COMMENT})*+"
_IDENT = rf"(?!\d)[{_IDC}]+"

# The statement keywords that open a top-level head.
HEAD_KEYWORDS = ("function", "async", "let", "const", "var", "class", "import", "export")


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
def boring_patterns(names: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(pattern at top level, pattern inside brackets)."""
    return _boring(names + HEAD_KEYWORDS), _boring(names)


WORD = re.compile(rf"[{_IDC}]+")
NAME_OK = re.compile(rf"(?!\d)[{_IDC}]+\Z")

# Rest of a template literal after "`" or after the "}" closing a "${".
TEMPLATE_REST = re.compile(r"[^`\\$]*+(?:(?:\\[\s\S]|\$(?!\{))[^`\\$]*+)*+(`|\$\{)")

# A regular expression literal, by the token grammar of ECMA-262 (which does
# not depend on the flags: a `/` inside a v-mode nested class must be escaped).
REGEX = re.compile(
    rf"/(?:[^/\\\[{LINE_TERMINATORS}]|\\[^{LINE_TERMINATORS}]|\[(?:[^\]\\{LINE_TERMINATORS}]|\\[^{LINE_TERMINATORS}])*+\])++/[{_IDC}]*+"
)

_RUN_TOKEN = re.compile(
    rf"""(?P<skip>[{_WS}]++|{_LINE_COMMENT}|{_BLOCK_COMMENT})
    |(?P<lit>{_SQ}|{_DQ})
    |(?P<num>\d[{_IDC}]*+(?:\.[{_IDC}]*+)?|\.\d[{_IDC}]*+)
    |(?P<word>[{_IDC}]++)
    |(?P<punct>\+\+|--|\.\.\.|\?\.(?!\d)|=>|[^{_IDC}{_WS}])""",
    re.VERBOSE,
)

SKIP = re.compile(_SKIP)
HASHBANG = re.compile(rf"(?:#![^{LINE_TERMINATORS}]*+)?")
ASYNC_FUNCTION = re.compile(rf"[{JS_SPACE}]++function(?![{_IDC}])")
COMMENT_AHEAD = re.compile(rf"[{JS_SPACE}]*+/[/*]")
FUNCTION_NAME = re.compile(rf"{_SKIP}(?:\*{_SKIP})?({_IDENT})?")
BINDING_NAME = re.compile(rf"{_SKIP}({_IDENT})?")
IMPORT_DEFAULT = re.compile(rf"{_SKIP}({_IDENT})(?={_SKIP}(?:,|from(?![{_IDC}])))")
EXPORT_INNER = re.compile(
    rf"{_SKIP}(?:(default)(?![{_IDC}]){_SKIP})?"
    rf"(?:(async[{JS_SPACE}]++function|function|class|let|const|var)(?![{_IDC}]))?"
)


def run_tokens(text: str, start: int, end: int) -> list[Token]:
    """The tokens of text[start:end], a run the main pattern skipped."""
    tokens: list[Token] = []
    for found in _RUN_TOKEN.finditer(text, start, end):
        kind = found.lastgroup
        if kind == "skip":
            continue
        is_property = kind == "word" and bool(tokens) and tokens[-1].kind == "punct" and tokens[-1].value in (".", "?.")
        tokens.append(Token(kind, found.group(), found.start(), is_property))
    return tokens


def nearest_token(text: str, run_start: int, pos: int, last: Token) -> Token:
    """previous_tokens(...)[0], without making the others: most stops read only the nearest."""
    before = nearest = None
    for found in _RUN_TOKEN.finditer(text, run_start, pos):
        if found.lastgroup != "skip":
            before, nearest = nearest, found
    if nearest is None:
        return last
    kind = nearest.lastgroup
    is_property = kind == "word" and before is not None and before.lastgroup == "punct" and before.group() in (".", "?.")
    return Token(kind, nearest.group(), nearest.start(), is_property)


def previous_tokens(text: str, run_start: int, pos: int, last: Token) -> list[Token]:
    """Tokens before `pos`, nearest first, ending with the last token the main loop saw."""
    tokens = run_tokens(text, run_start, pos)
    tokens.reverse()
    tokens.append(last)
    return tokens
