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

from esprima.nodes import Node

from jsfix.javascript.jsast import rebase_ranges, shifted_copy, walk
from jsfix.javascript.offsets import Utf16Offsets
from jsfix.javascript.parse import (
    Declaration,
    Refused,
    line_number,
    parse_program,
    parse_slice,
    top_level_declarations,
)
from jsfix.javascript.scan import Head, ScanUncertain, TopLevel, scan_top_level
from jsfix.plan.targets import (
    ENSURE_ALL,
    LOAD_OLDER,
    TARGETS,
)

__all__ = [  # Refused and Declaration are met by every caller of the plan
    "Declaration",
    "DefinedElsewhere",
    "Located",
    "Refused",
    "locate_targets",
]

class DefinedElsewhere(Exception):
    """The file only imports or re-exports the targets from the module `source`."""

    def __init__(self, names: list[str], source: str) -> None:
        self.names = names
        self.source = source
        super().__init__(f"{' and '.join(names)} {'is' if len(names) == 1 else 'are'} imported from '{source}'")


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


def _imported_targets(program: Node) -> dict[str, str]:
    """Targets the module imports or re-exports from another one: {name: module specifier}."""
    found: dict[str, str] = {}
    for statement in program.body:
        source = getattr(statement, "source", None)
        if statement.type not in ("ImportDeclaration", "ExportNamedDeclaration") or source is None:
            continue
        for specifier in statement.specifiers:
            # The name as the other module exports it: `import { a as b }` names a.
            original = getattr(specifier, "imported", None) or specifier.local
            if original.name in TARGETS:
                found.setdefault(original.name, source.value)
    return found


def describe_other_form(program: Node, name: str, text: str, offsets: Utf16Offsets) -> str | None:
    """Why a target that is not a top-level declaration cannot be fixed, or None if absent."""
    for node in walk(program):
        line = None
        if node.type == "FunctionDeclaration" and node.id is not None and node.id.name == name:
            line, form = node, "nested inside another function or block"
        elif node.type in ("MethodDefinition", "Property", "PropertyDefinition") and _key_name(node) == name:
            # `{ _loadOlderMessages: null }` only names a property; a function there is a method.
            if _is_function(node.value):
                line, form = node, "a method, not a top-level function"
        elif node.type == "VariableDeclarator" and node.id.type == "Identifier" and node.id.name == name:
            if _is_function(node.init):
                line, form = node, "not a function declaration"
        elif node.type == "AssignmentExpression" and _assigned_name(node.left) == name and _is_function(node.right):
            line, form = node, "a function assigned to a variable or property, not a function declaration"
        if line is not None:
            at = line_number(text, offsets.to_index(line.range[0]))
            return f"{name} at line {at} is {form}"
    return None


def _describe_form(declaration: Declaration, node: Node) -> str:
    if declaration.kind == "function":
        return "not async"
    if declaration.kind in ("let", "const", "var") and node.init is not None:
        if node.init.type == "ArrowFunctionExpression":
            return f"an arrow function ({declaration.kind}), not an async function declaration"
        if node.init.type == "FunctionExpression":
            return f"a function expression ({declaration.kind}), not an async function declaration"
    return f"declared with {declaration.kind}, not as an async function declaration"


_BARE_CR = re.compile(r"\r(?!\n)")
_ANY_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def _is_function(node: Node | None) -> bool:
    return node is not None and node.type in ("FunctionExpression", "ArrowFunctionExpression")


def _assigned_name(target: Node) -> str | None:
    if target.type == "Identifier":
        return target.name
    if target.type == "MemberExpression" and not target.computed and target.property.type == "Identifier":
        return target.property.name
    return None


def _key_name(node: Node) -> str | None:
    key = node.key
    return key.name if key is not None and key.type == "Identifier" else None


def locate_targets(text: str, *, full_parse: bool = False) -> Located | None:
    """The targets with their syntax trees, or None when the file has neither.

    The fast path (`_locate_by_scan`) handles the ordinary file: one top-level
    async declaration of each target, each confirmed by esprima on its own
    text. Anything else, and every `full_parse=True` call, goes through a
    full esprima parse, which alone decides refusals.
    """
    if LOAD_OLDER not in text and ENSURE_ALL not in text:
        return None
    _refuse_lone_carriage_returns(text)
    if not full_parse:
        if _every_occurrence_is_a_use(text):
            return None  # another script that calls them: no scan, no parse
        try:
            top = scan_top_level(text, TARGETS + _ANCHOR_NAMES)
        except ScanUncertain:
            top = None
        if top is not None:
            if _every_code_mention_is_a_use(text, top):
                return None
            located = _locate_by_scan(text, top)
            if located is not None:
                return located
    return _locate_by_full_parse(text)


# A file that defines neither target is `not applicable` without a parse when
# every mention has one of two shapes, neither of which can define the name
# whatever surrounds it (in valid JavaScript): the operand of `typeof` on the
# same line (no line break, so no statement can end between them), and the
# callee of a call whose `)` is not followed by `{` (a method's body). The
# arguments are kept to names, numbers and commas so that the `)` found is the
# call's own. The check is first made on the raw text, every occurrence
# counted (code or not); names in comments or strings need the scanner.
# Spaces are JavaScript's: Python's `\s` misses U+FEFF, and `f()\ufeff{` is a method.
_JS_SPACE = "\t\v\f \u00a0\ufeff\u1680\u2000-\u200a\u202f\u205f\u3000\n\r\u2028\u2029"
_TYPEOF_BEFORE = re.compile(r"(?<![\w$.#\\\u200c\u200d])typeof[ \t]+\Z")
_CALL_WITHOUT_BODY = re.compile(
    rf"[{_JS_SPACE}]*\([{_JS_SPACE}\w$,.]*\)"
    rf"(?:[{_JS_SPACE}]|//[^\n\r\u2028\u2029]*|/\*(?:[^*]|\*(?!/))*\*/)*+"  # possessive: skip all, then look
    r"(?!\{)"
)
# No lookbehind here: it would cost the regex engine its fast literal search.
_TARGET_WORD = re.compile("|".join(TARGETS))
_PART_OF_LONGER_WORD = re.compile(r"[\w$\u200c\u200d\\]")


def _is_a_use(text: str, start: int, end: int) -> bool:
    """The name at text[start:end] is a `typeof` operand or a callee, never a definition."""
    if _TYPEOF_BEFORE.search(text, max(0, start - 64), start):
        return True
    return _CALL_WITHOUT_BODY.match(text, end) is not None


def _every_occurrence_is_a_use(text: str) -> bool:
    """Every occurrence of a target name, in code or not, is a use (see above)."""
    for match in _TARGET_WORD.finditer(text):
        start, end = match.span()
        if _PART_OF_LONGER_WORD.match(text, end) or start and _PART_OF_LONGER_WORD.match(text, start - 1):
            continue  # `x_loadOlderMessages`, `_loadOlderMessagesLater`: another name
        if not _is_a_use(text, start, end):
            return False
    return True


def _every_code_mention_is_a_use(text: str, top: TopLevel) -> bool:
    """As above, for the mentions the scanner found in code (comments and strings left out)."""
    return all(
        mention.declares is None and _is_a_use(text, mention.start, mention.start + len(mention.name))
        for mention in top.mentions
        if mention.name in TARGETS
    )


def _refuse_lone_carriage_returns(text: str) -> None:
    bare_cr = _BARE_CR.search(text)
    if bare_cr:
        # jsfix places and indents lines by LF; a lone CR would throw that off.
        line = len(_ANY_LINE_BREAK.findall(text, 0, bare_cr.start())) + 1
        raise Refused(f"has a line break that is a lone CR (\\r) at line {line}; jsfix writes only LF or CRLF files")


def _locate_by_full_parse(text: str) -> Located | None:
    program, is_module = parse_program(text)
    offsets = Utf16Offsets(text)
    declared = top_level_declarations(program, offsets)
    imported = _imported_targets(program)
    functions = {}
    missing = []
    for name in TARGETS:
        matches = [(each, node) for each, node in declared if each.name == name and each.kind != "import"]
        if not matches and name in imported:
            missing.append(name)
            continue
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
            raise Refused(f"{name} at line {line_number(text, declaration.start)} is {_describe_form(declaration, node)}")
        if node.generator:
            raise Refused(f"{name} at line {line_number(text, declaration.start)} is an async generator, not an async function")
        rebase_ranges(node, offsets, 0)
        functions[name] = node
    if len(missing) == 2:
        from_modules = [name for name in TARGETS if name in imported]
        if from_modules:
            raise DefinedElsewhere(from_modules, imported[from_modules[0]])
        return None
    if missing:
        present = next(name for name in TARGETS if name not in missing)
        elsewhere = f" here (it is imported from '{imported[missing[0]]}')" if missing[0] in imported else ""
        raise Refused(f"{present} is defined but {missing[0]} is not{elsewhere}; the fix needs both")
    return Located(
        text=text,
        load_older=functions[LOAD_OLDER],
        ensure_all=functions[ENSURE_ALL],
        declarations=tuple(each for each, _ in declared),
        is_module=is_module,
    )


# Top-level names the rules look up by position; a depth-0 use of one that is
# not its declaration (`let a = 1, _messagesGeneration = 0;`) sends the file
# to the full parse.
_ANCHOR_NAMES = ("_oldestIdx", "_messagesGeneration", "_bumpMessagesGeneration", "_loadingOlder", "_loadingSessionId")


def _locate_by_scan(text: str, top: TopLevel) -> Located | None:
    """The fast path, or None when anything is unusual (the full parse then decides).

    The scanner finds the top-level statement heads without building a
    syntax tree; esprima then parses each target function's own text, and
    must find exactly one async function declaration of that name spanning
    exactly that text. Declarations the rules insert next to are confirmed
    the same way.
    """
    for mention in top.mentions:
        if mention.depth == 0 and mention.declares is None:
            return None
    if any(head.keyword == "import" for head in top.heads):
        return None  # imported names are not all in the heads; let the full parse list them
    functions = {}
    for name in TARGETS:
        heads = [head for head in top.heads if head.name == name]
        if len(heads) != 1 or heads[0].keyword != "async function" or heads[0].body_end is None:
            return None
        functions[name] = _confirm_function(text, heads[0], top)
        if functions[name] is None:
            return None
    declarations = []
    for head in top.heads:
        if head.name is None or head.keyword in ("import", "export"):
            continue
        end, node = head.body_end if head.body_end is not None else head.start, None
        if head.name in _ANCHOR_NAMES:
            confirmed = _confirm_declaration(text, head, top)
            if confirmed is None:
                return None
            end, node = confirmed
        declarations.append(Declaration(head.name, head.keyword, head.start, end, node=node))
    return Located(
        text=text,
        load_older=functions[LOAD_OLDER],
        ensure_all=functions[ENSURE_ALL],
        declarations=tuple(declarations),
        is_module=top.is_module,
    )


def _confirm_function(text: str, head: Head, top: TopLevel) -> Node | None:
    """A target: esprima must find one async function declaration of its name spanning exactly its text."""
    confirmed = _confirm_declaration(text, head, top)
    if confirmed is None:
        return None
    end, node = confirmed
    if node.type != "FunctionDeclaration" or not node.isAsync or node.generator:
        return None
    return node if end == head.body_end else None


def _confirm_declaration(text: str, head: Head, top: TopLevel) -> tuple[int, Node] | None:
    """End and node of a top-level declaration the rules look into, parsed on its own.

    The node is the declarator of a `let`/`const`/`var`, or the function or
    class itself, as the full parse would give it.
    """
    following = [each.start for each in top.heads if each.start > head.start]
    stop = head.body_end if head.body_end is not None else (following[0] if following else len(text))
    piece = text[head.start : stop]
    program = parse_slice(piece, top.is_module or head.exported)
    if program is None or not program.body:
        return None
    statement = program.body[0]
    inner = statement.declaration if head.exported else statement
    if inner is None:
        return None
    if inner.type == "VariableDeclaration":
        declarators = inner.declarations
        if len(declarators) != 1 or declarators[0].id.type != "Identifier" or declarators[0].id.name != head.name:
            return None
        node = declarators[0]
    elif inner.type in ("FunctionDeclaration", "ClassDeclaration") and inner.id is not None and inner.id.name == head.name:
        node = inner
    else:
        return None
    return head.start + statement.range[1], shifted_copy(node, head.start)
