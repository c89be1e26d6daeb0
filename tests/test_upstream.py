"""Against upstream's own fix, when a hermes-webui checkout is at hand.

Set JSFIX_HERMES_WEBUI to a checkout (a clone or a bare git directory) to
run it; it is skipped otherwise, since the repo never carries upstream files.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

CHECKOUT = os.environ.get("JSFIX_HERMES_WEBUI")
pytestmark = [pytest.mark.upstream, pytest.mark.slow]
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_upstream.py"


@pytest.mark.skipif(not CHECKOUT, reason="set JSFIX_HERMES_WEBUI to a hermes-webui checkout")
def test_jsfix_reproduces_upstreams_fix_and_passes_its_tests(capsys):
    spec = importlib.util.spec_from_file_location("check_upstream", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.check(Path(CHECKOUT)) is True
    printed = capsys.readouterr().out
    assert "same syntax tree as fb822239:static/sessions.js: yes" in printed
    assert "12 passed" in printed


HISTORY = Path(__file__).resolve().parent.parent / "scripts" / "check_history.py"


@pytest.mark.skipif(not CHECKOUT, reason="set JSFIX_HERMES_WEBUI to a hermes-webui checkout")
def test_check_and_verify_agree_on_every_upstream_version(capsys, monkeypatch):
    """Every blob of static/sessions.js from any ref: no refusal, no disagreement (slow: minutes)."""
    spec = importlib.util.spec_from_file_location("check_history", HISTORY)
    module = importlib.util.module_from_spec(spec)
    # Its worker processes find the blob judge by module name.
    monkeypatch.setitem(sys.modules, "check_history", module)
    spec.loader.exec_module(module)
    rows = module.survey(CHECKOUT, verify=True, jobs=os.cpu_count() or 1)
    print("\n".join(module.summary(rows)))
    assert [row for row in rows if row["check"] == "refused"] == []
    assert [(row["blob"], row["problem"]) for row in rows if row["problem"]] == []
