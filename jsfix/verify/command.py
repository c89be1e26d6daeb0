"""`jsfix verify` on files already chosen: each file's verdict printed, the exit code returned.

Free of the command line's library (typer), so that the launcher can run
`jsfix verify FILE`, the pre-commit hook's case, while node works, without
loading the rest of jsfix.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jsfix.outcomes import file_line, most_serious
from jsfix.paths import display_path
from jsfix.verify.verify_file import verify_file


def verify_files(files, cwd: Path, *, quiet: bool = False) -> tuple[list[dict], int]:
    """Verify each selected file (`files` from jsfix.files.discover): the JSON entries and the exit code.

    Unless `quiet`, a file that ran prints its scenarios on standard output,
    one that did not its reason on standard error.
    """
    entries, codes = [], []
    for candidate in files:
        label = display_path(candidate.path, cwd)
        judged = verify_file(candidate.path, candidate.repo_root, cwd)
        codes.append(judged.exit_code)
        if judged.report is None:
            entries.append({"path": label, "verdict": judged.verdict, "holds": None, "reason": judged.reason})
            if not quiet:
                sys.stderr.write(file_line(judged.verdict, label, judged.reason) + "\n")
            continue
        entries.append({"path": label, **judged.report.to_dict()})
        if not quiet:
            print_verify_report(label, judged.report)
    return entries, most_serious(codes)


def print_verify_report(label: str, report) -> None:
    """A file that ran: its verdict, then one line per scenario (standard output)."""
    unproven = report.violated or report.incomplete
    verdict = "holds" if report.holds else f"{report.verdict.upper()} ({len(unproven)} scenario(s))"
    print(f"{label}: {verdict}")
    print("\n".join("  " + line for line in report.describe().splitlines()))
