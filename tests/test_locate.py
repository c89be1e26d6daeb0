"""The fast path finds what the full parse finds, and is not fooled by decoys."""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jsfix.javascript.jsast import walk
from jsfix.javascript.scan import scan_top_level
from jsfix.javascript.source import decode_source
from jsfix.plan import locate
from jsfix.plan.fix import plan_fix
from jsfix.plan.locate import locate_targets

INPUTS = sorted(FIXTURES.glob("*/input.js"))


def summary(located):
    if located is None:
        return None
    return (
        located.load_older.range,
        located.ensure_all.range,
        located.is_module,
        sorted((each.name, each.kind, each.start) for each in located.declarations),
    )


@pytest.mark.parametrize("path", INPUTS, ids=[path.parent.name for path in INPUTS])
def test_fast_path_agrees_with_the_full_parse(path):
    text = decode_source(path.read_bytes()).text
    try:
        full = summary(locate_targets(text, full_parse=True))
    except locate.Refused as error:
        with pytest.raises(locate.Refused, match=str(error)):
            locate_targets(text)
        return
    assert summary(locate_targets(text)) == full


def test_fast_path_needs_no_full_parse_on_an_ordinary_file(monkeypatch):
    text = (FIXTURES / "upstream-parent" / "input.js").read_text(encoding="utf-8")

    def no_full_parse(_text):
        raise AssertionError("the full parse ran")

    monkeypatch.setattr(locate, "parse_program", no_full_parse)
    located = locate_targets(text)
    assert located.load_older.id.name == "_loadOlderMessages"


DECOYS = """\
const a = 'async function _loadOlderMessages() {';
const b = "async function _ensureAllMessagesLoaded() {";
// async function _loadOlderMessages() {
/* async function _ensureAllMessagesLoaded() { */
const c = `async function _loadOlderMessages() { ${"async function _ensureAllMessagesLoaded() {"} }`;
const d = /async function _loadOlderMessages\\(\\) \\{[{]/;
function outer() {
  async function _loadOlderMessages() { return 'nested'; }
  return _loadOlderMessages;
}
"""

REAL = """\
let _loadingOlder = false;
let _oldestIdx = 0;
async function _loadOlderMessages() {
  if (_loadingOlder) return;
  _loadingOlder = true;
  try { const data = await api('/x'); S.messages = [...data, ...S.messages]; } finally { _loadingOlder = false; }
}
async function _ensureAllMessagesLoaded() {
  const sid = S.session.session_id;
  const data = await api('/y');
  S.messages = data;
}
"""


@pytest.mark.parametrize("full_parse", [False, True], ids=["fast", "full"])
def test_decoys_do_not_fool_either_path(full_parse):
    text = DECOYS + REAL
    located = locate_targets(text, full_parse=full_parse)
    assert text[located.load_older.range[0] :].startswith("async function _loadOlderMessages() {\n  if (_loadingOlder)")
    assert text[located.ensure_all.range[0] :].startswith("async function _ensureAllMessagesLoaded() {\n  const sid")


def test_only_decoys_is_not_applicable():
    assert locate_targets(DECOYS.replace("function outer() {\n  async function _loadOlderMessages() { return 'nested'; }\n  return _loadOlderMessages;\n}\n", "")) is None


def test_astral_characters_before_the_targets_keep_offsets_exact():
    text = "const icons = '😀𝒳';\n" + REAL
    for full_parse in (False, True):
        located = locate_targets(text, full_parse=full_parse)
        start, end = located.ensure_all.range
        assert text[start:end].startswith("async function _ensureAllMessagesLoaded()")
        assert text[start:end].endswith("S.messages = data;\n}")


def _tree_ranges(located):
    return [(node.type, node.range) for target in (located.load_older, located.ensure_all) for node in walk(target)]


def test_trees_remembered_by_text_are_copies_at_each_file_s_offsets():
    # The same target text at three offsets, one of them after astral
    # characters: every tree is the full parse's, and locating the next file
    # moves nothing in a tree handed out before.
    text = (FIXTURES / "upstream-parent" / "expected.js").read_text(encoding="utf-8")
    texts = [text, "// 😀𝒳 moved\n" + text, "".join(f"let pad{n} = {n};\n" for n in range(40)) + text]
    located = [locate_targets(each) for each in texts]
    for each, found in zip(texts, located, strict=True):
        assert _tree_ranges(found) == _tree_ranges(locate_targets(each, full_parse=True))
    assert located[0].load_older is not located[1].load_older
    assert len({_tree_ranges(found)[0][1][0] for found in located}) == 3


CALLER = """\
// Scrolling calls _loadOlderMessages(); the Start pill calls _ensureAllMessagesLoaded().
function onScroll(box) {
  if (box.scrollTop < 40) _loadOlderMessages();
}
async function onStart() {
  await _ensureAllMessagesLoaded();
  const label = "async function _loadOlderMessages() {";
}
"""


def test_a_file_that_only_calls_the_targets_is_not_applicable_without_a_full_parse(monkeypatch):
    def no_full_parse(_text):
        raise AssertionError("the full parse ran")

    monkeypatch.setattr(locate, "parse_program", no_full_parse)
    assert locate_targets(CALLER) is None


@pytest.mark.parametrize(
    "definition",
    [
        "const o = { _loadOlderMessages() { return 1; } };\n",
        "class Pager { async _loadOlderMessages() {} }\n",
        "window._ensureAllMessagesLoaded = async () => {};\n",
    ],
    ids=["object-method", "class-method", "assigned"],
)
def test_a_mention_that_may_be_a_definition_goes_to_the_full_parse(definition):
    with pytest.raises(locate.Refused):
        locate_targets(CALLER + definition)


# --- files that only use the targets: the shapes met in other scripts -----------
#
# Written for these tests after the shapes found in the forks' ui.js,
# commands.js and outline.js: guarded calls, awaited calls, a promise chain.

CALLER_SHAPES = """\
function showOlderButton(button) {
  button.onclick = () => {
    if (typeof _loadOlderMessages === 'function') _loadOlderMessages();
  };
}
function canPrefetch() {
  return state.truncated && typeof _loadOlderMessages==='function';
}
async function jumpToStart(sid) {
  if(typeof _ensureAllMessagesLoaded==='function') await _ensureAllMessagesLoaded();
  if (typeof _ensureAllMessagesLoaded === 'function') {
    await _ensureAllMessagesLoaded();
  }
  if (!busy && typeof _ensureAllMessagesLoaded==='function'){ await _ensureAllMessagesLoaded(); }
}
function outlineReady() {
  if (typeof _ensureAllMessagesLoaded !== 'function') return Promise.resolve(false);
  return _ensureAllMessagesLoaded().then(function () { return true; });
}
box.addEventListener('scroll', () => { if (nearTop(box)) _loadOlderMessages(); else idle(); });
"""

CALLER_COMMENTS = """\
// Read the index before awaiting _ensureAllMessagesLoaded, which resets the window.
/* _loadOlderMessages prepends one page */
const hint = 'see _loadOlderMessages';
"""


def _no_full_parse(_text):
    raise AssertionError("the full parse ran")


def _no_scan(_text, _names):
    raise AssertionError("the scanner ran")


def test_real_caller_shapes_are_not_applicable_without_a_scan_or_a_parse(monkeypatch):
    assert locate_targets(CALLER_SHAPES, full_parse=True) is None
    monkeypatch.setattr(locate, "parse_program", _no_full_parse)
    monkeypatch.setattr(locate, "scan_top_level", _no_scan)
    assert locate_targets(CALLER_SHAPES) is None


def test_names_in_comments_and_strings_are_left_to_the_scanner_then_not_applicable(monkeypatch):
    text = CALLER_COMMENTS + CALLER_SHAPES
    assert locate_targets(text, full_parse=True) is None
    scanned = []
    monkeypatch.setattr(locate, "scan_top_level", lambda *args: scanned.append(1) or scan_top_level(*args))
    monkeypatch.setattr(locate, "parse_program", _no_full_parse)
    assert locate_targets(text) is None
    assert scanned == [1]


# Each line holds a mention that could define a target, or that the fast
# decision cannot tell from one: the full parse must decide it, and must
# then say what it says without the callers around it.
MUST_GO_TO_THE_FULL_PARSE = {
    "property-arrow": ("obj._loadOlderMessages = async () => {};", "_loadOlderMessages at line 21 is a function assigned to a variable or property, not a function declaration"),
    "assigned-name": ("_ensureAllMessagesLoaded = function () {};", "_ensureAllMessagesLoaded at line 21 is a function assigned to a variable or property, not a function declaration"),
    "object-method": ("const pager = { _loadOlderMessages() {} };", "_loadOlderMessages at line 21 is a method, not a top-level function"),
    "async-method": ("const pager = { async _ensureAllMessagesLoaded() {} };", "_ensureAllMessagesLoaded at line 21 is a method, not a top-level function"),
    "getter": ("const pager = { get _loadOlderMessages() { return 1; } };", "_loadOlderMessages at line 21 is a method, not a top-level function"),
    "comment-before-body": ("const pager = { _loadOlderMessages() /* body */ {} };", "_loadOlderMessages at line 21 is a method, not a top-level function"),
    "bom-before-body": ("const pager = { _loadOlderMessages()\ufeff{} };", "_loadOlderMessages at line 21 is a method, not a top-level function"),
    "method-after-a-field": ("class Pager { size = 1\n  _loadOlderMessages() {} }", "_loadOlderMessages at line 22 is a method, not a top-level function"),
    "class-field": ("class Pager { _loadOlderMessages = async () => {}; }", "_loadOlderMessages at line 21 is a method, not a top-level function"),
    "computed-key": ("const pager = { [_loadOlderMessages]: function () {} };", "_loadOlderMessages at line 21 is a method, not a top-level function"),
    "second-declarator": ("let ready = 1, _loadOlderMessages = async () => {};", "_loadOlderMessages at line 21 is an arrow function (let), not an async function declaration"),
    "typeof-as-a-property": ("window.typeof\n_loadOlderMessages = async () => {};", "_loadOlderMessages at line 22 is a function assigned to a variable or property, not a function declaration"),
    "nested-declaration": ("function outer() { async function _loadOlderMessages() {} }", "_loadOlderMessages at line 21 is nested inside another function or block"),
    "parameter": ("function keep(_loadOlderMessages) { return _loadOlderMessages; }", None),
    "destructured": ("const { _loadOlderMessages } = window;", None),
    "call-then-block": ("_loadOlderMessages()\n{ idle(); }", None),
    "plain-reference": ("const handler = _loadOlderMessages;", None),
}


@pytest.mark.parametrize("case", sorted(MUST_GO_TO_THE_FULL_PARSE), ids=str)
def test_a_mention_that_may_define_a_target_goes_to_the_full_parse(case, monkeypatch):
    line, refusal = MUST_GO_TO_THE_FULL_PARSE[case]
    text = CALLER_SHAPES + line + "\n"
    assert text.count("\n", 0, text.index(line)) == 20  # the line numbers above
    parsed = []
    parse_program = locate.parse_program
    monkeypatch.setattr(locate, "parse_program", lambda text: parsed.append(1) or parse_program(text))
    if refusal is None:
        assert locate_targets(text) is None
    else:
        with pytest.raises(locate.Refused) as refused:
            locate_targets(text)
        assert str(refused.value) == refusal
    assert parsed == [1]


def test_an_import_of_a_target_goes_to_the_full_parse_which_points_to_the_module():
    text = "import { _loadOlderMessages } from './pager.js';\n" + CALLER_SHAPES
    with pytest.raises(locate.DefinedElsewhere) as elsewhere:
        locate_targets(text)
    assert (elsewhere.value.names, elsewhere.value.source) == (["_loadOlderMessages"], "./pager.js")
    plan = plan_fix(text)
    assert (plan.status.value, plan.reason, plan.defined_in) == (
        "not applicable",
        "_loadOlderMessages is imported from './pager.js'; jsfix works on the module that defines them",
        "./pager.js",
    )


def test_one_target_defined_and_the_other_imported_is_refused():
    text = (
        "import { _ensureAllMessagesLoaded } from './full.js';\n"
        "export async function _loadOlderMessages() { await api('/x'); }\n"
    )
    with pytest.raises(locate.Refused) as refused:
        locate_targets(text)
    assert str(refused.value) == (
        "_loadOlderMessages is defined but _ensureAllMessagesLoaded is not here "
        "(it is imported from './full.js'); the fix needs both"
    )


# --- property: the fast decision is the full parse's, on programs built from shapes

USE_SHAPES = [
    "if (typeof {N} === 'function') {N}();",
    "ready = typeof {N}==='function' && shown;",
    "if(typeof {N}!=='function') idle();",
    "{N}().then(function () { done(); });",
    "pager.{N}();",
    "new {N}(1, size);",
    "// {N}() in a comment\n",
    "/* {N} */",
    "label = '{N}';",
    "label = `${{N}()}`;",
    "{N}Later = 1;",
]
ASYNC_USE_SHAPES = ["await {N}();", "if(typeof {N}==='function') await {N}();"]
DEFINING_SHAPES = [
    "pager.{N} = async () => {{}};",
    "{N} = function () {{}};",
    "pager = {{ {N}() {{}} }};",
    "pager = {{ async {N}() {{}}, size: 1 }};",
    "class Pager{i} {{ size = 1\n  {N}() {{}} }}",
    "function keep{i}({N}) {{ return {N}; }}",
    "var {N} = 1;",
    "async function {N}() {{}}",
    "function {N}() {{}}",
    "{N}()\n{{ idle(); }}",
]
CONTEXTS = ["{body}", "function wrap{i}() {{ {body} }}", "async function wrapAsync{i}() {{ {body} }}", "if (open) {{ {body} }}"]


def _outcome(text: str, full_parse: bool):
    try:
        return summary(locate_targets(text, full_parse=full_parse))
    except locate.Refused as error:
        return f"refused: {error}"


@st.composite
def programs(draw) -> str:
    pieces = []
    for i in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(locate.TARGETS))
        kind = draw(st.sampled_from(["use", "use", "async use", "define"]))
        shapes = {"use": USE_SHAPES, "async use": ASYNC_USE_SHAPES, "define": DEFINING_SHAPES}[kind]
        shape = draw(st.sampled_from(shapes))
        body = shape.format(N=name, i=i) if kind == "define" else shape.replace("{N}", name)
        context = draw(st.sampled_from(CONTEXTS[2:] if kind == "async use" else CONTEXTS))
        pieces.append(context.format(body=body, i=i))
    return "\n".join(pieces) + "\n"


@settings(derandomize=True, max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=programs())
def test_the_fast_decision_is_the_full_parse_decision(text):
    try:
        locate.parse_program(text)
    except locate.Refused:
        assume(False)  # a shape that is invalid in this spot: the full parse's own refusal
    assert _outcome(text, full_parse=False) == _outcome(text, full_parse=True)


def test_the_program_builder_reaches_every_decision():
    """Both answers occur, so the property above compares something."""
    uses = "\n".join(shape.replace("{N}", "_loadOlderMessages") for shape in USE_SHAPES) + "\n"
    assert _outcome(uses, full_parse=False) is None
    defining = uses + "pager = { async _loadOlderMessages() {}, size: 1 };\n"
    assert _outcome(defining, full_parse=False) == "refused: _loadOlderMessages at line 13 is a method, not a top-level function"
