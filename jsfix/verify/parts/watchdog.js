// ------------------------------------------------------------ the watchdog
//
// Scenarios run on the main thread. Code that loops without ever awaiting
// would freeze the harness (as it would freeze the page), so a small thread
// watches a heartbeat the main thread beats at every step. When it stops for
// `stallSeconds`, the watchdog stops the JavaScript running on the main
// thread through node's inspector (Runtime.terminateExecution, as a debugger
// does), and the harness reports that scenario as incomplete, with the steps
// up to the one that froze, and goes on with the scenarios after it. The
// heartbeat and the steps of the schedule under way live in memory both
// threads share (a Board). The watchdog boots on another core while the job
// is read and cut out; exploring never waits for it.

const { Worker } = require('worker_threads');

// The schedule under way: a heartbeat, how many schedules the scenario has
// begun, its steps so far and the one about to run; and whether the watchdog
// is armed, after how many milliseconds. Only the main thread writes.
class Board {
  constructor(buffer = new SharedArrayBuffer(Board.HEADER + Board.TRACE + Board.NEXT)) {
    this.buffer = buffer;
    // heartbeat, schedules, trace bytes, next-step bytes, armed, stall milliseconds
    this.header = new Int32Array(buffer, 0, 6);
    this.trace = new Uint8Array(buffer, Board.HEADER, Board.TRACE);
    this.next = new Uint8Array(buffer, Board.HEADER + Board.TRACE, Board.NEXT);
    this.encoder = new TextEncoder();
  }

  beat() {
    Atomics.add(this.header, 0, 1);
  }

  arm(stallMs) {
    this.header.fill(0, 1, 4);
    Atomics.store(this.header, 5, stallMs);
    Atomics.store(this.header, 4, 1);
    this.beat();
  }

  disarm() {
    Atomics.store(this.header, 4, 0);
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
Board.HEADER = 32;
Board.TRACE = 1 << 18;
Board.NEXT = 1 << 12;

// The board of the watchdog in charge; progress from a harness loaded by a test goes nowhere.
let board = null;

function progressSchedule() {
  if (board) board.schedule();
}

function progressNext(text) {
  if (board) board.nextStep(text);
}

function progressStep(text) {
  if (board) board.step(text);
}

// The watchdog thread's code (run with `eval`: it needs nothing of the harness).
function watchdogThread() {
  const { parentPort, workerData } = require('worker_threads');
  const header = new Int32Array(workerData, 0, 6);
  let beat = Atomics.load(header, 0);
  let since = Date.now();
  setInterval(() => {
    const now = Atomics.load(header, 0);
    if (now !== beat || !Atomics.load(header, 4)) {
      [beat, since] = [now, Date.now()];
      return;
    }
    if (Date.now() - since < Atomics.load(header, 5)) return;
    Atomics.store(header, 4, 0); // one stop per stall
    let inspector;
    try {
      inspector = require('inspector');
    } catch (error) {
      parentPort.postMessage({ unstoppable: error.message });
      return;
    }
    const session = new inspector.Session();
    session.connectToMainThread();
    session.post('Runtime.terminateExecution', () => {
      session.disconnect();
      parentPort.postMessage({ stopped: true });
    });
  }, 50);
}

class Watchdog {
  constructor() {
    this.board = new Board();
    this.worker = null;
    this.onStall = null; // set while a scenario runs
    this.epoch = 0; // moves on at each stall: the frozen exploration must not go on
  }

  start() {
    if (this.worker) return;
    this.worker = new Worker(`(${watchdogThread})()`, { eval: true, workerData: this.board.buffer });
    this.worker.unref();
    this.worker.on('message', message => {
      if (this.onStall) this.onStall(message);
    });
    board = this.board;
  }

  // The scenario's result from `explore(isCurrent)`, or, when the code froze, its incomplete result.
  async watch(job, scenario, stallSeconds, explore) {
    this.start();
    const epoch = this.epoch;
    const isCurrent = () => this.epoch === epoch;
    const stalled = new Promise(resolve => (this.onStall = resolve));
    this.board.arm(stallSeconds * 1000);
    const exploring = explore(isCurrent);
    exploring.catch(() => {}); // a stopped exploration's end is of no interest
    try {
      const outcome = await Promise.race([exploring.then(result => ({ result })), stalled]);
      if (outcome.result) return outcome.result;
      this.epoch++;
      caller.reset();
      delete job._sandbox; // the frozen run's context stays frozen
      if (outcome.unstoppable) throw new Error(`the code ran ${stallSeconds} s without yielding, and this node cannot stop it: ${outcome.unstoppable}`);
      return frozenResult(job, scenario, this.board.read(), stallSeconds);
    } finally {
      this.board.disarm();
      this.onStall = null;
    }
  }

  close() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    if (board === this.board) board = null;
  }
}

// The result of a scenario whose schedule froze: nothing is proved.
function frozenResult(job, scenario, stalled, stallSeconds) {
  const step = stalled.next || 'the next step';
  return {
    name: scenario.name,
    title: scenario.title,
    verdict: 'incomplete',
    holds: false,
    schedules: Math.max(0, stalled.schedules - 1),
    complete: false,
    stopped: `schedule ${stalled.schedules} froze at "${step}": the code ran ${stallSeconds} s without yielding`,
    violation: null,
    schedule: stalled.trace.concat([`${step}: froze (${stallSeconds} s without yielding)`]),
    errors: [],
    skipped: skippedChecks(job, scenario),
  };
}
