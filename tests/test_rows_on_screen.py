"""The world's rows on screen, kept between reads, are always what reading them afresh gives.

The fingerprint, taken before and after every timer firing, reads the rows'
JSON text through one RowsOnScreen per world, which names them again only
when a timestamp changes. Here a sequence of transcripts, each built from
the last as a schedule changes S.messages (in place or by a new array;
holes, undefined, null, timestamps changed under the same message), is read
through one RowsOnScreen and compared, step by step, with the JSON text of
`messages.map(rowOf)`.
"""

from __future__ import annotations

import random

from conftest import needs_node, run_on_harness

pytestmark = needs_node

# Each step: {"items": [...], "same_array": bool}. An item is a timestamp
# (a number: a message holding it), "hole", "undefined", "null", "text" (a
# string in place of a message) or "none" (a message without a timestamp).
# With same_array, the previous step's array is changed in place.
_SCRIPT = r"""
const { RowsOnScreen, rowOf } = require(process.argv[1]);
const steps = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const rows = new RowsOnScreen();
let messages = [];
const answers = [];
for (const step of steps) {
  const items = step.items;
  if (!step.same_array) messages = [];
  messages.length = items.length;
  items.forEach((item, i) => {
    if (item === 'hole') delete messages[i];
    else if (item === 'undefined') messages[i] = undefined;
    else if (item === 'null') messages[i] = null;
    else if (item === 'text') messages[i] = 'a message';
    else if (item === 'none') messages[i] = { role: 'user' };
    else if (messages[i] && typeof messages[i] === 'object') messages[i].timestamp = item; // the same message, changed
    else messages[i] = { role: 'user', timestamp: item };
  });
  answers.push(rows.of(messages) === JSON.stringify(messages.map(rowOf))); // a hole is null, undefined '?'
}
process.stdout.write(JSON.stringify(answers));
"""

A = 1.7e9  # session A's first message, as the harness times them
KINDS = ["hole", "undefined", "null", "text", "none"]


def message(index: int) -> float:
    return A + 60 * index


def steps_by_hand() -> list[dict]:
    tail = [message(i) for i in range(60, 90)]
    return [
        {"items": tail, "same_array": False},
        {"items": tail, "same_array": True},  # nothing changed
        {"items": [message(30 + i) for i in range(30)] + tail, "same_array": False},  # a page prepended
        {"items": tail[:5] + ["hole"] + tail[6:], "same_array": True},  # a hole
        {"items": tail[:5] + ["undefined"] + tail[6:], "same_array": True},  # the hole now undefined
        {"items": tail[:5] + [message(61)] + tail[6:], "same_array": True},  # a timestamp changed in place
        {"items": tail[:5] + [message(61)] + tail[6:], "same_array": False},  # the same rows, a new array
        {"items": tail[:-1], "same_array": True},  # one fewer
        {"items": [], "same_array": False},
        {"items": ["null", "text", "none", 12.5, A + 30, A + 30 * 86400 + 60 * 3], "same_array": False},
    ]


def random_steps(seed: int, count: int) -> list[dict]:
    pick = random.Random(seed)
    steps, items = [], []
    for _ in range(count):
        items = list(items) if pick.random() < 0.6 else [message(pick.randrange(0, 120)) for _ in range(pick.randrange(0, 12))]
        for _ in range(pick.randrange(0, 3)):
            if items:
                items[pick.randrange(len(items))] = pick.choice([*KINDS, message(pick.randrange(0, 120))])
        steps.append({"items": items, "same_array": pick.random() < 0.7})
    return steps


def test_kept_rows_are_the_rows_read_afresh_by_hand():
    answers = run_on_harness(_SCRIPT, steps_by_hand())
    assert answers == [True] * len(steps_by_hand())


def test_kept_rows_are_the_rows_read_afresh_over_random_schedules():
    steps = random_steps(seed=1937, count=400)
    answers = run_on_harness(_SCRIPT, steps)
    wrong = [(i, steps[i]["items"]) for i, same in enumerate(answers) if not same]
    assert wrong == []
