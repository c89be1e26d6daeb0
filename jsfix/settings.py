"""One frozen value holding everything the command line decided."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

# Where a fork's regression suite goes, relative to its root. The module has a
# name of jsfix's own: forks that merged upstream's fix carry upstream's
# tests/test_issue1937_endless_scroll_jumpstart_race.py, and the suite goes beside it.
DEFAULT_JS = "static/sessions.js"
DEFAULT_OUT = "tests/test_jsfix_issue1937_race.py"
HARNESS_NAME = "jsfix_issue1937_harness.js"  # beside the module


class Mode(Enum):
    CHECK = "check"  # report only; exit 1 when a file needs the fix
    DRY_RUN = "dry-run"  # print the diff, write nothing
    WRITE = "write"  # write the fixed files


@dataclass(frozen=True)
class Settings:
    mode: Mode
    verify: bool = False
    jobs: int = 1
    patch_dir: Path | None = None  # write patches there, and (apply) leave the files unchanged
    author: str | None = None  # the patches' author, `Name <email>`; None: who git would record
    cwd: Path = Path(".")
    progress: bool = False  # a progress bar on standard error (only shown on a terminal)
    verbose: bool = False  # also list the files that needed nothing
    with_tests: bool = False  # write each repository's regression suite beside its fix (jsfix.files.suites)
    force: bool = False  # with_tests: replace suite files edited by hand or not written by jsfix

    @property
    def writes(self) -> bool:
        return self.mode is Mode.WRITE
