"""Reading JavaScript with esprima, the parser of record: whole programs, slices, top-level statements.

A syntax error is a refusal (`Refused`, with esprima's line and column): jsfix
writes nothing it cannot parse. Ranges come back as Python string indices
(esprima counts UTF-16 code units; see offsets.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import esprima
from esprima.nodes import Node

from jsfix.javascript.jsast import rebase_ranges
from jsfix.javascript.offsets import Utf16Offsets


class Refused(Exception):
    """jsfix will not patch this file: it does not parse, or has the targets in a form the fix does not fit."""


_MODULE_SYNTAX = re.compile(r"^[ \t]*(?:import[\s{*'\"]|export\s)", re.MULTILINE)


@dataclass(frozen=True)
class Declaration:
    """One name declared at the top level of the file."""

    name: str
    kind: str  # 'async function', 'function', 'let', 'const', 'var', 'class', 'import'
    start: int
    end: int
    # The declarator or declaration itself, for its shape: only the two
    # targets' ranges are rebased to Python indices.
    node: Node | None = field(default=None, compare=False, repr=False)


def line_number(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def parse_program(text: str) -> tuple[Node, bool]:
    """Parse with esprima as a script, or as a module when the file has import/export.

    Raises Refused with esprima's line and column on a syntax error.
    """
    looks_like_module = bool(_MODULE_SYNTAX.search(text))
    attempts = (True, False) if looks_like_module else (False, True)
    first_error = None
    for as_module in attempts:
        parse = esprima.parseModule if as_module else esprima.parseScript
        try:
            return parse(text, {"range": True}), as_module
        except esprima.Error as error:
            first_error = first_error or error
    raise Refused(describe_syntax_error(first_error))


def describe_syntax_error(error: esprima.Error) -> str:
    message = re.sub(r"^Line \d+: ", "", error.message)
    return f"syntax error at line {error.lineNumber}, column {error.column}: {message}"


_EXPORT_PREFIX = re.compile(r"export\s+(?:default\s+)?")


def statement_sources(text: str) -> list[str]:
    """Each top-level statement as esprima spans it, as the harness keeps it.

    Without `export`, and a variable statement ending in `;` (joined to the
    next, a statement left to a line break could run on). Tests and
    scripts hold the harness's cuts to these.
    """
    program, _ = parse_program(text)
    offsets = Utf16Offsets(text)
    sources = []
    for statement in program.body:
        source = text[offsets.to_index(statement.range[0]) : offsets.to_index(statement.range[1])]
        inner = getattr(statement, "declaration", None) or statement
        if source.startswith("export"):
            source = source[_EXPORT_PREFIX.match(source).end() :]
        if inner.type == "VariableDeclaration" and not source.rstrip().endswith(";"):
            source += ";"
        sources.append(source)
    return sources


def top_level_declarations(program: Node, offsets: Utf16Offsets) -> list[tuple[Declaration, Node]]:
    found = []

    def add(name: str, kind: str, node: Node, whole: Node) -> None:
        span = (offsets.to_index(whole.range[0]), offsets.to_index(whole.range[1]))
        found.append((Declaration(name, kind, *span, node=node), node))

    for statement in program.body:
        inner = statement
        if statement.type in ("ExportNamedDeclaration", "ExportDefaultDeclaration"):
            inner = statement.declaration
            if inner is None:
                continue
        if inner.type == "FunctionDeclaration" and inner.id is not None:
            add(inner.id.name, "async function" if inner.isAsync else "function", inner, statement)
        elif inner.type == "ClassDeclaration" and inner.id is not None:
            add(inner.id.name, "class", inner, statement)
        elif inner.type == "VariableDeclaration":
            for declarator in inner.declarations:
                if declarator.id.type == "Identifier":
                    add(declarator.id.name, inner.kind, declarator, statement)
        elif inner.type == "ImportDeclaration":
            for specifier in inner.specifiers:
                add(specifier.local.name, "import", specifier, statement)
    return found


@functools.lru_cache(maxsize=64)
def parse_slice(piece: str, as_module: bool) -> Node | None:
    """The slice's program, ranges as Python indices into `piece`; callers copy what they keep.

    Remembered by text: across a fleet or a history most files share the
    targets' exact text (2,670 target slices in upstream's 1,463 blobs are
    62 distinct texts), and a copy costs a third of a parse.
    """
    try:
        program = (esprima.parseModule if as_module else esprima.parseScript)(piece, {"range": True})
    except esprima.Error:
        return None
    rebase_ranges(program, Utf16Offsets(piece), 0)
    return program
