"""Time `jsfix gen-tests` on a large fixed file: generation alone, and the whole command.

    .venv/bin/python benchmarks/bench_testgen.py [FILE ...]

Without arguments it times /tmp/head.js (upstream's 447 KB sessions.js, already
fixed) when present, and always a synthetic 450 KB file: the fixed
upstream-parent fixture padded with unrelated top-level functions. The
budget is under 1 s per file.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jsfix.testgen import generate_suite

BUDGET_SECONDS = 1.0
DEFAULT_FILES = ("/tmp/head.js",)


def synthetic_fixed_file(size: int = 450 * 1024) -> str:
    """A fixed sessions.js padded to `size` characters with code the suite must read past."""
    text = (ROOT / "fixtures/upstream-parent/expected.js").read_text(encoding="utf-8")
    padding = []
    index = 0
    while len(text) + sum(map(len, padding)) < size:
        padding.append(
            f"function _padding{index}(row) {{\n"
            f"  // a comment with {{ and ' in it\n"
            f"  const label = `row ${{row.id}} of {index}`;\n"
            f"  return /['\"}}]/.test(label) ? label : '{{' + label + '}}';\n"
            "}\n\n"
        )
        index += 1
    return "".join(padding) + text


def median_seconds(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def command_seconds(text: str, runs: int) -> float:
    """`jsfix gen-tests` end to end in a fresh process, writing into a scratch repository."""
    jsfix = pathlib.Path(sys.executable).parent / "jsfix"
    command = [str(jsfix)] if jsfix.exists() else [sys.executable, "-m", "jsfix"]
    timings = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as repo:
            (pathlib.Path(repo) / "static").mkdir()
            (pathlib.Path(repo) / "static" / "sessions.js").write_text(text, encoding="utf-8")
            started = time.perf_counter()
            subprocess.run([*command, "gen-tests", repo], check=True, capture_output=True)
            timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    files = options.files or [pathlib.Path(p) for p in DEFAULT_FILES if pathlib.Path(p).exists()]
    texts = [(str(path), path.read_text(encoding="utf-8-sig")) for path in files]
    if not options.files:
        texts.append(("synthetic", synthetic_fixed_file()))

    over_budget = False
    for label, text in texts:
        suite = generate_suite(text)  # warm: imports and the support templates
        generation = median_seconds(lambda text=text: generate_suite(text), options.runs)
        command = command_seconds(text, options.runs)
        over_budget |= command >= BUDGET_SECONDS
        print(
            f"{label}  {len(text.encode()) / 1024:6.1f} KB  generate {generation * 1000:6.1f} ms  "
            f"jsfix gen-tests {command * 1000:6.1f} ms  "
            f"({len(suite.structural)} structural, {len(suite.behavioural)} behavioural)"
        )
    return 1 if over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
