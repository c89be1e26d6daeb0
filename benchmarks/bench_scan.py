"""Time jsfix.javascript.scan.scan_top_level on real files: median milliseconds per file.

    .venv/bin/python benchmarks/bench_scan.py [FILE ...]

Without arguments it times fixtures/*/input.js and /tmp/{parent,fixed,head}.js
when present.  With --esprima it also times a full esprima parse for scale.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from jsfix.javascript.scan import ScanUncertain, scan_top_level

NAMES = ("_loadOlderMessages", "_ensureAllMessagesLoaded")
DEFAULT_FILES = ("/tmp/parent.js", "/tmp/fixed.js", "/tmp/head.js")


def median_ms(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--esprima", action="store_true", help="also time a full esprima parse")
    options = parser.parse_args()

    files = options.files
    if not files:
        root = pathlib.Path(__file__).resolve().parent.parent
        files = sorted(root.glob("fixtures/*/input.js")) + [pathlib.Path(p) for p in DEFAULT_FILES]
        files = [f for f in files if f.exists()]
    if not files:
        print("no files to time")
        return 1

    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        is_module = False
        try:
            result = scan_top_level(text, NAMES)
            is_module = result.is_module
            outcome = f"{len(result.heads)} heads, {len(result.mentions)} mentions"
        except ScanUncertain as error:
            outcome = f"uncertain: {error}"
        ms = median_ms(lambda text=text: _try_scan(text), options.runs)
        line = f"{path}  {len(text) / 1024:7.1f} KB  scan {ms:7.2f} ms  ({outcome})"
        if options.esprima:
            import esprima

            parse = esprima.parseModule if is_module else esprima.parseScript
            parse_ms = median_ms(lambda parse=parse, text=text: parse(text, {"range": True}), 3)
            line += f"  esprima {parse_ms:7.1f} ms"
        print(line)
    return 0


def _try_scan(text: str) -> None:
    try:
        scan_top_level(text, NAMES)
    except ScanUncertain:
        pass


if __name__ == "__main__":
    sys.exit(main())
