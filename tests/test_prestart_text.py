"""What the launcher does before node starts: the job's text without json, and no heavy import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, needs_node
from hypothesis import given
from hypothesis import strategies as st

from jsfix import prestart

ROOT = Path(__file__).resolve().parent.parent
ANY_CHARACTER = st.integers(0, 0x10FFFF).map(chr)  # surrogates too: paths decoded with surrogateescape hold them


@given(st.dictionaries(st.text(ANY_CHARACTER, max_size=8), st.text(ANY_CHARACTER, max_size=40), max_size=3))
def test_the_job_text_is_what_json_writes(job: dict[str, str]):
    assert prestart.job_text(job) == json.dumps(job)


def test_a_file_job_with_every_kind_of_character_reads_back(tmp_path: Path):
    job = prestart.file_job(str(tmp_path / 'a "quoted"\\ tab\t é 😀 \udcff.js'), str(tmp_path))
    assert prestart.job_text(job) == json.dumps(job)
    assert json.loads(prestart.job_text(job)) == job


# Run the installed command's script with posix_spawn replaced: at the spawn,
# print which of the modules that are slow to import are loaded already.
SPY = """
import os, sys
def spawn(*args, **kwargs):
    print(sorted(name for name in ("re", "json", "subprocess", "pathlib", "shutil", "typer") if name in sys.modules))
    sys.stdout.flush()
    os._exit(0)
os.posix_spawn = spawn
sys.argv = ["jsfix", "verify", sys.argv[1]]
exec(compile(open({script!r}).read(), "jsfix", "exec"))
"""


@needs_node
def test_the_command_starts_node_before_importing_re_or_json(tmp_path: Path):
    path = tmp_path / "sessions.js"
    path.write_bytes((FIXTURES / "upstream-parent" / "input.js").read_bytes())
    spy = SPY.format(script=str(ROOT / "bin" / "jsfix"))
    done = subprocess.run([sys.executable, "-c", spy, str(path)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")
