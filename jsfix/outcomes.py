"""What happened to each file, and the exit code for the whole run.

The outcomes are a closed set; a worker returns one per file and never
raises. `Report` is the one place where outcomes become an exit code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import Enum


class Outcome(Enum):
    FIXED = "fixed"
    WOULD_FIX = "would fix"
    ALREADY_FIXED = "already fixed"
    EQUIVALENT_FIX = "equivalent fix"
    NOT_APPLICABLE = "not applicable"
    REFUSED = "refused"
    FAILED = "failed"


SUCCESSES = {Outcome.FIXED, Outcome.ALREADY_FIXED, Outcome.EQUIVALENT_FIX, Outcome.NOT_APPLICABLE}
PROBLEMS = {Outcome.REFUSED, Outcome.FAILED}

EXIT_OK = 0
EXIT_CHECK_FOUND_WORK = 1
EXIT_PROBLEM = 2
EXIT_NO_NODE = 3


@dataclass(frozen=True)
class FileResult:
    path: str
    outcome: Outcome
    reason: str = ""
    parts: tuple[str, ...] = ()
    lines_added: int = 0
    lines_removed: int = 0
    diff: str = field(default="", repr=False)
    sha256_before: str | None = None
    sha256_after: str | None = None
    repo_root: str | None = None
    verify: dict | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        data["parts"] = list(self.parts)
        del data["diff"]
        return data


@dataclass
class Report:
    results: list[FileResult] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    patches: dict[str, str] = field(default_factory=dict)  # repository root -> patch file

    def counts(self) -> Counter:
        return Counter(result.outcome for result in self.results)

    def exit_code(self, *, checking: bool) -> int:
        """2 on any refusal or failure; under `check`, 1 when a file needs the fix; else 0."""
        counts = self.counts()
        if any(counts[outcome] for outcome in PROBLEMS):
            return EXIT_PROBLEM
        if checking and counts[Outcome.WOULD_FIX]:
            return EXIT_CHECK_FOUND_WORK
        return EXIT_OK
