"""jsfix gen-tests, the pure half: a regression suite fitted to a fork's fixed sessions.js.

    suite = generate_suite(text)      # the files of the suite, no I/O

The suite is one pytest module, built as a libcst tree, with structural tests
whose anchors come from the fixed file itself (see `anchors.py`) and one
behavioural test per race scenario of the node harness, which is written
beside the module. The fork needs nothing but pytest (and node for the
behavioural tests, which skip without it). Writing the files into a fork,
never over a hand edit, is `jsfix.files.gen_tests`.
"""

from jsfix.testgen.suite import (
    DEFAULT_JS,
    DEFAULT_OUT,
    NotGenerated,
    Suite,
    generate_suite,
)

__all__ = [
    "DEFAULT_JS",
    "DEFAULT_OUT",
    "NotGenerated",
    "Suite",
    "generate_suite",
]
