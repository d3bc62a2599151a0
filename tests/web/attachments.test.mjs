// End-to-end test of attachments in the web client (issue 16): alice picks a picture and a file
// with the paperclip (each uploaded through mqchat-api with a progress bar) and sends them to bob;
// bob's page shows the picture's thumbnail (loaded) and opens it in the viewer, and the file as
// a chip that downloads. Its own broker, real mqchat-api (api_service.mjs) and browser; run by
// tests/web/run.sh.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { API, ApiService } from "./api_service.mjs";
import { axe } from "./axe.mjs";
import { Broker, DESKTOP, checkPrerequisites, launchBrowser, screenshot } from "./harness.mjs";
import { png } from "./images.mjs";

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

async function openAs(t, pages, user) {
  const ctx = await chrome.browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  t.after(() => ctx.close().catch(() => {}));
  const page = await ctx.newPage();
  pages.push(page);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  t.after(() => assert.deepEqual(errors, [], `uncaught errors in ${user.name}'s page`));
  await page.goto(`${broker.url}?api=${encodeURIComponent(api.url)}`);
  await page.fill("#login-user", user.name);
  await page.fill("#login-password", user.password);
  await page.click("#login-submit");
  await page.locator("#chat-view").waitFor({ timeout: T });
  await page.locator("#banner").waitFor({ state: "hidden", timeout: T });
  return page;
}

const opened = (page, user) =>
  page.waitForFunction((u) => document.querySelector("#conv-title")?.dataset.title === u, user, { timeout: T });

test(
  "alice sends bob a picture and a file; bob sees the thumbnail, opens it, downloads the file",
  { timeout: 120000 },
  async (t) => {
    const pages = [];
    try {
      const alice = await signUp(newName("alice"));
      const bob = await signUp(newName("bob"));
      const a = await openAs(t, pages, alice);
      await a.click("#new-chat-btn");
      await a.check("#new-kind-direct", { force: true });
      await a.fill("#new-direct-user", bob.name);
      await a.click("#new-chat-submit");
      await opened(a, bob.name);

      // The paperclip's file picker: a picture and a text file, uploaded with progress.
      await a.locator("#attach-btn").waitFor({ timeout: T });
      await a.setInputFiles("#attach-input", [
        { name: "beach.png", mimeType: "image/png", buffer: png(400, 300, [20, 120, 200]) },
        { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("bring sunscreen\n") },
      ]);
      await a.locator("#upload-tray .upload").nth(1).waitFor({ timeout: T });
      await a.locator('#upload-tray .upload[data-state="done"]').nth(1).waitFor({ timeout: T });
      assert.deepEqual(await axe(a), [], "axe violations with the upload tray");
      await a.fill("#composer-input", "the beach today");
      await a.press("#composer-input", "Enter");
      const mine = a.locator(".msg.mine[data-seq]", { hasText: "the beach today" });
      await mine.locator(".att-image img").waitFor({ timeout: T });
      await a.locator("#upload-tray").waitFor({ state: "hidden", timeout: T });

      // Bob: the thumbnail loads, the viewer shows the picture, the file downloads.
      const b = await openAs(t, pages, bob);
      await b
        .locator(`.conv-item[data-title="${alice.name}"] .preview`, { hasText: "the beach today" })
        .waitFor({ timeout: T });
      await b.locator(`.conv-item[data-title="${alice.name}"] .conv-open`).click();
      await opened(b, alice.name);
      const msg = b.locator(".msg[data-seq]", { hasText: "the beach today" });
      const thumb = msg.locator(".att-image img");
      await thumb.waitFor({ timeout: T });
      await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle(), { timeout: T });
      await msg.locator(".att-file", { hasText: "notes.txt" }).waitFor({ timeout: T });

      await msg.locator(".att-image").click();
      await b.locator("#viewer-dialog").waitFor({ timeout: T });
      const full = b.locator("#viewer-img");
      await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await full.elementHandle(), { timeout: T });
      assert.deepEqual(await full.evaluate((el) => [el.naturalWidth, el.naturalHeight]), [400, 300]);
      assert.deepEqual(await axe(b), [], "axe violations in the viewer");
      await b.click("#viewer-close");
      await b.locator("#viewer-dialog").waitFor({ state: "hidden", timeout: T });

      const [download] = await Promise.all([
        b.waitForEvent("download", { timeout: T }),
        msg.locator(".att-file").click(),
      ]);
      assert.equal(download.suggestedFilename(), "notes.txt");
      const path = await download.path();
      const { readFileSync } = await import("node:fs");
      assert.equal(readFileSync(path, "utf8"), "bring sunscreen\n");
    } catch (err) {
      let i = 0;
      for (const p of pages) if (!p.isClosed()) await screenshot(p, `failed-attachments-${++i}`).catch(() => {});
      throw err;
    }
  },
);
