// ------------------------------------------------------------ one program

// The object through which the harness calls the two functions and reads and
// sets the paging state, as source text valid where the functions are in scope.
function programObject(job) {
  const access = {};
  for (const name of STATE_NAMES) access[name] = (job.state && job.state[name]) || name;
  const getters = STATE_NAMES.map(n => `${JSON.stringify(n)}: () => (${access[n]})`).join(',\n    ');
  const setters = STATE_NAMES.map(n => `${JSON.stringify(n)}: (v) => { ${access[n]} = v; }`).join(',\n    ');
  const peeks = (job.declared || [])
    .map(n => `try { if (typeof ${n} !== 'function') o[${JSON.stringify(n)}] = ${n}; } catch (e) {}`)
    .join('\n      ');
  return `{
  loadOlder: () => _loadOlderMessages(),
  ensureAll: () => _ensureAllMessagesLoaded(),
  get: {
    ${getters}
  },
  set: {
    ${setters}
  },
  peek() {
    const o = {};
      ${peeks}
    return o;
  },
}`;
}

function buildFactorySource(job) {
  return `(function () {
  ${job.strict ? "'use strict';" : ''}
${job.source}
;return ${programObject(job)};
})`;
}

// A script's program: one compiled factory, run in each schedule's context.
function scriptMaker(job) {
  const script = new vm.Script(buildFactorySource(job), { filename: 'extracted.js' });
  return context => script.runInContext(context)();
}

// An ES module's program: the file's kept code and the modules it imports
// (job.modules, each importing the others by id), linked afresh in each
// schedule's context so every schedule starts from the modules' own state.
function moduleMaker(job) {
  if (typeof vm.SourceTextModule !== 'function') {
    throw new Error('ES modules need node run with --experimental-vm-modules');
  }
  const entrySource = `${job.source}\nexport const __jsfixProgram = ${programObject(job)};\n`;
  const entryId = job.entry || '<entry>';
  const sources = new Map((job.modules || []).map(each => [each.id, each.source]));
  // With `linkOnly`, the modules are compiled and linked but not run: their
  // syntax and imports show, without the page their top-level code may need.
  return async (context, { linkOnly = false } = {}) => {
    const made = new Map();
    const make = (id, source) => new vm.SourceTextModule(source, { context, identifier: id });
    const entry = make(entryId, entrySource);
    await entry.link(specifier => {
      if (specifier === entryId) return entry; // a module that imports back from the file under test
      if (!sources.has(specifier)) throw new Error(`the job has no module ${JSON.stringify(specifier)}`);
      if (!made.has(specifier)) made.set(specifier, make(specifier, sources.get(specifier)));
      return made.get(specifier);
    });
    if (linkOnly) return null;
    await entry.evaluate();
    return entry.namespace.__jsfixProgram;
  };
}

// A context for the runs of one job, reset before each: creating a context
// costs more than most runs in it. What a run leaves behind is its globals,
// all on the sandbox object (node's context forwards global writes there),
// and those go. Code that could change what the context itself shares
// between runs (assigns into a prototype, defines or deletes on a built-in,
// evaluates text) gets a fresh context per run instead.
const UNSHARED_CALLS = new Set(['defineProperty', 'defineProperties', 'setPrototypeOf', 'eval', 'Function']);
const ASSIGNMENTS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=', '&&=', '||=', '??=']);

const GLOBAL_OBJECTS = new Set(['window', 'self', 'globalThis']);

// Does `tokens` assign through a prototype, call one of UNSHARED_CALLS, or delete a global?
function changesSharedState(tokens) {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'name') continue;
    if (UNSHARED_CALLS.has(t.value) || (t.value === 'delete' && deletesGlobal(tokens, i + 1))) return true;
    if ((t.value === 'prototype' || t.value === '__proto__') && assignedThrough(tokens, i + 1)) return true;
  }
  return false;
}

// `delete x` (a global binding), `delete window.x`, or anything less plain than `delete a.b`.
function deletesGlobal(tokens, i) {
  const target = tokens[i];
  if (!target || target.type !== 'name' || GLOBAL_OBJECTS.has(target.value)) return true;
  return !tokens[i + 1] || !(isPunct(tokens[i + 1], '.') || isPunct(tokens[i + 1], '[') || isPunct(tokens[i + 1], '?.'));
}

// The member chain from `i` ends in an assignment.
function assignedThrough(tokens, i) {
  let j = i;
  while (j + 1 < tokens.length && (isPunct(tokens[j], '.') || isPunct(tokens[j], '['))) {
    j = isPunct(tokens[j], '[') ? matching(tokens, j) + 1 : j + 2;
  }
  return Boolean(tokens[j]) && tokens[j].type === 'punct' && ASSIGNMENTS.has(tokens[j].value);
}

class Sandbox {
  constructor() {
    this.object = {};
    this.context = vm.createContext(this.object);
    this.global = vm.runInContext('globalThis', this.context);
    const inner = vm.runInContext('({ Promise, Error })', this.context);
    this.Promise = inner.Promise;
    this.Error = inner.Error;
  }

  // Empty the sandbox, then give the next run its globals. When the last
  // run left the same names in the same order, they are only given new
  // values: deleting them all would make the object a slow dictionary.
  // A name a run added (`window.x = 1`) lives on the context's global as
  // well as on the sandbox: it is deleted through the global, from both.
  reset(values) {
    const names = Object.keys(this.object);
    if (!sameItems(names, Object.keys(values))) {
      for (const name of names) delete this.global[name];
    }
    Object.assign(this.object, values);
  }
}

// Whether the runs of `job` may share one context.
function sharesContext(job) {
  if (job._sharesContext === undefined) {
    const sources = [job.source, ...(job.modules || []).map(each => each.source)];
    job._sharesContext = !sources.some(source => changesSharedState(tokenize(source)));
  }
  return job._sharesContext;
}

// The job's sandbox for the next run: the shared one, or a fresh one where sharing is unsafe.
function sandboxFor(job) {
  if (!sharesContext(job)) return new Sandbox();
  if (!job._sandbox) job._sandbox = new Sandbox();
  return job._sandbox;
}

let builtinNames = null;

// What a fresh context already has (Math, Promise, ...): never stubbed.
function contextBuiltins() {
  if (!builtinNames) {
    const global = vm.runInContext('globalThis', vm.createContext({}));
    builtinNames = new Set(Object.getOwnPropertyNames(global));
  }
  return builtinNames;
}

// Everything one run of one schedule needs: a fresh context and program, the
// fake server, the fake clock, and the calls made so far.
