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
