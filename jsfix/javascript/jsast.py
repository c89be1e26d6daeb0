"""Small helpers over esprima syntax trees.

esprima nodes are plain objects whose children sit in attributes; these
helpers walk them, find statements by shape, and compare code by its text
with the whitespace taken out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from esprima.nodes import Node

from jsfix.javascript.offsets import Utf16Offsets

FUNCTION_TYPES = {"FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"}


def children(node: Node) -> tuple[Node, ...]:
    """The node's child nodes, in source order; remembered on the node, whose shape never changes."""
    cached = node.__dict__.get("_children")
    if cached is None:
        found = []
        for key, value in vars(node).items():
            if key.startswith("_") or key == "range":
                continue
            if isinstance(value, Node):
                found.append(value)
            elif isinstance(value, list):
                found.extend(item for item in value if isinstance(item, Node))
        cached = node._children = tuple(found)
    return cached


def walk(node: Node, *, into_functions: bool = True) -> Iterator[Node]:
    """Every node under `node`, in source order, `node` included.

    The rules ask the same subtrees again and again, so the answer is kept
    on the node it was asked for (not on every node below: that would cost a
    list per node of a whole program). jsfix never changes a tree's shape
    once parsed, only its ranges; code that did would have to walk a fresh one.
    """
    key = "_walk_all" if into_functions else "_walk_own"
    cached = node.__dict__.get(key)
    if cached is None:
        cached = tuple(_walk(node, into_functions))
        setattr(node, key, cached)
    return iter(cached)


def _walk(node: Node, into_functions: bool) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        below = current.__dict__.get("_walk_all" if into_functions else "_walk_own")
        if below is not None and current is not node:
            # Asked before: its subtree is known; take it whole, minus itself.
            yield from below[1:]
            continue
        kids = children(current)
        if not into_functions:
            kids = [child for child in kids if child.type not in FUNCTION_TYPES]
        stack.extend(reversed(kids))


def rebase_ranges(node: Node, offsets: Utf16Offsets, base: int) -> None:
    """Turn a parsed slice's UTF-16 ranges into Python indices of the whole file."""
    for each in walk(node):
        start, end = each.range
        each.range = [base + offsets.to_index(start), base + offsets.to_index(end)]


def shifted_copy(node: Node, delta: int) -> Node:
    """A fresh copy of a syntax tree with every range moved by `delta`.

    Cached trees are never handed out: jsfix moves ranges in place and keeps
    answers on nodes, so each caller gets a tree of its own. Copying costs
    about a third of a parse. Leaf values (names, regex details) are shared;
    nothing changes them.
    """
    copy = object.__new__(type(node))
    fields = copy.__dict__
    for key, value in node.__dict__.items():
        if key.startswith("_"):
            continue  # remembered answers are rebuilt for the copy
        if isinstance(value, Node):
            value = shifted_copy(value, delta)
        elif isinstance(value, list):
            value = [shifted_copy(item, delta) if isinstance(item, Node) else item for item in value]
        fields[key] = value
    low, high = node.range
    fields["range"] = [low + delta, high + delta]
    return copy


def start(node: Node) -> int:
    return node.range[0]


def end(node: Node) -> int:
    return node.range[1]


_SPACE = re.compile(r"\s+")


def compact(code: str) -> str:
    """Code with whitespace and a trailing semicolon dropped, for shape matching."""
    return _SPACE.sub("", code).rstrip(";")


def source_of(text: str, node: Node) -> str:
    return text[start(node) : end(node)]


def is_assignment_to(node: Node, target: str, value: str | None = None, text: str = "") -> bool:
    """`target = value;` as an expression statement (value compared compactly)."""
    if node.type != "ExpressionStatement" or node.expression.type != "AssignmentExpression":
        return False
    expression = node.expression
    if expression.operator != "=" or compact(source_of(text, expression.left)) != target:
        return False
    return value is None or compact(source_of(text, expression.right)) == value


def statement_lists(node: Node) -> Iterator[list[Node]]:
    """Every list of statements under `node` (block bodies, switch cases), outside nested functions."""
    for each in walk(node, into_functions=False):
        if each.type in ("BlockStatement", "Program"):
            yield each.body
        elif each.type == "SwitchCase":
            yield each.consequent


def contains_await(node: Node) -> bool:
    return any(each.type == "AwaitExpression" for each in walk(node, into_functions=False))


def awaits_in(function: Node) -> list[Node]:
    """The function's own await expressions, in source order."""
    return [
        each for each in walk(function.body, into_functions=False) if each.type == "AwaitExpression"
    ]


def is_early_return_guard(node: Node) -> bool:
    """`if (...) return;` or `if (...) { ...; return; }` without an else."""
    if node.type != "IfStatement" or node.alternate is not None:
        return False
    consequent = node.consequent
    if consequent.type == "ReturnStatement":
        return True
    return (
        consequent.type == "BlockStatement"
        and bool(consequent.body)
        and consequent.body[-1].type == "ReturnStatement"
    )


_POSITION_KEYS = {"range", "loc", "_start", "_end", "_line", "_column"}


def shape_of_program(program: Node) -> object:
    """The syntax tree as plain data without positions: equal for the same program."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key not in _POSITION_KEYS}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return strip(program.toDict())
