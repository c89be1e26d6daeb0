"""From a fixed file's text to the files of its regression suite. No I/O.

`generate_suite` returns the test module and the harness beside it, or
raises NotGenerated with the reason: the file is not fixed yet (run `jsfix
apply` first), has neither target, or the fix does not fit it. On a fork
that closed the race another way (an equivalent fix) the suite has only the
behavioural tests, and `Suite.note` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

from jsfix import __version__
from jsfix.plan.fix import Status, plan_fix
from jsfix.plan.locate import Refused
from jsfix.settings import DEFAULT_JS, DEFAULT_OUT, HARNESS_NAME
from jsfix.testgen.anchors import Unanchorable, find_anchors
from jsfix.testgen.behavioural import (
    HARNESS_SOURCE,
    behavioural_tests,
    build_behavioural_tests,
    harness_scenarios,
)
from jsfix.testgen.module import ModuleParts, digest, render_module, wrap_paragraphs
from jsfix.testgen.structural import build_structural_tests, structural_tests


class NotGenerated(Exception):
    """No suite for the file at `path`; `reason` says why and what to do."""

    def __init__(self, path: str, reason: str, *, outcome: str = "refused") -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.outcome = outcome  # "not applicable" for a file that defines neither function


@dataclass(frozen=True)
class GeneratedFile:
    path: PurePosixPath  # relative to the repository
    text: str


@dataclass(frozen=True)
class Suite:
    files: tuple[GeneratedFile, ...]
    structural: tuple[str, ...]  # names of the structural tests
    behavioural: tuple[str, ...]  # names of the behavioural tests
    left_out: str = ""  # why the structural tests are left out, when they are
    # How to run the suite on its own, apart from the fork's conftest.py fixtures.
    command: str = ""
    scenarios: tuple[tuple[str, str], ...] = ()  # (name, title) of each race scenario the suite runs

    @property
    def note(self) -> str:
        return f"structural tests left out: {self.left_out}" if self.left_out else ""


@cache
def harness_source() -> str:
    return HARNESS_SOURCE.read_text(encoding="utf-8")


def regenerate_command(js: str, out: str) -> str:
    options = [f"--js {js}"] if js != DEFAULT_JS else []
    options += [f"--out {out}"] if out != DEFAULT_OUT else []
    return " ".join(["jsfix gen-tests", *options])


def generate_suite(
    text: str,
    *,
    js: str = DEFAULT_JS,
    out: str = DEFAULT_OUT,
    harness: str | None = None,
) -> Suite:
    """The suite for the fixed file `text` (BOM removed), found at `js` in the repository."""
    js_path, out_path = PurePosixPath(js), PurePosixPath(out)
    anchors, left_out = None, ""
    try:
        plan = plan_fix(text)
        if plan.status is Status.NOT_APPLICABLE:
            raise NotGenerated(js, plan.reason, outcome="not applicable")
        if plan.status is Status.NEEDS_FIX:
            raise NotGenerated(
                js,
                f"is not fixed yet (missing: {', '.join(plan.parts)}); "
                f"run `jsfix apply {js}` first, then generate its tests",
            )
        if plan.status is Status.EQUIVALENT_FIX:
            left_out = f"{plan.reason}, an equivalent fix, so the statements they would pin are not there"
        else:
            anchors = find_anchors(plan.located)
    except Unanchorable as error:
        left_out = str(error)
    except Refused as error:
        raise NotGenerated(js, str(error)) from None

    harness = harness_source() if harness is None else harness
    scenarios = harness_scenarios()
    behavioural = behavioural_tests(scenarios)
    structural = structural_tests(anchors) if anchors is not None else []
    regenerate = regenerate_command(js, out)
    module = render_module(
        ModuleParts(
            version=__version__,
            js=js_path,
            out=out_path,
            harness=HARNESS_NAME,
            regenerate=regenerate,
            docstring=module_docstring(js, left_out=left_out, command=run_alone_command(out)),
            structural=build_structural_tests(structural),
            behavioural=build_behavioural_tests(
                behavioural, "The race scenarios, run on the file's own functions."
            ),
        )
    )
    harness_file = harness_copy(harness, js, out_path.name, regenerate)
    return Suite(
        files=(
            GeneratedFile(out_path, module),
            GeneratedFile(out_path.parent / HARNESS_NAME, harness_file),
        ),
        structural=tuple(test.name for test in structural),
        behavioural=tuple(test.name for test in behavioural),
        left_out=left_out,
        command=run_alone_command(out),
        scenarios=tuple((each.name, each.title) for each in scenarios),
    )


def run_alone_command(out: str) -> str:
    """The suite uses no conftest.py fixture: this runs it apart from the fork's (a server, say)."""
    return f"python -m pytest --noconftest {out}"


def module_docstring(js: str, *, left_out: str, command: str) -> str:
    paragraphs = [
        "Regression tests for #1937: the endless-scroll prefetch racing the Start jump.",
        (
            f"Generated by jsfix for {js}. Two functions share the transcript there. "
            "``_loadOlderMessages()``, the endless-scroll prefetch, awaits a page of older "
            "messages and prepends it to ``S.messages``. ``_ensureAllMessagesLoaded()``, "
            "behind the Start-jump pill, undo and export, awaits the full history and "
            "replaces ``S.messages`` with it. Before the fix, a prefetch that resolved after "
            "that replace prepended a page that was already there, and a session switch "
            "during the Start-jump await put the old session's history into the new "
            "session's transcript."
        ),
        (
            "With the fix, a counter moves on every wholesale replace; the prefetch notes it "
            "before its await and drops its page if it moved. ``_ensureAllMessagesLoaded`` "
            "waits for a prefetch in flight, holds the ``_loadingOlder`` lock until its "
            "``finally``, re-checks the session after its await and resets ``_oldestIdx``."
        ),
        (
            f"The structural tests are left out: {left_out}."
            if left_out
            else "The structural tests pin the statements of the fix as this file writes "
            "them. When the code around them changes, run jsfix gen-tests again rather "
            "than editing this module by hand."
        ),
        (
            "The behavioural tests run the file's own two functions under node, through "
            "every order in which their requests and timers can settle, with the harness "
            f"in {HARNESS_NAME} beside this module. They are skipped when node is missing."
        ),
        (
            "The module uses no fixture of the fork's conftest.py. Where those fixtures "
            "need more than pytest (the app's server, say), run it on its own:"
        ),
        f"    {command}",
    ]
    return wrap_paragraphs(paragraphs)


def harness_copy(harness: str, js: str, module_name: str, regenerate: str) -> str:
    """The harness with a header after its shebang line, in the same form as the module's."""
    shebang, newline, rest = harness.partition("\n")
    if not shebang.startswith("#!"):
        shebang, newline, rest = "", "", harness
    header = [
        f"// Generated by jsfix {__version__} for {js} — regenerate with: {regenerate}",
        f"// The race harness that {module_name} runs.",
        f"// jsfix-digest: {digest(rest)}",
    ]
    return shebang + newline + "\n".join(header) + "\n" + rest
