"""The pure core: from a file's text to the planned edits and the fixed text.

No I/O here and no exception for "nothing to do": `plan_fix` returns a
`Plan` whose status says what the file needs. Refused is raised only when
the fix does not fit the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from jsfix.plan.edits import Edit, apply_edits
from jsfix.plan.equivalent import (
    describe_alternative,
    describe_equivalent_fix,
    prefetch_rechecks_session,
)
from jsfix.plan.facts import FixContext
from jsfix.plan.locate import DefinedElsewhere, Located, Refused, locate_targets
from jsfix.plan.rules import RULES, plan_prefetch_session_guard
from jsfix.plan.style import detect_style


class Status(Enum):
    NEEDS_FIX = "needs fix"
    ALREADY_FIXED = "already fixed"
    EQUIVALENT_FIX = "equivalent fix"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True)
class Plan:
    status: Status
    edits: tuple[Edit, ...] = ()
    parts: tuple[str, ...] = ()
    reason: str = ""
    # The fork's own way of closing part of the race, which the plan completes.
    alternative: str | None = None
    # The module the targets are imported from, when the file only imports them.
    defined_in: str | None = None
    # The targets the plan was made from, for callers that look further.
    located: Located | None = field(default=None, compare=False, repr=False)

    def apply(self, text: str) -> str:
        return apply_edits(text, self.edits)


def plan_fix(text: str, *, full_parse: bool = False) -> Plan:
    """What the file needs. `full_parse` skips the fast path (see locate.py)."""
    try:
        located = locate_targets(text, full_parse=full_parse)
    except DefinedElsewhere as elsewhere:
        reason = f"{elsewhere}; jsfix works on the module that defines them"
        return Plan(Status.NOT_APPLICABLE, reason=reason, defined_in=elsewhere.source)
    if located is None:
        return Plan(Status.NOT_APPLICABLE, reason="neither _loadOlderMessages nor _ensureAllMessagesLoaded is defined")
    context = FixContext(located, detect_style(located))
    equivalent = describe_equivalent_fix(located, context)
    if equivalent is not None and not prefetch_rechecks_session(context):
        completion = _complete_equivalent(context, equivalent, located)
        if completion is not None:
            return completion
        equivalent = None  # no session id to compare: the rules decide
    try:
        edits, parts = _plan_rules(context)
    except Refused:
        if equivalent is None:
            raise
        # The canonical parts do not fit an alternative's shape: nothing to add.
        return Plan(Status.EQUIVALENT_FIX, reason=equivalent, located=located)
    if not edits:
        return Plan(Status.ALREADY_FIXED, reason="all seven parts of the fix are present", located=located)
    # Checked after the rules: a file with every canonical part is already
    # fixed, whatever else it does, so jsfix's own output never reads as equivalent.
    if equivalent is not None:
        return Plan(Status.EQUIVALENT_FIX, reason=equivalent, located=located)
    alternative = describe_alternative(context)
    reason = "adds " + ", ".join(parts)
    if alternative is not None:
        reason = f"completes an alternative fix ({alternative}): {reason}"
    return Plan(Status.NEEDS_FIX, tuple(edits), tuple(parts), reason, alternative, located=located)


def _complete_equivalent(context: FixContext, equivalent: str, located: Located) -> Plan | None:
    """A fork closed the race its own way but for the prefetch's session check: add that alone."""
    edits = plan_prefetch_session_guard(context)
    if not edits:
        return None
    reason = f"completes an alternative fix ({equivalent}): adds prefetch session guard"
    return Plan(Status.NEEDS_FIX, tuple(edits), ("prefetch session guard",), reason, equivalent, located=located)


def _plan_rules(context: FixContext) -> tuple[list[Edit], list[str]]:
    edits: list[Edit] = []
    parts: list[str] = []
    for rule in RULES:
        planned = rule.plan(context)
        if planned:
            edits.extend(planned)
            parts.append(rule.name)
    return edits, parts


def check_fixed_text(fixed_text: str) -> str | None:
    """Why the fixed text must not be written, or None. A problem here is a jsfix bug.

    The full esprima parse here is what makes the fast path safe to write
    from: the whole fixed file parses, esprima itself finds both targets at
    top level, and a second pass over it plans nothing.
    """
    try:
        again: Plan = plan_fix(fixed_text, full_parse=True)
    except Refused as error:
        return f"jsfix bug: the fixed text does not pass a full parse ({error})"
    # An alternative fix that jsfix completed reads as equivalent; either way nothing is left to add.
    if again.status not in (Status.ALREADY_FIXED, Status.EQUIVALENT_FIX):
        return f"jsfix bug: a second pass would still change the file ({again.reason})"
    return None
