// The outbox's rules, with no browser APIs, so they can be unit-tested under Node
// (`node --test end2end/unit`). `offline.js` applies them to the ops kept in IndexedDB.
//
// An op is one write a person made, queued on this device until the server has it:
//
//   { op_id, person, path, args, merge, label, href, queued_at, state, reply?, error? }
//
// - `path` and `args` are the server function's URL and its arguments, serialised by the
//   Rust app from the function's own argument type; they are sent as a form, unchanged.
// - `person` is whose write it is: it is only ever sent under that person's session.
// - `merge` names what the op writes (one answer): a newer text replaces a waiting one.
// - `state`: "waiting" (to send), "sending", "refused" (the server will not take it as it
//   is: shown to the person), or "conflict" (a save that met another device's text: the
//   person chooses which to keep).
//
// Saves chain by revision: their args carry `base_rev` and `entry_id`, and the server's
// reply `rev` and `entry_id` (see `app/src/api/log.rs`, whose tests pin these names).

export const MAX_BACKOFF_MS = 60_000;

const open = (o) => o.state === "waiting" || o.state === "sending";

/** Adds `op` (state "waiting") to the queue. A waiting (not sending) op with the same
 *  `merge` is replaced in place, keeping the revision its text was first written on; an
 *  unsettled conflict of the same answer is settled by it. Returns the new queue. */
export function enqueue(ops, op) {
  const next = { ...op, state: "waiting" };
  const rest = ops.filter((o) => !(next.merge && o.merge === next.merge && o.state === "conflict"));
  if (next.merge) {
    const i = rest.findIndex((o) => o.merge === next.merge && o.state === "waiting");
    if (i >= 0) {
      const old = rest[i];
      const args = { ...next.args };
      if ("base_rev" in old.args) args.base_rev = old.args.base_rev;
      if ("entry_id" in old.args) args.entry_id = old.args.entry_id;
      const out = rest.slice();
      out[i] = { ...next, seq: old.seq, args };
      return out;
    }
  }
  return [...rest, next];
}

/** The op to send next: the oldest open one. An op left "sending" by a tab that went away
 *  is sent again (the server answers a repeated op id with its first answer). */
export function nextToSend(ops) {
  return ops.find(open) || null;
}

export function markSending(ops, opId) {
  return ops.map((o) => (o.op_id === opId && o.state === "waiting" ? { ...o, state: "sending" } : o));
}

/** The send failed or went unanswered: the op waits again. */
export function markWaiting(ops, opId) {
  return ops.map((o) => (o.op_id === opId && o.state === "sending" ? { ...o, state: "waiting" } : o));
}

/** After `sent` was accepted with `reply`. A save that met another device's text stays, as
 *  a conflict to settle. Otherwise it goes, and later waiting saves of the same answer that
 *  were written on the same revision continue from the one it made. */
export function afterSent(ops, sent, reply) {
  if (reply && reply.conflict != null) {
    return ops.map((o) => (o.op_id === sent.op_id ? { ...o, state: "conflict", reply } : o));
  }
  const rest = ops.filter((o) => o.op_id !== sent.op_id);
  if (!sent.merge || !reply || reply.rev == null) return rest;
  return rest.map((o) =>
    o.merge === sent.merge && open(o) && o.args.base_rev === sent.args.base_rev
      ? { ...o, args: { ...o.args, base_rev: reply.rev, entry_id: reply.entry_id } }
      : o,
  );
}

/** The server refused `sent` for good: it stays, with the server's answer, for the person
 *  to see, copy, retry or discard. */
export function afterRefused(ops, sent, status, body) {
  return ops.map((o) => (o.op_id === sent.op_id ? { ...o, state: "refused", error: { status, body } } : o));
}

/** The person asked to try a refused op again. */
export function retry(ops, opId) {
  return ops.map((o) => (o.op_id === opId && o.state === "refused" ? { ...o, state: "waiting", error: undefined } : o));
}

export function discard(ops, opId) {
  return ops.filter((o) => o.op_id !== opId);
}

/** What a reply means for the op that was sent: "sent" (with the parsed reply),
 *  "signed-out", "wrong-person" (another person's session holds this device),
 *  "refused" (never acceptable as it is), or "retry" (offline, unwell, or unreadable). */
export function classify(status, text) {
  if (status === null || status === undefined) return { outcome: "retry" };
  if (status >= 200 && status < 300) {
    try {
      return { outcome: "sent", reply: JSON.parse(text) };
    } catch {
      return { outcome: "retry" }; // a reply we cannot read is not a reply
    }
  }
  if (status === 401) return { outcome: "signed-out" };
  if (status === 409 && /"WrongPerson"/.test(text || "")) return { outcome: "wrong-person" };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { outcome: "refused" };
  return { outcome: "retry" };
}

/** Milliseconds to wait after `attempts` failures in a row: 2 s, 4 s, 8 s… up to a minute. */
export function backoff(attempts) {
  return Math.min(2000 * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_MS);
}

/** How many ops are still to send, and how many need the person (refused or conflicted). */
export function counts(ops) {
  const pending = ops.filter(open).length;
  return { pending, attention: ops.length - pending };
}

/** The newest text waiting to be sent for one answer, if any. */
export function latest(ops, merge) {
  const op = [...ops].reverse().find((o) => o.merge === merge && open(o));
  return op ? { body: op.args.body, entry_id: op.args.entry_id, base_rev: op.args.base_rev } : null;
}

/** An unsettled conflict of one answer: the other text, and the revision it is. */
export function conflict(ops, merge) {
  const op = ops.find((o) => o.merge === merge && o.state === "conflict");
  return op ? { mine: op.args.body, theirs: op.reply.conflict, rev: op.reply.rev, entry_id: op.reply.entry_id } : null;
}

/** The form body of an op: its arguments as they are, each field once; absent optional
 *  values are left out (the server reads them as none). */
export function encode(args) {
  const form = new URLSearchParams();
  // A list is a field sent more than once (a plain form's checkboxes).
  for (const [k, v] of Object.entries(args)) for (const x of [].concat(v)) if (x !== null && x !== undefined) form.append(k, String(x));
  return form.toString();
}

/** A plain form's fields as an op's args: a field sent more than once becomes a list. */
export function formArgs(pairs) {
  const args = {};
  for (const [k, v] of pairs) {
    if (typeof v !== "string") continue; // a file: plain forms here have none
    args[k] = k in args ? [].concat(args[k], v) : v;
  }
  return args;
}

/** Ops queued by builds before the outbox moved to IndexedDB (kept in localStorage as
 *  `{type: "save" | "progress", …}`), in today's form, so an update never strands them. */
export function fromLegacy(person, legacy, now) {
  const href = (key) => `/modules/${String(key).replace(".", "/")}`;
  return (Array.isArray(legacy) ? legacy : [])
    .filter((o) => o && typeof o.op_id === "string" && (o.type === "save" || o.type === "progress"))
    .map((o) =>
      o.type === "save"
        ? {
            op_id: o.op_id,
            person,
            path: "/api/log/save",
            args: {
              op_id: o.op_id, entry_id: o.entry_id, section_key: o.section_key,
              prompt_key: o.prompt_key, base_rev: o.base_rev, body: o.body,
            },
            merge: `answer:${o.section_key}:${o.prompt_key}`,
            label: "An answer written before Tandem was updated",
            href: href(o.section_key),
            queued_at: o.queued_at || now,
            state: "waiting",
          }
        : {
            op_id: o.op_id,
            person,
            path: "/api/progress/record",
            args: { op_id: o.op_id, section_key: o.section_key, kind: o.kind, seconds: o.seconds ?? null },
            merge: null,
            label: "Progress recorded before Tandem was updated",
            href: href(o.section_key),
            queued_at: o.queued_at || now,
            state: "waiting",
          },
    );
}

/** Wraps an async read whose result replaces some state. Reads overlap: one started before a
 *  write can finish after a read started since, and would put back the list from before the
 *  write (a comment queued offline vanishing from the status until the next read). So only
 *  the latest read started hands its result to `keep`; every caller still gets its own. */
export function latestRead(read, keep) {
  let started = 0;
  return async (...args) => {
    const mine = ++started;
    const result = await read(...args);
    if (mine === started) keep(result);
    return result;
  };
}
