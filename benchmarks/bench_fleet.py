"""Benchmark jsfix on single large files and on a synthetic fleet; print the figures.

Whole-process runs of the installed `jsfix` command, start-up included:

1. `jsfix apply --dry-run` on one file needing the fix, padded to 135 KB and
   to 450 KB: the median wall time of 5 runs each.
2. `jsfix check` and then `jsfix apply` over a fleet built by make_fleet.py
   (default 1,000 files of 130-460 KB in 200 forks): wall time, files per
   second, and the peak resident memory of each worker process.
3. A second `jsfix apply` over the same fleet, which must change nothing.

    python benchmarks/bench_fleet.py                 # the full benchmark
    python benchmarks/bench_fleet.py --files 50      # a quick one

Peak memory is each process's VmHWM from /proc, read while it runs (Linux),
and for the largest process of a run also from wait4(); a worker is a
process forked from jsfix (same command line).
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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fleet import build_fleet, single_file

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {
    "single 135 KB": 0.3,
    "single 450 KB": 0.5,
    "check": 60.0,
    "apply": 90.0,
    "memory MB": 300.0,
}


def jsfix_command() -> list[str]:
    script = Path(sys.executable).parent / "jsfix"
    return [str(script)] if script.exists() else [sys.executable, "-m", "jsfix"]


@dataclass
class Measured:
    wall: float
    exit_code: int
    largest_mb: float  # the largest process of the run (wait4)
    cpu: float  # user + system seconds of the whole process tree (wait4)
    main_mb: float = 0.0
    workers_mb: dict[int, float] = field(default_factory=dict)


class MemoryWatcher(threading.Thread):
    """Polls /proc for the peak resident memory (VmHWM) of a process and of the workers it forks."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self.sightings: dict[int, int] = {}
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.poll()
            self._done.wait(self.interval)

    def poll(self) -> None:
        command_line = _read(f"/proc/{self.pid}/cmdline")  # read each time: the first reads may precede exec
        for pid in [self.pid, *_children(self.pid)]:
            status = _read(f"/proc/{pid}/status")
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), int(line.split()[1]) / 1024)
            if pid != self.pid and command_line and _read(f"/proc/{pid}/cmdline") == command_line:
                self.sightings[pid] = self.sightings.get(pid, 0) + 1

    @property
    def workers(self) -> list[int]:
        """Forked children seen in several polls: a `git` child is seen, if at all, just before its exec."""
        return sorted(pid for pid, seen in self.sightings.items() if seen >= 3)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _read(path: str) -> str:
    try:
        with open(path, "rb") as stream:
            return stream.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    found = []
    for thread in _listdir(f"/proc/{pid}/task"):
        for child in _read(f"/proc/{pid}/task/{thread}/children").split():
            found.append(int(child))
            found.extend(_children(int(child)))
    return found


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def measure(args: list[str], cwd: Path, watch: bool = True) -> Measured:
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watcher = MemoryWatcher(process.pid) if watch and Path("/proc").exists() else None
    if watcher:
        watcher.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if watcher:
        watcher.stop()
    measured = Measured(wall, process.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
    if watcher:
        measured.main_mb = watcher.peaks.get(process.pid, 0.0)
        measured.workers_mb = {pid: watcher.peaks.get(pid, 0.0) for pid in watcher.workers}
    return measured


def verdict(value: float, target: float) -> str:
    return f"(target <= {target:g}) {'ok' if value <= target else 'MISS'}"


def bench_single(out: Path, runs: int) -> None:
    command = jsfix_command()
    for label, size in (("single 135 KB", 135 * 1024), ("single 450 KB", 450 * 1024)):
        path = single_file(out / "single" / f"sessions-{size // 1024}k.js", size)
        measure([*command, "apply", "--dry-run", str(path)], out, watch=False)  # warm the file cache
        runs_measured = [measure([*command, "apply", "--dry-run", str(path)], out) for _ in range(runs)]
        exit_codes = {each.exit_code for each in runs_measured}
        median = statistics.median(each.wall for each in runs_measured)
        cpu = statistics.median(each.cpu for each in runs_measured)
        peak = max(each.largest_mb for each in runs_measured)
        walls = " ".join(f"{each.wall:.2f}" for each in runs_measured)
        print(
            f"  {label} needing the fix ({path.stat().st_size // 1024} KB): median {median:.2f} s of [{walls}] "
            f"{verdict(median, TARGETS[label])}; cpu {cpu:.2f} s; peak {peak:.0f} MB; exit {sorted(exit_codes)}"
        )


def bench_fleet(out: Path, files: int, jobs: int) -> None:
    fleet = out / "fleet"
    started = time.perf_counter()
    made = build_fleet(fleet, files)
    size_mb = sum(path.stat().st_size for path in fleet.rglob("*.js")) / 1024 / 1024
    forks = len(list(fleet.glob("fork-*")))
    mix = ", ".join(f"{count} {kind}" for kind, count in made.items())
    print(
        f"  fleet: {files} files, {size_mb:.0f} MB, {forks} forks ({mix}); built in {time.perf_counter() - started:.0f} s"
    )
    command = jsfix_command()
    worker_peaks: list[float] = []
    for label, action in (("check", ["check"]), ("apply", ["apply"]), ("second apply", ["apply"])):
        report_path = out / f"{label.replace(' ', '-')}.json"
        measured = measure([*command, *action, "-j", str(jobs), "--json", str(report_path), str(fleet)], out)
        report = json.loads(report_path.read_text())
        counts = {kind: count for kind, count in report["counts"].items() if count}
        workers = measured.workers_mb or {0: measured.main_mb}
        worker_peaks.extend(workers.values())
        target = f" {verdict(measured.wall, TARGETS[label])}" if label in TARGETS else ""
        print(
            f"  {label}: {measured.wall:.1f} s, {files / measured.wall:.1f} files/s{target}; "
            f"cpu {measured.cpu:.1f} s ({measured.cpu / files * 1000:.0f} ms a file); exit {measured.exit_code}; {counts}"
        )
        print(
            f"    peak memory: workers {', '.join(f'{mb:.0f}' for mb in workers.values())} MB; "
            f"main process {measured.main_mb:.0f} MB; largest process (wait4) {measured.largest_mb:.0f} MB"
        )
        if label == "second apply" and (counts.get("fixed") or measured.exit_code):
            print("    MISS: the second run changed files or failed")
    peak = max(worker_peaks, default=0.0)
    print(f"  peak memory per worker: {peak:.0f} MB {verdict(peak, TARGETS['memory MB'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="fleet size (default 1000)")
    parser.add_argument(
        "--jobs", "-j", type=int, default=len(os.sched_getaffinity(0)), help="jsfix -j (default: cores)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per single-file figure (median)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out", help="work folder (default bench-out/)")
    parser.add_argument("--skip-single", action="store_true")
    parser.add_argument("--skip-fleet", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the generated files afterwards")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    cores = len(os.sched_getaffinity(0))
    print(f"jsfix benchmark: {cores} cores, Python {platform.python_version()}, {' '.join(jsfix_command())}")
    # Other work on the machine slows the wall times; the cpu seconds are steadier.
    print(f"load average before the runs: {' '.join(f'{each:.2f}' for each in os.getloadavg())}")
    try:
        if not args.skip_single:
            print(f"apply --dry-run on one file, median of {args.runs} whole-process runs:")
            bench_single(args.out, args.runs)
        if not args.skip_fleet:
            print(f"fleet (-j {args.jobs}):")
            bench_fleet(args.out, args.files, args.jobs)
    finally:
        if not args.keep:
            for name in ("single", "fleet"):
                shutil.rmtree(args.out / name, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
