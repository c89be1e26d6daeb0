"""jsfix installed the way a fork maintainer installs it: a wheel, in a fresh virtualenv, outside this checkout.

The wheel must carry the JavaScript package data (the race harness that
`verify` and `gen-tests` run) and the support files the generated modules
copy, so the test runs apply, verify and gen-tests from that environment on
a fork in a temporary directory. Building and installing cost about 30 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import NODE
from forkrepos import (
    HARNESS,
    MODULE,
    fixture,
    make_fork,
    run_suite,
    snapshot_of_this_checkout,
    suite_for,
)

from jsfix import __version__

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(*command: str | Path, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, env=env, timeout=900, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = snapshot_of_this_checkout(tmp_path_factory.mktemp("jsfix-source"))
    dist = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source, cwd=dist)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("jsfix-*.whl")
    return wheel


@pytest.mark.slow
def test_the_wheel_carries_the_harness_and_the_support_files(wheel: Path):
    assert wheel.name == f"jsfix-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "jsfix/verify/harness.js",
        "jsfix/verify/parts/scenarios.json",
        "jsfix/testgen/support/scan.py",
        "jsfix/testgen/support/race.py",
    } <= names
    assert not any(name.startswith(("tests/", "fixtures/")) for name in names)


@pytest.mark.slow
@pytest.mark.network
def test_apply_verify_and_gen_tests_run_from_a_fresh_environment(wheel: Path, tmp_path: Path, package_index: None):
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    installed = run(venv / "bin/python", "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    jsfix = venv / "bin/jsfix"
    environment = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = run(venv / "bin/python", "-c", "import jsfix; print(jsfix.__file__)", cwd=tmp_path, env=environment)
    assert where.stdout.startswith(str(venv)), where.stdout  # this checkout is not on the path

    fork = make_fork(tmp_path / "fork", {"static/sessions.js": fixture("upstream-parent")})
    applied = run(jsfix, "apply", "static/sessions.js", cwd=fork, env=environment)
    assert applied.returncode == 0, applied.stderr
    assert (fork / "static/sessions.js").read_bytes() == fixture("upstream-parent", "expected.js")

    verified = run(jsfix, "verify", "static/sessions.js", cwd=fork, env=environment)
    if NODE is None:
        assert verified.returncode == 3
    else:
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert verified.stdout.startswith("static/sessions.js: holds\n")

    generated = run(jsfix, "gen-tests", cwd=fork, env=environment)
    assert generated.returncode == 0, generated.stderr
    assert generated.stderr.splitlines()[:2] == [f"wrote  {MODULE}", f"wrote  {HARNESS}"]
    outcomes = run_suite(fork)
    assert set(outcomes.values()) == ({"passed"} if NODE else {"passed", "skipped"})
    suite = suite_for("upstream-parent")
    assert sorted(outcomes) == sorted(suite.structural + suite.behavioural)

    # The migration's one step works from the wheel too.
    other = make_fork(tmp_path / "other", {"static/sessions.js": fixture("parts-1-3-present")})
    migrated = run(jsfix, "apply", "--with-tests", ".", cwd=other, env=environment)
    assert migrated.returncode == 0, migrated.stderr
    assert (other / MODULE).exists() and (other / HARNESS).exists()
