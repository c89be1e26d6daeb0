"""Run jsfix over every version of static/sessions.js in a hermes-webui checkout's history.

    python scripts/check_history.py PATH/TO/hermes-webui [--until REV] [--verify]

Each version is planned; a version that needs the fix must give a fixed text
that passes the pre-write checks (full parse, second pass finds nothing) and,
with --verify, holds in every race scenario under node. Old versions stand in
for the forks cut from them. Prints the count per outcome and every problem;
exits 1 on any. Without a path it says it skipped.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter

from jsfix.fix import Status, plan_fix
from jsfix.locate import Refused
from jsfix.process import check_fixed_text

SESSIONS = "static/sessions.js"


def versions(checkout: str, until: str) -> list[str]:
    log = subprocess.run(
        ["git", "-C", checkout, "log", "--format=%h", until, "--", SESSIONS], capture_output=True, text=True, check=True
    )
    return log.stdout.split()


def problem_with(text: str, verify: bool) -> tuple[Status | None, str | None]:
    try:
        plan = plan_fix(text)
    except Refused as error:
        return None, f"refused: {error}"
    if plan.status is not Status.NEEDS_FIX:
        return plan.status, None
    fixed = plan.apply(text)
    problem = check_fixed_text(fixed)
    if problem is None and verify:
        from jsfix.verify import verify_source

        report = verify_source(fixed)
        if not report.holds:
            problem = "verify: " + "; ".join(f"{each.name}: {each.violation}" for each in report.violated)
    return plan.status, problem


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", nargs="?")
    parser.add_argument("--until", default="HEAD", help="the newest revision to start from")
    parser.add_argument("--verify", action="store_true", help="also run the fixed text under node")
    options = parser.parse_args(argv)
    if options.checkout is None:
        print("skipped: give the path of a hermes-webui checkout")
        return 0
    counts: Counter = Counter()
    problems = []
    for commit in versions(options.checkout, options.until):
        text = subprocess.run(
            ["git", "-C", options.checkout, "show", f"{commit}:{SESSIONS}"], capture_output=True, text=True, check=True
        ).stdout
        status, problem = problem_with(text, options.verify)
        counts[status.value if status else "refused"] += 1
        if problem:
            problems.append(f"{commit}: {problem}")
    print(f"{sum(counts.values())} versions: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.most_common()))
    print("\n".join(problems) or "no problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
