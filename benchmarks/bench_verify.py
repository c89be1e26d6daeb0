"""`jsfix verify` beside a bare node start, as whole processes, with the targets.

    .venv/bin/python benchmarks/bench_verify.py [--mirror PATH] [--runs N]

With a hermes-webui checkout (`--mirror`, or JSFIX_HERMES_WEBUI) it times the
two files the targets are set on: upstream's parent of fb822239 after `jsfix
apply` (134 KB) and upstream HEAD's static/sessions.js (447 KB). Without one
it times the upstream-parent fixture, for which no target is set. Each
command runs `--runs` times, turn and turn about with `node -e 0`, after one
warm-up run each; the figures are medians, and "ratio" is the ratio of the
two medians. "paired" is the median of each run's ratio to the `node -e 0`
run just after it, which the machine's drift within a call moves less. Peak memory is the largest
process of the run (jsfix or its node). The generated suite is timed too: in
a temporary fork holding the first file, `python -m pytest` on the module
`jsfix gen-tests` writes. `--jsfix CMD` times another jsfix (an older
checkout's, for a before-and-after figure).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jsfix.plan.fix import plan_fix

FIXED_PARENT_OF = "fb822239"
TARGETS = {"parent": (3.0, 150), "head": (4.0, 150)}  # (times a bare node start, MiB)


def jsfix_command(given: str | None = None) -> list[str]:
    """The jsfix to time: `given` (a command line), else this environment's."""
    if given:
        return shlex.split(given)
    script = Path(sys.executable).with_name("jsfix")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jsfix"]


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds of one run of `command`, and the peak MiB of its largest process.

    jsfix leaves without waiting for a node that has answered and closed its
    output: this process adopts such a node (see adopt_orphans), so its peak
    still counts, and it is gone before the next run starts.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, max([usage.ru_maxrss, *orphans_peaks()]) / 1024


def adopt_orphans() -> None:
    """Have the processes our children leave behind handed to this one, not to init (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        print("note: the peak of a node jsfix did not wait for is not counted here (Linux only)")


def orphans_peaks() -> list[int]:
    """Wait for every adopted process; the peak KiB of each."""
    peaks = []
    while True:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return peaks
        peaks.append(usage.ru_maxrss)


def side_by_side(command: list[str], runs: int, cwd: Path | None = None) -> dict:
    """Medians of `command` and of `node -e 0`, run in turn."""
    bare = ["node", "-e", "0"]
    timed(command, cwd), timed(bare)  # warm-up: caches, bytecode
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(timed(command, cwd))
        theirs.append(timed(bare))
    wall = statistics.median(each[0] for each in ours)
    node = statistics.median(each[0] for each in theirs)
    # The machine's speed drifts within a call: each run beside the node start just after it, too.
    paired = statistics.median(mine[0] / bare[0] for mine, bare in zip(ours, theirs))
    return {"wall": wall, "node": node, "ratio": wall / node, "paired": paired, "peak": max(each[1] for each in ours)}


def files_to_time(mirror: Path | None, workdir: Path) -> dict[str, Path]:
    if mirror is None:
        files = {"fixture": (ROOT / "fixtures" / "upstream-parent" / "expected.js").read_text(encoding="utf-8")}
    else:
        files = upstream_files(mirror)
    paths = {}
    for name, text in files.items():  # each in a fork of its own, as the suite's timing needs
        paths[name] = workdir / name / "static" / "sessions.js"
        paths[name].parent.mkdir(parents=True)
        paths[name].write_text(text, encoding="utf-8")
    return paths


def upstream_files(mirror: Path) -> dict[str, str]:
    """Upstream's parent of the fix, after `jsfix apply`, and upstream's HEAD."""
    def blob(revision: str) -> str:
        return subprocess.run(
            ["git", "-C", str(mirror), "show", f"{revision}:static/sessions.js"],
            capture_output=True, text=True, encoding="utf-8", check=True,
        ).stdout
    parent = blob(f"{FIXED_PARENT_OF}^")
    return {"parent": plan_fix(parent).apply(parent), "head": blob("HEAD")}


def suite_seconds(jsfix: list[str], js: Path, workdir: Path, runs: int) -> float:
    """Median wall seconds of the generated suite in a fork holding `js`."""
    fork = workdir / "fork"
    shutil.copytree(js.parent.parent, fork)
    subprocess.run([*jsfix, "gen-tests", "."], cwd=fork, check=True, capture_output=True)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest",
               "tests/test_jsfix_issue1937_race.py"]
    timed(command, fork)
    return statistics.median(timed(command, fork)[0] for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=os.environ.get("JSFIX_HERMES_WEBUI") or None)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--jsfix", help="the jsfix command to time instead of this environment's (an older checkout's, say)")
    args = parser.parse_args()
    jsfix = jsfix_command(args.jsfix)
    adopt_orphans()
    if shutil.which("node") is None:
        print("node is not installed: nothing to time")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        files = files_to_time(args.mirror, workdir)
        print(f"{'file':8} {'jsfix verify':>12} {'node -e 0':>10} {'ratio':>7} {'paired':>7} {'target':>7} {'peak':>9} {'target':>8}")
        for name, path in files.items():
            figures = side_by_side([*jsfix, "verify", str(path)], args.runs)
            ratio_target, memory_target = TARGETS.get(name, (None, None))
            print(
                f"{name:8} {figures['wall']:>10.3f} s {figures['node']:>8.3f} s {figures['ratio']:>6.1f}x {figures['paired']:>6.2f}x"
                f" {f'<= {ratio_target:.0f}x' if ratio_target else '-':>7} {figures['peak']:>5.0f} MiB"
                f" {f'< {memory_target} MiB' if memory_target else '-':>8}"
            )
        first = next(iter(files.values()))
        print(f"generated suite (26 tests) in a fork holding {first.name} of '{next(iter(files))}': "
              f"{suite_seconds(jsfix, first, workdir, max(3, args.runs // 3)):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
