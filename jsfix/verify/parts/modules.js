// Resolves relative imports inside one checkout and reads each module once.
class ModuleLoader {
  constructor(root) {
    this.root = root ? require('path').resolve(root) : null;
    this.loaded = new Map();
  }

  idOf(file) {
    const path = require('path');
    const absolute = path.resolve(file);
    if (this.root && isInside(absolute, this.root)) return path.relative(this.root, absolute).split(path.sep).join('/');
    return path.basename(absolute);
  }

  entry(text, file) {
    const module = readModule(file ? this.idOf(file) : '<entry>', file ? require('path').resolve(file) : null, text);
    if (file) this.loaded.set(module.file, module);
    return module;
  }

  // The module `specifier` names from `importer`, or why it cannot be loaded.
  resolve(importer, specifier) {
    const path = require('path');
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) return `'${specifier}' is not a relative import`;
    if (!importer.file) return `'${specifier}' cannot be followed from text without a file`;
    const target = path.resolve(path.dirname(importer.file), specifier);
    if (!this.root || !isInside(target, this.root)) return `'${specifier}' leads outside the checkout`;
    if (!this.loaded.has(target)) this.loaded.set(target, this.load(target, specifier));
    return this.loaded.get(target);
  }

  load(target, specifier) {
    let text;
    try {
      text = require('fs').readFileSync(target, 'utf8');
    } catch (error) {
      return `'${specifier}' cannot be read (${error.code === 'ENOENT' ? 'No such file or directory' : error.message})`;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      return readModule(this.idOf(target), target, text);
    } catch (error) {
      return `'${specifier}': ${error.message}`;
    }
  }
}

function isInside(file, root) {
  const relative = require('path').relative(root, file);
  return relative === '' || (!relative.startsWith('..') && !require('path').isAbsolute(relative));
}

// The checkout a file belongs to: the nearest directory up from it holding
// `.git`, or the file's own directory.
function checkoutRoot(file) {
  const path = require('path');
  const fs = require('fs');
  let current = path.dirname(path.resolve(file));
  for (;;) {
    if (fs.existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return path.dirname(path.resolve(file));
    current = parent;
  }
}

// What `module` exports as `name`, following re-exports; or why there is none.
function findExport(loader, module, name, seen = new Set()) {
  const key = `${module.id}\0${name}`;
  if (seen.has(key)) return `'${name}' is re-exported in a cycle through ${module.id}`;
  seen = new Set(seen).add(key); // each branch of an `export *` keeps its own path
  if (module.exports.has(name)) return findLocal(loader, module, module.exports.get(name), seen);
  if (module.reExports.has(name)) {
    const { specifier, name: there } = module.reExports.get(name);
    const target = loader.resolve(module, specifier);
    return typeof target === 'string' ? target : findExport(loader, target, there, seen);
  }
  for (const specifier of module.stars) {
    const target = loader.resolve(module, specifier);
    if (typeof target === 'string') continue;
    const found = findExport(loader, target, name, seen);
    if (typeof found !== 'string') return found;
  }
  return `${module.id} exports no '${name}'`;
}

// What `name` means at the top level of `module`: its own declaration, or what it imports.
function findLocal(loader, module, name, seen = new Set()) {
  const own = module.byName.get(name);
  if (own) return { module, declaration: own[0], name };
  if (module.imports.has(name)) {
    const { specifier, name: there } = module.imports.get(name);
    if (there === '*' || there === 'default') {
      return `'${name}' is a ${there === '*' ? 'namespace' : 'default'} import of '${specifier}'`;
    }
    const target = loader.resolve(module, specifier);
    return typeof target === 'string' ? target : findExport(loader, target, there, seen);
  }
  return `${module.id} declares no '${name}'`;
}

// Names whose use through an import that cannot be loaded leaves the race
// model without its state: the lock, the page index, the generation.
const STATE_KEYS = new Set([...Object.values(STATE_PROPERTIES).flat(), ...GENERATION_KEYS]);
