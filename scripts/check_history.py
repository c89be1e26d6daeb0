"""Judge every version of static/sessions.js in a hermes-webui checkout, from every ref.

    python scripts/check_history.py PATH/TO/hermes-webui [--no-verify] [-j N] [--json FILE]

The versions are the distinct blobs at static/sessions.js in any commit
reachable from any ref (every change of the path, `git log --all -m --raw`),
side branches and tags included, not only the first-parent line. Each stands in for the forks cut from it. Every
version is planned (`check`); unless --no-verify, the race model also runs on
it and, where jsfix would change it, on jsfix's output, and the two verdicts
must agree (see jsfix/verify/agreement.py). Prints the count per outcome and every
disagreement; exits 1 on any. Without a path it says it skipped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from functools import partial
from pathlib import Path

SESSIONS = "static/sessions.js"


def history_blobs(checkout: str, path: str = SESSIONS) -> list[str]:
    """Object names of the distinct blobs stored at `path` in any commit reachable from any ref.

    Read from every change of `path` in the whole history (merges against
    each parent), so a blob also stored under another path is not missed,
    as it would be by `rev-list --objects`, which names each object once.
    """
    changes = subprocess.run(
        ["git", "-C", checkout, "log", "--all", "-m", "--raw", "--no-abbrev", "--no-renames", "--format=", "--", path],
        capture_output=True, text=True, check=True,
    ).stdout
    found: dict[str, None] = {}
    for line in changes.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[4] != "D" and set(fields[3]) != {"0"}:
            found.setdefault(fields[3], None)
    return list(found)


def blob_text(checkout: str, blob: str) -> str:
    data = subprocess.run(["git", "-C", checkout, "cat-file", "blob", blob], capture_output=True, check=True).stdout
    return data.decode("utf-8-sig")


def judge_blob(checkout: str, verify: bool, blob: str) -> dict:
    from jsfix.verify.agreement import Judgement, judge, race_verdict

    try:
        text = blob_text(checkout, blob)
    except UnicodeDecodeError as error:
        unread = Judgement("refused", str(error), problem=f"not UTF-8: {error}")
        return {"blob": blob, "bytes": None, **asdict(unread)}
    judgement = judge(text, run=race_verdict if verify else None)
    return {"blob": blob, "bytes": len(text.encode("utf-8")), **asdict(judgement)}


def survey(checkout: str, *, verify: bool = True, jobs: int = 2) -> list[dict]:
    blobs = history_blobs(checkout)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(partial(judge_blob, checkout, verify), blobs, chunksize=4))


def summary(rows: list[dict]) -> list[str]:
    counts = Counter(row["check"] for row in rows)
    lines = [f"{len(rows)} versions: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.most_common())]
    verdicts = Counter((row["check"], row["verify"], row["verify_after"]) for row in rows if row["verify"])
    for (check, before, after), n in sorted(verdicts.items()):
        lines.append(f"  {n:5} {check}: race model {before}" + (f", after jsfix {after}" if after else ""))
    problems = [row for row in rows if row["problem"]]
    lines.append(f"{len(problems)} disagreement(s)")
    lines += [f"  {row['blob'][:12]}: {row['problem']}" for row in problems]
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", nargs="?")
    parser.add_argument("--no-verify", action="store_true", help="plan only; do not run the race model")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--json", metavar="FILE", help="write one row per version to FILE")
    options = parser.parse_args(argv)
    if options.checkout is None:
        print("skipped: give the path of a hermes-webui checkout")
        return 0
    started = time.monotonic()
    rows = survey(options.checkout, verify=not options.no_verify, jobs=options.jobs)
    print("\n".join(summary(rows)))
    print(f"({time.monotonic() - started:.0f} s)")
    if options.json:
        Path(options.json).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 1 if any(row["problem"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
