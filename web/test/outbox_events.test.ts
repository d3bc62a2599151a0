// The outbox's edit, delete, react and reply entries (outbox_ops.ts): their requests, the log
// entries recorded from their acks, refusals, and surviving a reload with their client_msg_id.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatError } from "../src/api/errors";
import type { Response, WireMessage } from "../src/api/wire";
import { Outbox } from "../src/state/outbox";
import { OutboxBackend, OutboxStore, SavedSend } from "../src/state/outbox_store";

class FakeBackend implements OutboxBackend {
  rows = new Map<string, SavedSend>();
  async load() {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
  async put(s: SavedSend) {
    this.rows.set(s.client_msg_id, { ...s });
  }
  async remove(id: string) {
    this.rows.delete(id);
  }
  async clear() {
    this.rows.clear();
  }
}

interface Call {
  topic: string;
  body: Record<string, unknown>;
  resolve(r: Response): void;
  reject(e: unknown): void;
}

function page(backend: FakeBackend, online = true) {
  const calls: Call[] = [];
  const delivered: WireMessage[] = [];
  const failed: string[] = [];
  const state = { online };
  const store = new OutboxStore(backend);
  const outbox: Outbox = new Outbox({
    me: "alice",
    device: "web-1",
    online: () => state.online,
    request: (topic, body) => new Promise((resolve, reject) => calls.push({ topic, body, resolve, reject })),
    delivered: (m) => delivered.push(m),
    failed: (t) => failed.push(t),
    changed: () => store.sync(outbox.all()),
  });
  const start = async () => outbox.restore(await store.load());
  return { outbox, calls, delivered, failed, state, start };
}

const flush = () => new Promise<void>((r) => setImmediate(r));
const ack = (op: string, seq: number): Response => ({ op, ok: true, seq, message_id: "9", server_time_ms: 77 });

test("each op goes to its topic with its body, and its ack records the event", async () => {
  const { outbox, calls, delivered, start } = page(new FakeBackend());
  await start();
  const e = outbox.event("1", "edit", 4, "fixed");
  const d = outbox.event("1", "delete", 5);
  const r = outbox.event("1", "react", 4, "👍", true);
  const s = outbox.send("1", "yes", 1000, { replyTo: 4 });
  await flush();
  assert.deepEqual(
    calls.map((c) => [c.topic, c.body]),
    [
      ["mqchat/v1/c/1/edit", { client_msg_id: e.client_msg_id, seq: 4, text: "fixed" }],
      ["mqchat/v1/c/1/delete", { client_msg_id: d.client_msg_id, seq: 5 }],
      ["mqchat/v1/c/1/react", { client_msg_id: r.client_msg_id, seq: 4, emoji: "👍", remove: true }],
      ["mqchat/v1/c/1/send", { client_msg_id: s.client_msg_id, text: "yes", reply_to: 4 }],
    ],
  );
  calls.forEach((c, i) => c.resolve(ack(c.topic.split("/").pop()!, 10 + i)));
  await flush();
  assert.deepEqual(
    delivered.map((m) => [m.seq, m.kind, m.target_seq, m.text, m.reply_to]),
    [
      [10, "edit", 4, "fixed", undefined],
      [11, "delete", 5, "", undefined],
      [12, "unreact", 4, "👍", undefined],
      [13, undefined, undefined, "yes", 4],
    ],
  );
  assert.equal(outbox.all().length, 0);
});

test("an event refused for good is dropped with a clear sentence", async () => {
  const { outbox, calls, failed, start } = page(new FakeBackend());
  await start();
  outbox.event("1", "edit", 4, "x");
  await flush();
  calls[0].reject(new ChatError("EDIT_WINDOW_CLOSED", "too late", false));
  await flush();
  assert.deepEqual(failed, ["That message is too old to edit"]);
  assert.equal(outbox.all().length, 0);
});

test("a reaction already as asked (NO_CHANGE, a double click) is dropped without a notice", async () => {
  const { outbox, calls, failed, start } = page(new FakeBackend());
  await start();
  outbox.event("1", "react", 4, "👍");
  await flush();
  calls[0].reject(new ChatError("NO_CHANGE", "already reacted", false));
  await flush();
  assert.deepEqual(failed, []);
  assert.equal(outbox.all().length, 0);
});

test("an edit and a reaction written offline survive a reload with the same client_msg_id", async () => {
  const backend = new FakeBackend();
  const first = page(backend, false);
  await first.start();
  const e = first.outbox.event("1", "edit", 4, "fixed", false, 1000);
  const r = first.outbox.event("1", "react", 4, "🎉", false, 1001);
  await flush();
  assert.equal(backend.rows.size, 2);
  const second = page(backend, true);
  await second.start();
  await flush();
  assert.deepEqual(
    second.calls.map((c) => [c.topic, c.body]),
    [
      ["mqchat/v1/c/1/edit", { client_msg_id: e.client_msg_id, seq: 4, text: "fixed" }],
      ["mqchat/v1/c/1/react", { client_msg_id: r.client_msg_id, seq: 4, emoji: "🎉", remove: false }],
    ],
  );
});
