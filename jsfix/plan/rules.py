"""The parts of the #1937 fix, one rule each.

Every rule looks at the located functions and returns the edits its part
needs, or no edits when the part is already there. Rules never look at
each other's edits; what several rules need to know about the functions
(is the body of `_ensureAllMessagesLoaded` about to be wrapped in
try/finally?) is derived once, in `jsfix/plan/facts.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from esprima.nodes import Node

from jsfix.javascript.jsast import (
    awaits_in,
    compact,
    contains_await,
    is_assignment_to,
    statement_lists,
    walk,
)
from jsfix.plan.edits import Edit, reindent_lines
from jsfix.plan.facts import (
    BUMP,
    GENERATION,
    GENERATION_GUARD,
    GENERATION_GUARD_SHAPES,
    LOADING_SESSION,
    LOCK,
    OLDEST_INDEX,
    SNAPSHOT,
    FixContext,
    awaits_before_writes,
    body_statements,
    check_after,
    committing_call,
    entry_gate,
    guards_after,
    lock_claim,
    messages_writes,
    own_bodies,
    response_await,
    session_check_after,
    statement_holding,
    wait_block,
    wait_helper,
)
from jsfix.plan.locals import (
    local_declarations,
    refuse_shadowed_names,
    require_free_local,
    variable_holding,
    variable_uses,
    visible_at,
)
from jsfix.plan.locate import Declaration, Refused
from jsfix.plan.targets import LOAD_OLDER

# --- the seven parts ----------------------------------------------------------

COUNTER_LINES = [
    "// Counts wholesale replacements of S.messages. An older-page fetch notes the",
    "// value before it awaits and drops its page if the value moved (#1937).",
    f"let {GENERATION} = 0;",
]
BUMP_LINES = [
    f"function {BUMP}() {{",
    "\t// `| 0` keeps the counter a small integer; only inequality matters.",
    f"\t{GENERATION} = ({GENERATION} + 1) | 0;",
    f"\treturn {GENERATION};",
    "}",
]


def plan_generation_counter(ctx: FixContext) -> list[Edit]:
    """Part 1: `let _messagesGeneration = 0;` and its bump helper at module scope."""
    counter = ctx.located.declared(GENERATION)
    helper = ctx.located.declared(BUMP)
    if counter is not None and counter.kind not in ("let", "var"):
        raise Refused(f"{GENERATION} is already declared as {_a(counter.kind)} at line {ctx.located.line_of(counter.start)}")
    if helper is not None and helper.kind != "function":
        raise Refused(f"{BUMP} is already declared as {_a(helper.kind)} at line {ctx.located.line_of(helper.start)}")
    if counter is not None and not _starts_at_zero(counter):
        raise Refused(
            f"{GENERATION} is already declared for something else at line {ctx.located.line_of(counter.start)} "
            "(the fix needs it to start at 0)"
        )
    if helper is not None and not _bumps_generation(helper):
        raise Refused(
            f"{BUMP} is already declared for something else at line {ctx.located.line_of(helper.start)} "
            f"(it never changes {GENERATION})"
        )
    lines = ([] if counter else COUNTER_LINES) + ([] if helper else BUMP_LINES)
    if not lines:
        return []
    anchor = counter or ctx.located.declared(OLDEST_INDEX)
    if anchor is not None and anchor.kind in ("let", "var"):
        node = _Span(anchor.start, anchor.end)
        return [ctx.layout.insert_after(node, lines)]
    # No `let _oldestIdx`: the lines go above _loadOlderMessages, outside any
    # `export` in front of it, with a blank line between.
    load_older = ctx.located.declared(LOAD_OLDER)
    return [ctx.layout.insert_before(_Span(load_older.start, load_older.end), [*lines, ""])]


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _starts_at_zero(counter: Declaration) -> bool:
    init = counter.node.init if counter.node is not None else None
    return init is not None and init.type == "Literal" and init.raw == "0"


def _bumps_generation(helper: Declaration) -> bool:
    """The helper assigns or increments `_messagesGeneration`."""
    for node in walk(helper.node.body) if helper.node is not None else ():
        target = node.left if node.type == "AssignmentExpression" else node.argument if node.type == "UpdateExpression" else None
        if target is not None and target.type == "Identifier" and target.name == GENERATION:
            return True
    return False


class _Span:
    """A bare range, for placing lines next to a top-level declaration."""

    def __init__(self, start: int, end: int) -> None:
        self.range = [start, end]


def plan_snapshot(ctx: FixContext) -> list[Edit]:
    """Part 2: `const startGeneration = _messagesGeneration;` before the first await."""
    refuse_shadowed_names(ctx, ctx.load_older, (GENERATION, BUMP))
    awaits = awaits_in(ctx.load_older)
    if not awaits:
        raise Refused(f"_loadOlderMessages at line {ctx.line(ctx.load_older)} never awaits a request")
    snapshot = require_free_local(ctx.load_older, SNAPSHOT, GENERATION, ctx)
    if snapshot is not None:
        if not visible_at(ctx.load_older, snapshot, awaits[0]):
            raise Refused(
                f"{SNAPSHOT} at line {ctx.line(snapshot)} is not declared before the first await "
                f"(line {ctx.line(awaits[0])}) in a scope that holds it"
            )
        return []
    # A new `const` shadows any outer startGeneration in the whole body, so
    # the body may use the name only in the fix's own guards.
    guards = [each for each in walk(ctx.load_older.body) if ctx.compact(each) in GENERATION_GUARD_SHAPES]
    for use in variable_uses(ctx.load_older.body, SNAPSHOT):
        if not any(guard.range[0] <= use.range[0] < guard.range[1] for guard in guards):
            raise Refused(f"{SNAPSHOT} is already used for something else at line {ctx.line(use)}")
    lines = [
        "// Note the generation before awaiting: if the transcript is replaced",
        "// meanwhile, the page fetched below no longer fits and is dropped (#1937).",
        f"const {SNAPSHOT} = {GENERATION};",
    ]
    claim = lock_claim(ctx, ctx.load_older)
    holder = next(each for each in body_statements(ctx.load_older) if contains_await(each))
    if claim is not None and claim.range[1] <= holder.range[0]:
        return [ctx.layout.insert_after(claim, lines)]
    return [ctx.layout.insert_before(holder, lines)]


SESSION_ID_SHAPES = ("S.session?S.session.session_id:null", "S.session.session_id", "S.session&&S.session.session_id", "S.session?.session_id")


def plan_prefetch_session_guard(ctx: FixContext) -> list[Edit]:
    """Part 3, first half: after each await, the prefetch drops a page meant for another session.

    Upstream's prefetch already had this check when the fix landed; older forks
    only compare `_loadingSessionId`, which is null again once the switch is
    done, so the old session's page would land on the new one.
    """
    function = ctx.load_older
    edits = []
    for holder in awaits_before_writes(ctx, function):
        sid = next(
            (name for shape in SESSION_ID_SHAPES if (name := variable_holding(ctx, function, shape, holder))),
            None,
        )
        if sid is None or session_check_after(ctx, function, holder) is not None:
            continue
        anchor = (guards_after(function, holder) or [holder])[-1]
        edits.append(
            ctx.layout.insert_after(
                anchor,
                [
                    "// The user may have switched sessions during the await: this page",
                    "// belongs to the one they left (#1937).",
                    f"if (!S.session || S.session.session_id !== {sid}) return;",
                ],
            )
        )
    return edits


def plan_generation_guards(ctx: FixContext) -> list[Edit]:
    """Part 3: after each await that precedes a write to S.messages, drop a stale page."""
    function = ctx.load_older
    snapshot = next(
        (each for each in local_declarations(function, SNAPSHOT) if each.type == "VariableDeclarator"), None
    )
    edits = []
    for holder in awaits_before_writes(ctx, function):
        if _has_generation_guard(ctx, function, holder):
            continue
        anchor = (guards_after(function, holder) or [holder])[-1]
        if snapshot is not None and not visible_at(function, snapshot, anchor):
            raise Refused(
                f"{SNAPSHOT} at line {ctx.line(snapshot)} is not in scope at the await on line {ctx.line(holder)}"
            )
        edits.append(
            ctx.layout.insert_after(
                anchor,
                [
                    "// The transcript was replaced while this request was in flight, so",
                    "// prepending now would duplicate messages (#1937).",
                    GENERATION_GUARD,
                ],
            )
        )
    return edits


def _has_generation_guard(ctx: FixContext, function: Node, holder: Node) -> bool:
    """A generation guard follows `holder` before the next await or S.messages write."""
    return check_after(ctx, function, holder, lambda each: ctx.compact(each) in GENERATION_GUARD_SHAPES) is not None


def plan_wait_then_lock(ctx: FixContext) -> list[Edit]:
    """Part 4: wait out an in-flight prefetch, then hold the lock in try/finally."""
    function = ctx.ensure_all
    refuse_shadowed_names(ctx, function, (LOCK, BUMP, GENERATION, OLDEST_INDEX))
    gate = entry_gate(function)
    existing_wait = wait_block(ctx)
    edits = []
    layout = ctx.layout
    if existing_wait is None:
        wait_lines = [
            f"if ({LOCK}) {{",
            "\t// An older-page fetch is in flight: spoil its result now, then wait",
            "\t// for it to release the lock before taking the lock here (#1937).",
            f"\t{BUMP}();",
            f"\twhile ({LOCK}) {{",
            "\t\tawait new Promise(resolve => setTimeout(resolve, 16));",
            "\t}",
        ]
        if gate is not None:
            gate_lines = ctx.source(gate).split("\n")
            wait_lines.append("\t" + gate_lines[0].rstrip("\r"))
            # Continuation lines keep their indentation relative to the gate's first line.
            gate_indent = layout.indent_of(gate)
            wait_lines.extend(
                "\t" + (line.removeprefix(gate_indent)).rstrip("\r")
                for line in gate_lines[1:]
            )
        wait_lines.append("}")
        edits.append(_insert_at_body_start(ctx, function, gate, wait_lines))
    if ctx.ensure_all_holds_lock:
        return edits
    after = existing_wait or gate
    if existing_wait is not None and wait_helper(ctx, existing_wait) is not None:
        # A fork's own wait is usually followed by its own re-check of the gate.
        after = (guards_after(function, existing_wait) or [existing_wait])[-1]
    rest = [
        each
        for each in body_statements(function)
        if after is None or each.range[0] >= after.range[1]
    ]
    if not rest:
        raise Refused(f"_ensureAllMessagesLoaded at line {ctx.line(function)} has no body to guard")
    open_lines = [
        "// Hold the older-page lock so no new fetch starts mid-replace (#1937).",
        f"{LOCK} = true;",
        "try {",
    ]
    edits.append(_insert_at_body_start(ctx, function, after, open_lines))
    region_start = layout.line_end(after.range[1]) + 1 if after is not None else layout.line_end(function.body.range[0]) + 1
    region_end = rest[-1].range[1]
    literals = [
        (node.range[0], node.range[1])
        for node in walk(function.body)
        if node.type in ("TemplateLiteral", "Literal")
    ]
    edits.extend(reindent_lines(layout, region_start, region_end, literals))
    close = layout.insert_after(rest[-1], ["} finally {", f"\t{LOCK} = false;", "}"], indent=layout.indent_of(rest[0]))
    edits.append(Edit(close.start, close.end, close.replacement, last=True))
    return edits


def _insert_at_body_start(ctx: FixContext, function: Node, after: Node | None, lines: list[str]) -> Edit:
    """Lines after `after`, or at the top of the function body when there is none."""
    if after is not None:
        return ctx.layout.insert_after(after, lines)
    first = body_statements(function)[0] if body_statements(function) else None
    indent = ctx.layout.indent_of(first) if first is not None else ctx.layout.indent_of(function) + ctx.style.indent_unit
    opening_brace = _Span(function.body.range[0], function.body.range[0] + 1)
    return ctx.layout.insert_after(opening_brace, lines, indent=indent)


def plan_session_guards(ctx: FixContext) -> list[Edit]:
    """Part 5: after the full-history await, bail out if the session changed."""
    function = ctx.ensure_all
    holder = statement_holding(function, response_await(ctx))
    if holder.type != "VariableDeclaration" or len(holder.declarations) != 1 or holder.declarations[0].id.type != "Identifier":
        raise Refused(
            f"cannot tell which variable holds the response awaited at line {ctx.line(holder)}"
        )
    data = holder.declarations[0].id.name
    sid = variable_holding(ctx, function, "S.session.session_id", holder)
    if sid is None:
        raise Refused(
            f"_ensureAllMessagesLoaded at line {ctx.line(function)} never notes S.session.session_id before its await"
        )
    wanted = [
        (f"if (!{data} || !{data}.session) return;", None),
        (f"if (!S.session || S.session.session_id !== {sid}) return;", "session"),
    ]
    if ctx.located.declared(LOADING_SESSION) is not None:
        wanted.append((f"if ({LOADING_SESSION} !== null && {LOADING_SESSION} !== {sid}) return;", "session"))
    present = {ctx.compact(each): each for each in guards_after(function, holder)}
    anchor = holder
    edits = []
    missing: list[str] = []
    commented = False
    for statement, kind in wanted:
        found = present.get(compact(statement))
        if found is not None:
            if missing:
                edits.append(ctx.layout.insert_after(anchor, missing, indent=ctx.ensure_indent(holder)))
                missing = []
            anchor = found
            continue
        if kind == "session" and not commented:
            missing += [
                "// The user may have switched sessions during the await: leave the",
                "// new session's transcript alone (#1937).",
            ]
            commented = True
        missing.append(statement)
    if missing:
        edits.append(ctx.layout.insert_after(anchor, missing, indent=ctx.ensure_indent(holder)))
    return edits


def plan_bump_before_replace(ctx: FixContext) -> list[Edit]:
    """Part 6: `_bumpMessagesGeneration();` right before the wholesale replace."""
    function = ctx.ensure_all
    holder = statement_holding(function, response_await(ctx))
    edits = []
    for write in messages_writes(ctx, function):
        if write.range[0] < holder.range[1]:
            continue
        if _bump_between(ctx, holder.range[1], write.range[0]) or committing_call(ctx, function, write):
            continue
        edits.append(
            ctx.layout.insert_before(
                write,
                [
                    "// Spoil any older-page fetch still in flight before replacing (#1937).",
                    f"{BUMP}();",
                ],
                indent=ctx.ensure_indent(write),
            )
        )
    return edits


def _bump_between(ctx: FixContext, low: int, high: int) -> bool:
    return any(
        node.type == "ExpressionStatement"
        and ctx.compact(node) == f"{BUMP}()"
        and low <= node.range[0] < high
        for node in walk(ctx.ensure_all.body, into_functions=False)
    )


def plan_oldest_reset(ctx: FixContext) -> list[Edit]:
    """Part 7: `_oldestIdx = 0;` once the whole history is in."""
    function = ctx.ensure_all
    bodies = own_bodies(ctx, function)
    for node in (each for body in bodies for each in walk(body, into_functions=False)):
        if node.type == "AssignmentExpression" and ctx.compact(node.left) == OLDEST_INDEX:
            return []
    holder = statement_holding(function, response_await(ctx))
    later = sorted(
        (
            each
            for body in bodies
            for statements in statement_lists(body)
            for each in statements
            if each.range[0] > holder.range[1]
        ),
        key=lambda each: each.range[0],
    )
    anchor = next((each for each in later if is_assignment_to(each, "_messagesTruncated", "false", ctx.text)), None)
    if anchor is None:
        writes = [each for each in messages_writes(ctx, function) if each.range[0] > holder.range[1]]
        if not writes:
            raise Refused(f"_ensureAllMessagesLoaded at line {ctx.line(function)} never replaces S.messages")
        anchor = writes[-1]
    return [
        ctx.layout.insert_after(
            anchor,
            [
                "// The whole history is loaded: nothing older is left to page in (#1937).",
                f"{OLDEST_INDEX} = 0;",
            ],
            indent=ctx.ensure_indent(anchor),
        )
    ]


@dataclass(frozen=True)
class Rule:
    part: int
    name: str
    plan: Callable[[FixContext], list[Edit]]


RULES = (
    Rule(1, "generation counter", plan_generation_counter),
    Rule(2, "generation snapshot", plan_snapshot),
    Rule(3, "prefetch session guard", plan_prefetch_session_guard),
    Rule(3, "generation guard", plan_generation_guards),
    Rule(4, "wait then lock", plan_wait_then_lock),
    Rule(5, "session guards", plan_session_guards),
    Rule(6, "bump before replace", plan_bump_before_replace),
    Rule(7, "page index reset", plan_oldest_reset),
)
