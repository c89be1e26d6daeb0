"""Fork checkouts for the migration tests: git repositories with static/sessions.js, and runs in them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from conftest import FIXTURES, ROOT

MODULE = "tests/test_jsfix_issue1937_race.py"
HARNESS = "tests/jsfix_issue1937_harness.js"

# Who commits in the test repositories, and so who authors the patches jsfix writes there.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Fork Owner",
    "GIT_AUTHOR_EMAIL": "owner@example.invalid",
    "GIT_COMMITTER_NAME": "Fork Owner",
    "GIT_COMMITTER_EMAIL": "owner@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def fixture(case: str, name: str = "input.js") -> bytes:
    return (FIXTURES / case / name).read_bytes()


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        check=False,
    )
    assert completed.returncode == 0, f"git {' '.join(args)}: {completed.stderr}"
    return completed.stdout


def write_files(root: Path, files: dict[str, bytes | str]) -> Path:
    """`files` {path: bytes or text} below `root`, folders made as needed."""
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            (root / name).write_text(data, encoding="utf-8")
        else:
            (root / name).write_bytes(data)
    return root


def fork_folder(root: Path, js: bytes, *, fixed: str | None = None) -> Path:
    """A folder laid out like a fork, without git: `js` as static/sessions.js and, given `fixed`, its suite."""
    from jsfix.testgen import generate_suite

    suite = generate_suite(fixed).files if fixed is not None else ()
    return write_files(root, {"static/sessions.js": js, **{str(each.path): each.text for each in suite}})


def make_fork(root: Path, files: dict[str, bytes]) -> Path:
    """A git repository holding `files`, committed once."""
    root.mkdir(parents=True)
    write_files(root, files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "fork as cloned")
    return root


def commits(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s").splitlines()


def files_of_last_commit(repo: Path) -> list[str]:
    """`STATUS<TAB>PATH` for each file the last commit changed."""
    return git(repo, "show", "--format=", "--name-status", "HEAD").splitlines()


def tree(repo: Path) -> dict[str, bytes]:
    """The files committed at HEAD, by path, as git holds them."""
    names = git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
    return {
        name: subprocess.run(["git", "show", f"HEAD:{name}"], cwd=repo, capture_output=True, check=True).stdout
        for name in names
    }


def on_disk(repo: Path, names) -> dict[str, bytes]:
    return {name: (repo / name).read_bytes() for name in names}


def run_suite(repo: Path, module: str = MODULE) -> dict[str, str]:
    """Run the generated module with pytest in the fork: {test name: passed/failure/error/skipped}."""
    report = repo.parent / f"{repo.name}-report.xml"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         f"--rootdir={repo}", f"--junitxml={report}", module],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert report.exists(), completed.stdout + completed.stderr
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
        outcomes[case.get("name")] = outcome
    return outcomes


def snapshot_of_this_checkout(target: Path) -> Path:
    """This checkout's files as git would commit them now (tracked and new, not ignored), committed in `target`.

    Tools that install jsfix from a repository (pre-commit, pip) then see the
    code under test, uncommitted edits included, and never build in the checkout.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet staged is listed too
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "jsfix as checked out")
    return target


def suite_for(case: str):
    """The suite gen-tests writes for the fixture's fixed text (its test counts follow the harness)."""
    from jsfix.javascript.source import decode_source
    from jsfix.testgen import generate_suite

    return generate_suite(decode_source(fixture(case, "expected.js")).text)


def counts(case: str) -> str:
    """How the run's report counts the tests of that suite."""
    suite = suite_for(case)
    return f"{len(suite.structural)} structural and {len(suite.behavioural)} behavioural tests"
