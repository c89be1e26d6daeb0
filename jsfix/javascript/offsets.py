"""Converting esprima's offsets to Python string indices.

esprima counts UTF-16 code units, like JavaScript itself, so every character
outside the Basic Multilingual Plane (an emoji, a math letter) counts twice.
Python indexes code points. Text without astral characters needs no work.
"""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Offsets:
    """Maps UTF-16 code unit offsets of one text to Python indices."""

    def __init__(self, text: str) -> None:
        # UTF-16 offset of each astral character: its Python index plus the
        # number of astral characters before it.
        self._astral_indices = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_units = [index + n for n, index in enumerate(self._astral_indices)]

    def to_index(self, units: int) -> int:
        if not self._astral_units:
            return units
        return units - bisect.bisect_left(self._astral_units, units)

    def to_utf16(self, index: int) -> int:
        """The other way: a Python index as UTF-16 code units, as JavaScript counts them."""
        return index + bisect.bisect_left(self._astral_indices, index)
