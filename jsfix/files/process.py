"""One file, start to end: read, plan, check, and write it safely.

`process_file` never raises: every way a file can end is an Outcome.
Nothing is written unless the fixed text parses with esprima, plans no
further edits, and the file on disk still holds the bytes that were read.
A preview reports the same syntax errors a write would (see jsfix.javascript.syntax).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from jsfix.files.write import WriteRefused, sha256, write_atomically
from jsfix.javascript.source import UnreadableSource, decode_source, read_source_bytes
from jsfix.javascript.syntax import looks_clean
from jsfix.outcomes import FileResult, Outcome
from jsfix.paths import display_path, pointer_to_definition
from jsfix.plan.fix import Status, check_fixed_text, plan_fix
from jsfix.plan.locate import Refused
from jsfix.plan.targets import NOT_MENTIONED, mentions_a_target
from jsfix.report.diff import count_changes, unified_diff
from jsfix.settings import Settings


def process_file(path: Path, settings: Settings) -> FileResult:
    label = display_path(path, settings.cwd)
    try:
        return _process(path, label, settings)
    except Exception as error:  # noqa: BLE001  # a bug in jsfix: report it, never crash the run
        return FileResult(label, Outcome.FAILED, f"internal error: {type(error).__name__}: {error}")


def _process(path: Path, label: str, settings: Settings) -> FileResult:
    try:
        data = read_source_bytes(path)
    except UnreadableSource as error:
        return FileResult(label, Outcome.REFUSED, str(error))
    before = sha256(data)
    if not mentions_a_target(data):
        return FileResult(label, Outcome.NOT_APPLICABLE, NOT_MENTIONED, sha256_before=before)
    try:
        source = decode_source(data)
        plan = plan_fix(source.text)
    except (UnreadableSource, Refused) as error:
        return FileResult(label, Outcome.REFUSED, str(error), sha256_before=before)
    if plan.status is not Status.NEEDS_FIX:
        reason = plan.reason + pointer_to_definition(path, plan.defined_in, settings.cwd)
        return FileResult(label, _OUTCOME_OF_STATUS[plan.status], reason, sha256_before=before, sha256_after=before)

    fixed_text = plan.apply(source.text)
    # The mark is part of line 1 for git: a hunk that touches it must carry it.
    diff = unified_diff(source.as_in_file(source.text), source.as_in_file(fixed_text), label)
    added, removed = count_changes(diff)
    fixed_bytes = source.encode(fixed_text)
    result = FileResult(
        label,
        Outcome.WOULD_FIX,
        plan.reason,
        plan.parts,
        added,
        removed,
        diff,
        sha256_before=before,
        sha256_after=sha256(fixed_bytes),
    )
    preview = not (settings.writes or settings.patch_dir is not None or settings.verify)
    if preview and looks_clean(fixed_text):
        # `check`, `apply --dry-run`: tree-sitter's whole-file parse (20 ms for
        # 130 KB, esprima's takes 150 ms) stands in for the checks below. When
        # it sees an error, they run as for a write, and esprima words it.
        return result
    problem = check_fixed_text(fixed_text)
    if problem:
        # The fast path parses only the targets: a syntax error elsewhere in
        # the file shows up here, and is the file's fault, not jsfix's.
        try:
            plan_fix(source.text, full_parse=True)
        except Refused as error:
            return nothing_written(result, Outcome.REFUSED, str(error))
        return nothing_written(result, Outcome.FAILED, f"{problem}; the file was left unchanged")
    if settings.verify:
        result = verify_fixed_text(result, fixed_text, path)
        if result.outcome is not Outcome.WOULD_FIX:
            return result
    if not settings.writes:
        return result
    try:
        note = write_atomically(path, data, fixed_bytes)
    except WriteRefused as error:
        return nothing_written(result, Outcome.REFUSED, str(error))
    return replace(result, outcome=Outcome.FIXED, reason=plan.reason + note)


def nothing_written(result: FileResult, outcome: Outcome, reason: str, **extra) -> FileResult:
    """The result for a file left as it was: no diff, no line counts, the hash unchanged."""
    return replace(
        result,
        outcome=outcome,
        reason=reason,
        diff="",
        lines_added=0,
        lines_removed=0,
        sha256_after=result.sha256_before,
        **extra,
    )


_OUTCOME_OF_STATUS = {
    Status.ALREADY_FIXED: Outcome.ALREADY_FIXED,
    Status.EQUIVALENT_FIX: Outcome.EQUIVALENT_FIX,
    Status.NOT_APPLICABLE: Outcome.NOT_APPLICABLE,
}


def verify_fixed_text(result: FileResult, fixed_text: str, path: Path | None = None) -> FileResult:
    """Run the behavioural check on the fixed text; a violation means nothing is written.

    With the file's `path`, an ES module's relative imports are followed inside its checkout.
    """
    from jsfix.verify import (  # node is only needed here
        NodeNotFound,
        VerifyError,
        verify_source,
    )
    from jsfix.verify.runner import checkout_of

    try:
        report = verify_source(fixed_text, path=path, root=checkout_of(path) if path is not None else None)
    except NodeNotFound as error:
        return nothing_written(result, Outcome.FAILED, f"cannot verify: {error}")
    except VerifyError as error:
        return nothing_written(result, Outcome.REFUSED, f"verify could not run the fixed functions: {error}")
    if report.violated:
        broken = "; ".join(f"{each.name}: {each.violation}" for each in report.violated)
        reason = f"verify found a race in the fixed text ({broken})"
        return nothing_written(result, Outcome.REFUSED, reason, verify=report.to_dict())
    if report.incomplete:
        unproven = "; ".join(f"{each.name}: {each.stopped}" for each in report.incomplete)
        reason = f"verify could not explore the fixed text fully ({unproven})"
        return nothing_written(result, Outcome.REFUSED, reason, verify=report.to_dict())
    return replace(result, verify=report.to_dict())


