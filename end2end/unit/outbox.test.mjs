// Unit tests of the outbox rules (public/outbox-core.js), run by `make unit` with Node's
// built-in test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { enqueue, afterSent, classify, backoff, waitingText, MAX_BACKOFF_MS } from "../../public/outbox-core.js";

const save = (op_id, body, base_rev = 1, prompt_key = "p1") => ({
  type: "save", op_id, entry_id: "e1", section_key: "m1.reflection", prompt_key, base_rev, body,
});
const progress = (op_id) => ({ type: "progress", op_id, section_key: "m1.reflection", kind: "completed" });

test("writes keep their order, and a waiting save is replaced in place", () => {
  let ops = [];
  ops = enqueue(ops, save("a", "first"));
  ops = enqueue(ops, progress("b"));
  ops = enqueue(ops, save("c", "first and more", 5));
  assert.deepEqual(ops.map((o) => o.op_id), ["c", "b"], "the save keeps its place ahead of the completion");
  assert.equal(ops[0].body, "first and more");
  assert.equal(ops[0].base_rev, 1, "it keeps the revision the text was first written on");
  ops = enqueue(ops, save("d", "another question", 0, "p2"));
  assert.deepEqual(ops.map((o) => o.op_id), ["c", "b", "d"]);
});

test("a save already in flight is not replaced: the new text queues behind it", () => {
  const ops = enqueue([save("a", "sent")], save("b", "typed since"), "a");
  assert.deepEqual(ops.map((o) => o.op_id), ["a", "b"]);
});

test("after a save is accepted, later saves of that answer continue from its revision", () => {
  const ops = [save("a", "one", 1), progress("b"), save("c", "two", 1), save("d", "other", 1, "p2")];
  const next = afterSent(ops, ops[0], { entry_id: "e1", rev: 2, conflict: null });
  assert.deepEqual(next.map((o) => o.op_id), ["b", "c", "d"]);
  assert.equal(next[1].base_rev, 2);
  assert.equal(next[2].base_rev, 1, "another answer is untouched");
});

test("after a conflict nothing is rebased: the person settles it", () => {
  const ops = [save("a", "mine", 1), save("c", "mine, more", 1)];
  const next = afterSent(ops, ops[0], { entry_id: "e1", rev: 3, conflict: "theirs" });
  assert.equal(next[0].base_rev, 1);
});

test("replies are classified: sent, signed out, refused for good, or retry", () => {
  assert.equal(classify(200), "sent");
  assert.equal(classify(401), "signed-out");
  assert.equal(classify(422), "refused");
  assert.equal(classify(404), "refused");
  assert.equal(classify(429), "retry");
  assert.equal(classify(500), "retry");
  assert.equal(classify(null), "retry");
});

test("backoff doubles from 2 seconds up to a minute", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(backoff), [2000, 4000, 8000, 16000, 32000, 60000, 60000, MAX_BACKOFF_MS]);
});

test("the newest waiting text of an answer is found", () => {
  const ops = [save("a", "old"), progress("b"), save("c", "new", 2)];
  assert.deepEqual(waitingText(ops, "m1.reflection", "p1"), { body: "new", entry_id: "e1", base_rev: 2 });
  assert.equal(waitingText(ops, "m1.reflection", "p9"), null);
});
