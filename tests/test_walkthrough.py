"""The README's "Migrating many forks" commands, run as written on three fork clones."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from forkrepos import (
    GIT_ENV,
    HARNESS,
    MODULE,
    NODE,
    ROOT,
    commits,
    counts,
    files_of_last_commit,
    fixture,
    make_fork,
    suite_for,
    tree,
)

from jsfix.patches import SUBJECT

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="git and bash are needed"
)

FORKS = {"alice": "upstream-parent", "bob": "style-crlf", "carol": "fully-fixed"}


def walkthrough() -> str:
    """The first sh block of the README's "Migrating many forks" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Migrating many forks\n") :]
    return re.search(r"```sh\n(.*?)```\n", section, re.DOTALL)[1]


def test_the_walkthrough_migrates_every_fork_that_needs_it(tmp_path: Path):
    for name, case in FORKS.items():
        make_fork(tmp_path / "forks" / name, {"static/sessions.js": fixture(case)})
    environment = {
        **os.environ,
        **GIT_ENV,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # jsfix, python with pytest
        "SOURCE_DATE_EPOCH": "1767225600",
    }
    completed = subprocess.run(
        ["bash", "-c", walkthrough()], cwd=tmp_path, capture_output=True, text=True, env=environment,
        timeout=900, check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output  # the closing `jsfix check`: every fork has the fix
    assert completed.stdout.startswith("some forks need the fix\n"), output  # the first check exited 1
    assert sorted(path.name for path in (tmp_path / "patches").iterdir()) == ["forks__alice.patch", "forks__bob.patch"]
    for name in ("alice", "bob"):
        fork = tmp_path / "forks" / name
        assert commits(fork) == [SUBJECT, "fork as cloned"]
        assert files_of_last_commit(fork) == ["M\tstatic/sessions.js", f"A\t{HARNESS}", f"A\t{MODULE}"]
        assert tree(fork)["static/sessions.js"] == fixture(FORKS[name], "expected.js")  # CRLF kept for bob
    assert commits(tmp_path / "forks" / "carol") == ["fork as cloned"]
    suite = suite_for("upstream-parent")
    structural, behavioural = len(suite.structural), len(suite.behavioural)
    ran = f"{structural + behavioural} passed" if NODE else f"{structural} passed, {behavioural} skipped"
    assert re.findall(r"^(\d+ passed.*) in [\d.]+s$", completed.stdout, re.MULTILINE) == [ran, ran]
    before = (tmp_path / "before.md").read_text()
    assert [line.split(" | ")[:2] for line in before.splitlines() if line.startswith("| forks/")] == [
        ["| forks/alice", "would fix"],
        ["| forks/bob", "would fix"],
        ["| forks/carol", "already fixed"],
    ]
    summary = (tmp_path / "summary.md").read_text()
    assert "| forks/alice | would fix |" in summary and f"would write ({counts('upstream-parent')}) |" in summary
    review = (tmp_path / "review.diff").read_text()
    assert f"+++ b/forks/alice/{MODULE}\n" in review and f"+++ b/forks/bob/{HARNESS}\n" in review


def test_the_multi_gitter_script_exits_as_those_tools_expect(tmp_path: Path):
    """0 with changes (a pull request), 0 without (none), 5 with nothing written (the repository failed)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (make_script,) = [line for line in readme.splitlines() if line.startswith("printf '#!/bin/sh")]
    environment = {**os.environ, **GIT_ENV, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", make_script], cwd=tmp_path, env=environment, check=True)
    script = tmp_path / "migrate.sh"
    forks = {
        "needs": make_fork(tmp_path / "needs", {"static/sessions.js": fixture("parts-1-3-present")}),
        "fixed": make_fork(tmp_path / "fixed", {"static/sessions.js": fixture("fully-fixed")}),
        "kept": make_fork(
            tmp_path / "kept", {"static/sessions.js": fixture("upstream-parent"), HARNESS: b"// ours\n"}
        ),
    }
    seen = {}
    for name, fork in forks.items():
        exit_code = subprocess.run([str(script)], cwd=fork, env=environment, capture_output=True, check=False).returncode
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"], cwd=fork, capture_output=True, text=True, check=True
        ).stdout.splitlines()
        seen[name] = (exit_code, changed)
    assert seen == {
        "needs": (0, [" M static/sessions.js", f"?? {HARNESS}", f"?? {MODULE}"]),
        "fixed": (0, []),
        "kept": (5, []),
    }
