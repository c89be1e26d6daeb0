// All tokens of a program, each {type, value, start, end, depth, starts}
// (the Python lexer's tuple, with `type` for its `kind`, as in the harness's
// other token readers). type is "comment", "string", "template", "regex", "number", "name",
// "private" or "punct"; a name's value has its \u escapes decoded. depth
// counts the brackets around the token (an opener and its closer share one).
// starts is STATEMENT or BODY when the token begins a statement. For the
// extraction, this copy also notes on each token `newline` (a line break
// before it), on a name `reference` (an identifier, not a keyword, a
// property or method name, or a label) and on a `(` the `role` of its paren.
class Lexer {
  constructor(text, skimBodies = false) {
    this.text = text;
    this.tokens = [];
    this.skimmer = skimBodies ? new Skimmer(text) : null; // see skim.js
    const top = new Frame('block', null);
    // At the top level `await` is a module's keyword or a script's name;
    // only the keyword can stand before a regular expression.
    top.function = { isAsync: true, isGenerator: false };
    this.stack = [top];
    this.last = STATEMENT;
    this.previous = null; // the last token that is not a comment
    this.keyword = null; // that token, when it was read as a keyword
    this.closed = null; // the frame that token closed, when it was a closer
    this.newline = false; // a line break since that token
  }

  // The tokens of text[from..to), which starts a statement at the top level.
  run(from = 0, to = this.text.length) {
    let position = from;
    const hashbang = from === 0 ? HASHBANG.exec(this.text) : null;
    if (hashbang) {
      this.emit('comment', hashbang[0], 0, hashbang[0].length);
      position = hashbang[0].length;
    }
    while (position < to) position = this.step(position);
    return this.tokens;
  }

  // Read the token at or after `position`; return where the next one may start.
  step(position) {
    const text = this.text;
    GAP.lastIndex = position;
    GAP.test(text);
    const gap = GAP.lastIndex;
    if (gap > position) {
      this.newline = this.newline || breaksLine(text, position, gap);
      if (gap === text.length) return gap;
      position = gap;
    }
    const char = text[position];
    if (char === '`') return this.template(position, this.starts('template', '`'));
    if (char === '}' && this.top().kind === 'template') {
      this.pop();
      return this.template(position, null);
    }
    if (char === '/' && text[position + 1] !== '/' && text[position + 1] !== '*') return this.slash(position);
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(text);
    let group = 1;
    while (match[group] === undefined) group++;
    const kind = TOKEN_KINDS[group - 1];
    const value = match[0];
    const end = position + value.length;
    if (kind === 'comment') {
      this.emit('comment', value, position, end);
      this.newline = this.newline || LINE_BREAK.test(value);
    } else if (kind === 'name') this.name(value, position, end);
    else if (kind === 'punct') return this.punct(value, position, end);
    else this.literal(kind, value, position, end);
    return end;
  }

  emit(kind, value, start, end, starts = null) {
    const token = { type: kind, value, start, end, depth: this.stack.length - 1, starts, newline: this.newline };
    this.tokens.push(token);
    if (kind !== 'comment') {
      this.previous = token;
      this.keyword = this.closed = null;
      this.newline = false;
    }
  }

  top() {
    return this.stack[this.stack.length - 1];
  }

  // --- where statements start

  // STATEMENT or BODY when this token begins a statement, else null.
  starts(kind, value) {
    const frame = this.top();
    if (frame.kind === 'class' && this.lineEndsValue(kind, value)) frame.newKey(); // a class field without `;`
    if (frame.kind !== 'block') return null;
    if (this.last === STATEMENT || this.last === BODY) return this.last;
    if (this.last === EXPORTED) return STATEMENT;
    if (this.last === ARROW_END && !AFTER_ARROW.has(value)) return this.insertSemicolon();
    if (this.lineEndsValue(kind, value) || this.lineEndsRestricted()) return this.insertSemicolon();
    return null;
  }

  // A line break ends the value before this token, which cannot carry it on.
  lineEndsValue(kind, value) {
    if (!this.newline || (this.last !== VALUE && this.last !== ARROW_END)) return false;
    if (kind === 'name') return !CONTINUING_WORDS.has(value);
    if (kind === 'punct') return STARTING_PUNCTUATORS.has(value);
    return kind !== 'template';
  }

  // `return`, `break`, `continue` and `yield` end at a line break.
  lineEndsRestricted() {
    return this.newline && RESTRICTED.has(this.keyword);
  }

  insertSemicolon() {
    const frame = this.top();
    frame.arrows = [];
    frame.ternaries = 0;
    this.last = STATEMENT;
    return STATEMENT;
  }

  // {isAsync, isGenerator} of the function around the current token.
  innermostFunction() {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const frame = this.stack[i];
      if (frame.arrows.length) return { isAsync: frame.arrows[frame.arrows.length - 1], isGenerator: false };
      if (frame.function !== null) return frame.function;
    }
    return { isAsync: true, isGenerator: false };
  }

  // --- literals

  literal(kind, value, start, end) {
    const frame = this.top();
    const starts = this.starts(kind, value);
    if (frame.key) frame.keyTokens.push(kind); // a quoted or numeric property name
    this.emit(kind, value, start, end, starts);
    this.last = VALUE;
  }

  // Template text from the backtick or `}` at `position` to its end or next `${`.
  template(position, starts) {
    TEMPLATE_TEXT.lastIndex = position + 1;
    const end = position + 1 + TEMPLATE_TEXT.exec(this.text)[0].length;
    this.emit('template', this.text.slice(position, end), position, end, starts);
    if (this.text.startsWith('${', end - 2)) {
      this.stack.push(new Frame('template', null));
      this.last = OPERAND;
    } else {
      this.last = VALUE;
    }
    return end;
  }

  // A regular expression where an operand may start, else a division.
  slash(position) {
    const starts = this.starts('punct', '/');
    if (this.last !== VALUE) {
      REGEX.lastIndex = position;
      const regex = REGEX.exec(this.text);
      if (regex) {
        this.emit('regex', regex[0], position, position + regex[0].length, starts);
        this.last = VALUE;
        return position + regex[0].length;
      }
    }
    const end = position + (this.text.startsWith('/=', position) ? 2 : 1);
    this.emit('punct', this.text.slice(position, end), position, end, starts);
    this.last = OPERAND;
    return end;
  }

  // --- names and keywords

  name(raw, start, end) {
    const value = raw.includes('\\') ? raw.replace(ESCAPE, decodeEscape) : raw;
    const frame = this.top();
    const starts = this.starts('name', value);
    const { previous, last, newline } = this;
    const propertyName = isToken(previous, 'punct', '.') || isToken(previous, 'punct', '?.');
    if (propertyName || raw.includes('\\') || frame.key) {
      if (frame.key) frame.keyTokens.push(value);
      this.emit('name', value, start, end, starts);
      this.previous.reference = !propertyName && !frame.key;
      if (frame.key) frame.keyName = this.previous;
      this.last = VALUE;
      return;
    }
    const keyword = this.keywordOf(value, end, starts);
    this.emit('name', value, start, end, starts);
    this.previous.reference = keyword === null;
    if (keyword === null) {
      const label = isToken(previous, 'name', 'break') || isToken(previous, 'name', 'continue');
      if (label && !newline) this.previous.reference = false;
      this.last = label && !newline ? STATEMENT : VALUE;
      return;
    }
    this.keyword = keyword;
    this.last = this.afterKeyword(keyword, starts, last, previous, newline);
  }

  // `value` when this word is a keyword here, else null.
  keywordOf(value, end, starts) {
    if (KEYWORDS.has(value)) return value;
    if (value === 'let') {
      const declares = starts !== null || this.opensForHead();
      LET_BINDING.lastIndex = end;
      return declares && LET_BINDING.test(this.text) ? value : null;
    }
    if (value === 'await') return this.innermostFunction().isAsync ? value : null;
    if (value === 'yield') return this.innermostFunction().isGenerator ? value : null;
    if (value === 'of') return this.top().role === 'for' && this.last === VALUE ? value : null;
    return null;
  }

  // Right after the `(` of `for (`, where `let` may declare.
  opensForHead() {
    return this.top().role === 'for' && isToken(this.previous, 'punct', '(');
  }

  // What may follow `keyword`; notes a function or class head on the frame.
  afterKeyword(keyword, starts, last, previous, newline) {
    const frame = this.top();
    if (keyword === 'function' || keyword === 'class') {
      const isAsync = keyword === 'function' && isAsyncBefore(previous, newline);
      if (isAsync) previous.reference = false;
      const began = isAsync ? previous.starts : starts;
      const declares = began !== null || last === EXPORTED;
      frame.pending = { keyword, isAsync, isGenerator: false, after: declares ? STATEMENT : VALUE };
      return keyword === 'function' ? OPERAND : VALUE;
    }
    if (keyword === 'export' || (keyword === 'default' && last === EXPORTED)) return EXPORTED;
    if (BEFORE_BODY.has(keyword)) return BODY;
    if (keyword === 'break' || keyword === 'continue' || keyword === 'debugger') return STATEMENT;
    if (VALUE_KEYWORDS.has(keyword)) return VALUE;
    return OPERAND;
  }

  // --- punctuators

  // Where the next token may start: after this one, or after a body skimmed over.
  punct(value, start, end) {
    if (value === ')' || value === ']' || value === '}') this.close(value, start, end);
    else {
      const starts = this.starts('punct', value);
      if (value === '(') this.open(this.parenFrame(), value, start, end, starts);
      else if (value === '[') this.open(new Frame('bracket', VALUE), value, start, end, starts);
      else if (value === '{') return this.open(this.braceFrame(starts), value, start, end, starts);
      else this.operator(value, start, end, starts);
    }
    return end;
  }

  // Any other punctuator, and what it tells about the code around it.
  operator(value, start, end, starts) {
    const frame = this.top();
    const { previous, closed } = this;
    const postfix = (value === '++' || value === '--') && this.last === VALUE && starts === null;
    this.emit('punct', value, start, end, starts);
    this.last = postfix ? VALUE : OPERAND;
    if (value === ';') {
      frame.arrows = [];
      frame.ternaries = 0;
      if (frame.kind === 'block' || frame.kind === 'class') {
        this.last = STATEMENT;
        frame.newKey();
      }
    } else if (value === ',') {
      frame.arrows = [];
      if (frame.kind === 'object') this.shorthand(frame, previous);
      if (frame.kind === 'object') frame.newKey();
    } else if (value === '?') frame.ternaries++;
    else if (value === ':') this.colon(frame, previous);
    else if (value === '=' || value === '...') {
      if (frame.kind === 'object') this.shorthand(frame, previous);
      frame.key = false;
    }
    else if (value === '*') this.star(frame, previous);
    else if (value === '=>') frame.arrows.push(this.arrowIsAsync(previous, closed));
  }

  colon(frame, previous) {
    if (frame.ternaries) frame.ternaries--;
    else if (frame.kind === 'object') frame.key = false;
    else if (frame.kind === 'block') {
      this.last = BODY; // after a label, `case ...` or `default`
      if (previous.type === 'name' && previous.starts !== null) previous.reference = false; // a label
    }
  }

  // `{ a, b = 1 }`: a property name that is also the variable of that name.
  shorthand(frame, previous) {
    if (frame.key && frame.keyTokens.length === 1 && frame.keyName === previous) previous.reference = true;
  }

  star(frame, previous) {
    if (frame.pending !== null && isToken(previous, 'name', 'function')) frame.pending.isGenerator = true;
    else if (frame.key) frame.keyTokens.push('*');
  }

  // `async (...) =>` or `async x =>`.
  arrowIsAsync(previous, closed) {
    const before = closed !== null ? closed.asyncToken : this.previousCode(2);
    const between = before !== null && LINE_BREAK.test(this.text.slice(before.end, previous.start));
    const isAsync = closed !== null ? closed.asyncArrow : isAsyncBefore(before, between);
    if (isAsync) before.reference = false;
    return isAsync;
  }

  open(frame, value, start, end, starts) {
    this.emit('punct', value, start, end, starts);
    if (frame.kind === 'paren') this.previous.role = frame.role;
    this.stack.push(frame);
    this.last = frame.kind === 'block' ? STATEMENT : OPERAND;
    return this.skimmer && frame.function !== null ? skimOver(this, end) : end;
  }

  // The frame a `(` opens, from what came before it.
  parenFrame() {
    const frame = this.top();
    let keyword = this.keyword;
    if (frame.pending !== null && frame.pending.keyword === 'function') {
      const { isAsync, isGenerator, after } = frame.pending;
      frame.pending = null;
      return params({ isAsync, isGenerator, after });
    }
    if (frame.key) {
      // a method
      const modifiers = frame.keyTokens.slice(0, -1);
      const after = frame.kind === 'class' ? STATEMENT : VALUE;
      frame.key = false;
      return params({ isAsync: modifiers.includes('async'), isGenerator: modifiers.includes('*'), after });
    }
    if (keyword === 'await' && isToken(this.previousCode(1), 'name', 'for')) keyword = 'for'; // for await (...)
    if (Object.prototype.hasOwnProperty.call(HEAD_KEYWORDS, keyword)) {
      const role = HEAD_KEYWORDS[keyword];
      return new Frame('paren', role === 'head' || role === 'for' ? BODY : OPERAND, role);
    }
    const paren = new Frame('paren', VALUE, 'call');
    paren.asyncArrow = isAsyncBefore(this.previous, this.newline);
    paren.asyncToken = paren.asyncArrow ? this.previous : null;
    return paren;
  }

  // The code token `back` places before the last one, or null.
  previousCode(back) {
    for (let i = this.tokens.length - 1; i >= 0; i--) {
      if (this.tokens[i].type === 'comment') continue;
      if (back === 0) return this.tokens[i];
      back--;
    }
    return null;
  }

  // The frame a `{` opens, from what came before it.
  braceFrame(starts) {
    const frame = this.top();
    const { closed, previous } = this;
    if (closed !== null && closed.role === 'params') {
      const body = new Frame('block', closed.body.after);
      body.function = { isAsync: closed.body.isAsync, isGenerator: closed.body.isGenerator };
      return body;
    }
    if (closed !== null && ['head', 'for', 'switch', 'catch'].includes(closed.role)) return new Frame('block', STATEMENT);
    if (isToken(previous, 'punct', '=>')) {
      const body = new Frame('block', ARROW_END);
      body.function = { isAsync: frame.arrows.length ? frame.arrows.pop() : false, isGenerator: false };
      return body;
    }
    if (frame.pending !== null && frame.pending.keyword === 'class' && this.last !== OPERAND) {
      const after = frame.pending.after;
      frame.pending = null;
      return new Frame('class', after);
    }
    if (frame.key && frame.keyTokens.length === 1 && frame.keyTokens[0] === 'static') {
      return new Frame('block', STATEMENT); // a static initialization block
    }
    if (this.last === EXPORTED) return new Frame('object', VALUE); // export { names }
    if (starts !== null) return new Frame('block', STATEMENT);
    return new Frame('object', VALUE);
  }

  close(value, start, end) {
    const previous = this.previous;
    const frame = this.pop();
    if (frame.kind === 'object') this.shorthand(frame, previous);
    this.emit('punct', value, start, end);
    this.closed = frame;
    this.last = frame.after || VALUE;
    const parent = this.top();
    if (parent.kind === 'class' && frame.kind === 'block') parent.newKey(); // a method or a static block ended
    else if (parent.key && frame.kind === 'bracket') parent.keyTokens.push(']'); // a computed property name
  }

  pop() {
    if (this.stack.length > 1) return this.stack.pop();
    return new Frame('block', STATEMENT); // an unbalanced closer: read on
  }
}
