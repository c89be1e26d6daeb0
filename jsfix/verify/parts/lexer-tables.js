// ------------------------------------------- extraction (job "file"/"text")
//
// The harness cuts the two functions, and the declarations they reach, out
// of the file itself, for `jsfix verify` and for a fork's suite alike: a
// lexer finds the top-level declarations, and one rule decides which ones
// run. Without scopes, names are approximate: a declaration may now and then
// be kept or stubbed where a parser would decide otherwise.
//
// The lexer is the one in jsfix/testgen/support/lexer.py, written again with
// the same structure and names: the fork's structural tests read the file
// with that one where node may be missing. tests/test_lexer_conformance.py
// holds the two to each other token for token.
// It keeps a stack of open brackets that knows what each one opened (a block,
// a function body, a class body, an object literal, a statement head such as
// `if (...)`, a call...) and, after every token, what may come next: a
// statement, an operand, or more of a value that just ended. That decides
// whether a `/` starts a regular expression, and where statements start.
// tests/test_lexer_conformance.py holds both to esprima.

// TARGETS, BUILTINS, WORLD and STATE_PROPERTIES come from parts/names.json.

// One group per kind of token, in TOKEN_KINDS' order; groups without names,
// since named ones cost an object per match.
const TOKEN = new RegExp(
  [
    /(\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?(?:\*\/|$))/, // comment
    /('(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*'?|"(?:[^"\\\n\r]|\\(?:\r\n|[\s\S]))*"?)/, // string
    /(\d[\w$]*(?:\.[\w$]*)?|\.\d[\w$]*)/, // number
    /((?:[\w$\u200c\u200d]|\\u(?:\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4})|[^\x00-\x7f\s])+)/, // name
    /(#(?:[\w$]|\\u(?:\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4})|[^\x00-\x7f\s])+)/, // private
    /(\?\.(?!\d)|\?\?=?|\.\.\.|=>|\+\+|--|[\s\S])/, // punct
  ]
    .map(part => part.source)
    .join('|'),
  'y',
);
const TOKEN_KINDS = ['comment', 'string', 'number', 'name', 'private', 'punct'];
const GAP = /\s*/y; // spaces and line breaks
const HASHBANG = /^#![^\n\r\u2028\u2029]*/;
const TEMPLATE_TEXT = /(?:[^`\\$]|\\[\s\S]|\$(?!\{))*(?:`|\$\{)?/y;
const REGEX = /\/(?:[^\\/[\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029]|\[(?:[^\]\\\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029])*\])+\/[\w$]*/y;
const ESCAPE = /\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})/g;
// After `let` at the start of a statement: a binding, so `let` declares.
const LET_BINDING = /(?:\s|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*(?:[[{]|(?!(?:in|instanceof)(?![\w$]))(?:[A-Za-z_$\\]|[^\x00-\x7f\s]))/y;
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const NEXT_LINE_BREAK = /[\n\r\u2028\u2029]/g; // where the next one is, from its lastIndex

// What may come next, after each token.
const STATEMENT = 'statement'; // a statement of a statement list (top level, block, body)
const BODY = 'body'; // the body of `if`, `else`, a loop or a label: a statement too
const OPERAND = 'operand'; // an expression operand: here `/` opens a regex, `{` an object
const VALUE = 'value'; // more of a value that just ended: here `/` divides
const EXPORTED = 'exported'; // after `export` or `export default`: a declaration
const ARROW_END = 'arrow end'; // after an arrow's block body, which no operator can take

const BEFORE_BODY = new Set(['else', 'do', 'try', 'finally', 'catch']);
const VALUE_KEYWORDS = new Set(['this', 'super', 'null', 'true', 'false']);
const HEAD_KEYWORDS = { if: 'head', while: 'head', with: 'head', for: 'for', switch: 'switch', catch: 'catch' };
// Always keywords; after most of them an operand starts.
const KEYWORDS = new Set([
  ...'return throw typeof void delete new in instanceof'.split(' '),
  ...'case default extends var const import export'.split(' '),
  ...'function class break continue debugger'.split(' '),
  ...BEFORE_BODY,
  ...VALUE_KEYWORDS,
  ...Object.keys(HEAD_KEYWORDS),
]);
// After a line break, whether a token can carry on the expression before it.
const CONTINUING_WORDS = new Set(['in', 'instanceof']);
const STARTING_PUNCTUATORS = new Set(['{', '++', '--', '!', '~']);
const AFTER_ARROW = new Set([',', ';', ':', ')', ']', '}']);
// These end at a line break.
const RESTRICTED = new Set(['return', 'break', 'continue', 'yield']);

// One open bracket, and what the lexer knows about the code inside it.
class Frame {
  constructor(kind, after, role = null) {
    this.kind = kind; // "block", "class", "object", "paren", "bracket", "template"
    this.after = after; // what may come after its closing bracket
    this.role = role; // a paren's: head, for, switch, catch, params or call
    this.function = null; // a function body's {isAsync, isGenerator}
    this.body = null; // params: the function body to come, as `pending` says
    this.pending = null; // a `function` or `class` head still before its ( or {
    this.arrows = []; // arrow functions whose expression body is open here: async?
    this.ternaries = 0; // `?` still waiting for their `:`
    this.key = kind === 'class' || kind === 'object'; // at a property name
    this.keyTokens = []; // what came so far at that property name
    this.keyName = null; // the token of that name
    this.asyncArrow = false; // a paren right after `async`: maybe arrow params
    this.asyncToken = null; // that `async`
  }

  newKey() {
    this.key = this.kind === 'class' || this.kind === 'object';
    this.keyTokens = [];
    this.keyName = null;
  }
}

function params(body) {
  const frame = new Frame('paren', OPERAND, 'params');
  frame.body = body;
  return frame;
}

// The token before is the word `async`, on the same line.
function isAsyncBefore(previous, newline) {
  return isToken(previous, 'name', 'async') && !newline;
}

function decodeEscape(_, braced, plain) {
  return String.fromCodePoint(parseInt(braced || plain, 16));
}

function isToken(token, kind, value) {
  return Boolean(token) && token.type === kind && token.value === value;
}

// A line break in text[start:end].
function breaksLine(text, start, end) {
  NEXT_LINE_BREAK.lastIndex = start;
  const found = NEXT_LINE_BREAK.exec(text);
  return found !== null && found.index < end;
}
