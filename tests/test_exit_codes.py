"""The exit-code table, code by code, for every command that can end with it.

0 nothing to do, written, or holds; 1 `check` found work or `verify` found a
violation; 2 a usage error; 3 node missing where it is needed; 4 `verify`
could not model a file; 5 a file was refused or failed and nothing was
written for it. The commands run in a subprocess, as a script would run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, needs_node

from jsfix.outcomes import (
    EXIT_FOUND,
    EXIT_NO_NODE,
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_UNVERIFIABLE,
    EXIT_USAGE,
    most_serious,
)

UNFIXED = (FIXTURES / "upstream-parent" / "input.js").read_bytes()
FIXED = (FIXTURES / "upstream-parent" / "expected.js").read_bytes()
HALF = b"async function _ensureAllMessagesLoaded() {}\n"  # one target only: refused
LATIN_1 = "// caf\u00e9\nasync function _loadOlderMessages() {}\n".encode("latin-1")


def jsfix(cwd: Path, *args: str, env: dict | None = None) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "jsfix", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False, env=env,
    )
    return done.returncode


def repo_with(tmp_path: Path, data: bytes) -> Path:
    (tmp_path / "static").mkdir(exist_ok=True)
    (tmp_path / "static" / "sessions.js").write_bytes(data)
    return tmp_path


def without_node() -> dict:
    """The environment with a PATH that has Python but no node."""
    bin_dir = Path(sys.executable).parent
    return {**os.environ, "PATH": str(bin_dir)} if shutil.which("node", path=str(bin_dir)) is None else {}


@pytest.mark.parametrize(
    ("args", "data", "code"),
    [
        (["apply", "static/sessions.js"], UNFIXED, EXIT_OK),  # written
        (["apply", "static/sessions.js"], FIXED, EXIT_OK),  # nothing to do
        (["apply", "--dry-run", "static/sessions.js"], UNFIXED, EXIT_OK),
        (["apply", "--no-such-option", "static/sessions.js"], FIXED, EXIT_USAGE),
        (["apply", "static/sessions.js"], HALF, EXIT_PROBLEM),
        (["check", "static/sessions.js"], FIXED, EXIT_OK),
        (["check", "static/sessions.js"], UNFIXED, EXIT_FOUND),
        (["check"], FIXED, EXIT_USAGE),
        (["check", "static/sessions.js"], HALF, EXIT_PROBLEM),
        (["gen-tests", "."], FIXED, EXIT_OK),
        (["gen-tests", ".", "--no-such-option"], FIXED, EXIT_USAGE),
        (["gen-tests", "."], UNFIXED, EXIT_PROBLEM),  # not fixed yet: refused
    ],
)
def test_apply_check_and_gen_tests(tmp_path: Path, args: list[str], data: bytes, code: int):
    assert jsfix(repo_with(tmp_path, data), *args) == code


@needs_node
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (FIXED, EXIT_OK),  # holds
        (b"function renderSidebar() {}\n", EXIT_OK),  # not applicable: nothing to run
        (UNFIXED, EXIT_FOUND),  # violated
        (HALF, EXIT_PROBLEM),  # one function alone: refused, as check refuses it
        (LATIN_1, EXIT_PROBLEM),  # not UTF-8: refused, as check refuses it
        (b"\xff\xfe not text", EXIT_OK),  # names neither function: not applicable, as for check
    ],
)
def test_verify(tmp_path: Path, data: bytes, code: int):
    assert jsfix(repo_with(tmp_path, data), "verify", "static/sessions.js") == code


@needs_node
def test_verify_of_a_module_whose_state_cannot_be_loaded_is_unverifiable(tmp_path: Path):
    tree = FIXTURES / "checkouts" / "esm-state-owner" / "tree"
    shutil.copytree(tree, tmp_path, dirs_exist_ok=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "static/modules/sessions/paging-state.js").unlink()
    assert jsfix(tmp_path, "verify", "static/modules/sessions/older-pages.js") == EXIT_UNVERIFIABLE


def test_verify_usage_error(tmp_path: Path):
    assert jsfix(repo_with(tmp_path, FIXED), "verify", "--no-such-option") == EXIT_USAGE


def test_node_missing_for_verify_and_apply_verify(tmp_path: Path):
    env = without_node()
    if not env:
        pytest.skip("node sits beside this Python; cannot hide it")
    repo = repo_with(tmp_path, UNFIXED)
    assert jsfix(repo, "verify", "static/sessions.js", env=env) == EXIT_NO_NODE
    assert jsfix(repo, "apply", "--verify", "static/sessions.js", env=env) == EXIT_NO_NODE
    assert (repo / "static" / "sessions.js").read_bytes() == UNFIXED


def test_the_most_serious_code_wins():
    assert most_serious([]) == EXIT_OK
    assert most_serious([EXIT_FOUND, EXIT_OK]) == EXIT_FOUND
    assert most_serious([EXIT_FOUND, EXIT_UNVERIFIABLE]) == EXIT_UNVERIFIABLE
    assert most_serious([EXIT_UNVERIFIABLE, EXIT_PROBLEM, EXIT_FOUND]) == EXIT_PROBLEM
    assert most_serious([EXIT_PROBLEM, EXIT_NO_NODE]) == EXIT_NO_NODE


@needs_node
@pytest.mark.parametrize(
    "args", [("verify", "sessions.js"), ("apply", "--dry-run", "sessions.js")], ids=["verify (launcher)", "apply (command line)"]
)
def test_a_reader_gone_stops_every_command_quietly_with_1(tmp_path: Path, args: tuple[str, ...]):
    # `jsfix ... | head`: the read end is closed before jsfix writes.
    (tmp_path / "sessions.js").write_bytes(UNFIXED if args[0] == "apply" else FIXED)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "jsfix", *args], cwd=tmp_path, stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, "")
    assert (tmp_path / "sessions.js").read_bytes() == (UNFIXED if args[0] == "apply" else FIXED)
