"""Writing a suite into a fork: only what changed, never over a hand edit.

Every generated file carries a digest of its own text in its header. A file
whose digest still matches was left as jsfix wrote it and may be replaced;
one whose digest no longer matches was edited by hand, and one without a
digest was not written by jsfix: both are kept unless `force` is set.
`gen_tests` never raises; it returns one of a closed set of outcomes.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath

from jsfix.outcomes import EXIT_OK, EXIT_PROBLEM
from jsfix.source import UnreadableSource, decode_source
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


@dataclass(frozen=True)
class GenReport:
    outcome: GenOutcome
    message: str
    written: tuple[str, ...] = ()
    suite: Suite | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEM if self.outcome is GenOutcome.REFUSED else EXIT_OK

    def lines(self) -> list[str]:
        """What the command prints: each file written, the summary, how to run the suite alone."""
        alone = [f"run it alone with: {self.suite.command}"] if self.suite is not None else []
        if self.outcome is GenOutcome.WROTE:
            return [*(f"wrote  {path}" for path in self.written), self.message, *alone]
        return [f"{self.outcome.value}  {self.message}", *alone]


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


def why_kept(state: FileState) -> str | None:
    """Why a file already there is not overwritten without --force, or None when it may be."""
    if state is FileState.EDITED:
        return "was edited by hand since jsfix generated it"
    if state is FileState.FOREIGN:
        return "exists and was not written by jsfix"
    return None


def inside_repository(repo: Path, path: str, what: str) -> PurePosixPath:
    """`path` relative to the repository, refusing one outside it."""
    given = Path(path)
    absolute = given if given.is_absolute() else repo / given
    try:
        relative = Path(os.path.relpath(absolute.resolve(), repo.resolve()))
    except ValueError:
        relative = Path("..")
    if relative.parts[:1] == ("..",):
        raise NotGenerated(f"the {what} {path} is outside the repository {repo}")
    return PurePosixPath(relative.as_posix())


def gen_tests(settings: GenSettings) -> GenReport:
    try:
        return _gen_tests(settings)
    except NotGenerated as error:
        return GenReport(GenOutcome.REFUSED, str(error))
    except OSError as error:
        return GenReport(
            GenOutcome.REFUSED,
            f"{error.filename or 'a file'}: {error.strerror or error}",
        )


def _gen_tests(settings: GenSettings) -> GenReport:
    repo = settings.repo
    if not repo.is_dir():
        raise NotGenerated(f"{repo} is not a directory")
    js = inside_repository(repo, settings.js, "file")
    out = inside_repository(repo, settings.out, "test module")
    if not out.name.startswith("test_") or out.suffix != ".py":
        raise NotGenerated(
            f"the test module {out} must be named test_*.py for pytest to collect it"
        )
    source_path = repo / js
    if not source_path.is_file():
        raise NotGenerated(f"{js} does not exist in {repo}")
    try:
        text = decode_source(source_path.read_bytes()).text
    except UnreadableSource as error:
        raise NotGenerated(f"{js} {error}") from None
    suite = generate_suite(text, js=js.as_posix(), out=out.as_posix())

    changed = []
    for generated in suite.files:
        path = repo / generated.path
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == generated.text:
            continue
        what = why_kept(file_state(current))
        if what is not None and not settings.force:
            raise NotGenerated(
                f"{generated.path} {what}; run again with --force to overwrite it"
            )
        changed.append(generated)

    if not changed:
        return GenReport(
            GenOutcome.UP_TO_DATE, f"{out} is up to date with {js}", suite=suite
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
    return GenReport(GenOutcome.WROTE, message, written, suite)


def write_text(path: Path, text: str) -> None:
    """Replace the file in one rename, so a reader never sees half of it.

    The file keeps the mode it had; a new one gets the mode any new file
    gets here (0666 less the umask), not mkstemp's private 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".jsfix"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
