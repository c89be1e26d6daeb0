"""Running the behavioural check: one node process per file, all scenarios.

`verify_source` hands the file's text (and where it lives, for an ES
module's imports) to `harness.js` as a JSON job and turns its answer into a
`VerifyReport`. The harness cuts out the two functions and what they need,
as it does in a fork's suite, and explores every order in which their
requests and timers can settle; a scenario holds on all of them, is violated
(with the schedule that breaks it written out step by step), or is
incomplete when the exploration stopped before it tried every order.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from jsfix import prestart
from jsfix.verify.bundle import HARNESS

# Generous: one file takes well under a second; this only stops a run away.
DEFAULT_TIMEOUT_SECONDS = 60.0


class VerifyError(Exception):
    """The check could not run on this file (no targets, unparsable, harness failure)."""


class Unverifiable(VerifyError):
    """The race model cannot be built for this file: what the functions depend on cannot be loaded."""


class NotApplicable(VerifyError):
    """The file defines neither function, so there is nothing to run."""


class NodeNotFound(Exception):
    """There is no `node` executable, so the behavioural check cannot run at all."""


class Verdict(StrEnum):
    HOLDS = "holds"  # on every schedule
    VIOLATED = "violated"  # on the schedule shown
    INCOMPLETE = "incomplete"  # the exploration stopped before it tried every schedule


@dataclass(frozen=True)
class ScenarioResult:
    name: str  # e.g. "prefetch-then-start-jump"
    title: str  # e.g. "prefetch in flight, then Start-jump"
    verdict: Verdict
    holds: bool  # the verdict is HOLDS (kept for readers of the old reports)
    schedules_explored: int
    complete: bool  # False when the exploration stopped short
    violation: str | None  # e.g. "30 duplicate rows"; None unless violated
    schedule: tuple[str, ...]  # the breaking (or frozen) schedule, step by step; () when it holds
    errors: tuple[str, ...]  # unexpected exceptions the code caught and logged
    stopped: str | None = None  # why an exploration stopped short: "it reached the cap of 20000 schedules"
    skipped: tuple[str, ...] = ()  # checks that do not apply to this file, with the reason


@dataclass(frozen=True)
class VerifyReport:
    scenarios: tuple[ScenarioResult, ...]
    kept: tuple[str, ...]  # the top-level declarations that ran, by first name

    @property
    def verdict(self) -> Verdict:
        """Violated if any scenario is, else incomplete if any is, else holds."""
        verdicts = {s.verdict for s in self.scenarios}
        for verdict in (Verdict.VIOLATED, Verdict.INCOMPLETE):
            if verdict in verdicts:
                return verdict
        return Verdict.HOLDS

    @property
    def holds(self) -> bool:
        return self.verdict is Verdict.HOLDS

    @property
    def violated(self) -> tuple[ScenarioResult, ...]:
        return tuple(s for s in self.scenarios if s.verdict is Verdict.VIOLATED)

    @property
    def incomplete(self) -> tuple[ScenarioResult, ...]:
        return tuple(s for s in self.scenarios if s.verdict is Verdict.INCOMPLETE)

    def to_dict(self) -> dict:
        return {
            "verdict": str(self.verdict),
            "holds": self.holds,
            "kept": list(self.kept),
            "scenarios": [
                {
                    **asdict(s),
                    "verdict": str(s.verdict),
                    "schedule": list(s.schedule),
                    "errors": list(s.errors),
                    "skipped": list(s.skipped),
                }
                for s in self.scenarios
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def describe(self) -> str:
        """The report as text: one line per scenario, steps under a violation."""
        lines = []
        for s in self.scenarios:
            explored = f"{s.schedules_explored} schedule{'s' if s.schedules_explored != 1 else ''}"
            if s.verdict is Verdict.HOLDS:
                lines.append(f"holds     {s.name}: {s.title} ({explored})")
            elif s.verdict is Verdict.INCOMPLETE:
                lines.append(f"incomplete {s.name}: {s.title}: stopped after {explored}: {s.stopped}")
            else:
                lines.append(f"violated  {s.name}: {s.title}: {s.violation} ({explored})")
            lines.extend(f"    {n}. {step}" for n, step in enumerate(s.schedule, 1))
            lines.extend(f"    skipped: {reason}" for reason in s.skipped)
            # A caught exception may mean a stub did not behave like the page.
            lines.extend(f"    caught: {error}" for error in s.errors)
        return "\n".join(lines)


def build_job(
    text: str | None,
    *,
    path: Path | None = None,
    root: Path | None = None,
    scenarios: Iterable[str] | None = None,
    max_steps: int = 200,
    max_schedules: int = 20000,
    stop_at_first_failure: bool = False,
) -> dict:
    """The harness job for a file's text (BOM removed), or with `text` None for the file at `path` as it is.

    `path` and `root` let an ES module's relative imports be followed inside
    the checkout at `root`; without them, imports become stubs, and paging
    state behind one makes the file Unverifiable. Options left at the
    harness's defaults are left out, so a file's job is the one the launcher
    may have started early (jsfix.prestart).
    """
    if text is None:
        job = prestart.file_job(str(path), str(root if root is not None else checkout_of(path)))
    else:
        job = {"text": text}
        if path is not None:
            job.update(prestart.file_job(str(path), str(root if root is not None else checkout_of(path))))
    options = {"scenarios": list(scenarios) if scenarios is not None else None, "maxSteps": max_steps,
               "maxSchedules": max_schedules, "stopAtFirstFailure": stop_at_first_failure}
    job.update({key: value for key, value in options.items() if value != _HARNESS_DEFAULTS[key]})
    return job


_HARNESS_DEFAULTS = {"scenarios": None, "maxSteps": 200, "maxSchedules": 20000, "stopAtFirstFailure": False}


def run_job(job: dict, *, timeout: float = DEFAULT_TIMEOUT_SECONDS, harness: Path = HARNESS) -> dict:
    """Run the harness on a job and return its parsed answer (with "ok": true)."""
    (answer,) = harness_answers(job, 1, timeout=timeout, harness=harness)
    if not answer.get("ok"):
        raise not_run(answer)
    return answer


def not_run(answer: dict) -> VerifyError:
    """Why the harness ran no scenario, as the exception verify raises for it."""
    unrunnable = answer.get("unrunnable")
    if unrunnable == "no targets":
        return NotApplicable(answer["reason"])
    if unrunnable is not None:
        return Unverifiable(answer["reason"])
    return VerifyError(f"the harness could not run the file's code: {answer.get('error')}")


def run_batch(
    jobs: list[dict], *, timeout: float = DEFAULT_TIMEOUT_SECONDS, harness: Path = HARNESS
) -> list[dict]:
    """Run many jobs in one node process; their answers in order, each {"ok": ...}.

    `timeout` bounds the whole batch. An answer with "ok": false says why that
    job could not run; it does not stop the others.
    """
    if not jobs:
        return []
    return harness_answers({"batch": jobs}, len(jobs), timeout=timeout, harness=harness)


def harness_answers(job: dict, count: int, *, timeout: float, harness: Path) -> list[dict]:
    """Run `harness` on `job` (or take the launcher's early run of it) and parse its `count` answer lines."""
    node = shutil.which("node")
    if node is None:
        raise NodeNotFound("the behavioural check needs node on PATH, and there is none")
    text = json.dumps(job)
    process = prestart.take(str(harness), text) or subprocess.Popen(
        prestart.node_command(node, str(harness)),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        stdout, stderr = process.communicate(None if process.stdin is None else text, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        process.kill()
        process.communicate()
        raise VerifyError(f"the harness ran longer than {timeout:g} s") from error
    try:
        # One answer per "\n": JSON may hold U+2028, which splitlines() would split on.
        answers = [json.loads(line) for line in stdout.split("\n") if line]
    except json.JSONDecodeError:
        answers = []
    if len(answers) != count:
        detail = (stderr or stdout).strip()[-2000:]
        raise VerifyError(f"the harness exited {process.wait()} without an answer: {detail}")
    return answers


def verify_source(
    text: str | None,
    *,
    path: Path | None = None,
    root: Path | None = None,
    scenarios: Iterable[str] | None = None,
    max_steps: int = 200,
    max_schedules: int = 20000,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> VerifyReport:
    """Run the file's own two functions through every scenario.

    `text` is the file's text with any byte-order mark removed (None: the
    file at `path` as it is on disk). Raises
    NodeNotFound without node, VerifyError when the file's code cannot be
    run (no targets, parse error, harness failure).
    """
    if shutil.which("node") is None:
        raise NodeNotFound("the behavioural check needs node on PATH, and there is none")
    job = build_job(
        text, path=path, root=root, scenarios=scenarios, max_steps=max_steps, max_schedules=max_schedules
    )
    return report_of(run_job(job, timeout=timeout))


def report_of(answer: dict) -> VerifyReport:
    """The harness's answer (with "ok": true) as a VerifyReport."""
    return VerifyReport(
        scenarios=tuple(scenario_result(s) for s in answer["scenarios"]),
        kept=tuple(answer.get("kept", ())),
    )


def scenario_result(answer: dict) -> ScenarioResult:
    """One scenario of the harness's answer as a ScenarioResult."""
    return ScenarioResult(
        name=answer["name"],
        title=answer["title"],
        verdict=Verdict(answer["verdict"]),
        holds=answer["verdict"] == Verdict.HOLDS,
        schedules_explored=answer["schedules"],
        complete=answer["complete"],
        violation=answer["violation"],
        schedule=tuple(answer["schedule"]),
        errors=tuple(answer["errors"]),
        stopped=answer.get("stopped"),
        skipped=tuple(answer.get("skipped", ())),
    )


def verify_path(path: Path, *, root: Path | None = None, **options) -> VerifyReport:
    """`verify_source` on a file as it is on disk (the harness reads it, BOM removed).

    Relative imports are followed inside `root`, by default the git work tree
    holding the file (or, outside git, the file's own directory).
    """
    return verify_source(None, path=Path(path), root=root, **options)


def checkout_of(path: Path) -> Path:
    """Where a file's relative imports may lead: its git work tree, or outside git its own directory."""
    from jsfix.paths import find_repo_root

    folder = Path(path).absolute().parent
    return find_repo_root(folder) or folder
