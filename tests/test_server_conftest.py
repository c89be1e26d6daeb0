"""A fork whose own conftest.py starts the app for every test run.

hermes-webui's conftest starts its server in a session-scoped autouse
fixture, so every test collected beside it, the generated suite included,
errors where that server cannot start. The generated suite uses no conftest
fixture; gen-tests prints, and the module's docstring carries, the command
that runs it on its own: `python -m pytest --noconftest <module>`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES

from jsfix.files.gen_tests import GenOutcome, GenSettings, gen_tests
from jsfix.testgen import DEFAULT_OUT

# In this project's words: a session fixture that needs a server nobody runs.
SERVER_CONFTEST = '''\
"""Starts the app once for the whole test session."""
import socket

import pytest


@pytest.fixture(scope="session", autouse=True)
def running_app():
    # Nothing listens on the discard port here: the connection is refused, or,
    # with no network at all, the address is unreachable.
    try:
        connection = socket.create_connection(("127.0.0.1", 9), timeout=2)
    except OSError as error:
        raise RuntimeError(f"the app is not running: {error}") from error
    with connection:
        yield
'''


def fork_with_server_conftest(root: Path) -> Path:
    (root / "static").mkdir(parents=True)
    (root / "static" / "sessions.js").write_bytes((FIXTURES / "upstream-parent" / "expected.js").read_bytes())
    (root / "tests").mkdir()
    (root / "tests" / "conftest.py").write_text(SERVER_CONFTEST, encoding="utf-8")
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return root


def pytest_in(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=root, capture_output=True, text=True, timeout=600, check=False,
    )


def test_the_documented_command_runs_the_suite_apart_from_a_server_conftest(tmp_path: Path):
    fork = fork_with_server_conftest(tmp_path / "fork")
    report = gen_tests(GenSettings(fork))
    assert report.outcome is GenOutcome.WROTE
    command = f"python -m pytest --noconftest {DEFAULT_OUT}"
    assert report.lines()[-1] == f"run it alone with: {command}"
    assert command in (fork / DEFAULT_OUT).read_text(encoding="utf-8")

    beside_the_server = pytest_in(fork, DEFAULT_OUT)
    assert beside_the_server.returncode != 0
    assert "the app is not running" in beside_the_server.stdout

    alone = pytest_in(fork, "--noconftest", DEFAULT_OUT)
    assert alone.returncode == 0, alone.stdout[-3000:]
    assert "error" not in alone.stdout.lower() and " passed" in alone.stdout
