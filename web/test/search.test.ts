// Search in the web client (issue 17): the request body, the response decoder, the snippet cut
// by code point highlights (Korean syllables and emoji count one), and the state: pages
// appended with the cursor, an answer to a replaced query dropped, errors kept.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatError, DecodeError } from "../src/api/errors";
import { decodeSearchPage, hitTarget, searchBody, snippetParts } from "../src/api/search";
import type { Response } from "../src/api/wire";
import { SearchState } from "../src/state/search";

const message = (seq: number, text: string) => ({
  conversation_id: "7",
  seq,
  message_id: String(1000 + seq),
  sender: "bob",
  client_msg_id: `c${seq}`,
  text,
  sent_at_ms: 1_767_230_000_000 + seq,
});
const result = (seq: number, text: string, highlights: number[][]) => ({
  conversation: { conversation_id: "7", kind: "group", name: "팀" },
  message: message(seq, text),
  snippet: text,
  highlights,
});
const page = (results: unknown[], next?: string): Response => ({
  op: "search",
  ok: true,
  results,
  has_more: next !== undefined,
  ...(next ? { next_cursor: next } : {}),
});
const flush = () => new Promise<void>((r) => setImmediate(r));

test("the request body carries the query, the limit and only the options given", () => {
  assert.deepEqual(searchBody({ query: "점심" }), { query: "점심", limit: 20 });
  assert.deepEqual(searchBody({ query: "x", conversationId: "9", cursor: "123" }, 5), {
    query: "x",
    limit: 5,
    conversation_id: "9",
    cursor: "123",
  });
});

test("a page decodes; a bad highlight or a missing cursor is refused", () => {
  const p = decodeSearchPage(page([result(3, "내일 점심", [[3, 5]])], "1003"));
  assert.equal(p.results[0].conversation.kind, "group");
  assert.equal(p.results[0].conversation.name, "팀");
  assert.deepEqual(p.results[0].highlights, [[3, 5]]);
  assert.equal(p.has_more, true);
  assert.equal(p.next_cursor, "1003");
  assert.throws(() => decodeSearchPage(page([result(3, "x", [[-1, 2]])])), DecodeError);
  assert.throws(() => decodeSearchPage(page([result(3, "x", [[1]])])), DecodeError);
  assert.throws(() => decodeSearchPage({ op: "search", ok: true, results: [], has_more: true }), DecodeError);
  assert.throws(() => decodeSearchPage({ op: "search", ok: true, has_more: false }), DecodeError);
});

test("a channel's result decodes as a channel in its server and opens there (issue 18)", () => {
  const hit = {
    ...result(8, "budget meeting", [[0, 6]]),
    conversation: { conversation_id: "40", kind: "channel", name: "general", server_id: "12", server_name: "Club" },
  };
  const p = decodeSearchPage(page([hit, result(3, "budget", [[0, 6]])]));
  assert.deepEqual(p.results[0].conversation, {
    conversation_id: "40",
    kind: "channel",
    name: "general",
    server_id: "12",
    server_name: "Club",
  });
  assert.deepEqual(hitTarget(p.results[0]), { conversationId: "40", serverId: "12" });
  // A group's result is a conversation of the list, as before.
  assert.equal(p.results[1].conversation.kind, "group");
  assert.deepEqual(hitTarget(p.results[1]), { conversationId: "7" });
  // A server before the server fields: still a channel, opened as a conversation if known.
  const bare = { ...hit, conversation: { conversation_id: "40", kind: "channel", name: "general" } };
  const old = decodeSearchPage(page([bare])).results[0];
  assert.equal(old.conversation.kind, "channel");
  assert.deepEqual(hitTarget(old), { conversationId: "40" });
  // A server id that is no id is dropped, not followed.
  const forged = { ...hit, conversation: { ...hit.conversation, server_id: "../12" } };
  assert.deepEqual(hitTarget(decodeSearchPage(page([forged])).results[0]), { conversationId: "40" });
});

test("snippet parts follow code points, not UTF-16 units, and survive bad ranges", () => {
  assert.deepEqual(snippetParts("내일 점심 메뉴", [[3, 5]]), [
    { text: "내일 ", mark: false },
    { text: "점심", mark: true },
    { text: " 메뉴", mark: false },
  ]);
  // An emoji is one code point (two UTF-16 units): the match after it is still found.
  assert.deepEqual(snippetParts("🎉 Meeting", [[2, 9]]), [
    { text: "🎉 ", mark: false },
    { text: "Meeting", mark: true },
  ]);
  // Out of order, overlapping and out of bounds: clamped, never thrown.
  assert.deepEqual(
    snippetParts("abcdef", [
      [4, 99],
      [0, 2],
      [1, 3],
    ]),
    [
      { text: "ab", mark: true },
      { text: "c", mark: true },
      { text: "d", mark: false },
      { text: "ef", mark: true },
    ],
  );
  assert.deepEqual(snippetParts("<b>x</b>", []), [{ text: "<b>x</b>", mark: false }]);
});

function setup() {
  const calls: { body: Record<string, unknown>; resolve(r: Response): void; reject(e: unknown): void }[] = [];
  const s = new SearchState({
    request: (_topic, body) => new Promise((resolve, reject) => calls.push({ body, resolve, reject })),
    changed: () => {},
  });
  return { s, calls };
}

test("pages append with the cursor until there are no more", async () => {
  const { s, calls } = setup();
  const first = s.run("  점심 ");
  assert.equal(s.loading, true);
  assert.deepEqual(calls[0].body, { query: "점심", limit: 20 });
  calls[0].resolve(page([result(5, "점심 5", [[0, 2]])], "1005"));
  await first;
  assert.equal(s.results.length, 1);
  assert.equal(s.hasMore, true);
  const second = s.more();
  assert.equal(calls[1].body.cursor, "1005");
  calls[1].resolve(page([result(2, "점심 2", [[0, 2]])]));
  await second;
  assert.deepEqual(
    s.results.map((r) => r.message.seq),
    [5, 2],
  );
  assert.equal(s.hasMore, false);
  await s.more(); // nothing more to ask
  assert.equal(calls.length, 2);
});

test("an answer to a replaced or closed query is dropped; a refusal is kept", async () => {
  const { s, calls } = setup();
  void s.run("old");
  void s.run("new");
  calls[1].resolve(page([result(1, "new", [[0, 3]])]));
  calls[0].resolve(page([result(9, "old", [[0, 3]])]));
  await flush();
  assert.deepEqual(
    s.results.map((r) => r.message.text),
    ["new"],
  );
  void s.run("gone");
  s.close();
  calls[2].resolve(page([result(4, "gone", [[0, 4]])]));
  await flush();
  assert.equal(s.active, false);
  assert.deepEqual(s.results, []);
  const refused = s.run("x");
  calls[3].reject(new ChatError("FORBIDDEN", "search is turned off on this server", false));
  await refused;
  assert.ok(s.error instanceof ChatError);
  assert.equal(s.loading, false);
});
