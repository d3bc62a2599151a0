// End-to-end test of profiles in the web client (issue 15, Clients/Web): alice sets her display
// name, status and a picture in the profile dialog; bob's page shows them wherever alice shows
// (list, header, details). Both pages find the broker through the API's discovery
// (GET /v1/connect names it as ws://localhost:<port>/, which the page would not pick by itself).
// Its own broker, real mqchat-api (api_service.mjs) and browser; run by tests/web/run.sh.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { API, ApiService } from "./api_service.mjs";
import { axe } from "./axe.mjs";
import { png } from "./images.mjs";
import { Broker, DESKTOP, checkPrerequisites, launchBrowser, screenshot } from "./harness.mjs";

const T = 15000;
let broker;
let api;
let chrome;

before(async () => {
  const missing = checkPrerequisites();
  if (!existsSync(API)) missing.push(`mqchat-api (MQCHAT_API_PATH): ${API}`);
  if (missing.length) throw new Error("missing prerequisites:\n  " + missing.join("\n  "));
  broker = new Broker();
  api = new ApiService(broker);
  await broker.start();
  api.extraArgs.push("--broker", `ws://localhost:${broker.wsPort}/`);
  await api.start();
  chrome = await launchBrowser();
});

after(async () => {
  await chrome?.close();
  await api?.stop();
  if (broker) {
    await broker.stop();
    broker.cleanup();
  }
});

let counter = 0;
const newName = (prefix) => `${prefix}${++counter}${Date.now().toString(36).slice(-4)}`;

async function signUp(name) {
  const password = `pw-${name}-long-secret`;
  const r = await api.post("/v1/signup", { username: name, password });
  assert.ok(r.status === 200 || r.status === 201, `signup ${name}: ${r.status} ${JSON.stringify(r.json)}`);
  return { name, password };
}

/** A page of `user` logged in through the API; the WebSocket URLs it opened are in `ws`. */
async function openAs(t, pages, user) {
  const ctx = await chrome.browser.newContext({ viewport: DESKTOP });
  t.after(() => ctx.close().catch(() => {}));
  const page = await ctx.newPage();
  pages.push(page);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  t.after(() => assert.deepEqual(errors, [], `uncaught errors in ${user.name}'s page`));
  const ws = [];
  page.on("websocket", (w) => ws.push(w.url()));
  await page.goto(`${broker.url}?api=${encodeURIComponent(api.url)}`);
  await page.fill("#login-user", user.name);
  await page.fill("#login-password", user.password);
  await page.click("#login-submit");
  await page.locator("#chat-view").waitFor({ timeout: T });
  await page.locator("#banner").waitFor({ state: "hidden", timeout: T });
  return { page, ws };
}

test("alice sets a display name, status and picture; bob's page shows them", { timeout: 120000 }, async (t) => {
  const pages = [];
  try {
    const alice = await signUp(newName("alice"));
    const bob = await signUp(newName("bob"));
    const { page: a, ws } = await openAs(t, pages, alice);
    // Discovery: the broker the API named, not the page's own origin.
    assert.ok(
      ws.some((u) => u.startsWith(`ws://localhost:${broker.wsPort}`)),
      `websockets: ${ws.join(", ")}`,
    );

    await a.click("#new-chat-btn");
    await a.check("#new-kind-direct", { force: true });
    await a.fill("#new-direct-user", bob.name);
    await a.click("#new-chat-submit");
    await a.waitForFunction((u) => document.querySelector("#conv-title")?.dataset.title === u, bob.name, {
      timeout: T,
    });
    await a.fill("#composer-input", "hello bob");
    await a.press("#composer-input", "Enter");
    await a.locator(".msg.mine[data-seq]", { hasText: "hello bob" }).waitFor({ timeout: T });

    // The profile dialog: name, status, a picture (axe finds nothing wrong with it).
    await a.click("#profile-btn");
    await a.locator("#profile-dialog").waitFor({ timeout: T });
    assert.deepEqual(await axe(a), [], "axe violations in the profile dialog");
    await a.fill("#profile-name", "Alice Liddell");
    await a.fill("#profile-status", "down the rabbit hole");
    await a.setInputFiles("#profile-avatar-file", {
      name: "me.png",
      mimeType: "image/png",
      buffer: png(60, 40, [200, 30, 30]),
    });
    await a.locator("#profile-avatar img").waitFor({ timeout: T });
    await a.click("#profile-save");
    await a.locator("#profile-dialog").waitFor({ state: "hidden", timeout: T });
    await a.locator("#me .name", { hasText: "Alice Liddell" }).waitFor({ timeout: T });
    await a.locator("#me img.avatar-img").waitFor({ timeout: T });

    // Bob's page: the list, the header and the details show alice's name, picture and status.
    const { page: b } = await openAs(t, pages, bob);
    const item = b.locator(`.conv-item[data-title="${alice.name}"]`);
    await item.locator(".name", { hasText: "Alice Liddell" }).waitFor({ timeout: T });
    const img = item.locator("img.avatar-img");
    await img.waitFor({ timeout: T });
    await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: T });
    // The picture was made square before upload.
    assert.deepEqual(await img.evaluate((el) => [el.naturalWidth, el.naturalHeight]), [40, 40]);
    await item.click();
    await b.locator("#conv-title", { hasText: "Alice Liddell" }).waitFor({ timeout: T });
    await b.locator("#conv-avatar img.avatar-img").waitFor({ timeout: T });
    await b.click("#info-btn");
    await b
      .locator("#info-panel .status-text", {
        hasText: "down the rabbit hole",
      })
      .waitFor({ timeout: T });
    await b.locator("#info-panel h3", { hasText: "Alice Liddell" }).waitFor({ timeout: T });
  } catch (err) {
    let i = 0;
    for (const p of pages) if (!p.isClosed()) await screenshot(p, `failed-profiles-${++i}`).catch(() => {});
    throw err;
  }
});
