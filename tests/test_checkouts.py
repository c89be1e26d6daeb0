"""Shapes that span several files: ES modules, facades, a script cut into parts.

Each `fixtures/checkouts/<case>/tree/` is copied into a temporary directory;
`check` and `verify` run there as a fork maintainer would run them, and every
file's outcome, reason and race verdict must be exactly what
`<case>/expected.json` says. A file jsfix would fix must match its reviewed
output under `<case>/expected/`, and that output must hold.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, needs_node

from jsfix.files.process import process_file
from jsfix.outcomes import Outcome
from jsfix.settings import Mode, Settings
from jsfix.verify import Unverifiable, verify_path

CHECKOUTS = FIXTURES / "checkouts"
CASES = sorted(path.name for path in CHECKOUTS.iterdir() if (path / "expected.json").exists())


def checkout(case: str, tmp_path: Path) -> Path:
    root = tmp_path / case
    shutil.copytree(CHECKOUTS / case / "tree", root)
    (root / ".git").mkdir()  # the checkout's root, as relative imports must stay inside it
    return root


def expected(case: str) -> dict[str, dict]:
    return json.loads((CHECKOUTS / case / "expected.json").read_text(encoding="utf-8"))["files"]


@pytest.mark.parametrize("case", CASES)
def test_check_gives_every_file_its_expected_outcome(case: str, tmp_path: Path):
    root = checkout(case, tmp_path)
    files = sorted(path.relative_to(root).as_posix() for path in root.rglob("*.js"))
    assert files == sorted(expected(case))
    for name, wanted in expected(case).items():
        result = process_file(root / name, Settings(mode=Mode.CHECK, cwd=root))
        assert (result.outcome.value, result.reason) == (wanted["outcome"], wanted["reason"]), name


@needs_node
@pytest.mark.parametrize("case", CASES)
def test_verify_loads_the_state_modules_and_agrees_with_check(case: str, tmp_path: Path):
    root = checkout(case, tmp_path)
    for name, wanted in expected(case).items():
        if "verify" not in wanted:
            continue
        report = verify_path(root / name, root=root)
        assert (name, report.verdict) == (name, wanted["verify"]), report.describe()


@needs_node
@pytest.mark.parametrize("case", CASES)
def test_a_file_jsfix_fixes_matches_its_reviewed_output_and_holds(case: str, tmp_path: Path):
    root = checkout(case, tmp_path)
    for name, wanted in expected(case).items():
        if wanted["outcome"] != Outcome.WOULD_FIX.value:
            continue
        result = process_file(root / name, Settings(mode=Mode.WRITE, cwd=root))
        assert result.outcome is Outcome.FIXED, result.reason
        assert (root / name).read_bytes() == (CHECKOUTS / case / "expected" / name).read_bytes()
        assert verify_path(root / name, root=root).verdict == wanted["verify_after"]


@needs_node
def test_state_behind_an_import_that_cannot_be_loaded_is_unverifiable_not_violated(tmp_path: Path):
    root = checkout("esm-state-owner", tmp_path)
    (root / "static/modules/sessions/paging-state.js").unlink()
    with pytest.raises(Unverifiable) as raised:
        verify_path(root / "static/modules/sessions/older-pages.js", root=root)
    assert str(raised.value) == (
        "_loadOlderMessages in static/modules/sessions/older-pages.js reaches the paging state through "
        "'pagingState', and './paging-state.js' cannot be read (No such file or directory)"
    )


@needs_node
def test_an_import_that_leads_outside_the_checkout_is_not_followed(tmp_path: Path):
    root = checkout("esm-state-owner", tmp_path)
    sessions = root / "static/modules/sessions"
    inner = root / "static" / "inner"
    inner.mkdir()
    (sessions / "older-pages.js").rename(inner / "older-pages.js")
    text = (inner / "older-pages.js").read_text(encoding="utf-8").replace("'./", "'../modules/sessions/")
    (inner / "older-pages.js").write_text(text, encoding="utf-8")
    with pytest.raises(Unverifiable) as raised:
        verify_path(inner / "older-pages.js", root=inner)
    assert "'../modules/sessions/paging-state.js' leads outside the checkout" in str(raised.value)


def harness_extraction(path: Path) -> dict:
    from jsfix.verify import HARNESS
    from jsfix.verify.runner import harness_answers

    (answer,) = harness_answers({"file": str(path), "extractOnly": True}, 1, timeout=60, harness=HARNESS)
    assert answer["ok"], answer
    return answer["extraction"]


@needs_node
@pytest.mark.parametrize("case", CASES)
def test_the_harness_follows_the_imports_to_the_recorded_modules_and_code(case: str, tmp_path: Path):
    """The one extraction (jsfix verify's and the fork's) finds the modules and code recorded for each file."""
    root = checkout(case, tmp_path)
    recorded = json.loads((CHECKOUTS / case / "extraction.json").read_text(encoding="utf-8"))
    for name, wanted in expected(case).items():
        if "verify" not in wanted:
            continue
        ours = recorded[name]
        theirs = harness_extraction(root / name)
        assert theirs["modules"] == ours["modules"]
        assert (theirs["source"], theirs["entry"], theirs["kept"]) == (ours["source"], ours["entry"], ours["kept"])
        assert (theirs["declared"], theirs["free"], theirs["optional"]) == (ours["declared"], ours["free"], ours["optional"])
        assert theirs["state"] == ours["state"]


@needs_node
@pytest.mark.parametrize("case", ["esm-state-owner", "esm-binding-objects"])
def test_a_module_fork_gets_a_suite_that_passes(case: str, tmp_path: Path):
    import subprocess
    import sys

    from jsfix.files.gen_tests import GenSettings, gen_tests

    root = checkout(case, tmp_path)
    name = next(name for name, wanted in expected(case).items() if wanted.get("verify") == "holds")
    report = gen_tests(GenSettings(root, js=name))
    assert report.outcome.value == "wrote", report.message
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
