#!/usr/bin/env python3
"""Benchmark jsfix on real checkouts of hermes-webui, made from a local mirror.

The fleet: upstream at --commits commits spread over its first-parent history
(the parent of fb822239 always among them), plus the HEAD of every --fork
mirror, each extracted whole with `git archive` (ui.js, commands.js, tests,
everything). Nothing here is committed: the checkouts go to --out, or to a
temporary folder removed afterwards.

Figures, each printed beside its target (whole-process runs of the installed
`jsfix`, start-up included):

1. `jsfix check -j 2` over the fleet: median wall time of --runs runs;
2. `jsfix check -j 2` over every blob of static/sessions.js in the mirror's
   refs, one file each: wall time, and no file refused or failed;
3. `jsfix apply --dry-run` on static/sessions.js at the parent of fb822239:
   median wall time of --single-runs runs;
4. peak resident memory of each worker process in runs 1 and 2.

    python benchmarks/real_fleet.py --mirror /path/to/hermes-webui.git \\
        --fork /path/to/fork-a.git --fork /path/to/fork-b.git --out /tmp/realfleet

The mirror may also be given as JSFIX_UPSTREAM_MIRROR. Without one the
script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from bench_fleet import Measured, jsfix_command, measure, verdict
from check_history import (
    history_blobs,  # every blob from any ref, as check_history lists them
)

TARGETS = {"fleet check": 3.0, "blobs check": 30.0, "single": 0.12, "memory MB": 150.0}
SESSIONS = "static/sessions.js"
FIX_COMMIT = "fb822239"
COMPLETE = ".complete"  # marks a checkout that was extracted in full


def git(mirror: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True, text=True).stdout


def is_repository(path: Path) -> bool:
    done = subprocess.run(["git", "-C", str(path), "rev-parse", "--git-dir"], check=False, capture_output=True, text=True)
    return done.returncode == 0


def spread_commits(mirror: Path, count: int) -> list[str]:
    """`count` first-parent commits from oldest to newest, evenly spaced, and the parent of the fix."""
    history = git(mirror, "rev-list", "--first-parent", "--reverse", "HEAD").split()
    step = max(1, len(history) // count)
    chosen = history[::step][:count]
    parent = fix_parent(mirror)
    return chosen if parent is None or parent in chosen else [*chosen, parent]


def fix_parent(mirror: Path) -> str | None:
    revision = f"{FIX_COMMIT}^"
    done = subprocess.run(["git", "-C", str(mirror), "rev-parse", "--verify", "-q", revision], check=False, capture_output=True, text=True)
    return done.stdout.strip() or None


def archive(mirror: Path, commit: str, destination: Path) -> bool:
    """The whole tree at `commit`, as `git archive` gives it; reused when already complete.

    False when the mirror cannot give it (a mirror may lack its largest blobs).
    """
    if (destination / COMPLETE).exists():
        return True
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    source = subprocess.Popen(["git", "-C", str(mirror), "archive", "--format=tar", commit], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    extracted = subprocess.run(["tar", "-x", "-C", str(destination)], stdin=source.stdout, stderr=subprocess.DEVNULL, check=False)
    _, error = source.communicate()
    if source.returncode != 0 or extracted.returncode != 0:
        shutil.rmtree(destination, ignore_errors=True)
        first_line = error.decode("utf-8", "replace").strip().splitlines()[:1]
        print(f"  skipped {mirror} at {commit[:9]}: git archive failed ({first_line[0] if first_line else 'tar failed'})")
        return False
    (destination / COMPLETE).write_text(commit + "\n")
    return True


def fork_name(mirror: Path) -> str:
    """`owner+name` for a mirror kept as .../owner+name/repo, else the folder's own name."""
    return mirror.parent.name if mirror.name in ("repo", ".git") else mirror.name.removesuffix(".git")


def build_fleet(mirror: Path, forks: list[Path], count: int, fleet: Path) -> tuple[int, int]:
    """Upstream checkouts and fork checkouts made."""
    upstream = sum(archive(mirror, commit, fleet / f"upstream-{commit[:9]}") for commit in spread_commits(mirror, count))
    made = sum(archive(fork, "HEAD", fleet / f"fork-{fork_name(fork)}") for fork in forks)
    return upstream, made


def write_blobs(mirror: Path, folder: Path) -> int:
    """Every distinct blob of static/sessions.js in any ref, one file each."""
    if (folder / COMPLETE).exists():
        return int((folder / COMPLETE).read_text())
    blobs = sorted(history_blobs(str(mirror), SESSIONS))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    batch = subprocess.run(
        ["git", "-C", str(mirror), "cat-file", "--batch"], input="\n".join(blobs).encode() + b"\n", capture_output=True, check=True
    ).stdout
    position = 0
    while position < len(batch):
        header_end = batch.index(b"\n", position)
        name, _, size = batch[position:header_end].decode().split()
        start = header_end + 1
        (folder / f"{name}.js").write_bytes(batch[start : start + int(size)])
        position = start + int(size) + 1
    (folder / COMPLETE).write_text(f"{len(blobs)}\n")
    return len(blobs)


def check_run(folder: Path, jobs: int, report: Path) -> tuple[Measured, dict]:
    measured = measure([*jsfix_command(), "check", "-j", str(jobs), "--json", str(report), str(folder)], folder.parent)
    return measured, json.loads(report.read_text())


def describe_counts(data: dict) -> str:
    counts = ", ".join(f"{count} {kind}" for kind, count in data["counts"].items() if count)
    skipped = ", ".join(f"{count} {kind}" for kind, count in data["skipped"].items())
    return counts + (f"; skipped {skipped}" if skipped else "")


def workers_mb(measured: Measured) -> list[float]:
    return list(measured.workers_mb.values()) or [measured.main_mb]


def bench_fleet_check(fleet: Path, checkouts: str, jobs: int, runs: int, out: Path) -> list[float]:
    files = sum(1 for _ in fleet.rglob("*.js"))
    size = sum(path.stat().st_size for path in fleet.rglob("*") if path.is_file()) / 1024**3
    print(f"  fleet: {checkouts}, {size:.1f} GB, {files} .js files (before jsfix's own skipping)")
    results = [check_run(fleet, jobs, out / "fleet-check.json") for _ in range(runs)]
    walls = sorted(each.wall for each, _ in results)
    median = statistics.median(walls)
    cpu = statistics.median(each.cpu for each, _ in results)
    data = results[-1][1]
    print(
        f"  check -j {jobs} over the fleet: median {median:.2f} s of [{' '.join(f'{w:.2f}' for w in walls)}] "
        f"{verdict(median, TARGETS['fleet check'])}; cpu {cpu:.2f} s; {len(data['files'])} files: {describe_counts(data)}"
    )
    return [mb for each, _ in results for mb in workers_mb(each)]


def bench_blobs(blobs: Path, count: int, jobs: int, out: Path) -> list[float]:
    measured, data = check_run(blobs, jobs, out / "blobs-check.json")
    troubles = [each for each in data["files"] if each["outcome"] in ("refused", "failed")]
    print(
        f"  check -j {jobs} over {count} blobs of {SESSIONS}: {measured.wall:.1f} s {verdict(measured.wall, TARGETS['blobs check'])}; "
        f"cpu {measured.cpu:.1f} s ({measured.cpu / count * 1000:.0f} ms a file); {describe_counts(data)}"
    )
    reasons: dict[str, int] = {}
    for each in troubles:
        shape = " ".join(word if not word.rstrip(",").isdigit() else "N" for word in each["reason"].split())
        reasons[shape] = reasons.get(shape, 0) + 1
    print(f"    refused or failed: {len(troubles)} {'(target: none) ok' if not troubles else '(target: none) MISS'}")
    for shape, times in sorted(reasons.items(), key=lambda item: -item[1]):
        print(f"      {times} x {shape}")
    return workers_mb(measured)


def bench_single(mirror: Path, runs: int, out: Path) -> None:
    parent = fix_parent(mirror)
    if parent is None:
        print(f"  apply --dry-run: {FIX_COMMIT} is not in the mirror; skipped")
        return
    path = out / "single" / "sessions.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(git(mirror, "show", f"{parent}:{SESSIONS}"), encoding="utf-8")
    command = [*jsfix_command(), "apply", "--dry-run", str(path)]
    measure(command, path.parent, watch=False)  # warm the file cache
    measured = [measure(command, path.parent, watch=False) for _ in range(runs)]
    walls = sorted(each.wall for each in measured)
    median = statistics.median(walls)
    print(
        f"  apply --dry-run, parent of {FIX_COMMIT} ({path.stat().st_size // 1024} KB): median {median:.3f} s "
        f"of {runs} (fastest {walls[0]:.3f}, slowest {walls[-1]:.3f}) {verdict(median, TARGETS['single'])}; "
        f"cpu {statistics.median(each.cpu for each in measured):.3f} s; exit {sorted({each.exit_code for each in measured})}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, default=os.environ.get("JSFIX_UPSTREAM_MIRROR"), help="upstream git mirror")
    parser.add_argument("--fork", type=Path, action="append", default=[], help="a fork's git mirror (repeatable)")
    parser.add_argument("--commits", type=int, default=35, help="upstream checkouts (default 35)")
    parser.add_argument("--out", type=Path, help="keep the checkouts here and reuse them (default: a temporary folder)")
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="runs of the fleet check (median)")
    parser.add_argument("--single-runs", type=int, default=11, help="runs of the one-file dry run (median)")
    parser.add_argument("--skip-blobs", action="store_true")
    args = parser.parse_args(argv)
    if args.mirror is None or not is_repository(args.mirror):
        print("real_fleet: no upstream mirror (give --mirror PATH or set JSFIX_UPSTREAM_MIRROR); skipped")
        return 0
    forks = [fork for fork in args.fork if fork.resolve() != args.mirror.resolve() and is_repository(fork)]
    out = args.out or Path(tempfile.mkdtemp(prefix="jsfix-real-"))
    try:
        print(f"jsfix real-fleet benchmark: {os.cpu_count()} cores, Python {platform.python_version()}, {' '.join(jsfix_command())}")
        print(f"  mirror {args.mirror}, {len(forks)} fork mirror(s); load average before: {_load()}")
        upstream, made = build_fleet(args.mirror, forks, args.commits, out / "fleet")
        peaks = bench_fleet_check(out / "fleet", f"{upstream + made} checkouts ({upstream} upstream, {made} forks)", args.jobs, args.runs, out)
        if not args.skip_blobs:
            peaks += bench_blobs(out / "blobs", write_blobs(args.mirror, out / "blobs"), args.jobs, out)
        bench_single(args.mirror, args.single_runs, out)
        peak = max(peaks)
        print(f"  peak memory per worker: {peak:.0f} MB {verdict(peak, TARGETS['memory MB'])}")
        print(f"  load average after: {_load()}")
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    return 0


def _load() -> str:
    return " ".join(f"{each:.2f}" for each in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
