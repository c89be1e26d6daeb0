"""Cutting the two racing functions, and what they need, out of a file.

The behavioural check runs a file's own `_loadOlderMessages` and
`_ensureAllMessagesLoaded` under node. Running the whole file would drag in
the DOM, rendering and every other feature of the page, so this module keeps
only the top-level declarations the two functions reach:

- every top-level variable (`let`/`const`/`var`) and class they name, since
  that is the shared state the race is about, together with what those
  initializers name in turn;
- every top-level function they name that reads or writes that shared state
  (`_bumpMessagesGeneration`, a `_waitForOlderMessagesIdle` wait helper), or
  that only names built-ins, the harness's world (`S`, `api`, timers) and
  other functions kept by the same rule, like a message comparer.

Anything else they name (rendering, scrolling, other modules' globals,
imports) is left out and becomes a generic stub in the harness, so unknown
helpers cannot break the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from esprima.nodes import Node

from jsfix.locate import TARGETS, Refused, parse_program
from jsfix.offsets import Utf16Offsets

# State the harness sets up and inspects: it generates accessors only for the
# names the file declares, and uses globals for the others.
STATE_NAMES = ("_loadingOlder", "_oldestIdx", "_messagesTruncated", "_loadingSessionId")

# Property names under which forks that keep the paging state in one object
# (`transcriptWindowState.loadingOlder`) hold each of STATE_NAMES.
_STATE_PROPERTIES = {
    "_loadingOlder": ("loadingOlder", "_loadingOlder"),
    "_oldestIdx": ("oldestIdx", "_oldestIdx", "oldestIndex"),
    "_messagesTruncated": ("truncated", "messagesTruncated", "_messagesTruncated"),
    "_loadingSessionId": ("loadingSessionId", "_loadingSessionId"),
}

# Names a function may use and still count as self-contained: ECMAScript
# built-ins, plus what the harness itself provides for real (fake timers,
# a silent console).
_BUILTINS = frozenset(
    ["undefined", "NaN", "Infinity", "globalThis", "arguments", "Object", "Function", "Array", "Number", "String", "Boolean", "Symbol", "BigInt", "Math", "JSON", "Date", "RegExp", "Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError", "Promise", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "Proxy", "Reflect", "Intl", "ArrayBuffer", "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "escape", "unescape", "structuredClone", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame", "cancelAnimationFrame", "queueMicrotask", "console"]
)

# What the harness models for real rather than as a stub: a function that
# only uses these (and built-ins) can run.
_WORLD = frozenset({"S", "api", "msgContent"})

_MODULE_STATEMENTS = frozenset(
    {"ImportDeclaration", "ExportNamedDeclaration", "ExportDefaultDeclaration", "ExportAllDeclaration"}
)
# Worth trying the module grammar first.
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


@dataclass(frozen=True)
class Extraction:
    """What the harness needs to run the two functions of one file."""

    source: str  # the kept declarations, in file order, joined by newlines
    sources: tuple[str, ...]  # the same, one per kept declaration
    declared: tuple[str, ...]  # every top-level name the kept source binds
    state: tuple[str, ...]  # the STATE_NAMES among `declared`
    # How the harness reads and assigns each of STATE_NAMES the file keeps:
    # the name itself, or a property of a state object.
    state_access: tuple[tuple[str, str], ...]
    free: tuple[str, ...]  # names the kept source uses but does not declare
    optional: tuple[str, ...]  # free names only ever probed with `typeof`
    module: bool  # parsed as an ES module
    strict: bool  # a module, or a script that opens with "use strict"
    kept: tuple[str, ...]  # first name of each kept declaration, for reports


def extract(text: str) -> Extraction:
    """The two target functions and the top-level declarations they reach.

    `text` is the file's text with any byte-order mark removed.
    """
    program, module = _parse(text)
    index = Utf16Offsets(text)
    declarations = list(_top_level_declarations(program, text, index))
    by_name: dict[str, list[Declaration]] = {}
    for declaration in declarations:
        for name in declaration.names:
            by_name.setdefault(name, []).append(declaration)
    missing = [name for name in TARGETS if name not in by_name]
    if missing:
        raise ExtractError(f"no top-level declaration of {' or '.join(missing)}")

    kept = _reachable(by_name)
    kept_in_order = [d for d in declarations if id(d) in kept]
    declared = sorted({name for d in kept_in_order for name in d.names})
    used = set().union(*(d.references for d in kept_in_order))
    free = used - set(declared)
    state = tuple(name for name in STATE_NAMES if name in declared)
    return Extraction(
        source="\n".join(d.source for d in kept_in_order),
        sources=tuple(d.source for d in kept_in_order),
        declared=tuple(declared),
        state=state,
        state_access=tuple((name, name) for name in state) + _object_state(kept_in_order, state),
        free=tuple(sorted(free)),
        optional=tuple(sorted(free & set().union(*(d.probed for d in kept_in_order)))),
        module=module,
        strict=module or _opens_with_use_strict(program),
        kept=tuple(d.names[0] for d in kept_in_order),
    )


def _parse(text: str) -> tuple[Node, bool]:
    """The syntax tree, and whether the file is an ES module (it imports or exports)."""
    try:
        program, _ = parse_program(text)
    except (Refused, RecursionError) as error:
        raise ExtractError(f"esprima cannot parse the file: {error}") from None
    return program, any(statement.type in _MODULE_STATEMENTS for statement in program.body)


def _opens_with_use_strict(program: Node) -> bool:
    for statement in program.body:
        directive = getattr(statement, "directive", None)
        if directive is None:
            return False
        if directive == "use strict":
            return True
    return False


def _top_level_declarations(program: Node, text: str, index: Utf16Offsets) -> Iterator[Declaration]:
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


def _object_state(kept: list[Declaration], declared_state: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Accessors for the state names a state object holds instead of variables."""
    access: list[tuple[str, str]] = []
    for name in STATE_NAMES:
        if name in declared_state:
            continue
        for declaration in kept:
            key = next((k for k in _STATE_PROPERTIES[name] if k in declaration.state_properties), None)
            if declaration.kind == "variable" and len(declaration.names) == 1 and key:
                access.append((name, f"{declaration.names[0]}.{key}"))
                break
    return tuple(access)


def _object_keys(node: Node) -> tuple[str, ...]:
    if node.type != "VariableDeclaration" or len(node.declarations) != 1:
        return ()
    init = node.declarations[0].init
    if init is None or init.type != "ObjectExpression":
        return ()
    return tuple(
        prop.key.name if prop.key.type == "Identifier" else str(prop.key.value)
        for prop in init.properties
        if prop.type == "Property" and not prop.computed and prop.key.type in ("Identifier", "Literal")
    )


def _reachable(by_name: dict[str, list[Declaration]]) -> set[int]:
    """ids of the declarations to keep, following names from the targets."""
    targets = [d for name in TARGETS for d in by_name[name]]
    shared_state = {
        name
        for target in targets
        for name in target.references
        if any(d.kind == "variable" for d in by_name.get(name, ()))
    }
    worth = _WorthRunning(by_name, shared_state)
    kept: dict[int, Declaration] = {}
    queue = list(targets)
    while queue:
        declaration = queue.pop()
        if id(declaration) in kept:
            continue
        kept[id(declaration)] = declaration
        for name in sorted(declaration.references):
            queue.extend(d for d in by_name.get(name, ()) if id(d) not in kept and worth(d))
    return set(kept)


class _WorthRunning:
    """Whether running a declaration under the harness beats stubbing it.

    Variables and classes always run: they are the state. A function runs
    when it touches the state the targets share, or when everything it names
    runs too or is a built-in or part of the harness's world.
    """

    def __init__(self, by_name: dict[str, list[Declaration]], shared_state: set[str]) -> None:
        self._by_name = by_name
        self._shared_state = shared_state
        self._verdicts: dict[int, bool] = {}

    def __call__(self, declaration: Declaration) -> bool:
        key = id(declaration)
        if key not in self._verdicts:
            # Assume yes while deciding, so mutually recursive helpers can pass.
            self._verdicts[key] = True
            self._verdicts[key] = self._decide(declaration)
        return self._verdicts[key]

    def _decide(self, declaration: Declaration) -> bool:
        if declaration.kind != "function" or declaration.references & self._shared_state:
            return True
        return all(
            name in _BUILTINS
            or name in _WORLD
            or name in declaration.probed
            or any(self(d) for d in self._by_name.get(name, ()))
            for name in declaration.references
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
