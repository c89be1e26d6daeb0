"""A fleet of fork checkouts in tmp_path: choosing files, workers, reports, patches, reruns."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jsfix.cli import app
from jsfix.files import discover
from jsfix.files.discover import select_files
from jsfix.files.fleet import run
from jsfix.files.process import process_file
from jsfix.files.progress import progress_reporter
from jsfix.outcomes import EXIT_PROBLEM, EXIT_USAGE, Outcome
from jsfix.report.patches import SUBJECT, patch_file_name, quote_path
from jsfix.settings import Mode, Settings

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GIT_IDENTITY = ["-c", "user.name=Fleet Test", "-c", "user.email=fleet@example.invalid", "-c", "commit.gpgsign=false"]


def fixture_input(case: str) -> bytes:
    return (FIXTURES / case / "input.js").read_bytes()


def fixture_expected(case: str) -> bytes:
    return (FIXTURES / case / "expected.js").read_bytes()


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *GIT_IDENTITY, *args], cwd=repo, capture_output=True, check=check)


def make_repo(root: Path, files: dict[str, bytes], gitignore: str = "", force_add: tuple[str, ...] = ()) -> Path:
    root.mkdir(parents=True)
    if gitignore:
        (root / ".gitignore").write_text(gitignore)
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    git(root, "init", "-q")
    # Who the fork's owner is in this clone: the patches' author, as git format-patch would take it.
    git(root, "config", "user.name", "Fork Owner")
    git(root, "config", "user.email", "owner@example.invalid")
    git(root, "add", "-A")
    for name in force_add:
        git(root, "add", "-f", name)
    git(root, "commit", "-q", "-m", "fork as cloned")
    return root


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five forks side by side and one loose folder; the working directory is the fleet."""
    top = tmp_path / "fleet"
    alice = make_repo(
        top / "alice" / "hermes-webui",
        {
            "static/sessions.js": fixture_input("upstream-parent"),
            "static/app.js": b"function hello() {\n  return 'unrelated';\n}\n",
            "static/ui.min.js": fixture_input("upstream-parent"),
            "static/blob.js": b"\x00\x01binary" + fixture_input("upstream-parent"),
            "static/vendor/lib.js": fixture_input("upstream-parent"),
            "node_modules/pkg/index.js": fixture_input("upstream-parent"),
            "build/bundle.js": fixture_input("upstream-parent"),
        },
        gitignore="node_modules/\nbuild/\n",
    )
    (alice / "static" / "loop").symlink_to("..")  # a symlink loop, untracked
    (alice / "static" / "link.js").symlink_to("sessions.js")  # the same file again, through a link
    make_repo(top / "bob" / "hermes-webui", {"static/sessions.js": fixture_input("style-crlf")})
    make_repo(
        top / "carol" / "hermes-webui",
        {
            "static/sessions.js": fixture_input("fully-fixed"),
            "static/alt.js": fixture_input("wait-helper-alternative"),
            "node_modules/dep/index.js": fixture_input("upstream-parent"),
        },
        gitignore="node_modules/\n",
        force_add=("node_modules/dep/index.js",),  # tracked despite .gitignore: git lists it, jsfix skips it
    )
    dave = make_repo(top / "dave" / "hermes-webui", {"static/sessions.js": fixture_input("parts-1-3-present")})
    make_repo(dave / "plugins" / "extra", {"sessions.js": fixture_input("style-tabs")})  # nested, untracked in dave
    loose = top / "loose"
    (loose / "node_modules").mkdir(parents=True)
    (loose / "sessions.js").write_bytes(fixture_input("style-four-spaces"))
    (loose / "node_modules" / "x.js").write_bytes(fixture_input("upstream-parent"))
    (loose / "big.js").write_bytes(b"// padding\n" * (discover.MAX_BYTES // 11 + 1))
    (loose / "cycle").symlink_to(".")
    monkeypatch.chdir(top)
    return top


CHOSEN = [
    "alice/hermes-webui/static/app.js",
    "alice/hermes-webui/static/sessions.js",
    "bob/hermes-webui/static/sessions.js",
    "carol/hermes-webui/static/alt.js",
    "carol/hermes-webui/static/sessions.js",
    "dave/hermes-webui/plugins/extra/sessions.js",
    "dave/hermes-webui/static/sessions.js",
    "loose/sessions.js",
]

SKIPPED = {
    discover.SKIP_MINIFIED: 1,
    discover.SKIP_BINARY: 1,
    discover.SKIP_VENDORED: 1,
    discover.SKIP_NODE_MODULES: 2,  # carol's tracked node_modules, loose/node_modules
    discover.SKIP_SYMLINKED_DIRECTORY: 2,  # alice's static/loop, loose/cycle
    discover.SKIP_TOO_LARGE: 1,
    discover.SKIP_SYMLINKED_FILE: 1,
}

OUTCOMES_DRY_RUN = {
    "alice/hermes-webui/static/app.js": "not applicable",
    "alice/hermes-webui/static/sessions.js": "would fix",
    "bob/hermes-webui/static/sessions.js": "would fix",
    "carol/hermes-webui/static/alt.js": "equivalent fix",
    "carol/hermes-webui/static/sessions.js": "already fixed",
    "dave/hermes-webui/plugins/extra/sessions.js": "would fix",
    "dave/hermes-webui/static/sessions.js": "would fix",
    "loose/sessions.js": "would fix",
}

FIXED_FROM = {  # file -> the fixture whose expected.js it must become
    "alice/hermes-webui/static/sessions.js": "upstream-parent",
    "bob/hermes-webui/static/sessions.js": "style-crlf",
    "dave/hermes-webui/plugins/extra/sessions.js": "style-tabs",
    "dave/hermes-webui/static/sessions.js": "parts-1-3-present",
    "loose/sessions.js": "style-four-spaces",
}

REPO_ROOTS = {
    "alice/hermes-webui/static/app.js": "alice/hermes-webui",
    "alice/hermes-webui/static/sessions.js": "alice/hermes-webui",
    "bob/hermes-webui/static/sessions.js": "bob/hermes-webui",
    "carol/hermes-webui/static/alt.js": "carol/hermes-webui",
    "carol/hermes-webui/static/sessions.js": "carol/hermes-webui",
    "dave/hermes-webui/plugins/extra/sessions.js": "dave/hermes-webui/plugins/extra",
    "dave/hermes-webui/static/sessions.js": "dave/hermes-webui",
    "loose/sessions.js": None,
}

PATCHES = {
    "alice/hermes-webui": "patches/alice__hermes-webui.patch",
    "bob/hermes-webui": "patches/bob__hermes-webui.patch",
    "dave/hermes-webui": "patches/dave__hermes-webui.patch",
    "dave/hermes-webui/plugins/extra": "patches/dave__hermes-webui__plugins__extra.patch",
}


def jsfix(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(top: Path) -> dict[str, tuple[bytes, int]]:
    found = {}
    for directory, _, names in os.walk(top):
        if ".git" in Path(directory).relative_to(top).parts:
            continue
        for name in names:
            path = Path(directory) / name
            if not path.is_symlink():
                found[path.relative_to(top).as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


# -- choosing the files ----------------------------------------------------------------


def test_the_walk_chooses_the_right_files_and_counts_what_it_skips(fleet: Path):
    selection = select_files([Path(".")])
    assert [each.path.as_posix() for each in selection.files] == CHOSEN
    assert dict(selection.skipped) == SKIPPED
    roots = {each.path.as_posix(): each.repo_root for each in selection.files}
    assert roots["loose/sessions.js"] is None
    assert roots["dave/hermes-webui/plugins/extra/sessions.js"] == fleet / "dave/hermes-webui/plugins/extra"


def test_gitignored_files_are_left_out_of_a_walk_but_taken_when_named(fleet: Path):
    walked = [each.path.as_posix() for each in select_files([Path("alice")]).files]
    assert "alice/hermes-webui/build/bundle.js" not in walked
    named = select_files([Path("alice/hermes-webui/build/bundle.js"), Path("alice/hermes-webui/static/ui.min.js")])
    assert [each.path.as_posix() for each in named.files] == [
        "alice/hermes-webui/build/bundle.js",
        "alice/hermes-webui/static/ui.min.js",
    ]
    assert not named.skipped


def test_a_fleet_cloned_into_a_folder_its_outer_repository_ignores_is_still_walked(fleet: Path):
    outer = fleet.parent
    (outer / ".gitignore").write_text("fleet/\n")
    git(outer, "init", "-q")
    assert [each.path.as_posix() for each in select_files([Path(".")]).files] == CHOSEN
    assert dict(select_files([Path(".")]).skipped) == SKIPPED


def test_paths_are_taken_once_and_sorted_whatever_the_order_given(fleet: Path):
    paths = [Path("loose"), Path("alice/hermes-webui/static/sessions.js"), Path("alice"), Path("./loose/sessions.js")]
    files = [each.path.as_posix() for each in select_files(paths).files]
    assert files == ["alice/hermes-webui/static/app.js", "alice/hermes-webui/static/sessions.js", "loose/sessions.js"]


def test_a_walk_outside_git_skips_the_same_folders(fleet: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(discover, "git_listed_files", lambda directory: None)  # as if git were missing
    selection = select_files([Path("loose")])
    assert [each.path.as_posix() for each in selection.files] == ["loose/sessions.js"]
    assert dict(selection.skipped) == {
        discover.SKIP_NODE_MODULES: 1,
        discover.SKIP_SYMLINKED_DIRECTORY: 1,
        discover.SKIP_TOO_LARGE: 1,
    }


def test_from_file_reads_a_list_and_standard_input(fleet: Path):
    Path("list.txt").write_text("loose/sessions.js\n\ncarol/hermes-webui\n./loose/sessions.js\n")
    listed = jsfix("check", "--json", "-", "--from-file", "list.txt")
    assert [each["path"] for each in json.loads(listed.stdout)["files"]] == [
        "carol/hermes-webui/static/alt.js",
        "carol/hermes-webui/static/sessions.js",
        "loose/sessions.js",
    ]
    piped = jsfix("check", "--json", "-", "--from-file", "-", "bob", input="loose/sessions.js\n")
    assert [each["path"] for each in json.loads(piped.stdout)["files"]] == [
        "bob/hermes-webui/static/sessions.js",
        "loose/sessions.js",
    ]


def test_no_paths_at_all_is_a_usage_error(fleet: Path):
    result = jsfix("check")
    assert result.exit_code == EXIT_USAGE
    assert "give files or directories, or --from-file LIST" in result.stderr


# -- not applicable without parsing --------------------------------------------------------


def test_a_file_naming_neither_function_is_not_applicable_without_being_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def no_parsing(text):
        raise AssertionError("parsed")

    monkeypatch.setattr("jsfix.files.process.plan_fix", no_parsing)
    path = tmp_path / "app.js"
    path.write_text("function hello() { return 'this file does not even parse' +; }\n")
    result = process_file(path, Settings(mode=Mode.CHECK, cwd=tmp_path))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, "neither target function is mentioned")


def test_a_file_defining_only_one_of_the_two_is_refused_by_the_core(tmp_path: Path):
    path = tmp_path / "half.js"
    path.write_text("let _loadingOlder = false;\nasync function _loadOlderMessages() {}\n")
    result = process_file(path, Settings(mode=Mode.CHECK, cwd=tmp_path))
    assert (result.outcome, result.reason) == (
        Outcome.REFUSED,
        "_loadOlderMessages is defined but _ensureAllMessagesLoaded is not; the fix needs both",
    )


# -- reports, patches, reruns ---------------------------------------------------------------


def test_dry_run_reports_every_file_in_sorted_order_and_writes_nothing(fleet: Path):
    before = snapshot(fleet)
    result = jsfix("apply", "--dry-run", "-j", "2", "--json", "report.json", ".")
    assert result.exit_code == 0, result.stderr
    report = json.loads(Path("report.json").read_text())
    assert {each["path"]: each["outcome"] for each in report["files"]} == OUTCOMES_DRY_RUN
    assert [each["path"] for each in report["files"]] == CHOSEN
    assert {each["path"]: each["repo_root"] for each in report["files"]} == REPO_ROOTS
    assert report["skipped"] == SKIPPED
    assert report["counts"] == {
        "fixed": 0,
        "would fix": 5,
        "already fixed": 1,
        "equivalent fix": 1,
        "not applicable": 1,
        "refused": 0,
        "failed": 0,
    }
    assert report["exit_code"] == 0
    after = snapshot(fleet)
    del after["report.json"]
    assert after == before
    # The diffs go to standard output, in the same sorted order.
    assert [line[6:] for line in result.stdout.splitlines() if line.startswith("--- a/")] == list(FIXED_FROM)


def test_the_json_report_matches_the_files_on_disk_after_apply(fleet: Path):
    dry = json.loads(jsfix("apply", "--dry-run", "--json", "-", ".").stdout)
    result = jsfix("apply", "-j", "2", "--json", "report.json", ".")
    assert result.exit_code == 0, result.stderr
    report = json.loads(Path("report.json").read_text())
    for entry, planned in zip(report["files"], dry["files"], strict=True):
        path = Path(entry["path"])
        assert entry["sha256_after"] == sha256(path), entry["path"]
        assert entry["sha256_after"] == planned["sha256_after"]  # the dry run predicted the bytes
        assert entry["sha256_before"] == planned["sha256_before"]
        if entry["path"] in FIXED_FROM:
            assert entry["outcome"] == "fixed"
            assert path.read_bytes() == fixture_expected(FIXED_FROM[entry["path"]])
            assert entry["lines_added"] > 0 and entry["parts"]
        else:
            assert entry["sha256_before"] == entry["sha256_after"]
        assert entry["repo_root"] == REPO_ROOTS[entry["path"]]
        assert entry["verify"] is None
    assert report["mode"] == "write"


def test_a_second_run_changes_nothing(fleet: Path):
    first = jsfix("apply", ".")
    assert first.exit_code == 0, first.stderr
    before = snapshot(fleet)
    second = jsfix("apply", "--patch-dir", "again", "--json", "-", ".")
    assert second.exit_code == 0
    report = json.loads(second.stdout)
    assert report["counts"]["fixed"] == 0 and report["patches"] == {}
    assert {each["outcome"] for each in report["files"]} == {"already fixed", "equivalent fix", "not applicable"}
    assert snapshot(fleet) == before
    assert not Path("again").exists()
    assert jsfix("check", ".").exit_code == 0


def test_one_worker_and_two_workers_report_the_same(fleet: Path):
    one = json.loads(jsfix("check", "-j", "1", "--json", "-", ".").stdout)
    two = json.loads(jsfix("check", "-j", "2", "--json", "-", ".").stdout)
    assert one == two
    assert one["exit_code"] == 1


def test_patches_pass_git_apply_check_and_git_am(fleet: Path):
    result = jsfix("apply", "--dry-run", "--patch-dir", "patches", "--json", "report.json", ".")
    assert result.exit_code == 0, result.stderr
    report = json.loads(Path("report.json").read_text())
    assert report["patches"] == PATCHES
    assert "jsfix: no patch for 1 file(s) outside git: loose/sessions.js" in result.stderr.splitlines()
    assert sorted(p.as_posix() for p in Path("patches").iterdir()) == sorted(PATCHES.values())
    for repo, patch in PATCHES.items():
        patch_path = fleet / patch
        text = patch_path.read_text()
        assert text.startswith("From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n")
        assert f"Subject: [PATCH] {SUBJECT}\n" in text
        git(fleet / repo, "apply", "--check", str(patch_path))
        keep_cr = ["--keep-cr"] if repo == "bob/hermes-webui" else []
        if keep_cr:
            assert "Apply with `git am --keep-cr`: static/sessions.js has CRLF line endings." in text
        git(fleet / repo, "am", "-q", *keep_cr, str(patch_path))
        log = git(fleet / repo, "log", "-1", "--format=%an <%ae>%n%s%n%b").stdout.decode()
        assert log.startswith(f"Fork Owner <owner@example.invalid>\n{SUBJECT}\n")
        assert "Parts of the fix added by jsfix" in log
        assert git(fleet / repo, "status", "--porcelain", "--untracked-files=no").stdout == b""
    for path, case in FIXED_FROM.items():
        if REPO_ROOTS[path] is not None:
            assert (fleet / path).read_bytes() == fixture_expected(case), path
    # With every patch committed, the forks need nothing more (the loose folder had no repository).
    after = json.loads(jsfix("check", "--json", "-", ".").stdout)
    assert [each["path"] for each in after["files"] if each["outcome"] == "would fix"] == ["loose/sessions.js"]


def test_patch_paths_are_relative_to_the_repository_root_when_run_inside_it(fleet: Path, monkeypatch):
    repo = fleet / "alice" / "hermes-webui"
    monkeypatch.chdir(repo / "static")
    result = jsfix("apply", "--dry-run", "--patch-dir", str(fleet / "out"), "--json", "-", ".")
    report = json.loads(result.stdout)
    assert report["patches"] == {"..": "../../../out/hermes-webui.patch"}
    patch = (fleet / "out" / "hermes-webui.patch").read_text()
    assert "diff --git a/static/sessions.js b/static/sessions.js\n--- a/static/sessions.js\n" in patch
    git(repo, "apply", "--check", str(fleet / "out" / "hermes-webui.patch"))


# -- exit codes and the closing summary --------------------------------------------------------


def test_exit_codes_suit_per_repository_orchestration(fleet: Path):
    assert jsfix("check", "carol").exit_code == 0  # nothing to do
    assert jsfix("check", "alice").exit_code == 1  # a file needs the fix
    assert jsfix("apply", "--dry-run", "alice").exit_code == 0
    assert jsfix("apply", "alice").exit_code == 0  # changed: open a pull request
    Path("carol/hermes-webui/static/half.js").write_text("async function _ensureAllMessagesLoaded() {}\n")
    assert jsfix("apply", "carol").exit_code == EXIT_PROBLEM  # a refusal needs a person


def test_the_summary_counts_outcomes_and_lists_the_files_behind_each_non_success(fleet: Path):
    Path("carol/hermes-webui/static/half.js").write_text("async function _ensureAllMessagesLoaded() {}\n")
    result = jsfix("check", "-j", "2", ".")
    assert result.exit_code == EXIT_PROBLEM
    lines = result.stderr.splitlines()
    assert "jsfix: 9 file(s): 5 would fix, 1 already fixed, 1 equivalent fix, 1 not applicable, 1 refused" in lines
    assert (
        "jsfix: skipped 1 binary file, 2 dependency directory, 1 file over 5 MB, 1 minified file, "
        "2 symlinked directory, 1 symlinked file, 1 vendored directory" in lines
    )
    refused = lines.index("refused (1):")
    assert lines[refused + 1] == (
        "  carol/hermes-webui/static/half.js: _ensureAllMessagesLoaded is defined but _loadOlderMessages is not;"
        " the fix needs both"
    )
    would_fix = lines.index("would fix (5):")
    assert [line.split(":")[0].strip() for line in lines[would_fix + 1 : would_fix + 6]] == list(FIXED_FROM)
    # Quiet outcomes get a line of their own only with --verbose.
    assert not any(line.lstrip().startswith("not applicable") for line in lines)
    verbose = jsfix("check", "-v", ".").stderr.splitlines()
    assert "not applicable  alice/hermes-webui/static/app.js: neither target function is mentioned" in verbose


def test_run_keeps_the_order_of_paths_for_library_callers(fleet: Path):
    report = run([Path("loose"), Path("bob")], Settings(mode=Mode.CHECK, jobs=2, cwd=fleet))
    assert [each.path for each in report.results] == ["bob/hermes-webui/static/sessions.js", "loose/sessions.js"]
    assert [each.outcome for each in report.results] == [Outcome.WOULD_FIX, Outcome.WOULD_FIX]


def die_on_bob(path, settings):
    """A worker that dies on one file, as if killed for running out of memory.

    At module level so the pool can send it to its workers by name.
    """
    if "bob" in str(path):
        os._exit(9)
    return process_file(path, settings)


def test_a_worker_that_dies_fails_its_file_and_the_run_still_reports_every_file(fleet: Path, monkeypatch):
    monkeypatch.setattr("jsfix.files.fleet.process_file", die_on_bob)
    report = run([Path(".")], Settings(mode=Mode.CHECK, jobs=2, cwd=fleet))
    assert [each.path for each in report.results] == CHOSEN
    died = {each.path: each.reason for each in report.results if each.outcome is Outcome.FAILED}
    # Only the file that killed its worker fails; the others are run again.
    assert list(died) == ["bob/hermes-webui/static/sessions.js"]
    assert died["bob/hermes-webui/static/sessions.js"].startswith("internal error: the worker process stopped")
    assert report.exit_code(checking=True) == EXIT_PROBLEM


def test_no_progress_bar_when_standard_error_is_not_a_terminal(capsys):
    with progress_reporter(1000, enabled=True) as advance:
        advance(None)
    assert capsys.readouterr() == ("", "")


# -- patch helpers --------------------------------------------------------------------------------


def test_patch_names_tell_the_repositories_apart(tmp_path: Path):
    assert patch_file_name(tmp_path / "a" / "hermes-webui", tmp_path) == "a__hermes-webui.patch"
    assert patch_file_name(tmp_path / "hermes-webui", tmp_path / "hermes-webui") == "hermes-webui.patch"
    assert patch_file_name(tmp_path / "hermes-webui", tmp_path / "hermes-webui" / "static") == "hermes-webui.patch"


def test_paths_are_quoted_as_git_quotes_them():
    assert quote_path("a/static/sessions.js") == "a/static/sessions.js"
    assert quote_path("a/my files/sessions.js") == "a/my files/sessions.js"
    assert quote_path('a/say "hi"\t.js') == '"a/say \\"hi\\"\\t.js"'


def test_author_sets_the_patches_author_and_must_read_name_and_email(fleet: Path):
    result = jsfix("apply", "--patch-dir", "patches", "--author", "Migration Bot <bot@example.invalid>", "bob")
    assert result.exit_code == 0, result.stderr
    patch = (fleet / "patches" / "bob__hermes-webui.patch").read_text()
    assert "\nFrom: Migration Bot <bot@example.invalid>\n" in patch
    malformed = jsfix("apply", "--patch-dir", "other", "--author", "just a name", "bob")
    assert malformed.exit_code == EXIT_USAGE
    assert "jsfix: no patch was written: --author must read 'Name <email>', not 'just a name'" in malformed.stderr
    assert not Path("other").exists()


def test_a_repository_whose_author_git_cannot_tell_gets_no_patch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("EMAIL", "")
    for variable in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(variable, raising=False)
    repo = tmp_path / "fork"
    (repo / "static").mkdir(parents=True)
    (repo / "static/sessions.js").write_bytes(fixture_input("upstream-parent"))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    result = jsfix("apply", "--patch-dir", "patches", "fork")
    if subprocess.run(["git", "var", "GIT_AUTHOR_IDENT"], cwd=repo, capture_output=True, check=False).returncode == 0:
        pytest.skip("git guesses an identity from this machine's host name")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.splitlines()[-1] == (
        f"jsfix: no patch was written: git does not know who the author is in {repo}: "
        "set user.name and user.email (git config), or pass --author 'Name <email>'"
    )
    assert not (tmp_path / "patches").exists()
    assert (repo / "static/sessions.js").read_bytes() == fixture_input("upstream-parent")
