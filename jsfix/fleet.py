"""Choosing the files to work on and running them, one report for all."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from jsfix.outcomes import Report
from jsfix.process import process_file
from jsfix.settings import Settings

SKIPPED_DIRECTORIES = {"node_modules", ".git"}


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], Counter]:
    """The JavaScript files under `paths`, de-duplicated and sorted, and what was skipped."""
    found: dict[Path, Path] = {}
    skipped: Counter = Counter()
    for path in paths:
        if path.is_dir():
            for directory, subdirectories, names in os.walk(path):
                kept = [name for name in subdirectories if name not in SKIPPED_DIRECTORIES]
                skipped["skipped directory"] += len(subdirectories) - len(kept)
                subdirectories[:] = sorted(kept)
                for name in names:
                    if not name.endswith(".js"):
                        continue
                    if name.endswith(".min.js"):
                        skipped["minified"] += 1
                        continue
                    candidate = Path(directory) / name
                    found.setdefault(candidate.resolve(), candidate)
        else:
            found.setdefault(path.resolve(), path)
    return sorted(found.values(), key=lambda each: each.as_posix()), skipped


def run(paths: Iterable[Path], settings: Settings) -> Report:
    files, skipped = collect_files(paths)
    report = Report(skipped=skipped)
    for path in files:
        report.results.append(process_file(path, settings))
    return report
