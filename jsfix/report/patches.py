"""One patch per git repository, for `git am` (and `git apply`) in that repository.

Each patch is one mbox message in the shape `git format-patch` writes:
a header with the subject and a short body naming the fix, `---`, a diffstat,
then one `diff --git` section per changed file with its path relative to
the repository root, and jsfix's version as the signature. Under
`--with-tests` the same message also adds the regression suite, and its body
names the scenarios the suite covers and the command that runs it, so one
`git am` gives one reviewable commit: the fix and the tests that pin it.
"""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, formataddr
from pathlib import Path

from jsfix import __version__
from jsfix.report.diff import quote_path

SUBJECT = "Fix endless-scroll prefetch vs Start-jump race (#1937)"

BODY = """\
An older-messages prefetch still in flight when the Start-jump pill loads
the whole history could prepend a page that is already there, and a
session switch during the full-history request could fill the new chat
with the old one's messages. _ensureAllMessagesLoaded now waits for the
prefetch and holds the same lock, re-checks the session after its await,
and bumps a generation counter that makes a stale prefetch drop its page.
"""

_DIFFSTAT_WIDTH = 50
@dataclass(frozen=True)
class FileChange:
    """One file's diff, as `process_file` made it, and where the file sits in its repository."""

    path_in_repo: str  # POSIX, relative to the repository root
    diff: str
    parts: tuple[str, ...]
    lines_added: int
    lines_removed: int
    new_file: bool = False  # the diff creates the file (`--- /dev/null`)


@dataclass(frozen=True)
class SuiteNote:
    """What the commit message says about the regression suite in the patch."""

    module: str  # path in the repository
    harness: str
    structural: int  # how many structural tests
    scenarios: tuple[tuple[str, str], ...]  # (name, title) of each race scenario
    left_out: str = ""  # why there are no structural tests, when there are none


def patch_date() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that a rerun can write byte-identical patches."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return datetime.fromtimestamp(seconds, tz=UTC)


class NoAuthor(Exception):
    """git cannot say who the patch's author is, and --author was not given."""


_IDENT = re.compile(r"^(?P<name>.*?) ?<(?P<email>[^<>]*)>")


def patch_author(repo_root: Path, given: str | None = None) -> str:
    """`Name <email>`: `given` (--author), else who git would record in that repository.

    `git var GIT_AUTHOR_IDENT` reads GIT_AUTHOR_NAME/EMAIL, then user.name and
    user.email, as `git commit` and `git format-patch` do.
    """
    if given is not None:
        if not _IDENT.fullmatch(given.strip()):
            raise NoAuthor(f"--author must read 'Name <email>', not {given!r}")
        return given.strip()
    environment = {key: value for key, value in os.environ.items() if key not in ("GIT_DIR", "GIT_WORK_TREE")}
    try:
        completed = subprocess.run(
            ["git", "-C", str(repo_root), "var", "GIT_AUTHOR_IDENT"],
            capture_output=True, text=True, env=environment, check=False,
        )
    except OSError:
        completed = None
    found = _IDENT.match(completed.stdout) if completed is not None and completed.returncode == 0 else None
    if found is None:
        raise NoAuthor(
            f"git does not know who the author is in {repo_root}: set user.name and user.email "
            "(git config), or pass --author 'Name <email>'"
        )
    return f"{found['name']} <{found['email']}>"


def format_patch(changes: list[FileChange], date: datetime, author: str, suite: SuiteNote | None = None) -> str:
    changes = sorted(changes, key=lambda each: each.path_in_repo)
    touched = "\n".join(f"- {each.path_in_repo}: {', '.join(each.parts)}" for each in changes if each.parts)
    header = (
        "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
        f"From: {encoded_author(author)}\n"
        f"Date: {format_datetime(date)}\n"
        f"Subject: [PATCH] {SUBJECT}\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        f"{BODY}\n"
        f"Parts of the fix added by jsfix {__version__}:\n"
        f"{touched}\n"
        f"{suite_paragraphs(suite) if suite else ''}"
        "---\n"
    )
    crlf = [each.path_in_repo for each in changes if "\r\n" in each.diff]
    note = ""
    if crlf:
        # git am strips carriage returns from mail lines unless told not to.
        note = f"Apply with `git am --keep-cr`: {', '.join(crlf)} {'has' if len(crlf) == 1 else 'have'} CRLF line endings.\n\n"
    diffs = "".join(rebase_diff(each.diff, each.path_in_repo, new_file=each.new_file) for each in changes)
    return f"{header}{note}{diffstat(changes)}\n{diffs}-- \njsfix {__version__}\n\n"


def suite_paragraphs(suite: SuiteNote) -> str:
    """The commit message's account of the suite: its files, its scenarios, how to run it."""
    if suite.structural:
        pinned = f"{suite.structural} structural tests that pin the statements of the fix as this file writes them"
    else:
        pinned = f"no structural tests ({suite.left_out})"
    scenarios = "\n".join(_item(f"{name}: {title}") for name, title in suite.scenarios)
    return (
        "\n"
        "Regression tests added with the fix, generated for the fixed file:\n"
        f"- {suite.module}:\n"
        f"{textwrap.fill(f'{pinned}, and one test per race scenario', 72, initial_indent='  ', subsequent_indent='  ')}\n"
        f"{_item(f'{suite.harness}: the node script that runs those scenarios')}\n"
        "\n"
        "Race scenarios covered, each run on the file's own two functions\n"
        "through every order in which their requests and timers can settle:\n"
        f"{scenarios}\n"
        "\n"
        "Run the suite from the repository root with:\n"
        f"    python -m pytest --noconftest {suite.module}\n"
        "It needs only pytest, and node for the race scenarios (skipped\n"
        "without it); it uses no conftest.py fixture, and --noconftest keeps\n"
        "the fork's own fixtures (a test server, say) out of its run.\n"
    )


def _item(text: str) -> str:
    """A list item of the commit message, wrapped at 72 columns."""
    return textwrap.fill(text, 72, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False)


def rebase_diff(diff: str, path_in_repo: str, *, new_file: bool = False) -> str:
    """The diff with its file names made relative to the repository root, under a `diff --git` line."""
    lines = diff.split("\n", 2)
    if len(lines) < 3 or not lines[0].startswith("--- ") or not lines[1].startswith("+++ "):
        raise ValueError("not a unified diff of one file")
    old, new = quote_path("a/" + path_in_repo), quote_path("b/" + path_in_repo)
    if new_file:
        return f"diff --git {old} {new}\nnew file mode 100644\n--- /dev/null\n+++ {new}\n{lines[2]}"
    return f"diff --git {old} {new}\n--- {old}\n+++ {new}\n{lines[2]}"


def diffstat(changes: list[FileChange]) -> str:
    widest = max(len(each.path_in_repo) for each in changes)
    largest = max(each.lines_added + each.lines_removed for each in changes)
    scale = min(1.0, _DIFFSTAT_WIDTH / largest) if largest else 1.0
    lines = []
    for each in changes:
        total = each.lines_added + each.lines_removed
        # As git draws it: a count that is not zero shows at least one sign.
        plus, minus = (max(1, round(count * scale)) if count else 0 for count in (each.lines_added, each.lines_removed))
        lines.append(
            f" {each.path_in_repo.ljust(widest)} | {str(total).rjust(len(str(largest)))} {'+' * plus}{'-' * minus}"
        )
    added = sum(each.lines_added for each in changes)
    removed = sum(each.lines_removed for each in changes)
    files = f"{len(changes)} file{'s' if len(changes) != 1 else ''} changed"
    lines.append(
        f" {files}, {added} insertion{'s' if added != 1 else ''}(+), {removed} deletion{'s' if removed != 1 else ''}(-)"
    )
    return "\n".join(lines) + "\n"


def patch_file_name(repo_root: Path, cwd: Path) -> str:
    """A name that tells the repository: its path below `cwd` with `__` between the folders, else its name."""
    root, base = Path(os.path.abspath(repo_root)), Path(os.path.abspath(cwd))
    if root != base and root.is_relative_to(base):
        name = "__".join(root.relative_to(base).parts)
    else:
        name = root.name or "repository"
    # A line break or other control character in a folder name would make a file name shells mangle.
    return re.sub(r"[\x00-\x1f\x7f]", "_", name) + ".patch"


def encoded_author(author: str) -> str:
    """The From: header: a name outside ASCII is MIME-encoded, as git format-patch writes it."""
    found = _IDENT.match(author)
    name, email = found["name"], found["email"]
    if name.isascii():
        return author
    return formataddr((name, email), charset="utf-8")


def write_patches(
    changes_by_repo: dict[Path, list[FileChange]],
    patch_dir: Path,
    cwd: Path,
    suites: dict[Path, SuiteNote] | None = None,
    author: str | None = None,
) -> dict[Path, Path]:
    """Write one patch per repository into `patch_dir`; the repository roots and their patch files.

    Raises NoAuthor, before writing any patch, when a repository's author is unknown.
    """
    suites = suites or {}
    authors = {root: patch_author(root, author) for root in changes_by_repo}
    if changes_by_repo:
        patch_dir.mkdir(parents=True, exist_ok=True)
    date = patch_date()
    written: dict[Path, Path] = {}
    used: set[str] = set()
    for root in sorted(changes_by_repo, key=lambda each: each.as_posix()):
        name = patch_file_name(root, cwd)
        stem, number = name.removesuffix(".patch"), 2
        while name in used:
            name, number = f"{stem}-{number}.patch", number + 1
        used.add(name)
        target = patch_dir / name
        text = format_patch(changes_by_repo[root], date, authors[root], suites.get(root))
        target.write_bytes(text.encode("utf-8", "surrogateescape"))
        written[root] = target
    return written
