"""Mutation adequacy of a generated suite, judged by behaviour.

Every statement of `_loadOlderMessages` and `_ensureAllMessagesLoaded` in a
fixed file is deleted, one at a time: each statement node at every nesting
level of their bodies, outside nested functions. A statement that is a list
element goes; one that fills a single-statement slot (an `if` branch, a loop
body, a `try` or `finally` block) becomes `{}`, so that the next statement
does not slide into its place. Mutants that do not parse are skipped.

`verify` is the oracle: a mutant changes behaviour when some scenario is
violated or incomplete on it. The suite generated for the *original* fixed
file must then fail on the mutant: its structural tests are run in this
process from the generated module, its behavioural tests through the
harness copy the suite ships (the fork side's own extraction), both against
the mutant's text.

Used by tests/test_mutation_adequacy.py and scripts/mutation_adequacy.py.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import esprima
from esprima.nodes import Node

from jsfix.javascript.jsast import FUNCTION_TYPES
from jsfix.javascript.offsets import Utf16Offsets
from jsfix.javascript.parse import parse_program
from jsfix.testgen import DEFAULT_JS, DEFAULT_OUT, generate_suite
from jsfix.testgen.behavioural import behavioural_tests, harness_scenarios
from jsfix.verify import build_job, run_batch

TARGETS = ("_loadOlderMessages", "_ensureAllMessagesLoaded")
# Fields that hold exactly one statement: deleting it leaves an empty block.
SLOTS = {"consequent", "alternate", "body", "block", "finalizer"}
# A frozen schedule is judged after this long (the harness's own default is 3 s).
STALL_SECONDS = 1
SECONDS_PER_JOB = 20.0


@dataclass(frozen=True)
class Mutant:
    function: str
    line: int  # 1-based line of the deleted statement in the fixed file
    deleted: str  # the statement's first line, for reports
    text: str  # the whole file with the statement deleted


@dataclass
class Adequacy:
    deletions: int = 0  # mutants that parse
    fail_structure: int = 0  # mutants some structural test fails on, whatever their behaviour
    changed: list[Mutant] = field(default_factory=list)  # verify: violated or incomplete
    caught_by_structure: list[Mutant] = field(default_factory=list)  # of the changed ones
    caught_by_behaviour: list[Mutant] = field(default_factory=list)  # changed, passed the structural tests
    missed: list[Mutant] = field(default_factory=list)  # changed, and the suite passes
    judged: int = 0  # mutants the oracle ran on

    def summary(self) -> str:
        return (
            f"{self.deletions} deletions ({self.fail_structure} fail a structural test),"
            f" {len(self.changed)} change behaviour"
            f" (of {self.judged} judged by verify), caught: {len(self.caught_by_structure)} by"
            f" structural tests, {len(self.caught_by_behaviour)} more by behavioural tests,"
            f" missed: {len(self.missed)}"
        )


def target_functions(program) -> list:
    found = []
    for node in program.body:
        declaration = getattr(node, "declaration", None) or node
        if declaration.type == "FunctionDeclaration" and declaration.id and declaration.id.name in TARGETS:
            found.append(declaration)
    return found


def statements_in(node):
    """(statement, fills a single-statement slot) under `node`, outside nested functions."""
    for key, value in vars(node).items():
        if key.startswith("_") or key == "range":
            continue
        items = value if isinstance(value, list) else [value]
        for child in items:
            if not isinstance(child, Node) or not isinstance(child.type, str):
                continue
            is_statement = child.type.endswith(("Statement", "Declaration"))
            if is_statement:
                yield child, key in SLOTS and not isinstance(value, list)
            if child.type not in FUNCTION_TYPES:
                yield from statements_in(child)


def statement_deletions(text: str) -> list[Mutant]:
    """Every statement deletion in the two functions that still parses, once per distinct text."""
    program, _ = parse_program(text)
    offsets = Utf16Offsets(text)
    mutants, seen = [], set()
    for function in target_functions(program):
        start, end = (offsets.to_index(each) for each in function.range)
        for statement, in_slot in statements_in(function.body):
            low, high = (offsets.to_index(each) for each in statement.range)
            replacement = "{}" if in_slot else ""
            body = text[start:low] + replacement + text[high:end]
            if body in seen or not parses(body):
                continue
            seen.add(body)
            mutants.append(
                Mutant(
                    function=function.id.name,
                    line=text.count("\n", 0, low) + 1,
                    deleted=text[low:high].splitlines()[0].strip(),
                    text=text[:start] + body + text[end:],
                )
            )
    return mutants


def parses(function_text: str) -> bool:
    try:
        esprima.parseScript(function_text)
    except esprima.Error:
        return False
    return True


class GeneratedSuite:
    """The suite generated for a fixed file, run against other texts."""

    def __init__(self, fixed: str, workdir: Path):
        suite = generate_suite(fixed)
        module, harness = suite.files
        self.fork = workdir
        (workdir / DEFAULT_JS).parent.mkdir(parents=True, exist_ok=True)
        (workdir / DEFAULT_OUT).parent.mkdir(parents=True, exist_ok=True)
        self.harness = workdir / harness.path
        self.harness.write_text(harness.text, encoding="utf-8")
        self.code = compile(module.text, str(workdir / DEFAULT_OUT), "exec")
        self.structural = suite.structural
        scenarios = harness_scenarios()
        self.behavioural = {test.name: test.scenario for test in behavioural_tests(scenarios)}

    def namespace(self, js: str) -> dict:
        (self.fork / DEFAULT_JS).write_text(js, encoding="utf-8")
        namespace = {"__file__": str(self.fork / DEFAULT_OUT), "__name__": "generated_suite"}
        exec(self.code, namespace)  # noqa: S102 -- our own generated module
        return namespace

    def structural_failures(self, js: str) -> list[str]:
        namespace = self.namespace(js)
        return [name for name in self.structural if failed(namespace[name])]

    def behavioural_failures(self, js: str, answer: dict) -> list[str]:
        """The behavioural tests that fail on `js`, given the harness's answer on it."""
        if not answer.get("ok"):
            # The generated tests assert the harness ran: every one fails.
            return list(self.behavioural)
        results = {scenario["name"]: scenario for scenario in answer["scenarios"]}
        namespace = self.namespace(js)
        namespace["_race_results"] = lambda: results
        return [
            name
            for name, scenario in self.behavioural.items()
            if scenario in results and failed(namespace[name])
        ]

    def harness_answers(self, texts: list[str]) -> list[dict]:
        jobs = [{"text": text, "stopAtFirstFailure": True, "stallSeconds": STALL_SECONDS} for text in texts]
        return run_batch(jobs, timeout=SECONDS_PER_JOB * max(1, len(jobs)), harness=self.harness)


def failed(test) -> bool:
    try:
        test()
    except AssertionError:
        return True
    return False


def oracle(texts: list[str]) -> list[bool]:
    """For each text: does verify find a scenario violated or incomplete?"""
    jobs = [
        {**build_job(text, stop_at_first_failure=True), "stallSeconds": STALL_SECONDS}
        for text in texts
    ]
    answers = run_batch(jobs, timeout=SECONDS_PER_JOB * max(1, len(jobs)))
    return [not answer.get("ok") or any(s["verdict"] != "holds" for s in answer["scenarios"]) for answer in answers]


def measure(fixed: str, *, judge_everything: bool = False) -> Adequacy:
    """How the suite generated for `fixed` fares against every statement deletion.

    Without `judge_everything` the oracle only runs where it decides something:
    on the mutants that pass every structural test (a structural failure
    already fails the suite). With it, every mutant is judged, for the figures.
    """
    mutants = statement_deletions(fixed)
    report = Adequacy(deletions=len(mutants))
    with tempfile.TemporaryDirectory() as workdir:
        suite = GeneratedSuite(fixed, Path(workdir))
        assert suite.structural_failures(fixed) == [], "the suite must pass on the fixed file"
        structural = {id(m): bool(suite.structural_failures(m.text)) for m in mutants}
        report.fail_structure = sum(structural.values())
        judged = mutants if judge_everything else [m for m in mutants if not structural[id(m)]]
        report.judged = len(judged)
        report.changed = [m for m, changed in zip(judged, oracle([m.text for m in judged])) if changed]
        report.caught_by_structure = [m for m in report.changed if structural[id(m)]]
        left = [m for m in report.changed if not structural[id(m)]]
        for mutant, answer in zip(left, suite.harness_answers([m.text for m in left])):
            caught = suite.behavioural_failures(mutant.text, answer)
            (report.caught_by_behaviour if caught else report.missed).append(mutant)
    return report
