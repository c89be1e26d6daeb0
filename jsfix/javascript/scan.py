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

The vocabulary (patterns, tokens) is in scan_tokens.py, what the tokens
before a point decide is in scan_rules.py, and the declaration heads a
top-level keyword opens are in scan_heads.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from jsfix.javascript import scan_tokens as tokens
from jsfix.javascript.scan_heads import HeadDraft, read_head
from jsfix.javascript.scan_rules import (
    AMBIGUOUS,
    RESERVED,
    brace_kind,
    declares,
    may_start_method,
    slash_starts_regex,
)
from jsfix.javascript.scan_tokens import (
    CHAR,
    CLOSE_BRACKET,
    LITERAL,
    OPEN_BRACE,
    OPEN_BRACKET,
    OPEN_PAREN,
    OPEN_TEMPLATE,
    POS,
    START,
    Bracket,
    Head,
    Mention,
    ScanUncertain,
    Token,
    TopLevel,
    nearest_token,
    previous_tokens,
    uncertain,
)

__all__ = ["Head", "Mention", "ScanUncertain", "TopLevel", "scan_top_level"]


def scan_top_level(text: str, names: Iterable[str]) -> TopLevel:
    """Report the top-level declaration heads of `text` and where `names` occur in code.

    Raises ScanUncertain when the structure cannot be established with
    certainty by lexing alone.
    """
    if isinstance(names, str):
        raise TypeError("names must be an iterable of identifiers, not one string")
    names = tuple(dict.fromkeys(names))
    for name in names:
        if not tokens.NAME_OK.match(name) or name in tokens.HEAD_KEYWORDS or name in RESERVED:
            raise ValueError(f"not a plain identifier: {name!r}")
    return _Scanner(text, names).run()


class _Scanner:
    """One pass over the text: the bracket stack, the heads and mentions found so far.

    Each handler reads the stop at `at` (after a skipped run that began at
    `run_start`, with `last` the token before that run) and returns where
    scanning goes on and the token it ends on.
    """

    def __init__(self, text: str, names: tuple[str, ...]) -> None:
        self.text = text
        self.names = frozenset(names)
        self.top_match, self.nested_match = (pattern.match for pattern in tokens.boring_patterns(names))
        self.stack: list[Bracket] = []
        self.heads: list[HeadDraft] = []
        self.mentions: list[Mention] = []
        self.is_module = False
        self.awaiting_body: HeadDraft | None = None  # a head whose `{` has not been seen yet
        self.body_head: HeadDraft | None = None  # a head whose body is open at depth 1
        self.pending_methods: dict[int, int] = {}  # `(` position -> index of the mention before it
        self.handlers = {
            ")": self.unbalanced_paren, "]": self.unbalanced_bracket, "}": self.close_brace,
            "/": self.slash, "`": self.backtick, "-": self.minus, "<": self.less_than,
        }  # fmt: skip

    def run(self) -> TopLevel:
        text, end, stack, handlers, word = self.text, len(self.text), self.stack, self.handlers, self.word
        push, pop = stack.append, stack.pop
        top_match, nested_match = self.top_match, self.nested_match
        pending_methods = self.pending_methods
        pos, last = tokens.HASHBANG.match(text).end(), START
        closer: Bracket | None = None  # `last` is None: the `)` or `}` at closed_at closed this bracket
        closed_at = -1
        while True:
            run_start = pos
            at = (nested_match if stack else top_match)(text, pos).end()
            if at >= end:
                break
            char = text[at]
            # The commonest stops, brackets with nothing more to decide, are kept inline,
            # and a closer's token is built only when the next stop reads it.
            if char == "(":
                push(("(", at, run_start, None))
                pos, last = at + 1, OPEN_PAREN
            elif char == ")" and stack and stack[-1][CHAR] == "(":
                closer, closed_at = pop(), at
                pos, last = at + 1, None
                if pending_methods:
                    self.note_method(pending_methods.pop(closer[POS], None), pos)
            elif char == "[":
                push(("[", at, run_start, None))
                pos, last = at + 1, OPEN_BRACKET
            elif char == "]" and stack and stack[-1][CHAR] == "[":
                pop()
                pos, last = at + 1, CLOSE_BRACKET
            elif char == "}" and stack and stack[-1][CHAR] == "{":
                closer, closed_at = pop(), at
                pos, last = at + 1, None
                if not stack and self.body_head is not None:
                    self.body_head.body_end = pos
                    self.body_head = None
            else:
                if last is None:
                    last = Token("close", text[closed_at], closed_at, False, False, closer)
                if char == "{":
                    if not stack and self.awaiting_body is not None:
                        self.enter_body(at, run_start, last)
                    push(("{", at, run_start, last))
                    pos, last = at + 1, OPEN_BRACE
                else:
                    pos, last = handlers.get(char, word)(at, run_start, last)
        self.check_closed()
        return TopLevel(tuple(head.frozen() for head in self.heads), tuple(self.mentions), self.is_module)

    def check_closed(self) -> None:
        if self.stack:
            bracket = self.stack[-1]
            what = "template literal" if bracket[CHAR] == "$" else f"'{bracket[CHAR]}'"
            raise uncertain(self.text, bracket[POS], f"unclosed {what}")
        if self.awaiting_body is not None:
            raise uncertain(self.text, self.awaiting_body.start, "declaration without a body")

    # -- brackets ---------------------------------------------------------------

    def unbalanced_paren(self, at: int, run_start: int, last: Token) -> tuple[int, Token]:
        raise uncertain(self.text, at, "unbalanced ')'")

    def unbalanced_bracket(self, at: int, run_start: int, last: Token) -> tuple[int, Token]:
        raise uncertain(self.text, at, "unbalanced ']'")

    def note_method(self, index: int | None, pos: int) -> None:
        """The name before this `(` names a method when a `{` follows the `)`."""
        if index is not None and self.text.startswith("{", tokens.SKIP.match(self.text, pos).end()):
            mention = self.mentions[index]
            self.mentions[index] = Mention(mention.name, mention.start, mention.depth, "method")

    def enter_body(self, at: int, run_start: int, last: Token) -> None:
        """The `{` at the top level after a declaration's head opens its body."""
        self.refuse_object_in_class_heritage(at, run_start, last)
        self.body_head, self.awaiting_body = self.awaiting_body, None

    def refuse_object_in_class_heritage(self, at: int, run_start: int, last: Token) -> None:
        if self.awaiting_body.keyword != "class":
            return
        prev = nearest_token(self.text, run_start, at, last)
        if prev.kind in ("punct", "open") or (prev.kind == "word" and prev.value in ("extends", "new")):
            raise uncertain(self.text, at, "object literal in a class heritage")

    def close_brace(self, at: int, run_start: int, last: Token) -> tuple[int, Token]:
        if not self.stack:
            raise uncertain(self.text, at, "unbalanced '}'")
        bracket = self.stack.pop()
        if bracket[CHAR] == "$":
            return template_piece(self.text, at, self.stack)
        if bracket[CHAR] != "{":
            raise uncertain(self.text, at, "unbalanced '}'")
        if not self.stack and self.body_head is not None:
            self.body_head.body_end = at + 1
            self.body_head = None
        return at + 1, Token("close", "}", at, False, False, bracket)

    # -- slashes, templates, HTML-like comments -----------------------------------

    def slash(self, at: int, run_start: int, last: Token) -> tuple[int, Token]:
        text = self.text
        if text.startswith("*", at + 1):
            raise uncertain(text, at, "unterminated block comment")
        if not self.stack and self.awaiting_body is not None:
            raise uncertain(text, at, "'/' between a declaration and its body")
        regex = slash_starts_regex(text, nearest_token(text, run_start, at, last))
        literal = tokens.REGEX.match(text, at)
        if regex is AMBIGUOUS:
            if literal is not None:
                raise uncertain(text, at, "'/' may start a regular expression or a division")
            regex = False
        if not regex:
            return at + 1, Token("punct", "/", at)
        if literal is None:
            raise uncertain(text, at, "unterminated regular expression")
        return literal.end(), LITERAL

    def backtick(self, at: int, run_start: int, last: Token) -> tuple[int, Token]:
        if not self.stack and self.awaiting_body is not None:
            raise uncertain(self.text, at, "template between a declaration and its body")
        return template_piece(self.text, at, self.stack)

    def minus(self, at: int, run_start: int, last: Token) -> tuple[int, Token]:
        """`-->`, which the boring pattern left out: a comment where it starts a line."""
        text = self.text
        line_start = max(text.rfind(terminator, 0, at) for terminator in tokens.LINE_TERMINATORS) + 1
        before = text[line_start:at]
        if not before.strip(tokens.JS_SPACE) or "*/" in before:
            raise uncertain(text, at, "possible HTML-like comment '-->'")
        return at + 2, Token("punct", "--", at)

    def less_than(self, at: int, run_start: int, last: Token) -> tuple[int, Token]:
        raise uncertain(self.text, at, "HTML-like comment '<!--'")

    # -- words: the names asked about, and the head keywords at the top level ----

    def word(self, at: int, run_start: int, last: Token) -> tuple[int, Token]:
        found = tokens.WORD.match(self.text, at)
        if found is None:
            char = self.text[at]
            why = "unterminated string literal" if char in "'\"" else f"unexpected character {char!r} in code"
            raise uncertain(self.text, at, why)
        word, end = found.group(), found.end()
        if word in self.names:
            return end, self.name(word, at, end, previous_tokens(self.text, run_start, at, last))
        if self.stack:  # the nested pattern only stops at names
            raise uncertain(self.text, at, f"internal: unexpected word {word!r}")
        return self.head_keyword(word, at, end, nearest_token(self.text, run_start, at, last))

    def name(self, word: str, at: int, end: int, prev: list[Token]) -> Token:
        if self.text[at - 1 : at] == "#":
            return Token("word", word, at, True)  # a private name, not the identifier
        declared = declares(self.text, prev)
        self.mentions.append(Mention(word, at, len(self.stack), declared))
        if declared is None and self.may_be_method(prev[0]):
            paren = tokens.SKIP.match(self.text, end).end()
            if self.text.startswith("(", paren):
                self.pending_methods[paren] = len(self.mentions) - 1
        return Token("word", word, at)

    def may_be_method(self, prev: Token) -> bool:
        """Inside braces that are not a block (an object or class body), after what may start a method."""
        if not self.stack or self.stack[-1][CHAR] != "{" or not may_start_method(prev):
            return False
        return brace_kind(self.text, self.stack[-1]) != "block"

    def head_keyword(self, word: str, at: int, end: int, prev: Token) -> tuple[int, Token]:
        read = read_head(self.text, prev, word, at, end, self.awaiting_body is not None)
        if read.head is not None:
            self.heads.append(read.head)
            if read.head.keyword in ("import", "export") or read.head.exported:
                self.is_module = True
            if read.has_body:
                self.awaiting_body = read.head
        return read.pos, read.last


def template_piece(text: str, opener: int, stack: list[Bracket]) -> tuple[int, Token]:
    """Template text after the backtick or `}` at `opener`, up to its end or the next `${`.

    Returns where scanning resumes and the token it ends on; a `${` is pushed
    on `stack` so its `}` resumes the template.
    """
    found = tokens.TEMPLATE_REST.match(text, opener + 1)
    if found is None:
        raise uncertain(text, opener, "unterminated template literal")
    pos = found.end()
    if found.group(1) == "`":
        return pos, LITERAL
    stack.append(("$", pos - 2, pos, None))
    return pos, OPEN_TEMPLATE
