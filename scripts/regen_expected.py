"""Regenerate fixtures/<case>/expected.js or expected.json from jsfix's current output.

Run it after a deliberate change to the rules, then read `git diff fixtures/`
before committing: the expected files are the reviewed truth the tests hold
jsfix to, so every change to them must be one you meant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jsfix.javascript.source import decode_source
from jsfix.plan.fix import Status, plan_fix
from jsfix.plan.locate import Refused

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def main() -> int:
    for case in sorted(path for path in FIXTURES.iterdir() if (path / "input.js").exists()):
        source = decode_source((case / "input.js").read_bytes())
        try:
            plan = plan_fix(source.text)
        except Refused as error:
            expected = {"outcome": "refused", "reason": str(error)}
        else:
            if plan.status is Status.NEEDS_FIX:
                (case / "expected.js").write_bytes(source.encode(plan.apply(source.text)))
                (case / "expected.json").unlink(missing_ok=True)
                print(f"{case.name}: expected.js")
                continue
            expected = {"outcome": plan.status.value, "reason": plan.reason}
        (case / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
        (case / "expected.js").unlink(missing_ok=True)
        print(f"{case.name}: {expected['outcome']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
