"""Expected extractions: what the harness must cut out of a file, judged without the harness.

The selection (which declarations run, what is declared, stubbed, probed,
how the paging state is reached) was recorded from the esprima-based
extraction jsfix had before the harness became the only one, and reviewed:
`fixtures/extractions.json`, `fixtures/lexer-corpus/extractions.json`,
`fixtures/checkouts/*/extraction.json`. The cut itself (each kept statement's
exact text) is judged by esprima, through jsfix.javascript.parse.statement_sources.
"""

from __future__ import annotations

import json
from functools import cache

from conftest import FIXTURES

from jsfix.javascript.parse import statement_sources

SELECTION = ("kept", "declared", "state", "free", "optional", "strict", "module")


@cache
def recorded(relative: str) -> dict:
    """An expected-extraction file below fixtures/."""
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def assert_selection(got: dict, expected: dict, where: object) -> None:
    for key in SELECTION:
        if key in expected:
            assert got[key] == expected[key], f"{where}: {key}"


def assert_cut_as_esprima_cuts(got: dict, text: str, where: object) -> None:
    """Every kept source is a whole top-level statement as esprima spans it, in file order."""
    statements = statement_sources(text)
    missing = [source for source in got["sources"] if source not in statements]
    assert missing == [], f"{where}: not a statement esprima sees"
    positions = [statements.index(source) for source in got["sources"]]
    assert positions == sorted(set(positions)), f"{where}: out of order"
    if not got["modules"]:
        assert got["source"] == "\n".join(got["sources"]), where
