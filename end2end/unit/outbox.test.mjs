// Unit tests of the outbox rules (public/outbox-core.js), run by `make unit` with Node's
// built-in test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as rules from "../../public/outbox-core.js";

let seq = 0;
/** An op as IndexedDB holds it (with its `seq`). */
const stored = (op) => ({ ...op, seq: ++seq });
const save = (op_id, body, base_rev = 1, prompt_key = "p1", state = "waiting") => ({
  op_id,
  person: 7,
  path: "/api/log/save",
  args: { op_id, entry_id: "e1", section_key: "m1.reflection", prompt_key, base_rev, body },
  merge: `answer:m1.reflection:${prompt_key}`,
  state,
});
const progress = (op_id) => ({
  op_id,
  person: 7,
  path: "/api/progress/record",
  args: { op_id, section_key: "m1.reflection", kind: "completed", seconds: null, client_time: 1700000000 },
  merge: null,
  state: "waiting",
});
const ids = (ops) => ops.map((o) => o.op_id);

test("writes keep their order, and a waiting save of the same answer is replaced in place", () => {
  let ops = [];
  ops = rules.enqueue(ops, save("a", "first")).map(stored);
  ops = rules.enqueue(ops, progress("b")).map((o) => (o.seq ? o : stored(o)));
  const seqOfA = ops[0].seq;
  ops = rules.enqueue(ops, save("c", "first and more", 5));
  assert.deepEqual(ids(ops), ["c", "b"], "the save keeps its place ahead of the completion");
  assert.equal(ops[0].seq, seqOfA, "it takes the place (the record) of the one it replaces");
  assert.equal(ops[0].args.body, "first and more");
  assert.equal(ops[0].args.base_rev, 1, "it keeps the revision the text was first written on");
  ops = rules.enqueue(ops, save("d", "another question", 0, "p2"));
  assert.deepEqual(ids(ops), ["c", "b", "d"]);
});

test("a save being sent is not replaced: the new text queues behind it", () => {
  const ops = rules.enqueue([stored(save("a", "sent", 1, "p1", "sending"))], save("b", "typed since"));
  assert.deepEqual(ids(ops), ["a", "b"]);
  assert.deepEqual(ops.map((o) => o.state), ["sending", "waiting"]);
});

test("the oldest open op goes next, including one a closed tab left sending", () => {
  const ops = [save("r", "x", 1, "p3", "refused"), save("a", "one", 1, "p1", "sending"), progress("b")];
  assert.equal(rules.nextToSend(ops).op_id, "a");
  assert.equal(rules.nextToSend([save("r", "x", 1, "p3", "refused")]), null);
  assert.deepEqual(rules.markWaiting(ops, "a").map((o) => o.state), ["refused", "waiting", "waiting"]);
  assert.deepEqual(rules.markSending(rules.markWaiting(ops, "a"), "a").map((o) => o.state), ["refused", "sending", "waiting"]);
});

test("after a save is accepted, later saves of that answer continue from its revision", () => {
  const ops = [save("a", "one", 1), progress("b"), save("c", "two", 1), save("d", "other", 1, "p2")];
  const next = rules.afterSent(ops, ops[0], { entry_id: "e9", rev: 2, status: "draft", conflict: null });
  assert.deepEqual(ids(next), ["b", "c", "d"]);
  assert.equal(next[1].args.base_rev, 2);
  assert.equal(next[1].args.entry_id, "e9");
  assert.equal(next[2].args.base_rev, 1, "another answer is untouched");
  assert.deepEqual(ids(rules.afterSent(ops, ops[1], null)), ["a", "c", "d"], "a progress op just goes");
});

test("a save that met another device's text stays as a conflict until the person settles it", () => {
  const ops = [save("a", "mine", 1), save("c", "mine, more", 1, "p2")];
  const reply = { entry_id: "e1", rev: 3, status: "draft", conflict: "theirs" };
  const next = rules.afterSent(ops, ops[0], reply);
  assert.deepEqual(next.map((o) => o.state), ["conflict", "waiting"]);
  assert.deepEqual(rules.counts(next), { pending: 1, attention: 1 }, "an unsettled conflict needs attention");
  assert.deepEqual(rules.conflict(next, "answer:m1.reflection:p1"), { mine: "mine", theirs: "theirs", rev: 3, entry_id: "e1" });
  const settled = rules.enqueue(next, save("k", "kept mine", 3));
  assert.deepEqual(ids(settled), ["c", "k"], "queuing a new text of that answer settles it");
  assert.equal(rules.conflict(settled, "answer:m1.reflection:p1"), null);
});

test("refused writes stay, with the server's answer, until retried or discarded", () => {
  const ops = [save("a", "text", 1), progress("b")];
  const refused = rules.afterRefused(ops, ops[0], 404, '{"NotFound":"There is no such section."}');
  assert.equal(refused[0].state, "refused");
  assert.equal(refused[0].error.status, 404);
  assert.deepEqual(rules.counts(refused), { pending: 1, attention: 1 });
  assert.equal(rules.nextToSend(refused).op_id, "b");
  assert.equal(rules.retry(refused, "a")[0].state, "waiting");
  assert.deepEqual(ids(rules.discard(refused, "a")), ["b"]);
});

test("replies are classified: sent, signed out, wrong person, refused for good, or retry", () => {
  assert.deepEqual(rules.classify(200, '{"rev":2}'), { outcome: "sent", reply: { rev: 2 } });
  assert.deepEqual(rules.classify(200, "null"), { outcome: "sent", reply: null });
  assert.equal(rules.classify(200, "<html>cut off").outcome, "retry", "an unreadable 2xx is not a reply");
  assert.equal(rules.classify(200, "").outcome, "retry");
  assert.equal(rules.classify(401, "").outcome, "signed-out");
  assert.equal(rules.classify(409, '{"WrongPerson":"…"}').outcome, "wrong-person");
  assert.equal(rules.classify(422, "{}").outcome, "refused");
  assert.equal(rules.classify(404, "{}").outcome, "refused");
  assert.equal(rules.classify(429, "").outcome, "retry");
  assert.equal(rules.classify(408, "").outcome, "retry");
  assert.equal(rules.classify(500, "").outcome, "retry");
  assert.equal(rules.classify(null, "").outcome, "retry");
});

test("backoff doubles from 2 seconds up to a minute", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(rules.backoff), [2000, 4000, 8000, 16000, 32000, 60000, 60000, rules.MAX_BACKOFF_MS]);
});

test("the newest open text of an answer is found", () => {
  const ops = [save("a", "old"), progress("b"), save("c", "new", 2), save("x", "refused", 2, "p1", "refused")];
  assert.deepEqual(rules.latest(ops, "answer:m1.reflection:p1"), { body: "new", entry_id: "e1", base_rev: 2 });
  assert.equal(rules.latest(ops, "answer:m1.reflection:p9"), null);
});

test("arguments are sent as a form, as they are, leaving out absent optional values", () => {
  const form = new URLSearchParams(rules.encode(progress("b").args));
  assert.deepEqual([...form.keys()], ["op_id", "section_key", "kind", "client_time"]);
  assert.equal(form.get("client_time"), "1700000000");
  assert.equal(new URLSearchParams(rules.encode({ body: "a & b = c\nnext" })).get("body"), "a & b = c\nnext");
});

test("a plain form's fields keep a field sent more than once, and go as they came", () => {
  const args = rules.formArgs([["owner", ""], ["goal1", "Help K join in"], ["modules1[]", "m1"], ["modules1[]", "m4"], ["file", {}]]);
  assert.deepEqual(args, { owner: "", goal1: "Help K join in", "modules1[]": ["m1", "m4"] });
  const form = new URLSearchParams(rules.encode(args));
  assert.deepEqual([...form.entries()], [["owner", ""], ["goal1", "Help K join in"], ["modules1[]", "m1"], ["modules1[]", "m4"]]);
});

test("writes queued by an earlier build (localStorage) come across unchanged", () => {
  const legacy = [
    { type: "save", op_id: "s1", entry_id: "e1", section_key: "m2.reflection", prompt_key: "p2", base_rev: 3, body: "old text", queued_at: 5 },
    { type: "progress", op_id: "p1", section_key: "m2.reflection", kind: "time_spent", seconds: 60, queued_at: 6 },
    { type: "mystery", op_id: "z" },
    null,
  ];
  const ops = rules.fromLegacy(12, legacy, 99);
  assert.deepEqual(ids(ops), ["s1", "p1"]);
  assert.equal(ops[0].path, "/api/log/save");
  assert.deepEqual(ops[0].args, { op_id: "s1", entry_id: "e1", section_key: "m2.reflection", prompt_key: "p2", base_rev: 3, body: "old text" });
  assert.equal(ops[0].merge, "answer:m2.reflection:p2");
  assert.equal(ops[0].href, "/modules/m2/reflection");
  assert.equal(ops[1].args.seconds, 60);
  assert.ok(ops.every((o) => o.person === 12 && o.state === "waiting"));
  assert.deepEqual(rules.fromLegacy(1, "not a list", 0), []);
});

test("of overlapping reads, one that finishes late cannot put back the list from before a write", async () => {
  // Two reads of the device's ops: the first starts before a comment is queued and
  // finishes last; the second starts after it and finishes first.
  const pending = [];
  const read = () => new Promise((resolve) => pending.push(resolve));
  let kept = null;
  const readOps = rules.latestRead(read, (list) => {
    kept = list;
  });
  const before = readOps();
  const after = readOps();
  pending[1](["comment"]);
  assert.deepEqual(await after, ["comment"]);
  pending[0]([]);
  assert.deepEqual(await before, [], "each caller still gets its own read");
  assert.deepEqual(kept, ["comment"], "the state keeps the latest read started");
  // A read on its own is kept as usual.
  const alone = readOps();
  pending[2](["comment", "save"]);
  await alone;
  assert.deepEqual(kept, ["comment", "save"]);
});
