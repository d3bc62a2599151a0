// The privacy settings (docs/PROTOCOL.md "Blocking and who may message me"): decoding, the state
// kept from answers and `privacy` events, and the sentences for the refusals.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeInboxEvent, decodePrivacy } from "../src/api/decode";
import { ChatError, DecodeError } from "../src/api/errors";
import type { PrivacySettings, Response } from "../src/api/wire";
import { describeError } from "../src/state/describe";
import { Outbox } from "../src/state/outbox";
import { Privacy } from "../src/state/privacy";

interface Call {
  topic: string;
  body: Record<string, unknown>;
  resolve(r: Response): void;
  reject(e: unknown): void;
}

const settings = (blocked: string[], dm_policy: PrivacySettings["dm_policy"] = "everyone") => ({
  blocked: blocked.map((user, i) => ({ user, blocked_at_ms: 1_700_000_000_000 + i })),
  dm_policy,
});
const answer = (op: string, s: PrivacySettings): Response => ({ op, ok: true, ...s });
const flush = () => new Promise<void>((r) => setImmediate(r));

function setup() {
  const calls: Call[] = [];
  let changes = 0;
  const privacy = new Privacy({
    request: (topic, body) => new Promise((resolve, reject) => calls.push({ topic, body, resolve, reject })),
    changed: () => changes++,
  });
  return { privacy, calls, changes: () => changes };
}

test("the settings decode from an answer and from a privacy event; a bad dm_policy is refused", () => {
  assert.deepEqual(
    decodePrivacy(answer("blocks", settings(["bob"], "shared_group"))),
    settings(["bob"], "shared_group"),
  );
  const ev = decodeInboxEvent({ type: "privacy", ...settings(["bob", "carol"], "existing_only") });
  assert.deepEqual(ev, { type: "privacy", ...settings(["bob", "carol"], "existing_only") });
  assert.throws(() => decodePrivacy({ blocked: [], dm_policy: "friends" }), DecodeError);
  assert.throws(() => decodePrivacy({ blocked: [{ user: "bob" }], dm_policy: "everyone" }), DecodeError);
  assert.throws(() => decodePrivacy({ dm_policy: "everyone" }), DecodeError);
});

test("refresh asks `blocks`; block, unblock and setDmPolicy send their request and keep the answer", async () => {
  const { privacy, calls, changes } = setup();
  assert.equal(privacy.settings?.dm_policy, undefined, "nothing before the first answer");
  void privacy.refresh();
  assert.equal(calls[0].topic, "mqchat/v1/req/blocks");
  calls[0].resolve(answer("blocks", settings([])));
  await flush();
  assert.deepEqual(privacy.settings, settings([]));

  const blocked = privacy.block("bob");
  assert.equal(calls[1].topic, "mqchat/v1/req/block");
  assert.deepEqual(calls[1].body, { user: "bob" });
  calls[1].resolve(answer("block", settings(["bob"])));
  assert.deepEqual(await blocked, settings(["bob"]));
  assert.equal(privacy.isBlocked("bob"), true);
  assert.equal(privacy.isBlocked("carol"), false);

  const policy = privacy.setDmPolicy("existing_only");
  assert.equal(calls[2].topic, "mqchat/v1/req/set_dm_policy");
  assert.deepEqual(calls[2].body, { dm_policy: "existing_only" });
  calls[2].resolve(answer("set_dm_policy", settings(["bob"], "existing_only")));
  await policy;
  assert.equal(privacy.settings?.dm_policy, "existing_only");

  const unblocked = privacy.unblock("bob");
  assert.equal(calls[3].topic, "mqchat/v1/req/unblock");
  assert.deepEqual(calls[3].body, { user: "bob" });
  calls[3].resolve(answer("unblock", settings([], "existing_only")));
  await unblocked;
  assert.equal(privacy.isBlocked("bob"), false);
  assert.equal(changes(), 4, "each answer is a change the view hears of");
});

test("a privacy event from another device replaces the settings at once", () => {
  const { privacy, changes } = setup();
  privacy.applyEvent(settings(["bob", "dave"], "shared_group"));
  assert.equal(privacy.isBlocked("bob"), true);
  assert.equal(privacy.isBlocked("dave"), true);
  assert.equal(privacy.settings?.dm_policy, "shared_group");
  privacy.applyEvent(settings(["dave"], "shared_group"));
  assert.equal(privacy.isBlocked("bob"), false);
  assert.equal(changes(), 2);
});

test("an answer to a request sent before a newer event does not undo the event", async () => {
  const { privacy, calls } = setup();
  void privacy.refresh();
  privacy.applyEvent(settings(["bob"])); // blocked on another device while `blocks` was asked
  calls[0].resolve(answer("blocks", settings([])));
  await flush();
  assert.equal(privacy.isBlocked("bob"), true);
});

test("a refused op rejects with the server's error and changes nothing", async () => {
  const { privacy, calls } = setup();
  privacy.applyEvent(settings([]));
  const p = privacy.block("alice");
  calls[0].reject(new ChatError("INVALID", "you cannot block yourself"));
  await assert.rejects(p, (e: unknown) => e instanceof ChatError && e.code === "INVALID");
  assert.deepEqual(privacy.settings, settings([]));
});

test("the refusals read as sentences, and NOT_ACCEPTING never tells a block apart", () => {
  const notAccepting = new ChatError("NOT_ACCEPTING", "alice does not accept direct messages from you");
  assert.equal(describeError(notAccepting, { user: "alice" }), "alice does not accept direct messages from you");
  assert.equal(describeError(notAccepting, { peer: "alice" }), "alice does not accept direct messages from you");
  assert.equal(describeError(notAccepting), "This user does not accept direct messages from you");
  const self = new ChatError("INVALID", "you cannot block yourself");
  assert.equal(describeError(self, { op: "block", user: "bob" }), "You cannot block yourself");
  const full = new ChatError("INVALID", "you have blocked 1000 users; the limit is 1000");
  assert.match(describeError(full, { op: "block", user: "bob" }), /^Cannot block: .*limit is 1000/);
  assert.equal(describeError(new ChatError("NOT_FOUND", "no such user: zed"), { user: "zed" }), 'No user named "zed"');
});

test("a send refused with NOT_ACCEPTING fails with a sentence naming the other user", async () => {
  const calls: Call[] = [];
  const failed: string[] = [];
  const outbox = new Outbox({
    me: "bob",
    device: "web-1",
    online: () => true,
    request: (topic, body) => new Promise((resolve, reject) => calls.push({ topic, body, resolve, reject })),
    delivered: () => {},
    failed: (t) => failed.push(t),
    peerOf: (id) => (id === "7" ? "alice" : undefined),
    changed: () => {},
  });
  const p = outbox.send("7", "hi");
  calls[0].reject(new ChatError("NOT_ACCEPTING", "alice does not accept direct messages from you"));
  await flush();
  assert.equal(outbox.get(p.client_msg_id)?.state, "failed");
  assert.equal(outbox.get(p.client_msg_id)?.error, "alice does not accept direct messages from you");
  assert.deepEqual(failed, ["alice does not accept direct messages from you"]);
});
