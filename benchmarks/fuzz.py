#!/usr/bin/env python3
"""Fuzz jsfix with random byte, token and line mutations of the fixtures.

Every mutated input is written to a scratch file and run through
`process_file`, the way `jsfix apply` runs it: mostly in write mode, some
in dry-run and check mode. A run is good when:

- `process_file` returns an outcome (it must never raise), and the outcome
  is not `failed` with an internal error (a caught traceback);
- a file that was not fixed still holds exactly the bytes it had, and no
  temporary file is left next to it;
- a fixed file is the input with only insertions added (every byte of the
  input kept, in order), parses, and a second pass finds nothing to add.

Usage: benchmarks/fuzz.py [--minutes N | --count N] [--seed S] [--save DIR]
Prints how many inputs it tried and how they ended; exits 1 on any
traceback or corrupted file.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jsfix.files.process import process_file
from jsfix.javascript.parse import parse_program
from jsfix.javascript.source import UnreadableSource, decode_source
from jsfix.outcomes import Outcome
from jsfix.plan.fix import Status, plan_fix
from jsfix.plan.locate import Refused
from jsfix.settings import Mode, Settings

FIXTURES = ROOT / "fixtures"

_TOKEN = re.compile(
    r"""\s+|//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`|\w+|[^\w\s]""",
    re.DOTALL,
)
# Tokens worth dropping into code: they open, close or redirect control flow.
_INTERESTING_TOKENS = [
    "{", "}", "(", ")", "[", "]", ";", ",", "async", "await", "return", "function", "=>",
    "try", "finally", "if", "else", "const", "let", "var", "\n", "\r\n", "\r", "\t", "`", "'",
    "/*", "*/", "//", "_loadingOlder", "_messagesGeneration", "startGeneration",
    "_bumpMessagesGeneration()", "S.messages = [];", "_oldestIdx", "sid", "data", "\u2028", "😀",
]
_INTERESTING_BYTES = [b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\xe2\x80\xa8", b"\r", b"\n", b"\t", b"\\"]


def seeds() -> list[bytes]:
    return [path.read_bytes() for path in sorted(FIXTURES.glob("*/input.js"))]


# --- mutations ----------------------------------------------------------------


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return rng.choice(_INTERESTING_BYTES)
    at = rng.randrange(len(data) + 1)
    choice = rng.randrange(7)
    if choice == 0:  # flip one byte
        at = min(at, len(data) - 1)
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]
    if choice == 1:  # insert a random or interesting byte string
        piece = rng.choice(_INTERESTING_BYTES) if rng.random() < 0.6 else bytes([rng.randrange(256)])
        return data[:at] + piece + data[at:]
    if choice == 2:  # delete a short range
        return data[:at] + data[at + rng.randint(1, 40) :]
    if choice == 3:  # duplicate a range
        end = min(len(data), at + rng.randint(1, 200))
        return data[:end] + data[at:end] + data[end:]
    if choice == 4:  # cut the file off
        return data[:at]
    if choice == 5:  # move a range elsewhere
        end = min(len(data), at + rng.randint(1, 200))
        piece, rest = data[at:end], data[:at] + data[end:]
        where = rng.randrange(len(rest) + 1)
        return rest[:where] + piece + rest[where:]
    return data.replace(b"\n", b"\r\n") if rng.random() < 0.5 else data.replace(b"\r\n", b"\n")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def mutate_tokens(text: str, rng: random.Random) -> str:
    parts = tokens(text)
    if not parts:
        return rng.choice(_INTERESTING_TOKENS)
    code = [index for index, each in enumerate(parts) if not each.isspace()] or [0]
    at = rng.choice(code)
    choice = rng.randrange(6)
    if choice == 0:  # delete a token
        del parts[at]
    elif choice == 1:  # duplicate a token
        parts.insert(at, parts[at])
    elif choice == 2:  # swap with the next code token
        later = [index for index in code if index > at]
        if later:
            other = later[0]
            parts[at], parts[other] = parts[other], parts[at]
    elif choice == 3:  # replace with another token of the file
        parts[at] = parts[rng.choice(code)]
    elif choice == 4:  # insert an interesting token
        parts.insert(at, rng.choice(_INTERESTING_TOKENS))
    else:  # rename every occurrence of an identifier
        names = sorted({each for each in parts if re.fullmatch(r"[A-Za-z_$][\w$]*", each)})
        if names:
            old, new = rng.choice(names), rng.choice(names)
            parts = [new if each == old else each for each in parts]
    return "".join(parts)


def mutate_lines(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    at = rng.randrange(len(lines))
    choice = rng.randrange(5)
    if choice == 0:
        del lines[at]
    elif choice == 1:
        lines.insert(at, lines[at])
    elif choice == 2 and at + 1 < len(lines):
        lines[at], lines[at + 1] = lines[at + 1], lines[at]
    elif choice == 3:  # re-indent a line
        stripped = lines[at].lstrip(" \t")
        lines[at] = rng.choice(["", " ", "\t", "    ", "        "]) + stripped
    else:  # move a line elsewhere
        line = lines.pop(at)
        lines.insert(rng.randrange(len(lines) + 1), line)
    return "".join(lines)


def mutate(seed: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One input: a few mutations of one kind, so most inputs stay close to real files."""
    kind = rng.choices(["bytes", "tokens", "lines", "mixed"], weights=[2, 4, 3, 1])[0]
    data = seed
    for _ in range(rng.choice([1, 1, 1, 2, 3, 5])):
        step = kind if kind != "mixed" else rng.choice(["bytes", "tokens", "lines"])
        if step == "bytes":
            data = mutate_bytes(data, rng)
            continue
        text = data.decode("utf-8", errors="surrogateescape")
        text = mutate_tokens(text, rng) if step == "tokens" else mutate_lines(text, rng)
        data = text.encode("utf-8", errors="surrogateescape")
    return kind, data


# --- checking one input -------------------------------------------------------


def is_insertions_only(before: str, after: str) -> bool:
    """Every character of `before` is still in `after`, in order (jsfix only inserts)."""
    rest = iter(after)
    return all(char in rest for char in before)


def check_one(data: bytes, directory: Path, mode: Mode = Mode.WRITE) -> tuple[str, str, str | None]:
    """Run one input; return (how it ended, the reason given, a problem or None)."""
    path = directory / "sessions.js"
    path.write_bytes(data)
    try:
        result = process_file(path, Settings(mode=mode, cwd=directory))
    except Exception:  # noqa: BLE001 -- process_file must never raise; count it
        return "traceback", "", traceback.format_exc()
    ended, reason = result.outcome.value, result.reason
    leftovers = sorted(each.name for each in directory.iterdir() if each.name != "sessions.js")
    if leftovers:
        return ended, reason, f"files left next to the input: {leftovers}"
    after = path.read_bytes()
    if result.outcome is Outcome.FAILED and reason.startswith("internal error"):
        return "traceback", reason, reason
    if result.outcome is Outcome.WOULD_FIX and mode is Mode.WRITE:
        return ended, reason, "would fix in write mode"
    if result.outcome is not Outcome.FIXED:
        if after != data:
            return ended, reason, f"{ended} but the file changed: {reason}"
        if result.outcome is Outcome.WOULD_FIX and mode is Mode.DRY_RUN:
            # A preview trusts tree-sitter's screen (jsfix/javascript/syntax.py) where it
            # sees nothing: a file broken in a way the screen misses may be
            # previewed and then refused by the write (benchmarks/syntax_agreement.py
            # counts how often). Otherwise its diff must be as sound as a write.
            source = decode_source(data)
            try:
                parse_program(source.text)
            except Refused:
                return ended, reason, None
            return ended, reason, check_fixed(data, source.encode(plan_fix(source.text).apply(source.text)))
        return ended, reason, None
    return ended, reason, check_fixed(data, after)


def check_fixed(data: bytes, after: bytes) -> str | None:
    try:
        before_text = decode_source(data).text
        after_source = decode_source(after)
    except UnreadableSource as error:
        return f"fixed file does not decode: {error}"
    if after.startswith(b"\xef\xbb\xbf") != data.startswith(b"\xef\xbb\xbf"):
        return "the byte-order mark changed"
    plan = plan_fix(before_text)
    if any(edit.start != edit.end for edit in plan.edits):
        return "an edit replaces text instead of inserting"
    if plan.apply(before_text) != after_source.text:
        return "the written file is not the planned output"
    if not is_insertions_only(before_text, after_source.text):
        return "bytes of the input were lost"
    try:
        parse_program(after_source.text)
        again = plan_fix(after_source.text)
    except Refused as error:
        return f"fixed file does not parse: {error}"
    if again.status is not Status.ALREADY_FIXED:
        return f"a second pass changes the fixed file: {again.reason}"
    return None


# --- the run ------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="how long to run (default 1)")
    parser.add_argument("--count", type=int, default=0, help="stop after this many inputs instead")
    parser.add_argument("--seed", type=int, default=1937, help="random seed (default 1937)")
    parser.add_argument("--save", type=Path, help="save inputs that end in a traceback or corruption here")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    corpus = seeds()
    outcomes: Counter = Counter()
    kinds: Counter = Counter()
    modes: Counter = Counter()
    reasons: Counter = Counter()
    problems: list[tuple[str, str, bytes]] = []
    deadline = time.monotonic() + args.minutes * 60
    tried = 0
    with tempfile.TemporaryDirectory(prefix="jsfix-fuzz-") as scratch:
        directory = Path(scratch)
        while (tried < args.count) if args.count else (time.monotonic() < deadline):
            kind, data = mutate(rng.choice(corpus), rng)
            mode = rng.choices([Mode.WRITE, Mode.DRY_RUN, Mode.CHECK], weights=[3, 1, 1])[0]
            ended, reason, problem = check_one(data, directory, mode)
            modes[mode.value] += 1
            for each in directory.iterdir():
                each.unlink()
            tried += 1
            outcomes[ended] += 1
            kinds[kind] += 1
            if problem is not None:
                problems.append((ended, problem, data))
            elif ended != "fixed":
                reasons[f"{ended}: {_shape(reason)}"] += 1
    tracebacks = sum(1 for ended, _, _ in problems if ended == "traceback")
    corrupted = len(problems) - tracebacks
    print(f"jsfix fuzz: seed {args.seed}, {tried} inputs tried from {len(corpus)} fixtures")
    print("  mutations: " + ", ".join(f"{count} {kind}" for kind, count in kinds.most_common()))
    print("  modes:     " + ", ".join(f"{count} {mode}" for mode, count in modes.most_common()))
    print("  outcomes:  " + ", ".join(f"{count} {ended}" for ended, count in outcomes.most_common()))
    print("  most common reasons:")
    for reason, count in reasons.most_common(12):
        print(f"    {count:6}  {reason}")
    print(f"  tracebacks: {tracebacks}")
    print(f"  corrupted files: {corrupted}")
    for index, (ended, problem, data) in enumerate(problems[:10]):
        print(f"  problem {index + 1} ({ended}): {problem.strip().splitlines()[-1]}")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"problem-{index + 1}.js").write_bytes(data)
    return 1 if problems else 0


def _shape(reason: str) -> str:
    """A reason with its numbers and quoted tokens blanked, to count alike reasons together."""
    reason = re.sub(r"\d+", "N", reason)
    return re.sub(r"(Unexpected token|Unexpected identifier|Invalid|byte) \S+", r"\1 _", reason)[:110]


if __name__ == "__main__":
    sys.exit(main())
