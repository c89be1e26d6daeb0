"""Mutation adequacy of generated suites, judged by behaviour, with the figures.

    python scripts/mutation_adequacy.py [FIXED.js ...] [--fixtures] [--upstream PATH/TO/hermes-webui] [--all]

For each fixed file: delete every statement of the two functions, one at a
time; `verify` decides which deletions change behaviour, and the suite that
`jsfix gen-tests` writes for the original file must fail on each of those
(see tests/mutation.py). `--fixtures` takes every must-fix fixture's
expected.js; `--upstream` takes the parent of fb822239 in a local
hermes-webui checkout, fixed by jsfix (read at run time, nothing copied);
`--all` judges every deletion with verify, not only those that pass the
structural tests, so the "change behaviour" figure counts them all. Exits 1
when a deletion that changes behaviour passes the suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import must_fix_cases
from mutation import measure

from jsfix.javascript.source import decode_source
from jsfix.plan.fix import plan_fix

FIX_COMMIT = "fb822239"


def upstream_parent_fixed(checkout: Path) -> str:
    shown = subprocess.run(
        ["git", "-C", str(checkout), "show", f"{FIX_COMMIT}^:static/sessions.js"],
        capture_output=True, check=True,
    )
    text = decode_source(shown.stdout).text
    return plan_fix(text).apply(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--fixtures", action="store_true", help="every must-fix fixture's expected.js")
    parser.add_argument("--upstream", type=Path, help="a hermes-webui checkout: its fb822239^ file, fixed")
    parser.add_argument("--all", action="store_true", help="judge every deletion with verify")
    args = parser.parse_args()
    files: list[tuple[str, str]] = [(str(p), decode_source(p.read_bytes()).text) for p in args.paths]
    if args.fixtures:
        files += [(f"fixtures/{c.name}/expected.js", decode_source(c.expected_bytes).text) for c in must_fix_cases()]
    if args.upstream:
        if not args.upstream.is_dir():
            print(f"skipped: {args.upstream} is not a checkout")
        else:
            files.append((f"{FIX_COMMIT}^:static/sessions.js after jsfix apply", upstream_parent_fixed(args.upstream)))
    if not files:
        parser.error("nothing to measure: give paths, --fixtures or --upstream")
    missed = 0
    for label, text in files:
        started = time.perf_counter()
        report = measure(text, judge_everything=args.all)
        print(f"{label}: {report.summary()} ({time.perf_counter() - started:.1f} s)", flush=True)
        for mutant in report.missed:
            print(f"    missed: {mutant.function} line {mutant.line}: {mutant.deleted}")
        missed += len(report.missed)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
