"""Finding the two target functions and the module-level anchors.

`locate_targets` answers one question for a file: where are the top-level
`async function _loadOlderMessages` and `async function _ensureAllMessagesLoaded`
declarations, and what else is declared at top level? It refuses, with the
reason and the line, when the targets are present in a form the fix does not
fit (defined twice, nested, an arrow function, not async...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import esprima
from esprima.nodes import Node

from jsfix.jsast import rebase_ranges, walk
from jsfix.offsets import Utf16Offsets

LOAD_OLDER = "_loadOlderMessages"
ENSURE_ALL = "_ensureAllMessagesLoaded"
TARGETS = (LOAD_OLDER, ENSURE_ALL)

_MODULE_SYNTAX = re.compile(r"^[ \t]*(?:import[\s{*'\"]|export\s)", re.MULTILINE)


class Refused(Exception):
    """The file has the targets in a form jsfix will not patch; the message says why."""


@dataclass(frozen=True)
class Declaration:
    """One name declared at the top level of the file."""

    name: str
    kind: str  # 'async function', 'function', 'let', 'const', 'var', 'class', 'import'
    start: int
    end: int


@dataclass(frozen=True)
class Located:
    text: str
    load_older: Node
    ensure_all: Node
    declarations: tuple[Declaration, ...]
    is_module: bool

    def declared(self, name: str) -> Declaration | None:
        return next((each for each in self.declarations if each.name == name), None)

    def line_of(self, index: int) -> int:
        return line_number(self.text, index)


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


def top_level_declarations(program: Node, offsets: Utf16Offsets) -> list[tuple[Declaration, Node]]:
    found = []

    def add(name: str, kind: str, node: Node, whole: Node) -> None:
        span = (offsets.to_index(whole.range[0]), offsets.to_index(whole.range[1]))
        found.append((Declaration(name, kind, *span), node))

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


def describe_other_form(program: Node, name: str, text: str, offsets: Utf16Offsets) -> str | None:
    """Why a target that is not a top-level declaration cannot be fixed, or None if absent."""
    for node in walk(program):
        line = None
        if node.type == "FunctionDeclaration" and node.id is not None and node.id.name == name:
            line, form = node, "nested inside another function or block"
        elif node.type in ("MethodDefinition", "Property") and _key_name(node) == name:
            line, form = node, "a method, not a top-level function"
        elif node.type == "VariableDeclarator" and node.id.type == "Identifier" and node.id.name == name:
            line, form = node, "not a function declaration"
        if line is not None:
            at = line_number(text, offsets.to_index(line.range[0]))
            return f"{name} at line {at} is {form}"
    return None


def _key_name(node: Node) -> str | None:
    key = node.key
    return key.name if key is not None and key.type == "Identifier" else None


def locate_targets(text: str) -> Located | None:
    """The targets with their syntax trees, or None when the file has neither."""
    if LOAD_OLDER not in text and ENSURE_ALL not in text:
        return None
    program, is_module = parse_program(text)
    offsets = Utf16Offsets(text)
    declared = top_level_declarations(program, offsets)
    functions = {}
    missing = []
    for name in TARGETS:
        matches = [(each, node) for each, node in declared if each.name == name]
        if len(matches) > 1:
            lines = " and ".join(str(line_number(text, each.start)) for each, _ in matches)
            raise Refused(f"{name} is defined twice (lines {lines})")
        if not matches:
            reason = describe_other_form(program, name, text, offsets)
            if reason:
                raise Refused(reason)
            missing.append(name)
            continue
        declaration, node = matches[0]
        if declaration.kind != "async function":
            form = "not async" if declaration.kind == "function" else f"declared with {declaration.kind}, not as an async function declaration"
            raise Refused(f"{name} at line {line_number(text, declaration.start)} is {form}")
        rebase_ranges(node, offsets, 0)
        functions[name] = node
    if len(missing) == 2:
        return None
    if missing:
        present = next(name for name in TARGETS if name not in missing)
        raise Refused(f"{present} is defined but {missing[0]} is not; the fix needs both")
    return Located(
        text=text,
        load_older=functions[LOAD_OLDER],
        ensure_all=functions[ENSURE_ALL],
        declarations=tuple(each for each, _ in declared),
        is_module=is_module,
    )
