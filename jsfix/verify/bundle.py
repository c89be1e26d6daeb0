"""Building the node harness, one file, from its parts.

Forks receive the harness as one file beside their suite, and `jsfix
verify` runs that same file. It is written as parts, one job each, in
`jsfix/verify/parts/`, and two tables are data that Python reads too:
`names.json` (the names the extraction knows) and `scenarios.json` (the race
scenarios; gen-tests writes one test per scenario). `build_harness()`
concatenates the parts in pipeline order, with the tables written in as
JavaScript constants where the parts expect them.

    python -m jsfix.verify.bundle          # write jsfix/verify/harness.js
    python -m jsfix.verify.bundle --check  # exit 1 if it is not up to date

tests/test_harness_bundle.py holds the committed harness.js equal to a fresh build.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

PARTS = Path(__file__).with_name("parts")
HARNESS = Path(__file__).with_name("harness.js")

# The parts, in the order the file reads: the job protocol, the constants and
# tables, the page, building the program, the world and what must hold in it,
# the scheduler, then the extraction (lexer, declarations, modules, reach),
# the watchdog and the entry point.
ORDER = (
    "header.js",
    "constants.js",
    "names.json",
    "scenarios.json",
    "transcripts.js",
    "page.js",
    "program.js",
    "world.js",
    "invariants.js",
    "applicability.js",
    "scheduler.js",
    "lexer-tables.js",
    "lexer.js",
    "skim.js",
    "declarations.js",
    "modules.js",
    "extraction.js",
    "watchdog.js",
    "main.js",
)


@cache
def names() -> dict:
    """parts/names.json: targets, built-ins, the world, the paging state's names."""
    return json.loads((PARTS / "names.json").read_text(encoding="utf-8"))


@cache
def scenarios() -> tuple[dict, ...]:
    """parts/scenarios.json, in order: each scenario's name, title, calls and expectations."""
    return tuple(json.loads((PARTS / "scenarios.json").read_text(encoding="utf-8")))


def names_source(table: dict) -> str:
    return "\n".join(
        [
            "// From parts/names.json: the names the extraction knows.",
            f"const TARGETS = {_inline(table['targets'])};",
            f"const BUILTINS = new Set({_inline(table['builtins'])});",
            f"const WORLD = new Set({_inline(table['world'])});",
            f"const STATE_PROPERTIES = {_inline(table['stateProperties'])};",
            "const STATE_NAMES = Object.keys(STATE_PROPERTIES);",
            f"const GENERATION_KEYS = {_inline(table['generationKeys'])};",
        ]
    )


def scenarios_source(table: tuple[dict, ...]) -> str:
    """One scenario per block, one field per line."""
    blocks = []
    for scenario in table:
        fields = ",\n".join(f"    {json.dumps(key)}: {_inline(value)}" for key, value in scenario.items())
        blocks.append("  {\n" + fields + ",\n  }")
    return "// From parts/scenarios.json.\nconst SCENARIOS = [\n" + ",\n".join(blocks) + ",\n];"


def _inline(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def part_source(name: str) -> str:
    if name == "names.json":
        return names_source(names()) + "\n"
    if name == "scenarios.json":
        return scenarios_source(scenarios()) + "\n"
    return (PARTS / name).read_text(encoding="utf-8")


def build_harness() -> str:
    """The harness as forks receive it: every part, in ORDER, each once."""
    return "\n".join(part_source(name).rstrip("\n") + "\n" for name in ORDER)


def main(argv: list[str]) -> int:
    built = build_harness()
    current = HARNESS.read_text(encoding="utf-8") if HARNESS.exists() else None
    if "--check" in argv:
        if current != built:
            print(f"{HARNESS} is not up to date with {PARTS}; run python -m jsfix.verify.bundle", file=sys.stderr)
            return 1
        return 0
    if current != built:
        HARNESS.write_text(built, encoding="utf-8")
        print(f"wrote {HARNESS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
