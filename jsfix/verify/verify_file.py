"""One file under `jsfix verify`: read and judged as every command does, then run.

The file is read as `check` reads it (jsfix.javascript.source), so an unreadable file
is refused with the same reason, and a file that defines neither function is
`not applicable` with check's own reason, even where a syntax error elsewhere
in it stops the extraction: jsfix does not lint files it does not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jsfix.javascript.source import UnreadableSource, decode_source, read_source_bytes
from jsfix.outcomes import EXIT_FOUND, EXIT_OK, EXIT_PROBLEM, EXIT_UNVERIFIABLE
from jsfix.paths import pointer_to_definition
from jsfix.plan.targets import NOT_MENTIONED, mentions_a_target
from jsfix.verify.runner import (
    NotApplicable,
    Unverifiable,
    Verdict,
    VerifyError,
    VerifyReport,
    verify_source,
)

NOT_APPLICABLE = "not applicable"
REFUSED = "refused"
UNVERIFIABLE = "unverifiable"
FAILED = "failed"

_EXIT_CODES = {
    Verdict.HOLDS: EXIT_OK,
    Verdict.VIOLATED: EXIT_FOUND,
    # An exploration that stopped short proves nothing: exit 4, like a file it cannot model.
    Verdict.INCOMPLETE: EXIT_UNVERIFIABLE,
    NOT_APPLICABLE: EXIT_OK,
    UNVERIFIABLE: EXIT_UNVERIFIABLE,
    REFUSED: EXIT_PROBLEM,
    FAILED: EXIT_PROBLEM,
}


@dataclass(frozen=True)
class FileVerdict:
    """What verify made of one file: a report when it ran, else the reason it did not."""

    verdict: str  # a Verdict, or not applicable, unverifiable, refused, failed
    reason: str = ""
    report: VerifyReport | None = None

    @property
    def exit_code(self) -> int:
        return _EXIT_CODES[self.verdict]


def verify_file(path: Path, root: Path | None, cwd: Path) -> FileVerdict:
    """Run the race scenarios on the file at `path`; never raises for the file's own faults."""
    try:
        data = read_source_bytes(path)
        if not mentions_a_target(data):
            return FileVerdict(NOT_APPLICABLE, NOT_MENTIONED)
        text = decode_source(data).text
    except UnreadableSource as error:
        return FileVerdict(REFUSED, str(error))
    try:
        report = verify_source(None, path=path, root=root)  # the harness reads the file itself
    except (NotApplicable, Unverifiable) as error:
        return _judged_as_check_would(text, path, cwd, error)
    except VerifyError as error:
        return FileVerdict(FAILED, str(error))
    return FileVerdict(report.verdict, report=report)


def _judged_as_check_would(text: str, path: Path, cwd: Path, error: VerifyError) -> FileVerdict:
    """A file the extraction could not run: not applicable or refused when check says so."""
    # The plan (and esprima) load only here: a file that runs never needs them.
    from jsfix.plan.fix import Status, plan_fix
    from jsfix.plan.locate import Refused

    try:
        plan = plan_fix(text)
    except Refused as refusal:
        return FileVerdict(REFUSED, str(refusal))
    if plan.status is Status.NOT_APPLICABLE:
        return FileVerdict(NOT_APPLICABLE, plan.reason + pointer_to_definition(path, plan.defined_in, cwd))
    return FileVerdict(UNVERIFIABLE, str(error))
