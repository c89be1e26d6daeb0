// --- the top-level declarations, from the tokens

function isName(t, value) {
  return Boolean(t) && t.type === 'name' && (value === undefined || t.value === value);
}

function isPunct(t, value) {
  return Boolean(t) && t.type === 'punct' && t.value === value;
}

function opens(t) {
  return (t.type === 'punct' && '([{'.includes(t.value)) || (t.type === 'template' && t.value.endsWith('${'));
}

function closes(t) {
  return (t.type === 'punct' && ')]}'.includes(t.value)) || (t.type === 'template' && t.value.startsWith('}'));
}

// Index of the token that closes the bracket opened at `i`: an opener and
// its closer share a depth, and everything between them is deeper.
function matching(tokens, i) {
  for (let j = i + 1; j < tokens.length; j++) {
    if (tokens[j].depth === tokens[i].depth && closes(tokens[j])) return j;
  }
  throw new Error(`unbalanced ${tokens[i].value} at offset ${tokens[i].start}`);
}

// One past the last token of the statement starting at `i`: its `;`, or
// the token before the next statement (a semicolon left to the line break).
function statementEnd(tokens, i) {
  const depth = tokens[i].depth;
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.depth < depth || (t.depth === depth && t.starts !== null)) return j;
    if (t.depth === depth && isPunct(t, ';')) return j + 1;
  }
  return tokens.length;
}

// Index of the `}` that ends the body of the function or class at `i`.
function bodyEnd(tokens, i) {
  for (let j = i + 1; j < tokens.length; j++) {
    if (tokens[j].depth === tokens[i].depth && isPunct(tokens[j], '}')) return j;
  }
  throw new Error(`no body after ${tokens[i].value} at offset ${tokens[i].start}`);
}

// The declaration starting at token `i`: {first, end (one past), kind, names,
// keys}, or null when the statement there declares nothing we can use.
function declarationAt(tokens, i) {
  let k = i;
  if (isName(tokens[k], 'async') && isName(tokens[k + 1], 'function') && !tokens[k + 1].newline) k++;
  if (isName(tokens[k], 'function')) {
    const j = isPunct(tokens[k + 1], '*') ? k + 2 : k + 1;
    if (!isName(tokens[j])) return null;
    return { first: i, end: bodyEnd(tokens, j) + 1, kind: 'function', names: [tokens[j].value], keys: [] };
  }
  if (isName(tokens[k], 'class') && isName(tokens[k + 1]) && !isName(tokens[k + 1], 'extends')) {
    return { first: i, end: bodyEnd(tokens, k + 1) + 1, kind: 'class', names: [tokens[k + 1].value], keys: [] };
  }
  if (isName(tokens[k], 'let') || isName(tokens[k], 'const') || isName(tokens[k], 'var')) {
    const end = statementEnd(tokens, k);
    const { names, kind, keys } = declarators(tokens, k + 1, end);
    return names.length ? { first: i, end, kind, names, keys, variable: true } : null;
  }
  return null;
}

function declarators(tokens, from, end) {
  const names = [];
  const depth = tokens[from - 1].depth;
  let kind = 'variable';
  let keys = [];
  let count = 0;
  let j = from;
  while (j < end) {
    count++;
    // The binding: a name or a destructuring pattern.
    if (isPunct(tokens[j], '{') || isPunct(tokens[j], '[')) {
      const close = matching(tokens, j);
      for (let q = j + 1; q < close; q++) {
        if (isName(tokens[q]) && !isPunct(tokens[q + 1], ':') && !isPunct(tokens[q - 1], '=')) names.push(tokens[q].value);
      }
      j = close + 1;
    } else if (isName(tokens[j])) {
      names.push(tokens[j].value);
      j++;
    } else break;
    if (!isPunct(tokens[j], '=')) {
      if (!isPunct(tokens[j], ',')) break; // `for (const x of xs)`
      j++;
      continue;
    }
    const init = j + 1;
    let q = init;
    while (q < end && !(tokens[q].depth === depth && (isPunct(tokens[q], ',') || isPunct(tokens[q], ';')))) q++;
    if (count === 1) {
      kind = isFunctionValue(tokens, init) ? 'function' : 'variable';
      const literal = objectLiteralAt(tokens, init);
      keys = literal >= 0 ? objectKeys(tokens, literal) : [];
    } else {
      kind = 'variable';
      keys = [];
    }
    j = isPunct(tokens[q], ',') ? q + 1 : q;
    if (isPunct(tokens[q], ';')) break;
  }
  return { names, kind, keys: count === 1 ? keys : [] };
}

function isFunctionValue(tokens, i) {
  let k = i;
  if (isName(tokens[k], 'async') && !(tokens[k + 1] && tokens[k + 1].newline)) k++;
  if (isName(tokens[k], 'function')) return true;
  if (isName(tokens[k]) && isPunct(tokens[k + 1], '=>')) return true;
  if (isPunct(tokens[k], '(')) return isPunct(tokens[matching(tokens, k) + 1], '=>');
  return false;
}

// The keys of an object literal, as esprima's Property nodes name them:
// `a: 1`, `'b': 2`, methods `c() {}`, accessors `get d() {}`, shorthand `e`.
function objectKeys(tokens, open) {
  const close = matching(tokens, open);
  const keys = [];
  for (let q = open + 1; q < close; q++) {
    if (tokens[q].depth !== tokens[open].depth + 1) continue;
    if (!isPunct(tokens[q - 1], '{') && !isPunct(tokens[q - 1], ',')) continue;
    let k = q;
    if (['get', 'set', 'async'].some(word => isName(tokens[k], word)) && (isName(tokens[k + 1]) || tokens[k + 1].type === 'string')) k++;
    if (isPunct(tokens[k], '*')) k++;
    const key = tokens[k];
    const after = tokens[k + 1];
    if (!(isName(key) || key.type === 'string')) continue;
    if (isPunct(after, ':') || isPunct(after, '(') || (k === q && (isPunct(after, ',') || k + 1 === close))) {
      keys.push(key.type === 'string' ? key.value.slice(1, -1) : key.value);
    }
  }
  return keys;
}

// `{...}` or `Object.freeze({...})`: where an initializer's object literal opens, or -1.
function objectLiteralAt(tokens, init) {
  if (isPunct(tokens[init], '{')) return init;
  const frozen = isName(tokens[init], 'Object') && isPunct(tokens[init + 1], '.') &&
    (isName(tokens[init + 2], 'freeze') || isName(tokens[init + 2], 'seal')) &&
    isPunct(tokens[init + 3], '(') && isPunct(tokens[init + 4], '{');
  return frozen && isPunct(tokens[matching(tokens, init + 4) + 1], ')') ? init + 4 : -1;
}

// Names a token range uses, binds (roughly) and probes with `typeof`. The
// lexer marked each name that is an identifier (`reference`), as opposed to
// a keyword, a property name, a method name or a label.
function namesIn(tokens, first, end) {
  const used = new Set();
  const bound = new Set();
  const probed = new Set();
  const bindList = (open, close) => {
    for (let q = open + 1; q < close; q++) {
      if (tokens[q].reference && !isPunct(tokens[q + 1], ':') && !isPunct(tokens[q - 1], '=')) bound.add(tokens[q].value);
    }
  };
  for (let q = first; q < end; q++) {
    const t = tokens[q];
    if (isPunct(t, '(')) {
      const close = matching(tokens, q);
      if (t.role === 'params' || t.role === 'catch' || isPunct(tokens[close + 1], '=>')) bindList(q, close);
      continue;
    }
    if (t.type !== 'name') continue;
    const prev = tokens[q - 1];
    const next = tokens[q + 1];
    if (isName(prev, 'typeof') && !(next && next.type === 'punct' && ['.', '?.', '['].includes(next.value))) {
      probed.add(t.value);
    }
    if (t.reference && isPunct(next, '=>')) bound.add(t.value);
    if (!t.reference && ['let', 'const', 'var'].includes(t.value)) {
      for (const name of declarators(tokens, q + 1, statementEnd(tokens, q)).names) bound.add(name);
      continue;
    }
    if ((isName(prev, 'function') || isName(prev, 'class')) && q > first + 1) bound.add(t.value);
    if (t.reference) used.add(t.value);
  }
  return { used, bound, probed };
}

// A directive prologue: string statements at the very top of the script.
function opensWithUseStrict(tokens) {
  for (let i = 0; i < tokens.length && tokens[i].type === 'string'; ) {
    if (tokens[i].value.slice(1, -1) === 'use strict') return true;
    i++;
    if (isPunct(tokens[i], ';')) i++;
  }
  return false;
}

// The names a declaration uses (`references`, not bound in it) and probes
// with `typeof` (`probed`), read from its tokens the first time they are
// asked for: the extraction follows a few dozen of a file's hundreds.
function withNamesOnDemand(d, module) {
  let names = null;
  const read = () => {
    if (!names) {
      const { tokens, first, end } = fullTokensOf(module, d);
      const { used, bound, probed } = namesIn(tokens, first, end);
      for (const name of d.names) bound.add(name);
      names = { references: new Set([...used].filter(name => !bound.has(name))), probed };
    }
    return names;
  };
  Object.defineProperty(d, 'references', { get: () => read().references, enumerable: true });
  Object.defineProperty(d, 'probed', { get: () => read().probed, enumerable: true });
}

// A declaration's tokens in full, {tokens, first, end}: the file's own, or,
// where the file was read skimming over a body in it, the declaration read
// again token by token.
function fullTokensOf(module, d) {
  if (!d.full) {
    const { tokens, text } = module;
    let skimmed = false;
    for (let q = d.first; q < d.end && !skimmed; q++) skimmed = tokens[q].skimmed === true;
    const own = skimmed ? tokensBetween(text, tokens[d.first].start, tokens[d.end - 1].end, tokens[d.first].newline) : null;
    d.full = own ? { tokens: own, first: 0, end: own.length } : { tokens, first: d.first, end: d.end };
  }
  return d.full;
}

// One file read for extraction: its top-level declarations (with the names
// each uses, binds and probes), and what it imports and exports by name.
// Function bodies are skimmed over, and read when a declaration's names are.
function readModule(id, file, text) {
  const tokens = tokenize(text, true);
  const declarations = [];
  const links = { imports: new Map(), exports: new Map(), reExports: new Map(), stars: [] };
  let isModule = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.depth !== 0 || t.starts !== STATEMENT) continue;
    if (isName(t, 'import') && !isPunct(tokens[i + 1], '(') && !isPunct(tokens[i + 1], '.')) {
      isModule = true;
      readImport(tokens, i + 1, links);
      continue;
    }
    if (isName(t, 'export')) {
      isModule = true;
      readExport(tokens, i + 1, links);
      continue;
    }
    const declaration = declarationAt(tokens, i);
    if (declaration) {
      declarations.push(declaration);
      i = declaration.end - 1;
    }
  }
  const byName = new Map();
  const strict = isModule || opensWithUseStrict(tokens);
  const module = { id, file, text, tokens, declarations, byName, module: isModule, strict, ...links };
  for (const d of declarations) {
    const last = tokens[d.end - 1];
    d.source = text.slice(tokens[d.first].start, last.end);
    // Joined with other declarations, a missing semicolon could let the
    // next line continue this statement.
    if (d.variable && !d.source.trimEnd().endsWith(';')) d.source += ';';
    withNamesOnDemand(d, module);
    for (const name of d.names) {
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(d);
    }
  }
  return module;
}

function stringValue(t) {
  return t && t.type === 'string' ? JSON.parse(t.value[0] === "'" ? `"${t.value.slice(1, -1).replace(/"/g, '\\"')}"` : t.value) : null;
}

// `import a, { b as c } from './x.js'`, `import * as n from ...`, `import './x.js'`.
function readImport(tokens, i, links) {
  const bindings = [];
  let k = i;
  if (isName(tokens[k]) && !isName(tokens[k], 'from')) bindings.push({ local: tokens[k++].value, name: 'default' });
  if (isPunct(tokens[k], ',')) k++;
  if (isPunct(tokens[k], '*') && isName(tokens[k + 1], 'as')) {
    bindings.push({ local: tokens[k + 2].value, name: '*' });
    k += 3;
  } else if (isPunct(tokens[k], '{')) {
    const close = matching(tokens, k);
    for (const [name, local] of specifiers(tokens, k, close)) bindings.push({ local, name });
    k = close + 1;
  }
  if (isName(tokens[k], 'from')) k++;
  const specifier = stringValue(tokens[k]);
  if (specifier === null) return;
  for (const { local, name } of bindings) links.imports.set(local, { specifier, name });
}

// `export { a, b as c }`, `export { a } from ...`, `export * from ...`, `export const ...`.
function readExport(tokens, i, links) {
  if (isPunct(tokens[i], '*')) {
    if (isName(tokens[i + 1], 'from')) links.stars.push(stringValue(tokens[i + 2]));
    return;
  }
  if (isPunct(tokens[i], '{')) {
    const close = matching(tokens, i);
    const from = isName(tokens[close + 1], 'from') ? stringValue(tokens[close + 2]) : null;
    for (const [local, exported] of specifiers(tokens, i, close)) {
      if (from !== null) links.reExports.set(exported, { specifier: from, name: local });
      else links.exports.set(exported, local);
    }
    return;
  }
  const declaration = isName(tokens[i], 'default') ? null : declarationAt(tokens, i);
  if (declaration) for (const name of declaration.names) links.exports.set(name, name);
}

// The `a` and `a as b` of an import or export list: [name, alias] pairs.
function specifiers(tokens, open, close) {
  const pairs = [];
  for (let q = open + 1; q < close; q++) {
    if (!isName(tokens[q]) && tokens[q].type !== 'string') continue;
    const name = tokens[q].type === 'string' ? stringValue(tokens[q]) : tokens[q].value;
    if (isName(tokens[q + 1], 'as')) {
      pairs.push([name, tokens[q + 2].value]);
      q += 2;
    } else pairs.push([name, name]);
  }
  return pairs;
}
