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
        self._astral_units = [m.start() + n for n, m in enumerate(_ASTRAL.finditer(text))]

    def to_index(self, units: int) -> int:
        if not self._astral_units:
            return units
        return units - bisect.bisect_left(self._astral_units, units)
