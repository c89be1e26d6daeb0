"""Propose fixtures/<case>/expected.js or expected.json from jsfix's current output, as a diff.

    python scripts/regen_expected.py [CASE ...]            # print the diff; write nothing
    python scripts/regen_expected.py --write CASE [CASE ...]  # after reviewing it, write those cases

The expected files are the reviewed truth the tests hold jsfix to, so this
script only proposes: it prints, per case, the unified diff between the
expected file and what jsfix makes now, and exits 1 when there is any.
With --write it writes the named cases only (never all at once); read the
diff first, and let `jsfix verify` judge an expected.js before committing it.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from jsfix.javascript.parse import Refused
from jsfix.javascript.source import decode_source
from jsfix.plan.fix import Status, plan_fix

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def proposal(case: Path) -> tuple[str, bytes]:
    """(file name, content) of what the case's expected output would be now."""
    source = decode_source((case / "input.js").read_bytes())
    try:
        plan = plan_fix(source.text)
    except Refused as error:
        expected = {"outcome": "refused", "reason": str(error)}
    else:
        if plan.status is Status.NEEDS_FIX:
            return "expected.js", source.encode(plan.apply(source.text))
        expected = {"outcome": plan.status.value, "reason": plan.reason}
    return "expected.json", (json.dumps(expected, indent=2) + "\n").encode("utf-8")


def diff_of(case: Path, name: str, content: bytes) -> str:
    """The change from the case's current expected file (either kind) to `content`."""
    current = {each.name: each for each in (case / "expected.js", case / "expected.json") if each.exists()}
    old_name, old = next(iter(current.items()), (name, None))
    before = old.read_bytes().decode("utf-8", "replace") if old is not None else ""
    after = content.decode("utf-8", "replace")
    if old_name == name and before == after:
        return ""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/fixtures/{case.name}/{old_name}",
            f"b/fixtures/{case.name}/{name}",
        )
    )


def write(case: Path, name: str, content: bytes) -> None:
    (case / name).write_bytes(content)
    other = "expected.json" if name == "expected.js" else "expected.js"
    (case / other).unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case names (default: every case, only with no --write)")
    parser.add_argument("--write", action="store_true", help="write the named cases after review")
    options = parser.parse_args(argv)
    if options.write and not options.cases:
        parser.error("--write needs the case names you reviewed")
    every = sorted(path for path in FIXTURES.iterdir() if (path / "input.js").exists())
    cases = [path for path in every if not options.cases or path.name in options.cases]
    changed = 0
    for case in cases:
        name, content = proposal(case)
        diff = diff_of(case, name, content)
        if not diff:
            continue
        changed += 1
        if options.write:
            write(case, name, content)
            print(f"wrote fixtures/{case.name}/{name}")
        else:
            sys.stdout.write(diff)
    if not options.write:
        print(f"{changed} of {len(cases)} case(s) would change", file=sys.stderr)
    return 1 if changed and not options.write else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
