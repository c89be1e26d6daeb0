from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
NODE = shutil.which("node")
# The race scenarios run under node; without it these tests skip, as the fork's suite does.
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run_on_harness(script: str, payload: object, timeout: float = 300) -> object:
    """Run a node `script` that requires the harness (its path is process.argv[1]) on `payload` as JSON; its JSON answer."""
    from jsfix.verify import HARNESS

    done = subprocess.run(
        [NODE, "-e", script, str(HARNESS)], input=json.dumps(payload), capture_output=True, text=True,
        encoding="utf-8", timeout=timeout, check=True,
    )
    return json.loads(done.stdout)


@dataclass(frozen=True)
class Case:
    name: str
    directory: Path

    @property
    def input_bytes(self) -> bytes:
        return (self.directory / "input.js").read_bytes()

    @property
    def expected_bytes(self) -> bytes | None:
        path = self.directory / "expected.js"
        return path.read_bytes() if path.exists() else None

    @property
    def expected_outcome(self) -> dict | None:
        path = self.directory / "expected.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def all_cases() -> list[Case]:
    return [
        Case(path.name, path)
        for path in sorted(FIXTURES.iterdir())
        if (path / "input.js").exists() and ((path / "expected.js").exists() or (path / "expected.json").exists())
    ]


def must_fix_cases() -> list[Case]:
    return [case for case in all_cases() if case.expected_bytes is not None]


def outcome_cases() -> list[Case]:
    return [case for case in all_cases() if case.expected_outcome is not None]


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


def assert_only_insertions(text: str, plan) -> str:
    """Apply `plan` to `text`; check that taking its insertions out gives `text` back.

    jsfix only inserts, so every byte outside the edited spans is unchanged.
    Returns the fixed text.
    """
    assert all(edit.start == edit.end for edit in plan.edits)
    fixed = plan.apply(text)
    rebuilt = []
    shift = 0
    position = 0
    for edit in sorted(plan.edits, key=lambda each: each.start):
        rebuilt.append(fixed[position + shift : edit.start + shift])
        position = edit.start
        shift += len(edit.replacement)
    rebuilt.append(fixed[position + shift :])
    assert "".join(rebuilt) == text
    return fixed


# A local hermes-webui checkout (a clone or a bare git directory), for the
# tests that read upstream's own files; they skip without one.
UPSTREAM_MIRROR = Path(os.environ.get("JSFIX_HERMES_WEBUI", "/nonexistent"))


def upstream_file(revision: str) -> str | None:
    """static/sessions.js at an upstream revision, from the local checkout when there is one."""
    if not UPSTREAM_MIRROR.is_dir() or shutil.which("git") is None:
        return None
    shown = subprocess.run(
        ["git", "-C", str(UPSTREAM_MIRROR), "show", f"{revision}:static/sessions.js"],
        capture_output=True, check=False,
    )
    return shown.stdout.decode("utf-8-sig") if shown.returncode == 0 else None


@functools.cache
def package_index_problem() -> str | None:
    """Why pip cannot download jsfix's dependencies here (no route to the index), or None."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-cache-dir",
                 "--retries", "0", "--timeout", "15", "--dest", folder, "esprima-fork>=5.0"],
                capture_output=True, text=True, timeout=120, check=False,
            )
        except subprocess.TimeoutExpired:
            return "the package index did not answer within 120 s"
    if done.returncode == 0:
        return None
    last = [line for line in done.stderr.splitlines() if line.startswith("ERROR")][-1:] or ["pip failed"]
    return f"the package index cannot be reached, so jsfix's dependencies cannot be installed ({last[0]})"


@pytest.fixture(scope="session")
def package_index() -> None:
    """For tests that install jsfix and its dependencies: skipped, with the reason, without the index."""
    problem = package_index_problem()
    if problem is not None:
        pytest.skip(problem)
