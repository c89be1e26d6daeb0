"""What happened to each file, and the exit code for the whole run.

The outcomes are a closed set; a worker returns one per file and never
raises. `Report` is the one place where outcomes become an exit code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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

# The exit codes of every command, in one table (the README has the same one).
# Like ruff and `black --check`: 0 clean, 1 findings, 2 the command line itself.
EXIT_OK = 0  # nothing to do, written, or holds
EXIT_FOUND = 1  # `check` found work, or `verify` found a violation
EXIT_USAGE = 2  # a usage error, as click reports it, or a report file (--json, --summary) that cannot be written
EXIT_NO_NODE = 3  # node is missing where the command needs it
EXIT_UNVERIFIABLE = 4  # `verify` could not model a file, or could not explore it fully
EXIT_PROBLEM = 5  # a file was refused or failed, and nothing was written for it (unless its reason says otherwise)

# When several files end differently, the most serious code wins.
_SEVERITY = (EXIT_OK, EXIT_FOUND, EXIT_UNVERIFIABLE, EXIT_PROBLEM, EXIT_NO_NODE)


def most_serious(codes) -> int:
    """The exit code for a run whose files ended with `codes` (EXIT_OK for none)."""
    return max(codes, key=_SEVERITY.index, default=EXIT_OK)


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


def file_line(outcome: str, path: str, reason: str) -> str:
    """One file's line, worded the same by every command: `       refused  a.js: cannot be read: ...`."""
    return f"{outcome:>14}  {path}: {reason}"


def counted_outcomes(results: Iterable[FileResult]) -> str:
    """`2 would fix, 1 already fixed`: each outcome met, in the table's order ('' for none)."""
    counts = Counter(result.outcome for result in results)
    return ", ".join(f"{counts[outcome]} {outcome.value}" for outcome in Outcome if counts[outcome])


@dataclass
class Report:
    results: list[FileResult] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    patches: dict[str, str] = field(default_factory=dict)  # repository root -> patch file
    suites: list = field(default_factory=list)  # jsfix.files.suites.SuiteResult per fixed file, under --with-tests
    patch_error: str = ""  # why no patch was written (git does not know the author)

    def counts(self) -> Counter:
        return Counter(result.outcome for result in self.results)


    def exit_code(self, *, checking: bool) -> int:
        """5 on any refusal or failure; under `check`, 1 when a file needs the fix; else 0."""
        counts = self.counts()
        if any(counts[outcome] for outcome in PROBLEMS):
            return EXIT_PROBLEM
        if checking and counts[Outcome.WOULD_FIX]:
            return EXIT_FOUND
        return EXIT_OK
