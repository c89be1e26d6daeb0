"""Choosing the files to work on: named files, walked directories, path lists.

A named file is always taken as it is (the core refuses it if it must).
A directory is walked for `*.js`: inside a git work tree through
`git ls-files`, so `.gitignore` holds exactly as git reads it, elsewhere
with a plain walk that never follows symlinks (no loops). Dependency
folders, minified, huge and binary files are skipped and counted. Each file
is taken once, whichever path reached it first, and comes with the root of
the git repository it belongs to, for the report and the patches.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jsfix.javascript.source import MAX_BYTES
from jsfix.paths import find_repo_root

BINARY_SNIFF_BYTES = 8192

DEPENDENCY_DIRECTORIES = {"node_modules", "bower_components", "jspm_packages"}
VENDORED_DIRECTORIES = {"vendor", "vendors", "third_party", "third-party", "thirdparty"}
VCS_DIRECTORIES = {".git", ".hg", ".svn"}

# Keys of the skipped counter, as the summary and the JSON report show them.
SKIP_NODE_MODULES = "dependency directory"
SKIP_VENDORED = "vendored directory"
SKIP_MINIFIED = "minified file"
SKIP_TOO_LARGE = "file over 5 MB"
SKIP_BINARY = "binary file"
SKIP_SYMLINKED_DIRECTORY = "symlinked directory"
SKIP_SYMLINKED_FILE = "symlinked file"

# Environment that would point git somewhere other than the directory it is run in.
_GIT_LOCATION_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
)


@dataclass(frozen=True)
class Candidate:
    """A file to work on, and the root of the git work tree holding it (None outside git)."""

    path: Path
    repo_root: Path | None

    def path_in_repository(self) -> str | None:
        """Where a change lands, relative to the repository root (a symlink is written through: its target)."""
        if self.repo_root is None:
            return None
        real = os.path.realpath(self.path) if self.path.is_symlink() else os.path.abspath(self.path)
        return Path(os.path.relpath(real, self.repo_root)).as_posix()


@dataclass
class Selection:
    files: list[Candidate] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)


def read_path_list(source: str) -> list[Path]:
    """The paths in a list file, one a line; `-` reads standard input. Blank lines are ignored."""
    if source == "-":
        text = sys.stdin.read()
    else:
        text = Path(source).read_text(encoding="utf-8", errors="surrogateescape")
    return [Path(line) for line in text.splitlines() if line.strip()]


def select_files(paths: Iterable[Path]) -> Selection:
    """The files under `paths`, each once (by real path), sorted as the report shows them."""
    walker = _Walker()
    for path in paths:
        if path.is_dir():  # a symlink to a directory named on the command line is followed
            walker.walk_directory(path)
        else:
            walker.add(path, find_repo_root(_real_parent(path)))
    walker.selection.files.sort(key=lambda each: each.path.as_posix())
    return walker.selection


def _real_parent(path: Path) -> Path:
    """The directory that really holds the file: a symlinked file is changed where it points."""
    return Path(os.path.realpath(path)).parent if path.is_symlink() else Path(os.path.abspath(path)).parent


class _Walker:
    def __init__(self) -> None:
        self.selection = Selection()
        self._seen: set[str] = set()
        self._walked_repos: set[str] = set()

    def add(self, path: Path, repo_root: Path | None) -> None:
        key = os.path.realpath(path)
        if key in self._seen:
            return
        self._seen.add(key)
        self.selection.files.append(Candidate(path, repo_root))

    def walk_directory(self, directory: Path) -> None:
        here = Path(os.path.realpath(directory) if directory.is_symlink() else os.path.abspath(directory))
        root = find_repo_root(here)
        if root is not None and here != root and git_ignores(root, here):
            # Named on purpose (a fleet cloned into an ignored folder): walk it as outside git;
            # the repositories inside it still follow their own .gitignore.
            root = None
        if root is None or not self._walk_git(directory, root):
            self._walk_plain(directory, root)

    # -- inside a git work tree --------------------------------------------

    def _walk_git(self, directory: Path, root: Path) -> bool:
        """Take the files git would: tracked, or untracked and not ignored. False if git cannot tell."""
        listed = git_listed_files(directory)
        if listed is None:
            return False
        skipped_directories: set[tuple[str, str]] = set()
        for relative in listed:
            if relative.endswith("/"):  # an untracked repository nested in this one
                self._walk_nested_repository(directory / relative.rstrip("/"))
                continue
            parts = relative.split("/")
            skipped_directory = _first_skipped_directory(parts[:-1])
            if skipped_directory is not None:
                skipped_directories.add(skipped_directory)
                continue
            path = directory / relative
            try:
                status = os.lstat(path)
            except OSError:  # tracked but deleted from the work tree
                continue
            if stat.S_ISDIR(status.st_mode):  # a submodule
                self._walk_nested_repository(path)
                continue
            self._consider(path, parts[-1], status, root)
        for reason, _ in skipped_directories:
            self.selection.skipped[reason] += 1
        return True

    def _walk_nested_repository(self, directory: Path) -> None:
        if os.path.lexists(directory / ".git"):
            key = os.path.realpath(directory)
            if key not in self._walked_repos:
                self._walked_repos.add(key)
                self.walk_directory(directory)

    # -- outside git -----------------------------------------------------------

    def _walk_plain(self, top: Path, repo_root: Path | None) -> None:
        """Every `*.js` below `top` but the skipped folders; `repo_root` when git is there but cannot list it."""
        for directory, subdirectories, names in os.walk(top, followlinks=False):
            here = Path(directory)
            kept = []
            for name in subdirectories:
                child = here / name
                if name in VCS_DIRECTORIES:
                    continue
                reason = _directory_reason(name)
                if reason is not None:
                    self.selection.skipped[reason] += 1
                elif os.path.islink(child):
                    self.selection.skipped[SKIP_SYMLINKED_DIRECTORY] += 1
                elif os.path.lexists(child / ".git"):
                    self._walk_nested_repository(child)
                else:
                    kept.append(name)
            subdirectories[:] = kept
            for name in names:
                if not name.endswith(".js"):
                    continue  # not counted either way; symlinked directories come in `subdirectories`
                path = here / name
                try:
                    status = os.lstat(path)
                except OSError:
                    continue
                self._consider(path, name, status, repo_root)

    # -- one file ------------------------------------------------------------------

    def _consider(self, path: Path, name: str, status: os.stat_result, repo_root: Path | None) -> None:
        reason = skip_reason(path, name, status)
        if reason is None:
            self.add(path, repo_root)
        elif reason:
            self.selection.skipped[reason] += 1


def skip_reason(path: Path, name: str, status: os.stat_result) -> str | None:
    """Why a walked file is skipped: a counter key, "" for "not JavaScript", None to take it."""
    if stat.S_ISLNK(status.st_mode):
        if os.path.isdir(path):
            return SKIP_SYMLINKED_DIRECTORY
        return SKIP_SYMLINKED_FILE if name.endswith(".js") else ""
    if not name.endswith(".js") or not stat.S_ISREG(status.st_mode):
        return ""
    if name.endswith(".min.js"):
        return SKIP_MINIFIED
    if status.st_size > MAX_BYTES:
        return SKIP_TOO_LARGE
    if looks_binary(path):
        return SKIP_BINARY
    return None


def looks_binary(path: Path) -> bool:
    """A NUL byte near the start, as git and grep decide. Unreadable files are left to the core."""
    try:
        with open(path, "rb") as stream:
            return b"\x00" in stream.read(BINARY_SNIFF_BYTES)
    except OSError:
        return False


def _directory_reason(name: str) -> str | None:
    if name in DEPENDENCY_DIRECTORIES:
        return SKIP_NODE_MODULES
    if name in VENDORED_DIRECTORIES:
        return SKIP_VENDORED
    return None


def _first_skipped_directory(directories: list[str]) -> tuple[str, str] | None:
    """(reason, path) of the outermost dependency or vendored folder in a path, if any."""
    for depth, name in enumerate(directories):
        reason = _directory_reason(name)
        if reason is not None:
            return reason, "/".join(directories[: depth + 1])
    return None


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess | None:
    """Run git in `directory`, whatever GIT_DIR and friends say; None if git is not installed."""
    environment = {key: value for key, value in os.environ.items() if key not in _GIT_LOCATION_VARIABLES}
    try:
        return subprocess.run(["git", "-C", str(directory), *args], capture_output=True, env=environment, check=False)
    except OSError:
        return None


def git_ignores(root: Path, directory: Path) -> bool:
    completed = _git(root, "check-ignore", "-q", "--", os.path.relpath(directory, root))
    return completed is not None and completed.returncode == 0


def git_listed_files(directory: Path) -> list[str] | None:
    """Paths under `directory`, relative to it, that git tracks or would add; None if git cannot say."""
    completed = _git(directory, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    if completed is None:
        return None
    if completed.returncode != 0:  # e.g. "dubious ownership": walk it without git
        return None
    return sorted({os.fsdecode(each) for each in completed.stdout.split(b"\0") if each})
