"""scripts/regen_expected.py proposes expected data as a diff and writes only the cases named after review."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

SCRIPT = ROOT / "scripts" / "regen_expected.py"


@pytest.fixture
def script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The script, reading a copy of two fixtures; one expected.js is stale."""
    for case in ("upstream-parent", "fully-fixed"):
        shutil.copytree(FIXTURES / case, tmp_path / case)
    stale = tmp_path / "upstream-parent" / "expected.js"
    stale.write_bytes(stale.read_bytes().replace(b"_bumpMessagesGeneration();", b"/* stale */", 1))
    spec = importlib.util.spec_from_file_location("regen_expected", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "FIXTURES", tmp_path)
    return module


def test_it_prints_the_diff_and_writes_nothing(script, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    assert script.main([]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("--- a/fixtures/upstream-parent/expected.js\n+++ b/fixtures/upstream-parent/expected.js\n")
    assert re.search(r"^-\s*/\* stale \*/", out, re.MULTILINE) and "fully-fixed" not in out
    assert err == "1 of 2 case(s) would change\n"
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before


def test_it_writes_only_the_cases_named(script, tmp_path: Path):
    with pytest.raises(SystemExit):
        script.main(["--write"])
    assert script.main(["--write", "upstream-parent"]) == 0
    assert (tmp_path / "upstream-parent" / "expected.js").read_bytes() == (
        FIXTURES / "upstream-parent" / "expected.js"
    ).read_bytes()
    assert script.main([]) == 0


def test_the_committed_expected_outputs_are_what_jsfix_makes(capsys: pytest.CaptureFixture[str]):
    spec = importlib.util.spec_from_file_location("regen_expected", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([]) == 0, capsys.readouterr().out
