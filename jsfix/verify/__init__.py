"""The behavioural check: run a file's own racing functions under node.

    report = verify_source(text)
    report.verdict          # Verdict.HOLDS, VIOLATED or INCOMPLETE
    report.holds            # every scenario holds on every schedule
    report.violated         # the scenarios that do not, with their schedules
    report.incomplete       # the scenarios whose exploration stopped short
    report.to_json()

The harness (harness.js, built from parts/ by bundle.py) cuts the two
functions out of the file and runs them, for jsfix and for a fork's suite
alike. Raises NodeNotFound when node is missing, NotApplicable when the file
defines neither function, Unverifiable when what they depend on cannot be
loaded or parsed, and VerifyError when the harness itself fails.
"""

from jsfix.verify.bundle import HARNESS
from jsfix.verify.extraction import Extraction, extract
from jsfix.verify.runner import (
    NodeNotFound,
    NotApplicable,
    ScenarioResult,
    Unverifiable,
    Verdict,
    VerifyError,
    VerifyReport,
    build_job,
    report_of,
    run_batch,
    run_job,
    verify_path,
    verify_source,
)

__all__ = [
    "HARNESS",
    "Extraction",
    "NodeNotFound",
    "NotApplicable",
    "ScenarioResult",
    "Unverifiable",
    "Verdict",
    "VerifyError",
    "VerifyReport",
    "build_job",
    "extract",
    "report_of",
    "run_batch",
    "run_job",
    "verify_path",
    "verify_source",
]
