import assert from "node:assert/strict";
import { test } from "node:test";
import type { Response } from "../src/api/wire";
import { Conversations } from "../src/state/conversations";
import { Syncer } from "../src/state/sync";
import { msg, summary } from "./fixtures";

function setup(pages: ((body: Record<string, unknown>) => Response)[]) {
  const bodies: Record<string, unknown>[] = [];
  const log: string[] = [];
  const convs = new Conversations("alice", {
    ownMessage: () => {},
    dropped: () => {},
    gap: () => log.push("gap"),
    unknown: () => {},
  });
  let gate: Promise<void> = Promise.resolve();
  const syncer = new Syncer(() => [convs], {
    request: async (topic, body) => {
      assert.equal(topic, "mqchat/v1/req/sync");
      bodies.push(structuredClone(body));
      await gate;
      const page = pages.shift();
      assert.ok(page, "no more sync requests expected");
      return page(body);
    },
    unknown: () => log.push("unknown"),
    changed: () => {},
  });
  return { convs, syncer, bodies, log, hold: (p: Promise<void>) => (gate = p) };
}

const page = (conversations: unknown[]) => (): Response => ({ op: "sync", ok: true, conversations });

test("sync repeats with advanced cursors while a page has more", async () => {
  const { convs, syncer, bodies, log } = setup([
    page([{ conversation_id: "1", last_seq: 3, messages: [msg("1", 1), msg("1", 2)], has_more: true }]),
    page([{ conversation_id: "1", last_seq: 3, messages: [msg("1", 3)], has_more: false }]),
  ]);
  convs.applySummaries([summary("1", 0)], false);
  await syncer.run();
  assert.deepEqual(bodies, [
    { cursors: { "1": 0 }, limit: 100 },
    { cursors: { "1": 2 }, limit: 100 },
  ]);
  assert.deepEqual(convs.get("1")!.sortedSeqs(), [1, 2, 3]);
  assert.deepEqual(log, []);
});

test("a sync asked for while one runs makes it go one more round, not two at once", async () => {
  let release!: () => void;
  const { convs, syncer, bodies, hold } = setup([page([]), page([])]);
  convs.applySummaries([summary("1", 0)], false);
  hold(new Promise<void>((r) => (release = r)));
  const first = syncer.run();
  await syncer.run(); // returns at once: the running sync goes again
  assert.equal(bodies.length, 1);
  release();
  await first;
  assert.equal(bodies.length, 2);
});

test("a page naming an unknown conversation asks for the list", async () => {
  const { syncer, log } = setup([page([{ conversation_id: "5", last_seq: 1, messages: [], has_more: false }])]);
  await syncer.run();
  assert.deepEqual(log, ["unknown"]);
});

test("sync applies edits, deletions and reactions once each, also those already seen live", async () => {
  const ev = (seq: number, kind: string, target: number, text: string) =>
    msg("1", seq, "bob", { kind, target_seq: target, text });
  const { convs, syncer, bodies } = setup([
    page([
      {
        conversation_id: "1",
        last_seq: 6,
        messages: [ev(3, "react", 1, "👍"), ev(4, "edit", 1, "fixed"), ev(5, "delete", 2, ""), ev(6, "poll", 1, "?")],
        has_more: false,
      },
    ]),
  ]);
  convs.applySummaries([summary("1", 0)], false);
  convs.addMessage(msg("1", 1), true);
  convs.addMessage(msg("1", 2), true);
  convs.addMessage(ev(3, "react", 1, "👍"), true); // live, then again in the page
  await syncer.run();
  assert.deepEqual(bodies, [{ cursors: { "1": 3 }, limit: 100 }]);
  const c = convs.get("1")!;
  assert.deepEqual(c.sortedSeqs(), [1, 2]);
  assert.equal(c.msgs.get(1)?.text, "fixed");
  assert.deepEqual(c.msgs.get(1)?.reactions, [{ emoji: "👍", count: 1, mine: false }]);
  assert.equal(c.msgs.get(2)?.deleted, true);
  assert.equal(c.syncSeq, 6);
  assert.equal(c.unread, 2, "only the two messages are unread");
});

test("one sync carries the cursors of conversations and channels; each page goes to the store that has it", async () => {
  const bodies: Record<string, unknown>[] = [];
  const hooks = { ownMessage: () => {}, dropped: () => {}, gap: () => {}, unknown: () => {} };
  const convs = new Conversations("alice", hooks);
  const channels = new Conversations("alice", hooks);
  convs.applySummaries([summary("1", 0)], false);
  channels.applyChannel({ channel_id: "40", name: "general", last_seq: 5 }, ["alice", "bob"], "member");
  let unknown = 0;
  const syncer = new Syncer(() => [convs, channels], {
    request: async (_topic, body) => {
      bodies.push(structuredClone(body));
      return page([
        { conversation_id: "1", last_seq: 1, messages: [msg("1", 1)], has_more: false },
        { conversation_id: "40", last_seq: 6, messages: [msg("40", 6)], has_more: false },
        { conversation_id: "77", last_seq: 2, messages: [msg("77", 1)], has_more: false },
      ])();
    },
    unknown: () => unknown++,
    changed: () => {},
  });
  await syncer.run();
  assert.deepEqual(bodies, [{ cursors: { "1": 0, "40": 5 }, limit: 100 }]);
  assert.deepEqual(convs.get("1")!.sortedSeqs(), [1]);
  assert.deepEqual(channels.get("40")!.sortedSeqs(), [6]);
  assert.equal(channels.get("40")!.syncSeq, 6);
  assert.ok(!convs.has("40") && !channels.has("1"), "nothing crosses stores");
  assert.equal(unknown, 1, "a conversation neither store knows asks for the list");
});
