"""The launcher starts node on a file's job early; the runner takes that run only for the very same job."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, NODE, needs_node

from jsfix import prestart
from jsfix.verify import runner

pytestmark = needs_node

# A stand-in harness: it answers with the job it was given, so a test can tell which run answered.
ECHO = "let t = ''; process.stdin.on('data', c => (t += c)); process.stdin.on('end', () => console.log(JSON.stringify({ok: true, job: JSON.parse(t)})));\n"


@pytest.fixture
def echo(tmp_path: Path) -> str:
    path = tmp_path / "echo.js"
    path.write_text(ECHO)
    return str(path)


def test_the_same_job_takes_the_early_run(echo: str, tmp_path: Path):
    job = prestart.file_job(str(tmp_path / "sessions.js"), str(tmp_path))
    prestart.start(job, harness=echo)
    (answer,) = runner.harness_answers(job, 1, timeout=30, harness=Path(echo))
    assert answer == {"ok": True, "job": job}
    assert prestart.take(echo, json.dumps(job)) is None  # taken once


def test_another_job_stops_the_early_run_and_runs_its_own(echo: str, tmp_path: Path):
    early = prestart.file_job(str(tmp_path / "a.js"), str(tmp_path))
    prestart.start(early, harness=echo)
    process = prestart._early[2]
    other = prestart.file_job(str(tmp_path / "b.js"), str(tmp_path))
    (answer,) = runner.harness_answers(other, 1, timeout=30, harness=Path(echo))
    assert answer["job"] == other
    assert process.returncode is not None  # the early node was stopped, not left running


def launched_and_direct(tmp_path: Path, name: str):
    """`jsfix verify NAME` through the launcher (node started early, no typer) and through the command line."""
    launched = subprocess.run([sys.executable, "-m", "jsfix", "verify", name], cwd=tmp_path,
                              capture_output=True, text=True, check=False)
    direct = subprocess.run([sys.executable, "-c", "from jsfix.cli import main; main()", "verify", name],
                            cwd=tmp_path, capture_output=True, text=True, check=False)
    return launched, direct


def test_verify_from_the_command_line_gives_the_same_report_with_or_without_the_early_start(tmp_path: Path):
    path = tmp_path / "sessions.js"
    path.write_bytes((FIXTURES / "upstream-parent" / "input.js").read_bytes())
    launched, direct = launched_and_direct(tmp_path, "sessions.js")
    assert (launched.returncode, launched.stdout) == (direct.returncode, direct.stdout) == (1, direct.stdout)
    assert "violated  prefetch-then-start-jump" in launched.stdout
    assert NODE is not None


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("other.js", b"export const x = 1;\n", 0),  # not applicable
        ("broken.js", b"async function _loadOlderMessages() {\n", 5),  # refused: a syntax error
        ("latin.js", b"// caf\xe9\nasync function _loadOlderMessages() {}\n", 5),  # refused: not UTF-8
    ],
)
def test_a_file_that_does_not_run_reads_the_same_through_the_launcher(tmp_path: Path, name: str, data: bytes, code: int):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_bytes(data)
    launched, direct = launched_and_direct(tmp_path, name)
    assert (launched.returncode, launched.stdout, launched.stderr) == (direct.returncode, direct.stdout, direct.stderr)
    assert launched.returncode == code, launched.stderr


def early_run_of(tmp_path: Path, script: str) -> prestart.EarlyRun:
    path = tmp_path / "harness.js"
    path.write_text(script)
    job = prestart.file_job(str(tmp_path / "sessions.js"), str(tmp_path))
    assert prestart.start(job, harness=str(path))
    return prestart.take(str(path), json.dumps(job))


def test_an_early_run_reads_as_a_text_mode_popen_reads(tmp_path: Path):
    process = early_run_of(tmp_path, "process.stdout.write('caf\\u00e9\\r\\n'); process.stderr.write('x\\ry'); process.exitCode = 3;\n")
    assert process.communicate(None, timeout=30) == ("caf\u00e9\n", "x\ny")
    assert process.wait() == 3 == process.returncode


def test_an_early_run_that_overruns_times_out_and_can_be_stopped(tmp_path: Path):
    process = early_run_of(tmp_path, "setInterval(() => {}, 1000);\n")
    with pytest.raises(subprocess.TimeoutExpired):
        process.communicate(None, timeout=0.5)
    assert process.poll() is None
    process.kill()
    assert process.communicate(None, timeout=30) == ("", "")
    assert process.wait() == -9


def test_an_early_run_is_read_to_the_end_of_its_output_not_to_its_exit(tmp_path: Path):
    # The harness closes its output once the last answer is out; its exit comes later.
    script = "process.stdout.write('answer\\n', () => { for (const fd of [1, 2]) require('fs').closeSync(fd); setTimeout(() => {}, 30000); });\n"
    process = early_run_of(tmp_path, script)
    assert process.communicate(None, timeout=20) == ("answer\n", "")
    assert process.poll() is None  # still running: communicate did not wait for it
    process.kill()
    assert process.wait() == -9
