"""Recognising forks that closed the race another way.

Two alternatives are known: `_ensureAllMessagesLoaded` awaits a helper that
waits for the prefetch to go idle and then holds the lock in try/finally; or
the generation lives under another name or in an object, snapshotted before
the prefetch's await and compared after it. Both are left alone, but only
where `_ensureAllMessagesLoaded` also holds the lock in try/finally and
checks the session again after its await: without those, the fork still
races, and the rules add what is missing.
"""

from __future__ import annotations

from esprima.nodes import Node

from jsfix.jsast import awaits_in, compact, source_of, walk
from jsfix.locate import Located


def describe_equivalent_fix(located: Located) -> str | None:
    if not (_holds_lock_in_try_finally(located, located.ensure_all.body.body) and _rechecks_session(located)):
        return None
    return _waits_on_helper(located) or _generation_elsewhere(located)


def _holds_lock_in_try_finally(located: Located, statements: list[Node]) -> bool:
    text = located.text
    claims = any(_is_lock_assignment(text, each, "true") for each in statements)
    releases = any(
        each.type == "TryStatement"
        and each.finalizer is not None
        and any(_is_lock_assignment(text, inner, "false") for inner in walk(each.finalizer))
        for each in statements
    )
    return claims and releases


def _rechecks_session(located: Located) -> bool:
    """An `if` after the function's first await compares the session id again."""
    awaits = awaits_in(located.ensure_all)
    if not awaits:
        return False
    return any(
        node.type == "IfStatement"
        and node.range[0] > awaits[0].range[0]
        and "S.session.session_id!==" in compact(source_of(located.text, node.test))
        for node in walk(located.ensure_all.body, into_functions=False)
    )


def _waits_on_helper(located: Located) -> str | None:
    statements = located.ensure_all.body.body
    for index, statement in enumerate(statements):
        if statement.type != "ExpressionStatement" or statement.expression.type != "AwaitExpression":
            continue
        call = statement.expression.argument
        if call.type != "CallExpression" or call.callee.type != "Identifier" or call.callee.name == "api":
            continue
        if _holds_lock_in_try_finally(located, statements[index + 1 :]):
            return f"_ensureAllMessagesLoaded waits on {call.callee.name}() and holds the lock in try/finally"
    return None


def _is_lock_assignment(text: str, node: Node, value: str) -> bool:
    if node.type != "ExpressionStatement" or node.expression.type != "AssignmentExpression":
        return False
    left = compact(source_of(text, node.expression.left))
    right = compact(source_of(text, node.expression.right))
    return right == value and (left == "_loadingOlder" or left.endswith(".loadingOlder"))


def _generation_elsewhere(located: Located) -> str | None:
    """A snapshot `const X = <counter>` before the first await, compared after it."""
    text = located.text
    function = located.load_older
    awaits = awaits_in(function)
    if not awaits:
        return None
    first_await = awaits[0].range[0]
    snapshots = {}
    for node in walk(function.body, into_functions=False):
        if (
            node.type == "VariableDeclarator"
            and node.range[1] <= first_await
            and node.id.type == "Identifier"
            and node.init is not None
            and node.init.type in ("Identifier", "MemberExpression", "StaticMemberExpression")
        ):
            snapshots[node.id.name] = compact(source_of(text, node.init))
    for node in walk(function.body, into_functions=False):
        if node.type != "IfStatement" or node.range[0] < first_await or node.test.type != "BinaryExpression":
            continue
        if node.test.operator not in ("!==", "!="):
            continue
        sides = {compact(source_of(text, node.test.left)), compact(source_of(text, node.test.right))}
        for name, counter in snapshots.items():
            if sides == {name, counter} and counter != "_messagesGeneration" and "eneration" in counter:
                return f"_loadOlderMessages keeps its generation in {counter}, checked after the await"
    return None
