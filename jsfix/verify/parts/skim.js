// ------------------------------------------ skimming over function bodies
//
// The extraction needs every top-level declaration's head, but the tokens
// of only the few declarations the two functions reach. Lexing a 450 KB file
// token by token took most of an extraction, so the lexer first skims over
// function bodies: it finds the `}` that closes one without making tokens,
// and the declarations that turn out to matter are lexed again in full
// (fullTokensOf). Skimming only needs what no lexer can get wrong about
// brackets: strings, comments, template literals and regular expressions.
// Where a `/` could be a division or a regular expression and the answer
// depends on more than the token before it, the skim gives up and the lexer
// reads that body token by token, as it would have.

// The code tokens of `text`: every token but the comments. With
// `skimBodies`, a function body's tokens are left out, and its `{` is marked
// `skimmed`.
function tokenize(text, skimBodies = false) {
  return new Lexer(text, skimBodies).run().filter(t => t.type !== 'comment');
}

// The code tokens of text[from..to), a top-level statement, in full;
// `newline` says whether a line break comes before it.
function tokensBetween(text, from, to, newline) {
  const lexer = new Lexer(text);
  lexer.newline = newline;
  return lexer.run(from, to).filter(t => t.type !== 'comment');
}

// Where the lexer goes on after the `{` of a function body ending at `end`:
// at the body's `}` when the skim is sure of it, else inside the body.
function skimOver(lexer, end) {
  const close = lexer.skimmer.closeOf(end);
  if (close < 0) return end;
  lexer.previous.skimmed = true; // a function body whose tokens were not made
  lexer.newline = lexer.skimmer.newline;
  return close;
}

// Runs of characters that change nothing about brackets.
const PLAIN = /[^'"`/{}()[\]\\]*/y;
const QUOTED = /'(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*'|"(?:[^"\\\n\r]|\\(?:\r\n|[\s\S]))*"/y;
const LINE_COMMENT = /\/\/[^\n\r\u2028\u2029]*/y;
const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//y;
const WORD_CHAR = /[\w$]/;
const SPACE = /\s/;

// What a `/` means after the token before it.
const DIVIDES = 1;
const STARTS_REGEX = 2;
const UNSURE = 3;
const AFTER_PAREN = 4; // divides, unless the paren was the head of if, while, for or with

// closeOf(open): the index of the `}` closing the function body opened at
// text[open - 1], or -1 when skimming cannot be sure. After it, `newline`
// tells whether a line break comes between the body's last code and that `}`.
// Between two brackets, literals or comments lies a run of plain code; what
// it means for a `/` is worked out only when a `/` or a comment follows it.
class Skimmer {
  constructor(text) {
    this.text = text;
    this.newline = false;
  }

  closeOf(open) {
    const text = this.text;
    const brackets = []; // '(', '[', '{', '`' (a template's `${`)
    const parens = []; // where each open '(' is
    let slash = STARTS_REGEX; // what a `/` would mean after the last bracket or literal
    let paren = -1; // with AFTER_PAREN, where that paren opened
    let codeEnd = open; // just after the last bracket or literal
    let runStart = open; // the plain code since then (or since a comment)
    let afterComment = false;
    let position = open;
    for (;;) {
      PLAIN.lastIndex = position;
      PLAIN.test(text);
      position = PLAIN.lastIndex;
      if (position >= text.length) return -1;
      const char = text[position];
      const plainRun = !isBlank(text, runStart, position);
      if (char === '/' && (text[position + 1] === '/' || text[position + 1] === '*')) {
        const comment = text[position + 1] === '/' ? LINE_COMMENT : BLOCK_COMMENT;
        comment.lastIndex = position;
        if (!comment.test(text)) return -1;
        if (plainRun) {
          codeEnd = trimmedEnd(text, position);
          slash = afterRun(text, runStart, codeEnd, afterComment);
        }
        position = runStart = comment.lastIndex;
        afterComment = true;
        continue;
      }
      if (char === '}' && !brackets.length) {
        this.newline = breaksLine(text, plainRun ? trimmedEnd(text, position) : codeEnd, position);
        return position;
      }
      if (char === '/') {
        let meaning = plainRun ? afterRun(text, runStart, trimmedEnd(text, position), afterComment) : slash;
        if (meaning === AFTER_PAREN) meaning = opensHead(text, open, paren) ? UNSURE : DIVIDES;
        if (meaning === UNSURE) return -1;
        if (meaning === DIVIDES) {
          position++;
          slash = STARTS_REGEX;
        } else {
          REGEX.lastIndex = position;
          if (!REGEX.test(text)) return -1;
          position = REGEX.lastIndex;
          slash = DIVIDES;
        }
      } else if (char === "'" || char === '"') {
        QUOTED.lastIndex = position;
        if (!QUOTED.test(text)) return -1;
        position = QUOTED.lastIndex;
        slash = DIVIDES;
      } else if (char === '`' || (char === '}' && brackets[brackets.length - 1] === '`')) {
        if (char === '}') brackets.pop();
        TEMPLATE_TEXT.lastIndex = position + 1;
        TEMPLATE_TEXT.test(text);
        position = TEMPLATE_TEXT.lastIndex;
        if (text.startsWith('${', position - 2)) brackets.push('`');
        else if (text[position - 1] !== '`') return -1; // the file ends inside the template
        slash = text[position - 1] === '`' ? DIVIDES : STARTS_REGEX;
      } else if (char === '(' || char === '[' || char === '{') {
        brackets.push(char);
        if (char === '(') parens.push(position);
        position++;
        slash = STARTS_REGEX;
      } else if (char === ')' || char === ']' || char === '}') {
        if (brackets.pop() !== OPENERS[char]) return -1;
        if (char === ')') paren = parens.pop();
        position++;
        // After `}` a statement may start, or more of an expression.
        slash = char === ']' ? DIVIDES : char === ')' ? AFTER_PAREN : UNSURE;
      } else return -1; // a backslash outside a literal: an escaped name
      codeEnd = runStart = position;
      afterComment = false;
    }
  }
}

const OPENERS = { ')': '(', ']': '[', '}': '{' };
const BLANK = /\s*/y;

function isBlank(text, start, end) {
  BLANK.lastIndex = start;
  BLANK.test(text);
  return BLANK.lastIndex >= end;
}

// Just after the last character of text[start..end) that is not a space (start if none).
function trimmedEnd(text, end, start = 0) {
  let i = end;
  while (i > start && SPACE.test(text[i - 1])) i--;
  return i;
}

// Where the word (letters, digits, `_`, `$`) ending at `end` starts, not before `start`.
function wordStart(text, start, end) {
  let first = end;
  while (first > start && WORD_CHAR.test(text[first - 1])) first--;
  return first;
}

// What a `/` would mean after the code text[start..end), which ends in code.
function afterRun(text, start, end, afterComment) {
  const last = text[end - 1];
  if (WORD_CHAR.test(last)) return afterWord(text, start, end, afterComment);
  if (last.charCodeAt(0) > 0x7f) return UNSURE; // a name in other scripts: let the lexer read it
  if ((last === '+' || last === '-') && text[end - 2] === last) return UNSURE; // `a++ / b` or `++ /re/`?
  if (last === '.') return UNSURE; // `1. / 2`: a number
  return STARTS_REGEX; // an operator or punctuation
}

function afterWord(text, start, end, afterComment) {
  const first = wordStart(text, start, end);
  const word = text.slice(first, end);
  const ahead = first > start ? text[first - 1] : null;
  if (ahead === '#') return DIVIDES; // a private name
  if (ahead !== null && (ahead === '\\' || ahead.charCodeAt(0) > 0x7f)) return UNSURE; // part of a longer name
  if (/^\d/.test(word)) return DIVIDES; // a number
  if (word === 'let' || word === 'await' || word === 'yield' || word === 'of') return UNSURE; // keywords only in places
  if (!KEYWORDS.has(word)) return DIVIDES;
  const k = trimmedEnd(text, first, start);
  if (k === start && afterComment) return UNSURE; // a comment came between it and what was before
  if (k > start && text[k - 1] === '.') return DIVIDES; // a property named like a keyword
  return VALUE_KEYWORDS.has(word) || word === 'class' ? DIVIDES : STARTS_REGEX;
}

// Whether the `(` at `position` follows if, while, for or with (not as a
// property), or `for await`, or may: a comment before it hides what it follows.
function opensHead(text, open, position) {
  const end = trimmedEnd(text, position, open);
  if (text[end - 1] === '/') return true;
  const first = wordStart(text, open, end);
  const word = text.slice(first, end);
  const head = HEAD_KEYWORDS[word] === 'head' || HEAD_KEYWORDS[word] === 'for' || word === 'await';
  return head && text[first - 1] !== '.';
}
