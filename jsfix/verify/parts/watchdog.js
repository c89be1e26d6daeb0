// ------------------------------------------------------------ the watchdog
//
// Scenarios run on the main thread. Code that loops without ever awaiting
// would freeze the harness (as it would freeze the page), so a small thread
// watches a heartbeat the main thread beats at every step. When it stops for
// `stallSeconds`, the watchdog stops the JavaScript running on the main
// thread through node's inspector (Runtime.terminateExecution, as a debugger
// does), and the harness reports that scenario as incomplete, with the steps
// up to the one that froze, and goes on with the scenarios after it. The
// heartbeat lives in memory both threads share (a Board); the steps stay on
// the main thread (Progress), which reads them once the stop has freed it.
// The watchdog boots on another core while the job is read and cut out;
// exploring never waits for it. Its thread also checks that the whole file
// parses (syntaxProblem), which takes V8 5 ms for a 450 KB file, while the
// main thread explores. The thread's answers come back on a port of their
// own, read without waiting (receiveMessageOnPort): the exploration never
// yields to node's event loop, and a check the thread has not answered when
// the answer is wanted is made on the main thread, as it was before.

const { MessageChannel, Worker, receiveMessageOnPort } = require('worker_threads');

// A heartbeat, and whether the watchdog is armed, after how many
// milliseconds. Only the main thread writes.
class Board {
  constructor(buffer = new SharedArrayBuffer(12)) {
    this.buffer = buffer;
    this.header = new Int32Array(buffer, 0, 3); // heartbeat, armed, stall milliseconds
  }

  beat() {
    Atomics.add(this.header, 0, 1);
  }

  arm(stallMs) {
    Atomics.store(this.header, 2, stallMs);
    Atomics.store(this.header, 1, 1);
    this.beat();
  }

  disarm() {
    Atomics.store(this.header, 1, 0);
  }
}

// The schedule under way: how many schedules the scenario has begun, its
// steps so far (the run's own trace), and the one about to run (described
// only if it freezes).
class Progress {
  constructor(board) {
    this.board = board;
    this.reset();
  }

  reset() {
    this.schedules = 0;
    this.trace = [];
    this.next = null; // the next step's text, or a function that gives it
  }

  schedule(trace) {
    this.schedules++;
    this.trace = trace;
    this.next = null;
    this.board.beat();
  }

  nextStep(next) {
    this.next = next;
    this.board.beat();
  }

  // A step of the trace is done.
  step() {
    this.next = null;
    this.board.beat();
  }

  read() {
    const next = typeof this.next === 'function' ? this.next() : this.next;
    return { schedules: this.schedules, trace: this.trace.slice(), next };
  }
}

// The progress of the watchdog in charge; that of a harness loaded by a test goes nowhere.
let progress = null;

// `trace`: the steps the new schedule will take, as its run records them.
function progressSchedule(trace) {
  if (progress) progress.schedule(trace);
}

// `next`: the step's text, or a function that gives it.
function progressNext(next) {
  if (progress) progress.nextStep(next);
}

function progressStep() {
  if (progress) progress.step();
}

// The watchdog thread's code (run with `eval`: it needs nothing of the
// harness but `syntaxProblem`, whose source is written in before it, with
// the `vm` it uses).
function watchdogThread() {
  const { parentPort, workerData } = require('worker_threads');
  const { board, answers } = workerData;
  parentPort.on('message', ({ check, text, looksLikeModule }) => {
    try {
      answers.postMessage({ check, problem: syntaxProblem(text, looksLikeModule) });
    } catch (error) {
      answers.postMessage({ check, failed: String(error) }); // the main thread checks it again
    }
  });
  const header = new Int32Array(board, 0, 3);
  let beat = Atomics.load(header, 0);
  let since = Date.now();
  setInterval(() => {
    const now = Atomics.load(header, 0);
    if (now !== beat || !Atomics.load(header, 1)) {
      [beat, since] = [now, Date.now()];
      return;
    }
    if (Date.now() - since < Atomics.load(header, 2)) return;
    Atomics.store(header, 1, 0); // one stop per stall
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
    this.progress = new Progress(this.board);
    this.worker = null;
    this.onStall = null; // set while a scenario runs
    this.epoch = 0; // moves on at each stall: the frozen exploration must not go on
    this.checks = new Map(); // syntax checks sent to the thread: number -> {text, looksLikeModule, answer}
    this.nextCheck = 0;
    this.answers = null; // the port the thread answers them on
    this.checkedHere = 0; // checks the main thread made itself
  }

  start() {
    if (this.worker) return;
    const { port1, port2 } = new MessageChannel();
    const code = `const vm = require('vm');\nconst syntaxProblem = ${syntaxProblem};\n(${watchdogThread})()`;
    const worker = new Worker(code, { eval: true, workerData: { board: this.board.buffer, answers: port2 }, transferList: [port2] });
    worker.unref();
    worker.on('message', message => {
      if (this.onStall) this.onStall(message);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
    });
    this.worker = worker;
    this.answers = port1;
    progress = this.progress;
  }

  // Send syntaxProblem(text, looksLikeModule) to the thread; the number to ask syntaxProblemOf.
  checkSyntax(text, looksLikeModule) {
    this.start();
    const check = this.nextCheck++;
    this.checks.set(check, { text, looksLikeModule, answer: null });
    this.worker.postMessage({ check, text, looksLikeModule });
    return check;
  }

  // The thread's answer to a check, or, when it has none yet, the main thread's.
  syntaxProblemOf(check) {
    for (let read; this.answers && (read = receiveMessageOnPort(this.answers)); ) {
      const sent = this.checks.get(read.message.check); // none when already made here
      if (sent) sent.answer = read.message;
    }
    const { text, looksLikeModule, answer } = this.checks.get(check);
    this.checks.delete(check);
    if (answer && answer.failed === undefined) return answer.problem;
    this.checkedHere++;
    return syntaxProblem(text, looksLikeModule);
  }

  // The scenario's result from `explore(isCurrent)`, or, when the code froze, its incomplete result.
  async watch(job, scenario, stallSeconds, explore) {
    this.start();
    const epoch = this.epoch;
    const isCurrent = () => this.epoch === epoch;
    const stalled = new Promise(resolve => (this.onStall = resolve));
    this.progress.reset();
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
      return frozenResult(job, scenario, this.progress.read(), stallSeconds);
    } finally {
      this.board.disarm();
      this.onStall = null;
    }
  }

  close() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    if (progress === this.progress) progress = null;
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
