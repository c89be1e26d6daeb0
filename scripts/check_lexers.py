"""Hold the fork's two lexers to esprima, and to each other, on real files.

    python scripts/check_lexers.py PATH... [--limit N]

A PATH that is a git checkout or a bare repository stands for every
distinct version of static/sessions.js in its history (all refs); any other
directory for the `.js` files under it (no node_modules, no *.min.js, none
over 1 MB); a file for itself. For each distinct text esprima can parse:
`jsfix/testgen/support/scan.py` must slice every top-level declaration as
esprima does and blank exactly esprima's comments; the harness's lexer
(`jsfix/verify/harness.js`) must give the same tokens as the generated
tests' (`jsfix/testgen/support/lexer.py`); and where the text holds the two
target functions, every statement the harness keeps must be one esprima
sees, in file order. Prints the counts and every disagreement; exits 1 on
any. Without a path it says it skipped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import esprima

from jsfix.javascript.offsets import Utf16Offsets
from jsfix.javascript.parse import (
    parse_program,
    statement_sources,
    top_level_declarations,
)
from jsfix.plan.locate import Refused
from jsfix.plan.targets import TARGETS
from jsfix.testgen.support.lexer import _tokens
from jsfix.testgen.support.scan import _blank_comments, _declaration_span
from jsfix.verify import HARNESS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_history import (
    history_blobs,  # every blob from any ref, one listing for all scripts
)

SESSIONS = "static/sessions.js"
_EXPORT_PREFIX = re.compile(r"export\s+(?:default\s+)?")
_NOT_LINE_BREAK = re.compile(r"[^\n\r\u2028\u2029]")
_BATCH = """
const { extractFromText, Lexer } = require(process.argv[1]);
const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const answers = texts.map(text => {
  const tokens = new Lexer(text).run().map(t => [t.type, t.value, t.start, t.end, t.depth, t.starts]);
  try { return { tokens, extraction: extractFromText(text) }; } catch (error) { return { tokens, error: error.message }; }
});
process.stdout.write(JSON.stringify(answers));
"""


def texts_in(path: Path) -> dict[str, str]:
    """{where: text} for one PATH argument."""
    if path.is_file():
        return {str(path): path.read_bytes().decode("utf-8-sig")}
    if (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir()):
        return versions_of_sessions(path)  # a work tree or a bare repository
    found = {}
    for each in sorted(path.rglob("*.js")):
        if "node_modules" in each.parts or each.name.endswith(".min.js") or each.stat().st_size > 1_000_000:
            continue
        found[str(each)] = each.read_bytes().decode("utf-8-sig", errors="replace")
    return found


def versions_of_sessions(checkout: Path) -> dict[str, str]:
    git = ["git", "-C", str(checkout)]
    blobs = sorted(history_blobs(str(checkout), SESSIONS))
    return {
        f"{checkout}@{blob[:10]}": subprocess.run(
            [*git, "cat-file", "blob", blob], capture_output=True, check=True
        ).stdout.decode("utf-8-sig", errors="replace")
        for blob in blobs
    }


def esprima_view(text: str) -> tuple[dict[str, tuple[int, int]], str]:
    """Each top-level name's span without `export` (the first wins), and the text with comments blanked."""
    program, is_module = parse_program(text)
    offsets = Utf16Offsets(text)
    spans: dict[str, tuple[int, int]] = {}
    for declaration, _ in top_level_declarations(program, offsets):
        if declaration.kind == "import":
            continue
        start = declaration.start
        if text.startswith("export", start):
            start = _EXPORT_PREFIX.match(text, start).end()
        spans.setdefault(declaration.name, (start, declaration.end))
    parse = esprima.parseModule if is_module else esprima.parseScript
    pieces = list(text)
    for comment in parse(text, {"range": True, "comment": True}).comments:
        start, end = offsets.to_index(comment.range[0]), offsets.to_index(comment.range[1])
        pieces[start:end] = _NOT_LINE_BREAK.sub(" ", text[start:end])
    return spans, "".join(pieces)


def scanner_problems(text: str, spans: dict[str, tuple[int, int]], blanked: str) -> list[str]:
    problems = [
        f"span of {name}: {_declaration_span(text, name)} instead of {span}"
        for name, span in spans.items()
        if _declaration_span(text, name) != span
    ]
    if _blank_comments(text) != blanked:
        problems.append("comments blanked differently")
    return problems


def harness_answers(texts: list[str]):
    """The harness's tokens and extraction for each text, a few texts per node run.

    A 450 KB file has 70,000 tokens: the answers are read a batch at a time
    and let go, or a whole history would hold gigabytes.
    """
    for start in range(0, len(texts), 4):
        done = subprocess.run(
            [shutil.which("node"), "-e", _BATCH, str(HARNESS)],
            input=json.dumps(texts[start : start + 4]),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=600,
            check=True,
        )
        yield from json.loads(done.stdout)


def harness_problems(text: str, answer: dict, has_targets: bool) -> list[str]:
    offsets = Utf16Offsets(text)
    tokens = [[k, v, offsets.to_utf16(a), offsets.to_utf16(b), d, s] for k, v, a, b, d, s in _tokens(text)]
    problems = [] if tokens == answer["tokens"] else ["the two lexers give different tokens"]
    if not has_targets:
        return problems
    if "error" in answer:
        return [*problems, f"harness: {answer['error']}"]
    statements = statement_sources(text)
    kept = answer["extraction"]["sources"]
    if any(source not in statements for source in kept):
        return [*problems, "harness keeps a statement esprima does not see"]
    positions = [statements.index(source) for source in kept]
    if positions != sorted(set(positions)):
        problems.append("harness keeps statements out of order")
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="check at most N distinct texts")
    options = parser.parse_args(argv)
    if not options.paths:
        print("skipped: give a hermes-webui checkout, a directory or .js files")
        return 0
    distinct: dict[str, tuple[str, str]] = {}
    for path in options.paths:
        for where, text in texts_in(path).items():
            distinct.setdefault(hashlib.sha256(text.encode()).hexdigest(), (where, text))
    items = list(distinct.values())[: options.limit]
    problems, unparsable, with_targets, parsed = [], 0, 0, []
    for where, text in items:
        try:
            spans, blanked = esprima_view(text)
        except (Refused, RecursionError):
            unparsable += 1
            continue
        problems += [f"{where}: {each}" for each in scanner_problems(text, spans, blanked)]
        has_targets = all(name in spans for name in TARGETS)
        parsed.append((where, text, has_targets))
        with_targets += has_targets
    if parsed and shutil.which("node"):
        answers = harness_answers([text for _, text, _ in parsed])
        for (where, text, has_targets), answer in zip(parsed, answers, strict=True):
            problems += [f"{where}: {each}" for each in harness_problems(text, answer, has_targets)]
    print(
        f"{len(items)} distinct texts: {len(items) - unparsable} parsed by esprima "
        f"({with_targets} with both targets), {unparsable} not"
    )
    print("\n".join(problems) or "no disagreements")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
