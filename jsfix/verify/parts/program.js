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
