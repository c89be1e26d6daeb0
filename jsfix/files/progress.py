"""A progress bar on standard error for long runs; nothing at all otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from jsfix.outcomes import FileResult

# Below this many files a run takes a few seconds at most: a bar would only flicker.
MIN_FILES_FOR_BAR = 20


@contextmanager
def progress_reporter(total: int, *, enabled: bool) -> Iterator[Callable[[FileResult], None]]:
    """A callback to call once per finished file. The bar shows only on a terminal."""
    if not enabled or total < MIN_FILES_FOR_BAR or not sys.stderr.isatty():
        yield lambda result: None
        return
    # Only when a bar is shown: rich costs start-up time.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("jsfix"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("files", total=total)
        yield lambda result: progress.advance(task)
