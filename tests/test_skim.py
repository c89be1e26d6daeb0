"""The harness's lexer skims over function bodies; what it reads must not change.

To extract, the harness lexes a file skimming over every function body (it
only finds the `}` that closes one), and lexes in full the few top-level
declarations the two functions reach. Two things must hold on every program
of the lexer corpus, every fixture and the tricky bodies below:

- the tokens read while skimming are the full lexer's tokens, all fields
  alike, less those inside the bodies skimmed over;
- each top-level statement lexed on its own gives the full lexer's tokens
  for that statement.

Where a `/` inside a body could be a division or a regular expression and
the token before it does not settle which, the skim gives up and the body is
lexed in full; the cases below say which bodies are skimmed.
"""

from __future__ import annotations

import functools

import pytest
from conftest import FIXTURES, needs_node, run_on_harness

# Each program and how many function bodies the lexer skims over in it.
TRICKY = {
    "regex-with-brace-after-return": ("function a(s) { return /}/.test(s) }", 1),
    "divisions-after-names": ("function b(x) { const r = x / 2 / 3; return r }", 1),
    "division-in-arrow-expression": ("function c(list, total) { return list.map(v => v.count / total) }", 1),
    "template-holding-an-object": ("function d() { const t = `a ${ {k: '}'}.k } b`; return t }", 1),
    "braces-in-strings-and-comments": ("function e(x) { if (x) { return '}' } /* } */ // }\n return x }", 1),
    "keyword-named-property": ("function f(x) { return x.delete / 2 }", 1),
    "division-after-parens": ("function g(a) { return (a + 1) / 2 }", 1),
    "division-after-brackets": ("function h(a) { return a[0] / a[1] }", 1),
    "regex-as-argument": ("function i(s) { return typeof s === 'string' ? s.split(/[,}]/) : [] }", 1),
    "division-after-number": ("function j(n) { return 1.5e3 / n }", 1),
    "private-field-method": ("class K { #x = 4; half() { return this.#x / 2 } }", 1),
    "comment-before-division": ("function s(a) { return a /* } */ / 2 }", 1),
    "nested-arrow-bodies": ("const w = () => { return () => { return 1 / 2 } }", 1),
    "object-methods": ("const api = { go(a) { return a / 2 }, stop: function () { return /}/ } }", 2),
    "postfix-before-division": ("function l(a) { a++ / 2; }", 0),
    "regex-after-if-head": ("function m(x) { if (x) /}/.test(x); }", 0),
    "regex-after-object-line": ("function n() { const o = {a: 1}\n/}/.test('}') }", 0),
    "regex-after-await": ("async function o(s) { return await /}/.test(s) }", 0),
    "division-after-dotted-number": ("function p(x) { return 1. / x }", 0),
    "escaped-name": ("function q() { let \\u0061 = 1; return a }", 0),
    "name-in-another-script": ("function r(\u00e9) { return \u00e9 / 2 }", 0),
    "keyword-property-after-comment": ("function t(a) { return a. /* x */ return / 2 }", 0),
    "regex-after-of": ("function v(x) { for (const a of /}/.exec(x)) {} }", 0),
    "inner-body-skimmed-outer-lexed": ("function y(a) { a++ / 2; return () => { return /}/ } }", 1),
}

PROGRAMS = {name: text for name, (text, _) in TRICKY.items()} | {
    path.relative_to(FIXTURES).as_posix(): path.read_bytes().decode("utf-8-sig")
    for path in sorted([*FIXTURES.glob("*/*.js"), *(FIXTURES / "lexer-corpus").glob("*.js")])
}

# For each program: how many bodies were skimmed, and where skimming and
# full lexing disagree.
_CHECK = """
const { Lexer, tokensBetween } = require(process.argv[1]);
const FIELDS = ['type', 'value', 'start', 'end', 'depth', 'starts', 'newline', 'reference', 'role'];
const same = (a, b) => FIELDS.every(f => a[f] === b[f]);
const show = t => JSON.stringify(FIELDS.map(f => t[f]));
const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const answers = {};
for (const [name, text] of Object.entries(texts)) {
  const full = new Lexer(text).run();
  const skimmed = new Lexer(text, true).run();
  const problems = [];
  const bodies = skimmed.filter(t => t.skimmed);
  const inside = t => bodies.some(b => t.start >= b.end && t.end <= skimmed[skimmed.indexOf(b) + 1].start);
  const kept = full.filter(t => !inside(t));
  if (kept.length !== skimmed.length) problems.push(`${skimmed.length} tokens skimming, ${kept.length} expected`);
  kept.forEach((t, i) => { if (skimmed[i] && !same(t, skimmed[i])) problems.push(`${show(t)} read as ${show(skimmed[i])}`); });
  const code = full.filter(t => t.type !== 'comment');
  // `export` and `export default` make what follows them start a statement too: not here.
  const exported = t => t && t.type === 'name' && (t.value === 'export' || t.value === 'default');
  const starts = code.flatMap((t, i) => (t.depth === 0 && t.starts === 'statement' && !exported(code[i - 1]) ? [i] : []));
  starts.forEach((first, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : code.length;
    const alone = tokensBetween(text, code[first].start, code[end - 1].end, code[first].newline);
    const expected = code.slice(first, end);
    if (alone.length !== expected.length || expected.some((t, i) => !same(t, alone[i]))) {
      problems.push(`the statement at ${code[first].start} lexed on its own differs`);
    }
  });
  answers[name] = { skimmed: bodies.length, problems: problems.slice(0, 5) };
}
process.stdout.write(JSON.stringify(answers));
"""


@functools.cache
def checked() -> dict[str, dict]:
    return run_on_harness(_CHECK, PROGRAMS)


@needs_node
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_skimming_leaves_the_tokens_outside_the_bodies_as_they_were(name: str):
    assert checked()[name]["problems"] == []


@needs_node
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_the_skim_gives_up_exactly_where_a_slash_is_in_doubt(name: str):
    assert checked()[name]["skimmed"] == TRICKY[name][1]


@needs_node
def test_most_bodies_of_the_fixtures_are_skimmed():
    """The fixtures are real code: skimming must not give up on most of them."""
    counts = [checked()[path.relative_to(FIXTURES).as_posix()]["skimmed"] for path in FIXTURES.glob("*/input.js")]
    assert sum(1 for count in counts if count >= 2) >= 0.9 * len(counts)
