"""Import graphs at their edges: the extraction follows them, or declines, as recorded.

The harness's extraction, which `jsfix verify` and a fork's suite both run,
must keep the code and modules recorded for each tree in
fixtures/checkouts/esm-state-owner/edge-extractions.json (what the esprima
extraction jsfix had before kept), or decline with the recorded reason.
Each case is a small tree written here: the two functions import their
state from a sibling module.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, needs_node

from jsfix.verify import HARNESS, Unverifiable, verify_path
from jsfix.verify.runner import harness_answers

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


RECORDED = json.loads((FIXTURES / "checkouts/esm-state-owner/edge-extractions.json").read_text(encoding="utf-8"))


def both_extractions(root: Path, case: str) -> tuple[dict, dict]:
    """What was recorded for the tree of test `case`, and what the harness extracts from it now."""
    path = root / SESSIONS / "older-pages.js"
    (answer,) = harness_answers({"file": str(path), "extractOnly": True}, 1, timeout=60, harness=HARNESS)
    return RECORDED[case], answer


def assert_same(ours: dict, answer: dict) -> None:
    if "error" in ours:
        assert answer == {
            "ok": False,
            "error": f"cannot extract the two functions: {ours['error']}",
            "reason": ours["error"],
            "unrunnable": "unmodelled",
        }
        return
    theirs = answer["extraction"]
    assert theirs["modules"] == ours["modules"]
    assert (theirs["source"], theirs["state"]) == (ours["source"], ours["state"])


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
    ours, answer = both_extractions(root, "test_a_state_module_that_imports_back_from_the_file_under_test_links_and_holds")
    assert_same(ours, answer)
    assert any('from "static/modules/sessions/older-pages.js"' in module["source"] for module in ours["modules"])
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
    ours, answer = both_extractions(root, "test_two_star_exports_reach_the_state_by_separate_paths")
    assert "error" not in ours
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
    ours, answer = both_extractions(root, "test_a_name_re_exported_twice_through_one_module_is_no_cycle")
    assert "error" not in ours
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
    ours, answer = both_extractions(root, "test_state_through_a_namespace_import_is_unverifiable_on_both_sides")
    assert ours["error"] == (
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
