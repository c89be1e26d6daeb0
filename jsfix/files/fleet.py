"""Running many files at once: worker processes, one report, one patch per repository.

`run` chooses the files (jsfix.files.discover), runs `process_file` on each (in
this process with one job, else in a pool of forked workers, largest files
first so the pool finishes together), and returns the results sorted by
path whatever order the workers finished in. A worker never raises; if a
worker process dies, the files the pool had not finished are run again one
process each, so only the file that kills its worker is reported as failed.
Under `with_tests` the suites of the fixed files are generated in this
process once the workers are done (jsfix.files.suites).
"""

from __future__ import annotations

import signal
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from jsfix.files.discover import Candidate, select_files
from jsfix.files.process import process_file
from jsfix.files.progress import progress_reporter
from jsfix.outcomes import FileResult, Outcome, Report
from jsfix.paths import display_path
from jsfix.settings import Settings

if TYPE_CHECKING:
    from concurrent.futures import Future

    from jsfix.files.suites import SuiteResult
    from jsfix.report.patches import FileChange

# The pool, the patch writer and the progress bar are imported when a run needs
# them: a one-file run (an editor hook, a CI step) pays only for what it uses.


def run(paths: Iterable[Path], settings: Settings) -> Report:
    selection = select_files(paths)
    report = Report(skipped=selection.skipped)
    if settings.with_tests:
        # Loads libcst, for this option only.
        from jsfix.files.suites import process_with_suites

        results, report.suites = process_with_suites(selection.files, settings, process_all)
    else:
        results = process_all(selection.files, settings)
    report.results = [_with_repository(result, each, settings) for each, result in zip(selection.files, results)]
    # Sorted as reported (relative to the working directory), whatever order the paths came in.
    order = sorted(range(len(report.results)), key=lambda index: report.results[index].path)
    report.results = [report.results[index] for index in order]
    files = [selection.files[index] for index in order]
    if settings.patch_dir is not None:
        _write_patches(report, files, settings)
    return report


def _write_patches(report: Report, files: list[Candidate], settings: Settings) -> None:
    from jsfix.report.patches import NoAuthor, write_patches

    try:
        written = write_patches(
            changes_by_repository(files, report.results, report.suites),
            settings.patch_dir,
            settings.cwd,
            {suite.root: suite.patch_note() for suite in report.suites if suite.changed},
            settings.author,
        )
    except NoAuthor as error:
        report.patch_error = str(error)
        return
    report.patches = {display_path(root, settings.cwd): display_path(patch, settings.cwd) for root, patch in written.items()}


def _with_repository(result: FileResult, candidate: Candidate, settings: Settings) -> FileResult:
    """The result with its repository root, and sha256_after even for a file left as it was."""
    root = display_path(candidate.repo_root, settings.cwd) if candidate.repo_root else None
    after = result.sha256_after if result.sha256_after is not None else result.sha256_before
    return replace(result, repo_root=root, sha256_after=after)


def process_all(files: list[Candidate], settings: Settings) -> list[FileResult]:
    """One result per file, in the order of `files`."""
    jobs = max(1, min(settings.jobs, len(files)))
    if jobs > 1:
        return _process_in_pool(files, settings, jobs)
    results = []
    with progress_reporter(len(files), enabled=settings.progress) as advance:
        for each in files:
            results.append(process_file(each.path, settings))
            advance(results[-1])
    return results


def _process_in_pool(files: list[Candidate], settings: Settings, jobs: int) -> list[FileResult]:
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    results: list[FileResult | None] = [None] * len(files)
    orphans = []  # files whose worker pool broke under them, whoever caused it
    executor = _new_pool(jobs)
    try:
        futures: dict[Future, int] = {}
        for index in sorted(range(len(files)), key=lambda index: -_size(files[index].path)):
            futures[executor.submit(process_file, files[index].path, settings)] = index
        # The bar starts after the workers are forked, so they inherit none of its threads.
        with progress_reporter(len(files), enabled=settings.progress) as advance:
            for future in as_completed(futures):
                index = futures[future]
                try:
                    results[index] = future.result()
                except BrokenProcessPool:
                    orphans.append(index)
                    continue
                except Exception as error:  # noqa: BLE001  # the file never reached a worker
                    results[index] = _worker_failed(files[index].path, settings, error)
                advance(results[index])
            executor.shutdown(wait=True)
            # One process per file from here: only the file that kills its worker fails.
            for index in sorted(orphans):
                results[index] = _process_alone(files[index].path, settings)
                advance(results[index])
    except BaseException:  # Ctrl-C: let running files finish (writes are atomic), start no more
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    return results  # type: ignore[return-value]  # every index was filled


def _new_pool(jobs: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Fork: the workers start with jsfix and the parser already imported.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_ignore_interrupts)


def _process_alone(path: Path, settings: Settings) -> FileResult:
    with _new_pool(1) as executor:
        future = executor.submit(process_file, path, settings)
        try:
            return future.result()
        except Exception as error:  # noqa: BLE001  # the worker process died (killed, out of memory)
            return _worker_failed(path, settings, error)


def _worker_failed(path: Path, settings: Settings, error: Exception) -> FileResult:
    reason = f"internal error: the worker process stopped ({type(error).__name__}: {error})"
    return FileResult(display_path(path, settings.cwd), Outcome.FAILED, reason)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops handing out files."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def changes_by_repository(
    files: list[Candidate], results: list[FileResult], suites: Iterable[SuiteResult] = ()
) -> dict[Path, list[FileChange]]:
    """The diffs to put in patches, grouped by git repository. Files outside git get no patch."""
    from jsfix.report.patches import FileChange

    grouped: dict[Path, list[FileChange]] = {}
    for each, result in zip(files, results):
        if not result.diff or each.repo_root is None or result.outcome not in (Outcome.FIXED, Outcome.WOULD_FIX):
            continue
        change = FileChange(
            each.path_in_repository(),
            result.diff,
            result.parts,
            result.lines_added,
            result.lines_removed,
        )
        grouped.setdefault(each.repo_root, []).append(change)
    for suite in suites:  # only fixed files have one with files in it
        for file in suite.files:
            if file.diff and suite.root in grouped:
                change = FileChange(file.path_in_repo, file.diff, (), file.lines_added, file.lines_removed, file.new_file)
                grouped[suite.root].append(change)
    return grouped

