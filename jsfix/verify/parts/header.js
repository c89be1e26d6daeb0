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
