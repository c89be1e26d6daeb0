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
import os

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "verify", "harness.js")
# ES-module jobs link their modules with vm.SourceTextModule, behind this flag.
NODE_FLAGS = ("--experimental-vm-modules", "--no-warnings")
SIGKILL = 9  # POSIX's number; the signal module is not loaded for it

_early: tuple[str, str, EarlyRun] | None = None  # (harness, job as sent, process)


def node_command(node: str, harness: str) -> list[str]:
    return [node, *NODE_FLAGS, harness]


def file_job(path: str, root: str) -> dict:
    """The job for a file as it is on disk: the harness reads it, and follows its imports inside `root`."""
    return {"file": os.path.abspath(path), "root": os.path.abspath(root)}


def start(job: dict, harness: str = HARNESS) -> bool:
    """Start node on `job` now, if node is there; its answer waits for `take`. Whether it started."""
    global _early
    node = find_node()
    if node is None or _early is not None or not hasattr(os, "posix_spawn"):
        return False
    text = job_text(job)
    try:
        process = EarlyRun(node_command(node, harness), text.encode("utf-8"))
    except OSError:
        return False
    _early = (harness, text, process)
    atexit.register(stop)
    return True


def take(harness: str, job_text: str) -> EarlyRun | None:
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


def _stop(process: EarlyRun) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate()
    process.wait()


def job_text(job: dict[str, str]) -> str:
    """`json.dumps(job)` for a job of string fields. json is not imported: it brings `re`, ~7 ms before node starts."""
    return "{" + ", ".join(f"{_json_string(key)}: {_json_string(value)}" for key, value in job.items()) + "}"


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_string(text: str) -> str:
    """`text` as json.dumps writes it: ASCII only, the rest as \\uXXXX (a surrogate pair beyond U+FFFF)."""
    out = []
    for char in text:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(f"\\u{0xD800 | code >> 10:04x}\\u{0xDC00 | code & 0x3FF:04x}")
    return '"' + "".join(out) + '"'


def find_node() -> str | None:
    """Where `node` is on PATH, as shutil.which finds it (not imported here: it is slow to load)."""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(folder or os.curdir, "node")
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None


def checkout_root(folder: str) -> str | None:
    """The nearest directory up from `folder` holding `.git` (a directory, or a file for worktrees)."""
    current = os.path.abspath(folder)
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class EarlyRun:
    """A node started with os.posix_spawn, read as subprocess.Popen(..., text=True) is read.

    subprocess takes ~5 ms to import, which would come before node's start;
    it is imported only once the answer is wanted. Unlike Popen's,
    `communicate` returns at the end of node's output without waiting for
    node to end: the harness closes its output once the last answer is out,
    and its exit takes 5-7 ms more. `wait` gives the exit code.
    """

    def __init__(self, command: list[str], job: bytes):
        self.args = command
        self.returncode: int | None = None
        self.stdin = None  # the job is sent at once: communicate() has nothing to send
        job_in, to_node = os.pipe()
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        # The pipes are not inherited; dup2 makes the child's 0, 1 and 2 of them.
        actions = [(os.POSIX_SPAWN_DUP2, job_in, 0), (os.POSIX_SPAWN_DUP2, out_write, 1), (os.POSIX_SPAWN_DUP2, err_write, 2)]
        try:
            self.pid = os.posix_spawn(command[0], command, os.environ, file_actions=actions)
        except OSError:
            for fd in (out_read, err_read, to_node):
                os.close(fd)
            raise
        finally:
            for fd in (job_in, out_write, err_write):
                os.close(fd)
        self._output: dict[int, list[bytes]] = {out_read: [], err_read: []}
        self._open = [out_read, err_read]
        try:
            _write_all(to_node, job)
        except OSError:
            pass  # node is gone already: its exit and stderr say why
        finally:
            os.close(to_node)

    def communicate(self, _input=None, timeout: float | None = None) -> tuple[str, str]:
        """Everything node writes, once it has closed its output; subprocess.TimeoutExpired after `timeout` s."""
        import selectors
        import subprocess
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            for fd in self._open:
                selector.register(fd, selectors.EVENT_READ)
            while self._open:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise subprocess.TimeoutExpired(self.args, timeout)
                for key, _ in selector.select(left):
                    self._read(key.fd, selector)
        self.poll()
        out, err = self._output.values()
        return _text(out), _text(err)

    def _read(self, fd: int, selector) -> None:
        data = os.read(fd, 1 << 16)
        if data:
            self._output[fd].append(data)
            return
        selector.unregister(fd)
        os.close(fd)
        self._open.remove(fd)

    def wait(self) -> int:
        if self.returncode is None:
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        return self.returncode

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            os.kill(self.pid, SIGKILL)


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data):]


def _text(chunks: list[bytes]) -> str:
    """As text=True reads it: UTF-8, with universal newlines."""
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
