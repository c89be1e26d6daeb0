"""Decoding a file's bytes into text, and encoding the patched text back.

The byte-order mark is kept aside so offsets start at the first real
character, and line endings are left exactly as they are in the file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


class UnreadableSource(Exception):
    """The bytes are not a UTF-8 text file jsfix can work on."""


@dataclass(frozen=True)
class SourceText:
    text: str
    bom: bool

    def as_in_file(self, text: str) -> str:
        """`text` as the file holds it: with the byte-order mark back in front."""
        return ("\ufeff" if self.bom else "") + text

    def encode(self, text: str) -> bytes:
        return self.as_in_file(text).encode("utf-8")


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
