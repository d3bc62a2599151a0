// The conversation list kept on the device (state/conv_cache.ts): a kept list is checked like the
// server's answer, and a conversation known only from it takes the server's position when the
// server's list arrives, so opening it loads the newest history, not the history up to when the
// list was kept.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cachedList, keptList } from "../src/state/conv_cache";
import { Conversations } from "../src/state/conversations";
import { msg, summary } from "./fixtures";

const hooks = { ownMessage: () => {}, dropped: () => {}, gap: () => {}, unknown: () => {} };

test("a kept list is read back as the server's answer is; anything else is as none", async () => {
  const list = [summary("1", 5), summary("2", 9, { name: "crew", kind: "group" })];
  assert.deepEqual(cachedList(JSON.parse(JSON.stringify(list))), list);
  assert.equal(cachedList(undefined), null);
  assert.equal(cachedList({ conversations: list }), null);
  assert.equal(cachedList([{ conversation_id: 7 }]), null, "a damaged record");
  const failing = { load: () => Promise.reject(new Error("no db")), save: async () => {}, clear: async () => {} };
  assert.equal(await keptList(failing), null);
  assert.equal(await keptList(null), null);
});

test("a conversation known from the kept list moves to the server's last seq; a loaded one keeps its cursor", () => {
  const convs = new Conversations("alice", hooks);
  convs.applySummaries([summary("1", 5), summary("2", 5)], false); // kept on the device
  convs.addMessage(msg("2", 6), true); // "2" has a message of its own by now
  convs.applySummaries([summary("1", 40), summary("2", 40)], false); // the server's, later
  assert.equal(convs.get("1")!.syncSeq, 40, "history of 1 is loaded from its newest message");
  assert.equal(convs.get("2")!.syncSeq, 6, "2's cursor stays where its messages are (sync fills the rest)");
});
