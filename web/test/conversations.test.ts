import assert from "node:assert/strict";
import { test } from "node:test";
import { Conversations, TYPING_SHOW_MS, pageTitle } from "../src/state/conversations";
import { conversation, msg, summary } from "./fixtures";

function setup() {
  const log: string[] = [];
  const convs = new Conversations("alice", {
    ownMessage: (id) => log.push(`own ${id}`),
    dropped: (id) => log.push(`dropped ${id}`),
    gap: () => log.push("gap"),
    unknown: () => log.push("unknown"),
  });
  return { convs, log };
}

test("messages are kept once per (conversation, seq), and the sync cursor follows contiguous seqs", () => {
  const { convs, log } = setup();
  convs.applySummaries([summary("1", 0)], false);
  const c = convs.get("1")!;
  convs.addMessage(msg("1", 1), true);
  convs.addMessage(msg("1", 1, "bob", { text: "a repeat" }), true);
  assert.equal(c.msgs.size, 1);
  assert.equal(c.msgs.get(1)?.text, "message 1");
  convs.addMessage(msg("1", 3), false); // from a page: no gap alarm
  assert.equal(c.syncSeq, 1);
  assert.deepEqual(log, []);
  convs.addMessage(msg("1", 2), true);
  assert.equal(c.syncSeq, 3, "2 fills the hole, and 3 is already here");
  assert.deepEqual(c.sortedSeqs(), [1, 2, 3]);
  assert.equal(c.lastSeq, 3);
  assert.equal(c.lastMessage?.seq, 3);
  assert.equal(c.unread, 3);
});

test("a live message past a hole asks for a sync", () => {
  const { convs, log } = setup();
  convs.applySummaries([summary("1", 2)], false);
  convs.addMessage(msg("1", 5), true);
  assert.deepEqual(log, ["gap"]);
  assert.equal(convs.get("1")!.syncSeq, 2);
});

test("my own message settles its pending send and advances my read position", () => {
  const { convs, log } = setup();
  convs.applySummaries([summary("1", 4)], false);
  convs.addMessage(msg("1", 5, "alice"), true);
  assert.deepEqual(log, ["own alice-c5"]);
  assert.equal(convs.get("1")!.readSeq, 5);
  assert.equal(convs.get("1")!.unread, 0);
});

test("a message of an unknown conversation waits until the conversation is known", () => {
  const { convs, log } = setup();
  convs.addMessage(msg("9", 1), true);
  assert.deepEqual(log, ["unknown"]);
  assert.equal(convs.has("9"), false);
  convs.upsert(conversation("9", ["bob", "alice"]));
  assert.deepEqual([...convs.get("9")!.msgs.keys()], [1]);
});

test("the list drops conversations it no longer has; a reconnect moves only those with news", () => {
  const { convs, log } = setup();
  convs.applySummaries([summary("1", 1, { last_message: msg("1", 1) }), summary("2", 0)], false);
  assert.deepEqual(
    convs.sorted().map((c) => c.id),
    ["1", "2"],
  );
  convs.applySummaries([summary("2", 0, { members: ["alice", "carol"], read_seq: 0 })], true);
  assert.deepEqual(log, ["dropped 1"]);
  assert.deepEqual([...convs.get("2")!.members.keys()], ["alice", "carol"]);
  assert.deepEqual([...convs.contacts()], ["alice", "carol"]);
});

test("the list is ordered by activity, then by id (newest first, as 64-bit numbers)", () => {
  const { convs } = setup();
  convs.applySummaries([summary("9", 0), summary("10", 0), summary("3", 1, { last_message: msg("3", 1) })], false);
  assert.deepEqual(
    convs.sorted().map((c) => c.id),
    ["3", "10", "9"],
  );
});

test("sync pages advance each cursor to the page's top while has_more, else to last_seq", () => {
  const { convs } = setup();
  convs.applySummaries([summary("1", 0), summary("2", 0)], false);
  const r = convs.applySyncPage([
    { conversation_id: "1", last_seq: 5, messages: [msg("1", 1), msg("1", 2)], has_more: true },
    { conversation_id: "2", last_seq: 7, messages: [], has_more: false },
    { conversation_id: "3", last_seq: 1, messages: [msg("3", 1)], has_more: false },
  ]);
  assert.deepEqual(r, { more: true, unknown: true });
  assert.deepEqual(convs.cursors(), { "1": 2, "2": 7 });
  assert.equal(convs.get("2")!.lastSeq, 7);
});

test("read events move my position and other members' receipts, never back", () => {
  const { convs } = setup();
  convs.upsert(conversation("1", ["alice", "bob"], { last_seq: 9 }));
  assert.equal(convs.applyRead("1", "bob", 4), true);
  convs.applyRead("1", "bob", 2);
  assert.equal(convs.get("1")!.members.get("bob")?.read_seq, 4);
  convs.applyRead("1", "alice", 6);
  assert.equal(convs.get("1")!.readSeq, 6);
  assert.equal(convs.applyRead("2", "bob", 1), false);
});

test("the title and the list show one total, lowered when another of my devices reads", () => {
  const { convs } = setup();
  convs.upsert(conversation("1", ["alice", "bob"], { last_seq: 5 }));
  convs.upsert(conversation("2", ["alice", "carol"], { last_seq: 2 }));
  const listed = () => convs.sorted().reduce((n, c) => n + c.unread, 0);
  assert.equal(convs.totalUnread(), 7);
  assert.equal(listed(), 7);
  assert.equal(pageTitle(convs.totalUnread()), "(7) mqchat");
  convs.applyRead("1", "bob", 5); // bob's read is not mine
  assert.equal(convs.totalUnread(), 7);
  convs.applyRead("1", "alice", 4); // I read on my phone
  assert.equal(convs.totalUnread(), 3);
  assert.equal(listed(), 3);
  assert.equal(pageTitle(convs.totalUnread()), "(3) mqchat");
  convs.applyRead("2", "alice", 2);
  convs.applyRead("1", "alice", 5);
  assert.equal(pageTitle(convs.totalUnread()), "mqchat");
});

test("muted conversations stay in the list but leave the total, as push's badge", () => {
  const { convs } = setup();
  const now = 1_700_000_000_000;
  convs.applySummaries(
    [
      summary("1", 5, { read_seq: 1, unread: 4 }),
      summary("2", 3, { read_seq: 0, unread: 3, muted_until_ms: -1 }),
      summary("3", 2, { read_seq: 0, unread: 2, muted_until_ms: now + 60_000 }),
      summary("4", 1, { read_seq: 0, unread: 1, muted_until_ms: now - 1 }), // expired
    ],
    false,
  );
  assert.equal(convs.sorted().length, 4);
  assert.equal(convs.totalUnread(now), 4 + 1);
  assert.equal(pageTitle(convs.totalUnread(now)), "(5) mqchat");
  assert.equal(convs.totalUnread(now + 60_000), 4 + 2 + 1); // the timed mute ran out
  assert.equal(convs.applyMute("2", 0), true); // unmuted on my phone
  assert.equal(convs.totalUnread(now), 4 + 3 + 1);
  convs.applyMute("1", -1);
  assert.equal(convs.totalUnread(now), 3 + 1);
  assert.equal(convs.applyMute("9", -1), false);
});

test("typing shows for a while, ends with the user's next message, and is never my own", () => {
  const { convs } = setup();
  convs.upsert(conversation("1", ["alice", "bob"]));
  const c = convs.get("1")!;
  assert.equal(convs.applyTyping("1", "alice", true, 1000), false);
  assert.equal(convs.applyTyping("1", "bob", true, 1000), true);
  assert.deepEqual(c.typingUsers(1000 + TYPING_SHOW_MS - 1), ["bob"]);
  assert.deepEqual(c.typingUsers(1000 + TYPING_SHOW_MS), []);
  convs.addMessage(msg("1", 1, "bob"), true);
  assert.deepEqual(c.typingUsers(1000), []);
});

test("history: the latest page loads the conversation, older pages extend it backwards", () => {
  const { convs } = setup();
  convs.applySummaries([summary("1", 60)], false);
  const c = convs.get("1")!;
  assert.equal(c.oldestSeq(), 61);
  convs.applyLatest(c, [msg("1", 59), msg("1", 60)], true);
  assert.equal(c.latestLoaded, true);
  assert.equal(c.oldestSeq(), 59);
  convs.applyOlder(c, [msg("1", 58)], false);
  assert.equal(c.hasMoreBefore, false);
  assert.deepEqual(c.sortedSeqs(), [58, 59, 60]);
});
