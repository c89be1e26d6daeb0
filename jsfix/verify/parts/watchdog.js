// ------------------------------------------------------- jobs and the watchdog
//
// Scenarios run in a worker thread; the main thread only watches. Code that
// loops without ever awaiting would freeze the harness (as it would freeze
// the page): when the worker's heartbeat stops for `stallSeconds`, the main
// thread terminates it, reports that scenario as incomplete with the steps up
// to the one that froze, and goes on with the scenarios after it in a fresh
// worker. The heartbeat and the steps of the schedule under way live in
// memory both threads share (a Board): a message per step would wake the
// main thread a few thousand times per file.

const { Worker, parentPort, workerData } = require('worker_threads');

// Marks the harness's own worker (not any thread that merely loads this file).
const WORKER_MARK = 'jsfix-harness-worker';
const IN_WORKER = Boolean(workerData && workerData.mark === WORKER_MARK) && parentPort !== null;

// The schedule under way: a heartbeat, how many schedules the scenario has
// begun, its steps so far and the one about to run. Only the worker writes.
class Board {
  constructor(buffer = new SharedArrayBuffer(16 + Board.TRACE + Board.NEXT)) {
    this.buffer = buffer;
    this.header = new Int32Array(buffer, 0, 4); // heartbeat, schedules, trace bytes, next-step bytes
    this.trace = new Uint8Array(buffer, 16, Board.TRACE);
    this.next = new Uint8Array(buffer, 16 + Board.TRACE, Board.NEXT);
    this.encoder = new TextEncoder();
  }

  heartbeat() {
    return Atomics.load(this.header, 0);
  }

  beat() {
    Atomics.add(this.header, 0, 1);
  }

  scenario() {
    this.header.fill(0, 1);
    this.beat();
  }

  schedule() {
    this.header[1] += 1;
    this.header[2] = 0;
    this.header[3] = 0;
    this.beat();
  }

  nextStep(text) {
    this.header[3] = this.encoder.encodeInto(text, this.next).written;
    this.beat();
  }

  step(text) {
    // Steps are separated by NUL; a trace longer than the board keeps its start.
    const written = this.encoder.encodeInto(`${text}\0`, this.trace.subarray(this.header[2])).written;
    this.header[2] += written;
    this.header[3] = 0;
    this.beat();
  }

  read() {
    const decode = bytes => new TextDecoder().decode(bytes.slice());
    const trace = decode(this.trace.subarray(0, this.header[2])).split('\0').filter(Boolean);
    const next = this.header[3] ? decode(this.next.subarray(0, this.header[3])) : null;
    return { schedules: this.header[1], trace, next };
  }
}
Board.TRACE = 1 << 18;
Board.NEXT = 1 << 12;

// The worker's board; progress from elsewhere (a harness loaded by a test) goes nowhere.
const board = IN_WORKER ? new Board(workerData.board) : null;

function progressScenario(scenario, skipped) {
  if (!board) return;
  board.scenario();
  parentPort.postMessage({ type: 'scenario', name: scenario.name, title: scenario.title, skipped });
}

function progressSchedule() {
  if (board) board.schedule();
}

function progressNext(text) {
  if (board) board.nextStep(text);
}

function progressStep(text) {
  if (board) board.step(text);
}

function progressResult(result) {
  if (board) parentPort.postMessage({ type: 'result', result });
}

class Watcher {
  constructor() {
    this.worker = null;
    this.board = new Board();
  }

  // The worker, started now if there is none: while it boots, the main
  // thread reads the job and cuts the functions out.
  start() {
    if (!this.worker) {
      // ES-module jobs link their modules with vm.SourceTextModule, which node
      // only offers behind a flag; the worker gets it whoever started the harness.
      const execArgv = [...process.execArgv, '--experimental-vm-modules', '--no-warnings'];
      this.worker = new Worker(__filename, { workerData: { mark: WORKER_MARK, board: this.board.buffer }, execArgv });
    }
    return this.worker;
  }

  // Run one job in the worker. Resolves with {answer} or, when it stalls,
  // {stalled: {name, title, skipped, schedules, trace, next}, finished: [results]}.
  attempt(job, stallMs) {
    const worker = this.start();
    return new Promise((resolve, reject) => {
      const finished = [];
      let current = null;
      let beat = this.board.heartbeat();
      let since = Date.now();
      const watch = setInterval(() => {
        const now = this.board.heartbeat();
        if (now !== beat) [beat, since] = [now, Date.now()];
        else if (Date.now() - since >= stallMs) onStall();
      }, Math.min(250, stallMs / 4));
      const cleanUp = () => {
        clearInterval(watch);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onStall = () => {
        cleanUp();
        this.worker = null;
        const stalled = current && { ...current, ...this.board.read() };
        worker.terminate().then(() => resolve({ stalled, finished }), reject);
      };
      const onError = error => {
        cleanUp();
        this.worker = null;
        reject(error);
      };
      const onExit = code => onError(new Error(`the harness worker exited (code ${code}) before it answered`));
      const onMessage = message => {
        [beat, since] = [this.board.heartbeat(), Date.now()];
        if (message.type === 'scenario') current = { name: message.name, title: message.title, skipped: message.skipped };
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
  if (typeof job.source !== 'string' && (typeof job.file === 'string' || typeof job.text === 'string')) {
    const extracted = withExtraction(job); // in this thread, while the worker boots
    if (extracted.answer) return extracted.answer;
    job = extracted.job;
    if (job.extractOnly) return extractionAnswer(job);
  }
  if (job.extractOnly) return run(job);
  if (typeof job.source === 'string') job = withFacts(job);
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
    const after = scenariosAfter(stalled.name, job.scenarios);
    if (job.stopAtFirstFailure || !after.length) return { ok: true, scenarios: done, kept: job.kept || [] };
    pending = { ...job, scenarios: after };
  }
}

// The scenarios the job asks for (all when `wanted` is null) that come after `name`.
function scenariosAfter(name, wanted) {
  const position = each => SCENARIOS.findIndex(s => s.name === each);
  return SCENARIOS.map(s => s.name).filter(each => position(each) > position(name) && (!wanted || wanted.includes(each)));
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
