"""What the scanner decides from the tokens before a point, one question per function.

Each returns an answer or None for "cannot tell" (`AMBIGUOUS`); the
scanner raises ScanUncertain rather than guess where the two readings would
lex differently.
"""

from __future__ import annotations

from jsfix.javascript.scan_tokens import (
    BEFORE,
    LINE_TERMINATORS,
    POS,
    RUN_START,
    START,
    Bracket,
    Token,
    run_tokens,
)

AMBIGUOUS = None

# Words that cannot name a binding, so `let` followed by one of them is the
# identifier `let`, not a declaration.
RESERVED = frozenset((
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete",
    "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if",
    "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw",
    "true", "try", "typeof", "var", "void", "while", "with",
))  # fmt: skip
# After these words an expression starts: a `/` begins a regular expression.
EXPRESSION_KEYWORDS = frozenset((
    "return", "typeof", "case", "do", "else", "in", "new", "delete", "void", "throw",
    "instanceof", "extends", "default",
))  # fmt: skip
# Contextual keywords that may also be plain identifiers.
CONTEXTUAL_KEYWORDS = frozenset(("of", "yield", "await"))
_CONTROL_KEYWORDS = frozenset(("if", "while", "for", "with"))
# A `{` right after `)` of one of these, or after one of the words, opens a block.
_BLOCK_PARENS = _CONTROL_KEYWORDS | {"switch", "catch"}
_BLOCK_WORDS = frozenset(("else", "try", "catch", "finally", "do"))
_METHOD_PREFIXES = frozenset(("async", "static", "get", "set"))


def control_keyword(text: str, opener: Bracket, keywords: frozenset[str] = _CONTROL_KEYWORDS) -> str | None:
    """'if', 'while', 'for' or 'with' when the `(` opened at `opener` is that statement's."""
    tokens = run_tokens(text, opener[RUN_START], opener[POS])
    if not tokens:
        return None
    last = tokens[-1]
    if last.kind != "word" or last.is_property:
        return None
    if last.value in keywords:
        return last.value
    if last.value == "await" and len(tokens) > 1 and tokens[-2].kind == "word" and tokens[-2].value == "for":
        return None if tokens[-2].is_property else "for"
    return None


def slash_starts_regex(text: str, prev: Token) -> bool | None:
    """After `prev`, is a `/` a regular expression (True) or a division (False)? None: cannot tell."""
    if prev.kind in ("start", "open"):
        return True
    if prev.kind in ("lit", "num"):
        return False
    if prev.kind == "word":
        if prev.is_property:
            return False
        if prev.value in EXPRESSION_KEYWORDS:
            return True
        return AMBIGUOUS if prev.value in CONTEXTUAL_KEYWORDS else False
    if prev.kind == "close":
        if prev.value == ")":
            return control_keyword(text, prev.opener) is not None
        if prev.value == "]":
            return False
        # `}` ends a block (then a regex) or an object literal (then a division).
        braces = brace_kind(text, prev.opener)
        return AMBIGUOUS if braces is None else braces == "block"
    # A punctuator; after `++`/`--` the operator is postfix, since a prefix
    # one cannot apply to a regular expression.
    return prev.value not in ("++", "--")


def brace_kind(text: str, opener: Bracket) -> str | None:
    """'block' or 'object' for the `{` opened at `opener`, judged by the token before it; None if unsure.

    Only the kinds that decide what a following `/` is matter: a block (or an
    arrow body, which cannot be an operand) is followed by a regex, an object
    literal by a division. Function and class bodies stay undecided, because
    the function may be a declaration or an expression.
    """
    before = run_tokens(text, opener[RUN_START], opener[POS])
    token = before[-1] if before else opener[BEFORE]
    if token.kind == "start":
        return "block"
    if token.kind == "open":
        return "block" if token.value == "{" else "object"
    if token.kind == "close":
        if token.value == "}" or (token.value == ")" and control_keyword(text, token.opener, _BLOCK_PARENS)):
            return "block"
        return None
    if token.kind == "punct":
        if token.value in (";", "=>"):
            return "block"
        return None if token.value in (":", "++", "--") else "object"
    if token.kind == "word" and not token.is_property:
        if token.value in _BLOCK_WORDS:
            return "block"
        if token.value in EXPRESSION_KEYWORDS:
            return "object"
    return None


def starts_statement(text: str, prev: Token, keyword: str) -> bool | None:
    """Whether the declaration `keyword` after `prev` begins a new statement."""
    if prev.kind in ("start", "lit", "num"):
        return True
    if prev.kind == "word":
        if prev.is_property:
            return True
        if prev.value == "return" or prev.value in CONTEXTUAL_KEYWORDS or prev.value == "export":
            return AMBIGUOUS  # top-level `return` is an error; the others may be identifiers
        # An identifier ends the previous statement (ASI); a keyword such as
        # `else` or `typeof` expects more of the same one.
        return prev.value not in EXPRESSION_KEYWORDS
    if prev.kind == "close":
        if prev.value != ")":
            return True
        control = control_keyword(text, prev.opener)
        if control == "while":
            # `while (x) var y` or the end of `do ... while (x)`; esprima
            # also takes `while (x) class {} * b` as the loop's expression
            # (`let` may be an identifier).
            return AMBIGUOUS if keyword in ("var", "let", "class") else True
        return control is None
    if prev.kind == "open":
        return False
    return prev.value in (";", "++", "--")


def declares(text: str, prev: list[Token]) -> str | None:
    """What the tokens right before a name make of it, for declarations."""
    nearest = prev[0]
    if nearest.kind == "punct" and nearest.value == "*" and len(prev) > 1:
        nearest, prev = prev[1], prev[1:]
    if nearest.kind != "word" or nearest.is_property:
        return None
    if nearest.value == "function":
        if nearest.after_async:
            return "async function"
        before = prev[1] if len(prev) > 1 else START
        same_line = not any(c in LINE_TERMINATORS for c in text[before.start + 5 : nearest.start])
        if before.kind == "word" and before.value == "async" and not before.is_property and same_line:
            return "async function"
        return "function"
    if nearest.value in ("let", "const", "var", "class"):
        return nearest.value
    return None


def may_start_method(prev: Token) -> bool:
    """A name after `prev`, inside braces that are not a block, may be a method's."""
    if prev.kind == "open":
        return prev.value == "{"
    if prev.kind == "close":
        return prev.value == "}"
    if prev.kind == "punct":
        return prev.value in (",", ";", "*")
    if prev.kind == "word":
        return prev.value in _METHOD_PREFIXES and not prev.is_property
    return False
