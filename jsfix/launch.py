"""The `jsfix` command: start node early for `jsfix verify FILE`, then run the command line.

For one JavaScript file to verify, node starts on its job before Python
imports the command line (jsfix.prestart), so the two start side by side.
Everything else goes straight to jsfix.cli.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    arguments = sys.argv[1:]
    if len(arguments) == 2 and arguments[0] == "verify" and _one_file(arguments[1]):
        _start_early(arguments[1])
    from jsfix.cli import main as command_line

    command_line()


def _one_file(argument: str) -> bool:
    return not argument.startswith("-") and argument.endswith(".js") and os.path.isfile(argument)


def _start_early(path: str) -> None:
    """Start node on the job `jsfix verify` will send for this file (same checkout root as the file walk)."""
    from jsfix import prestart
    from jsfix.paths import find_repo_root

    folder = os.path.dirname(os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path))
    root = find_repo_root(folder) or os.path.dirname(os.path.abspath(path))
    prestart.start(prestart.file_job(path, str(root)))
