class World {
  constructor(job, maker, scenario) {
    this.job = job;
    this.maker = maker;
    this.scenario = scenario;
    this.requests = [];
    this.timers = [];
    this.clock = 0;
    this.nextTimerId = 1;
    this.calls = [];
    this.errors = [];
    this.anytimeDone = new Array((scenario.anytime || []).length).fill(false);
    this.laterDone = new Array((scenario.later || []).length).fill(false);
    this.switchState = 'none'; // none -> started -> done
    this.isCurrent = () => true; // false once the watchdog stopped this exploration
    this.rows = new RowsOnScreen();

    const sandbox = sandboxFor(job);
    this.Promise = sandbox.Promise;
    this.Error = sandbox.Error;
    const values = {};
    const modelled = this.page();
    const optional = new Set(job.optional || []);
    for (const name of job.free || []) {
      if (optional.has(name) || name in modelled) continue;
      if (contextBuiltins().has(name)) continue;
      values[name] = PASSED_THROUGH.has(name) ? globalThis[name] : makeStub();
    }
    Object.assign(values, modelled);
    values.window = values.self = sandbox.global;
    // State the file does not declare lives on the page (another script).
    for (const name of STATE_NAMES) {
      if (!(job.state && job.state[name])) values[name] = undefined;
    }
    sandbox.reset(values);
    this.sandbox = sandbox.object;
    this.context = sandbox.context;
  }

  // Make the program in this world's context and set up session A's paging state.
  async load() {
    this.program = await this.maker(this.context);
    const set = this.program.set;
    set._loadingOlder(false);
    set._messagesTruncated(true);
    set._oldestIdx(HISTORY.A - TAIL);
    set._loadingSessionId(null);
  }

  page() {
    const world = this;
    const S = {
      session: sessionOf('A', null, HISTORY.A - TAIL),
      messages: withTurnFields(messagesBetween('A', HISTORY.A - TAIL, HISTORY.A)),
      toolCalls: [],
      busy: false,
      activeStreamId: null,
      pendingFiles: [],
    };
    const silent = () => {};
    const record = (...args) => {
      for (const arg of args) {
        if (arg && typeof arg === 'object' && 'message' in arg && arg.message !== INJECTED_FAILURE) {
          const text = `${arg.name || 'Error'}: ${arg.message}`;
          if (!world.errors.includes(text)) world.errors.push(text);
        }
      }
    };
    const timer = kind => (fn, delay, ...args) => world.addTimer(kind, fn, delay, args);
    const cancel = id => {
      world.timers = world.timers.filter(t => t.id !== id);
    };
    return {
      S,
      api: (url, opts) => world.request(url, opts),
      setTimeout: timer('timeout'),
      setInterval: timer('interval'),
      requestAnimationFrame: fn => world.addTimer('frame', fn, 16, []),
      clearTimeout: cancel,
      clearInterval: cancel,
      cancelAnimationFrame: cancel,
      queueMicrotask: fn => world.Promise.resolve().then(fn),
      console: { log: silent, info: silent, debug: silent, warn: record, error: record, trace: silent },
      performance: { now: () => world.clock },
      localStorage: makeStorage(),
      sessionStorage: makeStorage(),
      msgContent: m => (m && typeof m.content === 'string' ? m.content : ''),
      document: makeStub(),
      $: () => makeStub(),
    };
  }

  // The page's state object, wherever the code under test left it.
  get S() {
    return this.sandbox.S;
  }

  // ---- the fake server

  request(url, _opts) {
    const asked = readQuery(String(url));
    if (asked === null) return this.Promise.resolve({ ok: true }); // not about a transcript
    const { sid, before, limit, kind } = asked;
    // Who asked is the call running now.
    const call = caller.getStore() || null;
    const request = {
      id: this.requests.length,
      sid,
      kind,
      before,
      limit,
      status: 'pending',
      call,
      label: call ? call.label : 'page',
    };
    request.promise = new this.Promise((resolve, reject) => {
      request.resolve = resolve;
      request.reject = reject;
    });
    this.requests.push(request);
    if (call) call.requests.push(request);
    return request.promise;
  }

  answer(request) {
    const { sid } = request;
    if (!(sid in HISTORY)) return { session: null };
    const grown = grownBy(this.scenario);
    if (request.kind === 'meta') return { session: sessionOf(sid, undefined, 0, grown) };
    // Messages the server still has: in `olderGone`, none before session
    // A's loaded tail.
    const first = this.scenario.server && this.scenario.server.olderGone && sid === 'A' ? HISTORY.A - TAIL : 0;
    const length = historyLength(sid, grown);
    if (request.kind === 'full') return { session: sessionOf(sid, messagesBetween(sid, first, length), 0, grown) };
    const limit = Number.isFinite(request.limit) && request.limit > 0 ? request.limit : TAIL;
    const end = request.before !== null ? Math.max(0, Math.min(length, indexBefore(sid, length, request.before))) : length;
    const start = pageStart(end, limit);
    const session = sessionOf(sid, messagesBetween(sid, Math.max(start, first), Math.max(end, first)), start, grown);
    session._messages_truncated = start > first;
    return { session };
  }

  settle(request) {
    const failing = request.call !== null && (this.scenario.fail || []).includes(request.call.what);
    request.status = failing ? 'failed' : 'answered';
    if (failing) request.reject(new this.Error(INJECTED_FAILURE));
    else request.resolve(this.answer(request));
    return failing;
  }

  // ---- the fake clock

  addTimer(kind, fn, delay, args) {
    if (typeof fn !== 'function') return 0;
    const ms = Math.max(0, Number(delay) || 0);
    // The timer fires on behalf of whoever set it.
    const t = { id: this.nextTimerId++, kind, fn, args, ms, due: this.clock + ms, store: caller.getStore() };
    this.timers.push(t);
    return t.id;
  }

  timerName(t) {
    if (t.kind === 'frame') return 'animation frame';
    return `${t.ms} ms ${t.kind === 'interval' ? 'interval' : 'timer'}`;
  }

  // ---- calls

  // Start a call of the file's code; `later` marks one made once all else settled.
  call(what, later = false) {
    const spec = CALLS[what];
    const rank = this.calls.filter(c => c.what === what).length;
    const label = callsOfKind(this.scenario, what) > 1 ? `${RANKS[rank] || `#${rank + 1}`} ${spec.label}` : spec.label;
    const call = { what, fn: spec.fn, label, later, status: 'pending', error: null, requests: [] };
    this.calls.push(call);
    let promise;
    try {
      promise = caller.run(call, () => this.program[what]());
    } catch (error) {
      call.status = 'threw';
      call.error = error;
      return call;
    }
    Promise.resolve(promise).then(
      () => {
        call.status = 'resolved';
      },
      error => {
        call.status = 'rejected';
        call.error = error;
      },
    );
    return call;
  }

  // A snapshot of everything that can influence what happens next, except
  // the timer queue: a timer firing that leaves it unchanged did nothing.
  // The rows on screen come last, after a newline no JSON text holds.
  fingerprint() {
    let state;
    try {
      state = JSON.stringify(this.program.peek());
    } catch (e) {
      state = String(e);
    }
    const S = this.S;
    const paging = new Array(STATE_NAMES.length);
    for (let i = 0; i < STATE_NAMES.length; i++) paging[i] = safe(this.program.get[STATE_NAMES[i]]); // a getter needs no closure
    const messages = S.messages;
    const rest = JSON.stringify([
      state,
      paging,
      S.session ? S.session.session_id : null,
      this.requests.map(r => r.status),
      this.calls.map(c => c.status),
      this.anytimeDone,
      this.laterDone,
      this.switchState,
    ]);
    return `${rest}\n${Array.isArray(messages) ? this.rows.of(messages) : typeof messages}`;
  }
}

// What a URL asks the fake server for: {sid, before, limit, kind}, or null
// when it is not about a transcript. How the server reads the URL decides
// only what it answers. Every schedule sends the same few URLs again, so
// each is read once.
function readQuery(url) {
  if (!queryByUrl.has(url)) {
    const q = new URL(url, 'http://page.invalid').searchParams;
    let asked = null;
    if (q.has('session_id')) {
      const before = q.has('msg_before') ? Number(q.get('msg_before')) : null;
      const limit = q.has('msg_limit') ? Number(q.get('msg_limit')) : null;
      let kind = 'full';
      if (q.get('messages') === '0') kind = 'meta';
      else if (before !== null || limit !== null) kind = 'page';
      asked = { sid: q.get('session_id'), before, limit, kind };
    }
    queryByUrl.set(url, asked);
  }
  return queryByUrl.get(url);
}

const queryByUrl = new Map();

// A `msg_before` cursor as an index: an index already, or a timestamp
// (the messages of `sid` sent before it).
function indexBefore(sid, length, before) {
  if (before < TIMESTAMP_BASE) return before;
  return Math.max(0, Math.min(length, Math.ceil((before - SESSION_START[sid]) / 60)));
}

// Where a page of `limit` ending before `end` starts. As the real server
// counts it, `limit` is rows a reader sees: a tool's result is not one, and
// rides along with the call before it. With no row to see, `limit` rows.
function pageStart(end, limit) {
  const key = `${end} ${limit}`; // kinds cycle by index, the same in every session
  if (!pageStartByEnd.has(key)) pageStartByEnd.set(key, countBack(end, limit));
  return pageStartByEnd.get(key);
}

const pageStartByEnd = new Map();

function countBack(end, limit) {
  let seen = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (isToolResult(i)) continue;
    if (++seen >= limit) return i;
  }
  return seen ? 0 : Math.max(0, end - limit);
}

const RANKS = ['first', 'second', 'third', 'fourth'];

// How many times a scenario calls `what`, over all its phases.
function callsOfKind(scenario, what) {
  const entries = [...(scenario.start || []), ...(scenario.anytime || []), ...(scenario.later || [])];
  return entries.filter(entry => (typeof entry === 'string' ? entry : entry.call) === what).length;
}

// What `fn` returns, or the name of the error it throws.
function safe(fn) {
  try {
    return fn();
  } catch (e) {
    return `<${e && e.name}>`;
  }
}

// Let everything the last step made ready run: the code's promise reactions,
// and those they make ready in turn. The harness's own `await` is one
// reaction; two rounds in a row with no other reaction run leave nothing
// pending. Microtasks only, never node's event loop: a schedule is explored
// without leaving it, so the watchdog's stop ends the frozen schedule and
// nothing of node's own.
async function flush() {
  for (let quiet = 0; quiet < 2; ) {
    const before = caller.reactions;
    await null;
    quiet = caller.reactions === before + 1 ? quiet + 1 : 0;
  }
}
