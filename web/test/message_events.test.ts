// The message events of docs/PROTOCOL.md "Event kinds" (edit, delete, react, unreact): applied to
// the message they name, never shown as messages, each once, and not counted as unread.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeInboxEvent, decodeHistory } from "../src/api/decode";
import { Conversations } from "../src/state/conversations";
import { msg, summary } from "./fixtures";

function setup() {
  const own: string[] = [];
  const convs = new Conversations("alice", {
    ownMessage: (id) => own.push(id),
    dropped: () => {},
    gap: () => {},
    unknown: () => {},
  });
  convs.applySummaries([summary("1", 1, { unread: 1 })], false);
  convs.addMessage(msg("1", 2, "bob", { text: "helo" }), true);
  return { convs, c: convs.get("1")!, own };
}

const ev = (seq: number, sender: string, kind: string, target: number, text: string) =>
  msg("1", seq, sender, { kind, target_seq: target, text });

test("an edit event changes its message's text and adds no message", () => {
  const { convs, c } = setup();
  convs.addMessage(ev(3, "bob", "edit", 2, "hello"), true);
  assert.deepEqual(c.sortedSeqs(), [2]);
  assert.equal(c.msgs.get(2)?.text, "hello");
  assert.equal(c.msgs.get(2)?.edited_at_ms, msg("1", 3).sent_at_ms);
  assert.equal(c.syncSeq, 3, "the event's seq counts for the sync cursor");
  assert.equal(c.lastMessage?.text, "hello", "the list preview follows the edit");
  assert.equal(c.unread, 2, "edits do not raise unread: messages 1 and 2");
});

test("a reaction event aggregates on its message with mine, once per seq, without unread", () => {
  const { convs, c } = setup();
  convs.addMessage(ev(3, "bob", "react", 2, "👍"), true);
  convs.addMessage(ev(4, "alice", "react", 2, "👍"), true);
  convs.addMessage(ev(4, "alice", "react", 2, "👍"), false); // the same event again (sync)
  convs.addMessage(ev(5, "bob", "react", 2, "🎉"), true);
  assert.deepEqual(c.sortedSeqs(), [2]);
  assert.deepEqual(c.msgs.get(2)?.reactions, [
    { emoji: "👍", count: 2, mine: true },
    { emoji: "🎉", count: 1, mine: false },
  ]);
  assert.equal(c.readSeq, 4, "my reaction moves my read position");
  assert.equal(c.unread, 0, "nothing unread above my reaction but a reaction");
  convs.addMessage(ev(6, "alice", "unreact", 2, "👍"), true);
  convs.addMessage(ev(7, "bob", "unreact", 2, "🎉"), true);
  assert.deepEqual(c.msgs.get(2)?.reactions, [{ emoji: "👍", count: 1, mine: false }]);
  assert.equal(c.unread, 0);
  assert.equal(c.syncSeq, 7);
});

test("a delete event leaves a tombstone without text", () => {
  const { convs, c } = setup();
  convs.addMessage(ev(3, "bob", "react", 2, "👍"), true);
  convs.addMessage(ev(4, "bob", "delete", 2, ""), true);
  const m = c.msgs.get(2)!;
  assert.equal(m.deleted, true);
  assert.equal(m.text, "");
  assert.equal(m.reactions, undefined);
  convs.addMessage(ev(5, "bob", "edit", 2, "zombie"), true);
  assert.equal(c.msgs.get(2)?.text, "", "a deleted message stays deleted");
  assert.deepEqual(c.sortedSeqs(), [2]);
});

test("unknown kinds are skipped but keep the seq bookkeeping", () => {
  const { convs, c } = setup();
  convs.addMessage(ev(3, "bob", "poll", 2, "?"), true);
  assert.deepEqual(c.sortedSeqs(), [2]);
  assert.equal(c.msgs.get(2)?.text, "helo");
  assert.equal(c.syncSeq, 3);
  assert.equal(c.unread, 2);
});

test("an event of a message not loaded is remembered by seq only", () => {
  const { convs, c } = setup();
  convs.addMessage(ev(3, "bob", "edit", 1, "x"), true);
  assert.deepEqual(c.sortedSeqs(), [2]);
  assert.equal(c.syncSeq, 3);
});

test("the live event decodes with its kind and target", () => {
  const e = decodeInboxEvent({ type: "message", ...ev(3, "bob", "react", 2, "👍") });
  assert.equal(e?.type, "message");
  if (e?.type !== "message") return;
  assert.equal(e.kind, "react");
  assert.equal(e.target_seq, 2);
});

test("history messages carry their current state, and replace what the device holds", () => {
  const page = decodeHistory({
    op: "history",
    ok: true,
    has_more: false,
    messages: [
      { ...msg("1", 2, "bob", { text: "hello" }), edited_at_ms: 5, reactions: [{ emoji: "👍", count: 2, mine: true }] },
      { ...msg("1", 4, "alice"), reply_to: 2, reply: { seq: 2, sender: "bob", snippet: "hello", deleted: false } },
      { ...msg("1", 5, "bob", { text: "" }), deleted: true },
    ],
  });
  assert.equal(page.messages[1].reply?.snippet, "hello");
  const { convs, c } = setup();
  convs.applyLatest(c, page.messages, false);
  assert.equal(c.msgs.get(2)?.text, "hello");
  assert.deepEqual(c.msgs.get(2)?.reactions, [{ emoji: "👍", count: 2, mine: true }]);
  assert.equal(c.msgs.get(4)?.reply_to, 2);
  assert.equal(c.msgs.get(5)?.deleted, true);
});

test("unread starts from the summary's count (which leaves out events) and adds only messages", () => {
  const { convs } = setup();
  convs.applySummaries([summary("1", 10, { read_seq: 5, unread: 2 })], false);
  const c = convs.get("1")!;
  assert.equal(c.unread, 2, "seqs 6..10 hold 2 messages and 3 events");
  convs.addMessage(ev(11, "bob", "react", 9, "👍"), true);
  assert.equal(c.unread, 2, "a reaction is not unread");
  convs.addMessage(msg("1", 12), true);
  assert.equal(c.unread, 3);
  convs.markRead(c);
  assert.equal(c.unread, 0);
});
