"""The pre-commit hooks in .pre-commit-hooks.yaml, run the way a fork runs them: `pre-commit try-repo`.

try-repo clones this repository, makes a virtualenv and pip-installs jsfix
into it, in a store of its own that it deletes afterwards (PRE_COMMIT_HOME
does not keep it), so every run costs an install: about 20 s here. Two runs
are all the test needs: a commit with an unfixed file, where both hooks fail,
and one with the fixed file, where both pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NODE, ROOT
from forkrepos import fixture, git, make_fork, snapshot_of_this_checkout

pre_commit = pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CHECK = "jsfix check (#1937 race fix present)"
VERIFY = "jsfix verify (#1937 race scenarios under node)"


def test_the_manifest_is_valid_and_matches_only_sessions_js():
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert sorted(hooks) == ["jsfix-check", "jsfix-verify"]
    assert (hooks["jsfix-check"]["entry"], hooks["jsfix-verify"]["entry"]) == ("jsfix check", "jsfix verify")
    for hook in hooks.values():
        matches = [name for name in ("static/sessions.js", "sessions.js", "a/b/sessions.js", "static/sessions.json",
                                     "static/mysessions.js", "sessions.js.bak") if re.search(hook["files"], name)]
        assert matches == ["static/sessions.js", "sessions.js", "a/b/sessions.js"]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return snapshot_of_this_checkout(tmp_path_factory.mktemp("jsfix-hooks"))


def try_repo(fork: Path, hook_repo: Path, home: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo)],
        cwd=fork, capture_output=True, text=True, env=environment, timeout=900, check=False,
    )


def hook_lines(output: str) -> dict[str, str]:
    """{hook name: Passed/Failed/Skipped} from pre-commit's status lines."""
    found = {}
    for line in output.splitlines():
        match = re.fullmatch(r"(?P<name>.+?)\.+(?:\(no files to check\))?(?P<status>Passed|Failed|Skipped)", line)
        if match:
            found[match["name"]] = match["status"]
    return found


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.skipif(NODE is None, reason="jsfix-verify needs node")
def test_the_hooks_fail_on_an_unfixed_sessions_js_and_pass_once_it_is_fixed(
    hook_repo: Path, tmp_path: Path, package_index: None
):
    fork = make_fork(tmp_path / "fork", {"static/sessions.js": b"", "app.js": b"let unrelated = 1;\n"})
    (fork / "static/sessions.js").write_bytes(fixture("upstream-parent"))
    (fork / "app.js").write_text("let unrelated = 2;\n")
    git(fork, "add", "-A")  # what a commit would hold: both files changed

    failing = try_repo(fork, hook_repo, tmp_path / "home")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert hook_lines(failing.stdout) == {CHECK: "Failed", VERIFY: "Failed"}
    check_output = failing.stdout[failing.stdout.index("- hook id: jsfix-check") : failing.stdout.index(VERIFY)]
    assert "- exit code: 1\n" in check_output
    # Only the changed sessions.js reached jsfix, not app.js.
    assert "jsfix: 1 file(s): 1 would fix\n" in check_output
    assert "static/sessions.js: VIOLATED (" in failing.stdout

    (fork / "static/sessions.js").write_bytes(fixture("upstream-parent", "expected.js"))
    git(fork, "add", "-A")
    passing = try_repo(fork, hook_repo, tmp_path / "home")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert hook_lines(passing.stdout) == {CHECK: "Passed", VERIFY: "Passed"}
