import assert from "node:assert/strict";
import { test } from "node:test";
import { channelTopicId, decodeChannel, decodeChannels, decodeRole } from "../src/api/community";
import type { Response } from "../src/api/wire";
import { Community } from "../src/state/community";
import { inviteCodeOf } from "../src/ui/invite_link";

const server = { server_id: "12", name: "Club", owner: "alice", everyone_role_id: "30", member_count: 2 };
const channel = (id: string, extra: Record<string, unknown> = {}) => ({
  channel_id: id,
  server_id: "12",
  name: `c${id}`,
  type: "text",
  topic: "",
  position: 0,
  category_id: "0",
  ...extra,
});

/** A Community over canned answers by op; the requests made and the topics subscribed. */
function fake(me: string, answers: Record<string, Record<string, unknown>>) {
  const asked: string[] = [];
  const subscribed: string[] = [];
  let changes = 0;
  const c = new Community({
    me,
    request: async (topic, body) => {
      const op = topic.split("/").pop()!;
      asked.push(`${op} ${JSON.stringify(body)}`);
      const a = answers[op];
      if (!a) throw new Error(`no answer for ${op}`);
      return { op, ok: true, ...a } as Response;
    },
    subscribe: async (id) => void subscribed.push(id),
    unsubscribe: () => {},
    changed: () => changes++,
  });
  return { c, asked, subscribed, changes: () => changes };
}

const msg = (seq: number, text: string, kind?: string) => ({
  conversation_id: "40",
  seq,
  message_id: `m${seq}`,
  sender: "bob",
  client_msg_id: `c${seq}`,
  text,
  sent_at_ms: 1000 + seq,
  ...(kind ? { kind, target_seq: 1 } : {}),
});

test("community decoders: channels keep unread counts only when sent; bad types and bits are refused", () => {
  const plain = decodeChannel(channel("40"));
  assert.equal(plain.unread, undefined);
  assert.equal(plain.unread_mentions, undefined);
  const counted = decodeChannel(channel("41", { unread: 3, unread_mentions: 1, read_seq: 7 }));
  assert.deepEqual([counted.unread, counted.unread_mentions, counted.read_seq], [3, 1, 7]);
  assert.throws(() => decodeChannel(channel("42", { type: "video" })));
  assert.throws(() => decodeChannel(channel("42", { unread: -1 })));
  assert.throws(() => decodeRole({ role_id: "1", server_id: "12", name: "x", permissions: 512, position: 0 }));
  assert.throws(() => decodeChannels({ op: "channels", ok: true, channels: [channel("1"), 5] } as Response));
  assert.equal(channelTopicId("mqchat/v1/ch/40"), "40");
  assert.equal(channelTopicId("mqchat/v1/ch/+"), null);
  assert.equal(channelTopicId("mqchat/v1/ch/40/x"), null);
});

test("community: opening a server lists channels, roles and members, and opens its first text channel", async () => {
  const f = fake("bob", {
    servers: { servers: [server] },
    channels: { channels: [channel("39", { type: "category" }), channel("40", { category_id: "39" })] },
    roles: { roles: [{ role_id: "30", server_id: "12", name: "@everyone", permissions: 1 | 2 | 128, position: 0 }] },
    server_members: {
      members: [
        { user: "alice", owner: true, role_ids: ["30"] },
        { user: "bob", role_ids: ["30"] },
      ],
    },
    history: { conversation_id: "40", messages: [msg(1, "hi"), msg(2, "there")], has_more: false },
  });
  await f.c.refresh();
  await f.c.selectServer("12");
  assert.equal(f.c.channelId, "40");
  assert.deepEqual(f.subscribed, ["40"]);
  assert.deepEqual(
    f.c.messagesOf("40").map((m) => m.text),
    ["hi", "there"],
  );
  assert.equal(f.c.myPermissions("12"), 1 | 2 | 128); // @everyone's flags
  assert.ok(f.asked.some((a) => a.startsWith("history") && a.includes("before_seq")));
  // Live: a new message once (a duplicate of one from history is dropped); other kinds skipped.
  const before = f.changes();
  f.c.onChannelEvent("40", { type: "message", ...msg(3, "live") });
  f.c.onChannelEvent("40", { type: "message", ...msg(2, "there") });
  f.c.onChannelEvent("40", { type: "message", ...msg(4, "👍", "react") });
  assert.deepEqual(
    f.c.messagesOf("40").map((m) => m.seq),
    [1, 2, 3],
  );
  assert.equal(f.changes(), before + 1);
});

test("community: the owner and an administrator hold every flag", async () => {
  const roles = [
    { role_id: "30", server_id: "12", name: "@everyone", permissions: 1, position: 0 },
    { role_id: "31", server_id: "12", name: "admins", permissions: 256, position: 1 },
  ];
  const members = [
    { user: "alice", owner: true, role_ids: ["30"] },
    { user: "carl", role_ids: ["30", "31"] },
  ];
  for (const [me, want] of [
    ["alice", 511],
    ["carl", 511],
    ["dora", 1],
  ] as const) {
    const f = fake(me, {
      servers: { servers: [server] },
      channels: { channels: [] },
      roles: { roles },
      server_members: { members },
    });
    await f.c.refresh();
    await f.c.selectServer("12");
    assert.equal(f.c.myPermissions("12"), want, me);
  }
});

test("invite links: the code from a link or a bare code; anything else is none", () => {
  assert.equal(inviteCodeOf("http://h:8083/?api=x#invite/AbC-_123abc45678"), "AbC-_123abc45678");
  assert.equal(inviteCodeOf("  AbC-_123abc45678 "), "AbC-_123abc45678");
  assert.equal(inviteCodeOf("http://h/#c/12"), null);
  assert.equal(inviteCodeOf("bad code!"), null);
});
