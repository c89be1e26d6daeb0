"""Import graphs at their edges: both extractions follow them alike, or both decline alike.

jsfix's own (esprima, jsfix/verify/extract.py) and the fork's harness (its
lexer, in harness.js) must keep the same code from the same modules, so a
fork's suite and `jsfix verify` never disagree. Each case is a small tree
written here: the two functions import their state from a sibling module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from jsfix.verify import HARNESS, Unverifiable, verify_path
from jsfix.verify.extract import Unmodelled, extract
from jsfix.verify.runner import harness_answers

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
TREE = FIXTURES / "checkouts" / "esm-state-owner" / "tree"
SESSIONS = Path("static/modules/sessions")


def tree(tmp_path: Path, changes: dict[str, tuple[str, str]] = {}, new: dict[str, str] = {}) -> Path:  # noqa: B006
    """The esm-state-owner tree with `changes` {file: (old, new)} and `new` files {file: text}."""
    shutil.copytree(TREE, tmp_path, dirs_exist_ok=True)
    (tmp_path / ".git").mkdir()
    for name, (old, replacement) in changes.items():
        path = tmp_path / SESSIONS / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, replacement), encoding="utf-8")
    for name, text in new.items():
        (tmp_path / SESSIONS / name).write_text(text, encoding="utf-8")
    return tmp_path


def both_extractions(root: Path) -> tuple[object, dict]:
    path = root / SESSIONS / "older-pages.js"
    try:
        ours = extract(path.read_text(encoding="utf-8"), path=path, root=root)
    except Unmodelled as error:
        ours = error
    (answer,) = harness_answers({"file": str(path), "extractOnly": True}, 1, timeout=60, harness=HARNESS)
    return ours, answer


def assert_same(ours, answer: dict) -> None:
    if isinstance(ours, Unmodelled):
        assert answer == {"ok": False, "error": f"cannot extract the two functions: {ours}"}
        return
    theirs = answer["extraction"]
    assert theirs["modules"] == [{"id": module_id, "source": source} for module_id, source in ours.modules]
    assert (theirs["source"], theirs["state"]) == (ours.source, dict(ours.state_access))


@needs_node
def test_a_state_module_that_imports_back_from_the_file_under_test_links_and_holds(tmp_path: Path):
    root = tree(
        tmp_path,
        {
            "paging-state.js": (
                "    generation = (generation + 1) | 0;\n",
                "    generation = (generation + 1) | 0;\n    noteGeneration();\n",
            ),
            "older-pages.js": (
                "export { _ensureAllMessagesLoaded, _loadOlderMessages };",
                ("let generationsSeen = 0;\nfunction noteGeneration() { generationsSeen += 1; }\n"
                "export { _ensureAllMessagesLoaded, _loadOlderMessages, noteGeneration };"),
            ),
        },
    )
    state = root / SESSIONS / "paging-state.js"
    state.write_text("import { noteGeneration } from './older-pages.js';\n" + state.read_text(encoding="utf-8"), encoding="utf-8")
    ours, answer = both_extractions(root)
    assert_same(ours, answer)
    assert any('from "static/modules/sessions/older-pages.js"' in source for _, source in ours.modules)
    assert verify_path(root / SESSIONS / "older-pages.js", root=root).verdict.value == "holds"


@needs_node
def test_two_star_exports_reach_the_state_by_separate_paths(tmp_path: Path):
    root = tree(
        tmp_path,
        {"older-pages.js": ("import { PAGE_SIZE, pagingState } from './paging-state.js';", "import { PAGE_SIZE, pagingState } from './facade.js';")},
        {
            "facade.js": "export * from './a.js';\nexport * from './b.js';\n",
            "a.js": "export * from './x.js';\n",
            "x.js": "export const unrelated = 1;\n",
            "b.js": "export * from './paging-state.js';\n",
        },
    )
    ours, answer = both_extractions(root)
    assert not isinstance(ours, Unmodelled)
    assert_same(ours, answer)


@needs_node
def test_a_name_re_exported_twice_through_one_module_is_no_cycle(tmp_path: Path):
    root = tree(
        tmp_path,
        {"older-pages.js": ("import { PAGE_SIZE, pagingState } from './paging-state.js';", "import { PAGE_SIZE, pagingState } from './facade.js';")},
        {
            "facade.js": "export { pagingState } from './a.js';\nexport { realState, PAGE_SIZE } from './real.js';\n",
            "a.js": "import { realState } from './facade.js';\nexport { realState as pagingState };\n",
            "real.js": "export { pagingState as realState, PAGE_SIZE } from './paging-state.js';\n",
        },
    )
    ours, answer = both_extractions(root)
    assert not isinstance(ours, Unmodelled)
    assert_same(ours, answer)


@needs_node
def test_state_through_a_namespace_import_is_unverifiable_on_both_sides(tmp_path: Path):
    root = tree(
        tmp_path,
        {
            "older-pages.js": (
                "import { PAGE_SIZE, pagingState } from './paging-state.js';",
                "import * as paging from './paging-state.js';\nconst PAGE_SIZE = 30;",
            )
        },
    )
    path = root / SESSIONS / "older-pages.js"
    path.write_text(path.read_text(encoding="utf-8").replace("pagingState.", "paging.pagingState."), encoding="utf-8")
    ours, answer = both_extractions(root)
    assert isinstance(ours, Unmodelled)
    assert str(ours) == (
        "_loadOlderMessages in static/modules/sessions/older-pages.js reaches the paging state through "
        "'paging', and 'paging' is a namespace import of './paging-state.js'"
    )
    assert_same(ours, answer)
    with pytest.raises(Unverifiable):
        verify_path(path, root=root)


@needs_node
def test_a_state_module_whose_top_level_needs_the_page_still_links(tmp_path: Path):
    root = tree(
        tmp_path,
        {"paging-state.js": ("export const PAGE_SIZE = 30;\n", "export const PAGE_SIZE = Number(localStorage.getItem('pageSize')) || 30;\n")},
    )
    assert verify_path(root / SESSIONS / "older-pages.js", root=root).verdict.value == "holds"
