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
