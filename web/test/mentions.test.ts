import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeConversationList, decodeMessage } from "../src/api/decode";
import { Conversations } from "../src/state/conversations";
import { findMentions } from "../src/state/mentions";
import { applyEvent } from "../src/state/message_events";
import { entryOf, requestOf } from "../src/state/outbox_ops";
import { msg, summary } from "./fixtures";

function setup() {
  return new Conversations("alice", { ownMessage: () => {}, dropped: () => {}, gap: () => {}, unknown: () => {} });
}

test("findMentions: members named by @name, in order, once; trailing punctuation is not a name", () => {
  const members = ["alice", "bob", "carol.k", "dan"];
  assert.deepEqual(findMentions("hi @bob and @carol.k, and @bob again", members), ["bob", "carol.k"]);
  assert.deepEqual(findMentions("thanks @dan.", members), ["dan"]);
  assert.deepEqual(findMentions("@alice first", members), ["alice"]);
  assert.deepEqual(findMentions("mail bob@example.com or @eve or @bobby", members), []);
  assert.deepEqual(findMentions("no mentions", members), []);
});

test("a send and an edit carry their mentions; the recorded entry keeps them", () => {
  const send = { client_msg_id: "c1", conversation_id: "1", text: "@bob hi", mentions: ["bob"] };
  assert.deepEqual(requestOf(send).body, { client_msg_id: "c1", text: "@bob hi", mentions: ["bob"] });
  const edit = { ...send, op: "edit" as const, target_seq: 4 };
  assert.deepEqual(requestOf(edit).body, { client_msg_id: "c1", seq: 4, text: "@bob hi", mentions: ["bob"] });
  assert.deepEqual(requestOf({ ...send, mentions: [] }).body, { client_msg_id: "c1", text: "@bob hi" });
  const ack = { seq: 7, message_id: "77", server_time_ms: 1 };
  assert.deepEqual(entryOf(send, ack, "alice").mentions, ["bob"]);
});

test("decoders: a message's mentions and a summary's unread_mentions (absent: 0)", () => {
  const m = decodeMessage({ ...msg("1", 3), mentions: ["alice"] });
  assert.deepEqual(m.mentions, ["alice"]);
  assert.throws(() => decodeMessage({ ...msg("1", 3), mentions: [1] }));
  const list = decodeConversationList({
    op: "conversations",
    ok: true,
    conversations: [
      { ...summary("1", 5), unread_mentions: 2 },
      { ...summary("2", 5), unread_mentions: undefined },
    ],
  });
  assert.deepEqual(
    list.map((s) => s.unread_mentions),
    [2, 0],
  );
});

test("an edit replaces the message's mentions; a deletion drops them", () => {
  const m = msg("1", 3, "bob", { mentions: ["alice"] });
  const edit = msg("1", 4, "bob", { kind: "edit", target_seq: 3, text: "now @carol", mentions: ["carol"] });
  assert.deepEqual(applyEvent(m, edit, "alice")?.mentions, ["carol"]);
  const bare = msg("1", 4, "bob", { kind: "edit", target_seq: 3, text: "none" });
  assert.equal(applyEvent(m, bare, "alice")?.mentions, undefined);
  const del = msg("1", 5, "bob", { kind: "delete", target_seq: 3, text: "" });
  assert.equal(applyEvent(m, del, "alice")?.mentions, undefined);
});

test("unread mentions: the summary's count, live mentions of me above it, lowered by reading", () => {
  const convs = setup();
  convs.applySummaries([summary("1", 5, { read_seq: 3, unread: 2, unread_mentions: 1 })], false);
  const c = convs.get("1")!;
  assert.equal(c.unreadMentions, 1);
  convs.addMessage(msg("1", 6, "bob", { mentions: ["alice"] }), true);
  convs.addMessage(msg("1", 7, "bob", { mentions: ["carol"] }), true);
  assert.equal(c.unreadMentions, 2);
  convs.applyRead("1", "alice", 6);
  assert.equal(c.unreadMentions, 0);
  // An edit that adds me is a mention unread from the edit; one that drops me takes it back.
  convs.addMessage(msg("1", 8, "bob"), true);
  convs.addMessage(msg("1", 9, "bob", { kind: "edit", target_seq: 7, text: "@alice", mentions: ["alice"] }), true);
  assert.equal(c.unreadMentions, 1);
  convs.addMessage(msg("1", 10, "bob", { kind: "edit", target_seq: 7, text: "no" }), true);
  assert.equal(c.unreadMentions, 0);
  convs.addMessage(msg("1", 11, "bob", { mentions: ["alice"] }), true);
  convs.addMessage(msg("1", 12, "bob", { kind: "delete", target_seq: 11, text: "" }), true);
  assert.equal(c.unreadMentions, 0);
  const mine = msg("1", 13, "alice", { mentions: ["alice"] });
  convs.applyRead("1", "alice", 10);
  c.mentionSeqs.clear();
  convs.addMessage(mine, true); // my own mention of myself never counts
  assert.equal(c.mentionSeqs.size, 0);
});
