// Web Push in the web client (issue 28), as far as a test without a browser vendor's push service
// can go. Headless Chromium has no push service to subscribe with (a real subscription needs
// Google's, Mozilla's or Apple's), so the test replaces PushManager's subscribe/getSubscription
// with a fake that records what the page asks (userVisibleOnly and the VAPID key from config.json)
// and hands back a subscription-shaped object. What is real: the service worker, the page's
// push_register request over MQTT with the subscription as a `webpush` token, the broker storing
// it as the device's push target (read back from its SQLite store), its removal when the user
// turns notifications off, and the worker's push handler showing a notification for a payload
// (delivered through the DevTools protocol, as DevTools' "Push" button does). Not covered: the
// gateway encrypting and sending to a push service, and the click on a system notification.
// The page comes from a plain HTTP server (static_server.mjs): mosquitto's http_dir sends no
// Content-Type, and browsers register a service worker only from a script served as JavaScript.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { after, before } from "node:test";
import { Broker, DESKTOP, RawClient, checkPrerequisites, launchBrowser, screenshot } from "./harness.mjs";
import { T, e2e } from "./pages.mjs";
import { StaticServer } from "./static_server.mjs";

// The push gateway's VAPID key pair: the page gets the public half (config.json).
const jwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" });
const VAPID = Buffer.concat([
  Buffer.from([4]),
  Buffer.from(jwk.x, "base64url"),
  Buffer.from(jwk.y, "base64url"),
]).toString("base64url");

let broker;
let site;
let chrome;

before(async () => {
  const missing = checkPrerequisites();
  if (missing.length) throw new Error("missing prerequisites:\n  " + missing.join("\n  "));
  broker = await new Broker().start();
  site = await new StaticServer({ password_login: "mqtt", webpush_vapid_key: VAPID }).start();
  chrome = await launchBrowser();
});

after(async () => {
  await chrome?.close();
  await site?.stop();
  site?.cleanup();
  if (broker) {
    await broker.stop();
    broker.cleanup();
  }
});

/** Before the app's script: a fake push service behind PushManager (window.__push records). */
function fakePushService() {
  const rec = { subscribed: [], unsubscribed: 0 };
  window.__push = rec;
  let current = null;
  PushManager.prototype.getSubscription = async () => current;
  PushManager.prototype.subscribe = async (opts) => {
    const key = new Uint8Array(opts.applicationServerKey);
    const b64 = btoa(String.fromCharCode(...key))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    rec.subscribed.push({ userVisibleOnly: opts.userVisibleOnly, key: b64 });
    const sub = {
      endpoint: `https://push.example.test/send/${rec.subscribed.length}`,
      options: { userVisibleOnly: true, applicationServerKey: key.buffer },
      toJSON() {
        return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: "BPfake-p256dh", auth: "fake-auth" } };
      },
      async unsubscribe() {
        if (current === sub) current = null;
        rec.unsubscribed++;
        return true;
      },
    };
    current = sub;
    return sub;
  };
}

/** The push targets the broker stored. */
function targets() {
  const r = spawnSync(
    "sqlite3",
    ["-json", broker.db, "SELECT username, device_id, platform, token FROM push_targets"],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** Resolves when the page receives the broker's ok answer to `op` (its MQTT frames). */
function answered(page, op) {
  return new Promise((resolve) => {
    const watch = (ws) =>
      ws.on("framereceived", (f) => {
        const text = Buffer.isBuffer(f.payload) ? f.payload.toString("latin1") : String(f.payload);
        if (text.includes(`"op":"${op}"`) && text.includes('"ok":true')) resolve();
      });
    page.on("websocket", watch);
  });
}

e2e(
  "the page registers a Web Push subscription as a webpush target; the worker shows a pushed message",
  "webpush",
  async (t, pages) => {
    const name = "pia";
    await broker.addUser(name, "pw-pia-secret");
    await broker.addUser("paul", "pw-paul-secret");
    const paul = await new RawClient(broker, "paul", "pw-paul-secret", "raw").connect();
    t.after(() => paul.close());
    const conv = await paul.openDirect(name);

    const ctx = await chrome.browser.newContext({ viewport: DESKTOP, permissions: ["notifications"] });
    t.after(() => ctx.close().catch(() => {}));
    await ctx.addInitScript(fakePushService);
    const page = await ctx.newPage();
    pages.push(page);
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    t.after(() => assert.deepEqual(errors, [], "uncaught errors in the page"));
    const registered = answered(page, "push_register");
    const unregistered = answered(page, "push_unregister");
    await page.goto(`${site.url}?server=${encodeURIComponent(broker.wsUrl)}`);
    await page.fill("#login-user", name);
    await page.fill("#login-password", "pw-pia-secret");
    await page.click("#login-submit");
    await page.locator("#chat-view").waitFor({ timeout: T });

    // Subscribed with the gateway's key, for visible notifications only; registered as this
    // device's webpush target, the subscription's JSON as the token.
    await registered;
    const rec = await page.evaluate(() => window.__push);
    assert.deepEqual(rec.subscribed, [{ userVisibleOnly: true, key: VAPID }]);
    const device = await page.evaluate(
      () => sessionStorage.getItem("mqchat.device") ?? localStorage.getItem("mqchat.device"),
    );
    const rows = targets();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].username, name);
    assert.equal(rows[0].platform, "webpush");
    assert.equal(rows[0].device_id, device);
    assert.deepEqual(JSON.parse(rows[0].token), {
      endpoint: "https://push.example.test/send/1",
      expirationTime: null,
      keys: { p256dh: "BPfake-p256dh", auth: "fake-auth" },
    });

    // A push arrives (the gateway's notification object as the payload): the worker shows it.
    const cdp = await ctx.newCDPSession(page);
    const reg = new Promise((resolve) =>
      cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
        const r = registrations.find((x) => x.scopeURL === site.url && !x.isDeleted);
        if (r) resolve(r.registrationId);
      }),
    );
    await cdp.send("ServiceWorker.enable");
    const payload = {
      event_id: `${conv}:1`,
      room_id: conv,
      type: "mqchat.message",
      sender: "paul",
      user: name,
      content: { body: "see you at 10" },
      counts: { unread: 1, messages: 1 },
    };
    await cdp.send("ServiceWorker.deliverPushMessage", {
      origin: site.url.replace(/\/$/, ""),
      registrationId: await reg,
      data: JSON.stringify(payload),
    });
    const shownNotes = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          data: n.data,
        })),
      );
    // The page cannot observe a worker's notification as an event: asked again until it is there.
    const deadline = Date.now() + T;
    let notes = await shownNotes();
    for (let delay = 10; notes.length === 0 && Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
      await new Promise((r) => setTimeout(r, delay)); // polling interval, not a wait for an event
      notes = await shownNotes();
    }
    assert.deepEqual(notes, [
      { title: "paul", body: "see you at 10", tag: `mqchat-${conv}`, data: { conversation: conv } },
    ]);

    // Notifications turned off in Settings: the target is removed and the subscription dropped.
    await page.click("#settings-btn");
    await page.uncheck("#settings-notify");
    await unregistered;
    assert.deepEqual(targets(), []);
    assert.equal(await page.evaluate(() => window.__push.unsubscribed), 1);
    await screenshot(page, "desktop-webpush-off");
  },
);
