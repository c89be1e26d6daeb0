"""Wall time of the behavioural check on one file.

    .venv/bin/python benchmarks/bench_verify.py [path/to/sessions.js] [--repeat N]

Without a path it uses /tmp/head.js when present (a late upstream version,
447 KB), else the upstream-parent fixture, else a small inline file. Prints
the time of each phase (parsing and extraction in Python, the node run) and
the total per run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jsfix.verify import build_job, run_job

DEFAULT_CANDIDATES = (Path("/tmp/head.js"), ROOT / "fixtures" / "upstream-parent" / "input.js")

INLINE = """\
let _messagesTruncated = false;
let _loadingOlder = false;
let _oldestIdx = 0;
async function _loadOlderMessages() {
  if (_loadingOlder || !_messagesTruncated) return;
  const sid = S.session.session_id;
  _loadingOlder = true;
  try {
    const data = await api(`/api/session?session_id=${sid}&messages=1&msg_before=${_oldestIdx}&msg_limit=30`);
    if (!data || !data.session || S.session.session_id !== sid) return;
    S.messages = [...data.session.messages, ...S.messages];
    _messagesTruncated = data.session._messages_truncated;
    _oldestIdx = data.session._messages_offset;
  } finally {
    _loadingOlder = false;
  }
}
async function _ensureAllMessagesLoaded() {
  if (!_messagesTruncated || !S.session) return;
  const data = await api(`/api/session?session_id=${S.session.session_id}&messages=1`);
  S.messages = data.session.messages;
  _messagesTruncated = false;
}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = args.path or next((p for p in DEFAULT_CANDIDATES if p.exists()), None)
    text = path.read_bytes().decode("utf-8-sig") if path else INLINE
    print(f"{path or 'inline file'} ({len(text.encode('utf-8')) / 1024:.0f} KB)")

    totals = []
    for n in range(1, args.repeat + 1):
        start = time.perf_counter()
        job = build_job(text)
        extracted = time.perf_counter()
        answer = run_job(job)
        done = time.perf_counter()
        totals.append(done - start)
        schedules = sum(s["schedules"] for s in answer["scenarios"])
        verdict = "holds" if all(s["holds"] for s in answer["scenarios"]) else "violated"
        print(
            f"run {n}: extract {extracted - start:.2f} s, node {done - extracted:.2f} s, "
            f"total {done - start:.2f} s ({len(answer['scenarios'])} scenarios, "
            f"{schedules} schedules, {verdict})"
        )
    print(f"median wall time per file: {statistics.median(totals):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
