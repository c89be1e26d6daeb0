"""A regression suite beside each fix: `jsfix apply --with-tests`.

Which files get one. A repository gets one suite, for its
`static/sessions.js` (gen-tests' default `--js`), when this run fixes that
file or would: the pytest module and the node harness at gen-tests' default
paths below the repository root, generated from the FIXED text by
`jsfix.testgen.generate_suite`. Another fixed file in the repository, or a
file outside git (no root to put `tests/` under), gets no suite, and the
report says how to write one with gen-tests. An already fixed file gets none
either: apply adds tests to the fix it writes; gen-tests serves the rest.

Suite files already there follow gen-tests' digest rules. One identical to
what would be written is left alone, one that jsfix wrote and nobody edited
is replaced. One edited by hand, or not written by jsfix, is kept unless
`force`, and then the fix is not written either: the file is refused (exit
5), so a run never leaves a fork with a fix whose tests it could not write.
The check runs before any worker writes, so a kept suite costs nothing to undo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path, PurePosixPath

from jsfix.files.discover import Candidate
from jsfix.files.gen_tests import FileState, file_state, other_1937_tests, why_kept
from jsfix.files.process import nothing_written
from jsfix.files.write import WriteRefused, sha256, write_atomically, write_text
from jsfix.javascript.source import decode_source
from jsfix.outcomes import FileResult, Outcome
from jsfix.paths import display_path
from jsfix.plan.fix import plan_fix
from jsfix.report.diff import count_changes, quote_path, split_lines, unified_diff
from jsfix.report.patches import SuiteNote
from jsfix.settings import DEFAULT_JS, DEFAULT_OUT, HARNESS_NAME, Mode, Settings
from jsfix.testgen import generate_suite

MODULE = PurePosixPath(DEFAULT_OUT)
HARNESS = MODULE.parent / HARNESS_NAME
SUITE_PATHS = (MODULE, HARNESS)
_FIXING = (Outcome.FIXED, Outcome.WOULD_FIX)

ProcessAll = Callable[[list[Candidate], Settings], list[FileResult]]


class SuiteStatus(Enum):
    WRITTEN = "written"
    WOULD_WRITE = "would write"
    UP_TO_DATE = "up to date"
    LEFT_OUT = "no suite"


@dataclass(frozen=True)
class SuiteFile:
    path_in_repo: str  # POSIX, relative to the repository root
    label: str  # as the run reports paths (relative to its working directory)
    diff: str  # empty when the file on disk is already this text
    new_file: bool
    lines_added: int
    lines_removed: int


@dataclass(frozen=True)
class SuiteResult:
    """What --with-tests did for one fixed file."""

    path: str  # the fixed file, as its FileResult names it
    repo_root: str | None
    status: SuiteStatus
    reason: str = ""  # why there is no suite, for LEFT_OUT
    files: tuple[SuiteFile, ...] = ()
    structural: tuple[str, ...] = ()
    behavioural: tuple[str, ...] = ()
    scenarios: tuple[tuple[str, str], ...] = ()  # (name, title) of each race scenario
    left_out: str = ""  # why the structural tests are left out, when they are
    notes: tuple[str, ...] = ()  # other #1937 test modules beside the suite
    root: Path | None = field(default=None, repr=False, compare=False)  # absolute, to group patches

    @property
    def changed(self) -> bool:
        return any(each.diff for each in self.files)

    @property
    def counts(self) -> str:
        return f"{len(self.structural)} structural and {len(self.behavioural)} behavioural tests"

    def describe(self) -> str:
        """One line for the closing summary."""
        if self.status is SuiteStatus.LEFT_OUT:
            return f"no suite for {self.path}: {self.reason}"
        names = ", ".join(each.path_in_repo for each in self.files)
        if self.status is SuiteStatus.UP_TO_DATE:
            return f"the suite for {self.path} is up to date: {names} ({self.counts})"
        verb = "wrote" if self.status is SuiteStatus.WRITTEN else "would write"
        return f"{verb} the suite for {self.path}: {names} ({self.counts})"

    def patch_note(self) -> SuiteNote:
        return SuiteNote(MODULE.as_posix(), HARNESS.as_posix(), len(self.structural), self.scenarios, self.left_out)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "repo_root": self.repo_root,
            "status": self.status.value,
            "reason": self.reason,
            "files": [
                {"path": each.path_in_repo, "changed": bool(each.diff), "new": each.new_file,
                 "lines_added": each.lines_added, "lines_removed": each.lines_removed}
                for each in self.files
            ],
            "structural": list(self.structural),
            "behavioural": list(self.behavioural),
        }


def process_with_suites(
    files: list[Candidate], settings: Settings, process_all: ProcessAll
) -> tuple[list[FileResult], list[SuiteResult]]:
    """Process every file, then write (or plan) the suite of each fixed static/sessions.js."""
    targets = [index for index, each in enumerate(files) if gets_suite(each)]
    originals = {index: _read_bytes(files[index].path) for index in targets}
    kept = {index: reason for index in targets if (reason := kept_suite_file(files[index].repo_root, settings.force))}
    results = _process(files, settings, process_all, kept)
    suites = []
    for index, result in enumerate(results):
        if result.outcome not in _FIXING:
            continue  # nothing written, or a file refused for its kept suite
        if originals.get(index) is not None:
            results[index], suite = add_suite(files[index], result, originals[index], settings)
        else:
            suite = left_out(files[index], result, settings)
        if suite is not None:
            suites.append(suite)
    return results, sorted(suites, key=lambda each: each.path)


def _process(files: list[Candidate], settings: Settings, process_all: ProcessAll, kept: dict[int, str]) -> list[FileResult]:
    """The files' results; one whose suite must be kept is only previewed, and refused if it needs the fix."""
    results: list = [None] * len(files)
    free = [index for index in range(len(files)) if index not in kept]
    _fill(results, free, process_all([files[index] for index in free], settings))
    if kept:
        preview = replace(settings, mode=Mode.DRY_RUN, verify=False, patch_dir=None, progress=False)
        order = sorted(kept)
        previews = process_all([files[index] for index in order], preview)
        _fill(results, order, [refuse_for_kept_suite(each, kept[index]) for index, each in zip(order, previews)])
    return results


def _fill(results: list, indexes: list[int], values: list[FileResult]) -> None:
    for index, value in zip(indexes, values, strict=True):
        results[index] = value


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # the worker reports why


def gets_suite(candidate: Candidate) -> bool:
    return candidate.path_in_repository() == DEFAULT_JS


def kept_suite_file(repo_root: Path, force: bool) -> str | None:
    """Why the suite may not be written over what is there (then neither is the fix), or None."""
    for relative in SUITE_PATHS:
        try:
            current = (repo_root / relative).read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as error:
            problem, advice = f"cannot be read ({getattr(error, 'strerror', None) or error})", _WITHOUT_TESTS
        else:
            state = file_state(current)
            problem = why_kept(state, force)
            if problem is None:
                continue
            advice = _FORCE_OR_WITHOUT_TESTS if state is FileState.EDITED else _ELSEWHERE
        return f"its suite cannot be written: {relative} {problem}; {advice}"
    return None


_WITHOUT_TESTS = "run without --with-tests to write the fix alone"
_FORCE_OR_WITHOUT_TESTS = "run again with --force to overwrite it, or without --with-tests to write the fix alone"
_ELSEWHERE = (
    "run without --with-tests to write the fix alone, then jsfix gen-tests --out "
    "with a test module in another folder (the harness goes beside it)"
)


def refuse_for_kept_suite(result: FileResult, reason: str) -> FileResult:
    if result.outcome is not Outcome.WOULD_FIX:
        return result  # needs no fix, so no suite: the kept file does not matter
    return nothing_written(result, Outcome.REFUSED, reason)


def left_out(candidate: Candidate, result: FileResult, settings: Settings) -> SuiteResult:
    js = candidate.path_in_repository()
    root = display_path(candidate.repo_root, settings.cwd) if candidate.repo_root else None
    if js is None:
        reason = (
            "it is not in a git repository, so there is no root to put tests/ under; "
            "in the fork's checkout run jsfix gen-tests --js PATH"
        )
    elif js == DEFAULT_JS:
        reason = f"{js} could not be read again to generate its suite"
    else:
        reason = (
            f"apply writes a suite for {DEFAULT_JS} only; for {js} run "
            f"jsfix gen-tests --js {js} --out DIR/test_NAME.py, in a folder of its own"
        )
    return SuiteResult(result.path, root, SuiteStatus.LEFT_OUT, reason)


@dataclass(frozen=True)
class _Planned:
    file: SuiteFile
    text: str
    previous: str | None


def add_suite(
    candidate: Candidate, result: FileResult, original: bytes, settings: Settings
) -> tuple[FileResult, SuiteResult | None]:
    """The suite for a fixed file, written when the run writes; on any failure the fix is undone."""
    root = candidate.repo_root
    assert root is not None
    try:
        suite = generate_suite(rebuild_fixed_text(original, result), js=DEFAULT_JS, out=DEFAULT_OUT)
        planned = [plan_file(root, generated.path, generated.text, settings.cwd) for generated in suite.files]
    except Exception as error:  # noqa: BLE001  # a bug in jsfix: report it, never crash the run
        reason = f"internal error: its suite could not be generated ({type(error).__name__}: {error})"
        return undo_fix(candidate.path, result, original, Outcome.FAILED, reason), None
    changed = [each for each in planned if each.file.diff]
    if not changed:
        status = SuiteStatus.UP_TO_DATE
    elif settings.writes:
        try:
            write_suite(root, changed)
        except OSError as error:
            reason = f"its suite could not be written ({error.filename or 'a file'}: {error.strerror or error})"
            return undo_fix(candidate.path, result, original, Outcome.REFUSED, reason), None
        status = SuiteStatus.WRITTEN
    else:
        status = SuiteStatus.WOULD_WRITE
    return result, SuiteResult(
        result.path,
        display_path(root, settings.cwd),
        status,
        files=tuple(each.file for each in planned),
        structural=suite.structural,
        behavioural=suite.behavioural,
        scenarios=suite.scenarios,
        left_out=suite.left_out,
        notes=other_1937_tests(root, MODULE),
        root=root,
    )


def rebuild_fixed_text(original: bytes, result: FileResult) -> str:
    """The fixed text the worker planned, from the bytes read before it ran (BOM removed)."""
    source = decode_source(original)
    fixed = plan_fix(source.text).apply(source.text)
    if sha256(source.encode(fixed)) != result.sha256_after:
        raise RuntimeError("the fixed text planned again differs from the one the worker planned")
    return fixed


def plan_file(root: Path, relative: PurePosixPath, text: str, cwd: Path) -> _Planned:
    path = root / relative
    label = display_path(path, cwd)
    previous = path.read_text(encoding="utf-8") if path.exists() else None
    if previous == text:
        diff = ""
    elif previous is None:
        diff = new_file_diff(text, label)
    else:
        diff = unified_diff(previous, text, label)
    added, removed = count_changes(diff)
    return _Planned(SuiteFile(relative.as_posix(), label, diff, previous is None, added, removed), text, previous)


def new_file_diff(text: str, label: str) -> str:
    """A diff that creates the file, as `git apply` and `git am` read one."""
    lines = split_lines(text)
    assert lines and text.endswith("\n"), "generated files end with a newline"
    return f"--- /dev/null\n+++ {quote_path('b/' + label)}\n@@ -0,0 +1,{len(lines)} @@\n" + "".join("+" + line for line in lines)


def write_suite(root: Path, planned: list[_Planned]) -> None:
    """Write the changed suite files; if one cannot be written, put back those already written."""
    done: list[_Planned] = []
    try:
        for each in planned:
            write_text(root / each.file.path_in_repo, each.text)
            done.append(each)
    except OSError:
        for each in done:
            path = root / each.file.path_in_repo
            if each.previous is None:
                path.unlink(missing_ok=True)
            else:
                write_text(path, each.previous)
        raise


def undo_fix(path: Path, result: FileResult, original: bytes, outcome: Outcome, reason: str) -> FileResult:
    """The file's result when its suite failed: the fix written by the worker is put back as it was."""
    if result.outcome is not Outcome.FIXED:
        return nothing_written(result, outcome, reason)
    try:
        current = path.read_bytes()
        if sha256(current) != result.sha256_after:
            raise WriteRefused("it changed on disk since jsfix wrote it")
        write_atomically(path, current, original)
    except (OSError, WriteRefused) as error:
        return replace(result, outcome=Outcome.FAILED, reason=f"{reason}; the fix stays written: it could not be undone ({error})")
    return nothing_written(result, outcome, f"{reason}; the fix was undone")
