"""The behavioural check: run a file's own racing functions under node.

    report = verify_source(text)
    report.verdict          # Verdict.HOLDS, VIOLATED or INCOMPLETE
    report.holds            # every scenario holds on every schedule
    report.violated         # the scenarios that do not, with their schedules
    report.incomplete       # the scenarios whose exploration stopped short
    report.to_json()

Raises NodeNotFound when node is missing and VerifyError when the file's
functions cannot be extracted or run.
"""

from jsfix.verify.extract import Extraction, extract
from jsfix.verify.runner import (
    HARNESS,
    NodeNotFound,
    ScenarioResult,
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
    "ScenarioResult",
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
