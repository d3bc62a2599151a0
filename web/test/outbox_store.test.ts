import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatError } from "../src/api/errors";
import type { Response } from "../src/api/wire";
import { Outbox } from "../src/state/outbox";
import { OutboxBackend, OutboxStore, SavedSend } from "../src/state/outbox_store";

/** An in-memory backend: what a page left in IndexedDB. */
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
  body: Record<string, unknown>;
  resolve(r: Response): void;
  reject(e: unknown): void;
}

/** One page: an outbox mirrored into `backend` after every change, as ChatState does. */
function page(backend: FakeBackend, online = true) {
  const calls: Call[] = [];
  const state = { online };
  const store = new OutboxStore(backend);
  const outbox: Outbox = new Outbox({
    me: "alice",
    device: "web-1",
    online: () => state.online,
    request: (_t, body) => new Promise((resolve, reject) => calls.push({ body, resolve, reject })),
    delivered: () => {},
    failed: () => {},
    changed: () => store.sync(outbox.all()),
  });
  const start = async () => outbox.restore(await store.load());
  return { outbox, store, calls, state, start };
}

const flush = () => new Promise<void>((r) => setImmediate(r));
const ack = (seq: number): Response => ({ op: "send", ok: true, seq, message_id: "9", server_time_ms: 1 });

test("a send not yet delivered survives a reload and goes out again with the same client_msg_id", async () => {
  const backend = new FakeBackend();
  const first = page(backend, false);
  await first.start();
  const p = first.outbox.send("7", "written offline", 1000);
  await flush();
  assert.deepEqual(
    [...backend.rows.values()],
    [{ client_msg_id: p.client_msg_id, conversation_id: "7", text: "written offline", created_ms: 1000 }],
  );

  // Reload: a new page of the same login, online this time.
  const second = page(backend, true);
  await second.start();
  assert.equal(second.calls.length, 1);
  assert.deepEqual(second.calls[0].body, { client_msg_id: p.client_msg_id, text: "written offline" });
  assert.equal(second.outbox.pendingFor("7")[0].created_ms, 1000);
  second.calls[0].resolve(ack(3));
  await flush();
  assert.equal(backend.rows.size, 0, "delivered: nothing left to resend");

  const third = page(backend, true);
  await third.start();
  assert.equal(third.calls.length, 0, "a delivered message is never sent again");
});

test("a restored send waits for the connection, and a refused one stays failed without resending", async () => {
  const backend = new FakeBackend();
  const first = page(backend, true);
  await first.start();
  const refused = first.outbox.send("7", "too much", 1);
  first.calls[0].reject(new ChatError("NOT_MEMBER", "not a member"));
  first.state.online = false;
  first.outbox.send("7", "later", 2);
  await flush();
  assert.equal(backend.rows.get(refused.client_msg_id)?.error, "You are not a member of this conversation");

  const second = page(backend, false);
  await second.start();
  assert.deepEqual(
    second.outbox.pendingFor("7").map((p) => [p.text, p.state]),
    [
      ["too much", "failed"],
      ["later", "waiting"],
    ],
  );
  assert.equal(second.calls.length, 0);
  second.state.online = true;
  second.outbox.flush();
  assert.deepEqual(
    second.calls.map((c) => c.body.text),
    ["later"],
  );
  second.outbox.discard(refused.client_msg_id);
  await flush();
  assert.equal(backend.rows.has(refused.client_msg_id), false, "discarded: gone from the device too");
});

test("nothing is written before the saved sends are loaded, so none is deleted unseen", async () => {
  const backend = new FakeBackend();
  await backend.put({ client_msg_id: "old", conversation_id: "7", text: "kept", created_ms: 1 });
  const p = page(backend, false);
  p.outbox.send("7", "new", 2); // before load(): not mirrored yet
  assert.deepEqual([...backend.rows.keys()], ["old"]);
  await p.start();
  await flush();
  assert.deepEqual(
    p.outbox.pendingFor("7").map((x) => x.text),
    ["kept", "new"],
  );
  assert.equal(backend.rows.size, 2);
});

test("logging out clears what this login kept; no backend keeps nothing and fails nothing", async () => {
  const backend = new FakeBackend();
  const p = page(backend, false);
  await p.start();
  p.outbox.send("7", "x");
  await flush();
  assert.equal(backend.rows.size, 1);
  p.store.clear();
  await flush();
  assert.equal(backend.rows.size, 0);

  const none = new OutboxStore(null);
  assert.deepEqual(await none.load(), []);
  none.sync([]);
  none.clear();
});
