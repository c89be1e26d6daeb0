"""Recognising forks that closed the race another way, and forks half-way there.

A file is an equivalent fix only when the race model holds on it, which in
practice means three things, whatever the names:

- `_loadOlderMessages` notes a value before its request and drops its page
  when the value moved (`transcriptWindowState.generation`, or `_oldestIdx`
  itself), and `_ensureAllMessagesLoaded` moves that value when it replaces
  the transcript: a prefetch that lands late cannot prepend;
- `_ensureAllMessagesLoaded` holds the lock in try/finally;
- and it checks the session again after its await.

The prefetch must also check the session again after its awaits; where an
otherwise equivalent fork does not, the plan adds that check alone.

A fork that waits on a helper of its own and holds the lock, but has no
such stale-page check, still races (a session switch frees the lock under
it): that is an alternative fix the rules complete with the generation
parts, keeping the fork's own wait. `describe_alternative` names it.
"""

from __future__ import annotations

from esprima.nodes import Node

from jsfix.javascript.jsast import awaits_in, compact, source_of, walk
from jsfix.plan.facts import (
    FixContext,
    awaits_before_writes,
    compares_session_id,
    polls_lock,
    session_check_after,
    wait_block,
    wait_helper,
)
from jsfix.plan.locate import Located


def describe_equivalent_fix(located: Located, ctx: FixContext) -> str | None:
    if not (_holds_lock_in_try_finally(located, located.ensure_all.body.body) and _rechecks_session(located, ctx)):
        return None
    check = _stale_page_check(located)
    if check is None:
        return None
    snapshot, counter = check
    return f"_loadOlderMessages drops a stale page by comparing {counter} with {snapshot} after its await{_waiting(ctx)}"


def describe_alternative(ctx: FixContext) -> str | None:
    """The fork's own wait, when it is not jsfix's `while (_loadingOlder)` loop."""
    block = wait_block(ctx)
    if block is None or polls_lock(ctx, block):
        return None
    return f"_ensureAllMessagesLoaded waits on {wait_helper(ctx, block)}()"


def _waiting(ctx: FixContext) -> str:
    alternative = describe_alternative(ctx)
    return f"; {alternative}" if alternative else ""


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


def _rechecks_session(located: Located, ctx: FixContext) -> bool:
    """An `if` after Start-jump's first await compares the session id again."""
    awaits = awaits_in(located.ensure_all)
    if not awaits:
        return False
    return any(
        node.type == "IfStatement" and node.range[0] > awaits[0].range[0] and compares_session_id(ctx, node.test)
        for node in walk(located.ensure_all.body, into_functions=False)
    )


def prefetch_rechecks_session(ctx: FixContext) -> bool:
    """After every await that a write to S.messages follows, the prefetch compares the session id again."""
    function = ctx.load_older
    return all(session_check_after(ctx, function, holder) is not None for holder in awaits_before_writes(ctx, function))


def _is_lock_assignment(text: str, node: Node, value: str) -> bool:
    if node.type != "ExpressionStatement" or node.expression.type != "AssignmentExpression":
        return False
    left = compact(source_of(text, node.expression.left))
    right = compact(source_of(text, node.expression.right))
    return right == value and (left == "_loadingOlder" or left.endswith(".loadingOlder"))


def _stale_page_check(located: Located) -> tuple[str, str] | None:
    """(snapshot, counter): `const S = <counter>` before the first await, `S !== <counter>` after it.

    The canonical `_messagesGeneration` is left to the rules. The counter
    must also move in `_ensureAllMessagesLoaded` after its request returns,
    or the check can never fire.
    """
    text = located.text
    function = located.load_older
    awaits = awaits_in(function)
    if not awaits:
        return None
    first_await = awaits[0].range[0]
    snapshots = {
        node.id.name: compact(source_of(text, node.init))
        for node in walk(function.body, into_functions=False)
        if node.type == "VariableDeclarator"
        and node.range[1] <= first_await
        and node.id.type == "Identifier"
        and node.init is not None
        and node.init.type in ("Identifier", "MemberExpression")
    }
    for node in walk(function.body, into_functions=False):
        if node.type != "IfStatement" or node.range[0] < first_await or node.test.type != "BinaryExpression":
            continue
        if node.test.operator not in ("!==", "!="):
            continue
        sides = {compact(source_of(text, node.test.left)), compact(source_of(text, node.test.right))}
        for name, counter in snapshots.items():
            if sides == {name, counter} and counter != "_messagesGeneration" and _moved_by_full_load(located, counter):
                return name, counter
    return None


def _moved_by_full_load(located: Located, counter: str) -> bool:
    """`_ensureAllMessagesLoaded` assigns the counter, or calls a bump method of its owner, after its first await."""
    text = located.text
    awaits = awaits_in(located.ensure_all)
    if not awaits:
        return False
    owner = counter.rsplit(".", 1)[0] if "." in counter else None
    for node in walk(located.ensure_all.body):
        if node.range[0] < awaits[0].range[0]:
            continue
        if node.type == "AssignmentExpression" and compact(source_of(text, node.left)) == counter:
            return True
        if node.type == "UpdateExpression" and compact(source_of(text, node.argument)) == counter:
            return True
        if owner is not None and node.type == "CallExpression" and node.callee.type == "MemberExpression":
            callee = compact(source_of(text, node.callee))
            if callee.rsplit(".", 1)[0] == owner and "bump" in callee.rsplit(".", 1)[-1].lower():
                return True
    return False
