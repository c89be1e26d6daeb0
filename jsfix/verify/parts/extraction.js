// The declarations to keep in every module, following names from the two
// targets.
class Reach {
  constructor(loader, entry) {
    this.loader = loader;
    this.entry = entry;
    this.kept = new Map(); // declaration -> module
    this.links = new Map(); // module id -> Map(local name -> binding elsewhere)
    this.unloadable = []; // {module, user, name, why}
    this.verdicts = new Map();
    const targets = TARGETS.flatMap(name => (entry.byName.get(name) || []).map(d => [entry, d]));
    this.shared = new Set();
    for (const [module, target] of targets) {
      for (const name of target.references) {
        for (const b of this.bindings(module, name)) if (b.declaration.kind === 'variable') this.shared.add(`${b.module.id}\0${b.name}`);
      }
    }
    const queue = targets.slice();
    while (queue.length) {
      const [module, declaration] = queue.pop();
      if (this.kept.has(declaration)) continue;
      this.kept.set(declaration, module);
      queue.push(...this.follow(module, declaration));
    }
  }

  bindings(module, name) {
    const own = module.byName.get(name);
    if (own) return own.map(declaration => ({ module, declaration, name }));
    const found = module.imports.has(name) ? findLocal(this.loader, module, name) : null;
    return found && typeof found !== 'string' ? [found] : [];
  }

  follow(module, declaration) {
    const found = [];
    for (const name of [...declaration.references].sort()) {
      if (module.imports.has(name) && !module.byName.has(name)) {
        const binding = findLocal(this.loader, module, name);
        if (typeof binding === 'string') {
          this.unloadable.push({ module, user: declaration, name, why: binding });
          continue;
        }
        if (this.worth(binding.module, binding.declaration)) {
          if (!this.links.has(module.id)) this.links.set(module.id, new Map());
          this.links.get(module.id).set(name, binding);
          found.push([binding.module, binding.declaration]);
        }
        continue;
      }
      for (const d of module.byName.get(name) || []) if (this.worth(module, d)) found.push([module, d]);
    }
    return found;
  }

  // Variables and classes always run; a function when it touches the shared state or is self-contained.
  worth(module, d) {
    if (!this.verdicts.has(d)) {
      this.verdicts.set(d, true); // assumed while deciding, for mutual recursion
      let verdict = d.kind !== 'function';
      const names = [...d.references].map(name => [name, this.bindings(module, name)]);
      if (!verdict) verdict = names.some(([, found]) => found.some(b => this.shared.has(`${b.module.id}\0${b.name}`)));
      if (!verdict) {
        verdict = names.every(([name, found]) =>
          BUILTINS.has(name) || WORLD.has(name) || d.probed.has(name) || found.some(b => this.worth(b.module, b.declaration)));
      }
      this.verdicts.set(d, verdict);
    }
    return this.verdicts.get(d);
  }

  refuseUnloadableState() {
    const order = (a, b) => (a.module.id < b.module.id ? -1 : a.module.id > b.module.id ? 1 : a.user.first - b.user.first);
    for (const { module, user, name, why } of this.unloadable.slice().sort(order)) {
      if (STATE_NAMES.includes(name) || STATE_KEYS.has(name) || readsStateThrough(fullTokensOf(module, user), name)) {
        throw new Unrunnable(`${user.names[0]} in ${module.id} reaches the paging state through '${name}', and ${why}`);
      }
    }
  }

  inModule(module) {
    return module.declarations.filter(d => this.kept.get(d) === module);
  }

  modules() {
    const seen = new Map();
    for (const module of this.kept.values()) if (!seen.has(module.id)) seen.set(module.id, module);
    return [...seen.keys()].sort().map(id => seen.get(id));
  }
}

// `name.loadingOlder`, `name.generation`...: the declaration reads paging state off `name`.
function readsStateThrough({ tokens, first, end }, name) {
  for (let q = first; q + 2 < end; q++) {
    if (!isName(tokens[q], name) || isPunct(tokens[q - 1], '.')) continue;
    // `name.a.b.loadingOlder`: any property along the chain counts.
    for (let k = q + 1; k + 1 < end && (isPunct(tokens[k], '.') || isPunct(tokens[k], '?.')); k += 2) {
      if (STATE_KEYS.has(tokens[k + 1].value)) return true;
    }
  }
  return false;
}

// Why the extraction cannot give the scenarios something to run. `kind` is
// "no targets" when the file declares neither function (jsfix then calls it
// not applicable), "unmodelled" for every other reason.
class Unrunnable extends Error {
  constructor(message, kind = 'unmodelled') {
    super(message);
    this.kind = kind;
  }
}

// The two functions and the declarations they reach, in this file and its
// relative imports (when the file's path is known), inside `root` (by
// default the file's checkout: the nearest directory up holding .git).
// `checkSyntax` may send the whole file's syntax check elsewhere and return
// null (Watchdog.checkSyntax): then the caller asks for its answer at the end.
function extractFromText(text, file, root, checkSyntax = syntaxProblem) {
  const loader = new ModuleLoader(root || (file ? checkoutRoot(file) : null));
  let entry;
  try {
    entry = loader.entry(text, file);
  } catch (error) {
    // The lexer lost its way: say where V8 finds the file broken, if it does.
    throw new Unrunnable(syntaxProblem(text, /^\s*(?:import|export)\b/m.test(text)) || error.message);
  }
  const missing = TARGETS.filter(name => !entry.byName.has(name));
  if (missing.length === TARGETS.length) throw new Unrunnable(`no top-level declaration of ${missing.join(' or ')}`, 'no targets');
  if (missing.length) throw new Unrunnable(`no top-level declaration of ${missing.join(' or ')}`);
  const problem = checkSyntax(text, entry.module);
  if (problem) throw new Unrunnable(problem);
  const reach = new Reach(loader, entry);
  reach.refuseUnloadableState();
  return extraction(entry, reach);
}

// A syntax error anywhere in the file, as V8 reads it (a script, else a
// module), or null. Without node's vm modules (a harness started without
// --experimental-vm-modules) a module is not checked.
function syntaxProblem(text, looksLikeModule) {
  const kinds = vm.SourceTextModule ? (looksLikeModule ? ['module', 'script'] : ['script', 'module']) : looksLikeModule ? [] : ['script'];
  let first = null;
  for (const kind of kinds) {
    try {
      if (kind === 'script') new vm.Script(text, { filename: 'the file' });
      else new vm.SourceTextModule(text, { identifier: 'the file' });
      return null;
    } catch (error) {
      if (error.name !== 'SyntaxError') throw error;
      first = first || error;
    }
  }
  if (!first) return null;
  const line = /the file:(\d+)/.exec(String(first.stack));
  return `the file does not parse${line ? ` (line ${line[1]})` : ''}: ${first.message}`;
}

function extraction(entry, reach) {
  const kept = reach.inModule(entry);
  const others = reach.modules().filter(module => module.id !== entry.id);
  const exported = new Map();
  for (const links of reach.links.values()) {
    for (const b of links.values()) {
      if (!exported.has(b.module.id)) exported.set(b.module.id, new Set());
      exported.get(b.module.id).add(b.name);
    }
  }
  const withLinks = (module, body) => {
    const lines = [...(reach.links.get(module.id) || new Map()).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([local, b]) => `import { ${b.name} as ${local} } from ${JSON.stringify(b.module.id)};`);
    lines.push(body);
    const names = [...(exported.get(module.id) || [])].sort();
    if (names.length) lines.push(`export { ${names.join(', ')} };`);
    return lines.join('\n');
  };
  const own = new Set(kept.flatMap(d => d.names));
  const imported = [...(reach.links.get(entry.id) || new Map()).keys()];
  const declared = new Set([...own, ...imported]);
  const every = reach.modules().flatMap(module => reach.inModule(module));
  const used = new Set(every.flatMap(d => [...d.references]));
  const bound = new Set(declared);
  for (const module of others) {
    for (const d of reach.inModule(module)) for (const name of d.names) bound.add(name);
    for (const name of (reach.links.get(module.id) || new Map()).keys()) bound.add(name);
  }
  const free = [...used].filter(name => !bound.has(name)).sort();
  const probed = new Set(every.flatMap(d => [...d.probed]));
  const state = {};
  for (const name of STATE_NAMES) if (own.has(name)) state[name] = name;
  const holders = kept.filter(d => d.kind === 'variable' && d.names.length === 1).map(d => [d.names[0], d]);
  for (const [local, b] of [...(reach.links.get(entry.id) || new Map()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    holders.push([local, b.declaration]);
  }
  for (const name of STATE_NAMES) {
    if (own.has(name)) continue;
    for (const [local, d] of holders) {
      const key = STATE_PROPERTIES[name].find(k => d.keys.includes(k));
      if (d.kind === 'variable' && d.names.length === 1 && key) {
        state[name] = `${local}.${key}`;
        break;
      }
    }
  }
  const body = kept.map(d => d.source).join('\n');
  return {
    source: others.length ? withLinks(entry, body) : body,
    sources: kept.map(d => d.source),
    declared: [...declared].sort(),
    state,
    free,
    optional: free.filter(name => probed.has(name)),
    strict: entry.strict,
    module: entry.module,
    kept: kept.map(d => d.names[0]),
    modules: others.map(module => ({ id: module.id, source: withLinks(module, reach.inModule(module).map(d => d.source).join('\n')) })),
    entry: entry.id,
  };
}
