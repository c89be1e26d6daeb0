"""The `jsfix` command: start node early for `jsfix verify FILE`, then run the command line.

For one JavaScript file to verify, node starts on its job at once
(jsfix.prestart), and the file is verified without the command line's
library (jsfix.verify.command), which would compete with node for the CPU.
Everything else goes straight to jsfix.cli.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    try:
        _run(sys.argv[1:])
    except BrokenPipeError:
        _reader_gone()


def _run(arguments: list[str]) -> None:
    if len(arguments) == 2 and arguments[0] == "verify" and _one_file(arguments[1]) and _start_early(arguments[1]):
        code = _verify_one(arguments[1])
        if code is not None:
            _exit_at_once(code)
    from jsfix.cli import main as command_line

    _collect_less_often()
    command_line()


def _collect_less_often() -> None:
    """A run makes many small acyclic records (tokens, heads, syntax trees): collecting every 700 allocations,
    and walking the command line's own modules each time, cost about 2% of a check over a fleet."""
    import gc

    gc.freeze()  # what the imports made so far stays: never walked again
    gc.set_threshold(7000, 10, 10)


def _one_file(argument: str) -> bool:
    return not argument.startswith("-") and argument.endswith(".js") and os.path.isfile(argument)


def _start_early(path: str) -> bool:
    """Start node on the job `jsfix verify` will send for this file (same checkout root as the file walk)."""
    from jsfix import prestart

    folder = os.path.dirname(os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path))
    root = prestart.checkout_root(folder) or os.path.dirname(os.path.abspath(path))
    return prestart.start(prestart.file_job(path, str(root)))


def _verify_one(path: str) -> int | None:
    """The exit code of `jsfix verify PATH`, run without the command line; None when the file walk skips it."""
    from pathlib import Path

    from jsfix.files.discover import select_files
    from jsfix.verify.command import verify_files

    selection = select_files([Path(path)])
    if not selection.files:
        return None  # the command line says why, as for any path
    return verify_files(selection.files, Path.cwd())[1]


def _exit_at_once(code: int) -> None:
    """Leave once the report is out: tearing the interpreter down took ~7 ms and changes nothing."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        raise  # main() stops quietly
    except OSError:
        sys.exit(code)  # another write error: let Python report it as it always does
    os._exit(code)


def _reader_gone() -> None:
    """The reader of the output went away (`jsfix verify x.js | head`): stop quietly, with the exit code 1
    click gives the other commands then, not a traceback."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's last flush would fail again
    sys.exit(1)
