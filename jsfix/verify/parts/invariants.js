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
