"""jsfix gen-tests: a regression suite fitted to a fork's fixed sessions.js.

    suite = generate_suite(text)                 # pure: the files, no I/O
    report = gen_tests(GenSettings(repo=Path(".")))   # writes them safely

The suite is one pytest module, built as a libcst tree, with structural tests
whose anchors come from the fixed file itself (see `anchors.py`) and one
behavioural test per race scenario of the node harness, which is written
beside the module. The fork needs nothing but pytest (and node for the
behavioural tests, which skip without it).
"""

from jsfix.testgen.suite import (
    DEFAULT_JS,
    DEFAULT_OUT,
    NotGenerated,
    Suite,
    generate_suite,
)
from jsfix.testgen.writing import (
    FileState,
    GenOutcome,
    GenReport,
    GenSettings,
    file_state,
    gen_tests,
)

__all__ = [
    "DEFAULT_JS",
    "DEFAULT_OUT",
    "FileState",
    "GenOutcome",
    "GenReport",
    "GenSettings",
    "NotGenerated",
    "Suite",
    "file_state",
    "gen_tests",
    "generate_suite",
]
