"""Whether jsfix's two judges agree on a file: the rules (`check`) and the race model (`verify`).

`check` decides from the syntax tree which parts of the fix are missing;
`verify` runs the file's own functions through every race scenario. On a
real shape they must say the same thing:

- a file `check` calls already fixed, or an equivalent fix, holds in every scenario;
- a file `check` would fix races, and jsfix's output for it holds;
- a file that does not define the functions is not judged by the race model.

`judge` returns both verdicts and, when they disagree, why. The fixture
tests and `scripts/check_history.py` (every upstream version) use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jsfix.plan.fix import Plan, Status, check_fixed_text, plan_fix
from jsfix.plan.locate import Refused

HOLDS = "holds"
VIOLATED = "violated"
UNVERIFIABLE = "unverifiable"  # what the functions depend on cannot be loaded: no verdict to compare
FAILED = "failed"  # the race model could not run at all: a problem, never agreement


@dataclass(frozen=True)
class Judgement:
    check: str  # 'needs fix', 'already fixed', 'equivalent fix', 'not applicable' or 'refused'
    reason: str
    verify: str | None = None  # the race model on the file as it is; None when not run
    verify_after: str | None = None  # ... and on jsfix's output, for a file that needs the fix
    detail: str = ""  # what the race model found, when it did not hold
    problem: str | None = None  # why the two judges disagree; None when they agree

    @property
    def agrees(self) -> bool:
        return self.problem is None


Verdict = tuple[str, str]  # (verdict, detail)


def race_verdict(text: str) -> Verdict:
    """The race model's verdict on a whole file's text, and what broke when it did not hold."""
    from jsfix.verify import (  # node is only needed here
        Unverifiable,
        VerifyError,
        verify_source,
    )

    try:
        report = verify_source(text)
    except Unverifiable as error:
        return UNVERIFIABLE, str(error)
    except VerifyError as error:
        return FAILED, str(error)
    broken = [f"{each.name}: {each.violation}" for each in report.violated]
    broken += [f"{each.name}: incomplete, {each.stopped}" for each in report.incomplete]
    return report.verdict.value, "; ".join(broken)


def judge(text: str, *, run: Callable[[str], Verdict] | None = race_verdict) -> Judgement:
    """Both verdicts on `text` (a file's text, byte-order mark removed), and whether they agree.

    With `run=None` only the rules judge: a refusal is still a problem.
    """
    try:
        plan = plan_fix(text)
    except Refused as error:
        return Judgement("refused", str(error), problem=f"refused: {error}")
    if plan.status is Status.NOT_APPLICABLE or run is None:
        return Judgement(plan.status.value, plan.reason)
    verdict, detail = run(text)
    if plan.status is not Status.NEEDS_FIX:
        problem = None if verdict in (HOLDS, UNVERIFIABLE) else f"{plan.status.value}, but the race model finds: {verdict}: {detail}"
        return Judgement(plan.status.value, plan.reason, verdict, detail=detail, problem=problem)
    return _judge_needed_fix(text, plan, verdict, detail, run)


def _judge_needed_fix(text: str, plan: Plan, verdict: str, detail: str, run: Callable[[str], Verdict]) -> Judgement:
    fixed = plan.apply(text)
    problem = check_fixed_text(fixed)
    after, after_detail = run(fixed)
    if problem is None and verdict in (HOLDS, FAILED):
        problem = (
            "jsfix would change a file on which the race model already holds"
            if verdict == HOLDS
            else f"the race model could not run the file: {detail}"
        )
    if problem is None and after not in (HOLDS, UNVERIFIABLE):
        problem = f"jsfix's output does not hold: {after}: {after_detail}"
    return Judgement(
        Status.NEEDS_FIX.value,
        plan.reason,
        verdict,
        after,
        detail=detail or after_detail,
        problem=problem,
    )
