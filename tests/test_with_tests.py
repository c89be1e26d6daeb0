"""`jsfix apply --with-tests`: the fix and its regression suite, written together and in one patch."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NODE
from forkrepos import (
    HARNESS,
    MODULE,
    commits,
    counts,
    files_of_last_commit,
    fixture,
    git,
    make_fork,
    on_disk,
    run_suite,
    suite_for,
    tree,
)
from typer.testing import CliRunner

from jsfix import __version__
from jsfix.cli import app
from jsfix.outcomes import EXIT_PROBLEM, EXIT_USAGE
from jsfix.report.patches import SUBJECT
from jsfix.testgen.behavioural import harness_scenarios

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FORKS = {"alice": "upstream-parent", "bob": "parts-1-3-present", "carol": "fully-fixed"}
BEHAVIOURAL = "passed" if NODE else "skipped"


def jsfix(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def forks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three forks: one needing the whole fix, one partly fixed, one fixed. The working directory holds them."""
    top = tmp_path / "forks"
    for name, case in FORKS.items():
        make_fork(top / name, {"static/sessions.js": fixture(case), "README.md": b"a fork\n"})
    monkeypatch.chdir(top)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return top


def expected_suite(case: str):
    """The suite gen-tests would write for the fixture's fixed text."""
    return suite_for(case)


# -- the acceptance run: one patch, one commit, a passing suite ----------------------------------


def test_one_git_am_gives_one_commit_with_the_fix_and_a_suite_that_passes(forks: Path):
    clones = {}
    for name in FORKS:
        clones[name] = forks.parent / "clones" / name
        git(forks.parent, "clone", "-q", str(forks / name), str(clones[name]))
    result = jsfix("apply", "--with-tests", "--patch-dir", "patches", ".")
    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in Path("patches").iterdir()) == ["alice.patch", "bob.patch"]  # carol: none
    for name in ("alice", "bob"):
        # Patch mode leaves the checkout as it was, so git am works there as in a clean clone.
        assert git(forks / name, "status", "--porcelain", "--untracked-files=all") == ""
        for repo in (clones[name], forks / name):
            git(repo, "am", "-q", str(forks / "patches" / f"{name}.patch"))
            assert commits(repo) == [SUBJECT, "fork as cloned"]
            assert files_of_last_commit(repo) == [
                "M\tstatic/sessions.js",
                f"A\t{HARNESS}",
                f"A\t{MODULE}",
            ]
        committed = tree(clones[name])
        assert committed == tree(forks / name)
        assert committed["static/sessions.js"] == fixture(FORKS[name], "expected.js")
        suite = expected_suite(FORKS[name])
        outcomes = run_suite(clones[name])
        assert outcomes == {
            **dict.fromkeys(suite.structural, "passed"),
            **dict.fromkeys(suite.behavioural, BEHAVIOURAL),
        }
    assert commits(clones["carol"]) == ["fork as cloned"]
    assert git(forks / "carol", "status", "--porcelain") == ""


def test_a_dry_run_patch_applies_in_the_checkout_and_its_diff_creates_the_suite(forks: Path):
    before = git(forks / "alice", "rev-parse", "HEAD")
    result = jsfix("apply", "--dry-run", "--with-tests", "--patch-dir", "patches", "alice")
    assert result.exit_code == 0, result.stderr
    assert git(forks / "alice", "status", "--porcelain") == ""  # a dry run writes nothing
    headers = [line for line in result.stdout.splitlines() if line.startswith(("--- ", "+++ "))]
    assert headers == [
        "--- a/alice/static/sessions.js",
        "+++ b/alice/static/sessions.js",
        "--- /dev/null",
        f"+++ b/alice/{MODULE}",
        "--- /dev/null",
        f"+++ b/alice/{HARNESS}",
    ]
    git(forks / "alice", "am", "-q", str(forks / "patches" / "alice.patch"))
    assert git(forks / "alice", "rev-parse", "HEAD~1") == before
    suite = expected_suite("upstream-parent")
    assert on_disk(forks / "alice", [MODULE, HARNESS]) == {
        each.path.as_posix(): each.text.encode() for each in suite.files
    }


def test_the_dry_run_diff_piped_to_git_apply_in_a_fork_root_writes_what_apply_writes(forks: Path, monkeypatch):
    monkeypatch.chdir(forks / "bob")
    diff = jsfix("apply", "--dry-run", "--with-tests", ".").stdout
    subprocess.run(["git", "apply"], input=diff.encode(), cwd=forks / "bob", check=True)
    piped = on_disk(forks / "bob", ["static/sessions.js", MODULE, HARNESS])
    git(forks / "bob", "checkout", "-q", ".")
    for name in (MODULE, HARNESS):
        (forks / "bob" / name).unlink()
    assert jsfix("apply", "--with-tests", ".").exit_code == 0
    assert on_disk(forks / "bob", piped) == piped


def test_the_patch_message_names_the_parts_the_scenarios_and_the_command(forks: Path):
    assert jsfix("apply", "--dry-run", "--with-tests", "--patch-dir", "patches", "bob").exit_code == 0
    patch = Path("patches/bob.patch").read_text()
    message = patch[patch.index("Parts of the fix added") : patch.index("\n---\n")]
    scenarios = harness_scenarios()
    listed = message[message.index("can settle:\n") + 12 : message.index("\n\nRun the suite")]
    # One item per scenario of the harness, in its order, continued lines indented by two.
    assert listed.replace("\n  ", " ").splitlines() == [f"- {each.name}: {each.title}" for each in scenarios]
    head = f"""\
Parts of the fix added by jsfix {__version__}:
- static/sessions.js: wait then lock, session guards, bump before replace, page index reset

Regression tests added with the fix, generated for the fixed file:
- {MODULE}:
  {len(expected_suite("parts-1-3-present").structural)} structural tests that pin the statements of the fix as this file
  writes them, and one test per race scenario
- {HARNESS}: the node script that runs those
  scenarios

Race scenarios covered, each run on the file's own two functions
through every order in which their requests and timers can settle:
- prefetch-then-start-jump: prefetch in flight, then Start-jump
"""
    tail = f"""
Run the suite from the repository root with:
    python -m pytest --noconftest {MODULE}
It needs only pytest, and node for the race scenarios (skipped
without it); it uses no conftest.py fixture, and --noconftest keeps
the fork's own fixtures (a test server, say) out of its run."""
    assert message.startswith(head)
    assert message.endswith(tail)
    stat = patch[patch.index("\n---\n") + 5 : patch.index("\n\ndiff --git")]
    assert [line.split("|")[0].strip() for line in stat.splitlines()[:-1]] == ["static/sessions.js", HARNESS, MODULE]
    assert stat.splitlines()[-1].startswith(" 3 files changed, ")


def test_without_with_tests_the_patch_holds_the_fix_alone(forks: Path):
    assert jsfix("apply", "--dry-run", "--patch-dir", "patches", "bob").exit_code == 0
    patch = Path("patches/bob.patch").read_text()
    assert patch.count("diff --git") == 1 and "Regression tests" not in patch


# -- suite files that are already there --------------------------------------------------------------


def write_suite_of(repo: Path, case: str, edit: str | None = None) -> None:
    for each in expected_suite(case).files:
        path = repo / each.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(each.text if edit is None or each.path.name != Path(MODULE).name else each.text + edit)


KEPT = (
    "its suite cannot be written: {path} {problem}; run again with --force to overwrite it, "
    "or without --with-tests to write the fix alone"
)
NEVER_OVERWRITTEN = (
    "its suite cannot be written: {path} exists and was not written by jsfix, which never overwrites such a file; "
    "run without --with-tests to write the fix alone, then jsfix gen-tests --out with a test module in another "
    "folder (the harness goes beside it)"
)


@pytest.mark.parametrize("dry_run", [False, True], ids=["apply", "dry-run"])
def test_a_hand_edited_suite_refuses_the_fix_too_unless_forced(forks: Path, dry_run: bool):
    write_suite_of(forks / "alice", "upstream-parent", edit="\n# my own note\n")
    before = on_disk(forks / "alice", ["static/sessions.js", MODULE, HARNESS])
    flags = ["--dry-run"] if dry_run else []
    result = jsfix("apply", *flags, "--with-tests", "--json", "-", "--patch-dir", "patches", "alice/static/sessions.js")
    assert result.exit_code == EXIT_PROBLEM
    (entry,) = json.loads(result.stdout)["files"]
    assert (entry["outcome"], entry["reason"]) == (
        "refused",
        KEPT.format(path=MODULE, problem="was edited by hand since jsfix generated it"),
    )
    assert on_disk(forks / "alice", before) == before
    assert not Path("patches").exists()
    forced = jsfix("apply", "--with-tests", "--force", "alice")
    assert forced.exit_code == 0, forced.stderr
    assert (forks / "alice" / "static/sessions.js").read_bytes() == fixture("upstream-parent", "expected.js")
    assert (forks / "alice" / MODULE).read_text() == expected_suite("upstream-parent").files[0].text


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "forced"])
def test_a_file_jsfix_did_not_write_at_a_suite_path_is_kept_even_with_force(forks: Path, force: list[str]):
    (forks / "bob" / "tests").mkdir()
    (forks / "bob" / HARNESS).write_text("// my own harness\n")
    result = jsfix("apply", "--with-tests", *force, "--json", "-", "bob/static/sessions.js")
    assert result.exit_code == EXIT_PROBLEM
    assert json.loads(result.stdout)["files"][0]["reason"] == NEVER_OVERWRITTEN.format(path=HARNESS)
    assert (forks / "bob" / "static/sessions.js").read_bytes() == fixture("parts-1-3-present")
    assert (forks / "bob" / HARNESS).read_text() == "// my own harness\n"


def test_an_unedited_older_suite_is_replaced_and_the_patch_modifies_it(forks: Path):
    write_suite_of(forks / "bob", "second-await-fallback")  # generated for another text, never edited
    git(forks / "bob", "add", "-A")
    git(forks / "bob", "commit", "-q", "-m", "an older suite")
    result = jsfix("apply", "--dry-run", "--with-tests", "--patch-dir", "patches", "--json", "-", "bob/static/sessions.js")
    assert result.exit_code == 0, result.stderr
    suites = json.loads(result.stdout)["suites"]
    assert [(each["status"], [(f["path"], f["changed"], f["new"]) for f in each["files"]]) for each in suites] == [
        ("would write", [(MODULE, True, False), (HARNESS, False, False)])  # the harness is the same text
    ]
    patch = Path("patches/bob.patch").read_text()
    assert "new file mode" not in patch and f"--- a/{MODULE}\n+++ b/{MODULE}\n" in patch
    git(forks / "bob", "am", "-q", str(forks / "patches" / "bob.patch"))
    assert files_of_last_commit(forks / "bob") == ["M\tstatic/sessions.js", f"M\t{MODULE}"]


def test_a_suite_already_up_to_date_is_left_and_the_patch_says_nothing_of_tests(forks: Path):
    write_suite_of(forks / "alice", "upstream-parent")  # exactly what the fixed file will get
    result = jsfix("apply", "--dry-run", "--with-tests", "--patch-dir", "patches", "alice")
    assert result.exit_code == 0, result.stderr
    assert (
        f"jsfix: the suite for alice/static/sessions.js is up to date: {MODULE}, {HARNESS} "
        f"({counts('upstream-parent')})"
    ) in result.stderr.splitlines()
    patch = Path("patches/alice.patch").read_text()
    assert patch.count("diff --git") == 1 and "Regression tests" not in patch


def test_an_already_fixed_fork_gets_no_suite(forks: Path):
    result = jsfix("apply", "--with-tests", "--json", "-", "carol")
    assert json.loads(result.stdout)["suites"] == []
    assert not (forks / "carol" / "tests").exists()


# -- which files get a suite -------------------------------------------------------------------------


def test_only_static_sessions_js_gets_a_suite_and_the_others_are_named(forks: Path):
    legacy = forks / "alice" / "static" / "legacy" / "sessions.js"
    legacy.parent.mkdir()
    legacy.write_bytes(fixture("style-tabs"))
    git(forks / "alice", "add", "-A")
    git(forks / "alice", "commit", "-q", "-m", "a second copy")
    loose = forks / "loose"
    loose.mkdir()
    (loose / "sessions.js").write_bytes(fixture("style-four-spaces"))
    result = jsfix("apply", "--with-tests", "alice", "loose")
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "suite" in line] == [
        (
            "jsfix: no suite for alice/static/legacy/sessions.js: apply writes a suite for static/sessions.js only; "
            "for static/legacy/sessions.js run jsfix gen-tests --js static/legacy/sessions.js "
            "--out DIR/test_NAME.py, in a folder of its own"
        ),
        (
            f"jsfix: wrote the suite for alice/static/sessions.js: {MODULE}, {HARNESS} "
            f"({counts('upstream-parent')})"
        ),
        (
            "jsfix: no suite for loose/sessions.js: it is not in a git repository, so there is no root to put "
            "tests/ under; in the fork's checkout run jsfix gen-tests --js PATH"
        ),
    ]
    assert sorted(p.relative_to(forks).as_posix() for p in forks.rglob("test_*.py")) == [f"alice/{MODULE}"]
    assert legacy.read_bytes() == fixture("style-tabs", "expected.js")  # fixed all the same


# -- failures after the fix was written are undone -----------------------------------------------------


def test_a_suite_that_cannot_be_generated_undoes_the_fix(forks: Path, monkeypatch: pytest.MonkeyPatch):
    def broken(text, **options):
        raise RuntimeError("boom")

    monkeypatch.setattr("jsfix.files.suites.generate_suite", broken)
    result = jsfix("apply", "--with-tests", "--json", "-", "alice")
    assert result.exit_code == EXIT_PROBLEM
    entry = json.loads(result.stdout)["files"][0]
    assert (entry["outcome"], entry["reason"], entry["lines_added"]) == (
        "failed",
        "internal error: its suite could not be generated (RuntimeError: boom); the fix was undone",
        0,
    )
    assert (forks / "alice" / "static/sessions.js").read_bytes() == fixture("upstream-parent")
    assert git(forks / "alice", "status", "--porcelain") == ""


def test_a_suite_file_that_cannot_be_written_undoes_the_module_and_the_fix(forks: Path, monkeypatch):
    from jsfix.files.write import write_text

    def harness_fails(path: Path, text: str) -> None:
        if path.name == Path(HARNESS).name:
            raise PermissionError(13, "Permission denied", str(path))
        write_text(path, text)

    monkeypatch.setattr("jsfix.files.suites.write_text", harness_fails)
    result = jsfix("apply", "--with-tests", "--json", "-", "alice")
    assert result.exit_code == EXIT_PROBLEM
    entry = json.loads(result.stdout)["files"][0]
    assert (entry["outcome"], entry["reason"]) == (
        "refused",
        f"its suite could not be written ({forks / 'alice' / HARNESS}: Permission denied); the fix was undone",
    )
    assert git(forks / "alice", "status", "--porcelain", "--untracked-files=all") == ""


def test_force_without_with_tests_is_a_usage_error(forks: Path):
    result = jsfix("apply", "--force", "alice")
    assert result.exit_code == EXIT_USAGE
    assert "--force needs --with-tests" in result.stderr


def test_apply_without_with_tests_does_not_load_libcst(forks: Path):
    probe = (
        "import sys\nfrom jsfix.cli import app\n"
        "try:\n    app(['apply', '--dry-run', 'alice/static/sessions.js'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(name for name in ('libcst', 'jsfix.testgen', 'jsfix.suites') if name in sys.modules))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=forks, capture_output=True, text=True, check=True
    )
    assert completed.stdout.splitlines()[-1] == "[]"


def test_suite_files_get_the_mode_of_any_new_file_and_a_replaced_one_keeps_its_own(forks: Path):
    previous = os.umask(0o022)
    try:
        assert jsfix("apply", "--with-tests", "alice").exit_code == 0
        assert [stat.S_IMODE((forks / "alice" / name).stat().st_mode) for name in (MODULE, HARNESS)] == [0o644, 0o644]
        (forks / "alice" / MODULE).chmod(0o640)
        (forks / "alice" / MODULE).write_text("# jsfix-digest: " + "0" * 64 + "\n")  # as if from an older jsfix
        assert jsfix("gen-tests", "alice", "--force").exit_code == 0
        assert stat.S_IMODE((forks / "alice" / MODULE).stat().st_mode) == 0o640
    finally:
        os.umask(previous)
