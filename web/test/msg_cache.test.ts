// The messages kept on the device (state/msg_cache.ts) through ChatState, as a page uses them: a
// conversation's newest messages are kept in their current state (a deleted one without its
// text, nor the replies quoting it), bounded per conversation and in all; a new page shows them
// before (or without) the server's answer; the first sync brings them up to date, or, when they
// no longer join the server's newest, they are forgotten and history loads as for a new
// conversation; a logout deletes them.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConnHandlers, ConnStatus } from "../src/api/connection";
import { ChatError } from "../src/api/errors";
import type { InboxEvent, Response, WireMessage, WireSummary } from "../src/api/wire";
import { ChatState, Transport } from "../src/state/chat";
import { Conv } from "../src/state/conversation";
import { Conversations } from "../src/state/conversations";
import type { ConvCacheBackend } from "../src/state/conv_cache";
import { KeptRecord, MsgCache, MsgCacheBackend, keepPlan, keptRecord } from "../src/state/msg_cache";
import { msg, summary } from "./fixtures";

/** IndexedDB as the tests see it: what each backend holds, as JSON (what would be on disk). */
function memory() {
  const records = new Map<string, string>();
  let list: string | null = null;
  const msgs: MsgCacheBackend = {
    loadAll: async () => [...records.values()].map((r) => JSON.parse(r)),
    put: async (r) => void records.set(r.conversation_id, JSON.stringify(r)),
    remove: async (id) => void records.delete(id),
    clear: async () => records.clear(),
  };
  const convs: ConvCacheBackend = {
    load: async () => (list === null ? undefined : JSON.parse(list)),
    save: async (l) => void (list = JSON.stringify(l)),
    clear: async () => void (list = null),
  };
  const record = (id: string) => JSON.parse(records.get(id)!) as KeptRecord;
  const disk = () => [...records.values()].join("\n") + (list ?? "");
  return { msgs, convs, records, record, disk };
}

type Answer = (body: Record<string, unknown>) => Response | Promise<Response>;

/** A connection answering by op (`answers`; anything else refused), started offline or online. */
function transport(answers: Record<string, Answer>, { online = true } = {}) {
  let h: ConnHandlers | null = null;
  let up = false;
  const asked: { op: string; body: Record<string, unknown> }[] = [];
  const t: Transport = {
    get online() {
      return up;
    },
    start() {
      if (!online) return h!.status({ state: "waiting", attempt: 1, error: "down" } as ConnStatus);
      up = true;
      h!.status({ state: "online", attempt: 0 } as ConnStatus);
      h!.ready(true);
    },
    stop() {
      up = false;
      h!.status({ state: "stopped", attempt: 0 } as ConnStatus);
    },
    retryNow() {},
    async request(topic, body) {
      if (!up) throw new ChatError("OFFLINE", "Not connected", true);
      const op = topic.split("/").pop()!;
      asked.push({ op, body: structuredClone(body) });
      const a = answers[op];
      if (!a) throw new ChatError("INTERNAL", `no ${op} here`);
      return { ...(await a(body)), op, ok: true } as Response;
    },
    requestQuiet: () => Promise.reject(new ChatError("OFFLINE", "offline", true)),
    watchPresence() {},
    subscribeChannel: async () => {},
    unsubscribeChannel() {},
  };
  const connect = (_c: unknown, handlers: ConnHandlers) => {
    h = handlers;
    return t;
  };
  return {
    connect,
    asked,
    inbox: (ev: InboxEvent) => h!.inbox(ev),
    /** The broker comes back: connected, the first connection of this page. */
    comeOnline() {
      online = true;
      t.start();
    },
  };
}

const creds = { server: "ws://x/", user: "alice", mode: "password" as const, secret: "pw", device: "d1" };
const hooks = { authFailed: () => {}, firstFailure: () => false, removed: () => {} };
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function page(db: ReturnType<typeof memory>, t: ReturnType<typeof transport>) {
  return new ChatState(creds, hooks, t.connect, null, db.convs, db.msgs);
}

const list = (s: WireSummary) => () => ({ conversations: [s] }) as unknown as Response;
const history = (messages: WireMessage[]) => () => ({ messages, has_more: false }) as unknown as Response;
const syncPage =
  (last: number, messages: WireMessage[], has_more = false) =>
  () =>
    ({ conversations: [{ conversation_id: "1", last_seq: last, messages, has_more }] }) as unknown as Response;
const live = (m: WireMessage): InboxEvent => ({ type: "message", ...m }) as InboxEvent;

/** A first page: conversation 1 with messages 1..3 loaded, then live 4 (a reply quoting 2), 5 (a
 * reaction to 3) and 6 (2 deleted); then the page goes. */
async function firstPage(db: ReturnType<typeof memory>) {
  const msgs = [msg("1", 1), msg("1", 2, "bob", { text: "the secret plan" }), msg("1", 3)];
  // The list's preview is the message to be deleted (the list kept on the device has it too).
  const t = transport({ conversations: list(summary("1", 3, { last_message: msgs[1] })), history: history(msgs) });
  const s = page(db, t);
  s.start();
  await settle();
  s.open("1");
  await s.loadLatest("1");
  const quote = { seq: 2, sender: "bob", snippet: "the secret plan", deleted: false };
  t.inbox(live(msg("1", 4, "bob", { reply_to: 2, reply: quote })));
  t.inbox(live(msg("1", 5, "bob", { kind: "react", target_seq: 3, text: "👍" })));
  t.inbox(live(msg("1", 6, "bob", { kind: "delete", target_seq: 2, text: "" })));
  s.stop(); // the page goes: what is kept is written now
  await settle();
  return s;
}

test("a conversation's messages are kept in their current state; a deleted one's text is not", async () => {
  const db = memory();
  await firstPage(db);
  const r = db.record("1");
  assert.equal(r.through_seq, 6);
  assert.equal(r.latest_loaded, true);
  assert.deepEqual(
    r.messages.map((m) => m.seq),
    [1, 2, 3, 4],
  );
  assert.equal(r.messages[1].deleted, true);
  assert.equal(r.messages[1].text, "");
  assert.deepEqual(r.messages[2].reactions, [{ emoji: "👍", count: 1, mine: false }]);
  assert.deepEqual(r.messages[3].reply, { seq: 2, sender: "bob", snippet: "", deleted: true });
  assert.ok(!db.disk().includes("secret"), "the deleted text is nowhere on the device");
});

test("a new page shows the kept messages offline, read-only; the first sync brings them up to date", async () => {
  const db = memory();
  await firstPage(db);
  const t = transport(
    { conversations: list(summary("1", 7)), sync: syncPage(7, [msg("1", 7, "bob", { text: "news" })]) },
    { online: false },
  );
  const s = page(db, t);
  s.start();
  await settle();
  const c = s.conv("1")!;
  assert.deepEqual(c.sortedSeqs(), [1, 2, 3, 4], "shown before any answer");
  assert.equal(c.kept, true);
  assert.equal(c.latestLoaded, true);
  assert.equal(c.hasMoreBefore, false, "the whole conversation was kept: its start shows");

  t.comeOnline();
  await settle();
  const sync = t.asked.find((a) => a.op === "sync");
  assert.deepEqual(sync?.body.cursors, { "1": 6 }, "synced from the kept cursor");
  assert.deepEqual(c.sortedSeqs(), [1, 2, 3, 4, 7]);
  assert.equal(c.kept, false);
  assert.equal(t.asked.filter((a) => a.op === "history").length, 0, "no history needed");
  s.stop();
  await settle();
  assert.equal(db.record("1").through_seq, 7);
});

test("kept messages that no longer join the server's newest are forgotten; history loads as new", async () => {
  const db = memory();
  await firstPage(db);
  const far = [msg("1", 300, "bob", { text: "much later" })];
  const t = transport(
    {
      conversations: list(summary("1", 300)),
      sync: syncPage(300, [msg("1", 7), msg("1", 8)], true), // more than a page behind
      history: history(far),
    },
    { online: false },
  );
  const s = page(db, t);
  s.open("1");
  s.start();
  await settle();
  assert.deepEqual(s.conv("1")!.sortedSeqs(), [1, 2, 3, 4]);
  t.comeOnline();
  await settle();
  const c = s.conv("1")!;
  assert.equal(t.asked.filter((a) => a.op === "sync").length, 1, "no second page: the gap is not filled page by page");
  assert.deepEqual(t.asked.find((a) => a.op === "history")?.body, { before_seq: 301, limit: 50 });
  assert.deepEqual(c.sortedSeqs(), [300], "no kept message shown as if it joined the newest");
  assert.equal(c.kept, false);
  s.stop();
  await settle();
  assert.deepEqual(
    db.record("1").messages.map((m) => m.seq),
    [300],
  );
});

test("a logout deletes what is kept, after any write still going", async () => {
  const db = memory();
  const s = await firstPage(db);
  assert.equal(db.records.size, 1);
  const t = transport({ conversations: list(summary("1", 6)) });
  const again = page(db, t);
  again.start();
  await settle();
  again.stop(true);
  await settle();
  assert.equal(db.records.size, 0);
  assert.equal(db.disk(), "");
  void s;
});

test("kept: the newest messages up to the cursor, by conversation and in all, most recent first", () => {
  const conv = (id: string, seqs: number[], cursor: number) => {
    const c = new Conv(id);
    for (const seq of seqs) c.put(msg(id, seq));
    c.syncSeq = cursor;
    return c;
  };
  const a = conv("1", [1, 2, 3, 4, 5, 9], 5); // 9 is past a gap: not kept
  const b = conv("2", [1, 2, 3], 3);
  const empty = conv("3", [], 0);
  assert.deepEqual(
    [...keepPlan([a, b, empty], 3, 100)],
    [
      ["1", 3],
      ["2", 3],
    ],
  );
  assert.deepEqual(
    [...keepPlan([a, b], 4, 5)],
    [
      ["1", 4],
      ["2", 1],
    ],
  );
  assert.deepEqual(
    [...keepPlan([b, a], 4, 5)],
    [
      ["2", 3],
      ["1", 2],
    ],
  );
});

test("a damaged record is as none", () => {
  const good = { conversation_id: "1", through_seq: 3, latest_loaded: true, has_more_before: false };
  assert.ok(keptRecord({ ...good, messages: [msg("1", 1), msg("1", 3)] }));
  assert.equal(keptRecord({ ...good, messages: [msg("1", 4)] }), null, "past its cursor");
  assert.equal(keptRecord({ ...good, messages: [msg("1", 2), msg("1", 1)] }), null, "out of order");
  assert.equal(keptRecord({ ...good, messages: [msg("2", 1)] }), null, "another conversation's");
  assert.equal(keptRecord({ ...good, messages: [{ seq: 1 }] }), null);
  assert.equal(keptRecord({ ...good, conversation_id: 1, messages: [] }), null);
  assert.equal(keptRecord(null), null);
});

test("kept messages behind what the kept list knew are not shown (a gap shown as none)", () => {
  const hooks = { ownMessage: () => {}, dropped: () => {}, gap: () => {}, unknown: () => {} };
  const convs = new Conversations("alice", hooks);
  convs.applySummaries([summary("1", 9), summary("2", 4)], false);
  const window = (id: string, seqs: number[]) => ({
    through_seq: seqs[seqs.length - 1],
    latest_loaded: true,
    has_more_before: false,
    messages: seqs.map((s) => msg(id, s)),
  });
  assert.equal(convs.restoreKept("1", window("1", [3, 4, 5])), false);
  assert.equal(convs.get("1")!.msgs.size, 0);
  assert.equal(convs.restoreKept("2", window("2", [3, 4, 5])), true);
  assert.deepEqual(convs.get("2")!.sortedSeqs(), [3, 4, 5]);
  assert.equal(convs.restoreKept("3", window("3", [1])), false, "a conversation not in the list");
});

test("a write that waits behind a slow one writes the state of when it runs: a text deleted meanwhile is never written", async () => {
  // IndexedDB slow to answer (a loaded machine): the first write is held. Meanwhile a message
  // arrives (a second write is asked for) and is then deleted, and the page goes before the write
  // the deletion asks for runs: what the second write puts on the device must not be the text.
  const db = memory();
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  let first = true;
  const backend: MsgCacheBackend = {
    ...db.msgs,
    put: async (r) => {
      if (first) {
        first = false;
        await held;
      }
      await db.msgs.put(r);
    },
  };
  const c = new Conv("1");
  c.put(msg("1", 1));
  c.syncSeq = 1;
  const cache = new MsgCache(backend, () => [c]);
  void cache.flush(); // held
  c.put(msg("1", 2, "bob", { text: "the secret plan" }));
  c.syncSeq = 2;
  const second = cache.flush(); // waits behind the first
  c.replace({ ...c.msgs.get(2)!, text: "", deleted: true }); // deleted before it runs
  c.syncSeq = 3;
  release();
  await second;
  assert.ok(!db.disk().includes("secret"), `the deleted text was written to the device: ${db.disk()}`);
  assert.equal(db.record("1").messages[1].deleted, true, "the write took the deletion");
  assert.equal(db.record("1").through_seq, 3);
});
