"""jsfix gen-tests, the I/O half: writing a suite into a fork, only what changed, never over a hand edit.

    report = gen_tests(GenSettings(repo=Path(".")))

Every generated file carries a digest of its own text in its header. A file
whose digest still matches was left as jsfix wrote it and may be replaced;
one whose digest no longer matches was edited by hand, and is kept unless
`force` is set; one without a digest was not written by jsfix, and is never
overwritten. `gen_tests` never raises; it returns one of a closed set of
outcomes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath

from jsfix.files.write import write_text
from jsfix.javascript.source import UnreadableSource, read_source
from jsfix.outcomes import EXIT_OK, EXIT_PROBLEM, file_line
from jsfix.paths import display_path
from jsfix.testgen.module import DIGEST_LINE, digest
from jsfix.testgen.suite import (
    DEFAULT_JS,
    DEFAULT_OUT,
    NotGenerated,
    Suite,
    generate_suite,
)


class GenOutcome(Enum):
    WROTE = "wrote"
    UP_TO_DATE = "up to date"
    REFUSED = "refused"
    NOT_APPLICABLE = "not applicable"  # the file defines neither function: nothing to test


class FileState(Enum):
    MISSING = "missing"
    AS_GENERATED = "as generated"
    EDITED = "edited by hand"
    FOREIGN = "not written by jsfix"


@dataclass(frozen=True)
class GenSettings:
    repo: Path
    js: str = DEFAULT_JS
    out: str = DEFAULT_OUT
    force: bool = False
    # Paths in messages are relative to it, as the other commands print them (None: to the repository).
    cwd: Path | None = None


@dataclass(frozen=True)
class GenReport:
    outcome: GenOutcome
    message: str
    written: tuple[str, ...] = ()
    suite: Suite | None = None
    path: str = ""  # the file a refusal is about, as the other commands name it
    notes: tuple[str, ...] = ()  # other #1937 test modules found beside the suite

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.outcome in (GenOutcome.WROTE, GenOutcome.UP_TO_DATE) else EXIT_PROBLEM

    def lines(self) -> list[str]:
        """What the command prints: each file written, the summary, how to run the suite alone."""
        notes = [f"note  {note}" for note in self.notes]
        alone = [f"run it alone with: {self.suite.command}"] if self.suite is not None else []
        if self.outcome is GenOutcome.WROTE:
            return [*notes, *(f"wrote  {path}" for path in self.written), self.message, *alone]
        if self.outcome is GenOutcome.UP_TO_DATE:
            return [*notes, f"{self.outcome.value}  {self.message}", *alone]
        return [file_line(self.outcome.value, self.path, self.message)]


def file_state(text: str | None) -> FileState:
    """Whether a file is still exactly what jsfix wrote, judged by its digest line."""
    if text is None:
        return FileState.MISSING
    header = DIGEST_LINE.search(text, 0, 4096)
    if header is None:
        return FileState.FOREIGN
    newline = text.find("\n", header.end())
    below = text[newline + 1 :] if newline != -1 else ""
    return (
        FileState.AS_GENERATED
        if digest(below) == header["digest"]
        else FileState.EDITED
    )


# jsfix never overwrites a file it did not write, --force or not.
NEVER_OVERWRITTEN = "exists and was not written by jsfix, which never overwrites such a file"


def why_kept(state: FileState, force: bool = False) -> str | None:
    """Why a file already there is not overwritten, or None when it may be.

    A file jsfix wrote and someone edited is replaced only with `force`; a
    file jsfix did not write, never.
    """
    if state is FileState.EDITED and not force:
        return "was edited by hand since jsfix generated it"
    if state is FileState.FOREIGN:
        return NEVER_OVERWRITTEN
    return None


def kept_advice(state: FileState) -> str:
    """What gen-tests suggests for a file it keeps."""
    if state is FileState.FOREIGN:
        return "name another test module with --out (the harness goes beside it)"
    return "run again with --force to overwrite it"


def inside_repository(repo: Path, path: str, what: str) -> PurePosixPath:
    """`path` relative to the repository, refusing one outside it."""
    given = Path(path)
    absolute = given if given.is_absolute() else repo / given
    try:
        relative = Path(os.path.relpath(absolute.resolve(), repo.resolve()))
    except ValueError:
        relative = Path("..")
    if relative.parts[:1] == ("..",):
        raise NotGenerated(path, f"the {what} is outside the repository {repo}")
    return PurePosixPath(relative.as_posix())


def gen_tests(settings: GenSettings) -> GenReport:
    try:
        return _gen_tests(settings)
    except NotGenerated as error:
        return GenReport(GenOutcome(error.outcome), error.reason, path=error.path)
    except OSError as error:
        where = error.filename or settings.repo
        return GenReport(GenOutcome.REFUSED, f"cannot be written: {error.strerror or error}", path=str(where))


def _gen_tests(settings: GenSettings) -> GenReport:
    repo = settings.repo

    def shown(relative: PurePosixPath) -> str:
        return display_path(repo / relative, settings.cwd or repo)

    if not repo.is_dir():
        reason = "is not a directory" if repo.exists() else "cannot be read: No such file or directory"
        raise NotGenerated(display_path(repo, settings.cwd or Path.cwd()), reason)
    js = inside_repository(repo, settings.js, "file")
    out = inside_repository(repo, settings.out, "test module")
    if not out.name.startswith("test_") or out.suffix != ".py":
        raise NotGenerated(shown(out), "the test module must be named test_*.py for pytest to collect it")
    try:
        text = read_source(repo / js).text
    except UnreadableSource as error:
        raise NotGenerated(shown(js), str(error)) from None
    try:
        suite = generate_suite(text, js=js.as_posix(), out=out.as_posix())
    except NotGenerated as error:
        raise NotGenerated(shown(js), error.reason, outcome=error.outcome) from None

    changed = []
    for generated in suite.files:
        path = repo / generated.path
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == generated.text:
            continue
        state = file_state(current)
        problem = why_kept(state, settings.force)
        if problem is not None:
            raise NotGenerated(shown(generated.path), f"{problem}; {kept_advice(state)}")
        changed.append(generated)

    notes = other_1937_tests(repo, out)
    if not changed:
        return GenReport(
            GenOutcome.UP_TO_DATE, f"{out} is up to date with {js}", suite=suite, notes=notes
        )
    for generated in changed:
        write_text(repo / generated.path, generated.text)
    message = (
        f"{len(suite.structural)} structural and {len(suite.behavioural)} behavioural "
        f"tests for {js}"
    )
    if suite.note:
        message += f"; {suite.note}"
    written = tuple(each.path.as_posix() for each in changed)
    return GenReport(GenOutcome.WROTE, message, written, suite, notes=notes)


def other_1937_tests(repo: Path, out: PurePosixPath) -> tuple[str, ...]:
    """Notes on the other #1937 test modules in the suite's folder: the fork's own, or an earlier jsfix's.

    Forks that merged upstream's fix carry its tests (test_issue1937_*.py);
    jsfix's suite has a name of its own and goes beside them.
    """
    notes = []
    for path in sorted((repo / out.parent).glob("test_*1937*.py")):
        relative = out.parent / path.name
        if relative == out:
            continue
        try:
            state = file_state(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            state = FileState.FOREIGN
        if state is FileState.FOREIGN:
            notes.append(f"{relative} holds the fork's own #1937 tests; jsfix leaves it as it is and writes {out} beside it")
        else:
            notes.append(f"{relative} was written by an earlier jsfix; its suite is now {out}, so the old module can go")
    return tuple(notes)


