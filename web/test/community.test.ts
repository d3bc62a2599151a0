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
    ownMessage: () => {},
    dropped: () => {},
    gap: () => {},
    unknown: () => {},
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

test("community: opening a server lists channels, roles and members, opens its first text channel, and keeps its messages as a conversation", async () => {
  const f = fake("bob", {
    servers: { servers: [server] },
    channels: {
      channels: [
        channel("39", { type: "category" }),
        channel("40", { category_id: "39", last_seq: 2, read_seq: 1, unread: 1 }),
      ],
    },
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
  assert.ok(f.c.isChannel("40"));
  assert.ok(!f.c.isChannel("39")); // a category is no conversation
  const conv = f.c.convs.get("40")!;
  assert.equal(conv.kind, "channel");
  assert.equal(conv.title("bob"), "# c40");
  assert.equal(conv.unread, 1);
  assert.deepEqual([...conv.members.keys()].sort(), ["alice", "bob"]);
  assert.equal(conv.myRole("bob"), "member"); // no manage_messages
  assert.equal(f.c.myPermissions("12"), 1 | 2 | 128); // @everyone's flags
  // History comes through the conversation code (ChatState's ops); here the page is applied.
  f.c.convs.applyLatest(conv, [msg(1, "hi"), msg(2, "there")], false);
  // Live: a new message once (a duplicate of one from history is dropped); a reaction applies.
  f.c.onChannelEvent("40", { type: "message", ...msg(3, "live") });
  f.c.onChannelEvent("40", { type: "message", ...msg(2, "there") });
  f.c.onChannelEvent("40", { type: "message", ...msg(4, "👍", "react") });
  assert.deepEqual(conv.sortedSeqs(), [1, 2, 3]);
  assert.deepEqual(conv.msgs.get(1)!.reactions, [{ emoji: "👍", count: 1, mine: true }]);
  f.c.onChannelEvent("40", { type: "typing", conversation_id: "40", user: "alice", typing: true });
  assert.deepEqual(conv.typingUsers(), ["alice"]);
});

test("community: a server opened at one of its channels (a search result) opens that channel, not the first", async () => {
  const f = fake("bob", {
    servers: { servers: [server] },
    channels: { channels: [channel("40"), channel("41", { position: 1 }), channel("42", { type: "voice" })] },
    roles: { roles: [{ role_id: "30", server_id: "12", name: "@everyone", permissions: 1 | 2, position: 0 }] },
    server_members: { members: [{ user: "bob", role_ids: ["30"] }] },
  });
  await f.c.refresh();
  await f.c.selectServer("12", "41");
  assert.equal(f.c.serverId, "12");
  assert.equal(f.c.channelId, "41");
  assert.deepEqual(f.subscribed, ["41"]);
  // Already open: another channel of it is opened in place; one it does not have (or a voice
  // channel) changes nothing.
  await f.c.selectServer("12", "40");
  assert.equal(f.c.channelId, "40");
  await f.c.selectServer("12", "99");
  await f.c.selectServer("12", "42");
  assert.equal(f.c.channelId, "40");
  assert.deepEqual(f.subscribed, ["41", "40"]);
});

test("community: manage_messages makes me a channel's admin; members past the first page load by page", async () => {
  const many = Array.from({ length: 1000 }, (_, i) => ({ user: `u${String(i).padStart(4, "0")}`, role_ids: ["30"] }));
  const pages: Record<string, unknown>[] = [];
  const f = fake("zed", {
    servers: { servers: [{ ...server, member_count: 1002 }] },
    channels: { channels: [channel("40")] },
    roles: {
      roles: [
        { role_id: "30", server_id: "12", name: "@everyone", permissions: 1 | 2, position: 0 },
        { role_id: "31", server_id: "12", name: "mods", permissions: 4, position: 1 },
      ],
    },
    get server_members() {
      const body = pages.length;
      pages.push({});
      // 1st: the first 1,000; 2nd: my own entry (after the key just below "zed"); 3rd: the rest.
      if (body === 0) return { members: many };
      if (body === 1) return { members: [{ user: "zed", role_ids: ["30", "31"] }] };
      return {
        members: [
          { user: "yves", role_ids: ["30"] },
          { user: "zed", role_ids: ["30", "31"] },
        ],
      };
    },
  });
  await f.c.refresh();
  await f.c.selectServer("12");
  assert.equal(f.c.membersOf("12").length, 1000);
  assert.equal(f.c.allMembersLoaded("12"), false);
  assert.equal(f.c.myPermissions("12"), 1 | 2 | 4);
  assert.equal(f.c.convs.get("40")!.myRole("zed"), "admin");
  const mine = f.asked.find((a) => a.includes('"limit":1}'))!;
  const after = JSON.parse(mine.slice(mine.indexOf("{"))).after as string;
  assert.ok(after < "zed" && after > "zec" && "zeb" < after, after);
  await f.c.loadMoreMembers("12");
  assert.equal(f.c.membersOf("12").length, 1002);
  assert.equal(f.c.allMembersLoaded("12"), true);
  assert.ok(f.asked[f.asked.length - 1].includes('"after":"u0999"'));
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
