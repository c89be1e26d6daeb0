"""Following an ES module's relative imports to the modules that own its state.

A fork that split sessions.js into ES modules keeps the paging state in a
sibling module (`import { transcriptWindowState } from './window-state.js'`).
Stubbing that import would make the race model run on a fake lock, so the
behavioural check loads the real module instead: relative specifiers are
resolved from the importing file, and only inside the checkout. What cannot
be loaded (a bare specifier, a file outside the checkout or missing, one
esprima rejects) is reported with the reason, never guessed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from esprima.nodes import Node

from jsfix.offsets import Utf16Offsets
from jsfix.verify.declarations import (
    Declaration,
    ExtractError,
    opens_with_use_strict,
    parse,
    top_level_declarations,
)

MAX_MODULE_BYTES = 5 * 1024 * 1024


@dataclass
class Module:
    """One parsed file: its declarations, and what it imports and exports by name."""

    id: str  # its path relative to the checkout, POSIX; "<entry>" for text with no path
    path: Path | None
    is_module: bool
    use_strict: bool  # a script that opens with "use strict"
    declarations: list[Declaration]
    imports: dict[str, tuple[str, str]]  # local name -> (specifier, name it has in that module)
    exports: dict[str, str]  # exported name -> local name
    re_exports: dict[str, tuple[str, str]]  # exported name -> (specifier, name there)
    star_exports: list[str]  # specifiers of `export * from`
    _by_name: dict[str, list[Declaration]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {}
        for each in self.declarations:
            for name in each.names:
                self._by_name.setdefault(name, []).append(each)

    def declarations_of(self, name: str) -> list[Declaration]:
        return self._by_name.get(name, [])


@dataclass(frozen=True)
class Binding:
    """Where a name used in one module is declared: a module and a declaration there."""

    module: Module
    declaration: Declaration
    name: str  # its local name in `module`


class ModuleLoader:
    """Parses modules once each, and resolves specifiers inside one checkout."""

    def __init__(self, root: Path | None) -> None:
        self.root = Path(os.path.abspath(root)) if root is not None else None
        self._loaded: dict[Path, Module | str] = {}

    def entry(self, text: str, path: Path | None) -> Module:
        """The file under test; a parse error here is the caller's to report."""
        module_id = self._id_of(path) if path is not None else "<entry>"
        module = read_module(module_id, path, text)
        if path is not None:
            self._loaded[Path(os.path.abspath(path))] = module
        return module

    def resolve(self, importer: Module, specifier: str) -> Module | str:
        """The module `specifier` names from `importer`, or why it cannot be loaded."""
        if not specifier.startswith(("./", "../")):
            return f"'{specifier}' is not a relative import"
        if importer.path is None:
            return f"'{specifier}' cannot be followed from text without a file"
        target = Path(os.path.abspath(importer.path.parent / specifier))
        if self.root is None or not target.is_relative_to(self.root):
            return f"'{specifier}' leads outside the checkout"
        if target not in self._loaded:
            self._loaded[target] = self._load(target, specifier)
        return self._loaded[target]

    def _load(self, target: Path, specifier: str) -> Module | str:
        try:
            if target.stat().st_size > MAX_MODULE_BYTES:
                return f"'{specifier}' is larger than 5 MB"
            text = target.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            return f"'{specifier}' cannot be read ({getattr(error, 'strerror', None) or error})"
        try:
            return read_module(self._id_of(target), target, text)
        except ExtractError as error:
            return f"'{specifier}': {error}"

    def _id_of(self, path: Path) -> str:
        absolute = Path(os.path.abspath(path))
        if self.root is not None and absolute.is_relative_to(self.root):
            return PurePosixPath(absolute.relative_to(self.root)).as_posix()
        return absolute.name


def read_module(module_id: str, path: Path | None, text: str) -> Module:
    program, is_module = parse(text)
    imports: dict[str, tuple[str, str]] = {}
    exports: dict[str, str] = {}
    re_exports: dict[str, tuple[str, str]] = {}
    star_exports: list[str] = []
    for statement in program.body:
        kind = statement.type
        if kind == "ImportDeclaration":
            for specifier in statement.specifiers:
                imported = getattr(specifier, "imported", None)
                name = imported.name if imported is not None else "default"
                if specifier.type == "ImportNamespaceSpecifier":
                    name = "*"
                imports[specifier.local.name] = (statement.source.value, name)
        elif kind == "ExportAllDeclaration" and statement.source is not None:
            star_exports.append(statement.source.value)
        elif kind == "ExportNamedDeclaration":
            _note_named_export(statement, exports, re_exports)
    declarations = list(top_level_declarations(program, text, Utf16Offsets(text)))
    return Module(
        module_id,
        path,
        is_module,
        opens_with_use_strict(program),
        declarations,
        imports,
        exports,
        re_exports,
        star_exports,
    )


def _note_named_export(statement: Node, exports: dict[str, str], re_exports: dict[str, tuple[str, str]]) -> None:
    declaration = statement.declaration
    if declaration is not None:
        if declaration.type in ("FunctionDeclaration", "ClassDeclaration") and declaration.id is not None:
            exports[declaration.id.name] = declaration.id.name
        elif declaration.type == "VariableDeclaration":
            for declarator in declaration.declarations:
                if declarator.id.type == "Identifier":
                    exports[declarator.id.name] = declarator.id.name
        return
    for specifier in statement.specifiers:
        if statement.source is not None:
            re_exports[specifier.exported.name] = (statement.source.value, specifier.local.name)
        else:
            exports[specifier.exported.name] = specifier.local.name


def find_export(
    loader: ModuleLoader, module: Module, name: str, seen: frozenset[tuple[str, str]] = frozenset()
) -> Binding | str:
    """The declaration `module` exports as `name`, following re-exports; or why there is none."""
    if (module.id, name) in seen:
        return f"'{name}' is re-exported in a cycle through {module.id}"
    seen = seen | {(module.id, name)}
    if name in module.exports:
        return find_local(loader, module, module.exports[name], seen)
    if name in module.re_exports:
        specifier, there = module.re_exports[name]
        target = loader.resolve(module, specifier)
        return target if isinstance(target, str) else find_export(loader, target, there, seen)
    for specifier in module.star_exports:
        target = loader.resolve(module, specifier)
        if isinstance(target, Module):
            found = find_export(loader, target, name, seen)
            if isinstance(found, Binding):
                return found
    return f"{module.id} exports no '{name}'"


def find_local(
    loader: ModuleLoader, module: Module, name: str, seen: frozenset[tuple[str, str]] = frozenset()
) -> Binding | str:
    """What `name` means at the top level of `module`: its own declaration, or what it imports."""
    declared = module.declarations_of(name)
    if declared:
        return Binding(module, declared[0], name)
    if name in module.imports:
        specifier, there = module.imports[name]
        if there in ("*", "default"):
            return f"'{name}' is a {'namespace' if there == '*' else 'default'} import of '{specifier}'"
        target = loader.resolve(module, specifier)
        return target if isinstance(target, str) else find_export(loader, target, there, seen)
    return f"{module.id} declares no '{name}'"
