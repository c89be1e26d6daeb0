"""One wording per failure, under check, apply, verify and gen-tests, with its documented exit code.

Each command runs in a subprocess from a folder laid out like a fork, as a
user would type it. A file a command cannot work on gets the same line on
standard error whichever command met it, and nothing is written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, NODE

from jsfix.outcomes import EXIT_FOUND, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE

UNFIXED = (FIXTURES / "upstream-parent" / "input.js").read_bytes()
FIXED = (FIXTURES / "upstream-parent" / "expected.js").read_bytes()
FILE_COMMANDS = ["check", "apply", "verify"]


def jsfix(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jsfix", *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "COLUMNS": "250"},  # help on one line per option
    )


def snapshot(top: Path) -> dict[str, bytes]:
    return {path.relative_to(top).as_posix(): path.read_bytes() for path in sorted(top.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("command", [*FILE_COMMANDS, "gen-tests"])
def test_a_path_that_does_not_exist(tmp_path: Path, command: str):
    if command == "verify" and NODE is None:
        pytest.skip("verify needs node")
    done = jsfix(tmp_path, command, "nosuch/path")
    assert (done.returncode, done.stderr.splitlines()[0]) == (
        EXIT_PROBLEM,
        "       refused  nosuch/path: cannot be read: No such file or directory",
    )
    assert "Errno" not in done.stdout + done.stderr


LATIN_1 = "// caf\u00e9 au lait\n".encode("latin-1") + UNFIXED
LATIN_1_LINE = "       refused  static/sessions.js: is not valid UTF-8 (byte 0xe9 at offset 6)"


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_a_file_that_is_not_utf8(tmp_path: Path, command: str):
    if command == "verify" and NODE is None:
        pytest.skip("verify needs node")
    (tmp_path / "static").mkdir()
    (tmp_path / "static/sessions.js").write_bytes(LATIN_1)
    done = jsfix(tmp_path, command, "static/sessions.js")
    assert (done.returncode, done.stderr.splitlines()[0]) == (EXIT_PROBLEM, LATIN_1_LINE)
    assert "codec" not in done.stdout + done.stderr
    assert (tmp_path / "static/sessions.js").read_bytes() == LATIN_1


def test_gen_tests_on_a_file_that_is_not_utf8(tmp_path: Path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static/sessions.js").write_bytes(LATIN_1)
    done = jsfix(tmp_path, "gen-tests", ".")
    assert (done.returncode, done.stderr.splitlines()) == (EXIT_PROBLEM, [LATIN_1_LINE])
    assert not (tmp_path / "tests").exists()


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_a_folder_without_javascript_says_so_and_exits_2(tmp_path: Path, command: str):
    if command == "verify" and NODE is None:
        pytest.skip("verify needs node")
    (tmp_path / "empty" / "node_modules" / "dep").mkdir(parents=True)
    (tmp_path / "empty" / "node_modules" / "dep" / "index.js").write_bytes(UNFIXED)
    (tmp_path / "empty" / "README.md").write_text("# not a fork\n")
    before = snapshot(tmp_path)
    done = jsfix(tmp_path, command, "empty")
    assert (done.returncode, done.stderr.splitlines()) == (
        EXIT_USAGE,
        ["jsfix: no JavaScript file found in empty", "jsfix: skipped 1 dependency directory"],
    )
    assert snapshot(tmp_path) == before


def test_gen_tests_in_a_folder_without_the_file(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    done = jsfix(tmp_path, "gen-tests", "empty")
    assert (done.returncode, done.stderr.splitlines()) == (
        EXIT_PROBLEM,
        ["       refused  empty/static/sessions.js: cannot be read: No such file or directory"],
    )


BROKEN_UNRELATED = b"function render( {\n  return 1;\n"  # a syntax error, and neither function
BROKEN_CALLER = b"function onScroll() {\n  _loadOlderMessages();\n}\nfunction render( {\n"  # calls one, defines neither


@pytest.mark.parametrize("command", FILE_COMMANDS)
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BROKEN_UNRELATED, "neither target function is mentioned"),
        (BROKEN_CALLER, "neither _loadOlderMessages nor _ensureAllMessagesLoaded is defined"),
    ],
    ids=["unrelated", "caller"],
)
def test_a_syntax_error_in_a_file_with_neither_function_is_not_applicable(
    tmp_path: Path, command: str, data: bytes, reason: str
):
    if command == "verify" and NODE is None:
        pytest.skip("verify needs node")
    (tmp_path / "broken.js").write_bytes(data)
    done = jsfix(tmp_path, command, "broken.js")
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    assert done.stderr.splitlines()[0] == f"not applicable  broken.js: {reason}"
    assert (tmp_path / "broken.js").read_bytes() == data


def test_gen_tests_on_a_file_with_neither_function(tmp_path: Path):
    (tmp_path / "broken.js").write_bytes(BROKEN_CALLER)
    done = jsfix(tmp_path, "gen-tests", ".", "--js", "broken.js")
    assert (done.returncode, done.stderr.splitlines()) == (
        EXIT_PROBLEM,
        ["not applicable  broken.js: neither _loadOlderMessages nor _ensureAllMessagesLoaded is defined"],
    )
    assert not (tmp_path / "tests").exists()


# -- a fork whose path holds a line break, as git quotes it -------------------------------------------


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Fork Owner", "-c", "user.email=owner@example.invalid", "-c", "commit.gpgsign=false",
         *args],
        cwd=repo, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def odd_fork(tmp_path: Path) -> Path:
    fork = tmp_path / "forks" / "line\nbreak"
    (fork / "static").mkdir(parents=True)
    (fork / "static/sessions.js").write_bytes(UNFIXED)
    git(fork, "init", "-q")
    git(fork, "config", "user.name", "Fork Owner")
    git(fork, "config", "user.email", "owner@example.invalid")
    git(fork, "add", "-A")
    git(fork, "commit", "-q", "-m", "fork as cloned")
    return fork


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_a_line_break_in_a_folder_name_is_quoted_as_git_quotes_it(odd_fork: Path):
    forks = odd_fork.parent
    checked = jsfix(forks, "check", ".")
    assert checked.returncode == EXIT_FOUND, checked.stderr
    assert "     would fix  line\nbreak/static/sessions.js: adds " in checked.stderr
    diff = jsfix(forks, "apply", "--dry-run", ".")
    assert diff.returncode == EXIT_OK, diff.stderr
    assert diff.stdout.startswith('--- "a/line\\nbreak/static/sessions.js"\n+++ "b/line\\nbreak/static/sessions.js"\n')
    subprocess.run(["git", "apply", "--check", "-p2", "-"], cwd=odd_fork, input=diff.stdout, text=True, check=True)
    patched = jsfix(forks, "apply", "--patch-dir", "patches", ".")
    assert patched.returncode == EXIT_OK, patched.stderr
    assert "internal error" not in patched.stderr
    (patch,) = (forks / "patches").iterdir()
    assert patch.name == "line_break.patch"
    assert git(odd_fork, "status", "--porcelain") == ""  # patch mode leaves the tree as it was
    git(odd_fork, "am", "-q", str(patch))
    assert (odd_fork / "static/sessions.js").read_bytes() == FIXED
    if NODE is not None:
        assert jsfix(forks, "verify", ".").returncode == EXIT_OK
    assert jsfix(odd_fork, "gen-tests").returncode == EXIT_OK


# -- help and behaviour agree ------------------------------------------------------------------------


def test_check_says_it_changes_no_file_and_patch_dir_leaves_the_files_alone(tmp_path: Path):
    help_text = " ".join(jsfix(tmp_path, "check", "--help").stdout.split())
    assert "changing none" in help_text and "the patches apply would make" in help_text
    apply_help = " ".join(jsfix(tmp_path, "apply", "--help").stdout.split())
    assert "leave the files themselves unchanged" in apply_help
    (tmp_path / "sessions.js").write_bytes(UNFIXED)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "fork")
    for command in ("check", "apply"):
        done = subprocess.run(
            [sys.executable, "-m", "jsfix", command, "--patch-dir", f"patches-{command}", "--author", "A <a@b.invalid>",
             "sessions.js"],
            cwd=tmp_path, capture_output=True, text=True, check=False,
        )
        assert done.returncode == (EXIT_FOUND if command == "check" else EXIT_OK), done.stderr
        assert (tmp_path / "sessions.js").read_bytes() == UNFIXED
        assert [path.name for path in (tmp_path / f"patches-{command}").iterdir()] == [f"{tmp_path.name}.patch"]
