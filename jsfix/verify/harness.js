#!/usr/bin/env node
// jsfix behavioural check for the #1937 race (endless-scroll prefetch vs
// Start-jump). Self-contained: node's standard library only, no npm packages.
//
// It runs a file's own `_loadOlderMessages` and `_ensureAllMessagesLoaded`
// in a `vm` context with a stubbed page, and explores every order in which
// their pending requests and timers can settle (stateless model checking:
// each schedule re-runs the scenario from scratch and replays its choices).
//
// Usage:  node harness.js < job.json > result.json
//         node harness.js static/sessions.js      (same as {"file": ...})
//
// Job (JSON on stdin), either of two forms:
//
//   {"file": "static/sessions.js"}  or  {"text": "<the file's text>"}
//     The harness cuts out the two functions and the declarations they use
//     itself (a lexer, see "extraction" below), for `jsfix verify` and a
//     fork's suite alike. From a file (also given with "text", which then
//     stands for its content), an ES module's relative imports are followed
//     inside its checkout: "root", or the nearest directory up holding .git.
//     Add "extractOnly": true to get {"ok": true, "extraction": {source,
//     sources, declared, state, free, optional, strict, module, kept,
//     modules, entry}} instead of running the scenarios. When there is
//     nothing to run, the answer says why ("reason") and "unrunnable": "no
//     targets" (the file declares neither function) or "unmodelled".
//
//   A job already cut out, as the extraction makes it:
//   {
//     "source":   "<JS text>",   // the top-level declarations to run, in file
//                                //   order: the two functions plus the state
//                                //   and helpers they use (no import/export)
//     "declared": ["name", ...], // top-level names `source` declares
//     "state":    {"_loadingOlder": "_loadingOlder", ...},
//                                // how to read and assign each of
//                                //   _loadingOlder, _oldestIdx,
//                                //   _messagesTruncated, _loadingSessionId: an
//                                //   assignable JS expression valid inside
//                                //   `source` (e.g. "pagerState.loadingOlder").
//                                //   A name left out is a page global.
//     "free":     ["name", ...], // names `source` uses but does not declare;
//                                //   each becomes a generic stub unless the
//                                //   harness models it (S, api, timers, ...)
//     "optional": ["name", ...], // names only probed with `typeof`: left
//                                //   undefined, so the code takes its fallback
//     "strict":   false,         // run `source` in strict mode (ES modules)
//   }
//
//   Both forms also take:
//     "scenarios": null,         // names to run (see SCENARIOS), null = all
//     "maxSteps": 200,           // steps in one schedule before "livelock"
//     "maxSchedules": 20000,     // schedules per scenario before giving up
//     "traces": false,           // also list every schedule explored
//     "stopAtFirstFailure": false, // stop after the first scenario that does
//                                //   not hold (enough to know a file fails)
//     "stallSeconds": 3          // a schedule step that runs this long
//                                //   without yielding has frozen
//   Other fields are ignored.
//
//   {"batch": [job, job, ...]}  runs each job in turn in one process and
//     writes one result line per job, in order, as each finishes.
//
// Result (one JSON line on stdout, exit status 0 even when a scenario is violated):
//   {"ok": true, "scenarios": [{
//      "name": "prefetch-then-start-jump",
//      "title": "prefetch in flight, then Start-jump",
//      "verdict": "violated",     // "holds" | "violated" | "incomplete"
//      "holds": false,            // true only when the verdict is "holds"
//      "schedules": 7,            // complete schedules explored
//      "complete": true,          // false when the exploration stopped short
//      "stopped": null,           // why it stopped short: "it reached the cap of 20000 schedules",
//                                 //   or a schedule froze (see the watchdog below)
//      "violation": "30 duplicate rows",          // null unless violated
//      "schedule": ["prefetch request sent", "Start-jump request sent",
//                   "Start-jump response", "prefetch response: 30 duplicate rows"],
//                                 // the breaking schedule, or the one that froze
//      "errors": [],              // unexpected exceptions the code swallowed
//      "skipped": []              // checks that do not apply to this file, with the reason:
//                                 //   "_oldestIdx: the file keeps no _oldestIdx"
//   }, ...]}
//   or {"ok": false, "error": "why nothing could run"}.
//
// The world: session A has 90 messages, A0..A89, of which the last 30 are
// loaded (_oldestIdx 60, _messagesTruncated true); session B has 45, and a
// switch loads its last 30. A fake `api()` answers the URLs the functions
// build (`msg_before`+`msg_limit` pages, `msg_limit` tails, the full history)
// with promises only the scheduler settles; each request is known by the
// call that sent it (a prefetch, a Start-jump), whatever its URL, and that
// is what failures are injected into and what schedules name. As the real
// server does, `msg_limit` counts rows a reader sees (tool results ride
// along with their calls). The histories mix the kinds of message a real
// session holds (see "the transcripts"), each known by its timestamp; a
// `msg_before` that is a timestamp pages by it.
// Timers are fake; the scheduler fires them in deadline order. A session
// switch does what loadSession() does: it starts by setting
// _loadingSessionId, emptying the transcript, resetting _messagesTruncated
// and _oldestIdx and force-releasing _loadingOlder, and completes later by
// installing session B and its tail.

'use strict';

const vm = require('vm');
const v8 = require('v8');


// The call (a prefetch, a Start-jump) whose code is running right now. Every
// call runs inside `caller.run(call, ...)`; promises carry the call across
// awaits (also those made by the vm context's own Promise), and the fake
// timers carry it from where a timer is set to where it fires. So a request
// is known by who sent it, never guessed from its URL.
//
// This is what node's AsyncLocalStorage does, built on V8's promise hooks
// alone: node's async_hooks keep a stack of their own that code stopped by
// the watchdog would leave unbalanced, which node treats as fatal.
//
// The same hooks count the promise reactions run, for `flush`.
class CallerStore {
  constructor() {
    this.current = undefined;
    this.saved = [];
    this.reactions = 0;
    v8.promiseHooks.createHook({
      init: promise => {
        if (this.current !== undefined) CallStamp.put(promise, this.current);
      },
      before: promise => {
        this.reactions++;
        this.saved.push(this.current);
        this.current = CallStamp.of(promise);
      },
      after: () => {
        this.current = this.saved.pop();
      },
    });
  }

  run(store, fn) {
    const outer = this.current;
    this.current = store;
    try {
      return fn();
    } finally {
      this.current = outer;
    }
  }

  getStore() {
    return this.current;
  }

  // After the watchdog stopped frozen code, which left its `after` hooks unrun.
  reset() {
    this.current = undefined;
    this.saved = [];
  }
}

// The call that made a promise, kept in a private field of the promise
// itself, which the code under test cannot see. A WeakMap from promise to
// call did the same, but its entries, one per promise a call makes, cost
// the garbage collector 5-10% of a run and 6 MiB.
class Returning {
  constructor(object) {
    return object; // so a subclass's fields are added to `object`
  }
}

class CallStamp extends Returning {
  #call;

  static put(promise, call) {
    if (!(#call in promise)) new CallStamp(promise).#call = call; // a second field would throw
  }

  static of(promise) {
    return #call in promise ? promise.#call : undefined;
  }
}

const caller = new CallerStore();

const HISTORY = { A: 90, B: 45 };
const TAIL = 30;
// Timer firings in one step before a step that changes nothing counts as a
// stutter: while something else can still happen, and when nothing else can.
const STUTTER_CAP = 64;
const STUTTER_CAP_ALONE = 4000;
const INJECTED_FAILURE = 'network error (injected by the harness)';

// Node globals that are also browser globals and harmless to lend the code
// (no network, no process): everything else it names and the harness does
// not model becomes a stub.
const PASSED_THROUGH = new Set([
  'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'structuredClone', 'AbortController', 'atob', 'btoa',
]);

// Calls the scenarios make. `label` is how schedules name the caller; when a
// scenario makes a call more than once, each is named by its rank ("second
// prefetch").
const CALLS = {
  loadOlder: { fn: '_loadOlderMessages', label: 'prefetch' },
  ensureAll: { fn: '_ensureAllMessagesLoaded', label: 'Start-jump' },
};

// Each scenario: calls made at the start (in order, each running to its
// first await), calls the scheduler may make at any point of the schedule
// ("anytime": also while the first ones are in flight; `afterSwitch` ones
// only once session B is loaded, `afterLater` ones only once the first
// "later" call is made), calls made once everything has settled ("later"),
// whose requests fail (every request a call of that kind sends), how the
// server differs from the usual one, and what must hold on top of the
// invariants every scenario checks (see finalProblem and settledProblem).
// A call is "loadOlder", "ensureAll" or "switch". The table is data,
// parts/scenarios.json, which gen-tests reads too (one test per scenario);
// its "note" says why a scenario is there, and the harness ignores it.

// From parts/names.json: the names the extraction knows.
const TARGETS = ["_loadOlderMessages", "_ensureAllMessagesLoaded"];
const BUILTINS = new Set(["undefined", "NaN", "Infinity", "globalThis", "arguments", "Object", "Function", "Array", "Number", "String", "Boolean", "Symbol", "BigInt", "Math", "JSON", "Date", "RegExp", "Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError", "Promise", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "Proxy", "Reflect", "Intl", "ArrayBuffer", "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "escape", "unescape", "structuredClone", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame", "cancelAnimationFrame", "queueMicrotask", "console"]);
const WORLD = new Set(["S", "api", "msgContent"]);
const STATE_PROPERTIES = {"_loadingOlder": ["loadingOlder", "_loadingOlder"], "_oldestIdx": ["oldestIdx", "_oldestIdx", "oldestIndex"], "_messagesTruncated": ["truncated", "messagesTruncated", "_messagesTruncated"], "_loadingSessionId": ["loadingSessionId", "_loadingSessionId"]};
const STATE_NAMES = Object.keys(STATE_PROPERTIES);
const GENERATION_KEYS = ["generation", "bumpGeneration", "messagesGeneration", "_messagesGeneration", "_bumpMessagesGeneration"];

// From parts/scenarios.json.
const SCENARIOS = [
  {
    "name": "prefetch-then-start-jump",
    "title": "prefetch in flight, then Start-jump",
    "start": ["loadOlder"],
    "anytime": ["ensureAll"],
    "expect": {"full": true},
  },
  {
    "name": "start-jump-then-prefetch",
    "title": "Start-jump in flight, then prefetch",
    "start": ["ensureAll"],
    "anytime": ["loadOlder"],
    "expect": {"full": true},
  },
  {
    "name": "two-start-jumps",
    "title": "two Start-jumps at once",
    "start": ["ensureAll"],
    "anytime": ["ensureAll"],
    "expect": {"full": true},
  },
  {
    "name": "switch-during-start-jump",
    "title": "session switch while Start-jump awaits",
    "start": ["ensureAll"],
    "anytime": ["switch"],
    "expect": {"session": "B"},
  },
  {
    "name": "switch-during-both",
    "title": "session switch while prefetch and Start-jump are in flight",
    "start": ["loadOlder", "ensureAll"],
    "anytime": ["switch"],
    "expect": {"session": "B"},
  },
  {
    "name": "start-jump-fails",
    "title": "Start-jump request fails, then a prefetch",
    "start": ["ensureAll"],
    "later": ["loadOlder"],
    "fail": ["ensureAll"],
    "expect": {"laterRequest": true},
  },
  {
    "name": "prefetch-fails-during-start-jump",
    "title": "prefetch request fails while Start-jump waits",
    "start": ["loadOlder", "ensureAll"],
    "fail": ["loadOlder"],
    "expect": {"full": true},
  },
  {
    "name": "full-load-resets-oldest-idx",
    "title": "after a full load _oldestIdx is 0",
    "start": ["ensureAll"],
    "expect": {"full": true, "oldestIdxZero": true},
  },
  {
    "name": "stale-prefetch-after-switch",
    "title": "old prefetch lands after a switch, during Start-jump and a prefetch on the new session",
    "note": "loadSession() force-releases _loadingOlder, so a prefetch still in flight for the old session runs its finally later and can release the lock a Start-jump on the new session holds. A prefetch that then starts on the new session must still not prepend onto the full load.",
    "start": ["loadOlder"],
    "anytime": ["switch", {"call": "ensureAll", "afterSwitch": true}, {"call": "loadOlder", "afterSwitch": true}],
    "expect": {"session": "B"},
  },
  {
    "name": "two-prefetches-at-once",
    "title": "a second scroll event while the first prefetch is in flight",
    "note": "Scrolling twice. The entry gate and the lock claim keep a second scroll event from sending the same page again; the page index moving on makes the next scroll ask for the page before it.",
    "start": ["loadOlder", "loadOlder"],
    "expect": {"rows": 60, "oldestIdxAtTop": true},
  },
  {
    "name": "two-prefetches-in-a-row",
    "title": "two prefetches one after the other page back twice",
    "start": ["loadOlder"],
    "later": ["loadOlder"],
    "expect": {"rows": 90, "oldestIdxAtTop": true},
  },
  {
    "name": "empty-older-page",
    "title": "the server has no older messages: an empty page, then another scroll",
    "note": "The server has nothing before the loaded tail: the page comes back empty and says so (not truncated), and the next scroll asks for nothing.",
    "start": ["loadOlder"],
    "later": ["loadOlder"],
    "server": {"olderGone": true},
    "expect": {"rows": 30, "noLaterRequest": true},
  },
  {
    "name": "start-jump-during-second-page",
    "title": "Start-jump while the second older page is in flight",
    "start": ["loadOlder"],
    "later": ["loadOlder"],
    "anytime": [{"call": "ensureAll", "afterLater": true}],
    "expect": {"full": true},
  },
  {
    "name": "stale-second-page-after-switch",
    "title": "the old session's second page lands after a switch, during Start-jump and a prefetch on the new session",
    "note": "The stale-prefetch race one scroll later: the old session's second page lands after a switch, while the new session loads its history.",
    "start": ["loadOlder"],
    "later": ["loadOlder"],
    "anytime": [{"call": "switch", "afterLater": true}, {"call": "ensureAll", "afterSwitch": true}, {"call": "loadOlder", "afterSwitch": true}],
    "expect": {"session": "B"},
  },
  {
    "name": "start-jump-during-second-page-after-new-messages",
    "title": "new messages on the server since the chat opened; Start-jump while the second older page is in flight",
    "note": "Two messages reached the server after the chat was opened (another tab, a finished stream), so a tail request no longer lines up with what is loaded: a prefetch that notices may ask again by index, and that second await races the Start-jump too. Every row the chat opened with comes back in order and once; the two new ones come with a full load, or later by the stream, not by paging back.",
    "start": ["loadOlder"],
    "later": ["loadOlder"],
    "anytime": [{"call": "ensureAll", "afterLater": true}],
    "server": {"grown": 2},
    "expect": {"rows": 90},
  },
];

// ---------------------------------------------------------- the transcripts
//
// A session's history mixes the kinds of message a real hermes-webui session
// holds, in a cycle: questions and answers as text, an answer with its
// reasoning, a turn that holds only an attachment, a tool call with empty
// content (or none at all) and its result, and the notes the UI leaves out
// of the view (a context-compaction summary, a preserved task list). The loaded
// tail also carries the fields a client adds when a turn ends. Code that
// throws on one of them, or drops or repeats one, breaks a scenario.
//
// A row is known by its timestamp: message i of session S was sent at
// SESSION_START[S] + i minutes (seconds since the epoch, as the server
// stores them), so a tool call or an attachment, which has no text, is
// known too. Some versions page by the oldest loaded message's timestamp.

const TIMESTAMP_BASE = 1.7e9;
const SESSION_START = { A: TIMESTAMP_BASE, B: TIMESTAMP_BASE + 30 * 86400 };
// Each tool call's arguments, as text: strings can be shared between answers, objects cannot.
const toolArguments = new Map();

// One turn of the cycle; a tool's result comes right after its call.
const MESSAGE_KINDS = [
  (id, t) => ({ role: 'user', content: id, timestamp: t }),
  (id, t) => ({ role: 'assistant', content: id, reasoning: `thinking about ${id}`, timestamp: t }),
  (id, t) => ({ role: 'user', content: '', attachments: [`${id}.png`], timestamp: t }),
  (id, t) => ({ role: 'assistant', content: id, timestamp: t }),
  (id, t) => ({ role: 'assistant', content: '', tool_calls: [toolCall(id)], timestamp: t }),
  (id, t, before) => ({ role: 'tool', tool_call_id: `call_${before}`, name: 'read_file', content: id, timestamp: t }),
  (id, t) => ({ role: 'user', content: id, timestamp: t }),
  (id, t) => ({ role: 'assistant', content: id, timestamp: t }),
  (id, t) => ({ role: 'user', content: `[Context compaction] earlier turns summarised (${id})`, timestamp: t }),
  (id, t) => ({ role: 'user', content: `[Your active task list was preserved across context compression] ${id}`, timestamp: t }),
  (id, t) => ({ role: 'assistant', content: null, tool_calls: [toolCall(id)], timestamp: t }),
  (id, t, before) => ({ role: 'tool', tool_call_id: `call_${before}`, name: 'read_file', content: id, timestamp: t }),
];

const TOOL_RESULTS = new Set(MESSAGE_KINDS.flatMap((kind, i) => (kind('', 0, '').role === 'tool' ? [i] : [])));

function toolCall(id) {
  if (!toolArguments.has(id)) toolArguments.set(id, JSON.stringify({ path: `${id}.md` }));
  return { id: `call_${id}`, type: 'function', function: { name: 'read_file', arguments: toolArguments.get(id) } };
}

// Whether message i of a history is a tool's result (the same in every session).
function isToolResult(i) {
  return TOOL_RESULTS.has(i % MESSAGE_KINDS.length);
}

function makeMessage(sid, i) {
  // A tool's result names the call just before it.
  return MESSAGE_KINDS[i % MESSAGE_KINDS.length](`${sid}${i}`, SESSION_START[sid] + 60 * i, `${sid}${i - 1}`);
}

// The client's own fields on a turn it saw end: on the loaded tail only,
// since the server does not store them.
function withTurnFields(messages) {
  for (const m of messages) {
    if (m.role === 'assistant' && typeof m.content === 'string' && m.content) {
      Object.assign(m, { _turnUsage: { input_tokens: 1200, output_tokens: 80 }, _turnDuration: 2.5 });
    }
  }
  return messages;
}

// "A12" for message 12 of session A, known by its timestamp; "?" for a row no history holds.
function rowOf(m) {
  return rowAt(m && m.timestamp);
}

// The row sent at `t`, as rowOf names it.
function rowAt(t) {
  if (typeof t !== 'number') return '?';
  let row = rowByTime.get(t);
  if (row === undefined) {
    const sid = t >= SESSION_START.B ? 'B' : 'A';
    const index = (t - SESSION_START[sid]) / 60;
    row = Number.isInteger(index) && index >= 0 ? `${sid}${index}` : '?';
    rowByTime.set(t, row);
  }
  return row;
}

// The world compares the rows on screen before and after every timer, so
// each timestamp's row is worked out once.
const rowByTime = new Map();

const rowCache = new Map();

// The rows of `sid`'s history in order, as rowOf names them.
function rowsOf(sid, grown) {
  const key = `${sid}+${grown}`;
  if (!rowCache.has(key)) rowCache.set(key, Array.from({ length: historyLength(sid, grown) }, (_, i) => `${sid}${i}`));
  return rowCache.get(key);
}

// The rows of the messages on screen as JSON text, each as rowOf names it, a
// hole kept as one (as map() keeps it). The world reads them before and
// after every timer firing, mostly over the same timestamps: then the text is
// last time's. A hole and an undefined message read alike and row apart, so
// a read that meets either, or follows one that did, names the rows again.
class RowsOnScreen {
  constructor() {
    this.times = null; // each message's timestamp as last read
    this.sawUndefined = false;
    this.rows = null;
  }

  of(messages) {
    const times = new Array(messages.length);
    let sawUndefined = false;
    for (let i = 0; i < times.length; i++) {
      const m = messages[i];
      if (m === undefined) sawUndefined = true;
      times[i] = m && m.timestamp;
    }
    if (sawUndefined || this.sawUndefined || !sameItems(times, this.times)) {
      this.rows = JSON.stringify(rowsAt(messages, times));
    }
    Object.assign(this, { times, sawUndefined });
    return this.rows;
  }
}

// Whether two lists hold the same items in the same order (`before` may be null).
function sameItems(items, before) {
  if (before === null || items.length !== before.length) return false;
  for (let i = 0; i < items.length; i++) if (items[i] !== before[i]) return false;
  return true;
}

function rowsAt(messages, times) {
  const rows = new Array(times.length);
  for (let i = 0; i < rows.length; i++) if (messages[i] !== undefined || i in messages) rows[i] = rowAt(times[i]);
  return rows;
}

// ---------------------------------------------------------------- the page

// Messages `start` to `end` (not included) of `sid`'s history, made afresh.
function messagesBetween(sid, start, end) {
  const out = [];
  for (let i = start; i < end; i++) out.push(makeMessage(sid, i));
  return out;
}

function historyLength(sid, grown) {
  return (HISTORY[sid] || 0) + (sid === 'A' ? grown : 0);
}

function grownBy(scenario) {
  return (scenario.server && scenario.server.grown) || 0;
}

function sessionOf(sid, messages, offset, grown = 0) {
  const total = historyLength(sid, grown);
  const session = {
    session_id: sid,
    title: `Session ${sid}`,
    message_count: total,
    tool_calls: [],
    last_usage: {},
    _messages_offset: offset,
    _messages_truncated: offset > 0,
  };
  if (messages) session.messages = messages;
  return session;
}

// A generic stand-in for anything the code touches that the harness does
// not model: callable, constructible, every property is another stub,
// assignments stick, it is not a thenable, and it turns into 0 or ''.
function makeStub() {
  const values = new Map();
  const target = function stub() {};
  const proxy = new Proxy(target, {
    get(_, key) {
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return hint => (hint === 'string' ? '' : 0);
      if (key === Symbol.iterator) return function* empty() {};
      if (key === 'toString' || key === 'toJSON') return () => '';
      if (key === 'valueOf') return () => 0;
      if (key === 'length') return 0;
      if (key === 'prototype') return target.prototype;
      if (!values.has(key)) values.set(key, makeStub());
      return values.get(key);
    },
    set(_, key, value) {
      values.set(key, value);
      return true;
    },
    has: () => true,
    deleteProperty(_, key) {
      values.delete(key);
      return true;
    },
    apply: () => proxy,
    construct: () => proxy,
  });
  return proxy;
}

function makeStorage() {
  const data = new Map();
  return {
    getItem: k => (data.has(String(k)) ? data.get(String(k)) : null),
    setItem: (k, v) => data.set(String(k), String(v)),
    removeItem: k => data.delete(String(k)),
    clear: () => data.clear(),
    key: i => Array.from(data.keys())[i] ?? null,
    get length() {
      return data.size;
    },
  };
}

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

// ------------------------------------------------------------- invariants

// What is wrong with the transcript on screen right now, or null.
function transcriptProblem(world) {
  const S = world.S;
  if (!S.session) return null;
  const sid = S.session.session_id;
  if (!Array.isArray(S.messages)) return `S.messages is not an array (${typeof S.messages})`;
  const rows = S.messages.map(rowOf);
  const all = rowsOf(sid, grownBy(world.scenario));
  // The rows end where the chat opened, or (after a full load) where the server's history ends.
  const inOrder = [HISTORY[sid], all.length].some(end => {
    const first = end - rows.length;
    return first >= 0 && rows.every((row, i) => row === all[first + i]);
  });
  return inOrder ? null : whatIsWrong(sid, rows, all);
}

// Why rows that are not the end of `sid`'s history are wrong: another session's rows, repeats, a gap.
function whatIsWrong(sid, rows, all) {
  const foreign = {};
  for (const row of rows) {
    const owner = row[0];
    if (owner !== sid) foreign[owner] = (foreign[owner] || 0) + 1;
  }
  const owners = Object.keys(foreign);
  if (owners.length) {
    return owners.map(o => `session ${sid} shows ${foreign[o]} messages of session ${o}`).join('; ');
  }
  const duplicates = rows.length - new Set(rows).size;
  if (duplicates) return `${duplicates} duplicate row${duplicates === 1 ? '' : 's'}`;
  return `session ${sid}'s rows are out of order or have a gap (${rows.length} of ${all.length} shown)`;
}

function describeError(error) {
  if (error && typeof error === 'object' && 'message' in error) return `${error.name || 'Error'}: ${error.message}`;
  return String(error);
}

// What is wrong once nothing more can happen, or null.
function finalProblem(world) {
  const expect = world.scenario.expect || {};
  const get = world.program.get;
  const unsettled = world.calls.filter(c => c.status === 'pending');
  if (unsettled.length) {
    const next = world.timers.reduce((a, b) => (a && a.due <= b.due ? a : b), null);
    const waiting = next ? ` (it keeps re-arming a ${world.timerName(next)})` : '';
    return unsettled.map(c => `${c.label} call (${c.fn}) never settled`).join('; ') + waiting;
  }
  for (const c of world.calls) {
    if ((c.status === 'rejected' || c.status === 'threw') && !(c.error && c.error.message === INJECTED_FAILURE)) {
      return `${c.label} call (${c.fn}) threw ${describeError(c.error)}`;
    }
  }
  if (safe(() => get._loadingOlder()) === true) {
    return 'lock still held: _loadingOlder is true after everything settled';
  }
  const S = world.S;
  if (expect.session && (!S.session || S.session.session_id !== expect.session)) {
    return `session ${S.session ? S.session.session_id : 'none'} is open at the end, expected ${expect.session}`;
  }
  const shown = Array.isArray(S.messages) ? S.messages.length : 0;
  if (expect.full) {
    const total = HISTORY.A + grownBy(world.scenario);
    if (!S.session || S.session.session_id !== 'A' || shown !== total) {
      return `the transcript has ${shown} of ${total} messages after the Start-jump; expected the full history`;
    }
  }
  if (expect.rows && shown < expect.rows) {
    const pages = world.calls.filter(c => c.what === 'loadOlder').length;
    return `the transcript has ${shown} of ${HISTORY.A} messages after ${pages} prefetch${pages === 1 ? '' : 'es'}; expected ${expect.rows}`;
  }
  if (expect.oldestIdxZero && keepsOldestIdx(world.job)) {
    const oldest = safe(() => get._oldestIdx());
    if (oldest !== 0) return `_oldestIdx is ${JSON.stringify(oldest)} after the full load, not 0`;
  }
  if (expect.oldestIdxZero && safe(() => get._messagesTruncated()) === true) {
    return '_messagesTruncated is still true after the full load';
  }
  const later = world.calls.filter(c => c.later);
  if (expect.laterRequest) {
    const sent = later.length > 0 && later.every(c => c.requests.length > 0);
    if (!sent) return 'lock leaked: a prefetch started after everything settled sent no request';
  }
  if (expect.noLaterRequest && gatesOnTruncation(world.job)) {
    const asking = later.find(c => c.requests.length > 0);
    if (asking) return `the ${asking.label} after the empty page asked the server again`;
  }
  return settledProblem(world);
}

// What is wrong whenever everything has settled (before a "later" call and
// at the end), or null.
function settledProblem(world) {
  const expect = world.scenario.expect || {};
  const S = world.S;
  if (expect.oldestIdxAtTop && pagesByOldestIdx(world.job) && S.session && S.session.session_id === 'A') {
    const top = Array.isArray(S.messages) && S.messages.length ? Number(rowOf(S.messages[0]).slice(1)) : null;
    const oldest = safe(() => world.program.get._oldestIdx());
    if (top !== null && oldest !== top) {
      return `_oldestIdx is ${JSON.stringify(oldest)} while the oldest row shown is A${top}`;
    }
  }
  return null;
}

// How the code reaches the page index, or null when the file keeps none.
// Some versions page by the oldest message's timestamp instead, and checks
// about _oldestIdx skip them.
function oldestIdxAccess(job) {
  if (job.state && job.state._oldestIdx) return job.state._oldestIdx;
  return (job.free || []).includes('_oldestIdx') ? '_oldestIdx' : null;
}

function keepsOldestIdx(job) {
  return oldestIdxAccess(job) !== null;
}

// Does the prefetch itself read the page index? A file that pages by
// timestamp may still declare one (jsfix adds it for the full load's reset)
// that no page request ever uses.
function pagesByOldestIdx(job) {
  if (job._pagesByOldestIdx === undefined) {
    const access = oldestIdxAccess(job);
    const name = access && access.split('.').pop();
    job._pagesByOldestIdx = name !== null && namesInFunction(sourceTokens(job), '_loadOlderMessages').has(name);
  }
  return job._pagesByOldestIdx;
}

// Do the prefetch's entry gates read the truncation flag? Only then can it
// stop asking once the server said nothing older is left; the earliest
// versions gate on the lock alone and ask again on every scroll, by design.
function gatesOnTruncation(job) {
  if (job._gatesOnTruncation === undefined) {
    const access = (job.state && job.state._messagesTruncated) || '_messagesTruncated';
    job._gatesOnTruncation = namesInLeadingIfs(sourceTokens(job), '_loadOlderMessages').has(access.split('.').pop());
  }
  return job._gatesOnTruncation;
}

// The tokens of the job's source, lexed once per job.
function sourceTokens(job) {
  if (job._sourceTokens === undefined) job._sourceTokens = tokenize(job.source);
  return job._sourceTokens;
}

// The token indices of the `{` and `}` around a top-level function's body, or null.
function bodyOf(tokens, fn) {
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (!isName(tokens[i], 'function') || !isName(tokens[i + 1], fn) || !isPunct(tokens[i + 2], '(')) continue;
    const open = matching(tokens, i + 2) + 1;
    return [open, matching(tokens, open)];
  }
  return null;
}

// The names in the conditions of the `if` statements a top-level function's body opens with.
function namesInLeadingIfs(tokens, fn) {
  const names = new Set();
  const body = bodyOf(tokens, fn);
  if (body === null) return names;
  const [open, close] = body;
  const depth = tokens[open + 1] ? tokens[open + 1].depth : -1;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k];
    if (t.depth !== depth || t.starts !== STATEMENT) continue;
    if (!isName(t, 'if') || !isPunct(tokens[k + 1], '(')) break;
    for (const c of tokens.slice(k + 2, matching(tokens, k + 1))) if (c.type === 'name') names.add(c.value);
  }
  return names;
}

// The names (identifiers and property names) in a top-level function.
function namesInFunction(tokens, fn) {
  const body = bodyOf(tokens, fn);
  if (body === null) return new Set();
  const [open, close] = body;
  return new Set(tokens.slice(open, close + 1).filter(t => t.type === 'name').map(t => t.value));
}

// The checks of a scenario that do not apply to this file, with the reason.
function skippedChecks(job, scenario) {
  const expect = scenario.expect || {};
  const skipped = [];
  if ((expect.oldestIdxZero || expect.oldestIdxAtTop) && !keepsOldestIdx(job)) {
    skipped.push('_oldestIdx: the file keeps no _oldestIdx');
  } else if (expect.oldestIdxAtTop && !pagesByOldestIdx(job)) {
    skipped.push('_oldestIdx: _loadOlderMessages does not page by it');
  }
  if (expect.noLaterRequest && !gatesOnTruncation(job)) {
    skipped.push('no request after the empty page: _loadOlderMessages is not gated on _messagesTruncated');
  }
  return skipped;
}

// ------------------------------------------------------------- the steps

function entryCall(entry) {
  return typeof entry === 'string' ? entry : entry.call;
}

// Keys of what may happen next, in exploration order.
function choices(world) {
  const keys = [];
  for (const r of world.requests) if (r.status === 'pending') keys.push(`respond:${r.id}`);
  if (world.switchState === 'started') keys.push('switch-done');
  const laterStarted = world.laterDone.some(Boolean);
  const anytime = world.scenario.anytime || [];
  // An `afterLater` call does not hold the "later" calls back: it waits for
  // them, and so does an `afterSwitch` call whose switch waits for them.
  const waitsForLater = entry => entry.afterLater && !laterStarted;
  const switchWaits = anytime.some((entry, i) => entryCall(entry) === 'switch' && !world.anytimeDone[i] && waitsForLater(entry));
  const held = entry => waitsForLater(entry) || (entry.afterSwitch && world.switchState === 'none' && switchWaits);
  world.anytimeDone.forEach((done, i) => {
    const entry = anytime[i];
    if (done || held(entry)) return;
    if (!(entry.afterSwitch && world.switchState !== 'done')) keys.push(`anytime:${i}`);
  });
  const quiet =
    world.requests.every(r => r.status !== 'pending') &&
    world.calls.every(c => c.status !== 'pending') &&
    world.anytimeDone.every((done, i) => done || held(anytime[i])) &&
    world.switchState !== 'started';
  if (quiet) {
    const next = world.laterDone.indexOf(false);
    if (next >= 0) keys.push(`later:${next}`);
  }
  if (world.timers.length) keys.push('timer');
  return keys;
}

function requestsSentSince(world, count) {
  return world.requests.slice(count).map(r => `${r.label} request sent${r.sid !== 'A' ? ` (session ${r.sid})` : ''}`);
}

function callsSettledSince(world, statuses) {
  return world.calls
    .filter((c, i) => statuses[i] === 'pending' && c.status !== 'pending')
    .map(c => `${c.label} ${c.status === 'resolved' ? 'returns' : 'fails'}`);
}

async function perform(world, what, later = false) {
  const before = world.requests.length;
  if (what === 'switch') {
    const set = world.program.set;
    set._loadingSessionId('B');
    world.S.messages = [];
    world.S.toolCalls = [];
    set._messagesTruncated(false);
    set._oldestIdx(0);
    set._loadingOlder(false);
    world.switchState = 'started';
    await settled(world);
    return 'switch to session B starts';
  }
  const call = world.call(what, later);
  await settled(world);
  const sent = requestsSentSince(world, before);
  if (sent.length) return sent.join(', ');
  const label = call.label;
  return call.status === 'pending' ? `${label} called, no request yet` : `${label} called, returns without a request`;
}

// Apply one choice. Returns {text, stutter, firings}. `firings`, for time
// passing, is how many timers fired; a replay passes the count it recorded.
async function apply(world, key, onlyChoice, firings) {
  const [kind, arg] = key.split(':');
  if (kind === 'respond') {
    const request = world.requests[Number(arg)];
    const before = world.requests.length;
    const failed = world.settle(request);
    await settled(world);
    const who = `${request.label}${request.sid !== 'A' ? ` (session ${request.sid})` : ''}`;
    const text = failed ? `${who} request fails` : `${who} response`;
    return { text: [text, ...requestsSentSince(world, before)].join(', '), stutter: false };
  }
  if (kind === 'switch-done') {
    const set = world.program.set;
    world.S.session = sessionOf('B', null, HISTORY.B - TAIL);
    world.S.messages = withTurnFields(messagesBetween('B', HISTORY.B - TAIL, HISTORY.B));
    set._messagesTruncated(true);
    set._oldestIdx(HISTORY.B - TAIL);
    set._loadingSessionId(null);
    world.switchState = 'done';
    await settled(world);
    return { text: `session B loaded (last ${TAIL} of ${HISTORY.B} messages)`, stutter: false };
  }
  if (kind === 'anytime' || kind === 'later') {
    const index = Number(arg);
    const list = kind === 'anytime' ? world.scenario.anytime : world.scenario.later;
    (kind === 'anytime' ? world.anytimeDone : world.laterDone)[index] = true;
    const entry = list[index];
    const text = await perform(world, typeof entry === 'string' ? entry : entry.call, kind === 'later');
    return { text, stutter: false };
  }
  // 'timer': time passes. Fire timers in deadline order until one changes
  // something; a polling loop that keeps re-arming itself is fired again and
  // again, so a wait that gives up after a while does give up. When nothing
  // changes within the cap the step is a stutter: the timers only spin.
  const startClock = world.clock;
  const before = world.requests.length;
  const settledBefore = world.calls.map(c => c.status);
  const fired = firings === undefined ? await fireUntilChange(world, onlyChoice ? STUTTER_CAP_ALONE : STUTTER_CAP) : await fire(world, firings);
  if (!fired) return { text: 'timers fire, nothing changes', stutter: true };
  const effects = [...requestsSentSince(world, before), ...callsSettledSince(world, settledBefore)];
  const what =
    fired.count === 1
      ? `${world.timerName(fired.timer)} fires`
      : `${world.timerName(fired.timer)} fires after ${fired.count} timer firings (${world.clock - startClock} ms)`;
  return { text: [what, ...effects].join(', '), stutter: false, firings: fired.count };
}

// Fire timers until the world changes, at most `cap` of them: {timer, count}
// of the firing that changed it, or null.
async function fireUntilChange(world, cap) {
  const start = world.fingerprint();
  for (let count = 1; world.timers.length && count <= cap; count++) {
    const timer = await fireNext(world);
    if (world.fingerprint() !== start) return { timer, count };
  }
  return null;
}

// Fire `count` timers, as a step replayed from an earlier run did: the world
// is known to change at the last of them, so it is not compared.
async function fire(world, count) {
  let timer = null;
  for (let i = 0; i < count; i++) timer = await fireNext(world);
  return { timer, count };
}

// Fire the timer due first (the earliest set, of those due together).
async function fireNext(world) {
  const t = world.timers.reduce((a, b) => (b.due < a.due || (b.due === a.due && b.id < a.id) ? b : a));
  world.clock = Math.max(world.clock, t.due);
  if (t.kind === 'interval') t.due = world.clock + Math.max(1, t.ms);
  else world.timers = world.timers.filter(x => x !== t);
  try {
    caller.run(t.store, () => t.fn(...t.args));
  } catch (error) {
    world.errors.push(describeError(error));
  }
  await settled(world);
  return t;
}

// Run the scenario once: replay `prefix` (the keys an earlier run took, and
// how many timers fired at each), then keep taking the first choice until
// nothing can happen. Returns the path with the alternatives not taken.
// A replayed step is not checked again: the run that first took it did, and
// a run does the same each time (its clock and server are the harness's).
async function runOnce(job, maker, scenario, prefix, maxSteps, isCurrent) {
  const trace = [];
  progressSchedule(trace);
  const world = new World(job, maker, scenario);
  world.isCurrent = isCurrent;
  await world.load();
  const branches = []; // [depth, alternative keys]
  const taken = { keys: [], firings: [] }; // the key applied at each depth, and the timers it fired
  const end = (kind, problem) =>
    kind === 'violation'
      ? { kind, trace: withProblem(trace, problem), problem, world, branches, taken }
      : { kind, trace, world, branches, taken };
  for (const what of scenario.start || []) {
    progressNext(what === 'switch' ? 'switch to session B starts' : `${CALLS[what].label} called`);
    trace.push(await perform(world, what));
    progressStep();
    const problem = transcriptProblem(world);
    if (problem) return end('violation', problem);
  }
  for (let depth = 0; ; depth++) {
    const keys = choices(world);
    if (!keys.length) break;
    if (depth >= maxSteps) return end('violation', `livelock: more than ${maxSteps} steps`);
    let key;
    const replayed = depth < prefix.firings.length; // the prefix's last key is a new step
    if (depth < prefix.keys.length) {
      key = prefix.keys[depth];
      if (!keys.includes(key)) throw new Error(`replay diverged at step ${depth}: ${key} not in ${keys}`);
    } else {
      key = keys[0];
      if (keys.length > 1) branches.push([depth, keys.slice(1)]);
    }
    if (key.startsWith('later:')) {
      const problem = settledProblem(world);
      if (problem) return end('violation', problem);
    }
    taken.keys.push(key);
    const lastChance = key === 'timer' && keys.length === 1 && !replayed ? finalProblem(world) : undefined;
    progressNext(() => describeChoice(world, key)); // described only if the step freezes
    const step = await apply(world, key, keys.length === 1, replayed ? prefix.firings[depth] : undefined);
    taken.firings.push(step.firings);
    if (step.stutter) {
      // The timers only spin. If nothing else could happen this is where the
      // schedule ends; otherwise another branch covers it.
      if (keys.length > 1) return end('pruned');
      return lastChance ? end('violation', lastChance) : end('leaf');
    }
    trace.push(step.text);
    progressStep();
    const problem = replayed ? null : transcriptProblem(world);
    if (problem) return end('violation', problem);
  }
  const problem = finalProblem(world);
  return problem ? end('violation', problem) : end('leaf');
}

// Let everything that was made ready run. After the watchdog stopped a
// frozen schedule, what is left of its exploration ends here.
async function settled(world) {
  await flush();
  if (!world.isCurrent()) throw new Error('this exploration was stopped');
}

// What a choice is about to do, for a schedule that freezes in it.
function describeChoice(world, key) {
  const [kind, arg] = key.split(':');
  if (kind === 'respond') {
    const request = world.requests[Number(arg)];
    return `${request.label}${request.sid !== 'A' ? ` (session ${request.sid})` : ''} response`;
  }
  if (kind === 'switch-done') return 'session B loaded';
  if (kind === 'anytime' || kind === 'later') {
    const entry = world.scenario[kind][Number(arg)];
    const what = typeof entry === 'string' ? entry : entry.call;
    return what === 'switch' ? 'switch to session B starts' : `${CALLS[what].label} called`;
  }
  return 'time passes';
}

function withProblem(trace, problem) {
  const out = trace.slice();
  if (out.length) out[out.length - 1] = `${out[out.length - 1]}: ${problem}`;
  else out.push(problem);
  return out;
}

async function explore(job, maker, scenario, isCurrent = () => true) {
  const maxSteps = job.maxSteps || 200;
  const maxSchedules = job.maxSchedules || 20000;
  const result = {
    name: scenario.name,
    title: scenario.title,
    verdict: 'holds',
    holds: true,
    schedules: 0,
    complete: true,
    stopped: null,
    violation: null,
    schedule: [],
    errors: [],
    skipped: skippedChecks(job, scenario),
  };
  const stack = [{ keys: [], firings: [] }];
  while (stack.length) {
    const prefix = stack.pop();
    const run = await runOnce(job, maker, scenario, prefix, maxSteps, isCurrent);
    if (run.kind === 'leaf' && result.schedules >= maxSchedules) {
      // One more order to try than the cap allows: nothing is proved.
      Object.assign(result, { verdict: 'incomplete', holds: false, complete: false });
      result.stopped = `it reached the cap of ${maxSchedules} schedules`;
      break;
    }
    for (const e of run.world.errors) if (!result.errors.includes(e)) result.errors.push(e);
    if (run.kind !== 'pruned') result.schedules++;
    if (job.traces && run.kind !== 'pruned') (result.traces = result.traces || []).push(run.trace);
    if (run.kind === 'violation') {
      result.verdict = 'violated';
      result.holds = false;
      result.violation = run.problem;
      result.schedule = run.trace;
      break;
    }
    // Deepest alternatives last, so they are explored first (depth-first).
    for (const [depth, alternatives] of run.branches) {
      const firings = run.taken.firings.slice(0, depth);
      for (let i = alternatives.length - 1; i >= 0; i--) {
        stack.push({ keys: run.taken.keys.slice(0, depth).concat([alternatives[i]]), firings });
      }
    }
  }
  return result;
}

// ------------------------------------------- extraction (job "file"/"text")
//
// The harness cuts the two functions, and the declarations they reach, out
// of the file itself, for `jsfix verify` and for a fork's suite alike: a
// lexer finds the top-level declarations, and one rule decides which ones
// run. Without scopes, names are approximate: a declaration may now and then
// be kept or stubbed where a parser would decide otherwise.
//
// The lexer is the one in jsfix/testgen/support/lexer.py, written again with
// the same structure and names: the fork's structural tests read the file
// with that one where node may be missing. tests/test_lexer_conformance.py
// holds the two to each other token for token.
// It keeps a stack of open brackets that knows what each one opened (a block,
// a function body, a class body, an object literal, a statement head such as
// `if (...)`, a call...) and, after every token, what may come next: a
// statement, an operand, or more of a value that just ended. That decides
// whether a `/` starts a regular expression, and where statements start.
// tests/test_lexer_conformance.py holds both to esprima.

// TARGETS, BUILTINS, WORLD and STATE_PROPERTIES come from parts/names.json.

// One group per kind of token, in TOKEN_KINDS' order; groups without names,
// since named ones cost an object per match.
const TOKEN = new RegExp(
  [
    /(\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?(?:\*\/|$))/, // comment
    /('(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*'?|"(?:[^"\\\n\r]|\\(?:\r\n|[\s\S]))*"?)/, // string
    /(\d[\w$]*(?:\.[\w$]*)?|\.\d[\w$]*)/, // number
    /((?:[\w$\u200c\u200d]|\\u(?:\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4})|[^\x00-\x7f\s])+)/, // name
    /(#(?:[\w$]|\\u(?:\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4})|[^\x00-\x7f\s])+)/, // private
    /(\?\.(?!\d)|\?\?=?|\.\.\.|=>|\+\+|--|[\s\S])/, // punct
  ]
    .map(part => part.source)
    .join('|'),
  'y',
);
const TOKEN_KINDS = ['comment', 'string', 'number', 'name', 'private', 'punct'];
const GAP = /\s*/y; // spaces and line breaks
const HASHBANG = /^#![^\n\r\u2028\u2029]*/;
const TEMPLATE_TEXT = /(?:[^`\\$]|\\[\s\S]|\$(?!\{))*(?:`|\$\{)?/y;
const REGEX = /\/(?:[^\\/[\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029]|\[(?:[^\]\\\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029])*\])+\/[\w$]*/y;
const ESCAPE = /\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})/g;
// After `let` at the start of a statement: a binding, so `let` declares.
const LET_BINDING = /(?:\s|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*(?:[[{]|(?!(?:in|instanceof)(?![\w$]))(?:[A-Za-z_$\\]|[^\x00-\x7f\s]))/y;
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const NEXT_LINE_BREAK = /[\n\r\u2028\u2029]/g; // where the next one is, from its lastIndex

// What may come next, after each token.
const STATEMENT = 'statement'; // a statement of a statement list (top level, block, body)
const BODY = 'body'; // the body of `if`, `else`, a loop or a label: a statement too
const OPERAND = 'operand'; // an expression operand: here `/` opens a regex, `{` an object
const VALUE = 'value'; // more of a value that just ended: here `/` divides
const EXPORTED = 'exported'; // after `export` or `export default`: a declaration
const ARROW_END = 'arrow end'; // after an arrow's block body, which no operator can take

const BEFORE_BODY = new Set(['else', 'do', 'try', 'finally', 'catch']);
const VALUE_KEYWORDS = new Set(['this', 'super', 'null', 'true', 'false']);
const HEAD_KEYWORDS = { if: 'head', while: 'head', with: 'head', for: 'for', switch: 'switch', catch: 'catch' };
// Always keywords; after most of them an operand starts.
const KEYWORDS = new Set([
  ...'return throw typeof void delete new in instanceof'.split(' '),
  ...'case default extends var const import export'.split(' '),
  ...'function class break continue debugger'.split(' '),
  ...BEFORE_BODY,
  ...VALUE_KEYWORDS,
  ...Object.keys(HEAD_KEYWORDS),
]);
// After a line break, whether a token can carry on the expression before it.
const CONTINUING_WORDS = new Set(['in', 'instanceof']);
const STARTING_PUNCTUATORS = new Set(['{', '++', '--', '!', '~']);
const AFTER_ARROW = new Set([',', ';', ':', ')', ']', '}']);
// These end at a line break.
const RESTRICTED = new Set(['return', 'break', 'continue', 'yield']);

// One open bracket, and what the lexer knows about the code inside it.
class Frame {
  constructor(kind, after, role = null) {
    this.kind = kind; // "block", "class", "object", "paren", "bracket", "template"
    this.after = after; // what may come after its closing bracket
    this.role = role; // a paren's: head, for, switch, catch, params or call
    this.function = null; // a function body's {isAsync, isGenerator}
    this.body = null; // params: the function body to come, as `pending` says
    this.pending = null; // a `function` or `class` head still before its ( or {
    this.arrows = []; // arrow functions whose expression body is open here: async?
    this.ternaries = 0; // `?` still waiting for their `:`
    this.key = kind === 'class' || kind === 'object'; // at a property name
    this.keyTokens = []; // what came so far at that property name
    this.keyName = null; // the token of that name
    this.asyncArrow = false; // a paren right after `async`: maybe arrow params
    this.asyncToken = null; // that `async`
  }

  newKey() {
    this.key = this.kind === 'class' || this.kind === 'object';
    this.keyTokens = [];
    this.keyName = null;
  }
}

function params(body) {
  const frame = new Frame('paren', OPERAND, 'params');
  frame.body = body;
  return frame;
}

// The token before is the word `async`, on the same line.
function isAsyncBefore(previous, newline) {
  return isToken(previous, 'name', 'async') && !newline;
}

function decodeEscape(_, braced, plain) {
  return String.fromCodePoint(parseInt(braced || plain, 16));
}

function isToken(token, kind, value) {
  return Boolean(token) && token.type === kind && token.value === value;
}

// A line break in text[start:end].
function breaksLine(text, start, end) {
  NEXT_LINE_BREAK.lastIndex = start;
  const found = NEXT_LINE_BREAK.exec(text);
  return found !== null && found.index < end;
}

// All tokens of a program, each {type, value, start, end, depth, starts}
// (the Python lexer's tuple, with `type` for its `kind`, as in the harness's
// other token readers). type is "comment", "string", "template", "regex", "number", "name",
// "private" or "punct"; a name's value has its \u escapes decoded. depth
// counts the brackets around the token (an opener and its closer share one).
// starts is STATEMENT or BODY when the token begins a statement. For the
// extraction, this copy also notes on each token `newline` (a line break
// before it), on a name `reference` (an identifier, not a keyword, a
// property or method name, or a label) and on a `(` the `role` of its paren.
class Lexer {
  constructor(text, skimBodies = false) {
    this.text = text;
    this.tokens = [];
    this.skimmer = skimBodies ? new Skimmer(text) : null; // see skim.js
    const top = new Frame('block', null);
    // At the top level `await` is a module's keyword or a script's name;
    // only the keyword can stand before a regular expression.
    top.function = { isAsync: true, isGenerator: false };
    this.stack = [top];
    this.last = STATEMENT;
    this.previous = null; // the last token that is not a comment
    this.keyword = null; // that token, when it was read as a keyword
    this.closed = null; // the frame that token closed, when it was a closer
    this.newline = false; // a line break since that token
  }

  // The tokens of text[from..to), which starts a statement at the top level.
  run(from = 0, to = this.text.length) {
    let position = from;
    const hashbang = from === 0 ? HASHBANG.exec(this.text) : null;
    if (hashbang) {
      this.emit('comment', hashbang[0], 0, hashbang[0].length);
      position = hashbang[0].length;
    }
    while (position < to) position = this.step(position);
    return this.tokens;
  }

  // Read the token at or after `position`; return where the next one may start.
  step(position) {
    const text = this.text;
    GAP.lastIndex = position;
    GAP.test(text);
    const gap = GAP.lastIndex;
    if (gap > position) {
      this.newline = this.newline || breaksLine(text, position, gap);
      if (gap === text.length) return gap;
      position = gap;
    }
    const char = text[position];
    if (char === '`') return this.template(position, this.starts('template', '`'));
    if (char === '}' && this.top().kind === 'template') {
      this.pop();
      return this.template(position, null);
    }
    if (char === '/' && text[position + 1] !== '/' && text[position + 1] !== '*') return this.slash(position);
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(text);
    let group = 1;
    while (match[group] === undefined) group++;
    const kind = TOKEN_KINDS[group - 1];
    const value = match[0];
    const end = position + value.length;
    if (kind === 'comment') {
      this.emit('comment', value, position, end);
      this.newline = this.newline || LINE_BREAK.test(value);
    } else if (kind === 'name') this.name(value, position, end);
    else if (kind === 'punct') return this.punct(value, position, end);
    else this.literal(kind, value, position, end);
    return end;
  }

  emit(kind, value, start, end, starts = null) {
    const token = { type: kind, value, start, end, depth: this.stack.length - 1, starts, newline: this.newline };
    this.tokens.push(token);
    if (kind !== 'comment') {
      this.previous = token;
      this.keyword = this.closed = null;
      this.newline = false;
    }
  }

  top() {
    return this.stack[this.stack.length - 1];
  }

  // --- where statements start

  // STATEMENT or BODY when this token begins a statement, else null.
  starts(kind, value) {
    const frame = this.top();
    if (frame.kind === 'class' && this.lineEndsValue(kind, value)) frame.newKey(); // a class field without `;`
    if (frame.kind !== 'block') return null;
    if (this.last === STATEMENT || this.last === BODY) return this.last;
    if (this.last === EXPORTED) return STATEMENT;
    if (this.last === ARROW_END && !AFTER_ARROW.has(value)) return this.insertSemicolon();
    if (this.lineEndsValue(kind, value) || this.lineEndsRestricted()) return this.insertSemicolon();
    return null;
  }

  // A line break ends the value before this token, which cannot carry it on.
  lineEndsValue(kind, value) {
    if (!this.newline || (this.last !== VALUE && this.last !== ARROW_END)) return false;
    if (kind === 'name') return !CONTINUING_WORDS.has(value);
    if (kind === 'punct') return STARTING_PUNCTUATORS.has(value);
    return kind !== 'template';
  }

  // `return`, `break`, `continue` and `yield` end at a line break.
  lineEndsRestricted() {
    return this.newline && RESTRICTED.has(this.keyword);
  }

  insertSemicolon() {
    const frame = this.top();
    frame.arrows = [];
    frame.ternaries = 0;
    this.last = STATEMENT;
    return STATEMENT;
  }

  // {isAsync, isGenerator} of the function around the current token.
  innermostFunction() {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const frame = this.stack[i];
      if (frame.arrows.length) return { isAsync: frame.arrows[frame.arrows.length - 1], isGenerator: false };
      if (frame.function !== null) return frame.function;
    }
    return { isAsync: true, isGenerator: false };
  }

  // --- literals

  literal(kind, value, start, end) {
    const frame = this.top();
    const starts = this.starts(kind, value);
    if (frame.key) frame.keyTokens.push(kind); // a quoted or numeric property name
    this.emit(kind, value, start, end, starts);
    this.last = VALUE;
  }

  // Template text from the backtick or `}` at `position` to its end or next `${`.
  template(position, starts) {
    TEMPLATE_TEXT.lastIndex = position + 1;
    const end = position + 1 + TEMPLATE_TEXT.exec(this.text)[0].length;
    this.emit('template', this.text.slice(position, end), position, end, starts);
    if (this.text.startsWith('${', end - 2)) {
      this.stack.push(new Frame('template', null));
      this.last = OPERAND;
    } else {
      this.last = VALUE;
    }
    return end;
  }

  // A regular expression where an operand may start, else a division.
  slash(position) {
    const starts = this.starts('punct', '/');
    if (this.last !== VALUE) {
      REGEX.lastIndex = position;
      const regex = REGEX.exec(this.text);
      if (regex) {
        this.emit('regex', regex[0], position, position + regex[0].length, starts);
        this.last = VALUE;
        return position + regex[0].length;
      }
    }
    const end = position + (this.text.startsWith('/=', position) ? 2 : 1);
    this.emit('punct', this.text.slice(position, end), position, end, starts);
    this.last = OPERAND;
    return end;
  }

  // --- names and keywords

  name(raw, start, end) {
    const value = raw.includes('\\') ? raw.replace(ESCAPE, decodeEscape) : raw;
    const frame = this.top();
    const starts = this.starts('name', value);
    const { previous, last, newline } = this;
    const propertyName = isToken(previous, 'punct', '.') || isToken(previous, 'punct', '?.');
    if (propertyName || raw.includes('\\') || frame.key) {
      if (frame.key) frame.keyTokens.push(value);
      this.emit('name', value, start, end, starts);
      this.previous.reference = !propertyName && !frame.key;
      if (frame.key) frame.keyName = this.previous;
      this.last = VALUE;
      return;
    }
    const keyword = this.keywordOf(value, end, starts);
    this.emit('name', value, start, end, starts);
    this.previous.reference = keyword === null;
    if (keyword === null) {
      const label = isToken(previous, 'name', 'break') || isToken(previous, 'name', 'continue');
      if (label && !newline) this.previous.reference = false;
      this.last = label && !newline ? STATEMENT : VALUE;
      return;
    }
    this.keyword = keyword;
    this.last = this.afterKeyword(keyword, starts, last, previous, newline);
  }

  // `value` when this word is a keyword here, else null.
  keywordOf(value, end, starts) {
    if (KEYWORDS.has(value)) return value;
    if (value === 'let') {
      const declares = starts !== null || this.opensForHead();
      LET_BINDING.lastIndex = end;
      return declares && LET_BINDING.test(this.text) ? value : null;
    }
    if (value === 'await') return this.innermostFunction().isAsync ? value : null;
    if (value === 'yield') return this.innermostFunction().isGenerator ? value : null;
    if (value === 'of') return this.top().role === 'for' && this.last === VALUE ? value : null;
    return null;
  }

  // Right after the `(` of `for (`, where `let` may declare.
  opensForHead() {
    return this.top().role === 'for' && isToken(this.previous, 'punct', '(');
  }

  // What may follow `keyword`; notes a function or class head on the frame.
  afterKeyword(keyword, starts, last, previous, newline) {
    const frame = this.top();
    if (keyword === 'function' || keyword === 'class') {
      const isAsync = keyword === 'function' && isAsyncBefore(previous, newline);
      if (isAsync) previous.reference = false;
      const began = isAsync ? previous.starts : starts;
      const declares = began !== null || last === EXPORTED;
      frame.pending = { keyword, isAsync, isGenerator: false, after: declares ? STATEMENT : VALUE };
      return keyword === 'function' ? OPERAND : VALUE;
    }
    if (keyword === 'export' || (keyword === 'default' && last === EXPORTED)) return EXPORTED;
    if (BEFORE_BODY.has(keyword)) return BODY;
    if (keyword === 'break' || keyword === 'continue' || keyword === 'debugger') return STATEMENT;
    if (VALUE_KEYWORDS.has(keyword)) return VALUE;
    return OPERAND;
  }

  // --- punctuators

  // Where the next token may start: after this one, or after a body skimmed over.
  punct(value, start, end) {
    if (value === ')' || value === ']' || value === '}') this.close(value, start, end);
    else {
      const starts = this.starts('punct', value);
      if (value === '(') this.open(this.parenFrame(), value, start, end, starts);
      else if (value === '[') this.open(new Frame('bracket', VALUE), value, start, end, starts);
      else if (value === '{') return this.open(this.braceFrame(starts), value, start, end, starts);
      else this.operator(value, start, end, starts);
    }
    return end;
  }

  // Any other punctuator, and what it tells about the code around it.
  operator(value, start, end, starts) {
    const frame = this.top();
    const { previous, closed } = this;
    const postfix = (value === '++' || value === '--') && this.last === VALUE && starts === null;
    this.emit('punct', value, start, end, starts);
    this.last = postfix ? VALUE : OPERAND;
    if (value === ';') {
      frame.arrows = [];
      frame.ternaries = 0;
      if (frame.kind === 'block' || frame.kind === 'class') {
        this.last = STATEMENT;
        frame.newKey();
      }
    } else if (value === ',') {
      frame.arrows = [];
      if (frame.kind === 'object') this.shorthand(frame, previous);
      if (frame.kind === 'object') frame.newKey();
    } else if (value === '?') frame.ternaries++;
    else if (value === ':') this.colon(frame, previous);
    else if (value === '=' || value === '...') {
      if (frame.kind === 'object') this.shorthand(frame, previous);
      frame.key = false;
    }
    else if (value === '*') this.star(frame, previous);
    else if (value === '=>') frame.arrows.push(this.arrowIsAsync(previous, closed));
  }

  colon(frame, previous) {
    if (frame.ternaries) frame.ternaries--;
    else if (frame.kind === 'object') frame.key = false;
    else if (frame.kind === 'block') {
      this.last = BODY; // after a label, `case ...` or `default`
      if (previous.type === 'name' && previous.starts !== null) previous.reference = false; // a label
    }
  }

  // `{ a, b = 1 }`: a property name that is also the variable of that name.
  shorthand(frame, previous) {
    if (frame.key && frame.keyTokens.length === 1 && frame.keyName === previous) previous.reference = true;
  }

  star(frame, previous) {
    if (frame.pending !== null && isToken(previous, 'name', 'function')) frame.pending.isGenerator = true;
    else if (frame.key) frame.keyTokens.push('*');
  }

  // `async (...) =>` or `async x =>`.
  arrowIsAsync(previous, closed) {
    const before = closed !== null ? closed.asyncToken : this.previousCode(2);
    const between = before !== null && LINE_BREAK.test(this.text.slice(before.end, previous.start));
    const isAsync = closed !== null ? closed.asyncArrow : isAsyncBefore(before, between);
    if (isAsync) before.reference = false;
    return isAsync;
  }

  open(frame, value, start, end, starts) {
    this.emit('punct', value, start, end, starts);
    if (frame.kind === 'paren') this.previous.role = frame.role;
    this.stack.push(frame);
    this.last = frame.kind === 'block' ? STATEMENT : OPERAND;
    return this.skimmer && frame.function !== null ? skimOver(this, end) : end;
  }

  // The frame a `(` opens, from what came before it.
  parenFrame() {
    const frame = this.top();
    let keyword = this.keyword;
    if (frame.pending !== null && frame.pending.keyword === 'function') {
      const { isAsync, isGenerator, after } = frame.pending;
      frame.pending = null;
      return params({ isAsync, isGenerator, after });
    }
    if (frame.key) {
      // a method
      const modifiers = frame.keyTokens.slice(0, -1);
      const after = frame.kind === 'class' ? STATEMENT : VALUE;
      frame.key = false;
      return params({ isAsync: modifiers.includes('async'), isGenerator: modifiers.includes('*'), after });
    }
    if (keyword === 'await' && isToken(this.previousCode(1), 'name', 'for')) keyword = 'for'; // for await (...)
    if (Object.prototype.hasOwnProperty.call(HEAD_KEYWORDS, keyword)) {
      const role = HEAD_KEYWORDS[keyword];
      return new Frame('paren', role === 'head' || role === 'for' ? BODY : OPERAND, role);
    }
    const paren = new Frame('paren', VALUE, 'call');
    paren.asyncArrow = isAsyncBefore(this.previous, this.newline);
    paren.asyncToken = paren.asyncArrow ? this.previous : null;
    return paren;
  }

  // The code token `back` places before the last one, or null.
  previousCode(back) {
    for (let i = this.tokens.length - 1; i >= 0; i--) {
      if (this.tokens[i].type === 'comment') continue;
      if (back === 0) return this.tokens[i];
      back--;
    }
    return null;
  }

  // The frame a `{` opens, from what came before it.
  braceFrame(starts) {
    const frame = this.top();
    const { closed, previous } = this;
    if (closed !== null && closed.role === 'params') {
      const body = new Frame('block', closed.body.after);
      body.function = { isAsync: closed.body.isAsync, isGenerator: closed.body.isGenerator };
      return body;
    }
    if (closed !== null && ['head', 'for', 'switch', 'catch'].includes(closed.role)) return new Frame('block', STATEMENT);
    if (isToken(previous, 'punct', '=>')) {
      const body = new Frame('block', ARROW_END);
      body.function = { isAsync: frame.arrows.length ? frame.arrows.pop() : false, isGenerator: false };
      return body;
    }
    if (frame.pending !== null && frame.pending.keyword === 'class' && this.last !== OPERAND) {
      const after = frame.pending.after;
      frame.pending = null;
      return new Frame('class', after);
    }
    if (frame.key && frame.keyTokens.length === 1 && frame.keyTokens[0] === 'static') {
      return new Frame('block', STATEMENT); // a static initialization block
    }
    if (this.last === EXPORTED) return new Frame('object', VALUE); // export { names }
    if (starts !== null) return new Frame('block', STATEMENT);
    return new Frame('object', VALUE);
  }

  close(value, start, end) {
    const previous = this.previous;
    const frame = this.pop();
    if (frame.kind === 'object') this.shorthand(frame, previous);
    this.emit('punct', value, start, end);
    this.closed = frame;
    this.last = frame.after || VALUE;
    const parent = this.top();
    if (parent.kind === 'class' && frame.kind === 'block') parent.newKey(); // a method or a static block ended
    else if (parent.key && frame.kind === 'bracket') parent.keyTokens.push(']'); // a computed property name
  }

  pop() {
    if (this.stack.length > 1) return this.stack.pop();
    return new Frame('block', STATEMENT); // an unbalanced closer: read on
  }
}

// ------------------------------------------ skimming over function bodies
//
// The extraction needs every top-level declaration's head, but the tokens
// of only the few declarations the two functions reach. Lexing a 450 KB file
// token by token took most of an extraction, so the lexer first skims over
// function bodies: it finds the `}` that closes one without making tokens,
// and the declarations that turn out to matter are lexed again in full
// (fullTokensOf). Skimming only needs what no lexer can get wrong about
// brackets: strings, comments, template literals and regular expressions.
// Where a `/` could be a division or a regular expression and the answer
// depends on more than the token before it, the skim gives up and the lexer
// reads that body token by token, as it would have.

// The code tokens of `text`: every token but the comments. With
// `skimBodies`, a function body's tokens are left out, and its `{` is marked
// `skimmed`.
function tokenize(text, skimBodies = false) {
  return new Lexer(text, skimBodies).run().filter(t => t.type !== 'comment');
}

// The code tokens of text[from..to), a top-level statement, in full;
// `newline` says whether a line break comes before it.
function tokensBetween(text, from, to, newline) {
  const lexer = new Lexer(text);
  lexer.newline = newline;
  return lexer.run(from, to).filter(t => t.type !== 'comment');
}

// Where the lexer goes on after the `{` of a function body ending at `end`:
// at the body's `}` when the skim is sure of it, else inside the body.
function skimOver(lexer, end) {
  const close = lexer.skimmer.closeOf(end);
  if (close < 0) return end;
  lexer.previous.skimmed = true; // a function body whose tokens were not made
  lexer.newline = lexer.skimmer.newline;
  return close;
}

// Runs of characters that change nothing about brackets.
const PLAIN = /[^'"`/{}()[\]\\]*/y;
const QUOTED = /'(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*'|"(?:[^"\\\n\r]|\\(?:\r\n|[\s\S]))*"/y;
const LINE_COMMENT = /\/\/[^\n\r\u2028\u2029]*/y;
const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//y;
const WORD_CHAR = /[\w$]/;
const SPACE = /\s/;

// What a `/` means after the token before it.
const DIVIDES = 1;
const STARTS_REGEX = 2;
const UNSURE = 3;
const AFTER_PAREN = 4; // divides, unless the paren was the head of if, while, for or with

// closeOf(open): the index of the `}` closing the function body opened at
// text[open - 1], or -1 when skimming cannot be sure. After it, `newline`
// tells whether a line break comes between the body's last code and that `}`.
// Between two brackets, literals or comments lies a run of plain code; what
// it means for a `/` is worked out only when a `/` or a comment follows it.
class Skimmer {
  constructor(text) {
    this.text = text;
    this.newline = false;
  }

  closeOf(open) {
    const text = this.text;
    const brackets = []; // '(', '[', '{', '`' (a template's `${`)
    const parens = []; // where each open '(' is
    let slash = STARTS_REGEX; // what a `/` would mean after the last bracket or literal
    let paren = -1; // with AFTER_PAREN, where that paren opened
    let codeEnd = open; // just after the last bracket or literal
    let runStart = open; // the plain code since then (or since a comment)
    let afterComment = false;
    let position = open;
    for (;;) {
      PLAIN.lastIndex = position;
      PLAIN.test(text);
      position = PLAIN.lastIndex;
      if (position >= text.length) return -1;
      const char = text[position];
      const plainRun = !isBlank(text, runStart, position);
      if (char === '/' && (text[position + 1] === '/' || text[position + 1] === '*')) {
        const comment = text[position + 1] === '/' ? LINE_COMMENT : BLOCK_COMMENT;
        comment.lastIndex = position;
        if (!comment.test(text)) return -1;
        if (plainRun) {
          codeEnd = trimmedEnd(text, position);
          slash = afterRun(text, runStart, codeEnd, afterComment);
        }
        position = runStart = comment.lastIndex;
        afterComment = true;
        continue;
      }
      if (char === '}' && !brackets.length) {
        this.newline = breaksLine(text, plainRun ? trimmedEnd(text, position) : codeEnd, position);
        return position;
      }
      if (char === '/') {
        let meaning = plainRun ? afterRun(text, runStart, trimmedEnd(text, position), afterComment) : slash;
        if (meaning === AFTER_PAREN) meaning = opensHead(text, open, paren) ? UNSURE : DIVIDES;
        if (meaning === UNSURE) return -1;
        if (meaning === DIVIDES) {
          position++;
          slash = STARTS_REGEX;
        } else {
          REGEX.lastIndex = position;
          if (!REGEX.test(text)) return -1;
          position = REGEX.lastIndex;
          slash = DIVIDES;
        }
      } else if (char === "'" || char === '"') {
        QUOTED.lastIndex = position;
        if (!QUOTED.test(text)) return -1;
        position = QUOTED.lastIndex;
        slash = DIVIDES;
      } else if (char === '`' || (char === '}' && brackets[brackets.length - 1] === '`')) {
        if (char === '}') brackets.pop();
        TEMPLATE_TEXT.lastIndex = position + 1;
        TEMPLATE_TEXT.test(text);
        position = TEMPLATE_TEXT.lastIndex;
        if (text.startsWith('${', position - 2)) brackets.push('`');
        else if (text[position - 1] !== '`') return -1; // the file ends inside the template
        slash = text[position - 1] === '`' ? DIVIDES : STARTS_REGEX;
      } else if (char === '(' || char === '[' || char === '{') {
        brackets.push(char);
        if (char === '(') parens.push(position);
        position++;
        slash = STARTS_REGEX;
      } else if (char === ')' || char === ']' || char === '}') {
        if (brackets.pop() !== OPENERS[char]) return -1;
        if (char === ')') paren = parens.pop();
        position++;
        // After `}` a statement may start, or more of an expression.
        slash = char === ']' ? DIVIDES : char === ')' ? AFTER_PAREN : UNSURE;
      } else return -1; // a backslash outside a literal: an escaped name
      codeEnd = runStart = position;
      afterComment = false;
    }
  }
}

const OPENERS = { ')': '(', ']': '[', '}': '{' };
const BLANK = /\s*/y;

function isBlank(text, start, end) {
  BLANK.lastIndex = start;
  BLANK.test(text);
  return BLANK.lastIndex >= end;
}

// Just after the last character of text[start..end) that is not a space (start if none).
function trimmedEnd(text, end, start = 0) {
  let i = end;
  while (i > start && SPACE.test(text[i - 1])) i--;
  return i;
}

// Where the word (letters, digits, `_`, `$`) ending at `end` starts, not before `start`.
function wordStart(text, start, end) {
  let first = end;
  while (first > start && WORD_CHAR.test(text[first - 1])) first--;
  return first;
}

// What a `/` would mean after the code text[start..end), which ends in code.
function afterRun(text, start, end, afterComment) {
  const last = text[end - 1];
  if (WORD_CHAR.test(last)) return afterWord(text, start, end, afterComment);
  if (last.charCodeAt(0) > 0x7f) return UNSURE; // a name in other scripts: let the lexer read it
  if ((last === '+' || last === '-') && text[end - 2] === last) return UNSURE; // `a++ / b` or `++ /re/`?
  if (last === '.') return UNSURE; // `1. / 2`: a number
  return STARTS_REGEX; // an operator or punctuation
}

function afterWord(text, start, end, afterComment) {
  const first = wordStart(text, start, end);
  const word = text.slice(first, end);
  const ahead = first > start ? text[first - 1] : null;
  if (ahead === '#') return DIVIDES; // a private name
  if (ahead !== null && (ahead === '\\' || ahead.charCodeAt(0) > 0x7f)) return UNSURE; // part of a longer name
  if (/^\d/.test(word)) return DIVIDES; // a number
  if (word === 'let' || word === 'await' || word === 'yield' || word === 'of') return UNSURE; // keywords only in places
  if (!KEYWORDS.has(word)) return DIVIDES;
  const k = trimmedEnd(text, first, start);
  if (k === start && afterComment) return UNSURE; // a comment came between it and what was before
  if (k > start && text[k - 1] === '.') return DIVIDES; // a property named like a keyword
  return VALUE_KEYWORDS.has(word) || word === 'class' ? DIVIDES : STARTS_REGEX;
}

// Whether the `(` at `position` follows if, while, for or with (not as a
// property), or `for await`, or may: a comment before it hides what it follows.
function opensHead(text, open, position) {
  const end = trimmedEnd(text, position, open);
  if (text[end - 1] === '/') return true;
  const first = wordStart(text, open, end);
  const word = text.slice(first, end);
  const head = HEAD_KEYWORDS[word] === 'head' || HEAD_KEYWORDS[word] === 'for' || word === 'await';
  return head && text[first - 1] !== '.';
}

// --- the top-level declarations, from the tokens

function isName(t, value) {
  return Boolean(t) && t.type === 'name' && (value === undefined || t.value === value);
}

function isPunct(t, value) {
  return Boolean(t) && t.type === 'punct' && t.value === value;
}

function opens(t) {
  return (t.type === 'punct' && '([{'.includes(t.value)) || (t.type === 'template' && t.value.endsWith('${'));
}

function closes(t) {
  return (t.type === 'punct' && ')]}'.includes(t.value)) || (t.type === 'template' && t.value.startsWith('}'));
}

// Index of the token that closes the bracket opened at `i`: an opener and
// its closer share a depth, and everything between them is deeper.
function matching(tokens, i) {
  for (let j = i + 1; j < tokens.length; j++) {
    if (tokens[j].depth === tokens[i].depth && closes(tokens[j])) return j;
  }
  throw new Error(`unbalanced ${tokens[i].value} at offset ${tokens[i].start}`);
}

// One past the last token of the statement starting at `i`: its `;`, or
// the token before the next statement (a semicolon left to the line break).
function statementEnd(tokens, i) {
  const depth = tokens[i].depth;
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.depth < depth || (t.depth === depth && t.starts !== null)) return j;
    if (t.depth === depth && isPunct(t, ';')) return j + 1;
  }
  return tokens.length;
}

// Index of the `}` that ends the body of the function or class at `i`.
function bodyEnd(tokens, i) {
  for (let j = i + 1; j < tokens.length; j++) {
    if (tokens[j].depth === tokens[i].depth && isPunct(tokens[j], '}')) return j;
  }
  throw new Error(`no body after ${tokens[i].value} at offset ${tokens[i].start}`);
}

// The declaration starting at token `i`: {first, end (one past), kind, names,
// keys}, or null when the statement there declares nothing we can use.
function declarationAt(tokens, i) {
  let k = i;
  if (isName(tokens[k], 'async') && isName(tokens[k + 1], 'function') && !tokens[k + 1].newline) k++;
  if (isName(tokens[k], 'function')) {
    const j = isPunct(tokens[k + 1], '*') ? k + 2 : k + 1;
    if (!isName(tokens[j])) return null;
    return { first: i, end: bodyEnd(tokens, j) + 1, kind: 'function', names: [tokens[j].value], keys: [] };
  }
  if (isName(tokens[k], 'class') && isName(tokens[k + 1]) && !isName(tokens[k + 1], 'extends')) {
    return { first: i, end: bodyEnd(tokens, k + 1) + 1, kind: 'class', names: [tokens[k + 1].value], keys: [] };
  }
  if (isName(tokens[k], 'let') || isName(tokens[k], 'const') || isName(tokens[k], 'var')) {
    const end = statementEnd(tokens, k);
    const { names, kind, keys } = declarators(tokens, k + 1, end);
    return names.length ? { first: i, end, kind, names, keys, variable: true } : null;
  }
  return null;
}

function declarators(tokens, from, end) {
  const names = [];
  const depth = tokens[from - 1].depth;
  let kind = 'variable';
  let keys = [];
  let count = 0;
  let j = from;
  while (j < end) {
    count++;
    // The binding: a name or a destructuring pattern.
    if (isPunct(tokens[j], '{') || isPunct(tokens[j], '[')) {
      const close = matching(tokens, j);
      for (let q = j + 1; q < close; q++) {
        if (isName(tokens[q]) && !isPunct(tokens[q + 1], ':') && !isPunct(tokens[q - 1], '=')) names.push(tokens[q].value);
      }
      j = close + 1;
    } else if (isName(tokens[j])) {
      names.push(tokens[j].value);
      j++;
    } else break;
    if (!isPunct(tokens[j], '=')) {
      if (!isPunct(tokens[j], ',')) break; // `for (const x of xs)`
      j++;
      continue;
    }
    const init = j + 1;
    let q = init;
    while (q < end && !(tokens[q].depth === depth && (isPunct(tokens[q], ',') || isPunct(tokens[q], ';')))) q++;
    if (count === 1) {
      kind = isFunctionValue(tokens, init) ? 'function' : 'variable';
      const literal = objectLiteralAt(tokens, init);
      keys = literal >= 0 ? objectKeys(tokens, literal) : [];
    } else {
      kind = 'variable';
      keys = [];
    }
    j = isPunct(tokens[q], ',') ? q + 1 : q;
    if (isPunct(tokens[q], ';')) break;
  }
  return { names, kind, keys: count === 1 ? keys : [] };
}

function isFunctionValue(tokens, i) {
  let k = i;
  if (isName(tokens[k], 'async') && !(tokens[k + 1] && tokens[k + 1].newline)) k++;
  if (isName(tokens[k], 'function')) return true;
  if (isName(tokens[k]) && isPunct(tokens[k + 1], '=>')) return true;
  if (isPunct(tokens[k], '(')) return isPunct(tokens[matching(tokens, k) + 1], '=>');
  return false;
}

// The keys of an object literal, as esprima's Property nodes name them:
// `a: 1`, `'b': 2`, methods `c() {}`, accessors `get d() {}`, shorthand `e`.
function objectKeys(tokens, open) {
  const close = matching(tokens, open);
  const keys = [];
  for (let q = open + 1; q < close; q++) {
    if (tokens[q].depth !== tokens[open].depth + 1) continue;
    if (!isPunct(tokens[q - 1], '{') && !isPunct(tokens[q - 1], ',')) continue;
    let k = q;
    if (['get', 'set', 'async'].some(word => isName(tokens[k], word)) && (isName(tokens[k + 1]) || tokens[k + 1].type === 'string')) k++;
    if (isPunct(tokens[k], '*')) k++;
    const key = tokens[k];
    const after = tokens[k + 1];
    if (!(isName(key) || key.type === 'string')) continue;
    if (isPunct(after, ':') || isPunct(after, '(') || (k === q && (isPunct(after, ',') || k + 1 === close))) {
      keys.push(key.type === 'string' ? key.value.slice(1, -1) : key.value);
    }
  }
  return keys;
}

// `{...}` or `Object.freeze({...})`: where an initializer's object literal opens, or -1.
function objectLiteralAt(tokens, init) {
  if (isPunct(tokens[init], '{')) return init;
  const frozen = isName(tokens[init], 'Object') && isPunct(tokens[init + 1], '.') &&
    (isName(tokens[init + 2], 'freeze') || isName(tokens[init + 2], 'seal')) &&
    isPunct(tokens[init + 3], '(') && isPunct(tokens[init + 4], '{');
  return frozen && isPunct(tokens[matching(tokens, init + 4) + 1], ')') ? init + 4 : -1;
}

// Names a token range uses, binds (roughly) and probes with `typeof`. The
// lexer marked each name that is an identifier (`reference`), as opposed to
// a keyword, a property name, a method name or a label.
function namesIn(tokens, first, end) {
  const used = new Set();
  const bound = new Set();
  const probed = new Set();
  const bindList = (open, close) => {
    for (let q = open + 1; q < close; q++) {
      if (tokens[q].reference && !isPunct(tokens[q + 1], ':') && !isPunct(tokens[q - 1], '=')) bound.add(tokens[q].value);
    }
  };
  for (let q = first; q < end; q++) {
    const t = tokens[q];
    if (isPunct(t, '(')) {
      const close = matching(tokens, q);
      if (t.role === 'params' || t.role === 'catch' || isPunct(tokens[close + 1], '=>')) bindList(q, close);
      continue;
    }
    if (t.type !== 'name') continue;
    const prev = tokens[q - 1];
    const next = tokens[q + 1];
    if (isName(prev, 'typeof') && !(next && next.type === 'punct' && ['.', '?.', '['].includes(next.value))) {
      probed.add(t.value);
    }
    if (t.reference && isPunct(next, '=>')) bound.add(t.value);
    if (!t.reference && ['let', 'const', 'var'].includes(t.value)) {
      for (const name of declarators(tokens, q + 1, statementEnd(tokens, q)).names) bound.add(name);
      continue;
    }
    if ((isName(prev, 'function') || isName(prev, 'class')) && q > first + 1) bound.add(t.value);
    if (t.reference) used.add(t.value);
  }
  return { used, bound, probed };
}

// A directive prologue: string statements at the very top of the script.
function opensWithUseStrict(tokens) {
  for (let i = 0; i < tokens.length && tokens[i].type === 'string'; ) {
    if (tokens[i].value.slice(1, -1) === 'use strict') return true;
    i++;
    if (isPunct(tokens[i], ';')) i++;
  }
  return false;
}

// The names a declaration uses (`references`, not bound in it) and probes
// with `typeof` (`probed`), read from its tokens the first time they are
// asked for: the extraction follows a few dozen of a file's hundreds.
function withNamesOnDemand(d, module) {
  let names = null;
  const read = () => {
    if (!names) {
      const { tokens, first, end } = fullTokensOf(module, d);
      const { used, bound, probed } = namesIn(tokens, first, end);
      for (const name of d.names) bound.add(name);
      names = { references: new Set([...used].filter(name => !bound.has(name))), probed };
    }
    return names;
  };
  Object.defineProperty(d, 'references', { get: () => read().references, enumerable: true });
  Object.defineProperty(d, 'probed', { get: () => read().probed, enumerable: true });
}

// A declaration's tokens in full, {tokens, first, end}: the file's own, or,
// where the file was read skimming over a body in it, the declaration read
// again token by token.
function fullTokensOf(module, d) {
  if (!d.full) {
    const { tokens, text } = module;
    let skimmed = false;
    for (let q = d.first; q < d.end && !skimmed; q++) skimmed = tokens[q].skimmed === true;
    const own = skimmed ? tokensBetween(text, tokens[d.first].start, tokens[d.end - 1].end, tokens[d.first].newline) : null;
    d.full = own ? { tokens: own, first: 0, end: own.length } : { tokens, first: d.first, end: d.end };
  }
  return d.full;
}

// One file read for extraction: its top-level declarations (with the names
// each uses, binds and probes), and what it imports and exports by name.
// Function bodies are skimmed over, and read when a declaration's names are.
function readModule(id, file, text) {
  const tokens = tokenize(text, true);
  const declarations = [];
  const links = { imports: new Map(), exports: new Map(), reExports: new Map(), stars: [] };
  let isModule = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.depth !== 0 || t.starts !== STATEMENT) continue;
    if (isName(t, 'import') && !isPunct(tokens[i + 1], '(') && !isPunct(tokens[i + 1], '.')) {
      isModule = true;
      readImport(tokens, i + 1, links);
      continue;
    }
    if (isName(t, 'export')) {
      isModule = true;
      readExport(tokens, i + 1, links);
      continue;
    }
    const declaration = declarationAt(tokens, i);
    if (declaration) {
      declarations.push(declaration);
      i = declaration.end - 1;
    }
  }
  const byName = new Map();
  const strict = isModule || opensWithUseStrict(tokens);
  const module = { id, file, text, tokens, declarations, byName, module: isModule, strict, ...links };
  for (const d of declarations) {
    const last = tokens[d.end - 1];
    d.source = text.slice(tokens[d.first].start, last.end);
    // Joined with other declarations, a missing semicolon could let the
    // next line continue this statement.
    if (d.variable && !d.source.trimEnd().endsWith(';')) d.source += ';';
    withNamesOnDemand(d, module);
    for (const name of d.names) {
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(d);
    }
  }
  return module;
}

function stringValue(t) {
  return t && t.type === 'string' ? JSON.parse(t.value[0] === "'" ? `"${t.value.slice(1, -1).replace(/"/g, '\\"')}"` : t.value) : null;
}

// `import a, { b as c } from './x.js'`, `import * as n from ...`, `import './x.js'`.
function readImport(tokens, i, links) {
  const bindings = [];
  let k = i;
  if (isName(tokens[k]) && !isName(tokens[k], 'from')) bindings.push({ local: tokens[k++].value, name: 'default' });
  if (isPunct(tokens[k], ',')) k++;
  if (isPunct(tokens[k], '*') && isName(tokens[k + 1], 'as')) {
    bindings.push({ local: tokens[k + 2].value, name: '*' });
    k += 3;
  } else if (isPunct(tokens[k], '{')) {
    const close = matching(tokens, k);
    for (const [name, local] of specifiers(tokens, k, close)) bindings.push({ local, name });
    k = close + 1;
  }
  if (isName(tokens[k], 'from')) k++;
  const specifier = stringValue(tokens[k]);
  if (specifier === null) return;
  for (const { local, name } of bindings) links.imports.set(local, { specifier, name });
}

// `export { a, b as c }`, `export { a } from ...`, `export * from ...`, `export const ...`.
function readExport(tokens, i, links) {
  if (isPunct(tokens[i], '*')) {
    if (isName(tokens[i + 1], 'from')) links.stars.push(stringValue(tokens[i + 2]));
    return;
  }
  if (isPunct(tokens[i], '{')) {
    const close = matching(tokens, i);
    const from = isName(tokens[close + 1], 'from') ? stringValue(tokens[close + 2]) : null;
    for (const [local, exported] of specifiers(tokens, i, close)) {
      if (from !== null) links.reExports.set(exported, { specifier: from, name: local });
      else links.exports.set(exported, local);
    }
    return;
  }
  const declaration = isName(tokens[i], 'default') ? null : declarationAt(tokens, i);
  if (declaration) for (const name of declaration.names) links.exports.set(name, name);
}

// The `a` and `a as b` of an import or export list: [name, alias] pairs.
function specifiers(tokens, open, close) {
  const pairs = [];
  for (let q = open + 1; q < close; q++) {
    if (!isName(tokens[q]) && tokens[q].type !== 'string') continue;
    const name = tokens[q].type === 'string' ? stringValue(tokens[q]) : tokens[q].value;
    if (isName(tokens[q + 1], 'as')) {
      pairs.push([name, tokens[q + 2].value]);
      q += 2;
    } else pairs.push([name, name]);
  }
  return pairs;
}

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
