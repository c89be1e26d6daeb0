"""A one-file run imports only what it uses: no rich, libcst or node code for plain output."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURES

HEAVY = ("rich", "libcst", "jsfix.verify", "jsfix.testgen", "jsfix.report.patches", "concurrent.futures")


def imported_by(*args: str) -> set[str]:
    """Top modules and jsfix modules that `python -X importtime -m jsfix ARGS` imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "jsfix", *args], capture_output=True, text=True, timeout=120, check=False
    )
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            names.add(name)
    return names


def heavy_among(names: set[str]) -> list[str]:
    return sorted(name for name in names if any(name == each or name.startswith(each + ".") for each in HEAVY))


def test_a_dry_run_on_one_file_loads_no_heavy_module():
    names = imported_by("apply", "--dry-run", str(FIXTURES / "upstream-parent" / "input.js"))
    assert "jsfix.files.process" in names and "tree_sitter" in names  # the run did its work
    assert heavy_among(names) == []


def test_check_of_a_file_without_the_targets_loads_neither_rich_nor_tree_sitter():
    names = imported_by("check", str(FIXTURES / "no-targets" / "input.js"))
    assert "jsfix.cli" in names
    assert heavy_among(names) == [] and "tree_sitter" not in names
