"""One file, start to end: read, plan, check, and write it safely.

`process_file` never raises: every way a file can end is an Outcome.
Nothing is written unless the fixed text parses with esprima, plans no
further edits, and the file on disk still holds the bytes that were read.
A preview reports the same syntax errors a write would (see jsfix.syntax).
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import replace
from pathlib import Path

from jsfix.diff import count_changes, unified_diff
from jsfix.fix import Plan, Status, plan_fix
from jsfix.locate import ENSURE_ALL, LOAD_OLDER, Refused
from jsfix.outcomes import FileResult, Outcome
from jsfix.settings import Settings
from jsfix.source import UnreadableSource, decode_source, read_source_bytes
from jsfix.syntax import looks_clean

# The names in UTF-8 and in UTF-16, so a UTF-16 file is refused, not skipped.
_TARGET_NAMES_AS_BYTES = [
    name.encode(encoding) for name in (LOAD_OLDER, ENSURE_ALL) for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]
NOT_MENTIONED = "neither target function is mentioned"


def mentions_a_target(data: bytes) -> bool:
    """False when the bytes name neither function: the file is not applicable without a parse."""
    return any(name in data for name in _TARGET_NAMES_AS_BYTES)


class WriteRefused(Exception):
    """The file could not be replaced safely; it was left as it was."""


def display_path(path: Path, cwd: Path) -> str:
    """The path as `git apply` run from `cwd` will look for it."""
    try:
        return Path(os.path.relpath(path.absolute(), cwd.absolute())).as_posix()
    except ValueError:
        return path.as_posix()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def pointer_to_definition(path: Path, specifier: str | None, cwd: Path) -> str:
    """Where a relative import of the targets leads, as a path the user can pass to jsfix."""
    if specifier is None or not specifier.startswith(("./", "../")):
        return ""
    target = (path.parent / specifier).resolve()
    return f" ({display_path(target, cwd)})" if target.is_file() else ""


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


def write_atomically(path: Path, expected: bytes, data: bytes) -> str:
    """Replace the file's content in one rename. Returns a note for the report."""
    target = Path(os.path.realpath(path))
    note = f" (written through the symlink to {target})" if path.is_symlink() else ""
    try:
        status = target.stat()
    except OSError as error:
        raise WriteRefused(f"cannot be written: {error.strerror}") from None
    if not status.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise WriteRefused("is read-only, so it was not written")
    if status.st_nlink > 1:
        # A rename would give this name new content and leave the other links stale.
        raise WriteRefused(f"has {status.st_nlink} hard links, so it was not written (a rename would split them)")
    if sha256(target.read_bytes()) != sha256(expected):
        raise WriteRefused("changed on disk while jsfix was working, so it was not written")
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".jsfix")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        _keep_owner(temporary, status)
        os.replace(temporary, target)
    except OSError as error:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        raise WriteRefused(f"could not be replaced ({error.strerror or error}); the original is unchanged") from None
    return note


def _keep_owner(temporary: str, status: os.stat_result) -> None:
    """Give the new file the old one's owner, where this process may (as root)."""
    if (status.st_uid, status.st_gid) == (os.getuid(), os.getgid()):
        return
    try:
        os.chown(temporary, status.st_uid, status.st_gid)
    except OSError:
        pass  # not allowed here: the file keeps this process's owner
