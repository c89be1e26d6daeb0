"""`jsfix verify` and `jsfix apply --verify` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, needs_node
from typer.testing import CliRunner

from jsfix import cli, verify
from jsfix.outcomes import EXIT_FOUND, EXIT_NO_NODE, EXIT_PROBLEM, EXIT_UNVERIFIABLE
from jsfix.verify import verify_file as verify_files

runner = CliRunner()
PARENT = FIXTURES / "upstream-parent"


@needs_node
def test_verify_shows_the_breaking_schedule_of_the_unfixed_file():
    result = runner.invoke(cli.app, ["verify", str(PARENT / "input.js")])
    assert result.exit_code == EXIT_FOUND
    assert "violated  prefetch-then-start-jump: prefetch in flight, then Start-jump: 36 duplicate rows" in result.stdout
    assert "      4. prefetch response: 36 duplicate rows" in result.stdout
    assert "session B shows 90 messages of session A" in result.stdout


@needs_node
def test_verify_holds_on_the_fixed_file_with_a_json_report(tmp_path: Path):
    report_path = tmp_path / "report.json"
    result = runner.invoke(cli.app, ["verify", str(PARENT / "expected.js"), "--json", str(report_path)])
    assert result.exit_code == 0, result.stdout
    report = json.loads(report_path.read_text())
    assert [each["holds"] for each in report["files"]] == [True]
    assert all(scenario["holds"] for scenario in report["files"][0]["scenarios"])


def test_verify_without_node_says_so_with_its_own_exit_code(monkeypatch):
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    result = runner.invoke(cli.app, ["verify", str(PARENT / "expected.js")])
    assert result.exit_code == EXIT_NO_NODE
    assert "node is not on PATH" in result.stderr


def test_plain_apply_does_not_need_node(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    target = tmp_path / "sessions.js"
    target.write_bytes((PARENT / "input.js").read_bytes())
    result = runner.invoke(cli.app, ["apply", str(target)])
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == (PARENT / "expected.js").read_bytes()


@needs_node
def test_apply_verify_writes_and_reports_the_verdict(tmp_path: Path):
    target = tmp_path / "sessions.js"
    target.write_bytes((PARENT / "input.js").read_bytes())
    report_path = tmp_path / "report.json"
    result = runner.invoke(cli.app, ["apply", "--verify", str(target), "--json", str(report_path)])
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == (PARENT / "expected.js").read_bytes()
    (entry,) = json.loads(report_path.read_text())["files"]
    assert entry["outcome"] == "fixed"
    assert entry["verify"]["holds"] is True


def test_apply_verify_writes_nothing_on_a_violation(monkeypatch, tmp_path: Path):
    violated = verify.ScenarioResult(
        name="prefetch-then-start-jump", title="t", verdict=verify.Verdict.VIOLATED, holds=False,
        schedules_explored=1, complete=True,
        violation="30 duplicate rows", schedule=("prefetch request sent",), errors=(),
    )
    monkeypatch.setattr(cli.shutil, "which", lambda name: "/usr/bin/node")
    monkeypatch.setattr(verify, "verify_source", lambda text, **_: verify.VerifyReport(scenarios=(violated,), kept=()))
    target = tmp_path / "sessions.js"
    original = (PARENT / "input.js").read_bytes()
    target.write_bytes(original)
    result = runner.invoke(cli.app, ["apply", "--verify", str(target)])
    assert result.exit_code == EXIT_PROBLEM
    assert "verify found a race in the fixed text (prefetch-then-start-jump: 30 duplicate rows)" in result.stderr
    assert target.read_bytes() == original


INCOMPLETE = verify.ScenarioResult(
    name="switch-during-both", title="t", verdict=verify.Verdict.INCOMPLETE, holds=False,
    schedules_explored=2, complete=False, violation=None, schedule=(), errors=(),
    stopped="it reached the cap of 2 schedules",
)


def test_verify_exits_4_when_a_scenario_could_not_be_explored_fully(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(cli.shutil, "which", lambda name: "/usr/bin/node")
    monkeypatch.setattr(verify_files, "verify_source", lambda text, **_: verify.VerifyReport(scenarios=(INCOMPLETE,), kept=()))
    report_path = tmp_path / "report.json"
    result = runner.invoke(cli.app, ["verify", str(PARENT / "expected.js"), "--json", str(report_path)])
    assert result.exit_code == EXIT_UNVERIFIABLE
    assert "INCOMPLETE (1 scenario(s))" in result.stdout
    assert "  incomplete switch-during-both: t: stopped after 2 schedules: it reached the cap of 2 schedules" in (
        result.stdout
    )
    (entry,) = json.loads(report_path.read_text())["files"]
    assert (entry["verdict"], entry["holds"]) == ("incomplete", False)


def test_apply_verify_writes_nothing_when_the_exploration_stopped_short(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(cli.shutil, "which", lambda name: "/usr/bin/node")
    monkeypatch.setattr(verify, "verify_source", lambda text, **_: verify.VerifyReport(scenarios=(INCOMPLETE,), kept=()))
    target = tmp_path / "sessions.js"
    original = (PARENT / "input.js").read_bytes()
    target.write_bytes(original)
    result = runner.invoke(cli.app, ["apply", "--verify", str(target)])
    assert result.exit_code == EXIT_PROBLEM
    assert (
        "verify could not explore the fixed text fully (switch-during-both: it reached the cap of 2 schedules)"
        in result.stderr
    )
    assert target.read_bytes() == original
