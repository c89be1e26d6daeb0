"""Check jsfix against upstream's own fix of #1937, in a local hermes-webui checkout.

    python scripts/check_upstream.py PATH/TO/hermes-webui

On the parent of commit fb822239 it runs jsfix, compares the result with
fb822239's static/sessions.js as esprima syntax trees (positions and
comments left out), and runs upstream's 12 regression tests from that commit
against jsfix's output. Nothing from the checkout is copied into this repo;
the work happens in a temporary directory. Without a path it says it skipped.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from jsfix.javascript.jsast import shape_of_program
from jsfix.javascript.parse import parse_program
from jsfix.plan.fix import Status, plan_fix

FIX_COMMIT = "fb822239"
SESSIONS = "static/sessions.js"
UPSTREAM_TESTS = "tests/test_issue1937_endless_scroll_jumpstart_race.py"


def git_show(checkout: Path, spec: str) -> str:
    return subprocess.run(
        ["git", "-C", str(checkout), "show", spec], capture_output=True, check=True, text=True
    ).stdout


def same_program(left: str, right: str) -> bool:
    return shape_of_program(parse_program(left)[0]) == shape_of_program(parse_program(right)[0])


def check(checkout: Path) -> bool:
    before = git_show(checkout, f"{FIX_COMMIT}^:{SESSIONS}")
    upstream_fixed = git_show(checkout, f"{FIX_COMMIT}:{SESSIONS}")
    plan = plan_fix(before)
    print(f"jsfix on {FIX_COMMIT}^:{SESSIONS}: {plan.status.value}: {plan.reason}")
    if plan.status is not Status.NEEDS_FIX:
        return False
    ours = plan.apply(before)
    identical_tree = same_program(ours, upstream_fixed)
    print(f"same syntax tree as {FIX_COMMIT}:{SESSIONS}: {'yes' if identical_tree else 'NO'}")
    with tempfile.TemporaryDirectory(prefix="jsfix-upstream-") as work:
        root = Path(work)
        (root / "static").mkdir()
        (root / "tests").mkdir()
        (root / SESSIONS).write_text(ours, encoding="utf-8")
        (root / UPSTREAM_TESTS).write_text(git_show(checkout, f"{FIX_COMMIT}:{UPSTREAM_TESTS}"), encoding="utf-8")
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", UPSTREAM_TESTS],
            cwd=root, capture_output=True, text=True, check=False,
        )
    summary = tests.stdout.strip().splitlines()[-1] if tests.stdout.strip() else tests.stderr.strip()
    print(f"upstream's regression tests on jsfix's output: {summary}")
    return identical_tree and tests.returncode == 0


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("skipped: give the path of a hermes-webui checkout to compare against upstream's fix")
        return 0
    return 0 if check(Path(argv[1])) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
