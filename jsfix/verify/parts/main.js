// ------------------------------------------------------------------ main

function readStdin() {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', chunk => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

// Writes one JSON line per job: one for a job, one per entry of a batch.
async function main() {
  const watchdog = new Watchdog();
  watchdog.start(); // it boots on another core while the job is read and cut out
  let job;
  if (process.argv[2]) job = { file: process.argv[2] };
  else {
    try {
      job = JSON.parse(await readStdin());
    } catch (error) {
      job = { batch: [] };
      process.stdout.write(JSON.stringify({ ok: false, error: `the job is not JSON: ${error.message}` }) + '\n');
    }
  }
  // A run is mostly code that runs once: optimising it costs more than it
  // saves (on 2 cores, optimised compiles took 150 ms of a 350 ms job). So
  // the first job runs unoptimised, and a batch's later jobs, which run the
  // same code again, may be optimised.
  v8.setFlagsFromString('--no-opt');
  let first = true;
  for (const each of Array.isArray(job.batch) ? job.batch : [job]) {
    if (!first) v8.setFlagsFromString('--opt');
    first = false;
    let answer;
    try {
      answer = await run(each, watchdog);
    } catch (error) {
      answer = { ok: false, error: describeError(error) };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
  // Once the last answer is out, leave at once: nothing else is waited for.
  // The output is closed first, so the reader has its end of file now rather
  // than once the kernel has freed node's memory (5-7 ms).
  process.stdout.write('', () => {
    for (const fd of [1, 2]) require('fs').closeSync(fd);
    process.exit(0);
  });
}

const EXTRACTION_FIELDS = ['source', 'sources', 'declared', 'state', 'free', 'optional', 'strict', 'module', 'kept', 'modules', 'entry'];

function extractionAnswer(job) {
  return { ok: true, extraction: Object.fromEntries(EXTRACTION_FIELDS.map(key => [key, job[key]])) };
}

// A job with "text" or "file": the same job with the extraction's fields,
// or the answer that says why there is nothing to run. With a watchdog, the
// file's syntax is checked on its thread: `syntaxCheck` is that check's number.
function withExtraction(job, watchdog = null) {
  let text;
  try {
    text = typeof job.text === 'string' ? job.text : require('fs').readFileSync(job.file, 'utf8');
  } catch (error) {
    return { answer: { ok: false, error: `cannot read ${job.file}: ${error.message}` } };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let syntaxCheck = null;
  const checkSyntax = watchdog ? (...args) => ((syntaxCheck = watchdog.checkSyntax(...args)), null) : syntaxProblem;
  try {
    // With a file, its relative imports are followed inside its checkout (or job.root).
    return { job: Object.assign({}, job, extractFromText(text, job.file || null, job.root || null, checkSyntax)), syntaxCheck };
  } catch (error) {
    return { answer: unrunnableAnswer(error), syntaxCheck };
  }
}

function unrunnableAnswer(error) {
  const unrunnable = error instanceof Unrunnable ? error.kind : 'unmodelled';
  return { ok: false, error: `cannot extract the two functions: ${error.message}`, reason: error.message, unrunnable };
}

// `answer`, unless the file's syntax check, done on the watchdog's thread
// while this one went on, finds the file broken: that comes first, as it
// does when the check is made here before anything else.
function afterSyntaxCheck(watchdog, check, answer) {
  let problem;
  try {
    problem = watchdog.syntaxProblemOf(check);
  } catch (error) {
    return unrunnableAnswer(error);
  }
  return problem ? unrunnableAnswer(new Unrunnable(problem)) : answer;
}

// The compiled program to run in every schedule, or the answer that says why it cannot run.
async function programMaker(job) {
  const badName = [...(job.free || []), ...(job.declared || [])].find(name => !/^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u.test(name));
  if (badName !== undefined) return { answer: { ok: false, error: `not a plain identifier: ${JSON.stringify(badName)}` } };
  const badAccess = Object.values(job.state || {}).find(e => !/^[\p{ID_Start}$_][\p{ID_Continue}$]*(\.[\p{ID_Start}$_][\p{ID_Continue}$]*)*$/u.test(e));
  if (badAccess !== undefined) return { answer: { ok: false, error: `not an assignable name: ${JSON.stringify(badAccess)}` } };
  try {
    const maker = job.modules && job.modules.length ? moduleMaker(job) : scriptMaker(job);
    if (job.modules && job.modules.length) await maker(vm.createContext({}), { linkOnly: true }); // compile errors show here
    return { maker };
  } catch (error) {
    return { answer: { ok: false, error: `the extracted code does not compile: ${describeError(error)}` } };
  }
}

// A job's answer. With a watchdog, a scenario whose code freezes is stopped
// and reported incomplete, and the scenarios after it still run.
async function run(job, watchdog = null) {
  if (typeof job.source === 'string' || (typeof job.file !== 'string' && typeof job.text !== 'string')) return runExtracted(job, watchdog);
  const extracted = withExtraction(job, watchdog);
  let answer = extracted.answer;
  if (!answer) answer = extracted.job.extractOnly ? extractionAnswer(extracted.job) : await runExtracted(extracted.job, watchdog);
  return typeof extracted.syntaxCheck === 'number' ? afterSyntaxCheck(watchdog, extracted.syntaxCheck, answer) : answer;
}

async function runExtracted(job, watchdog) {
  if (typeof job.source !== 'string') return { ok: false, error: 'the job has no "source", "file" or "text"' };
  if (job.modules && job.modules.length && typeof vm.SourceTextModule !== 'function') return runWithModules(job);
  const made = await programMaker(job);
  if (made.answer) return made.answer;
  const wanted = job.scenarios ? new Set(job.scenarios) : null;
  const unknown = wanted ? [...wanted].filter(n => !SCENARIOS.some(s => s.name === n)) : [];
  if (unknown.length) return { ok: false, error: `unknown scenarios: ${unknown.join(', ')}` };
  const stallSeconds = job.stallSeconds || 3;
  const scenarios = [];
  for (const scenario of SCENARIOS) {
    if (wanted && !wanted.has(scenario.name)) continue;
    const exploration = isCurrent => explore(job, made.maker, scenario, isCurrent);
    let result;
    try {
      result = watchdog ? await watchdog.watch(job, scenario, stallSeconds, exploration) : await exploration();
    } catch (error) {
      return { ok: false, error: `scenario ${scenario.name} could not run: ${describeError(error)}` };
    }
    scenarios.push(result);
    if (job.stopAtFirstFailure && result.verdict !== 'holds') break;
  }
  return { ok: true, scenarios, kept: job.kept || [] };
}

// An ES module's job in a node started with the flag that offers
// vm.SourceTextModule, when this one was started without it.
function runWithModules(job) {
  const { _sandbox, _sourceTokens, ...plain } = job;
  const done = require('child_process').spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', __filename], {
    input: JSON.stringify(plain),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  try {
    return JSON.parse(done.stdout.split('\n')[0]);
  } catch (error) {
    return { ok: false, error: `ES modules need node run with --experimental-vm-modules: ${done.stderr || error.message}` };
  }
}

if (require.main === module) {
  main().catch(error => process.stdout.write(JSON.stringify({ ok: false, error: describeError(error) }) + '\n'));
}

module.exports = { SCENARIOS, Lexer, RowsOnScreen, Watchdog, buildFactorySource, extractFromText, rowOf, syntaxProblem, tokenize, tokensBetween, run };
