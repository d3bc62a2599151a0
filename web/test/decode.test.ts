import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeConversationList,
  decodeHistory,
  decodeInboxEvent,
  decodePresence,
  decodeResponse,
  decodeSendAck,
  decodeSyncPage,
} from "../src/api/decode";
import { DecodeError } from "../src/api/errors";
import type { Response } from "../src/api/wire";
import { msg, summary } from "./fixtures";

const ok = (op: string, fields: Record<string, unknown>): Response => ({ op, ok: true, ...fields });

test("a message event decodes to a typed event with every field", () => {
  const ev = decodeInboxEvent({ type: "message", ...msg("7", 3), extra: "ignored" });
  assert.deepEqual(ev, { type: "message", ...msg("7", 3) });
});

test("a message with a field of the wrong type is refused, naming the field", () => {
  assert.throws(
    () => decodeInboxEvent({ type: "message", ...msg("7", 3), seq: "3" }),
    (e: unknown) => e instanceof DecodeError && e.code === "BAD_RESPONSE" && /seq/.test(e.message),
  );
  const { text: _t, ...noText } = msg("7", 3);
  assert.throws(() => decodeInboxEvent({ type: "message", ...noText }), /message event\.text/);
});

test("an inbox event of a type this client does not know is skipped, not an error", () => {
  assert.equal(decodeInboxEvent({ type: "reaction", conversation_id: "1" }), null);
});

test("the profile event: what others see of a profile; a bad avatar is an error", () => {
  const base = { type: "profile", user: "alice", display_name: "Alice B.", status_text: "", updated_at_ms: 5 };
  assert.deepEqual(decodeInboxEvent({ ...base, avatar: null }), { ...base, avatar: null });
  const avatar = { type: "image/png", url: "/v1/users/alice/avatar?v=abcd1234" };
  assert.deepEqual(decodeInboxEvent({ ...base, avatar }), { ...base, avatar });
  assert.throws(() => decodeInboxEvent({ ...base, avatar: { type: "image/png" } }), /profile event\.avatar/);
  assert.throws(() => decodeInboxEvent({ ...base, display_name: 3, avatar: null }), /profile event/);
});

test("mutes: a summary's muted_until_ms (0 when absent) and the mute event", () => {
  const { muted_until_ms: _m, ...old } = summary("1", 2);
  const list = decodeConversationList(
    ok("conversations", { conversations: [old, { ...summary("2", 1), muted_until_ms: -1 }] }),
  );
  assert.deepEqual(
    list.map((s) => s.muted_until_ms),
    [0, -1],
  );
  assert.throws(
    () => decodeConversationList(ok("conversations", { conversations: [{ ...summary("1", 2), muted_until_ms: -2 }] })),
    /muted_until_ms/,
  );
  assert.deepEqual(decodeInboxEvent({ type: "mute", conversation_id: "4", until_ms: 1700000000000 }), {
    type: "mute",
    conversation_id: "4",
    until_ms: 1700000000000,
  });
  assert.throws(() => decodeInboxEvent({ type: "mute", conversation_id: "4" }), /mute event\.until_ms/);
});

test("conversation events: the conversation is checked; users default to none", () => {
  const conversation = { conversation_id: "5", kind: "group", name: "T", last_seq: 0, members: [] };
  const ev = decodeInboxEvent({ type: "conversation", event: "renamed", conversation, actor: "bob" });
  assert.deepEqual(ev, { type: "conversation", event: "renamed", conversation, actor: "bob", users: [] });
  assert.throws(
    () => decodeInboxEvent({ type: "conversation", event: "x", conversation: { ...conversation, kind: "channel" } }),
    DecodeError,
  );
});

test("the response envelope: ok, req_id and error; anything without op is not a response", () => {
  assert.equal(decodeResponse({ type: "message" }), null);
  assert.equal(decodeResponse([1]), null);
  const r = decodeResponse({
    op: "send",
    ok: false,
    req_id: "r1",
    error: { code: "TOO_LONG", message: "m", retryable: false },
  });
  assert.deepEqual(r?.error, { code: "TOO_LONG", message: "m", retryable: false });
  assert.equal(r?.ok, false);
  assert.equal(decodeResponse({ op: "send", ok: "yes" })?.ok, false);
});

test("result decoders check the fields the client uses", () => {
  const list = decodeConversationList(
    ok("conversations", { conversations: [summary("1", 2, { last_message: msg("1", 2) })] }),
  );
  assert.equal(list[0].last_message?.seq, 2);
  assert.throws(
    () => decodeConversationList(ok("conversations", { conversations: [{ ...summary("1", 2), members: [1] }] })),
    DecodeError,
  );
  assert.throws(() => decodeConversationList(ok("conversations", {})), /conversations\.conversations/);
  const page = decodeSyncPage(
    ok("sync", { conversations: [{ conversation_id: "1", last_seq: 2, messages: [msg("1", 2)], has_more: false }] }),
  );
  assert.equal(page[0].messages[0].seq, 2);
  assert.throws(
    () => decodeSyncPage(ok("sync", { conversations: [{ conversation_id: "1", last_seq: 2, messages: [] }] })),
    /has_more/,
  );
  assert.deepEqual(decodeHistory(ok("history", { messages: [], has_more: true })), { messages: [], has_more: true });
  assert.deepEqual(decodeSendAck(ok("send", { conversation_id: "1", seq: 4, message_id: "9", server_time_ms: 5 })), {
    conversation_id: "1",
    seq: 4,
    message_id: "9",
    server_time_ms: 5,
  });
  assert.throws(() => decodeSendAck(ok("send", { seq: 4, server_time_ms: 5 })), /message_id/);
});

test("presence payloads: online/offline with last_seen_ms; anything else is null", () => {
  assert.deepEqual(decodePresence('{"user":"a","state":"offline","last_seen_ms":5,"devices":0}'), {
    state: "offline",
    last_seen_ms: 5,
  });
  assert.deepEqual(decodePresence('{"state":"online"}'), { state: "online" });
  assert.equal(decodePresence('{"state":"away"}'), null);
  assert.equal(decodePresence("not json"), null);
});

test("numbers the client cannot hold exactly, or that cannot be counts, are refused", () => {
  for (const seq of [2 ** 53, 2 ** 63, 1e300, -1, 1.5]) {
    assert.throws(
      () => decodeInboxEvent({ type: "message", ...msg("7", 3), seq }),
      (e: unknown) => e instanceof DecodeError && /message event\.seq/.test(e.message),
      String(seq),
    );
  }
  assert.equal(
    (decodeInboxEvent({ type: "message", ...msg("7", 3), seq: 2 ** 53 - 1 }) as { seq: number }).seq,
    2 ** 53 - 1,
  );
  assert.throws(
    () => decodeSendAck(ok("send", { seq: 1, message_id: "9", server_time_ms: 2 ** 64 })),
    /server_time_ms/,
  );
  assert.throws(
    () => decodeInboxEvent({ type: "read", conversation_id: "1", user: "a", read_seq: 9007199254740993 }),
    /read_seq/,
  );
});

test("presence: a last_seen_ms the client cannot hold is dropped, the state kept", () => {
  assert.deepEqual(decodePresence('{"state":"offline","last_seen_ms":9007199254740993}'), { state: "offline" });
  assert.deepEqual(decodePresence('{"state":"offline","last_seen_ms":-5}'), { state: "offline" });
  assert.deepEqual(decodePresence('{"state":"online","devices":2147483648}'), { state: "online" });
});
