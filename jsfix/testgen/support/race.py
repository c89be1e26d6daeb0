"""Running the file's own two functions through the race scenarios under node.

The harness (a plain node script written beside the generated tests) cuts
`_loadOlderMessages`, `_ensureAllMessagesLoaded` and the declarations they
use out of the file itself, runs them against a fake server and clock, and
reports for every scenario whether it held on every schedule. One node run
answers all the behavioural tests of a module.
"""

import functools
import json
import subprocess

# Placeholders: the generated module defines these for its fork.
SESSIONS_JS_PATH = None
HARNESS = None
NODE = None


def _run_harness(node, harness, job):
    """The harness's verdicts on `job`, as {scenario name: result}."""
    # An ES module's imports are linked with vm.SourceTextModule, behind a flag.
    completed = subprocess.run(
        [node, "--experimental-vm-modules", "--no-warnings", str(harness)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, f"the harness crashed:\n{completed.stderr}"
    report = json.loads(completed.stdout)
    assert report["ok"], f"the harness could not run the functions: {report['error']}"
    return {scenario["name"]: scenario for scenario in report["scenarios"]}


@functools.cache
def _race_results():
    return _run_harness(NODE, HARNESS, {"file": str(SESSIONS_JS_PATH)})


def _assert_scenario_holds(name):
    """The scenario holds on every schedule; otherwise show the one that breaks it."""
    result = _race_results()[name]
    assert result["verdict"] != "incomplete", (
        f"{result['title']}: incomplete: the harness explored {result['schedules']} "
        f"schedules, then stopped ({result['stopped']}) before it tried every one"
    )
    steps = "".join(
        f"\n  {number}. {step}" for number, step in enumerate(result["schedule"], 1)
    )
    assert result["verdict"] == "holds", (
        f"{result['title']}: {result['violation']}\nThe schedule that breaks it:{steps}"
    )
