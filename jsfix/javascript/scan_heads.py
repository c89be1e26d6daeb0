"""The declaration heads a keyword opens at the top level: one reader per keyword.

`read_head` is called for a head keyword met at depth 0 and returns where
scanning goes on, the token it ends on, whether a body `{` follows, and the
head itself (None when the word opens no declaration there).
"""

from __future__ import annotations

from dataclasses import dataclass

from jsfix.javascript import scan_tokens as tokens
from jsfix.javascript.scan_rules import AMBIGUOUS, RESERVED, starts_statement
from jsfix.javascript.scan_tokens import Head, Token, uncertain


@dataclass(slots=True)
class HeadDraft:
    """A head while the scan is under way; its body's end is filled in when its `}` closes."""

    keyword: str
    name: str | None
    start: int
    exported: bool = False
    body_end: int | None = None

    def frozen(self) -> Head:
        return Head(self.keyword, self.name, self.start, self.body_end, self.exported)


@dataclass(slots=True)
class HeadRead:
    pos: int  # where scanning goes on
    last: Token  # the token the keyword (or its declaration) ends on
    has_body: bool = False  # a function or class: its `{` comes next
    head: HeadDraft | None = None


@dataclass(slots=True)
class _Keyword:
    """A head keyword at `at`, ending at `end`, after the token `prev`."""

    text: str
    word: str
    at: int
    end: int
    prev: Token

    @property
    def as_word(self) -> Token:
        return Token("word", self.word, self.at)

    def at_statement(self) -> bool:
        """The keyword begins a statement (where it declares); raise where that cannot be told."""
        statement = starts_statement(self.text, self.prev, self.word)
        if statement is AMBIGUOUS:
            raise uncertain(self.text, self.at, f"cannot tell whether '{self.word}' starts a statement")
        return statement

    def plain(self) -> HeadRead:
        """The word declares nothing here."""
        return HeadRead(self.end, self.as_word)


def read_head(text: str, prev: Token, word: str, at: int, end: int, in_head: bool) -> HeadRead:
    """The head the keyword `word` (text[at:end]) opens at the top level, if any."""
    if prev.kind == "punct" and prev.value in (".", "?."):
        return HeadRead(end, Token("word", word, at, is_property=True))  # a property name
    if in_head:
        # Between `function f(...)` / `class C extends ...` and the body:
        # only an expression in a class heritage could hold a keyword here.
        raise uncertain(text, at, f"'{word}' between a declaration and its body")
    return _READERS.get(word, _export)(_Keyword(text, word, at, end, prev))


def _async(keyword: _Keyword) -> HeadRead:
    text, end = keyword.text, keyword.end
    found = tokens.ASYNC_FUNCTION.match(text, end)
    if found is None:
        if starts_statement(text, keyword.prev, "async") is not False and tokens.COMMENT_AHEAD.match(text, end):
            raise uncertain(text, keyword.at, "comment after 'async'")
        return keyword.plain()
    after = found.end()
    function_token = Token("word", "function", after - 8, after_async=True)
    if not keyword.at_statement():
        return HeadRead(after, function_token)
    name = tokens.FUNCTION_NAME.match(text, after).group(1)
    return HeadRead(after, function_token, True, HeadDraft("async function", name, keyword.at))


def _function_or_class(keyword: _Keyword) -> HeadRead:
    if not keyword.at_statement():
        return keyword.plain()
    head = HeadDraft(keyword.word, declared_name(keyword.text, keyword.word, keyword.end), keyword.at)
    return HeadRead(keyword.end, keyword.as_word, True, head)


def _variable(keyword: _Keyword) -> HeadRead:
    if keyword.word == "let" and not _let_declares(keyword.text, keyword.end):
        return keyword.plain()  # the identifier `let`
    if not keyword.at_statement():
        return keyword.plain()
    head = HeadDraft(keyword.word, declared_name(keyword.text, keyword.word, keyword.end), keyword.at)
    return HeadRead(keyword.end, keyword.as_word, False, head)


def _import(keyword: _Keyword) -> HeadRead:
    after = tokens.SKIP.match(keyword.text, keyword.end).end()
    if keyword.text.startswith(("(", "."), after):
        return keyword.plain()  # import() or import.meta
    if not keyword.at_statement():
        return keyword.plain()
    found = tokens.IMPORT_DEFAULT.match(keyword.text, keyword.end)
    head = HeadDraft("import", found.group(1) if found else None, keyword.at)
    return HeadRead(keyword.end, keyword.as_word, False, head)


def _export(keyword: _Keyword) -> HeadRead:
    """`export`: only ever a top-level statement; what it exports, when it declares."""
    if not keyword.at_statement():
        return keyword.plain()
    text = keyword.text
    found = tokens.EXPORT_INNER.match(text, keyword.end)
    default, inner = found.group(1), found.group(2)
    if default and inner in ("let", "const", "var"):
        inner = None  # `export default let ...` exports an expression
    if inner is None:
        head = HeadDraft("export", None, keyword.at, exported=True)
        if default:
            after = tokens.SKIP.match(text, found.end(1)).end()
            return HeadRead(after, Token("word", "default", found.start(1)), False, head)
        return HeadRead(keyword.end, keyword.as_word, False, head)
    after = found.end(2)
    if inner.startswith("async"):
        head = HeadDraft("async function", declared_name(text, "function", after), keyword.at, exported=True)
        return HeadRead(after, Token("word", "function", after - 8, after_async=True), True, head)
    head = HeadDraft(inner, declared_name(text, inner, after), keyword.at, exported=True)
    return HeadRead(after, Token("word", inner, found.start(2)), inner in ("function", "class"), head)


_READERS = {
    "async": _async,
    "function": _function_or_class,
    "class": _function_or_class,
    "const": _variable,
    "var": _variable,
    "let": _variable,
    "import": _import,
}


def declared_name(text: str, keyword: str, end: int) -> str | None:
    """The simple name after a declaration keyword ending at `end`, if any."""
    if keyword == "function":
        return tokens.FUNCTION_NAME.match(text, end).group(1)
    name = tokens.BINDING_NAME.match(text, end).group(1)
    if name in RESERVED:
        return None  # `class extends ...`
    return name


def _let_declares(text: str, end: int) -> bool:
    """`let` starts a declaration when a binding name or pattern follows."""
    found = tokens.BINDING_NAME.match(text, end)
    if found.group(1) is not None:
        return found.group(1) not in RESERVED
    return text.startswith(("[", "{"), found.end())
