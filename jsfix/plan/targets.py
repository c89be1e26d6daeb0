"""The two functions the fix is about, and the bytes test that rules a file out before any parse.

Light on purpose: `jsfix verify` and every file walk ask this first.
"""

from __future__ import annotations

LOAD_OLDER = "_loadOlderMessages"
ENSURE_ALL = "_ensureAllMessagesLoaded"
TARGETS = (LOAD_OLDER, ENSURE_ALL)

# The names in UTF-8 and in UTF-16, so a UTF-16 file is refused, not skipped.
_TARGET_NAMES_AS_BYTES = [
    name.encode(encoding) for name in (LOAD_OLDER, ENSURE_ALL) for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]
NOT_MENTIONED = "neither target function is mentioned"


def mentions_a_target(data: bytes) -> bool:
    """False when the bytes name neither function: the file is not applicable without a parse."""
    return any(name in data for name in _TARGET_NAMES_AS_BYTES)
