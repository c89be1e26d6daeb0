"""Cutting the two racing functions, and what they need, out of a file and its imports.

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

In an ES module, a name it imports is followed into the module that declares
it (`imports.py`), and the same rule picks what to keep there, so the state a
sibling module owns runs for real. Anything else the functions name
(rendering, scrolling, other scripts' globals) becomes a generic stub in the
harness. When the paging state itself sits behind an import that cannot be
loaded, the file cannot be modelled: `Unmodelled` says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from esprima.nodes import Node

from jsfix.jsast import walk
from jsfix.locate import TARGETS
from jsfix.verify.declarations import Declaration, ExtractError
from jsfix.verify.imports import Binding, Module, ModuleLoader, find_local

__all__ = ["STATE_NAMES", "ExtractError", "Extraction", "NoTargets", "Unmodelled", "extract"]

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

# Names whose use through an import that cannot be loaded leaves the race
# model without its state: the lock, the page index, the generation.
_STATE_KEYS = frozenset(
    {key for keys in _STATE_PROPERTIES.values() for key in keys}
    | {"generation", "bumpGeneration", "messagesGeneration", "_messagesGeneration", "_bumpMessagesGeneration"}
)


class NoTargets(ExtractError):
    """The file declares neither function: there is nothing to run."""


class Unmodelled(ExtractError):
    """What the two functions depend on cannot be loaded, so the race model cannot run them."""


@dataclass(frozen=True)
class Extraction:
    """What the harness needs to run the two functions of one file."""

    source: str  # the kept declarations of the file, in file order, joined by newlines
    sources: tuple[str, ...]  # the same, one per kept declaration (without the import lines)
    declared: tuple[str, ...]  # every top-level name the kept source binds (imports included)
    state: tuple[str, ...]  # the STATE_NAMES among `declared`
    # How the harness reads and assigns each of STATE_NAMES the file keeps:
    # the name itself, or a property of a state object.
    state_access: tuple[tuple[str, str], ...]
    free: tuple[str, ...]  # names the kept sources use but do not declare or import
    optional: tuple[str, ...]  # free names only ever probed with `typeof`
    module: bool  # parsed as an ES module
    strict: bool  # a module, or a script that opens with "use strict"
    kept: tuple[str, ...]  # first name of each kept declaration, for reports
    # The other modules to link, as (id, source); `source` imports them by id.
    # Empty for a script, and for a module whose imports all became stubs.
    modules: tuple[tuple[str, str], ...] = ()
    entry: str = "<entry>"  # the file's own id among the modules


def extract(text: str, *, path: Path | None = None, root: Path | None = None) -> Extraction:
    """The two target functions and the declarations they reach, in this file and its imports.

    `text` is the file's text with any byte-order mark removed; `path` is
    where it lives, and `root` the checkout that relative imports must stay in.
    """
    loader = ModuleLoader(root)
    entry = loader.entry(text, path)
    missing = [name for name in TARGETS if not entry.declarations_of(name)]
    if len(missing) == len(TARGETS):
        raise NoTargets(f"no top-level declaration of {' or '.join(missing)}")
    if missing:
        raise ExtractError(f"no top-level declaration of {' or '.join(missing)}")
    reach = _Reach(loader, entry)
    reach.refuse_unloadable_state()
    return _extraction(entry, reach)


class _Reach:
    """The declarations to keep in every module, following names from the two targets."""

    def __init__(self, loader: ModuleLoader, entry: Module) -> None:
        self.loader = loader
        self.kept: dict[tuple[str, int], tuple[Module, Declaration]] = {}
        self.links: dict[str, dict[str, Binding]] = {}  # module id -> local name -> binding elsewhere
        self.unloadable: list[tuple[Module, Declaration, str, str]] = []  # (module, user, name, why)
        self._resolved: dict[tuple[str, str], list[Binding] | str] = {}
        targets = [(entry, d) for name in TARGETS for d in entry.declarations_of(name)]
        self.shared_state = {
            (binding.module.id, binding.name)
            for module, target in targets
            for name in target.references
            for binding in self.bindings(module, name)
            if binding.declaration.kind == "variable"
        }
        self._worth: dict[tuple[str, int], bool] = {}
        queue = list(targets)
        while queue:
            module, declaration = queue.pop()
            if self.keep(module, declaration):
                queue.extend(self.follow(module, declaration))
        self._kept_ids: dict[str, set[int]] = {}
        for module, declaration in self.kept.values():
            self._kept_ids.setdefault(module.id, set()).add(id(declaration))

    def resolve(self, module: Module, name: str) -> list[Binding] | str:
        """Where `name` in `module` is declared: here, or in the module it is imported from; or why not."""
        key = (module.id, name)
        if key not in self._resolved:
            own = module.declarations_of(name)
            if own or name not in module.imports:
                self._resolved[key] = [Binding(module, each, name) for each in own]
            else:
                found = find_local(self.loader, module, name)
                self._resolved[key] = found if isinstance(found, str) else [found]
        return self._resolved[key]

    def bindings(self, module: Module, name: str) -> list[Binding]:
        found = self.resolve(module, name)
        return [] if isinstance(found, str) else found

    def keep(self, module: Module, declaration: Declaration) -> bool:
        key = (module.id, id(declaration))
        if key in self.kept:
            return False
        self.kept[key] = (module, declaration)
        return True

    def follow(self, module: Module, declaration: Declaration) -> list[tuple[Module, Declaration]]:
        found = []
        for name in sorted(declaration.references):
            resolved = self.resolve(module, name)
            if isinstance(resolved, str):
                self.unloadable.append((module, declaration, name, resolved))
                continue
            imported = not module.declarations_of(name)
            for binding in resolved:
                if not self.worth(binding.module, binding.declaration):
                    continue
                if imported:
                    self.links.setdefault(module.id, {})[name] = binding
                found.append((binding.module, binding.declaration))
        return found

    def worth(self, module: Module, declaration: Declaration) -> bool:
        """Variables and classes always run; a function when it touches the shared state or is self-contained."""
        key = (module.id, id(declaration))
        if key not in self._worth:
            self._worth[key] = True  # assumed while deciding, so mutually recursive helpers can pass
            self._worth[key] = self._decide(module, declaration)
        return self._worth[key]

    def _decide(self, module: Module, declaration: Declaration) -> bool:
        if declaration.kind != "function":
            return True
        names = [(name, self.bindings(module, name)) for name in declaration.references]
        if any((b.module.id, b.name) in self.shared_state for _, found in names for b in found):
            return True
        return all(
            name in _BUILTINS
            or name in _WORLD
            or name in declaration.probed
            or any(self.worth(b.module, b.declaration) for b in found)
            for name, found in names
        )

    def refuse_unloadable_state(self) -> None:
        # In file order, so the first function that reaches the state is named.
        for module, user, name, why in sorted(self.unloadable, key=lambda each: (each[0].id, each[1].start)):
            if name in STATE_NAMES or name in _STATE_KEYS or _reads_state_through(user.node, name):
                raise Unmodelled(
                    f"{user.names[0]} in {module.id} reaches the paging state through '{name}', "
                    f"and {why}"
                )

    def in_module(self, module: Module) -> list[Declaration]:
        chosen = self._kept_ids.get(module.id, set())
        return [d for d in module.declarations if id(d) in chosen]

    def modules(self) -> list[Module]:
        seen: dict[str, Module] = {}
        for module, _ in self.kept.values():
            seen.setdefault(module.id, module)
        return [seen[key] for key in sorted(seen)]


def _reads_state_through(node: Node, name: str) -> bool:
    """`name.loadingOlder`, `name.state.generation`...: a member chain rooted at `name` reaches paging state."""
    for each in walk(node):
        if each.type != "MemberExpression" or each.computed or each.property.name not in _STATE_KEYS:
            continue
        root = each.object
        while root.type == "MemberExpression":
            root = root.object
        if root.type == "Identifier" and root.name == name:
            return True
    return False


def _extraction(entry: Module, reach: _Reach) -> Extraction:
    kept = reach.in_module(entry)
    others = [module for module in reach.modules() if module.id != entry.id]
    exported = _requested_exports(reach)
    sources = {module.id: _module_source(module, reach, exported) for module in others}
    own = sorted({name for d in kept for name in d.names})
    imported = sorted(reach.links.get(entry.id, {}))
    declared = sorted({*own, *imported})
    every = [d for module in reach.modules() for d in reach.in_module(module)]
    used = set().union(*(d.references for d in every))
    bound = set(declared) | {name for module in others for d in reach.in_module(module) for name in d.names}
    bound |= {name for module in others for name in reach.links.get(module.id, {})}
    free = used - bound
    state = tuple(name for name in STATE_NAMES if name in own)
    entry_source = "\n".join(d.source for d in kept)
    if others:
        entry_source = _with_links(entry_source, entry, reach, exported)
    return Extraction(
        source=entry_source,
        sources=tuple(d.source for d in kept),
        declared=tuple(declared),
        state=state,
        state_access=tuple((name, name) for name in state) + _object_state(entry, reach, state),
        free=tuple(sorted(free)),
        optional=tuple(sorted(free & set().union(*(d.probed for d in every)))),
        module=entry.is_module,
        strict=entry.is_module or entry.use_strict,
        kept=tuple(d.names[0] for d in kept),
        modules=tuple((module.id, sources[module.id]) for module in others),
        entry=entry.id,
    )


def _requested_exports(reach: _Reach) -> dict[str, set[str]]:
    """Module id -> the local names other modules import from it."""
    wanted: dict[str, set[str]] = {}
    for links in reach.links.values():
        for binding in links.values():
            wanted.setdefault(binding.module.id, set()).add(binding.name)
    return wanted


def _module_source(module: Module, reach: _Reach, exported: dict[str, set[str]]) -> str:
    body = "\n".join(d.source for d in reach.in_module(module))
    return _with_links(body, module, reach, exported)


def _with_links(body: str, module: Module, reach: _Reach, exported: dict[str, set[str]]) -> str:
    """The kept code with its imports first (by module id) and its requested exports last."""
    lines = [
        f"import {{ {binding.name} as {local} }} from {_quoted(binding.module.id)};"
        for local, binding in sorted(reach.links.get(module.id, {}).items())
    ]
    lines.append(body)
    names = sorted(exported.get(module.id, ()))
    if names:
        lines.append(f"export {{ {', '.join(names)} }};")
    return "\n".join(lines)


def _quoted(text: str) -> str:  # a JavaScript string literal
    return json.dumps(text)


def _object_state(entry: Module, reach: _Reach, declared_state: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Accessors for the state names a state object holds instead of variables.

    The object may be the file's own or one it imports (`transcriptWindowState`
    from a sibling module): either way its name is in scope in the file.
    """
    holders = [(d.names[0], d) for d in reach.in_module(entry) if d.kind == "variable" and len(d.names) == 1]
    holders += [(local, b.declaration) for local, b in sorted(reach.links.get(entry.id, {}).items())]
    access: list[tuple[str, str]] = []
    for name in STATE_NAMES:
        if name in declared_state:
            continue
        for local, declaration in holders:
            key = next((k for k in _STATE_PROPERTIES[name] if k in declaration.state_properties), None)
            if declaration.kind == "variable" and len(declaration.names) == 1 and key:
                access.append((name, f"{local}.{key}"))
                break
    return tuple(access)
