// ------------------------------------------------------- jobs and the watchdog
//
// Scenarios run in a worker thread; the main thread only watches. Code that
// loops without ever awaiting would freeze the harness (as it would freeze
// the page): when the worker sends no progress for `stallSeconds`, the main
// thread terminates it, reports that scenario as incomplete with the steps up
// to the one that froze, and goes on with the scenarios after it in a fresh
// worker.

const { Worker, parentPort, workerData } = require('worker_threads');

// Marks the harness's own worker (not any thread that merely loads this file).
const WORKER_MARK = 'jsfix-harness-worker';
const IN_WORKER = workerData === WORKER_MARK && parentPort !== null;

// Progress from inside the worker: also its heartbeat. A no-op elsewhere.
function progress(message) {
  if (IN_WORKER) parentPort.postMessage(message);
}

class Watcher {
  constructor() {
    this.worker = null;
  }

  // Run one job in the worker. Resolves with {answer} or, when it stalls,
  // {stalled: {name, title, skipped, schedules, trace, next}, finished: [results]}.
  attempt(job, stallMs) {
    // ES-module jobs link their modules with vm.SourceTextModule, which node
    // only offers behind a flag; the worker gets it whoever started the harness.
    const execArgv = [...process.execArgv, '--experimental-vm-modules', '--no-warnings'];
    if (!this.worker) this.worker = new Worker(__filename, { workerData: WORKER_MARK, execArgv });
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      const finished = [];
      let current = null;
      let timer = null;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(onStall, stallMs);
      };
      const cleanUp = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onStall = () => {
        cleanUp();
        this.worker = null;
        worker.terminate().then(() => resolve({ stalled: current, finished }), reject);
      };
      const onError = error => {
        cleanUp();
        this.worker = null;
        reject(error);
      };
      const onExit = code => onError(new Error(`the harness worker exited (code ${code}) before it answered`));
      const onMessage = message => {
        arm();
        track(message);
      };
      const track = message => {
        if (message.type === 'scenario') current = { ...message, schedules: 0, trace: [], next: null };
        else if (!current && message.type !== 'result' && message.type !== 'done') return;
        else if (message.type === 'schedule') Object.assign(current, { trace: [], next: null, schedules: current.schedules + 1 });
        else if (message.type === 'next') current.next = message.text;
        else if (message.type === 'step') Object.assign(current, { next: null, trace: current.trace.concat([message.text]) });
        else if (message.type === 'result') {
          finished.push(message.result);
          current = null;
        } else if (message.type === 'done') {
          cleanUp();
          resolve({ answer: message.answer });
        }
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      arm();
      worker.postMessage(job);
    });
  }

  close() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
  }
}

// A job's answer, whatever its code does: a stall becomes an incomplete scenario.
async function runWatched(watcher, job) {
  if (job.extractOnly) return run(job);
  const stallSeconds = job.stallSeconds || 3;
  const done = [];
  let pending = job;
  for (;;) {
    const outcome = await watcher.attempt(pending, stallSeconds * 1000);
    if (outcome.answer) {
      if (outcome.answer.ok) outcome.answer.scenarios = done.concat(outcome.answer.scenarios);
      return outcome.answer;
    }
    const { stalled, finished } = outcome;
    if (!stalled) return { ok: false, error: `the harness stalled for ${stallSeconds} s before any scenario ran` };
    done.push(...finished, frozenResult(stalled, stallSeconds));
    const position = name => SCENARIOS.findIndex(s => s.name === name);
    const after = SCENARIOS.map(s => s.name).filter(
      name => position(name) > position(stalled.name) && (!job.scenarios || job.scenarios.includes(name)),
    );
    if (job.stopAtFirstFailure || !after.length) return { ok: true, scenarios: done };
    pending = { ...job, scenarios: after };
  }
}

// The result of a scenario whose schedule froze: nothing is proved.
function frozenResult(stalled, stallSeconds) {
  const step = stalled.next || 'the next step';
  return {
    name: stalled.name,
    title: stalled.title,
    verdict: 'incomplete',
    holds: false,
    schedules: Math.max(0, stalled.schedules - 1),
    complete: false,
    stopped: `schedule ${stalled.schedules} froze at "${step}": the code ran ${stallSeconds} s without yielding`,
    violation: null,
    schedule: stalled.trace.concat([`${step}: froze (${stallSeconds} s without yielding)`]),
    errors: [],
    skipped: stalled.skipped || [],
  };
}

// The worker's side: run each job it is sent, answer when done.
function serveJobs() {
  parentPort.on('message', async job => {
    let answer;
    try {
      answer = await run(job);
    } catch (error) {
      answer = { ok: false, error: describeError(error) };
    }
    parentPort.postMessage({ type: 'done', answer });
  });
}
