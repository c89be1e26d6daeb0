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
