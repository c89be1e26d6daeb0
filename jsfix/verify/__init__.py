"""The behavioural check: run a file's own racing functions under node.

    report = verify_source(text)
    report.verdict          # Verdict.HOLDS, VIOLATED or INCOMPLETE
    report.holds            # every scenario holds on every schedule
    report.violated         # the scenarios that do not, with their schedules
    report.incomplete       # the scenarios whose exploration stopped short
    report.to_json()

Raises NodeNotFound when node is missing, NotApplicable when the file
defines neither function, Unverifiable when what they depend on cannot be
loaded or parsed, and VerifyError when the harness itself fails.
"""

from jsfix.verify.extract import Extraction, extract
from jsfix.verify.runner import (
    HARNESS,
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
