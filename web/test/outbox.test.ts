import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { ChatError } from "../src/api/errors";
import type { Response, WireMessage } from "../src/api/wire";
import { Outbox, retryDelayMs } from "../src/state/outbox";

interface Call {
  topic: string;
  body: Record<string, unknown>;
  resolve(r: Response): void;
  reject(e: unknown): void;
}

function setup(online = true) {
  const calls: Call[] = [];
  const delivered: WireMessage[] = [];
  const failed: string[] = [];
  const state = { online };
  const outbox = new Outbox({
    me: "alice",
    device: "web-1",
    online: () => state.online,
    request: (topic, body) => new Promise((resolve, reject) => calls.push({ topic, body, resolve, reject })),
    delivered: (m) => {
      delivered.push(m);
      outbox.settled(m.client_msg_id);
    },
    failed: (t) => failed.push(t),
    changed: () => {},
  });
  return { outbox, calls, delivered, failed, state };
}

const flush = () => new Promise<void>((r) => setImmediate(r));
const ack = (seq: number): Response => ({
  op: "send",
  ok: true,
  conversation_id: "1",
  seq,
  message_id: "77",
  client_msg_id: "x",
  server_time_ms: 5000,
});

beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
afterEach(() => mock.timers.reset());

test("a send is delivered from its ack and leaves the outbox", async () => {
  const { outbox, calls, delivered } = setup();
  const p = outbox.send("1", "hi");
  assert.equal(p.state, "sending");
  assert.equal(calls.length, 1);
  assert.equal(calls[0].topic, "mqchat/v1/c/1/send");
  assert.deepEqual(calls[0].body, { client_msg_id: p.client_msg_id, text: "hi" });
  calls[0].resolve(ack(4));
  await flush();
  assert.deepEqual(delivered, [
    {
      conversation_id: "1",
      seq: 4,
      message_id: "77",
      sender: "alice",
      client_msg_id: p.client_msg_id,
      text: "hi",
      sent_at_ms: 5000,
    },
  ]);
  assert.deepEqual(outbox.pendingFor("1"), []);
});

test("a retryable failure retries after a backoff with the same client_msg_id", async () => {
  const { outbox, calls, failed } = setup();
  const p = outbox.send("1", "hi");
  calls[0].reject(new ChatError("OVERLOADED", "busy", true));
  await flush();
  assert.equal(outbox.get(p.client_msg_id)?.state, "sending");
  assert.equal(calls.length, 1);
  mock.timers.tick(retryDelayMs(1) - 1);
  assert.equal(calls.length, 1, "not before the backoff");
  mock.timers.tick(1);
  assert.equal(calls.length, 2);
  assert.equal(calls[1].body.client_msg_id, p.client_msg_id);
  assert.deepEqual(failed, []);
});

test("a refused send fails with the reason, until retried or discarded", async () => {
  const { outbox, calls, failed } = setup();
  const p = outbox.send("1", "x".repeat(10));
  calls[0].reject(new ChatError("TOO_LONG", "text has 100001 characters; the limit is 100000"));
  await flush();
  const failedSend = outbox.get(p.client_msg_id)!;
  assert.equal(failedSend.state, "failed");
  assert.equal(failedSend.error, "Message too long (100001 characters; limit 100000)");
  assert.deepEqual(failed, [failedSend.error]);
  outbox.flush();
  assert.equal(calls.length, 1, "a failed send does not go out on its own");
  outbox.retry(p.client_msg_id);
  assert.equal(calls.length, 2);
  outbox.discard(p.client_msg_id);
  assert.equal(outbox.get(p.client_msg_id), undefined);
});

test("an ack that is not an ack fails the send instead of recording junk", async () => {
  const { outbox, calls, delivered } = setup();
  const p = outbox.send("1", "hi");
  calls[0].resolve({ op: "send", ok: true, seq: "4" });
  await flush();
  assert.deepEqual(delivered, []);
  assert.equal(outbox.get(p.client_msg_id)?.state, "failed");
});

test("offline sends wait, and go out in order when the connection is ready", () => {
  const { outbox, calls, state } = setup(false);
  const a = outbox.send("1", "first");
  outbox.send("1", "second");
  assert.equal(a.state, "waiting");
  assert.equal(calls.length, 0);
  state.online = true;
  outbox.flush();
  assert.deepEqual(
    calls.map((c) => c.body.text),
    ["first", "second"],
  );
});

test("a conversation dropped takes its pending sends with it", () => {
  const { outbox } = setup(false);
  outbox.send("1", "a");
  outbox.send("2", "b");
  outbox.dropConversation("1");
  assert.deepEqual(outbox.pendingFor("1"), []);
  assert.equal(outbox.pendingFor("2").length, 1);
});

test("RATE_LIMITED holds a send for retry_after_ms and later sends of its conversation wait behind it", async () => {
  const { outbox, calls, delivered, failed } = setup();
  const a = outbox.send("1", "first");
  const b = outbox.send("1", "second"); // in flight beside "first"
  assert.equal(calls.length, 2);
  calls[0].reject(new ChatError("RATE_LIMITED", "too many messages", true, 700));
  calls[1].reject(new ChatError("RATE_LIMITED", "too many messages", true, 700));
  await flush();
  assert.ok((outbox.get(a.client_msg_id)!.retryAt ?? 0) > 0, "a held send says when it goes");
  const c = outbox.send("1", "third"); // written meanwhile: waits behind the held ones
  outbox.send("2", "elsewhere"); // another conversation is not held up
  assert.deepEqual(
    calls.slice(2).map((x) => x.body.text),
    ["elsewhere"],
  );
  outbox.flush(); // (a reconnect, say) does not cut the wait short
  mock.timers.tick(699);
  assert.equal(calls.length, 3, "not before retry_after_ms (not the 1 s backoff either)");
  mock.timers.tick(1);
  assert.equal(outbox.get(a.client_msg_id)!.retryAt, undefined, "on its way again");
  // Both waits are over: all three go, in the order they were written, same ids.
  assert.deepEqual(
    calls.slice(3).map((x) => x.body.text),
    ["first", "second", "third"],
  );
  assert.equal(calls[3].body.client_msg_id, a.client_msg_id);
  assert.equal(calls[4].body.client_msg_id, b.client_msg_id);
  calls[3].resolve({ ...ack(1), client_msg_id: a.client_msg_id });
  calls[4].resolve({ ...ack(2), client_msg_id: b.client_msg_id });
  calls[5].resolve({ ...ack(3), client_msg_id: c.client_msg_id });
  await flush();
  assert.deepEqual(
    delivered.map((m) => [m.text, m.seq]),
    [
      ["first", 1],
      ["second", 2],
      ["third", 3],
    ],
  );
  assert.deepEqual(failed, []);
  assert.deepEqual(outbox.pendingFor("1"), []);
});

test("a send waiting for a retry holds back the later ones of its conversation", async () => {
  const { outbox, calls } = setup();
  outbox.send("1", "first");
  calls[0].reject(new ChatError("OVERLOADED", "busy", true));
  await flush();
  outbox.send("1", "second");
  assert.equal(calls.length, 1, "second waits behind first");
  mock.timers.tick(retryDelayMs(1));
  assert.deepEqual(
    calls.slice(1).map((x) => x.body.text),
    ["first", "second"],
  );
});
