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
