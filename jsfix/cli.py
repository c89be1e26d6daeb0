"""The command line. The only module that knows about typer.

It turns options into one `Settings` value, calls the core, and prints:
diffs on standard output (so they can be piped to `git apply`), one line
per file and the summary on standard error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from jsfix import __version__
from jsfix.fleet import run
from jsfix.outcomes import Outcome, Report
from jsfix.settings import Mode, Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Repair the hermes-webui #1937 endless-scroll vs Start-jump race.",
)

PathsArgument = Annotated[list[Path], typer.Argument(help="Files or directories to work on.", show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable report instead of text.")]

_DIFF_STYLES = {"+": "green", "-": "red", "@": "cyan"}


def _version(value: bool) -> None:
    if value:
        print(f"jsfix {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """jsfix: find, fix, verify and test the #1937 race fix."""


@app.command()
def apply(
    paths: PathsArgument,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the diff; write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Add the missing parts of the fix; with --dry-run only print the diff."""
    settings = Settings(mode=Mode.DRY_RUN if dry_run else Mode.WRITE, cwd=Path.cwd())
    report = run(paths, settings)
    if not as_json and dry_run:
        print_diffs(report)
    finish(report, settings, as_json)


@app.command()
def check(paths: PathsArgument, as_json: JsonOption = False) -> None:
    """Write nothing; exit 1 when any file needs the fix (for CI)."""
    settings = Settings(mode=Mode.CHECK, cwd=Path.cwd())
    finish(run(paths, settings), settings, as_json)


def print_diffs(report: Report) -> None:
    console = Console(highlight=False)
    for result in report.results:
        if not result.diff:
            continue
        if not console.is_terminal:
            sys.stdout.write(result.diff)
            continue
        for line in result.diff.splitlines():
            console.print(line, style=_DIFF_STYLES.get(line[:1]), markup=False, soft_wrap=True)
    sys.stdout.flush()


def finish(report: Report, settings: Settings, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report_json(report, settings), indent=2))
    else:
        print_summary(report)
    raise typer.Exit(report.exit_code(checking=settings.mode is Mode.CHECK))


def report_json(report: Report, settings: Settings) -> dict:
    return {
        "mode": settings.mode.value,
        "files": [result.to_json() for result in report.results],
        "counts": {outcome.value: report.counts()[outcome] for outcome in Outcome},
        "skipped": dict(report.skipped),
        "exit_code": report.exit_code(checking=settings.mode is Mode.CHECK),
    }


def print_summary(report: Report) -> None:
    err = Console(stderr=True, highlight=False)
    for result in report.results:
        changes = f" (+{result.lines_added} -{result.lines_removed})" if result.lines_added or result.lines_removed else ""
        err.print(f"{result.outcome.value:>14}  {result.path}: {result.reason}{changes}", markup=False, soft_wrap=True)
    counts = report.counts()
    parts = [f"{counts[outcome]} {outcome.value}" for outcome in Outcome if counts[outcome]]
    err.print(f"jsfix: {len(report.results)} file(s): " + (", ".join(parts) or "nothing to do"), markup=False)


def main() -> None:
    app()
