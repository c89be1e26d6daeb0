"""Build a synthetic fleet of fork checkouts from the project's own fixtures.

Each fork is a folder with `git init` (untracked files, so jsfix lists them
through `git ls-files` as in a real clone) holding `static/*.js` files of
130 KB to 460 KB: fixtures padded with generated, unrelated JavaScript
(functions, classes, strings, template literals, regular expressions,
comments, modern syntax), written in the fixture's own style (indentation,
semicolons, line endings, byte-order mark, final newline).

The mix, by default: 10% need the fix (fixture inputs), 30% are already
fixed (fixture outputs and the equivalent-fix fixtures), 10% mention the
two function names only in comments (parsed, then not applicable), 50% are
unrelated JavaScript that never mentions them (not applicable, not parsed).

    python benchmarks/make_fleet.py --files 1000 bench-out/fleet
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
BOM = b"\xef\xbb\xbf"

MIN_SIZE = 130 * 1024
MAX_SIZE = 460 * 1024
FILES_PER_FORK = 5

# Fixtures that must not change, as jsfix reports them.
ALREADY_FIXED_FIXTURES = ("fully-fixed",)
EQUIVALENT_FIXTURES = ("wait-helper-alternative", "object-state-module")
MENTIONS_ONLY_FIXTURE = "no-targets"


@dataclass(frozen=True)
class FileKind:
    name: str  # "needs fix", "already fixed", "mentions only", "unrelated"
    source: bytes | None  # fixture bytes to pad, or None for pure generated JavaScript
    case: str  # the fixture it came from ("" for unrelated)


# -- unrelated JavaScript ------------------------------------------------------------

_VERBS = [
    "render",
    "update",
    "load",
    "save",
    "sync",
    "build",
    "parse",
    "format",
    "apply",
    "toggle",
    "refresh",
    "measure",
    "attach",
    "detach",
    "collect",
]
_NOUNS = [
    "Panel",
    "Sidebar",
    "Toolbar",
    "Message",
    "Thread",
    "Draft",
    "Upload",
    "Preview",
    "Badge",
    "Tooltip",
    "Menu",
    "Layout",
    "Theme",
    "Shortcut",
    "Cache",
]
_WORDS = [
    "alpha",
    "bravo",
    "chat",
    "draft",
    "entry",
    "field",
    "group",
    "header",
    "index",
    "jump",
    "key",
    "list",
    "model",
    "node",
    "option",
    "page",
    "query",
]


class JsGenerator:
    """Unrelated top-level JavaScript, valid as a script and as a module, in a given style."""

    def __init__(self, rng: random.Random, indent: str, semicolons: bool, prefix: str) -> None:
        self.rng = rng
        self.indent = indent
        self.semi = ";" if semicolons else ""
        self.prefix = prefix  # keeps every generated name apart from the fixture's names
        self.counter = 0

    def name(self) -> str:
        self.counter += 1
        return f"{self.rng.choice(_VERBS)}{self.rng.choice(_NOUNS)}{self.prefix}{self.counter}"

    def word(self) -> str:
        return self.rng.choice(_WORDS)

    def text(self, size: int) -> str:
        """At least `size` characters of top-level statements, each ending in a newline."""
        chunks: list[str] = []
        total = 0
        makers = (self.function, self.function, self.klass, self.table, self.comment_block, self.regexes, self.async_fn)
        while total < size:
            chunk = self.rng.choice(makers)() + "\n"
            chunks.append(chunk)
            total += len(chunk)
        return "".join(chunks)

    def lines(self, depth: int, lines: list[str]) -> str:
        return "".join(f"{self.indent * depth}{line}\n" for line in lines)

    def function(self) -> str:
        name, a, b = self.name(), self.word(), self.word() + "s"
        i, s = self.indent, self.semi
        body = [
            f"// {name}: keeps the {a} list in step with the {b} shown on screen.",
            f"function {name}({a}, {b} = [], config = {{}}) {{",
            f"{i}if (!{a} || typeof {a} !== 'object') return null{s}",
            f"{i}const limit = Math.max(1, (config.limit | 0) || {self.rng.randint(5, 500)}){s}",
            f"{i}let html = ''{s}",
            f"{i}for (let index = 0; index < {b}.length && index < limit; index++) {{",
            f"{i * 2}const item = {b}[index]{s}",
            f"{i * 2}if (item == null) continue{s}",
            f"{i * 2}const label = String(item.title || item.name || '').replace(/[<>&\"']/g, ch => `&#${{ch.charCodeAt(0)}};`){s}",
            f"{i * 2}html += `<li data-index=\"${{index}}\" class=\"${{index % 2 ? 'odd' : 'even'}}\">${{label}}</li>`{s}",
            f"{i}}}",
            f"{i}const ratio = {b}.length / (limit || 1) * 100{s}",
            f"{i}if (ratio > {self.rng.randint(10, 90)} && config.onOverflow) config.onOverflow(ratio / 100){s}",
            f"{i}return {{ html, count: {b}.length, more: {b}.length > limit, key: '{a}:' + {self.rng.randint(0, 9999)} }}{s}",
            "}",
        ]
        return self.lines(0, body)

    def async_fn(self) -> str:
        name, w = self.name(), self.word()
        i, s = self.indent, self.semi
        body = [
            "/*",
            f" * {name}: fetches the {w} settings once and caches them; a failed request",
            " * falls back to the defaults so the page still opens.",
            " */",
            f"async function {name}(signal) {{",
            f"{i}const url = `/api/{w}?v=${{encodeURIComponent(String(Date.now() % 1000))}}`{s}",
            f"{i}try {{",
            f"{i * 2}const response = await fetch(url, {{ signal, headers: {{ 'Accept': 'application/json' }} }}){s}",
            f"{i * 2}if (!response.ok) throw new Error(`HTTP ${{response.status}} for ${{url}}`){s}",
            f"{i * 2}const data = await response.json(){s}",
            f"{i * 2}return data?.settings?.{w} ?? {{ enabled: false }}{s}",
            f"{i}}} catch {{",
            f"{i * 2}return {{ enabled: false, reason: 'offline' }}{s}",
            f"{i}}} finally {{",
            f"{i * 2}if (typeof console !== 'undefined') console.debug('{name} done'){s}",
            f"{i}}}",
            "}",
        ]
        return self.lines(0, body)

    def klass(self) -> str:
        name = self.name()
        cls = name[0].upper() + name[1:]
        w = self.word()
        i, s = self.indent, self.semi
        body = [
            f"class {cls} {{",
            f"{i}#items = new Map(){s}",
            f"{i}static MAX = {self.rng.randint(16, 4096)}{s}",
            f"{i}constructor(root) {{",
            f"{i * 2}this.root = root{s}",
            f"{i * 2}this.{w}Count = 0{s}",
            f"{i}}}",
            f"{i}add(key, value) {{",
            f"{i * 2}if (this.#items.size >= {cls}.MAX) this.#items.delete(this.#items.keys().next().value){s}",
            f"{i * 2}this.#items.set(key, value){s}",
            f"{i * 2}this.{w}Count += 1{s}",
            f"{i * 2}return this{s}",
            f"{i}}}",
            f"{i}get summary() {{",
            f"{i * 2}return [...this.#items.values()].filter(Boolean).map(v => v.toString()).join(', '){s}",
            f"{i}}}",
            "}",
        ]
        return self.lines(0, body)

    def table(self) -> str:
        name = self.name().upper()
        i, s = self.indent, self.semi
        rows = [
            f"{i}{self.word()}_{n}: {{ label: '{self.word().title()} {n}', weight: {self.rng.random():.3f}, tags: ['{self.word()}', \"{self.word()}\"] }},"
            for n in range(self.rng.randint(4, 12))
        ]
        return self.lines(0, [f"const {name} = Object.freeze({{", *rows, f"}}){s}"])

    def comment_block(self) -> str:
        words = [self.word() for _ in range(self.rng.randint(30, 90))]
        lines, line = [], "//"
        for each in words:
            if len(line) > 70:
                lines.append(line)
                line = "//"
            line += " " + each
        lines.append(line)
        return self.lines(0, lines)

    def regexes(self) -> str:
        name = self.name()
        i, s = self.indent, self.semi
        body = [
            f"const {name} = {{",
            f"{i}email: /^[^\\s@]+@[^\\s@]+\\.[a-z]{{2,}}$/i,",
            f"{i}path: /[/\\\\](?:[^/\\\\]+)$/,",
            f"{i}fence: /^```(\\w*)$/m,",
            f"{i}half: (a, b) => a / 2 / (b || 1),",
            f'{i}quote: "it\'s a \\"quoted\\" /not a regex/ string",',
            f"{i}tpl: (x) => `nested ${{x ? `inner ${{x}}` : '}}'}} done`,",
            f"}}{s}",
        ]
        return self.lines(0, body)


# -- padding a fixture in its own style -------------------------------------------------


def style_of(case: str, text: str) -> tuple[str, bool, str]:
    """(indent unit, semicolons, newline) of a fixture."""
    newline = "\r\n" if "\r\n" in text else "\n"
    indent = "\t" if case == "style-tabs" else "    " if case == "style-four-spaces" else "  "
    return indent, case != "style-no-semicolons", newline


def padded(kind: FileKind, size: int, rng: random.Random, prefix: str) -> bytes:
    source = kind.source or b""
    bom = source.startswith(BOM)
    text = source[len(BOM) :].decode("utf-8") if bom else source.decode("utf-8")
    indent, semicolons, newline = style_of(kind.case, text)
    generator = JsGenerator(rng, indent, semicolons, prefix)
    padding_size = max(0, size - len(source))
    before_share = rng.uniform(0.2, 0.8) if kind.source else 1.0
    before = generator.text(int(padding_size * before_share))
    after = generator.text(padding_size - len(before)) if kind.source else ""
    ends_in_newline = text.endswith("\n") or not text
    if text and not ends_in_newline:
        text += "\n"
    whole = before + text + after
    if text and not ends_in_newline:
        whole = whole.rstrip("\n")
    if newline == "\r\n":
        whole = whole.replace("\r\n", "\n").replace("\n", "\r\n")
    return (BOM if bom else b"") + whole.encode("utf-8")


def fixture_kinds() -> dict[str, list[FileKind]]:
    cases = sorted(path for path in FIXTURES.iterdir() if (path / "input.js").exists())
    must_fix = [path for path in cases if (path / "expected.js").exists()]
    kinds = {
        "needs fix": [FileKind("needs fix", (path / "input.js").read_bytes(), path.name) for path in must_fix],
        "already fixed": [
            FileKind("already fixed", (path / "expected.js").read_bytes(), path.name) for path in must_fix
        ],
        "mentions only": [
            FileKind(
                "mentions only", (FIXTURES / MENTIONS_ONLY_FIXTURE / "input.js").read_bytes(), MENTIONS_ONLY_FIXTURE
            )
        ],
        "unrelated": [FileKind("unrelated", None, "")],
    }
    for case in ALREADY_FIXED_FIXTURES + EQUIVALENT_FIXTURES:
        kinds["already fixed"].append(FileKind("already fixed", (FIXTURES / case / "input.js").read_bytes(), case))
    return kinds


def plan_mix(files: int, needs_fix: float, already_fixed: float, mentions: float) -> list[str]:
    counts = {
        "needs fix": round(files * needs_fix),
        "already fixed": round(files * already_fixed),
        "mentions only": round(files * mentions),
    }
    counts["unrelated"] = max(0, files - sum(counts.values()))
    return [kind for kind, count in counts.items() for _ in range(count)]


def build_fleet(
    out: Path,
    files: int,
    *,
    seed: int = 1937,
    needs_fix: float = 0.10,
    already_fixed: float = 0.30,
    mentions: float = 0.10,
    git: bool = True,
) -> dict[str, int]:
    """Write the fleet under `out` (emptied first); how many files of each kind."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    kinds = fixture_kinds()
    mix = plan_mix(files, needs_fix, already_fixed, mentions)
    rng.shuffle(mix)
    made: dict[str, int] = {}
    for number, kind_name in enumerate(mix):
        fork = out / f"fork-{number // FILES_PER_FORK:04d}" / "hermes-webui"
        kind = kinds[kind_name][number % len(kinds[kind_name])]
        path = fork / "static" / f"{kind_name.replace(' ', '-')}-{number:05d}.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(padded(kind, rng.randint(MIN_SIZE, MAX_SIZE), rng, f"_{number}"))
        made[kind_name] = made.get(kind_name, 0) + 1
    if git:
        for fork in sorted(out.glob("fork-*/hermes-webui")):
            subprocess.run(["git", "init", "-q", str(fork)], check=True)
    return made


def single_file(out: Path, size: int, case: str = "upstream-parent", seed: int = 1) -> Path:
    """One fixture input padded to `size` bytes: a file that needs the fix."""
    kind = FileKind("needs fix", (FIXTURES / case / "input.js").read_bytes(), case)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(padded(kind, size, random.Random(seed), "_single"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to (re)create, e.g. bench-out/fleet")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1937)
    parser.add_argument("--needs-fix", type=float, default=0.10)
    parser.add_argument("--already-fixed", type=float, default=0.30)
    parser.add_argument("--mentions", type=float, default=0.10, help="share that names the functions only in comments")
    parser.add_argument("--no-git", action="store_true", help="plain folders instead of git work trees")
    args = parser.parse_args(argv)
    made = build_fleet(
        args.out,
        args.files,
        seed=args.seed,
        needs_fix=args.needs_fix,
        already_fixed=args.already_fixed,
        mentions=args.mentions,
        git=not args.no_git,
    )
    print(f"{args.out}: " + ", ".join(f"{count} {kind}" for kind, count in made.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
