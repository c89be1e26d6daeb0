"""One frozen value holding everything the command line decided."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Mode(Enum):
    CHECK = "check"  # report only; exit 1 when a file needs the fix
    DRY_RUN = "dry-run"  # print the diff, write nothing
    WRITE = "write"  # write the fixed files


@dataclass(frozen=True)
class Settings:
    mode: Mode
    verify: bool = False
    jobs: int = 1
    patch_dir: Path | None = None
    cwd: Path = Path(".")
    progress: bool = False  # a progress bar on standard error (only shown on a terminal)
    verbose: bool = False  # also list the files that needed nothing
    with_tests: bool = False  # write each repository's regression suite beside its fix (jsfix.suites)
    force: bool = False  # with_tests: replace suite files edited by hand or not written by jsfix

    @property
    def writes(self) -> bool:
        return self.mode is Mode.WRITE
