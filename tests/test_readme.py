"""The README's command blocks, run as written, in the places they name.

Every `sh` block of the README follows a `<!-- readme-test: PLACE -->` line
saying where a user runs it: the jsfix checkout, a workspace where it gets
installed, the root of a fork that needs the fix, a fork that already has it
(with a stand-in for upstream's own #1937 tests), a folder of fork clones,
or a fork with pre-commit. The journey runs them in the README's order and
checks what each hands over to the next. The forks are laid out like real
ones: a `tests/` folder with a conftest.py that starts a server (here it
fails if loaded), the fork's own tests, other scripts that call the two
functions.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import NODE, ROOT
from forkrepos import (
    GIT_ENV,
    HARNESS,
    MODULE,
    commits,
    files_of_last_commit,
    fixture,
    git,
    make_fork,
    snapshot_of_this_checkout,
    tree,
)

from jsfix.javascript.source import decode_source
from jsfix.report.patches import SUBJECT
from jsfix.testgen import generate_suite

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="git and bash are needed"
)

BLOCK = re.compile(r"<!-- readme-test: (?P<place>[a-z-]+) -->\n```sh\n(?P<code>.*?)```\n", re.DOTALL)
PLACES = {"checkout", "install", "fork", "fixed-fork", "forks", "precommit"}
UPSTREAM_TESTS = "tests/test_issue1937_endless_scroll_jumpstart_race.py"

# A fork's conftest.py that starts the app's server: the suite must run without it.
SERVER_CONFTEST = b'raise RuntimeError("this conftest starts the app\'s test server")\n'
# The fork's own test of its sessions.js, run before and after the fix.
OWN_TEST = b'''from pathlib import Path


def test_sessions_js_defines_both_loaders():
    text = (Path(__file__).parent.parent / "static" / "sessions.js").read_text(encoding="utf-8")
    assert "async function _loadOlderMessages" in text
    assert "async function _ensureAllMessagesLoaded" in text
'''
# Written for these tests, in the place upstream's own #1937 tests take in a fork that merged the fix.
STAND_IN_UPSTREAM_TESTS = b'''"""A stand-in for upstream's own tests of the #1937 race, as a fork that merged the fix carries them."""


def test_the_fork_keeps_its_own_race_tests():
    assert "race" in __doc__
'''
CALLER = b"function onScroll() {\n  if (typeof _loadOlderMessages === 'function') _loadOlderMessages();\n}\n"


def readme_blocks() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(match["place"], match["code"]) for match in BLOCK.finditer(text)]


def blocks_for(place: str) -> list[str]:
    return [code for where, code in readme_blocks() if where == place]


def test_every_command_block_says_where_it_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count("```sh\n") == len(readme_blocks())
    assert {place for place, _ in readme_blocks()} == PLACES


def fork_files(case: str, *extra: tuple[str, bytes]) -> dict[str, bytes]:
    return {
        ".gitignore": b"__pycache__/\n",  # as real forks have, so running pytest leaves no untracked cache
        "static/sessions.js": fixture(case),
        "static/ui.js": CALLER,
        "tests/conftest.py": SERVER_CONFTEST,
        "tests/test_static_sessions.py": OWN_TEST,
        **dict(extra),
    }


@dataclass
class Workspace:
    top: Path
    environment: dict[str, str]

    def run(self, code: str, place: str) -> subprocess.CompletedProcess:
        """One README block, as a user pastes it into bash in that place (stopping at the first error)."""
        return subprocess.run(
            ["bash", "-e", "-c", code], cwd=self.top / place, capture_output=True, text=True,
            env=self.environment, timeout=900, check=False,
        )

    def run_all(self, place: str, folder: str | None = None) -> list[subprocess.CompletedProcess]:
        done = []
        for code in blocks_for(place):
            done.append(self.run(code, folder or place))
            assert done[-1].returncode == 0, f"{code}\n{done[-1].stdout}{done[-1].stderr}"
        return done


def workspace(top: Path, path: list[str]) -> Workspace:
    """Forks laid out like real ones, each cloned from an origin as a maintainer would clone it."""
    origins = {
        "fork": fork_files("upstream-parent"),
        "fixed-fork": fork_files("fully-fixed", (UPSTREAM_TESTS, STAND_IN_UPSTREAM_TESTS)),
        "forks/alice": fork_files("upstream-parent"),
        "forks/bob": fork_files("parts-1-3-present"),
        "forks/carol": fork_files("fully-fixed", (UPSTREAM_TESTS, STAND_IN_UPSTREAM_TESTS)),
    }
    for name, files in origins.items():
        origin = make_fork(top / "origins" / name, files)
        git(top, "clone", "-q", str(origin), str(top / name))
    environment = {
        **os.environ,
        **GIT_ENV,
        "HOME": str(top / "home"),
        "PATH": os.pathsep.join([*path, os.environ["PATH"]]),
        "PRE_COMMIT_COLOR": "never",
        "SOURCE_DATE_EPOCH": "1767225600",
    }
    environment.pop("VIRTUAL_ENV", None)
    (top / "home").mkdir()
    return Workspace(top, environment)


def status(repo: Path) -> list[str]:
    return git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()


def passed(output: str) -> str:
    """pytest's closing count, e.g. '26 passed'."""
    return re.findall(r"(\d+ passed(?:, \d+ \w+)*) in [\d.]+s", output)[-1]


def suite_count(case: str) -> str:
    """How pytest counts the suite generated for the fixture once fixed."""
    fixed = "expected.js" if (ROOT / "fixtures" / case / "expected.js").exists() else "input.js"
    suite = generate_suite(decode_source(fixture(case, fixed)).text)
    structural, behavioural = len(suite.structural), len(suite.behavioural)
    return f"{structural + behavioural} passed" if NODE else f"{structural} passed, {behavioural} skipped"


def run_fork_blocks(space: Workspace) -> None:
    fork = space.top / "fork"
    own_before = own_tests(fork)
    first, ci, options = [space.run(code, "fork") for code in blocks_for("fork")]
    for done in (first, ci, options):
        assert done.returncode == 0, done.stdout + done.stderr
    assert first.stdout.startswith("the fix is missing\n"), first.stdout  # check exited 1
    assert "+++ b/static/sessions.js\n" in first.stdout  # the dry run's diff
    if NODE:
        assert "static/sessions.js: holds\n" in first.stdout
    assert f"wrote  {MODULE}\nwrote  {HARNESS}\n" in first.stderr
    assert passed(first.stdout) == suite_count("upstream-parent")
    assert commits(fork) == ["Fix the endless-scroll prefetch vs Start-jump race (#1937)", "fork as cloned"]
    assert files_of_last_commit(fork) == ["M\tstatic/sessions.js", f"A\t{HARNESS}", f"A\t{MODULE}"]
    assert tree(fork)["static/sessions.js"] == fixture("upstream-parent", "expected.js")
    assert passed(ci.stdout) == suite_count("upstream-parent")
    assert "| fork | already fixed |" in options.stdout
    assert own_tests(fork) == own_before == "1 passed"


def own_tests(fork: Path) -> str:
    """The fork's own test of sessions.js (apart from its server conftest)."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest", "tests/test_static_sessions.py"],
        cwd=fork, capture_output=True, text=True, check=False,
    )
    return passed(done.stdout)


def run_fixed_fork_block(space: Workspace) -> None:
    fork = space.top / "fixed-fork"
    before = tree(fork)
    (done,) = space.run_all("fixed-fork")
    assert done.stderr.splitlines()[:4] == [
        "jsfix: 2 file(s): 1 already fixed, 1 not applicable",
        f"note  {UPSTREAM_TESTS} holds the fork's own #1937 tests; jsfix leaves it as it is and writes {MODULE} beside it",
        f"wrote  {MODULE}",
        f"wrote  {HARNESS}",
    ]
    assert passed(done.stdout) == suite_count("fully-fixed")
    assert status(fork) == [f"?? {HARNESS}", f"?? {MODULE}"]  # none of the fork's files changed
    assert {name: (fork / name).read_bytes() for name in before} == before


def run_forks_blocks(space: Workspace) -> None:
    top = space.top
    migration, script = space.run_all("forks", ".")
    assert migration.stdout.startswith("some forks need the fix\n"), migration.stdout
    assert sorted(path.name for path in (top / "patches").iterdir()) == ["forks__alice.patch", "forks__bob.patch"]
    for name, case in (("alice", "upstream-parent"), ("bob", "parts-1-3-present")):
        clone = top / "forks" / name
        assert commits(clone) == [SUBJECT, "fork as cloned"]
        assert files_of_last_commit(clone) == ["M\tstatic/sessions.js", f"A\t{HARNESS}", f"A\t{MODULE}"]
        assert tree(clone)["static/sessions.js"] == fixture(case, "expected.js")
        assert git(clone, "log", "-1", "--format=%an <%ae>") == "Fork Owner <owner@example.invalid>\n"
        assert status(clone) == []
    assert commits(top / "forks" / "carol") == ["fork as cloned"]
    assert re.findall(r"(\d+ passed(?:, \d+ \w+)*) in [\d.]+s", migration.stdout) == [
        suite_count("upstream-parent"), suite_count("parts-1-3-present")
    ]
    summary = (top / "summary.md").read_text(encoding="utf-8")
    assert "| forks/alice | would fix |" in summary and "| forks/carol | already fixed |" in summary
    assert (top / "migrate.sh").exists() and status(top / "forks" / "alice") == []  # nothing left to do there
    assert script.returncode == 0


@pytest.mark.slow
def test_the_journey_as_the_readme_tells_it(tmp_path: Path):
    """check, apply, verify, gen-tests, commit, CI; a fixed fork; many forks by patch: with this checkout's jsfix."""
    space = workspace(tmp_path, [str(Path(sys.executable).parent)])
    run_fork_blocks(space)
    run_fixed_fork_block(space)
    run_forks_blocks(space)


@pytest.mark.slow
@pytest.mark.network
def test_the_journey_with_jsfix_installed_as_the_readme_tells_it(tmp_path: Path, package_index: None):
    """The same journey, with jsfix installed from its checkout into a fresh environment by the install block."""
    # ~/.local/bin holds the jsfix command; python (with pytest) is the user's own.
    space = workspace(tmp_path, [str(tmp_path / "home/.local/bin"), str(Path(sys.executable).parent)])
    snapshot_of_this_checkout(tmp_path / "jsfix")
    (installed,) = space.run_all("install", ".")
    assert installed.stdout.strip().startswith("jsfix ")
    jsfix = shutil.which("jsfix", path=space.environment["PATH"])
    assert jsfix is not None and Path(jsfix).resolve().is_relative_to((tmp_path / "home/.jsfix").resolve())
    run_fork_blocks(space)
    run_fixed_fork_block(space)
    run_forks_blocks(space)
    if NODE is not None:
        (hooks,) = space.run_all("precommit", "fork")
        assert re.search(r"^jsfix check \(#1937 race fix present\)\.+Passed$", hooks.stdout, re.MULTILINE), hooks.stdout
        assert re.search(r"^jsfix verify \(#1937 race scenarios under node\)\.+Passed$", hooks.stdout, re.MULTILINE)


def test_the_checkout_block_runs_the_suite_as_ci_does():
    (block,) = blocks_for("checkout")
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    assert commands == ["./scripts/demo", "./scripts/test"]
    assert (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()[-1] == "exec bash scripts/test -q"


@pytest.mark.slow
@pytest.mark.network
def test_the_demo_runs_in_a_fresh_clone(tmp_path: Path, package_index: None):
    checkout = snapshot_of_this_checkout(tmp_path / "jsfix")
    (block,) = blocks_for("checkout")
    demo = block.splitlines()[0].split("#")[0].strip()
    done = subprocess.run(["bash", "-c", demo], cwd=checkout, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("--- a/fixtures/upstream-parent/input.js\n+++ b/fixtures/upstream-parent/input.js\n")


def test_the_migration_script_exits_as_per_repository_tools_expect(tmp_path: Path):
    """0 with changes (a pull request), 0 without (none), 5 with nothing written (the repository failed)."""
    (make_script,) = [line for line in blocks_for("forks")[1].splitlines() if line.startswith("printf")]
    environment = {**os.environ, **GIT_ENV, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", make_script], cwd=tmp_path, env=environment, check=True)
    forks = {
        "needs": make_fork(tmp_path / "needs", {"static/sessions.js": fixture("parts-1-3-present")}),
        "fixed": make_fork(tmp_path / "fixed", {"static/sessions.js": fixture("fully-fixed")}),
        "kept": make_fork(tmp_path / "kept", {"static/sessions.js": fixture("upstream-parent"), HARNESS: b"// ours\n"}),
    }
    seen = {}
    for name, fork in forks.items():
        exit_code = subprocess.run(
            [str(tmp_path / "migrate.sh")], cwd=fork, env=environment, capture_output=True, check=False
        ).returncode
        seen[name] = (exit_code, status(fork))
    assert seen == {
        "needs": (0, [" M static/sessions.js", f"?? {HARNESS}", f"?? {MODULE}"]),
        "fixed": (0, []),
        "kept": (5, []),
    }


# -- the documents themselves ------------------------------------------------------------------------

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FORK_SIDE = {MODULE, HARNESS, UPSTREAM_TESTS, "tests/conftest.py", "tests/test_NAME.py"}
REPOSITORY_PATH = re.compile(r"`((?:jsfix|scripts|benchmarks|fixtures|docs|tests|\.ci)/[^`\s]*)`")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_link_and_path_named_is_in_the_repository(document: Path):
    text = document.read_text(encoding="utf-8")
    assert "../shared" not in text and "URL_OF" not in text and "REV\n" not in text
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        assert not re.match(r"[a-z]+://", target), f"{document.name} links outside the repository: {target}"
        assert (document.parent / target).exists(), f"{document.name} links to a missing file: {target}"
    for path in REPOSITORY_PATH.findall(text):
        if path in FORK_SIDE or "*" in path or "NNN" in path:
            continue
        assert (ROOT / path).exists(), f"{document.name} names {path}, which is not in the repository"
