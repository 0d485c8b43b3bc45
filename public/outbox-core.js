// The outbox's rules, with no browser APIs, so they can be unit-tested under Node
// (`node --test end2end/unit`). `offline.js` applies them to the stored outbox.

export const MAX_BACKOFF_MS = 60_000;

const sameAnswer = (a, b) =>
  a.type === "save" && b.type === "save" && a.section_key === b.section_key && a.prompt_key === b.prompt_key;

/** Adds `op` to the queue. A waiting (not in-flight) save of the same answer is replaced
 *  in place, keeping the revision it was written on: its text is superseded, and the
 *  order of everything else is kept. Returns the new queue. */
export function enqueue(ops, op, inFlightId = null) {
  if (op.type === "save") {
    const waiting = ops.findIndex((o) => o.op_id !== inFlightId && sameAnswer(o, op));
    if (waiting >= 0) {
      const next = ops.slice();
      next[waiting] = { ...op, base_rev: ops[waiting].base_rev, entry_id: ops[waiting].entry_id };
      return next;
    }
  }
  return [...ops, op];
}

/** After `sent` was accepted: drop it, and let later saves of the same answer that were
 *  written on the same revision continue from the revision it made (they extend this
 *  device's own text). A conflict reply rebases nothing: the person settles it. */
export function afterSent(ops, sent, reply) {
  const rest = ops.filter((o) => o.op_id !== sent.op_id);
  if (sent.type !== "save" || !reply || reply.conflict) return rest;
  return rest.map((o) =>
    sameAnswer(o, sent) && o.base_rev === sent.base_rev ? { ...o, base_rev: reply.rev, entry_id: reply.entry_id } : o,
  );
}

/** What an answer from the server means for the write that was sent. */
export function classify(status) {
  if (status === null) return "retry"; // no answer at all: offline
  if (status >= 200 && status < 300) return "sent";
  if (status === 401) return "signed-out";
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return "refused";
  return "retry";
}

/** Milliseconds to wait after `attempts` failures in a row: 2 s, 4 s, 8 s… up to a minute. */
export function backoff(attempts) {
  return Math.min(2000 * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_MS);
}

/** The newest text waiting to be sent for one answer, if any. */
export function waitingText(ops, sectionKey, promptKey) {
  const op = [...ops].reverse().find((o) => o.type === "save" && o.section_key === sectionKey && o.prompt_key === promptKey);
  return op ? { body: op.body, entry_id: op.entry_id, base_rev: op.base_rev } : null;
}
