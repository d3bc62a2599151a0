// A call's entry in the conversation's log (PROTOCOL.md 8.5): decoded with its record, listed
// among the messages, unread for a member who missed it and read for one who took part or
// declined, and shown as one line.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeMessage } from "../src/api/decode";
import type { WireCallRecord } from "../src/api/wire";
import { callEntryLine, missedBy, previewLacksCall } from "../src/state/call_entry";
import { Conversations } from "../src/state/conversations";
import { msg, summary } from "./fixtures";

const record = (extra: Partial<WireCallRecord> = {}): WireCallRecord => ({
  call_id: "9f2c",
  outcome: "missed",
  video: false,
  duration_ms: 0,
  participants: ["bob"],
  ...extra,
});

function setup() {
  const convs = new Conversations("alice", {
    ownMessage: () => {},
    dropped: () => {},
    gap: () => {},
    unknown: () => {},
  });
  convs.applySummaries([summary("1", 0)], false);
  return { convs, c: convs.get("1")! };
}

test("a call entry decodes with its record; a message without one has none", () => {
  const m = decodeMessage({
    ...msg("1", 3, "bob", { kind: "call", text: "" }),
    call: {
      call_id: "9f2c",
      outcome: "declined",
      video: true,
      duration_ms: 0,
      participants: ["bob"],
      declined: ["alice"],
    },
  });
  assert.deepEqual(m.call, record({ outcome: "declined", video: true, declined: ["alice"] }));
  assert.equal(decodeMessage(msg("1", 4)).call, undefined);
  assert.throws(() => decodeMessage({ ...msg("1", 5, "bob", { kind: "call" }), call: { call_id: "x" } }));
});

test("a missed call is listed and unread; one I took part in or declined is read", () => {
  const { convs, c } = setup();
  convs.addMessage(msg("1", 1, "bob", { kind: "call", text: "", call: record() }), true);
  assert.deepEqual(c.sortedSeqs(), [1]);
  assert.equal(c.lastMessage?.seq, 1);
  assert.equal(c.unread, 1);
  convs.addMessage(msg("1", 2, "bob", { kind: "call", text: "", call: record({ declined: ["alice"] }) }), true);
  assert.equal(c.readSeq, 2);
  assert.equal(c.unread, 0);
  convs.addMessage(
    msg("1", 3, "bob", {
      kind: "call",
      text: "",
      call: record({ outcome: "answered", participants: ["alice", "bob"] }),
    }),
    true,
  );
  assert.equal(c.readSeq, 3);
  assert.equal(c.unread, 0);
});

test("the line of each outcome", () => {
  const line = (call: WireCallRecord) => callEntryLine(msg("1", 1, "bob", { kind: "call", text: "", call }));
  assert.equal(line(record()), "Missed call from bob");
  assert.equal(line(record({ video: true, outcome: "cancelled" })), "Missed video call from bob");
  assert.equal(line(record({ outcome: "declined", declined: ["alice"] })), "Call from bob declined");
  assert.equal(
    line(record({ outcome: "answered", duration_ms: 181000, participants: ["alice", "bob"] })),
    "Call, 3 min, alice, bob",
  );
  assert.equal(
    line(record({ outcome: "answered", duration_ms: 4200, participants: ["alice", "bob"] })),
    "Call, 4 s, alice, bob",
  );
  assert.equal(missedBy(record(), "alice"), true);
  assert.equal(missedBy(record({ declined: ["alice"] }), "alice"), false);
});

test("a list whose last message is older than an unread call loads the conversation's latest", () => {
  const convs = new Conversations("alice", {
    ownMessage: () => {},
    dropped: () => {},
    gap: () => {},
    unknown: () => {},
  });
  const last = (seq: number) => msg("1", seq, "bob");
  convs.applySummaries(
    [
      // Only a call, unread.
      summary("1", 1, { unread: 1 }),
      // A message (read), a reaction, then a missed call: unread 1 though last_message is read.
      summary("2", 3, { read_seq: 1, unread: 1, last_message: { ...last(1), conversation_id: "2" } }),
      // Two unread messages and a reaction after them: nothing but messages is unread.
      summary("3", 5, { read_seq: 2, unread: 2, last_message: { ...last(4), conversation_id: "3" } }),
      // A missed call before an unread message: the preview shows the message.
      summary("4", 3, { read_seq: 1, unread: 2, last_message: { ...last(3), conversation_id: "4" } }),
      // Everything read.
      summary("5", 4, { read_seq: 4, unread: 0, last_message: { ...last(2), conversation_id: "5" } }),
    ],
    false,
  );
  const lacking = ["1", "2", "3", "4", "5"].filter((id) => previewLacksCall(convs.get(id)!));
  assert.deepEqual(lacking, ["1", "2"]);
  // Once the latest entries are in, the call is the preview.
  const c = convs.get("1")!;
  convs.applyLatest(c, [msg("1", 1, "bob", { kind: "call", text: "", call: record() })], false);
  assert.equal(c.lastMessage?.call?.outcome, "missed");
  assert.equal(previewLacksCall(c), false);
});
