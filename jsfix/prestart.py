"""Starting the race harness before Python has loaded the command line.

`jsfix verify FILE` spends most of its wall time in node. The launcher
(jsfix/launch.py) starts node on the harness with the file's job at once, so
node's start-up, the harness's load, its watchdog's boot and the file's
extraction run on the other core while Python imports the rest of jsfix. The
runner takes that node's answer only when the job it would send is the very
same job (`take`); otherwise the early node is stopped, and nothing it did
counts. Light on purpose: this module is imported before anything else.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "verify", "harness.js")
# ES-module jobs link their modules with vm.SourceTextModule, behind this flag.
NODE_FLAGS = ("--experimental-vm-modules", "--no-warnings")

_early: tuple[str, str, subprocess.Popen] | None = None  # (harness, job as sent, process)


def node_command(node: str, harness: str) -> list[str]:
    return [node, *NODE_FLAGS, harness]


def file_job(path: str, root: str) -> dict:
    """The job for a file as it is on disk: the harness reads it, and follows its imports inside `root`."""
    return {"file": os.path.abspath(path), "root": os.path.abspath(root)}


def start(job: dict, harness: str = HARNESS) -> bool:
    """Start node on `job` now, if node is there; its answer waits for `take`. Whether it started."""
    global _early
    node = shutil.which("node")
    if node is None or _early is not None:
        return False
    text = json.dumps(job)
    process = subprocess.Popen(
        node_command(node, harness),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        process.stdin.write(text)
        process.stdin.close()
    except OSError:
        process.kill()
        return False
    process.stdin = None  # sent: communicate() must not touch it
    _early = (harness, text, process)
    atexit.register(stop)
    return True


def take(harness: str, job_text: str) -> subprocess.Popen | None:
    """The early node, if it was started on exactly this job; else stop it and return None."""
    global _early
    if _early is None:
        return None
    early, _early = _early, None
    if early[:2] == (harness, job_text):
        return early[2]
    _stop(early[2])
    return None


def stop() -> None:
    """Stop an early node nobody took (the command ended otherwise)."""
    global _early
    if _early is not None:
        _stop(_early[2])
        _early = None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate()
