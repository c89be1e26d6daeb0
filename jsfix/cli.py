"""The command line. The only module that knows about typer.

It turns options into one `Settings` value, calls the core, and prints:
diffs on standard output (so they can be piped to `git apply`), one line
per file and the summary on standard error. rich is imported only to colour
a diff on a terminal: plain lines need none of its start-up time.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from jsfix import __version__
from jsfix.files.discover import read_path_list
from jsfix.outcomes import (
    EXIT_NO_NODE,
    EXIT_USAGE,
    PROBLEMS,
    Outcome,
    Report,
    counted_outcomes,
    file_line,
)
from jsfix.settings import DEFAULT_JS, DEFAULT_OUT, Mode, Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Repair the hermes-webui #1937 endless-scroll vs Start-jump race.",
)

PathsArgument = Annotated[
    list[Path] | None, typer.Argument(help="Files or directories to work on.", show_default=False)
]
JsonOption = Annotated[
    str | None,
    typer.Option("--json", metavar="FILE", help="Write a machine-readable report to FILE ('-': standard output, instead of text)."),
]
FromFileOption = Annotated[
    str | None,
    typer.Option("--from-file", metavar="LIST", help="Also work on the paths in LIST, one a line ('-': standard input)."),
]
JobsOption = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Worker processes; 1 runs in this process.  [default: the machine's cores]", show_default=False),
]
PatchDirOption = Annotated[
    Path | None,
    typer.Option(
        "--patch-dir",
        metavar="DIR",
        file_okay=False,
        help="Write the fix as one git-am patch per git repository into DIR, and leave the files themselves unchanged.",
    ),
]
AuthorOption = Annotated[
    str | None,
    typer.Option(
        "--author",
        metavar="'NAME <EMAIL>'",
        help="The patches' author; by default whoever git would record in each repository (user.name and user.email).",
        show_default=False,
    ),
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Also list the files that needed nothing.")]
SummaryOption = Annotated[
    str | None,
    typer.Option("--summary", metavar="FILE", help="Write a Markdown table, one row per repository, to FILE ('-': standard output)."),
]

# Outcomes that need no attention: listed per file only with --verbose (or when the run has one file).
_QUIET = {Outcome.ALREADY_FIXED, Outcome.EQUIVALENT_FIX, Outcome.NOT_APPLICABLE}

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
    paths: PathsArgument = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the diff; write nothing.")] = False,
    as_json: JsonOption = None,
    from_file: FromFileOption = None,
    jobs: JobsOption = None,
    patch_dir: PatchDirOption = None,
    author: AuthorOption = None,
    verbose: VerboseOption = False,
    verify: Annotated[
        bool, typer.Option("--verify", help="Run the fixed functions under node first; write nothing on a violation.")
    ] = False,
    with_tests: Annotated[
        bool,
        typer.Option("--with-tests", help="Also write each repository's regression suite for its fixed static/sessions.js."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="With --with-tests: overwrite suite files jsfix wrote that were edited by hand (never a file jsfix did not write)."),
    ] = False,
    summary: SummaryOption = None,
) -> None:
    """Add the missing parts of the fix to the files.

    With --dry-run, print the diff instead; with --patch-dir, write it as patches
    for git am. Either way the files themselves are left unchanged.
    """
    if force and not with_tests:
        raise typer.BadParameter("--force needs --with-tests", param_hint="--force")
    if verify:
        require_node()
    # Patches are for `git am`, which needs the work tree as it was.
    mode = Mode.DRY_RUN if dry_run or patch_dir is not None else Mode.WRITE
    settings = fleet_settings(mode, jobs, patch_dir, author, verbose, verify=verify, with_tests=with_tests, force=force)
    gathered = gather_paths(paths, from_file)
    report = run_files(gathered, settings)
    if not report.results:
        nothing_found(gathered, from_file, report.skipped)
    if as_json != "-" and summary != "-" and dry_run:
        print_diffs(report)
    finish(report, settings, as_json, summary)


@app.command()
def check(
    paths: PathsArgument = None,
    as_json: JsonOption = None,
    from_file: FromFileOption = None,
    jobs: JobsOption = None,
    patch_dir: PatchDirOption = None,
    author: AuthorOption = None,
    verbose: VerboseOption = False,
    summary: SummaryOption = None,
) -> None:
    """Report the files that need the fix, changing none; exit 1 when any does (for CI).

    Only the reports asked for are written: --json, --summary, and with
    --patch-dir the patches apply would make.
    """
    settings = fleet_settings(Mode.CHECK, jobs, patch_dir, author, verbose)
    gathered = gather_paths(paths, from_file)
    report = run_files(gathered, settings)
    if not report.results:
        nothing_found(gathered, from_file, report.skipped)
    finish(report, settings, as_json, summary)


def run_files(paths: list[Path], settings: Settings) -> Report:
    from jsfix.files.fleet import (
        run,  # the plan and esprima: apply and check only, not verify
    )

    return run(paths, settings)


def fleet_settings(
    mode: Mode,
    jobs: int | None,
    patch_dir: Path | None,
    author: str | None,
    verbose: bool,
    *,
    verify: bool = False,
    **suite_options: bool,
) -> Settings:
    return Settings(
        mode=mode,
        verify=verify,
        **suite_options,
        jobs=jobs or available_cores(),
        patch_dir=patch_dir,
        author=author,
        cwd=Path.cwd(),
        progress=True,
        verbose=verbose,
    )


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def gather_paths(paths: list[Path] | None, from_file: str | None) -> list[Path]:
    gathered = list(paths or [])
    if from_file is not None:
        try:
            gathered += read_path_list(from_file)
        except OSError as error:
            raise typer.BadParameter(f"cannot read {from_file}: {error.strerror or error}", param_hint="--from-file") from None
    elif not gathered:
        raise typer.BadParameter("give files or directories, or --from-file LIST", param_hint="PATHS")
    return gathered


def print_diffs(report: Report) -> None:
    """Each file's diff, then the diffs of the suite written beside it."""
    suites = {suite.path: suite for suite in report.suites}
    diffs = []
    for result in report.results:
        if not result.diff:
            continue
        suite = suites.get(result.path)
        diffs.append(result.diff)
        if suite:
            diffs.extend(each.diff for each in suite.files if each.diff)
    if not sys.stdout.isatty():
        sys.stdout.write("".join(diffs))
        sys.stdout.flush()
        return
    from rich.console import Console  # colours, on a terminal only

    console = Console(highlight=False)
    for diff in diffs:
        for line in diff.splitlines():
            console.print(line, style=_DIFF_STYLES.get(line[:1]), markup=False, soft_wrap=True)


def say(line: str) -> None:
    """One line on standard error, as it is (no markup, no wrapping)."""
    sys.stderr.write(line + "\n")


def finish(report: Report, settings: Settings, json_target: str | None, summary_target: str | None = None) -> None:
    if json_target is not None:
        write_json(report_json(report, settings), json_target)
    if summary_target is not None:
        from jsfix.report.summary import markdown_summary

        write_text_to(markdown_summary(report, settings), summary_target, "the summary")
    if json_target != "-" and summary_target != "-":
        print_summary(report, settings)
    if report.patch_error:
        say(f"jsfix: no patch was written: {report.patch_error}")
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(report.exit_code(checking=settings.mode is Mode.CHECK))


def write_json(data: dict, target: str) -> None:
    import json  # only for --json

    write_text_to(json.dumps(data, indent=2) + "\n", target, "the JSON report")


def write_text_to(text: str, target: str, what: str) -> None:
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as error:
        say(f"jsfix: cannot write {what} to {target}: {error.strerror or error}")
        raise typer.Exit(EXIT_USAGE) from None


def report_json(report: Report, settings: Settings) -> dict:
    return {
        "mode": settings.mode.value,
        "files": [result.to_json() for result in report.results],
        "counts": {outcome.value: report.counts()[outcome] for outcome in Outcome},
        "skipped": dict(sorted(report.skipped.items())),
        "patches": report.patches,
        "suites": [suite.to_json() for suite in report.suites],
        "exit_code": report.exit_code(checking=settings.mode is Mode.CHECK),
    }


def print_summary(report: Report, settings: Settings) -> None:
    list_all = settings.verbose or len(report.results) == 1
    for result in report.results:
        if result.outcome in _QUIET and not list_all:
            continue
        changes = f" (+{result.lines_added} -{result.lines_removed})" if result.lines_added or result.lines_removed else ""
        say(file_line(result.outcome.value, result.path, result.reason + changes))
    say(f"jsfix: {len(report.results)} file(s): " + (counted_outcomes(report.results) or "nothing to do"))
    if report.skipped:
        skipped = ", ".join(f"{count} {kind}" for kind, count in sorted(report.skipped.items()))
        say(f"jsfix: skipped {skipped}")
    if len(report.results) > 1:
        # Like multi-gitter's closing lists: the files to look at, once the log has scrolled away.
        unsuccessful = [Outcome.WOULD_FIX] if settings.mode is Mode.CHECK else []
        for outcome in (*unsuccessful, *sorted(PROBLEMS, key=list(Outcome).index)):
            behind = [result for result in report.results if result.outcome is outcome]
            if behind:
                say(f"{outcome.value} ({len(behind)}):")
                for result in behind:
                    say(f"  {result.path}: {result.reason}")
    for suite in report.suites:
        say(f"jsfix: {suite.describe()}")
        for note in suite.notes:
            say(f"jsfix: note: {note}")
    if report.patches:
        say(f"jsfix: wrote {len(report.patches)} patch(es): " + ", ".join(report.patches.values()))
        say("jsfix: the files themselves are unchanged; apply each patch in its repository with git am")
    if settings.patch_dir is not None:
        outside = [result.path for result in report.results if result.diff and result.repo_root is None]
        if outside:
            say(f"jsfix: no patch for {len(outside)} file(s) outside git: " + ", ".join(outside))


def require_node() -> None:
    if shutil.which("node") is None:
        say(f"jsfix: node is not on PATH; the behavioural check needs it (exit {EXIT_NO_NODE})")
        raise typer.Exit(EXIT_NO_NODE)


@app.command()
def verify(paths: PathsArgument = None, as_json: JsonOption = None, from_file: FromFileOption = None) -> None:
    """Run each file's own two functions under node through every race scenario."""
    from jsfix.files.discover import select_files
    from jsfix.verify.command import verify_files

    require_node()
    gathered = gather_paths(paths, from_file)
    selection = select_files(gathered)
    if not selection.files:
        nothing_found(gathered, from_file, selection.skipped)
    entries, exit_code = verify_files(selection.files, Path.cwd(), quiet=as_json == "-")
    if as_json is not None:
        write_json({"files": entries, "exit_code": exit_code}, as_json)
    raise typer.Exit(exit_code)


def nothing_found(gathered: list[Path], from_file: str | None, skipped) -> None:
    """No JavaScript file under the paths given: say so, as ruff and black do, and stop (exit 2)."""
    where = ", ".join(path.as_posix() for path in gathered) or f"the list {from_file}"
    say(f"jsfix: no JavaScript file found in {where}")
    if skipped:
        say("jsfix: skipped " + ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items())))
    raise typer.Exit(EXIT_USAGE)


@app.command("gen-tests")
def gen_tests(
    repo: Annotated[Path, typer.Argument(help="The fork's checkout.")] = Path("."),
    js: Annotated[str, typer.Option("--js", help="The fixed file, relative to REPO.")] = DEFAULT_JS,
    out: Annotated[str, typer.Option("--out", help="The pytest module to write, relative to REPO.")] = DEFAULT_OUT,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite suite files jsfix wrote that were edited by hand (never a file jsfix did not write).")
    ] = False,
) -> None:
    """Write a regression suite fitted to the fixed file: structural tests and race scenarios."""
    from jsfix.files.gen_tests import GenSettings  # loads libcst for this command only
    from jsfix.files.gen_tests import gen_tests as generate

    report = generate(GenSettings(repo=repo, js=js, out=out, force=force, cwd=Path.cwd()))
    for line in report.lines():
        say(line)
    raise typer.Exit(report.exit_code)


def main() -> None:
    app()
