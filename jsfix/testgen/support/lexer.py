"""A JavaScript lexer for the generated tests, which have no parser.

The generated tests must run in a fork that has nothing but pytest, so they
cannot use esprima. This lexer reads just enough of JavaScript to find the
top-level declarations and the comments (see scan.py).

Telling a regular expression from a division is the hard part: it depends on
what came before the `/`. The lexer keeps a stack of open brackets that knows
what each one opened (a block, a function body, a class body, an object
literal, a statement head such as `if (...)`, a call...) and, after every
token, what may come next: a statement, an operand, or more of a value that
just ended. The same lexer, with the same names, is written in JavaScript in
the node harness (jsfix/verify/parts/lexer.js); both are held to
esprima by tests/test_lexer_conformance.py on fixtures/lexer-corpus/.
"""

import functools
import re

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n\r\u2028\u2029]*|/\*[\s\S]*?(?:\*/|\Z))
    | (?P<string>'(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*'?|"(?:[^"\\\n\r]|\\(?:\r\n|[\s\S]))*"?)
    | (?P<number>\d[\w$]*(?:\.[\w$]*)?|\.\d[\w$]*)
    | (?P<name>(?:[\w$\u200c\u200d]|\\u(?:\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4})|[^\x00-\x7f\s\ufeff])+)
    | (?P<private>\#(?:[\w$]|\\u(?:\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4})|[^\x00-\x7f\s\ufeff])+)
    | (?P<punct>\?\.(?!\d)|\?\?=?|\.\.\.|=>|\+\+|--|[\s\S])
    """,
    re.VERBOSE,
)
_GAP = re.compile(r"[\s\ufeff]*")  # spaces and line breaks
_HASHBANG = re.compile(r"#![^\n\r\u2028\u2029]*")
_TEMPLATE_TEXT = re.compile(r"(?:[^`\\$]|\\[\s\S]|\$(?!\{))*(?:`|\$\{)?")
_REGEX = re.compile(
    r"/(?:[^\\/\[\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029]"
    r"|\[(?:[^\]\\\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029])*\])+/[\w$]*"
)
_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})")
# After `let` at the start of a statement: a binding, so `let` declares.
_LET_BINDING = re.compile(
    r"(?:\s|//[^\n\r\u2028\u2029]*|/\*[\s\S]*?\*/)*"
    r"(?:[\[{]|(?!(?:in|instanceof)(?![\w$]))(?:[A-Za-z_$\\]|[^\x00-\x7f\s]))"
)
_LINE_BREAKS = re.compile(r"[\n\r\u2028\u2029]")

# What may come next, after each token.
_STATEMENT = "statement"  # a statement of a statement list (top level, block, body)
_BODY = "body"  # the body of `if`, `else`, a loop or a label: a statement too
_OPERAND = "operand"  # an expression operand: here `/` opens a regex, `{` an object
_VALUE = "value"  # more of a value that just ended: here `/` divides
_EXPORTED = "exported"  # after `export` or `export default`: a declaration
_ARROW_END = "arrow end"  # after an arrow's block body, which no operator can take

_BEFORE_BODY = frozenset({"else", "do", "try", "finally", "catch"})
_VALUE_KEYWORDS = frozenset({"this", "super", "null", "true", "false"})
_HEAD_KEYWORDS = {
    "if": "head",
    "while": "head",
    "with": "head",
    "for": "for",
    "switch": "switch",
    "catch": "catch",
}
# Always keywords; after most of them an operand starts.
_KEYWORDS = (
    frozenset(
        {"return", "throw", "typeof", "void", "delete", "new", "in", "instanceof"}
    )
    | {"case", "default", "extends", "var", "const", "import", "export"}
    | {"function", "class", "break", "continue", "debugger"}
    | _BEFORE_BODY
    | _VALUE_KEYWORDS
    | set(_HEAD_KEYWORDS)
)
# After a line break, whether a token can carry on the expression before it.
_CONTINUING_WORDS = frozenset({"in", "instanceof"})
_STARTING_PUNCTUATORS = frozenset({"{", "++", "--", "!", "~"})
_AFTER_ARROW = frozenset({",", ";", ":", ")", "]", "}"})
_DOTS = (("punct", "."), ("punct", "?."))
_JUMPS = (("name", "break"), ("name", "continue"))


class _Frame:
    """One open bracket, and what the lexer knows about the code inside it."""

    def __init__(self, kind, after, role=None):
        self.kind = kind  # "block", "class", "object", "paren", "bracket", "template"
        self.after = after  # what may come after its closing bracket
        self.role = role  # a paren's: head, for, switch, catch, params or call
        self.function = None  # a function body's (is_async, is_generator)
        self.body = None  # params: the function body to come, as `pending` says
        self.pending = None  # a `function` or `class` head still before its ( or {
        self.arrows = []  # arrow functions whose expression body is open here: async?
        self.ternaries = 0  # `?` still waiting for their `:`
        self.key = kind in ("class", "object")  # at a property name
        self.key_tokens = []  # what came so far at that property name
        self.async_arrow = False  # a paren right after `async`: maybe arrow params

    def new_key(self):
        self.key, self.key_tokens = self.kind in ("class", "object"), []


class _Lexer:
    """All tokens of a program, each (kind, value, start, end, depth, starts).

    kind is "comment", "string", "template", "regex", "number", "name",
    "private" or "punct"; a name's value has its \\u escapes decoded. depth
    counts the brackets around the token (an opener and its closer share
    one). starts is _STATEMENT or _BODY when the token begins a statement.
    """

    def __init__(self, text):
        self.text = text
        self.tokens = []
        top = _Frame("block", None)
        # At the top level `await` is a module's keyword or a script's name;
        # only the keyword can stand before a regular expression.
        top.function = (True, False)
        self.stack = [top]
        self.last = _STATEMENT
        self.previous = None  # the last token that is not a comment
        self.keyword = None  # that token, when it was read as a keyword
        self.closed = None  # the frame that token closed, when it was a closer
        self.newline = False  # a line break since that token

    def run(self):
        position = 0
        hashbang = _HASHBANG.match(self.text)
        if hashbang:
            self.emit("comment", hashbang.group(), 0, hashbang.end())
            position = hashbang.end()
        while position < len(self.text):
            position = self.step(position)
        return self.tokens

    def step(self, position):
        """Read the token at or after `position`; return where the next one may start."""
        text = self.text
        gap = _GAP.match(text, position).end()
        if gap > position:
            self.newline = self.newline or bool(
                _LINE_BREAKS.search(text, position, gap)
            )
            if gap == len(text):
                return gap
            position = gap
        char = text[position]
        if char == "`":
            return self.template(position, self.starts("template", "`"))
        if char == "}" and self.stack[-1].kind == "template":
            self.pop()
            return self.template(position, None)
        if char == "/" and text[position + 1 : position + 2] not in ("/", "*"):
            return self.slash(position)
        match = _TOKEN.match(text, position)
        kind, value, end = match.lastgroup, match.group(), match.end()
        if kind == "comment":
            self.emit("comment", value, position, end)
            self.newline = self.newline or bool(_LINE_BREAKS.search(value))
        elif kind == "name":
            self.name(value, position, end)
        elif kind == "punct":
            self.punct(value, position, end)
        else:
            self.literal(kind, value, position, end)
        return end

    def emit(self, kind, value, start, end, starts=None):
        self.tokens.append((kind, value, start, end, len(self.stack) - 1, starts))
        if kind != "comment":
            self.previous = self.tokens[-1]
            self.keyword = self.closed = None
            self.newline = False

    # --- where statements start ----------------------------------------------

    def starts(self, kind, value):
        """_STATEMENT or _BODY when this token begins a statement, else None."""
        frame = self.stack[-1]
        if frame.kind == "class" and self.line_ends_value(kind, value):
            frame.new_key()  # a class field without `;`
        if frame.kind != "block":
            return None
        if self.last in (_STATEMENT, _BODY):
            return self.last
        if self.last == _EXPORTED:
            return _STATEMENT
        if self.last == _ARROW_END and value not in _AFTER_ARROW:
            return self.insert_semicolon()
        if self.line_ends_value(kind, value) or self.line_ends_restricted():
            return self.insert_semicolon()
        return None

    def line_ends_value(self, kind, value):
        """A line break ends the value before this token, which cannot carry it on."""
        if not self.newline or self.last not in (_VALUE, _ARROW_END):
            return False
        if kind == "name":
            return value not in _CONTINUING_WORDS
        if kind == "punct":
            return value in _STARTING_PUNCTUATORS
        return kind != "template"

    def line_ends_restricted(self):
        """`return`, `break`, `continue` and `yield` end at a line break."""
        return self.newline and self.keyword in ("return", "break", "continue", "yield")

    def insert_semicolon(self):
        frame = self.stack[-1]
        frame.arrows, frame.ternaries = [], 0
        self.last = _STATEMENT
        return _STATEMENT

    def innermost_function(self):
        """(is_async, is_generator) of the function around the current token."""
        for frame in reversed(self.stack):
            if frame.arrows:
                return frame.arrows[-1], False
            if frame.function is not None:
                return frame.function
        return True, False

    # --- literals ----------------------------------------------------------------

    def literal(self, kind, value, start, end):
        frame = self.stack[-1]
        starts = self.starts(kind, value)
        if frame.key:
            frame.key_tokens.append(kind)  # a quoted or numeric property name
        self.emit(kind, value, start, end, starts)
        self.last = _VALUE

    def template(self, position, starts):
        """Template text from the backtick or `}` at `position` to its end or next `${`."""
        end = _TEMPLATE_TEXT.match(self.text, position + 1).end()
        self.emit("template", self.text[position:end], position, end, starts)
        if self.text.endswith("${", 0, end):
            self.stack.append(_Frame("template", None))
            self.last = _OPERAND
        else:
            self.last = _VALUE
        return end

    def slash(self, position):
        """A regular expression where an operand may start, else a division."""
        starts = self.starts("punct", "/")
        if self.last != _VALUE:
            regex = _REGEX.match(self.text, position)
            if regex:
                self.emit("regex", regex.group(), position, regex.end(), starts)
                self.last = _VALUE
                return regex.end()
        end = position + (2 if self.text.startswith("/=", position) else 1)
        self.emit("punct", self.text[position:end], position, end, starts)
        self.last = _OPERAND
        return end

    # --- names and keywords ------------------------------------------------------

    def name(self, raw, start, end):
        value = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), raw)
        frame = self.stack[-1]
        starts = self.starts("name", value)
        previous, last, newline = self.previous, self.last, self.newline
        property_name = previous is not None and previous[:2] in _DOTS
        if property_name or "\\" in raw or frame.key:
            if frame.key:
                frame.key_tokens.append(value)
            self.emit("name", value, start, end, starts)
            self.last = _VALUE
            return
        keyword = self.keyword_of(value, end, starts)
        self.emit("name", value, start, end, starts)
        if keyword is None:
            label = previous is not None and previous[:2] in _JUMPS
            self.last = _STATEMENT if label and not newline else _VALUE
            return
        self.keyword = keyword
        self.last = self.after_keyword(keyword, starts, last, previous, newline)

    def keyword_of(self, value, end, starts):
        """`value` when this word is a keyword here, else None."""
        if value in _KEYWORDS:
            return value
        if value == "let":
            declares = starts is not None or self.opens_for_head()
            return value if declares and _LET_BINDING.match(self.text, end) else None
        if value == "await":
            return value if self.innermost_function()[0] else None
        if value == "yield":
            return value if self.innermost_function()[1] else None
        if value == "of":
            for_head = self.stack[-1].role == "for" and self.last == _VALUE
            return value if for_head else None
        return None

    def opens_for_head(self):
        """Right after the `(` of `for (`, where `let` may declare."""
        return self.stack[-1].role == "for" and self.previous[:2] == ("punct", "(")

    def after_keyword(self, keyword, starts, last, previous, newline):
        """What may follow `keyword`; notes a function or class head on the frame."""
        frame = self.stack[-1]
        if keyword in ("function", "class"):
            is_async = keyword == "function" and _is_async_before(previous, newline)
            began = starts if not is_async else previous[5]
            declares = began is not None or last == _EXPORTED
            frame.pending = {
                "keyword": keyword,
                "is_async": is_async,
                "is_generator": False,
                "after": _STATEMENT if declares else _VALUE,
            }
            return _OPERAND if keyword == "function" else _VALUE
        if keyword == "export" or (keyword == "default" and last == _EXPORTED):
            return _EXPORTED
        if keyword in _BEFORE_BODY:
            return _BODY
        if keyword in ("break", "continue", "debugger"):
            return _STATEMENT
        if keyword in _VALUE_KEYWORDS:
            return _VALUE
        return _OPERAND

    # --- punctuators ---------------------------------------------------------------

    def punct(self, value, start, end):
        if value in (")", "]", "}"):
            self.close(value, start, end)
            return
        starts = self.starts("punct", value)
        if value == "(":
            self.open(self.paren_frame(), value, start, end, starts)
        elif value == "[":
            self.open(_Frame("bracket", _VALUE), value, start, end, starts)
        elif value == "{":
            self.open(self.brace_frame(starts), value, start, end, starts)
        else:
            self.operator(value, start, end, starts)

    def operator(self, value, start, end, starts):
        """Any other punctuator, and what it tells about the code around it."""
        frame = self.stack[-1]
        previous, closed = self.previous, self.closed
        postfix = value in ("++", "--") and self.last == _VALUE and starts is None
        self.emit("punct", value, start, end, starts)
        self.last = _VALUE if postfix else _OPERAND
        if value == ";":
            frame.arrows, frame.ternaries = [], 0
            if frame.kind in ("block", "class"):
                self.last = _STATEMENT
                frame.new_key()
        elif value == ",":
            frame.arrows = []
            if frame.kind == "object":
                frame.new_key()
        elif value == "?":
            frame.ternaries += 1
        elif value == ":":
            self.colon(frame)
        elif value in ("=", "..."):
            frame.key = False
        elif value == "*":
            self.star(frame, previous)
        elif value == "=>":
            frame.arrows.append(self.arrow_is_async(previous, closed))

    def colon(self, frame):
        if frame.ternaries:
            frame.ternaries -= 1
        elif frame.kind == "object":
            frame.key = False
        elif frame.kind == "block":
            self.last = _BODY  # after a label, `case ...` or `default`

    def star(self, frame, previous):
        if frame.pending is not None and previous[:2] == ("name", "function"):
            frame.pending["is_generator"] = True
        elif frame.key:
            frame.key_tokens.append("*")

    def arrow_is_async(self, previous, closed):
        """`async (...) =>` or `async x =>`."""
        if closed is not None:
            return closed.async_arrow
        before = self.previous_code(2)
        between = before and _LINE_BREAKS.search(self.text, before[3], previous[2])
        return _is_async_before(before, between)

    def open(self, frame, value, start, end, starts):
        self.emit("punct", value, start, end, starts)
        self.stack.append(frame)
        self.last = _STATEMENT if frame.kind == "block" else _OPERAND

    def paren_frame(self):
        """The frame a `(` opens, from what came before it."""
        frame, keyword = self.stack[-1], self.keyword
        if frame.pending is not None and frame.pending["keyword"] == "function":
            body, frame.pending = frame.pending, None
            return _params(body)
        if frame.key:  # a method
            modifiers = frame.key_tokens[:-1]
            after = _STATEMENT if frame.kind == "class" else _VALUE
            frame.key = False
            return _params(
                {
                    "is_async": "async" in modifiers,
                    "is_generator": "*" in modifiers,
                    "after": after,
                }
            )
        if keyword == "await" and self.previous_code(1)[:2] == ("name", "for"):
            keyword = "for"  # for await (...)
        if keyword in _HEAD_KEYWORDS:
            role = _HEAD_KEYWORDS[keyword]
            return _Frame("paren", _BODY if role in ("head", "for") else _OPERAND, role)
        paren = _Frame("paren", _VALUE, "call")
        paren.async_arrow = _is_async_before(self.previous, self.newline)
        return paren

    def previous_code(self, back):
        """The code token `back` places before the last one, or ()."""
        for token in reversed(self.tokens):
            if token[0] != "comment":
                if back == 0:
                    return token
                back -= 1
        return ()

    def brace_frame(self, starts):
        """The frame a `{` opens, from what came before it."""
        frame, closed, previous = self.stack[-1], self.closed, self.previous
        if closed is not None and closed.role == "params":
            body = _Frame("block", closed.body["after"])
            body.function = (closed.body["is_async"], closed.body["is_generator"])
            return body
        if closed is not None and closed.role in ("head", "for", "switch", "catch"):
            return _Frame("block", _STATEMENT)
        if previous is not None and previous[:2] == ("punct", "=>"):
            body = _Frame("block", _ARROW_END)
            body.function = (frame.arrows.pop() if frame.arrows else False, False)
            return body
        if (
            frame.pending is not None
            and frame.pending["keyword"] == "class"
            and self.last != _OPERAND
        ):
            after, frame.pending = frame.pending["after"], None
            return _Frame("class", after)
        if frame.key and frame.key_tokens == ["static"]:
            return _Frame("block", _STATEMENT)  # a static initialization block
        if self.last == _EXPORTED:
            return _Frame("object", _VALUE)  # export { names }
        if starts is not None:
            return _Frame("block", _STATEMENT)
        return _Frame("object", _VALUE)

    def close(self, value, start, end):
        frame = self.pop()
        self.emit("punct", value, start, end)
        self.closed = frame
        self.last = frame.after or _VALUE
        parent = self.stack[-1]
        if parent.kind == "class" and frame.kind == "block":
            parent.new_key()  # a method or a static block ended
        elif parent.key and frame.kind == "bracket":
            parent.key_tokens.append("]")  # a computed property name

    def pop(self):
        if len(self.stack) > 1:
            return self.stack.pop()
        return _Frame("block", _STATEMENT)  # an unbalanced closer: read on


def _params(body):
    params = _Frame("paren", _OPERAND, "params")
    params.body = body
    return params


def _is_async_before(previous, newline):
    """The token before is the word `async`, on the same line."""
    return bool(previous) and previous[:2] == ("name", "async") and not newline


@functools.lru_cache(maxsize=8)
def _tokens(text):
    return tuple(_Lexer(text).run())
