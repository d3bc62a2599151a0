// The web app without its servers (issue 28): messages written while the broker is down outlive a
// reload and arrive once each, in order (the IndexedDB outbox, resent with their client_msg_id);
// the service worker keeps the app shell, so with the page's own server gone a reload still opens
// the app and says it is offline, and a deploy replaces the cached shell. The page here comes
// from a plain HTTP server (static_server.mjs): mosquitto's http_dir sends no Content-Type, and
// browsers register a service worker only from a script served as JavaScript. Its own broker,
// page server and browser; run by tests/web/run.sh.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { axe } from "./axe.mjs";
import { Broker, DESKTOP, RawClient, checkPrerequisites, launchBrowser, screenshot, token } from "./harness.mjs";
import { T, e2e, openConv } from "./pages.mjs";
import { StaticServer } from "./static_server.mjs";

// After the broker comes back, a page finds it at its next attempt: its reconnect backoff is at
// most 15 s (+20% jitter, web/src/api/connection.ts), so arrival is awaited that much longer.
const BACK = T + 18000;

let broker;
let site;
let chrome;
let counter = 0;

before(async () => {
  const missing = checkPrerequisites();
  if (missing.length) throw new Error("missing prerequisites:\n  " + missing.join("\n  "));
  broker = await new Broker().start();
  site = await new StaticServer({ password_login: "mqtt" }).start();
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

async function newUser(prefix) {
  const name = `${prefix}${++counter}`;
  const password = `pw-${name}-secret`;
  await broker.addUser(name, password);
  return { name, password };
}

/** A page of the app from `site`, talking to the broker, in its own browser context. */
async function openPage(t, pages, contextOptions = {}) {
  const ctx = await chrome.browser.newContext({
    viewport: DESKTOP,
    ...contextOptions,
  });
  t.after(() => ctx.close().catch(() => {}));
  const page = await ctx.newPage();
  pages.push(page);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  t.after(() => assert.deepEqual(errors, [], "uncaught errors in the page"));
  await page.goto(`${site.url}?server=${encodeURIComponent(broker.wsUrl)}`);
  await page.locator("#login-form").waitFor({ timeout: T });
  return page;
}

/** Logs in with a password, or with a token (kept for the tab: a reload resumes it). */
async function login(page, user, { withToken = false } = {}) {
  await page.fill("#login-user", user.name);
  if (withToken) {
    await page.check("#login-mode-token", { force: true });
    await page.fill("#login-token", token(user.name));
  } else {
    await page.fill("#login-password", user.password);
  }
  await page.click("#login-submit");
  await page.locator("#chat-view").waitFor({ timeout: T });
  await page.locator("#banner").waitFor({ state: "hidden", timeout: T });
}

/** The texts of the stored messages the page shows, in order. */
const shown = (page) => page.locator(".msg[data-seq] .text").allInnerTexts();

/** Waits until the page's origin has exactly the caches `want`: checked now and after each new
 * worker controlling the page has activated (its activation deletes the old caches). */
async function cachesAre(page, want) {
  const check = page.evaluate(async (w) => {
    const sw = navigator.serviceWorker;
    for (;;) {
      const changed = new Promise((r) => sw.addEventListener("controllerchange", r, { once: true }));
      // A worker that skipped waiting controls the page before its activate handler (which
      // deletes the old caches) has finished: wait for "activated".
      const c = sw.controller;
      if (c && c.state !== "activated") {
        await new Promise((r) => c.addEventListener("statechange", () => c.state === "activated" && r()));
      }
      if ((await caches.keys()).join() === w.join()) return;
      await changed;
    }
  }, want);
  let timer;
  const late = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`caches are not ${want.join()} within ${T} ms`)), T);
  });
  try {
    await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
  }
}

const controlled = (page) =>
  page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: T });

e2e(
  "three messages written with the broker down survive a reload and arrive once each, in order",
  "offline-outbox",
  async (t, pages) => {
    const rita = await newUser("rita");
    const ravi = await newUser("ravi");
    const raw = await new RawClient(broker, ravi.name, ravi.password, "raw").connect();
    const conv = await raw.openDirect(rita.name);
    await raw.send(conv, "hello before the outage");
    await raw.close();

    const a = await openPage(t, pages); // rita, who writes while the broker is down
    await login(a, rita, { withToken: true });
    await openConv(a, ravi.name);
    const b = await openPage(t, pages); // ravi, who should see each message once
    await login(b, ravi);
    await openConv(b, rita.name);
    await b.locator(".msg[data-seq]", { hasText: "hello before the outage" }).waitFor({ timeout: T });

    await broker.stop();
    await a.locator("#banner", { hasText: "Connection lost" }).waitFor({ timeout: T });
    const texts = ["written offline 1", "written offline 2", "written offline 3"];
    for (const text of texts) {
      await a.fill("#composer-input", text);
      await a.press("#composer-input", "Enter");
      await a.locator('.msg.pending[data-state="waiting"]', { hasText: text }).waitFor({ timeout: T });
    }

    // Reloaded while the broker is still down: the page (its own server is up) resumes the token
    // login and keeps trying to connect.
    await a.reload();
    await a.locator("#chat-view").waitFor({ timeout: T });
    await a.locator("#banner", { hasText: "Connection lost" }).waitFor({ timeout: T });
    // The conversation list kept on the device shows the conversation, with the three waiting.
    for (const text of texts) {
      await a.locator('.msg.pending[data-state="waiting"]', { hasText: text }).waitFor({ timeout: T });
    }
    await screenshot(a, "desktop-offline-outbox-reloaded");

    await broker.start();
    for (const text of texts) {
      await a.locator(".msg.mine[data-seq]", { hasText: text }).waitFor({ timeout: BACK });
      await b.locator(".msg.theirs[data-seq]", { hasText: text }).waitFor({ timeout: BACK });
    }
    // Once each and in order: in the store, on the writer's page and on the reader's.
    const check = await new RawClient(broker, ravi.name, ravi.password, "check").connect();
    t.after(() => check.close());
    const history = await check.ok(`mqchat/v1/c/${conv}/history`, {
      limit: 50,
    });
    const stored = history.messages.filter((m) => texts.includes(m.text)).sort((x, y) => x.seq - y.seq);
    assert.deepEqual(
      stored.map((m) => m.text),
      texts,
      "stored once each, in the order written",
    );
    for (const page of [a, b]) {
      assert.deepEqual(
        (await shown(page)).filter((s) => texts.includes(s)),
        texts,
      );
    }
    assert.equal(await a.locator(".msg.pending").count(), 0);
    await screenshot(b, "desktop-offline-outbox-received");
  },
);

/** In the page: every record of the cache database (web/src/state/cache_db.ts) as JSON; with
 * `want`, whether it holds each of `want.texts` and none of `want.gone` (for waitForFunction). */
function keptOnDevice(want) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open("mqchat-cache");
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const names = [...db.objectStoreNames];
      const done = (json) => {
        db.close();
        resolve(want ? want.texts.every((x) => json.includes(x)) && !want.gone.some((x) => json.includes(x)) : json);
      };
      if (names.length === 0) return done("");
      const tx = db.transaction(names, "readonly");
      const got = names.map((n) => tx.objectStore(n).getAll());
      tx.oncomplete = () => done(JSON.stringify(got.map((g) => g.result)));
      tx.onerror = () => reject(tx.error);
    };
  });
}

e2e(
  "messages kept on the device show after a reload with the broker down, saying so; a deleted one's text is not kept",
  "offline-kept",
  async (t, pages) => {
    const kim = await newUser("kim");
    const kay = await newUser("kay");
    const raw = await new RawClient(broker, kay.name, kay.password, "raw").connect();
    t.after(() => raw.close());
    const conv = await raw.openDirect(kim.name);
    await raw.send(conv, "kept from history");

    const page = await openPage(t, pages);
    await login(page, kim, { withToken: true });
    await openConv(page, kay.name);
    await page.fill("#composer-input", "kept, written here");
    await page.press("#composer-input", "Enter");
    await page.locator(".msg.mine[data-seq]", { hasText: "kept, written here" }).waitFor({ timeout: T });
    await raw.send(conv, "kept, arrived live");
    const secret = await raw.send(conv, "a secret to be deleted");
    await page.locator(".msg[data-seq]", { hasText: "a secret to be deleted" }).waitFor({ timeout: T });
    await raw.ok(`mqchat/v1/c/${conv}/delete`, { client_msg_id: `del-${Date.now()}`, seq: secret.seq });
    await page.locator(".tombstone").waitFor({ timeout: T });
    const texts = ["kept from history", "kept, written here", "kept, arrived live"];
    // Written a moment after each change: wait until the device has all three and the deletion
    // (the tombstone), not merely no secret: a write of before the secret arrived has no secret
    // either, and the reload below could come before the write that takes the deletion.
    const want = { texts: [...texts, '"deleted":true'], gone: ["a secret"] };
    await page.waitForFunction(keptOnDevice, want, { timeout: T, polling: 100 });
    await raw.close();

    await broker.stop();
    t.after(() => (broker.proc ? undefined : broker.start()));
    await page.reload();
    await page.locator("#chat-view").waitFor({ timeout: T });
    for (const text of texts) await page.locator(".msg[data-seq]", { hasText: text }).waitFor({ timeout: T });
    const undeleted = () => page.locator(".msg[data-seq] .text:not(.tombstone)").allInnerTexts();
    assert.deepEqual(await undeleted(), texts, "in order, the deleted one without its text");
    assert.equal(await page.locator(".tombstone").count(), 1);
    await page.locator("#history-status", { hasText: "messages kept on this device" }).waitFor({ timeout: T });
    assert.ok(!(await page.evaluate(keptOnDevice, null)).includes("a secret"), "the deleted text is not on the device");
    await screenshot(page, "desktop-offline-kept-messages");
    assert.deepEqual(await axe(page), [], "axe violations in a conversation shown from the device");

    // Back online: brought up to date by sync (a message sent meanwhile arrives), the note goes.
    await broker.start();
    const again = await new RawClient(broker, kay.name, kay.password, "raw2").connect();
    t.after(() => again.close());
    await again.send(conv, "after the outage");
    await page.locator(".msg[data-seq]", { hasText: "after the outage" }).waitFor({ timeout: BACK });
    await page.locator("#history-status", { hasText: "kept on this device" }).waitFor({ state: "detached", timeout: T });
    assert.deepEqual(await undeleted(), [...texts, "after the outage"]);

    // A logout deletes what the device kept.
    await page.click("#logout-btn");
    await page.locator("#login-form").waitFor({ timeout: T });
    const left = await page.evaluate(keptOnDevice, null);
    assert.ok(!texts.some((x) => left.includes(x)), `kept after logout: ${left}`);
  },
);

e2e(
  "the service worker keeps the app shell: with the page's server gone the app opens and says it is offline",
  "offline-shell",
  async (t, pages) => {
    const olga = await newUser("olga");
    const page = await openPage(t, pages);
    await controlled(page);

    await site.stop();
    t.after(() => (site.server ? undefined : site.start()));
    await page.reload();
    await page.locator("#login-form").waitFor({ timeout: T });
    await page.locator("#offline-note", { hasText: "You are offline" }).waitFor({ timeout: T });
    await screenshot(page, "desktop-offline-login");
  assert.deepEqual(await axe(page), [], "axe violations on the offline login form");

    // The broker is there: signing in works from the cached page, and the offline note goes.
    await login(page, olga);
    assert.equal(await page.locator("#offline-note").isHidden(), true);

    // With the broker gone too (a token login resumes after a reload), the chat view says it was
    // opened offline, not merely that the connection was lost.
    await page.click("#logout-btn");
    await page.locator("#login-form").waitFor({ timeout: T });
    await login(page, olga, { withToken: true });
    await broker.stop();
    t.after(() => (broker.proc ? undefined : broker.start()));
    await page.reload();
    await page.locator("#chat-view").waitFor({ timeout: T });
    await page
      .locator("#banner", {
        hasText: "Offline: opened from the copy kept on this device",
      })
      .waitFor({ timeout: T });
    await screenshot(page, "desktop-offline-chat");
  assert.deepEqual(await axe(page), [], "axe violations in the chat view opened offline");
    await broker.start();
    await site.start();
  },
);

e2e("a deploy replaces the cached app shell", "offline-deploy", async (t, pages) => {
  const page = await openPage(t, pages);
  await controlled(page);
  const sw = site.read("sw.js");
  const [old] = sw.match(/mqchat-shell-[0-9a-f]+/);
  await cachesAre(page, [old]);

  // A new build: another page and another worker naming another cache.
  const html = site.read("index.html");
  t.after(() => {
    site.write("index.html", html);
    site.write("sw.js", sw);
  });
  site.write("index.html", html.replace("<head>", '<head><meta name="mqchat-deploy" content="2">'));
  site.write("sw.js", sw.replaceAll(old, "mqchat-shell-deploy2"));
  await page.reload();
  await page.locator('meta[name="mqchat-deploy"]').waitFor({ state: "attached", timeout: T });
  await cachesAre(page, ["mqchat-shell-deploy2"]); // the old shell's cache is gone

  // Offline, the new page is the one that opens.
  await site.stop();
  t.after(() => (site.server ? undefined : site.start()));
  await page.reload();
  await page.locator("#offline-note").waitFor({ timeout: T });
  assert.equal(await page.locator('meta[name="mqchat-deploy"]').count(), 1);
  await site.start();
});
