
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
