"""The fast path finds what the full parse finds, and is not fooled by decoys."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from jsfix import locate
from jsfix.locate import locate_targets
from jsfix.source import decode_source

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
