"""Run the README's fork-maintainer journey against real hermes-webui fork checkouts.

    python scripts/fork_journey.py --mirror PATH/TO/hermes-webui-mirror \\
        [--fork PATH/TO/fork-mirror ...] [--jsfix CMD] [--python PY] \\
        [--work DIR] [--keep] [--timeout SECONDS]

Every checkout is made with `git archive` from a git mirror and kept whole
(its tests/, its conftest.py, ...), then committed once as "fork as cloned"
so it looks like a fresh clone. From --mirror come two checkouts: upstream
at fb822239^ (needs the fix) and at HEAD (already fixed); each --fork is
checked out at its HEAD.

In each checkout, from its root and only through jsfix's command line (so
this script keeps working when jsfix's modules move), it follows the
README's "Fix your fork" and "Many forks" sections:

1. `jsfix check --json - .`: the exit code and static/sessions.js's outcome.
2. The fork's own tests that mention "sessions.js", before.
3. A fork that needs the fix: `apply --dry-run` (the diff must pass
   `git apply --check`), then `apply --with-tests --patch-dir` (the tree must
   stay untouched), `git am --keep-cr` of the patch in a fresh clone, and
   there: `verify`, the generated suite, `check`, `gen-tests` (up to date)
   and the fork's own tests after.
4. A fork already fixed (or fixed another way): `apply --with-tests
   --patch-dir` (no patch expected), `gen-tests` (only its two new files,
   with a note naming upstream's #1937 tests when the fork has them), the
   generated suite, `verify`, `check` and the fork's own tests after.

Every pytest run gets a fresh HOME and TMPDIR (the forks' tests leave state
there that would change the next run's results). A mirror that lacks some
blobs is checked out without those files, and the report names them.

Anything the README does not promise is a finding, printed with its command
and the tail of its output. Prints a Markdown table (one row per checkout),
the findings, the totals and the wall time; exits 1 on any finding, else 0.
With no --mirror and no --fork, or a path that does not exist, it prints one
line saying it skipped and exits 0. pytest runs with --python (default: the
Python running this script), which must have pytest installed. Nothing is
written outside --work (default: a temporary directory, removed at the end
unless --keep).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FIX_COMMIT = "fb822239"
SESSIONS = "static/sessions.js"
SUITE = "tests/test_jsfix_issue1937_race.py"
HARNESS = "tests/jsfix_issue1937_harness.js"
UPSTREAM_TESTS = "tests/test_issue1937_endless_scroll_jumpstart_race.py"
NEEDS_FIX = {"would fix"}
HAS_FIX = {"already fixed", "equivalent fix"}
IDENTITY = {
    "GIT_AUTHOR_NAME": "Fork Journey",
    "GIT_AUTHOR_EMAIL": "fork-journey@example.invalid",
    "GIT_COMMITTER_NAME": "Fork Journey",
    "GIT_COMMITTER_EMAIL": "fork-journey@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
}
TAIL_LINES = 15


@dataclass
class Settings:
    jsfix: list[str]
    python: str
    timeout: float
    env: dict[str, str]
    scratch: Path  # fresh HOME and TMPDIR for each pytest run go here


@dataclass
class Ran:
    argv: list[str]
    cwd: Path
    code: int | None  # None: timed out
    stdout: bytes
    stderr: bytes

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")


@dataclass
class Checkout:
    name: str
    mirror: Path
    rev: str
    root: Path
    date: str = "?"


@dataclass
class TestRun:
    counts: str  # passed/failed/errors/skipped, or why there are none
    failing: set[str] = field(default_factory=set)


@dataclass
class Row:
    name: str
    date: str
    outcome: str = "—"
    parts: str = "—"
    patch: str = "—"
    verify: str = "—"
    suite: str = "—"
    gen_tests: str = "—"
    own: str = "—"
    gen_tests_said: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


# --- running commands -------------------------------------------------------


def run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float, stdin: bytes | None = None) -> Ran:
    """Run argv in its own process group; on timeout end that group and report code None."""
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, start_new_session=True,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
        return Ran(argv, cwd, proc.returncode, out, err)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return Ran(argv, cwd, None, out, err + f"\n(timed out after {timeout:.0f} s)".encode())


def git(s: Settings, cwd: Path, *args: str, stdin: bytes | None = None, identity: bool = False) -> Ran:
    env = {**s.env, **IDENTITY} if identity else s.env
    return run(["git", *args], cwd, env, s.timeout, stdin)


def jsfix(s: Settings, cwd: Path, *args: str) -> Ran:
    return run([*s.jsfix, *args], cwd, s.env, s.timeout)


def pytest(s: Settings, cwd: Path, *args: str) -> Ran:
    """Run pytest with a fresh HOME and TMPDIR: the forks' tests write state there,
    which would otherwise carry from one run into the next (and into the real HOME)."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=s.scratch))
    (home / "tmp").mkdir()
    env = {**s.env, "HOME": str(home), "TMPDIR": str(home / "tmp")}
    return run([s.python, "-m", "pytest", *args], cwd, env, s.timeout)


def tail(ran: Ran) -> str:
    lines = (ran.out.rstrip() + "\n" + ran.err.rstrip()).strip().splitlines()
    return "\n".join("      | " + line for line in lines[-TAIL_LINES:])


def add_finding(row: Row, what: str, ran: Ran | None = None) -> None:
    if ran is None:
        row.findings.append(what)
        return
    code = "timed out" if ran.code is None else f"exit {ran.code}"
    command = f"(cd {shlex.quote(str(ran.cwd))} && {shlex.join(ran.argv)})"
    row.findings.append(f"{what}\n    $ {command}  -> {code}\n{tail(ran)}")


def expect_exit(row: Row, what: str, ran: Ran, wanted: int) -> bool:
    if ran.code == wanted:
        return True
    add_finding(row, f"{what}: exit {ran.code}, the README promises {wanted}", ran)
    return False


# --- making checkouts -------------------------------------------------------


def commit_date(s: Settings, mirror: Path, rev: str) -> str:
    ran = git(s, mirror, "log", "-1", "--format=%cs", rev)
    return ran.out.strip() if ran.code == 0 else "?"


def missing_paths(s: Settings, mirror: Path, rev: str) -> list[str]:
    """Files at rev whose blobs the mirror does not hold (git archive stops at the first)."""
    listing = git(s, mirror, "ls-tree", "-r", "-z", "--full-tree", rev)
    paths_of: dict[str, list[str]] = {}
    for item in filter(None, listing.out.split("\0")):
        meta, path = item.split("\t", 1)
        kind, blob = meta.split()[1:3]
        if kind == "blob":
            paths_of.setdefault(blob, []).append(path)
    checked = git(s, mirror, "cat-file", "--batch-check", stdin="\n".join(paths_of).encode())
    missing = [line.split()[0] for line in checked.out.splitlines() if line.endswith(" missing")]
    return sorted(path for blob in missing for path in paths_of[blob])


def extract(s: Settings, co: Checkout, missing: list[str]) -> Ran:
    """`git archive REV | tar -x` into co.root, leaving out the files the mirror lacks."""
    co.root.mkdir(parents=True)
    pathspec = ["--", ".", *(f":(exclude,literal){path}" for path in missing)] if missing else []
    archive = git(s, co.mirror, "archive", "--format=tar", co.rev, *pathspec)
    if archive.code != 0:
        archive.stdout = b""  # a tar stream, no use in a report
        return archive
    return run(["tar", "-x", "-f", "-", "-C", str(co.root)], co.root, s.env, s.timeout, archive.stdout)


def set_identity(s: Settings, repo: Path) -> None:
    git(s, repo, "config", "user.name", IDENTITY["GIT_AUTHOR_NAME"])
    git(s, repo, "config", "user.email", IDENTITY["GIT_AUTHOR_EMAIL"])


def make_clone_like(s: Settings, co: Checkout, missing: list[str]) -> Ran:
    """Extract the checkout and commit every file it has, as a fresh clone would have them."""
    for step in (
        lambda: extract(s, co, missing),
        lambda: git(s, co.root, "init", "-q"),
        lambda: git(s, co.root, "add", "-A", "--force"),
        lambda: git(s, co.root, "commit", "-q", "--no-verify", "-m", "fork as cloned", identity=True),
    ):
        ran = step()
        if ran.code != 0:
            return ran
    set_identity(s, co.root)
    return ran


def status(s: Settings, repo: Path) -> set[str]:
    return set(git(s, repo, "status", "--porcelain", "--untracked-files=all").out.splitlines())


def expect_unchanged(s: Settings, row: Row, repo: Path, before: set[str], ran: Ran) -> bool:
    changed = status(s, repo) - before
    if changed:
        add_finding(row, f"the tree changed, the README says it stays untouched: {sorted(changed)}", ran)
    return not changed


# --- the fork's own tests ---------------------------------------------------


def own_test_files(root: Path) -> list[str]:
    """Test files under tests/ whose text mentions sessions.js (what grep -rl would list)."""
    tests = root / "tests"
    if not tests.is_dir():
        return []
    found = []
    for path in sorted(tests.rglob("*.py")):
        if not (path.name.startswith("test_") or path.name.endswith("_test.py")) or not path.is_file():
            continue
        if "sessions.js" in path.read_text(encoding="utf-8", errors="replace"):
            found.append(path.relative_to(root).as_posix())
    return found


def counts_of(ran: Ran) -> str:
    """pytest's closing counts as passed/failed/errors/skipped."""
    if ran.code is None:
        return "timeout"
    closing = [line for line in ran.out.splitlines() if re.search(r"\bin [\d.]+s\b", line)]
    if not closing:
        return f"exit {ran.code}, no summary"
    found = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|error|skipped)", closing[-1])}
    text = "/".join(str(found.get(kind, 0)) for kind in ("passed", "failed", "error", "skipped"))
    return text + (" (interrupted)" if ran.code == 2 else "")


def failing_ids(ran: Ran) -> set[str]:
    return {line.split()[1] for line in ran.out.splitlines() if re.match(r"(FAILED|ERROR) \S", line)}


def run_own_tests(s: Settings, root: Path, files: list[str]) -> TestRun:
    if not files:
        return TestRun("no files")
    # A test module that cannot be imported (a package the fork's tests need, say)
    # must not hide the others' results.
    ran = pytest(s, root, "-q", "-p", "no:cacheprovider", "--noconftest", "--continue-on-collection-errors", "-rfE", *files)
    return TestRun(counts_of(ran), failing_ids(ran))


def listed(ids: set[str]) -> str:
    ordered = sorted(ids)
    return ", ".join(ordered[:10]) + (" ..." if len(ordered) > 10 else "")


def compare_own_tests(row: Row, before: TestRun, after: TestRun, same_file: bool) -> None:
    row.own = f"{before.counts} → {after.counts}"
    newly_failing = after.failing - before.failing
    newly_passing = before.failing - after.failing
    if newly_failing:
        add_finding(row, f"{len(newly_failing)} of the fork's own sessions.js tests fail after but not before: {listed(newly_failing)}")
    if newly_passing:
        row.notes.append(f"{len(newly_passing)} of the fork's own tests pass after but not before: {listed(newly_passing)}")
    if same_file and (newly_failing or newly_passing or before.counts != after.counts):
        add_finding(row, f"the fork's own tests changed although sessions.js did not: {row.own}")


# --- the journey ------------------------------------------------------------


def check_report(s: Settings, row: Row, root: Path, label: str) -> tuple[Ran, dict | None]:
    ran = jsfix(s, root, "check", "--json", "-", ".")
    try:
        return ran, json.loads(ran.out)
    except ValueError:
        add_finding(row, f"{label}: `check --json -` printed no JSON on stdout", ran)
        return ran, None


def sessions_entry(report: dict) -> dict | None:
    for entry in report.get("files", []):
        if Path(entry.get("path", "")).as_posix() == SESSIONS:
            return entry
    return None


def judge_check(row: Row, ran: Ran, report: dict, label: str) -> None:
    """The exit code must follow the outcomes; no file may be refused or failed."""
    outcomes = [entry.get("outcome") for entry in report.get("files", [])]
    wanted = 5 if {"refused", "failed"} & set(outcomes) else 1 if "would fix" in outcomes else 0
    if ran.code != wanted:
        add_finding(row, f"{label}: exit {ran.code}, the README promises {wanted} for these outcomes", ran)
    for entry in report.get("files", []):
        if entry.get("outcome") in ("refused", "failed"):
            add_finding(row, f"{label}: {entry['path']} {entry['outcome']}: {entry.get('reason')}", ran)
        elif entry.get("outcome") == "would fix" and entry.get("path") != SESSIONS:
            row.notes.append(f"{label}: {entry['path']} would fix too: {entry.get('reason')}")


def first_check(s: Settings, row: Row, root: Path) -> str:
    """Step 1: `jsfix check .`; fills the outcome and parts; returns static/sessions.js's outcome."""
    ran, report = check_report(s, row, root, "check")
    if report is None:
        return "no report"
    judge_check(row, ran, report, "check")
    entry = sessions_entry(report)
    if entry is None:
        row.outcome = f"no {SESSIONS} (exit {ran.code})"
        return "absent"
    row.outcome = f"{entry['outcome']} (exit {ran.code})"
    row.parts = ", ".join(entry.get("parts") or []) or "—"
    if entry["outcome"] not in NEEDS_FIX | HAS_FIX:
        row.notes.append(f"{SESSIONS}: {entry['outcome']}: {entry.get('reason')}")
    return entry["outcome"]


def check_after(s: Settings, row: Row, root: Path) -> None:
    """`jsfix check .` once the fix and the suite are in: exit 0, the fix in place, the harness not refused."""
    ran, report = check_report(s, row, root, "check after")
    if report is None:
        return
    judge_check(row, ran, report, "check after")
    entry = sessions_entry(report)
    after = entry["outcome"] if entry else "absent"
    row.outcome += f" → {after}"
    if after not in HAS_FIX:
        add_finding(row, f"check after: {SESSIONS} is {after}, not fixed", ran)


def run_suite(s: Settings, row: Row, root: Path) -> None:
    ran = pytest(s, root, "-q", "--noconftest", SUITE)
    row.suite = counts_of(ran)
    if ran.code != 0:
        add_finding(row, f"the generated suite: {row.suite}", ran)


def run_verify(s: Settings, row: Row, root: Path) -> None:
    ran = jsfix(s, root, "verify", SESSIONS)
    row.verify = f"exit {ran.code}"
    expect_exit(row, "verify", ran, 0)


def dry_run(s: Settings, row: Row, root: Path) -> str:
    before = status(s, root)
    ran = jsfix(s, root, "apply", "--dry-run", ".")
    expect_exit(row, "apply --dry-run", ran, 0)
    expect_unchanged(s, row, root, before, ran)
    if not ran.stdout.strip():
        add_finding(row, "apply --dry-run printed no diff", ran)
        return "no diff"
    accepted = git(s, root, "apply", "--check", "-", stdin=ran.stdout)
    if accepted.code != 0:
        add_finding(row, "git apply --check refused the dry-run diff", accepted)
        return "diff refused by git apply"
    return "diff ok"


def make_patch(s: Settings, row: Row, co: Checkout) -> list[Path]:
    """`jsfix apply --with-tests --patch-dir ../patches-NAME .`; the tree must stay as it was."""
    before = status(s, co.root)
    ran = jsfix(s, co.root, "apply", "--with-tests", "--patch-dir", f"../patches-{co.name}", ".")
    expect_exit(row, "apply --with-tests --patch-dir", ran, 0)
    expect_unchanged(s, row, co.root, before, ran)
    patches = sorted((co.root.parent / f"patches-{co.name}").glob("*.patch"))
    return patches if ran.code == 0 else []


def apply_in_clone(s: Settings, row: Row, co: Checkout, patch: Path) -> Path | None:
    """git clone the checkout, git am the patch there; returns the clone, or None."""
    clone = co.root.parent / f"clean-{co.name}"
    cloned = git(s, co.root.parent, "clone", "-q", str(co.root), str(clone))
    if cloned.code != 0:
        add_finding(row, "git clone of the checkout failed", cloned)
        return None
    set_identity(s, clone)
    am = git(s, clone, "am", "-q", "--keep-cr", str(patch), identity=True)
    if am.code != 0:
        add_finding(row, f"git am --keep-cr {patch.name} failed in a fresh clone", am)
        return None
    return clone


def commit_files(s: Settings, row: Row, clone: Path) -> str:
    shown = git(s, clone, "show", "--name-status", "--format=", "HEAD")
    files = [" ".join(line.split()) for line in shown.out.splitlines() if line.strip()]
    wanted = [f"A {HARNESS}", f"A {SUITE}", f"M {SESSIONS}"]
    if sorted(files) != wanted:
        add_finding(row, f"the patch's commit holds {files}, expected {wanted}", shown)
    return ", ".join(files)


def gen_tests_up_to_date(s: Settings, row: Row, root: Path) -> str:
    """After `git am`, `jsfix gen-tests .` finds the suite up to date and changes nothing."""
    before = status(s, root)
    ran = jsfix(s, root, "gen-tests", ".")
    expect_exit(row, "gen-tests after git am", ran, 0)
    expect_unchanged(s, row, root, before, ran)
    return f"after am: exit {ran.code}"


def fix_route(s: Settings, row: Row, co: Checkout, files: list[str], own_before: TestRun) -> None:
    """Step 3: the fork needs the fix."""
    diff = dry_run(s, row, co.root)
    patches = make_patch(s, row, co)
    if len(patches) != 1:
        add_finding(row, f"expected one patch in patches-{co.name}, found {[p.name for p in patches]}")
        row.patch = f"{diff}; no patch"
        return
    clone = apply_in_clone(s, row, co, patches[0])
    if clone is None:
        row.patch = f"{diff}; git am failed"
        return
    row.patch = f"{diff}; am: {commit_files(s, row, clone)}"
    run_verify(s, row, clone)
    run_suite(s, row, clone)
    check_after(s, row, clone)
    row.gen_tests = gen_tests_up_to_date(s, row, clone)
    compare_own_tests(row, own_before, run_own_tests(s, clone, files), same_file=False)


def no_patch_when_fixed(s: Settings, row: Row, co: Checkout) -> None:
    """The README: forks already fixed get no patch."""
    patches = make_patch(s, row, co)
    row.patch = "no patch" if not patches else f"patch: {[p.name for p in patches]}"
    if patches:
        add_finding(row, f"apply --patch-dir wrote {[p.name for p in patches]} for a fork already fixed")


def gen_tests(s: Settings, row: Row, root: Path) -> None:
    """`jsfix gen-tests .`: exit 0, only its two new files, a note when upstream's tests are there."""
    before = status(s, root)
    ran = jsfix(s, root, "gen-tests", ".")
    expect_exit(row, "gen-tests", ran, 0)
    lines = [line.strip() for line in ran.err.splitlines() if line.strip()]
    row.gen_tests_said = lines
    noted = any("note" in line and UPSTREAM_TESTS in line for line in lines)
    has_upstream = (root / UPSTREAM_TESTS).is_file()
    if has_upstream and not noted:
        add_finding(row, f"gen-tests printed no note naming {UPSTREAM_TESTS}, which the fork has", ran)
    added = status(s, root) - before
    wanted = {f"?? {SUITE}", f"?? {HARNESS}"}
    if added != wanted:
        add_finding(row, f"gen-tests changed {sorted(added)}, expected only {sorted(wanted)}", ran)
    note = "note" if noted else "no note" if has_upstream else "no upstream tests"
    row.gen_tests = f"exit {ran.code}; {note}; +{len(added & wanted)} files"


def fixed_route(s: Settings, row: Row, co: Checkout, files: list[str], own_before: TestRun) -> None:
    """Step 4: the fork already has the fix, or an equivalent one."""
    no_patch_when_fixed(s, row, co)
    gen_tests(s, row, co.root)
    run_suite(s, row, co.root)
    run_verify(s, row, co.root)
    check_after(s, row, co.root)
    compare_own_tests(row, own_before, run_own_tests(s, co.root, files), same_file=True)


def journey(s: Settings, co: Checkout) -> Row:
    row = Row(co.name, co.date)
    missing = missing_paths(s, co.mirror, co.rev)
    if missing:
        row.notes.append(f"the mirror lacks {len(missing)} file(s) at {co.rev}; checked out without: {', '.join(missing)}")
    made = make_clone_like(s, co, missing)
    if made.code != 0:
        add_finding(row, "could not make the checkout", made)
        return row
    outcome = first_check(s, row, co.root)
    files = own_test_files(co.root)
    own_before = run_own_tests(s, co.root, files)
    row.own = f"{own_before.counts} → —"
    if outcome in NEEDS_FIX:
        fix_route(s, row, co, files, own_before)
    elif outcome in HAS_FIX:
        fixed_route(s, row, co, files, own_before)
    return row


# --- report -----------------------------------------------------------------

COLUMNS = (
    "checkout", "HEAD date", "outcome", "parts added", "patch route (commit files)",
    "verify", "suite p/f/e/s", "gen-tests", "own tests p/f/e/s before → after", "findings",
)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for row in rows:
        values = (
            row.name, row.date, row.outcome, row.parts, row.patch, row.verify,
            row.suite, row.gen_tests, row.own, str(len(row.findings)) if row.findings else "—",
        )
        lines.append("| " + " | ".join(cell(v) for v in values) + " |")
    return "\n".join(lines)


def gen_tests_output(rows: list[Row]) -> list[str]:
    """Each distinct stderr of gen-tests once, with the checkouts that printed it."""
    said: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        if row.gen_tests_said:
            said.setdefault(tuple(row.gen_tests_said), []).append(row.name)
    out = []
    for lines, names in said.items():
        out.append(f"gen-tests printed on standard error, in {', '.join(names)}:")
        out.extend(f"    {line}" for line in lines)
    return out


def details(rows: list[Row]) -> str:
    out = gen_tests_output(rows)
    for row in rows:
        for note in row.notes:
            out.append(f"- {row.name}: {note}")
    for row in rows:
        for number, finding in enumerate(row.findings, 1):
            out.append(f"FINDING {row.name} #{number}: {finding}")
    return "\n".join(out)


def totals(rows: list[Row], seconds: float) -> str:
    outcomes = Counter(row.outcome.split(" (")[0] for row in rows)
    patched = sum(row.patch.startswith("diff ok; am:") for row in rows)
    suites = sum(bool(re.fullmatch(r"\d+/0/0/\d+", row.suite)) for row in rows)
    verified = sum(row.verify == "exit 0" for row in rows)
    findings = sum(len(row.findings) for row in rows)
    by_outcome = ", ".join(f"{n} {name}" for name, n in sorted(outcomes.items()))
    return (
        f"Totals: {len(rows)} checkouts ({by_outcome}); {patched} patched with git am; "
        f"{verified} verify exit 0; {suites} generated suites passing; {findings} finding(s); "
        f"wall time {seconds:.0f} s"
    )


# --- command line -----------------------------------------------------------


def checkout_name(mirror: Path) -> str:
    """zapabob+hermes-webui/repo -> zapabob; Charanis+hermes-webui-beyond/repo -> Charanis-hermes-webui-beyond."""
    base = mirror.parent.name if mirror.name in ("repo", ".git") else mirror.name
    base = base.removesuffix(".git").removesuffix("+hermes-webui")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", base) or "fork"


def plan_checkouts(s: Settings, args: argparse.Namespace, root: Path) -> list[Checkout]:
    planned: list[tuple[str, Path, str]] = []
    if args.mirror:
        name = checkout_name(args.mirror)
        planned += [(f"{name}-{FIX_COMMIT}-parent", args.mirror, f"{FIX_COMMIT}^"), (f"{name}-HEAD", args.mirror, "HEAD")]
    planned += [(checkout_name(fork), fork, "HEAD") for fork in args.fork]
    checkouts, seen = [], Counter()
    for name, mirror, rev in planned:
        seen[name] += 1
        unique = name if seen[name] == 1 else f"{name}-{seen[name]}"
        checkouts.append(Checkout(unique, mirror, rev, root / unique, commit_date(s, mirror, rev)))
    return checkouts


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, help="a hermes-webui git mirror (upstream)")
    parser.add_argument("--fork", type=Path, action="append", default=[], help="a fork's git mirror (repeatable)")
    parser.add_argument("--work", type=Path, help="where the checkouts go (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the checkouts at the end")
    parser.add_argument("--jsfix", default="jsfix", help="the jsfix command (default: jsfix on PATH)")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs pytest")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed to each command")
    return parser.parse_args(argv)


def why_skip(args: argparse.Namespace) -> str | None:
    paths = ([args.mirror] if args.mirror else []) + args.fork
    if not paths:
        return "no --mirror or --fork given"
    for path in paths:
        if not path.exists():
            return f"{path} does not exist"
    return None


def settings(args: argparse.Namespace, scratch: Path) -> Settings:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    for name in IDENTITY:
        env.pop(name, None)
    return Settings(shlex.split(args.jsfix), args.python, args.timeout, env, scratch)


def run_all(s: Settings, args: argparse.Namespace, root: Path) -> list[Row]:
    checkouts = plan_checkouts(s, args, root)
    rows = []
    for number, co in enumerate(checkouts, 1):
        print(f"[{number}/{len(checkouts)}] {co.name} ({co.rev}, {co.date}) ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        rows.append(journey(s, co))
        print(f"    {rows[-1].outcome}; {len(rows[-1].findings)} finding(s); {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    reason = why_skip(args)
    if reason:
        print(f"fork_journey: skipped: {reason}")
        return 0
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="fork-journey-", dir=args.work))
    s = settings(args, root / "homes")
    s.scratch.mkdir()
    if not s.jsfix or shutil.which(s.jsfix[0]) is None:
        print(f"fork_journey: the jsfix command {args.jsfix!r} was not found", file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
        return 2
    started = time.monotonic()
    try:
        rows = run_all(s, args, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(table(rows))
    print()
    print(details(rows) or "No notes and no findings.")
    print()
    print(totals(rows, time.monotonic() - started))
    if args.keep:
        print(f"checkouts kept in {root}")
    return 1 if any(row.findings for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
