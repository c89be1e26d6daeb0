"""Reading the author's habits from the target functions themselves."""

from __future__ import annotations

from jsfix.javascript.jsast import walk
from jsfix.plan.edits import Layout, Style
from jsfix.plan.locate import Located

_TERMINATED = {"ExpressionStatement", "VariableDeclaration", "ReturnStatement", "ThrowStatement"}


def detect_style(located: Located) -> Style:
    text = located.text
    newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
    return Style(newline=newline, indent_unit=_indent_unit(located), semicolons=_uses_semicolons(located))


def _indent_unit(located: Located) -> str:
    layout = Layout(located.text, Style("\n", "", True))
    for function in (located.load_older, located.ensure_all):
        if not function.body.body:
            continue
        outer = layout.indent_of(function)
        inner = layout.indent_of(function.body.body[0])
        if inner.startswith(outer) and len(inner) > len(outer):
            unit = inner[len(outer) :]
            return "\t" if "\t" in unit else unit
    return "  "


def _uses_semicolons(located: Located) -> bool:
    text = located.text
    with_semicolon = without = 0
    for function in (located.load_older, located.ensure_all):
        for node in walk(function.body):
            if node.type in _TERMINATED:
                if text[node.range[1] - 1] == ";":
                    with_semicolon += 1
                else:
                    without += 1
    return with_semicolon >= without
