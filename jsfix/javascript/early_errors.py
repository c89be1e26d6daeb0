"""Errors tree-sitter-javascript parses without an ERROR node, and esprima refuses.

tree-sitter is a tolerant parser: it accepts a name declared twice, `return`
outside a function, `await` in a plain function, `!!a = b`, `f(,)`, a
reserved word or an emoji used as a name, and more. `first_early_error` finds
such places in a clean tree so that the syntax screen (jsfix/javascript/syntax.py) can
send the file to esprima. The list comes from benchmarks/syntax_agreement.py
run on fuzzed fixtures.

A false alarm costs one esprima parse; a miss lets a preview show a diff that
the write then refuses. So the checks lean to suspicion, and stay cheap: one
query over the tree in C, then Python on the few nodes it returns.
"""

from __future__ import annotations

import re

# One query, one pass over the tree; the patterns are narrow so that Python
# sees few nodes. A capture named `flag.*` is an error wherever it is.
QUERY = """
(return_statement) @return
[(function_expression) (generator_function) (class)] @expression_start
(regex) @regex
(await_expression) @await
(unary_expression [(assignment_expression) (augmented_assignment_expression)] @flag.assignment)
(binary_expression [(assignment_expression) (augmented_assignment_expression)] @flag.assignment)
(update_expression [(assignment_expression) (augmented_assignment_expression)] @flag.assignment)
(await_expression [(assignment_expression) (augmented_assignment_expression)] @flag.assignment)
[(export_statement) (import_statement)] @module_statement
(lexical_declaration "const" (variable_declarator !value) @flag.const)
(try_statement !handler !finalizer) @flag.try
(lexical_declaration (variable_declarator name: (identifier) @lexical))
(class_declaration name: (identifier) @lexical)
(variable_declaration (variable_declarator name: (identifier) @var))
(function_declaration name: (identifier) @function)
(generator_function_declaration name: (identifier) @function)
(formal_parameters (identifier) @parameter)
(formal_parameters (assignment_pattern left: (identifier) @parameter))
(arrow_function parameter: (identifier) @parameter)
(catch_clause parameter: (identifier) @parameter)
"""

_FLAGGED = {
    # `!!a = b` is `(!!a) = b`; tree-sitter reads `!!(a = b)`.
    "flag.assignment": "an assignment inside an operator's operand",
    "flag.const": "const without a value",
    "flag.try": "try without catch or finally",
}
_FUNCTIONS = frozenset((
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function",
))  # fmt: skip
_EMPTY_ITEM = re.compile(rb"[({,][ \t\r\n]*,")
_HOLES_ALLOWED = frozenset(("array", "array_pattern"))
# The words tree-sitter takes as names where esprima does not (`let` only at
# the start of a statement). Found by bytes: a text predicate in the query
# would run in Python on every identifier.
_KEYWORD_AS_NAME = re.compile(rb"\b(?:await|enum|export|let)\b")
_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_NAMES = frozenset((
    "identifier", "property_identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern",
    "private_property_identifier", "statement_identifier",
))  # fmt: skip


def first_early_error(root, data: bytes, found: dict):
    """(node, what) for the first suspect place in a tree without ERROR nodes, or None.

    `found` is the query's captures over `root`.
    """
    for kind, what in _FLAGGED.items():
        if found.get(kind):
            return min(found[kind], key=lambda node: node.start_byte), what
    is_module = any(node.parent.type == "program" for node in found.get("module_statement", ()))
    for kind, check in _NODE_CHECKS:
        for node in found.get(kind, ()):
            what = check(node)
            if what:
                return node, what
    for check in (_keyword_as_a_name, _empty_item, _invalid_name):
        hit = check(root, data)
        if hit:
            return hit
    twice = _declared_twice(found, is_module)
    return None if twice is None else (twice, "a name declared twice in one scope")


def _return_outside_a_function(node) -> str | None:
    return "return outside a function" if _enclosing_function(node) is None else None


def _starts_an_expression_statement(node) -> str | None:
    """An expression statement cannot begin with `function`, `class` or `let`; tree-sitter lets it."""
    while node.parent is not None and node.parent.start_byte == node.start_byte:
        node = node.parent
        if node.type == "expression_statement":
            return "a statement that starts with function, class or let"
    return None


def _invalid_regex(node) -> str | None:
    from esprima.regexp_validator import RegExpSyntaxError, validate_regexp

    pattern = node.child_by_field_name("pattern")
    flags = node.child_by_field_name("flags")
    try:
        validate_regexp(pattern.text.decode() if pattern else "", flags.text.decode() if flags else "")
    except RegExpSyntaxError:
        return "an invalid regular expression"
    return None


def _await_outside_an_async_function(node) -> str | None:
    function = _enclosing_function(node)
    if function is None or any(child.type == "async" for child in function.children[:3]):
        return None  # top-level await parses as a module
    return "await in a function that is not async"


def _export_inside_a_block(node) -> str | None:
    return "import or export below the top level" if node.parent.type != "program" else None


_NODE_CHECKS = (
    ("return", _return_outside_a_function),
    ("expression_start", _starts_an_expression_statement),
    ("regex", _invalid_regex),
    ("await", _await_outside_an_async_function),
    ("module_statement", _export_inside_a_block),
)


def _enclosing_function(node):
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        parent = parent.parent
    return parent


def _keyword_as_a_name(root, data: bytes):
    for match in _KEYWORD_AS_NAME.finditer(data):
        node = root.descendant_for_byte_range(match.start(), match.end())
        if node is None or node.type != "identifier":
            continue  # the keyword itself, or text in a string or comment
        if match.group() != b"let":
            return node, "a reserved word used as a name"
        if node.parent.type == "variable_declarator" and node.parent.parent.type == "lexical_declaration":
            return node, "let declared as a name"
        what = _starts_an_expression_statement(node)
        if what:
            return node, what
    return None


def _empty_item(root, data: bytes):
    """`f(,)`, `f(a,, b)`, `{ a: 1,, b }`: tree-sitter drops the hole; only arrays may have one."""
    for match in _EMPTY_ITEM.finditer(data):
        comma = root.descendant_for_byte_range(match.end() - 1, match.end())
        if comma is not None and comma.type == "," and comma.parent.type not in _HOLES_ALLOWED:
            return comma, "an empty item in a list"
    return None


def _invalid_name(root, data: bytes):
    """A name with a character JavaScript does not allow in one (tree-sitter takes any non-ASCII)."""
    for match in _NON_ASCII.finditer(data):
        node = root.descendant_for_byte_range(match.start(), match.start())
        if node is not None and node.type in _NAMES and not _is_identifier(node.text.decode("utf-8", "replace"), node.type):
            return node, "a character that cannot be in a name"
    return None


def _is_identifier(name: str, kind: str) -> bool:
    # Python's identifiers are JavaScript's, less `$` and the joiners.
    plain = name.lstrip("#") if kind == "private_property_identifier" else name
    plain = plain.replace("$", "_")
    return plain[:1].isidentifier() and ("a" + plain[1:].replace("\u200c", "").replace("\u200d", "")).isidentifier()


def _declared_twice(found: dict, is_module: bool):
    """The first name declared twice in one scope, where one of them is let, const or class.

    Simple names only, and only declarations made directly in the scope (var
    hoisted out of inner blocks is not followed): a miss leaves the error to
    the write. In a module, top-level functions are lexical too.
    """
    functions = found.get("function", ())
    module_level = {name.id for name in functions if is_module and _top_level_function(name)}
    lexical_names = [*found.get("lexical", ()), *(name for name in functions if name.id in module_level)]
    other_names = [*found.get("var", ()), *(name for name in functions if name.id not in module_level)]
    lexical = set()
    for name in sorted(lexical_names, key=lambda each: each.start_byte):
        key = (_scope(_declaration_of(name)).id, name.text)
        if key in lexical:
            return name
        lexical.add(key)
    for name in other_names:
        if (_scope(_declaration_of(name)).id, name.text) in lexical:
            return name
    for name in found.get("parameter", ()):
        body = _owner_of_parameter(name).child_by_field_name("body")
        if body is not None and (body.id, name.text) in lexical:
            return name
    return None


def _owner_of_parameter(name):
    """The function or catch clause whose parameter `name` is."""
    owner = name.parent
    while owner.type in ("formal_parameters", "assignment_pattern"):
        owner = owner.parent
    return owner


def _top_level_function(name) -> bool:
    return _scope(name.parent).type == "program"


def _declaration_of(name):
    parent = name.parent
    return parent.parent if parent.type == "variable_declarator" else parent


def _scope(declaration):
    parent = declaration.parent
    if parent.type == "export_statement":
        parent = parent.parent
    if parent.type in ("switch_case", "switch_default"):
        parent = parent.parent  # the cases of a switch share one scope
    return parent
