"""One file's top-level declarations, as the race harness will run them.

Each declaration keeps its source text (without `export`), the names it
binds, the names it uses and those it only probes with `typeof`, and, for a
variable initialised with an object literal, that object's keys: a fork may
keep the paging state in such an object (`transcriptWindowState.loadingOlder`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from esprima.nodes import Node

from jsfix.locate import Refused, parse_program
from jsfix.offsets import Utf16Offsets

MODULE_STATEMENTS = frozenset(
    {"ImportDeclaration", "ExportNamedDeclaration", "ExportDefaultDeclaration", "ExportAllDeclaration"}
)
_FUNCTION_TYPES = frozenset({"FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"})


class ExtractError(Exception):
    """The file cannot be parsed, or the two functions are not top-level declarations."""


@dataclass(frozen=True)
class Declaration:
    """One top-level declaration statement, as source text without `export`."""

    names: tuple[str, ...]
    kind: str  # "function", "variable" or "class"
    start: int
    end: int
    source: str
    state_properties: tuple[str, ...]  # keys of an object literal it initializes a variable with
    node: Node = field(repr=False, compare=False)

    # Walking a declaration's syntax is most of the work on a large file, and
    # only the declarations the targets reach need it.
    @cached_property
    def _usage(self) -> tuple[frozenset[str], frozenset[str]]:
        used, bound, probed = _names_in(self.node)
        return frozenset(used - bound - set(self.names)), frozenset(probed)

    @property
    def references(self) -> frozenset[str]:
        """Names it uses that it does not bind itself."""
        return self._usage[0]

    @property
    def probed(self) -> frozenset[str]:
        """Names it tests with `typeof`."""
        return self._usage[1]


def parse(text: str) -> tuple[Node, bool]:
    """The syntax tree, and whether the file is an ES module (it imports or exports)."""
    try:
        program, _ = parse_program(text)
    except (Refused, RecursionError) as error:
        raise ExtractError(f"esprima cannot parse the file: {error}") from None
    return program, any(statement.type in MODULE_STATEMENTS for statement in program.body)


def opens_with_use_strict(program: Node) -> bool:
    for statement in program.body:
        directive = getattr(statement, "directive", None)
        if directive is None:
            return False
        if directive == "use strict":
            return True
    return False


def top_level_declarations(program: Node, text: str, index: Utf16Offsets) -> Iterator[Declaration]:
    for statement in program.body:
        node = statement
        if statement.type in ("ExportNamedDeclaration", "ExportDefaultDeclaration"):
            node = statement.declaration
            if node is None or node.type not in (
                "FunctionDeclaration",
                "VariableDeclaration",
                "ClassDeclaration",
            ):
                continue
        if node.type == "FunctionDeclaration" and node.id is not None:
            names, kind = (node.id.name,), "function"
        elif node.type == "ClassDeclaration" and node.id is not None:
            names, kind = (node.id.name,), "class"
        elif node.type == "VariableDeclaration":
            names = tuple(name for d in node.declarations for name in _pattern_names(d.id))
            kind = "variable"
            if (
                len(node.declarations) == 1
                and node.declarations[0].init is not None
                and node.declarations[0].init.type in ("FunctionExpression", "ArrowFunctionExpression")
            ):
                kind = "function"
        else:
            continue
        start, end = index.to_index(node.range[0]), index.to_index(node.range[1])
        source = text[start:end]
        if node.type == "VariableDeclaration" and not source.rstrip().endswith(";"):
            # Joined with other declarations, a missing semicolon could let
            # the next line continue this statement.
            source += ";"
        yield Declaration(
            names=names,
            kind=kind,
            start=start,
            end=end,
            source=source,
            state_properties=_object_keys(node),
            node=node,
        )


def _object_keys(node: Node) -> tuple[str, ...]:
    if node.type != "VariableDeclaration" or len(node.declarations) != 1:
        return ()
    init = node.declarations[0].init
    if _is_object_freeze(init):
        init = init.arguments[0]  # `Object.freeze({...})` keeps the keys it is given
    if init is None or init.type != "ObjectExpression":
        return ()
    return tuple(
        prop.key.name if prop.key.type == "Identifier" else str(prop.key.value)
        for prop in init.properties
        if prop.type == "Property" and not prop.computed and prop.key.type in ("Identifier", "Literal")
    )


def _is_object_freeze(node: Node | None) -> bool:
    return (
        node is not None
        and node.type == "CallExpression"
        and len(node.arguments) == 1
        and node.callee.type == "MemberExpression"
        and not node.callee.computed
        and node.callee.object.type == "Identifier"
        and node.callee.object.name == "Object"
        and node.callee.property.name in ("freeze", "seal")
    )


# --- names a piece of syntax uses and binds ---------------------------------


def _children(node: Node) -> Iterator[tuple[str, Node]]:
    for key, value in vars(node).items():
        if key.startswith("_") or key == "range":
            continue
        if isinstance(value, Node):
            yield key, value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Node):
                    yield key, item


def _names_in(node: Node) -> tuple[set[str], set[str], set[str]]:
    """Names used (not as property keys or labels), bound, and probed with `typeof`.

    Scopes are flattened: a name bound anywhere inside (a parameter, a local,
    a catch clause) counts as bound for the whole declaration. That can only
    hide a top-level name that is also shadowed somewhere inside, which errs
    on the side of stubbing it.
    """
    used: set[str] = set()
    bound: set[str] = set()
    probed: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind == "Identifier":
            used.add(current.name)
            continue
        if kind == "VariableDeclarator":
            bound.update(_pattern_names(current.id))
        elif kind in _FUNCTION_TYPES:
            if current.id is not None:
                bound.add(current.id.name)
            for param in current.params:
                bound.update(_pattern_names(param))
        elif kind in ("ClassDeclaration", "ClassExpression") and current.id is not None:
            bound.add(current.id.name)
        elif kind == "CatchClause" and current.param is not None:
            bound.update(_pattern_names(current.param))
        elif kind == "UnaryExpression" and current.operator == "typeof" and current.argument.type == "Identifier":
            probed.add(current.argument.name)
        elif kind == "MetaProperty":
            continue
        for key, child in _children(current):
            if key == "label":
                continue
            if key == "property" and kind == "MemberExpression" and not current.computed:
                continue
            if key == "key" and not getattr(current, "computed", False) and kind in (
                "Property",
                "MethodDefinition",
                "PropertyDefinition",
                "FieldDefinition",
            ):
                continue
            stack.append(child)
    return used, bound, probed


def _pattern_names(pattern: Node | None) -> Iterable[str]:
    if pattern is None:
        return
    kind = pattern.type
    if kind == "Identifier":
        yield pattern.name
    elif kind == "ObjectPattern":
        for prop in pattern.properties:
            yield from _pattern_names(prop.argument if prop.type == "RestElement" else prop.value)
    elif kind == "ArrayPattern":
        for element in pattern.elements:
            yield from _pattern_names(element)
    elif kind == "AssignmentPattern":
        yield from _pattern_names(pattern.left)
    elif kind == "RestElement":
        yield from _pattern_names(pattern.argument)
