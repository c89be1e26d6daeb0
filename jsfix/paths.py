"""Paths as jsfix shows them, and where a file's repository starts. Every stage may use these."""

from __future__ import annotations

import os
from pathlib import Path

from jsfix.prestart import checkout_root


def display_path(path: Path, cwd: Path) -> str:
    """The path as `git apply` run from `cwd` will look for it."""
    try:
        return Path(os.path.relpath(path.absolute(), cwd.absolute())).as_posix()
    except ValueError:
        return path.as_posix()


def find_repo_root(directory: Path) -> Path | None:
    """The nearest enclosing directory holding `.git` (a directory, or a file for worktrees and submodules)."""
    root = checkout_root(str(directory))
    return Path(root) if root is not None else None


def pointer_to_definition(path: Path, specifier: str | None, cwd: Path) -> str:
    """Where a relative import of the targets leads, as a path the user can pass to jsfix."""
    if specifier is None or not specifier.startswith(("./", "../")):
        return ""
    target = (path.parent / specifier).resolve()
    return f" ({display_path(target, cwd)})" if target.is_file() else ""
