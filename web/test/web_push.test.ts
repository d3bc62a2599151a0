// Web Push without a browser: what the service worker shows for a push payload (sw/push_payload.ts),
// the push_register and push_unregister requests this device sends (state/push.ts), the VAPID
// key's check (ui/web_push.ts), and how the page learns the key and that it was opened offline
// (api/http_api.ts pageConfig, from the worker's mark on config.json).
import assert from "node:assert/strict";
import { test } from "node:test";
import { pageConfig } from "../src/api/http_api";
import type { Response as WireResponse } from "../src/api/wire";
import { MAX_PUSH_TOKEN_BYTES, PushTarget } from "../src/state/push";
import { vapidBytes } from "../src/ui/web_push";
import { pushLang, pushView } from "../sw/push_payload";

test("a message push shows the sender and the preview, tagged by conversation", () => {
  const v = pushView(
    {
      event_id: "7170981234567168001:42",
      room_id: "7170981234567168001",
      sender: "alice",
      content: { body: "see you at 10" },
      counts: { unread: 5, messages: 3 },
    },
    "en",
  );
  assert.deepEqual(v, {
    show: {
      title: "alice",
      body: "see you at 10",
      tag: "mqchat-7170981234567168001",
      conversation: "7170981234567168001",
    },
    unread: 5,
  });
});

test("without a preview the notification says how many messages, in the browser's language", () => {
  const n = { event_id: "9:3", room_id: "9", sender: "bob", counts: { unread: 2, messages: 2 } };
  assert.equal(pushView(n, "en").show?.body, "2 new messages");
  assert.equal(pushView(n, "ko").show?.body, "새 메시지 2개");
  assert.equal(pushView({ ...n, counts: { unread: 1, messages: 1 } }, "en").show?.body, "New message");
  assert.equal(pushLang(["de-DE", "ko-KR", "en"]), "ko");
  assert.equal(pushLang(["fr"]), "en");
});

test("a counts-only push sets the badge and shows nothing; a payload of another shape still shows", () => {
  assert.deepEqual(pushView({ user: "carol", prio: "low", counts: { unread: 0 } }, "en"), { show: null, unread: 0 });
  const odd = pushView("plain text from a gateway", "en");
  assert.deepEqual(odd.show, { title: "mqchat", body: "New message", tag: "mqchat", conversation: null });
  // A room id that is not a conversation id opens nothing.
  assert.equal(pushView({ event_id: "x", room_id: "../x", sender: "eve" }, "en").show?.conversation, null);
  assert.equal(
    pushView({ event_id: "1:1", room_id: "1", content: { body: "x".repeat(500) } }, "en").show?.body.length,
    200,
  );
});

test("the push target registers the subscription as a webpush token once, and unregisters", async () => {
  const sent: [string, Record<string, unknown>][] = [];
  const ok = { ok: true } as unknown as WireResponse;
  const target = new PushTarget(async (topic, body) => {
    sent.push([topic, body]);
    return ok;
  });
  const sub = { endpoint: "https://push.example/abc", keys: { p256dh: "BP...", auth: "xyz" } };
  await target.register(sub);
  await target.register(sub); // the same subscription: nothing to say
  assert.deepEqual(sent, [["mqchat/v1/req/push_register", { platform: "webpush", token: JSON.stringify(sub) }]]);
  assert.equal(target.token, JSON.stringify(sub));
  await target.unregister();
  assert.deepEqual(sent[1], ["mqchat/v1/req/push_unregister", {}]);
  assert.equal(target.token, null);
  await assert.rejects(target.register({ endpoint: "x".repeat(MAX_PUSH_TOKEN_BYTES) }), /too long/);
  assert.equal(sent.length, 2);
});

test("a VAPID key is an uncompressed P-256 point in base64url", () => {
  const raw = new Uint8Array(65).map((_, i) => (i === 0 ? 4 : i));
  const key = Buffer.from(raw).toString("base64url");
  assert.deepEqual(vapidBytes(key), raw);
  assert.equal(vapidBytes(Buffer.from(raw.slice(0, 33)).toString("base64url")), null, "compressed: refused");
  assert.equal(vapidBytes("not base64 !"), null);
});

test("config.json gives the VAPID key; the worker's offline mark says the page was opened offline", async () => {
  const origin = "http://chat.example:8083";
  const key = Buffer.from(new Uint8Array(65).fill(4)).toString("base64url");
  const withKey = (async () =>
    new Response(JSON.stringify({ api: "http://b:2", webpush_vapid_key: key }))) as typeof fetch;
  assert.deepEqual(await pageConfig("", origin, withKey), { api: "http://b:2", mqttPasswords: false, vapidKey: key });
  const badKey = (async () => new Response(JSON.stringify({ webpush_vapid_key: "short" }))) as typeof fetch;
  assert.deepEqual(await pageConfig("", origin, badKey), { api: null, mqttPasswords: false });
  // Served from the worker's cache: the same config, marked offline.
  const cached = (async () =>
    new Response(JSON.stringify({ password_login: "mqtt" }), { headers: { "X-Mqchat-Offline": "1" } })) as typeof fetch;
  assert.deepEqual(await pageConfig("", origin, cached), { api: null, mqttPasswords: true, offline: true });
  // No config.json cached: offline, and no probing for an API that cannot answer.
  const asked: string[] = [];
  const none = (async (url: string | URL | Request) => {
    asked.push(String(url));
    return new Response("", { status: 404, headers: { "X-Mqchat-Offline": "1" } });
  }) as typeof fetch;
  assert.deepEqual(await pageConfig("", origin, none), { api: null, mqttPasswords: false, offline: true });
  assert.deepEqual(asked, ["config.json"]);
});
