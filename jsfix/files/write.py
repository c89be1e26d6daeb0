"""Writing a file so that a reader never sees half of it, and never one jsfix must not replace.

Both writers go through a temporary file in the same directory and one
rename. `write_atomically` replaces a source file jsfix fixed, only if it
still holds the bytes jsfix read; `write_text` writes a suite file.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class WriteRefused(Exception):
    """The file could not be replaced safely; it was left as it was."""


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
