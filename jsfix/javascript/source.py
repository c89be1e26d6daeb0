"""Reading a source file, decoding its bytes into text, and encoding the patched text back.

Every command reads a file through `read_source_bytes` and `decode_source`,
so a file that cannot be worked on is refused with the same reason under
`check`, `apply`, `verify` and `gen-tests`. The byte-order mark is kept aside
so offsets start at the first real character, and line endings are left
exactly as they are in the file.
"""

from __future__ import annotations

import codecs
import stat
from dataclasses import dataclass
from pathlib import Path

# Larger files are refused (and skipped when a directory walk finds them).
MAX_BYTES = 5 * 1024 * 1024
TOO_LARGE = f"is larger than {MAX_BYTES // (1024 * 1024)} MB"


class UnreadableSource(Exception):
    """The file is not a UTF-8 text file jsfix can work on; the message says why."""


@dataclass(frozen=True)
class SourceText:
    text: str
    bom: bool

    def as_in_file(self, text: str) -> str:
        """`text` as the file holds it: with the byte-order mark back in front."""
        return ("\ufeff" if self.bom else "") + text

    def encode(self, text: str) -> bytes:
        return self.as_in_file(text).encode("utf-8")


def read_source_bytes(path: Path) -> bytes:
    """The file's bytes, or UnreadableSource: missing, unreadable, not a regular file, too large."""
    try:
        status = path.stat()
        # Reading a FIFO would block forever, and a device or directory is no source file.
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableSource("is not a regular file")
        if status.st_size > MAX_BYTES:
            raise UnreadableSource(TOO_LARGE)
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableSource(f"cannot be read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:  # it grew between the two calls
        raise UnreadableSource(TOO_LARGE)
    return data


def read_source(path: Path) -> SourceText:
    """The file's text (see `decode_source`), or UnreadableSource with the reason."""
    return decode_source(read_source_bytes(path))


def decode_source(data: bytes) -> SourceText:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableSource("is UTF-16 or UTF-32 (it starts with that byte-order mark), not UTF-8")
    if b"\x00" in data:
        raise UnreadableSource("contains a NUL byte, so it is not a text file")
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data[len(codecs.BOM_UTF8) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableSource(
            f"is not valid UTF-8 (byte 0x{error.object[error.start]:02x} at offset {error.start + (3 if bom else 0)})"
        ) from None
    return SourceText(text=text, bom=bom)
