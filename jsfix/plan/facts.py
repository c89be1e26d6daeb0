"""What the rules know about the two located functions, derived once.

The seven rules in `rules.py` ask the same questions (where is the lock
claimed, where does Start-jump wait, which statements write S.messages,
which await fetches the full history?); the answers live here so each rule
reads as its part of the fix, and `testgen/anchors.py` finds the same
statements the rules decided on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property

from esprima.nodes import Node

from jsfix.javascript.jsast import (
    FUNCTION_TYPES,
    awaits_in,
    compact,
    contains_await,
    is_assignment_to,
    is_early_return_guard,
    shifted_copy,
    source_of,
    statement_lists,
    walk,
)
from jsfix.javascript.parse import parse_slice
from jsfix.plan.edits import Layout, Style
from jsfix.plan.locate import Located, Refused

GENERATION = "_messagesGeneration"
BUMP = "_bumpMessagesGeneration"
SNAPSHOT = "startGeneration"
LOCK = "_loadingOlder"
OLDEST_INDEX = "_oldestIdx"
LOADING_SESSION = "_loadingSessionId"

GENERATION_GUARD = f"if ({GENERATION} !== {SNAPSHOT}) return;"
GENERATION_GUARD_SHAPES = {
    f"if({GENERATION}!=={SNAPSHOT})return",
    f"if({SNAPSHOT}!=={GENERATION})return",
    f"if({GENERATION}!={SNAPSHOT})return",
    f"if({SNAPSHOT}!={GENERATION})return",
}


class FixContext:
    """The located functions plus what several rules need to know about them."""

    def __init__(self, located: Located, style: Style) -> None:
        self.located = located
        self.text = located.text
        self.style = style
        self.layout = Layout(located.text, style)
        self.load_older = located.load_older
        self.ensure_all = located.ensure_all
        self._helper_verdicts: dict[str, bool] = {}
        self._writes: dict[int, list[Node]] = {}  # id of a target -> its S.messages writes

    def source(self, node: Node) -> str:
        return source_of(self.text, node)

    def compact(self, node: Node) -> str:
        return compact(self.source(node))

    @cached_property
    def ensure_all_holds_lock(self) -> bool:
        """The body claims `_loadingOlder = true` and releases it in a finally."""
        return lock_claim(self, self.ensure_all) is not None and lock_release_try(self) is not None

    def ensure_indent(self, node: Node) -> str:
        """Indentation that a line next to `node` will have once the fix is in."""
        extra = "" if self.ensure_all_holds_lock else self.style.indent_unit
        return self.layout.indent_of(node) + extra

    def line(self, node: Node) -> int:
        return self.located.line_of(node.range[0])

    def bumps_before_calling_back(self, name: str) -> bool:
        """Whether the top-level function `name` bumps the generation, then calls a parameter."""
        if name not in self._helper_verdicts:
            node = self._function_node(name)
            self._helper_verdicts[name] = node is not None and bumps_before_calling_back(node)
        return self._helper_verdicts[name]

    def _function_node(self, name: str) -> Node | None:
        declared = self.located.declared(name)
        if declared is None or declared.kind not in ("function", "async function"):
            return None
        if declared.node is not None:
            return declared.node
        # The fast path only parsed the targets and anchors: parse this one alone.
        program = parse_slice(self.text[declared.start : declared.end], self.located.is_module)
        node = program.body[0] if program is not None and program.body else None
        if node is not None and node.type.startswith("Export"):
            node = node.declaration
        if node is None or node.type != "FunctionDeclaration":
            return None
        return shifted_copy(node, declared.start)


# --- facts about the functions ------------------------------------------------


def body_statements(function: Node) -> list[Node]:
    return function.body.body


def lock_claim(ctx: FixContext, function: Node) -> Node | None:
    return next(
        (each for each in body_statements(function) if is_assignment_to(each, LOCK, "true", ctx.text)),
        None,
    )


def lock_release_try(ctx: FixContext) -> Node | None:
    """A body-level try whose finally releases `_loadingOlder`."""
    for statement in body_statements(ctx.ensure_all):
        if (
            statement.type == "TryStatement"
            and statement.finalizer is not None
            and any(is_assignment_to(each, LOCK, "false", ctx.text) for each in walk(statement.finalizer))
        ):
            return statement
    return None


def entry_gate(function: Node) -> Node | None:
    first = body_statements(function)[0] if body_statements(function) else None
    return first if first is not None and is_early_return_guard(first) else None


def wait_block(ctx: FixContext) -> Node | None:
    """The body-level statement where Start-jump waits for a prefetch in flight.

    Either jsfix's own shape, a block holding a `while (_loadingOlder)` loop,
    or a fork's own wait on a helper (see `wait_helper`). Only a statement
    before the full-history request can be one: an await after it waits for
    something else.
    """
    for statement in body_statements(ctx.ensure_all):
        if polls_lock(ctx, statement) or wait_helper(ctx, statement) is not None:
            return statement
        if any(_awaits_api(each) for each in walk(statement, into_functions=False)):
            return None
    return None


def _awaits_api(node: Node) -> bool:
    return (
        node.type == "AwaitExpression"
        and node.argument.type == "CallExpression"
        and node.argument.callee.type == "Identifier"
        and node.argument.callee.name == "api"
    )


def polls_lock(ctx: FixContext, statement: Node) -> bool:
    return any(
        node.type == "WhileStatement" and ctx.compact(node.test) == LOCK
        for node in walk(statement, into_functions=False)
    )


def wait_helper(ctx: FixContext, statement: Node) -> str | None:
    """The helper a statement waits on: `await _waitForIdle();` or `if (...) await _waitForIdle(sid);`.

    It counts as a wait when the helper's own text reads the lock, or, for a
    helper defined elsewhere, when its name says it waits.
    """
    if statement.type == "IfStatement" and statement.alternate is None:
        inner = statement.consequent
        if inner.type == "BlockStatement" and len(inner.body) == 1:
            inner = inner.body[0]
        statement = inner
    if statement.type != "ExpressionStatement" or statement.expression.type != "AwaitExpression":
        return None
    call = statement.expression.argument
    if call.type != "CallExpression" or call.callee.type != "Identifier" or call.callee.name == "api":
        return None
    name = call.callee.name
    declared = ctx.located.declared(name)
    if declared is not None and declared.kind in ("function", "async function"):
        return name if LOCK in ctx.text[declared.start : declared.end] else None
    return name if _WAIT_NAME.search(name) else None


# `_waitForOlderMessagesIdle`, `waitUntilIdle`, `_pagingIdle`: a word of the
# name says it waits (not merely contains the letters, as "await" does).
_WAIT_NAME = re.compile(r"(?:^|_)(?:wait|idle)(?=[A-Z_]|$)|(?<=[a-z])(?:Wait|Idle)(?=[A-Z_]|$)")


def place_of(function: Node, statement: Node) -> tuple[list[Node], int]:
    for statements in statement_lists(function.body):
        for index, each in enumerate(statements):
            if each is statement:
                return statements, index
    raise LookupError("statement is not in the function")


def statement_holding(function: Node, node: Node) -> Node:
    """The innermost statement (an item of some statement list) that contains `node`."""
    best = None
    for statements in statement_lists(function.body):
        for each in statements:
            contains = each.range[0] <= node.range[0] and node.range[1] <= each.range[1]
            if contains and (best is None or each.range[1] - each.range[0] < best.range[1] - best.range[0]):
                best = each
    assert best is not None
    return best


def guards_after(function: Node, statement: Node) -> list[Node]:
    """The run of early-return guards right after `statement` in its list."""
    statements, index = place_of(function, statement)
    guards = []
    for each in statements[index + 1 :]:
        if not is_early_return_guard(each):
            break
        guards.append(each)
    return guards


def messages_writes(ctx: FixContext, function: Node) -> list[Node]:
    """The function's `S.messages = ...;` statements, in source order.

    A write inside a callback handed to a replacement helper
    (`_commitTranscriptReplacement(ticket, () => { S.messages = ...; })`) is
    still this function's write: it runs when the helper calls back.
    """
    cached = ctx._writes.get(id(function))
    if cached is None:
        writes = [
            each
            for body in own_bodies(ctx, function)
            for statements in statement_lists(body)
            for each in statements
            if is_assignment_to(each, "S.messages", text=ctx.text)
        ]
        cached = ctx._writes[id(function)] = sorted(writes, key=lambda each: each.range[0])
    return cached


def own_bodies(ctx: FixContext, function: Node) -> list[Node]:
    """The function's body and those of the callbacks it hands a replacement helper: code that runs as its own."""
    return [function.body, *(callback.body for callback in committed_callbacks(ctx, function))]


def committed_callbacks(ctx: FixContext, function: Node) -> list[Node]:
    """Function arguments of calls to a helper that bumps the generation before calling back."""
    found = []
    for node in walk(function.body, into_functions=False):
        if node.type != "CallExpression" or node.callee.type != "Identifier":
            continue
        callbacks = [each for each in node.arguments if each.type in FUNCTION_TYPES and each.body.type == "BlockStatement"]
        if callbacks and ctx.bumps_before_calling_back(node.callee.name):
            found.extend(callbacks)
    return found


def committing_call(ctx: FixContext, function: Node, write: Node) -> Node | None:
    """The call to a replacement helper whose callback holds `write`, or None."""
    for node in walk(function.body, into_functions=False):
        if node.type != "CallExpression" or node.callee.type != "Identifier":
            continue
        holds_write = any(
            callback.type in FUNCTION_TYPES and callback.range[0] <= write.range[0] < callback.range[1]
            for callback in node.arguments
        )
        if holds_write and ctx.bumps_before_calling_back(node.callee.name):
            return node
    return None


def bumps_before_calling_back(function: Node) -> bool:
    """`function (ticket, commit) { ...; _bumpMessagesGeneration(); ...; commit(); }`."""
    params = {param.name for param in function.params if param.type == "Identifier"}
    bump_at = None
    for node in walk(function.body, into_functions=False):
        if node.type == "CallExpression" and node.callee.type == "Identifier":
            if node.callee.name == BUMP and bump_at is None:
                bump_at = node.range[0]
            elif node.callee.name in params and bump_at is not None and node.range[0] > bump_at:
                return True
    return False


def awaits_before_writes(ctx: FixContext, function: Node) -> list[Node]:
    """The statements holding each await that a write to S.messages follows, once each."""
    writes = messages_writes(ctx, function)
    holders: list[Node] = []
    for each in awaits_in(function):
        holder = statement_holding(function, each)
        if all(holder is not seen for seen in holders) and any(write.range[0] > holder.range[1] for write in writes):
            holders.append(holder)
    return holders


def check_after(ctx: FixContext, function: Node, holder: Node, is_check: Callable[[Node], bool]) -> Node | None:
    """The first statement after `holder` in its list that `is_check` accepts, before the next await or write."""
    statements, index = place_of(function, holder)
    for each in statements[index + 1 :]:
        if is_check(each):
            return each
        if contains_await(each) or writes_messages(ctx, function, each):
            return None
    return None


def session_check_after(ctx: FixContext, function: Node, holder: Node) -> Node | None:
    """The statement that compares S.session's id again after `holder`, before the next await or write."""
    return check_after(
        ctx, function, holder, lambda each: each.type == "IfStatement" and compares_session_id(ctx, each.test)
    )


SESSION_ID = frozenset(("S.session.session_id", "S.session?.session_id", "S.session&&S.session.session_id"))


def compares_session_id(ctx: FixContext, test: Node) -> bool:
    """`S.session.session_id !== sid`, either way round, `!=` too, anywhere in a condition."""
    return any(
        node.type == "BinaryExpression"
        and node.operator in ("!==", "!=")
        and SESSION_ID & {ctx.compact(node.left), ctx.compact(node.right)}
        for node in walk(test, into_functions=False)
    )


def writes_messages(ctx: FixContext, function: Node, statement: Node) -> bool:
    """`statement` holds one of the function's writes to S.messages (not a comparison with it)."""
    return any(
        statement.range[0] <= write.range[0] < statement.range[1] for write in messages_writes(ctx, function)
    )


def response_await(ctx: FixContext) -> Node:
    """The await of the full-history request in `_ensureAllMessagesLoaded`."""
    own = [each for each in awaits_in(ctx.ensure_all) if not _inside_wait_loop(ctx, each)]
    for each in own:
        argument = each.argument
        if argument.type == "CallExpression" and ctx.compact(argument.callee) == "api":
            return each
    if own:
        return own[0]
    raise Refused(f"_ensureAllMessagesLoaded at line {ctx.line(ctx.ensure_all)} never awaits a request")


def _inside_wait_loop(ctx: FixContext, node: Node) -> bool:
    block = wait_block(ctx)
    return block is not None and block.range[0] <= node.range[0] < block.range[1]
