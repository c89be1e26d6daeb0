"""A Markdown summary of a run, one row per repository (`--summary FILE`).

Made to be pasted into a pull-request body or appended to a CI step summary
(`$GITHUB_STEP_SUMMARY`): a heading, a table with the outcome, the parts of
the fix added, the lines changed and the suite of every repository, a line of
totals, and the files behind any refusal or failure. A file outside git has
a row of its own, named by its path.
"""

from __future__ import annotations

from pathlib import Path

from jsfix.outcomes import PROBLEMS, FileResult, Outcome, Report, counted_outcomes
from jsfix.settings import Mode, Settings

_COMMANDS = {Mode.CHECK: "jsfix check", Mode.DRY_RUN: "jsfix apply --dry-run", Mode.WRITE: "jsfix apply"}
_NONE = "—"


def markdown_summary(report: Report, settings: Settings) -> str:
    rows = group_by_repository(report.results)
    suites: dict[str, list] = {}
    for suite in report.suites:
        suites.setdefault(suite.path, []).append(suite)
    lines = [
        f"### {_COMMANDS[settings.mode]}: #1937 endless-scroll vs Start-jump race",
        "",
        "| Repository | Outcome | Parts added | Lines | Suite |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, results in rows.items():
        cells = [
            repository_label(name, results, settings.cwd),
            outcome_cell(results),
            parts_cell(results),
            lines_cell(results),
            suite_cell([suite for result in results for suite in suites.get(result.path, [])]),
        ]
        lines.append("| " + " | ".join(escape(cell) for cell in cells) + " |")
    lines += ["", totals(report.results)]
    problems = [result for result in report.results if result.outcome in PROBLEMS]
    if problems:
        lines.append("")
        lines += [f"- `{result.path}` {result.outcome.value}: {escape(result.reason)}" for result in problems]
    return "\n".join(lines) + "\n"


def group_by_repository(results: list[FileResult]) -> dict[object, list[FileResult]]:
    """Results by repository root, in the report's order; a file outside git is a group of its own."""
    groups: dict = {}
    for result in results:
        groups.setdefault(result.repo_root if result.repo_root is not None else ("file", result.path), []).append(result)
    return groups


def repository_label(key, results: list[FileResult], cwd: Path) -> str:
    if isinstance(key, tuple):
        return f"{results[0].path} (not in git)"
    if key == ".":
        return Path(cwd).resolve().name or key  # run inside the fork: its folder name reads better than "."
    return key


def outcome_cell(results: list[FileResult]) -> str:
    """The outcome, or each with its count; files the fix has nothing to do with are left out of it."""
    relevant = [result for result in results if result.outcome is not Outcome.NOT_APPLICABLE] or results
    if len(relevant) == 1:
        return relevant[0].outcome.value
    return counted_outcomes(relevant)


def parts_cell(results: list[FileResult]) -> str:
    parts = list(dict.fromkeys(part for result in results if result.diff for part in result.parts))
    return ", ".join(parts) or _NONE


def lines_cell(results: list[FileResult]) -> str:
    added = sum(result.lines_added for result in results)
    removed = sum(result.lines_removed for result in results)
    return f"+{added} -{removed}" if added or removed else _NONE


def suite_cell(suites: list) -> str:
    cells = []
    for suite in suites:
        if suite.reason:
            cells.append(f"none for {suite.path}" if suite.repo_root is not None else "none (not in git)")
        else:
            cells.append(f"{suite.status.value} ({suite.counts})")
    return "; ".join(cells) or _NONE


def totals(results: list[FileResult]) -> str:
    repositories = len({result.repo_root for result in results if result.repo_root is not None})
    outside = sum(result.repo_root is None for result in results)
    outcomes = counted_outcomes(results)
    where = f"{len(results)} file(s) in {repositories} repositor{'y' if repositories == 1 else 'ies'}"
    if outside:
        where += f" and {outside} outside git"
    return f"{where}: {outcomes or 'nothing to do'}"


def escape(cell: str) -> str:
    """A cell's text on one line, with the pipes that would end the cell escaped."""
    return " ".join(cell.split()).replace("|", "\\|")
