"""Small builders of libcst nodes, for a module that reads as if typed by hand.

Values enter the tree only as literal nodes made from Python's own `repr`, and
fixed shapes are parsed from short templates whose placeholder names are then
replaced node by node, so no source text is ever pasted together.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Sequence

import libcst as cst

INDENT = "    "


def string(value: str) -> cst.SimpleString:
    """A string literal for `value`, in double quotes unless the value holds one."""
    literal = repr(value)
    if literal.startswith("'") and '"' not in value:
        literal = '"' + literal[1:-1] + '"'
    assert ast.literal_eval(literal) == value
    return cst.SimpleString(literal)


def docstring(text: str) -> cst.SimpleStatementLine:
    """A docstring; `text` is this project's own prose, so it holds no quotes to escape."""
    assert '"""' not in text and "\\" not in text and not text.endswith('"')
    return cst.SimpleStatementLine([cst.Expr(cst.SimpleString('"""' + text + '"""'))])


def comment_lines(text: str, *, blank_before: int = 0) -> list[cst.EmptyLine]:
    """`# ...` lines for a comment, wrapped at 76 columns."""
    lines = [cst.EmptyLine(indent=False) for _ in range(blank_before)]
    for line in textwrap.wrap(text, 76):
        lines.append(cst.EmptyLine(indent=False, comment=cst.Comment("# " + line)))
    return lines


def section_banner(title: str, *, blank_after: int) -> list[cst.EmptyLine]:
    """Two blank lines, then the title between two rules, then `blank_after` blank lines."""
    rule = comment_lines("-" * 75)
    lines = [cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)]
    lines += rule + comment_lines(title) + rule
    return lines + [cst.EmptyLine(indent=False) for _ in range(blank_after)]


def _newline_then(indent: str) -> cst.ParenthesizedWhitespace:
    """A line break, then the block's indentation plus `indent`."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        indent=True,
        last_line=cst.SimpleWhitespace(indent),
    )


def wrapped_string(text: str, depth: int, width: int = 72) -> cst.BaseExpression:
    """A long message as adjacent literals, one per line, at `depth` extra indents."""
    # "See #1937." stays on one line: the no-break space is put back after wrapping.
    glued = text.replace("See #", "See\u00a0#")
    pieces = [line.replace("\u00a0", " ") + " " for line in textwrap.wrap(glued, width)]
    pieces[-1] = pieces[-1].rstrip()
    assert "".join(pieces) == text, "messages are single-spaced prose"
    node: cst.BaseExpression = string(pieces[-1])
    for piece in reversed(pieces[:-1]):
        node = cst.ConcatenatedString(
            left=string(piece),
            right=node,
            whitespace_between=_newline_then(INDENT * depth),
        )
    return node


def vertical_call(
    function: str | cst.BaseExpression,
    arguments: Sequence[cst.BaseExpression | cst.Arg],
    depth: int = 0,
) -> cst.Call:
    """`function(` with one argument per line and `)` on a line of its own."""
    inner = INDENT * (depth + 1)
    args = []
    for index, value in enumerate(arguments):
        arg = value if isinstance(value, cst.Arg) else cst.Arg(value)
        after = inner if index < len(arguments) - 1 else INDENT * depth
        args.append(
            arg.with_changes(comma=cst.Comma(whitespace_after=_newline_then(after)))
        )
    callee = cst.Name(function) if isinstance(function, str) else function
    return cst.Call(callee, args, whitespace_before_args=_newline_then(inner))


def vertical_list(
    values: Sequence[cst.BaseExpression], depth: int, kind: type = cst.List
) -> cst.BaseExpression:
    """A list (or tuple) literal with one element per line, closed on its own line."""
    inner = INDENT * (depth + 1)
    elements = [
        cst.Element(
            value,
            comma=cst.Comma(
                whitespace_after=_newline_then(
                    inner if index < len(values) - 1 else INDENT * depth
                )
            ),
        )
        for index, value in enumerate(values)
    ]
    if kind is cst.Tuple:
        return cst.Tuple(
            elements,
            lpar=[cst.LeftParen(whitespace_after=_newline_then(inner))],
            rpar=[cst.RightParen()],
        )
    return cst.List(
        elements, lbracket=cst.LeftSquareBracket(whitespace_after=_newline_then(inner))
    )


def vertical_dict(
    items: Sequence[tuple[cst.BaseExpression, cst.BaseExpression]], depth: int
) -> cst.Dict:
    inner = INDENT * (depth + 1)
    elements = [
        cst.DictElement(
            key,
            value,
            comma=cst.Comma(
                whitespace_after=_newline_then(
                    inner if index < len(items) - 1 else INDENT * depth
                )
            ),
        )
        for index, (key, value) in enumerate(items)
    ]
    if not elements:
        return cst.Dict([])
    return cst.Dict(
        elements, lbrace=cst.LeftCurlyBrace(whitespace_after=_newline_then(inner))
    )


class _Fill(cst.CSTTransformer):
    def __init__(self, values: dict[str, cst.CSTNode]) -> None:
        self.values = values

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return self.values.get(original.value, updated)


def fill(template: str, **values: cst.CSTNode) -> cst.BaseStatement:
    """Parse a one-statement template and put the given nodes in place of its UPPER names."""
    return _filled(cst.parse_statement(template), values)


def fill_expression(template: str, **values: cst.CSTNode) -> cst.BaseExpression:
    return _filled(cst.parse_expression(template), values)


def _filled(node, values: dict[str, cst.CSTNode]):
    unused = set(values) - {name.value for name in _names(node)}
    assert not unused, f"the template has no {unused}"
    return node.visit(_Fill(values))


def one_argument_per_line(call: cst.Call, depth: int = 0) -> cst.Call:
    """The same call laid out with one argument per line."""
    return vertical_call(call.func, list(call.args), depth)


def _names(node: cst.CSTNode) -> list[cst.Name]:
    found: list[cst.Name] = []

    class Collect(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.append(name)

    node.visit(Collect())
    return found
