"""What the structural tests look for, read from the fixed file itself.

Every structural test is a chain of anchors that must occur in order in one
top-level declaration. An anchor is the text of a statement as the file
writes it (its first line when it spans several), cut from the declaration
with its comments blanked out, exactly as the generated module will read it
at test time. So the anchors carry the file's own names (`nextMessages`, the
response variable), its own calls (`await api(`) and its own semicolon habit.

The statements come from esprima's syntax tree of the fixed file, found with
the same helpers the rules use to decide that each part is present.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import esprima
from esprima.nodes import Node

from jsfix.javascript.jsast import (
    awaits_in,
    compact,
    is_assignment_to,
    rebase_ranges,
    walk,
)
from jsfix.javascript.offsets import Utf16Offsets
from jsfix.plan.facts import (
    BUMP,
    GENERATION,
    GENERATION_GUARD_SHAPES,
    LOADING_SESSION,
    LOCK,
    OLDEST_INDEX,
    SNAPSHOT,
    FixContext,
    awaits_before_writes,
    committed_callbacks,
    committing_call,
    entry_gate,
    guards_after,
    lock_claim,
    lock_release_try,
    messages_writes,
    response_await,
    session_check_after,
    statement_holding,
    wait_block,
)
from jsfix.plan.locate import Declaration, Located
from jsfix.plan.style import detect_style
from jsfix.plan.targets import ENSURE_ALL, LOAD_OLDER
from jsfix.testgen.support.scan import _blank_comments, _declaration_span

_NOT_A_LINE_OF_ITS_OWN = {"BlockStatement"}


class Unanchorable(Exception):
    """The generated module could not read this file the way esprima does."""


@dataclass(frozen=True)
class Chain:
    """Anchors that must occur in this order in the code of one declaration."""

    declaration: str
    anchors: tuple[str, ...]


@dataclass(frozen=True)
class FixAnchors:
    """One chain per invariant of the fix; `spoil` is None when the wait has no bump."""

    counter: Chain
    bump_helper: Chain
    snapshot: Chain
    prefetch_session_checks: Chain | None
    generation_guards: Chain
    spoil: Chain | None
    wait: Chain
    lock: Chain
    session_guards: Chain
    bump_before_replace: Chain
    reset: Chain


class _Code:
    """One top-level declaration as the generated tests will see it.

    The generated module finds declarations with a small scanner instead of a
    parser; a file where that scanner would cut a different span than esprima
    (a declaration-like line inside a comment, say) gets no structural
    tests, rather than tests that pin the wrong code.
    """

    def __init__(self, located: Located, name: str) -> None:
        text = located.text
        span = _declaration_span(text, name)
        declared = located.declared(name)
        if span is None or declared is None or not _same_span(text, span, declared):
            raise Unanchorable(
                f"without a parser, the generated tests would not find the declaration "
                f"of {name} that esprima finds"
            )
        self.name = name
        self.text = text
        self.start, self.end = span
        self.code = _blank_comments(text[self.start : self.end])

    def anchor(self, start: int, end: int) -> str:
        """The code from `start` to `end` or to the end of its line, whichever is first."""
        line_end = self.text.find("\n", start)
        if line_end != -1:
            end = min(end, line_end)
        return self.code[start - self.start : end - self.start].rstrip()

    def chain(self, items: Iterable[tuple[int, int]]) -> Chain:
        """Anchors for (start, end) spans in source order, one per line they start on."""
        anchors = []
        covered = self.start
        for start, end in sorted(set(items)):
            if start < covered:
                continue  # on a line an earlier anchor already holds
            text = self.anchor(start, end)
            if text:
                anchors.append(text)
                covered = start + len(text)
        return Chain(self.name, tuple(anchors))


def _same_span(text: str, span: tuple[int, int], declared: Declaration) -> bool:
    """The scanner's span is esprima's statement, give or take a leading `export`."""
    start = declared.start
    if text.startswith("export", start):
        start = (
            span[0]
            if text[declared.start : span[0]].split()
            in (["export"], ["export", "default"])
            else -1
        )
    return span == (start, declared.end)


def span(node: Node) -> tuple[int, int]:
    return node.range[0], node.range[1]


def await_span(node: Node, text: str) -> tuple[int, int]:
    """`await api(`: the await up to the opening parenthesis of the call it awaits."""
    argument = node.argument
    if argument.type == "CallExpression":
        opening = text.find("(", argument.callee.range[1])
        if opening != -1:
            return node.range[0], opening + 1
    return span(node)


def await_span_of_call(call: Node, text: str) -> tuple[int, int]:
    """`_commitTranscriptReplacement(`: a call up to its opening parenthesis."""
    opening = text.find("(", call.callee.range[1])
    return (call.range[0], opening + 1) if opening != -1 else span(call)


def statements_in(node: Node) -> list[Node]:
    """Every statement under `node` (itself included), outside nested functions."""
    return [
        each
        for each in walk(node, into_functions=False)
        if (each.type.endswith("Statement") or each.type.endswith("Declaration"))
        and each.type not in _NOT_A_LINE_OF_ITS_OWN
    ]


def find_anchors(located: Located) -> FixAnchors:
    """The chains for a file in which all seven parts of the fix are present."""
    ctx = FixContext(located, detect_style(located))
    load_older = _Code(located, LOAD_OLDER)
    ensure_all = _Code(located, ENSURE_ALL)
    counter = _Code(located, GENERATION)
    helper = _Code(located, BUMP)
    return FixAnchors(
        counter=counter.chain([(counter.start, counter.end)]),
        bump_helper=_bump_helper_chain(helper),
        snapshot=_snapshot_chain(ctx, load_older),
        prefetch_session_checks=_prefetch_session_chain(ctx, load_older),
        generation_guards=_generation_guard_chain(ctx, load_older),
        spoil=_spoil_chain(ctx, ensure_all),
        wait=_wait_chain(ctx, ensure_all),
        lock=_lock_chain(ctx, ensure_all),
        session_guards=_session_guard_chain(ctx, ensure_all),
        bump_before_replace=_bump_chain(ctx, ensure_all),
        reset=_reset_chain(ctx, ensure_all),
    )


def _bump_helper_chain(helper: _Code) -> Chain:
    source = helper.text[helper.start : helper.end]
    function = esprima.parseScript(source, {"range": True}).body[0]
    rebase_ranges(function, Utf16Offsets(source), 0)
    for node in walk(function):
        node.range = [node.range[0] + helper.start, node.range[1] + helper.start]
    return helper.chain(span(each) for each in statements_in(function))


def _snapshot_chain(ctx: FixContext, code: _Code) -> Chain:
    function = ctx.load_older
    snapshot = next(
        each
        for each in statements_in(function.body)
        if each.type == "VariableDeclaration"
        and any(
            d.id.type == "Identifier" and d.id.name == SNAPSHOT
            for d in each.declarations
        )
    )
    return code.chain([span(snapshot), await_span(awaits_in(function)[0], ctx.text)])


def _prefetch_session_chain(ctx: FixContext, code: _Code) -> Chain | None:
    """Each await that a write to S.messages follows, then its session check; None when one has none."""
    function = ctx.load_older
    items = []
    for holder in awaits_before_writes(ctx, function):
        check = session_check_after(ctx, function, holder)
        if check is None:
            return None
        awaited = next(each for each in awaits_in(function) if holder.range[0] <= each.range[0] < holder.range[1])
        items += [await_span(awaited, ctx.text), span(check)]
    return code.chain(items) if items else None


def _generation_guard_chain(ctx: FixContext, code: _Code) -> Chain:
    """Each await that a write to S.messages follows, its generation guard, then the write."""
    function = ctx.load_older
    guards = [
        each
        for each in statements_in(function.body)
        if ctx.compact(each) in GENERATION_GUARD_SHAPES
    ]
    writes = messages_writes(ctx, function)
    awaits = [
        each
        for each in awaits_in(function)
        if any(
            write.range[0] > statement_holding(function, each).range[1]
            for write in writes
        )
    ]
    last_guard = max(guard.range[1] for guard in guards)
    first_write = min(
        (each for each in writes if each.range[0] > last_guard),
        key=lambda each: each.range[0],
    )
    items = [await_span(each, ctx.text) for each in awaits]
    return code.chain(items + [span(each) for each in guards] + [span(first_write)])


def _spoil_chain(ctx: FixContext, code: _Code) -> Chain | None:
    """The wait block's own line, the bump inside it, and the loop it bumps before."""
    block = wait_block(ctx)
    loops = [
        each
        for each in walk(block)
        if each.type == "WhileStatement" and ctx.compact(each.test) == LOCK
    ]
    if not loops:
        return None  # the fork waits on a helper of its own
    bumps = [
        each
        for each in statements_in(block)
        if _is_bump(ctx, each) and each.range[1] <= loops[0].range[0]
    ]
    if not bumps or block is loops[0]:
        return None
    return code.chain([span(block), span(bumps[0]), span(loops[0])])


def _wait_chain(ctx: FixContext, code: _Code) -> Chain:
    """The entry gate, every line of the wait block (the gate again inside it), the lock claim."""
    function = ctx.ensure_all
    gate = entry_gate(function)
    items = [span(each) for each in statements_in(wait_block(ctx))]
    items.append(span(lock_claim(ctx, function)))
    if gate is not None:
        items.append(span(gate))
    return code.chain(items)


def _lock_chain(ctx: FixContext, code: _Code) -> Chain:
    """The lock claim, the `try` it guards, and its `finally` with what it runs."""
    statement = lock_release_try(ctx)
    finalizer = statement.finalizer
    keyword = ctx.text.rfind("finally", statement.block.range[1], finalizer.range[0])
    items = [
        span(lock_claim(ctx, ctx.ensure_all)),
        (statement.range[0], statement.block.range[0] + 1),
    ]
    items.append((keyword, finalizer.range[0] + 1))
    items.extend(span(each) for each in statements_in(finalizer))
    return code.chain(items)


def _session_guard_chain(ctx: FixContext, code: _Code) -> Chain:
    """The full-history await, the response and session guards after it, the replace."""
    function = ctx.ensure_all
    response = response_await(ctx)
    holder = statement_holding(function, response)
    data = (
        holder.declarations[0].id.name if holder.type == "VariableDeclaration" else None
    )
    wanted = []
    for guard in guards_after(function, holder):
        shape = compact(ctx.source(guard.test))
        if (
            shape == f"!{data}||!{data}.session"
            or "S.session.session_id!==" in shape
            or f"{LOADING_SESSION}!==" in shape
        ):
            wanted.append(span(guard))
    replace = _writes_after(ctx, holder)[0]
    return code.chain([await_span(response, ctx.text), *wanted, span(replace)])


def _bump_chain(ctx: FixContext, code: _Code) -> Chain:
    """The full-history await, the bump after it, and the wholesale replace."""
    function = ctx.ensure_all
    holder = statement_holding(function, response_await(ctx))
    writes = _writes_after(ctx, holder)
    bumps = [
        each
        for each in statements_in(function.body)
        if _is_bump(ctx, each)
        and holder.range[1] <= each.range[0] < writes[-1].range[0]
    ]
    # A write in a replacement helper's callback is bumped by the helper: pin the call.
    commits = [
        call for write in writes if (call := committing_call(ctx, function, write))
    ]
    return code.chain(
        [
            await_span(response_await(ctx), ctx.text),
            *map(span, bumps),
            *(await_span_of_call(call, ctx.text) for call in commits),
            *map(span, writes),
        ]
    )


def _reset_chain(ctx: FixContext, code: _Code) -> Chain:
    """The full-history await, the replace, and the `_oldestIdx` reset."""
    function = ctx.ensure_all
    holder = statement_holding(function, response_await(ctx))
    bodies = [function.body, *(each.body for each in committed_callbacks(ctx, function))]
    resets = [
        each
        for body in bodies
        for each in statements_in(body)
        if is_assignment_to(each, OLDEST_INDEX, text=ctx.text)
    ]
    return code.chain(
        [
            await_span(response_await(ctx), ctx.text),
            span(_writes_after(ctx, holder)[0]),
            *map(span, resets),
        ]
    )


def _writes_after(ctx: FixContext, holder: Node) -> list[Node]:
    return [
        each
        for each in messages_writes(ctx, ctx.ensure_all)
        if each.range[0] > holder.range[1]
    ]


def _is_bump(ctx: FixContext, statement: Node) -> bool:
    return (
        statement.type == "ExpressionStatement"
        and ctx.compact(statement) == f"{BUMP}()"
    )
