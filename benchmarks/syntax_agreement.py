#!/usr/bin/env python3
"""How often tree-sitter's syntax screen and esprima disagree, and what a preview then says.

Inputs: the fixtures, the hostile cases of tests/test_hostile.py, and random
mutations of the fixtures made by benchmarks/fuzz.py. For every input that
decodes as UTF-8 it prints:

1. the whole-file verdicts of esprima and of tree-sitter (both clean, both
   find an error, only one does; for errors found by both, whether on the same
   line), once for tree-sitter's ERROR and MISSING nodes alone and once for the
   whole screen of jsfix/javascript/syntax.py (those nodes plus its checks);
2. for the inputs that need the fix, whether the preview (`apply --dry-run`)
   ends like the write (`apply`): same outcome and same reason. A mismatch is
   a file tree-sitter accepts and esprima rejects: the preview shows a diff,
   the write refuses it.

    python benchmarks/syntax_agreement.py --count 400 --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz import mutate, seeds

from jsfix.files.process import process_file
from jsfix.javascript import syntax
from jsfix.javascript.parse import parse_program
from jsfix.javascript.source import UnreadableSource, decode_source
from jsfix.outcomes import Outcome
from jsfix.plan.fix import Status, plan_fix
from jsfix.plan.locate import Refused
from jsfix.settings import Mode, Settings


def hostile_inputs() -> list[tuple[str, bytes]]:
    import test_hostile  # the cases as the tests build them

    found = []
    for table in ("CONTENT_CASES", "TARGET_SHAPES", "TAKEN_NAMES"):
        for name, case in getattr(test_hostile, table).items():
            data = case[0] if isinstance(case[0], bytes) else case[0].encode("utf-8")
            found.append((f"hostile {name}", data))
    return found


def fuzz_inputs(count: int, seed: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    bases = seeds()
    return [(f"fuzz {index} ({kind})", data) for index, (kind, data) in enumerate(mutate(rng.choice(bases), rng) for index in range(count))]


def esprima_error_line(text: str) -> int | None:
    try:
        parse_program(text)
    except Refused as error:
        words = str(error).split()
        return int(words[4].rstrip(",")) if str(error).startswith("syntax error at line") else -1
    return None


def compare(name: str, data: bytes, directory: Path, tally: Counter, previews: Counter, examples: list[str]) -> None:
    try:
        text = decode_source(data).text
    except UnreadableSource:
        tally["inputs", "not UTF-8 text (skipped)"] += 1
        return
    esprima_line = esprima_error_line(text)
    raw = syntax.first_error_at(text)
    suspect = syntax.find_suspect(text)
    for label, line in (("error nodes", raw and raw[0]), ("screen", suspect and suspect.line)):
        if esprima_line is None and line is None:
            tally[label, "both clean"] += 1
        elif esprima_line is not None and line is not None:
            tally[label, "both see an error" + (" (same line)" if line == esprima_line else " (other lines)")] += 1
        elif line is None:
            tally[label, "only esprima sees an error"] += 1
            if label == "screen":
                examples.append(f"only esprima: {name}: esprima line {esprima_line}")
        else:
            tally[label, "only tree-sitter sees an error"] += 1
            if label == "screen":
                examples.append(f"only tree-sitter: {name}: {suspect.what} at line {line}")
    try:
        needs_fix = plan_fix(text).status is Status.NEEDS_FIX
    except Refused:
        needs_fix = False
    if not needs_fix:
        return
    path = directory / "sessions.js"
    ends = []
    for mode in (Mode.DRY_RUN, Mode.WRITE):
        path.write_bytes(data)
        result = process_file(path, Settings(mode=mode, cwd=directory))
        ends.append((Outcome.WOULD_FIX if result.outcome is Outcome.FIXED else result.outcome, result.reason))
    if ends[0] == ends[1]:
        previews["preview ends like the write"] += 1
    else:
        previews["preview differs from the write"] += 1
        examples.append(f"preview {ends[0][0].value}, write {ends[1][0].value}: {name}: {ends[1][1]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=400, help="fuzz inputs (default 400)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not syntax.available():
        print("tree-sitter is not installed: nothing to compare")
        return 0
    inputs = [(f"fixture {path.parent.name}", path.read_bytes()) for path in sorted((ROOT / "fixtures").glob("*/input.js"))]
    inputs += hostile_inputs() + fuzz_inputs(args.count, args.seed)
    tally: Counter = Counter()
    previews: Counter = Counter()
    examples: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        for name, data in inputs:
            compare(name, data, Path(scratch), tally, previews, examples)
    print(f"{len(inputs)} inputs ({args.count} fuzz, seed {args.seed}) in {time.perf_counter() - started:.0f} s")
    for (what, label), count in sorted(tally.items()):
        print(f"  {what}: {label}: {count}")
    for label, count in sorted(previews.items()):
        print(f"  {label}: {count}")
    for line in examples:
        print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
