"""Names local to the two functions: what a pattern binds, where a local is in scope, what it holds.

The fix adds module-level names and locals of its own (`startGeneration`),
so the rules must know when a name is already taken inside a function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from esprima.nodes import Node

from jsfix.javascript.jsast import statement_lists, walk
from jsfix.javascript.parse import Refused

if TYPE_CHECKING:
    from jsfix.plan.facts import FixContext


def local_declarations(function: Node, name: str) -> list[Node]:
    """Declarators, parameters and other bindings named `name` in the function's own scope."""
    found = [param for param in function.params if name in bound_names(param)]
    # walk() does not enter nested functions, so their declarations come from the lists.
    nested_functions = [
        each for statements in statement_lists(function.body) for each in statements if each.type == "FunctionDeclaration"
    ]
    for node in [*walk(function.body, into_functions=False), *nested_functions]:
        pattern = _declared_pattern(node)
        if pattern is not None and name in bound_names(pattern):
            found.append(node)
    return sorted(found, key=lambda each: each.range[0])


def _declared_pattern(node: Node) -> Node | None:
    """What a declaring node binds: a declarator's target, a catch parameter, a function or class name."""
    if node.type == "VariableDeclarator":
        return node.id
    if node.type == "CatchClause":
        return node.param
    if node.type in ("FunctionDeclaration", "ClassDeclaration"):
        return node.id
    return None


def bound_names(pattern: Node) -> set[str]:
    """The names a binding pattern (`x`, `{a, b: c}`, `[d, ...e]`, `f = 1`) declares."""
    if pattern.type == "Identifier":
        return {pattern.name}
    if pattern.type == "ObjectPattern":
        parts = [each.value if each.type == "Property" else each for each in pattern.properties]
    elif pattern.type == "ArrayPattern":
        parts = [each for each in pattern.elements if each is not None]
    elif pattern.type == "AssignmentPattern":
        parts = [pattern.left]
    elif pattern.type == "RestElement":
        parts = [pattern.argument]
    else:
        return set()
    return set().union(*(bound_names(each) for each in parts))


def variable_uses(node: Node, name: str) -> list[Node]:
    """Identifiers under `node` that stand for the variable `name` (not property names)."""
    not_variables = set()
    for each in walk(node):
        if each.type == "MemberExpression" and not each.computed:
            not_variables.add(id(each.property))
        elif (
            each.type in ("Property", "MethodDefinition", "PropertyDefinition")
            and not each.computed
            and not getattr(each, "shorthand", False)
        ):
            not_variables.add(id(each.key))
    return [
        each
        for each in walk(node)
        if each.type == "Identifier" and each.name == name and id(each) not in not_variables
    ]


def refuse_shadowed_names(ctx: FixContext, function: Node, names: tuple[str, ...]) -> None:
    """The module-level names the fix uses in `function` must not be local names there."""
    for name in names:
        declared = local_declarations(function, name)
        if declared:
            raise Refused(
                f"{name} is also a local name in the function at line {ctx.line(function)} "
                f"(line {ctx.line(declared[0])}), so the fix's module-level {name} would not be reached"
            )


def variable_holding(ctx: FixContext, function: Node, value: str, at: Node) -> str | None:
    """Name of a local declared with the given initial value (compared compactly), in scope at `at`."""
    for node in walk(function.body, into_functions=False):
        if (
            node.type == "VariableDeclarator"
            and node.init is not None
            and node.id.type == "Identifier"
            and ctx.compact(node.init) == value
            and visible_at(function, node, at)
        ):
            return node.id.name
    return None


def require_free_local(function: Node, name: str, expected_init: str, ctx: FixContext) -> Node | None:
    """The declarator if `name` is declared as expected, None if free; refuse if taken otherwise."""
    declared = local_declarations(function, name)
    for each in declared:
        if each.type == "VariableDeclarator" and each.init is not None and ctx.compact(each.init) == expected_init:
            return each
    if declared:
        raise Refused(
            f"{name} is already declared for something else at line {ctx.line(declared[0])}"
        )
    return None


def visible_at(function: Node, declaration: Node, node: Node) -> bool:
    """A `let`/`const` holding `declaration` is in scope at `node`, and declared before it."""
    for statements in statement_lists(function.body):
        for index, each in enumerate(statements):
            if not (each.range[0] <= declaration.range[0] and declaration.range[1] <= each.range[1]):
                continue
            if each.type != "VariableDeclaration":
                break  # declared deeper down: look in the inner lists
            return any(
                later.range[0] <= node.range[0] and node.range[1] <= later.range[1]
                for later in statements[index + 1 :]
            )
    return False
