// What the page tests share (message_events.test.mjs, privacy.test.mjs): one broker and one
// browser per test file, started before its tests and stopped after them; new users; logged-in
// pages, each in its own browser context (its own storage: another device), with a conversation
// open; a test() that screenshots its pages when it fails. apiPageSuite(): the same with the real
// API service (api_service.mjs) beside the broker, users signed up and logged in through it
// (signup, profiles, attachments, communities).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { API, ApiService } from "./api_service.mjs";
import { Broker, DESKTOP, checkPrerequisites, freePort, launchBrowser, screenshot } from "./harness.mjs";

export const T = 30000; // default wait for anything the UI should show (CI: a loaded 2-core machine)

/** `browserArgs`: more Chromium switches; `configure(broker)`: runs before the broker starts
 * (its ports known: more plugin options in broker.extraConfig). */
export function pageSuite({ browserArgs = [], configure = async () => {} } = {}) {
  let broker;
  let chrome;
  let userCounter = 0;

  before(async () => {
    const missing = checkPrerequisites();
    if (missing.length) throw new Error("missing prerequisites:\n  " + missing.join("\n  "));
    broker = new Broker();
    broker.port = await freePort();
    broker.wsPort = await freePort();
    await configure(broker);
    await broker.start();
    chrome = await launchBrowser(browserArgs);
  });

  after(async () => {
    await chrome?.close();
    if (broker) {
      await broker.stop();
      broker.cleanup();
    }
  });

  /** A logged-in page of `user` in its own browser context; with `title`, that conversation open. */
  async function openAs(t, pages, user, title) {
    const ctx = await chrome.browser.newContext({ viewport: DESKTOP });
    t.after(() => ctx.close().catch(() => {}));
    const page = await ctx.newPage();
    pages.push(page);
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    t.after(() => assert.deepEqual(errors, [], `uncaught errors in ${user.name}'s page`));
    await page.goto(broker.url);
    await login(page, user);
    if (title !== undefined) await openConv(page, title);
    return page;
  }

  return {
    get broker() {
      return broker;
    },
    /** The suite's browser (playwright's Browser), for contexts with other options. */
    get browser() {
      return chrome.browser;
    },
    login,
    openAs,
    async newUser(prefix) {
      const name = `${prefix}${++userCounter}`;
      const password = `pw-${name}-secret`;
      await broker.addUser(name, password);
      return { name, password };
    },
    e2e,
  };
}

/** test() that screenshots the test's pages when it fails (artifacts/failed-<slug>-N.png);
 * `opts`: more node:test options (a `todo` with its reason). */
export function e2e(name, slug, fn, opts = {}) {
  test(name, { timeout: 120000, ...opts }, async (t) => {
    const pages = [];
    try {
      await fn(t, pages);
    } catch (err) {
      let i = 0;
      for (const p of pages) if (!p.isClosed()) await screenshot(p, `failed-${slug}-${++i}`).catch(() => {});
      throw err;
    }
  });
}

/** One broker, one mqchat-api and one browser per test file. `configure(broker, api)` runs
 * once the broker is up (its ports known), before the API starts (api.extraArgs). Pages open at `pageUrl` (the broker's page with
 * `?api=`); `page.wsUrls` lists the WebSockets each opened. */
export function apiPageSuite(configure = () => {}) {
  let broker;
  let api;
  let chrome;
  let counter = 0;
  const newName = (prefix) => `${prefix}${++counter}${Date.now().toString(36).slice(-4)}`;

  before(async () => {
    const missing = checkPrerequisites();
    if (!existsSync(API)) missing.push(`mqchat-api (MQCHAT_API_PATH): ${API}`);
    if (missing.length) throw new Error("missing prerequisites:\n  " + missing.join("\n  "));
    broker = new Broker();
    api = new ApiService(broker);
    await broker.start();
    await configure(broker, api);
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

  const pageUrl = (query = "") => `${broker.url}?api=${encodeURIComponent(api.url)}${query}`;

  /** A page at `url` (pageUrl()) in its own browser context (another device), on the login form. */
  async function openPage(t, pages, contextOptions = {}, url = pageUrl()) {
    const ctx = await chrome.browser.newContext({ viewport: DESKTOP, ...contextOptions });
    t.after(() => ctx.close().catch(() => {}));
    const page = await ctx.newPage();
    pages.push(page);
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    t.after(() => assert.deepEqual(errors, [], "uncaught errors in the page"));
    page.wsUrls = [];
    page.on("websocket", (w) => page.wsUrls.push(w.url()));
    await page.goto(url);
    await page.locator("#login-form").waitFor({ timeout: T });
    return page;
  }

  return {
    get broker() {
      return broker;
    },
    get api() {
      return api;
    },
    get browser() {
      return chrome.browser;
    },
    pageUrl,
    openPage,
    /** A unique name with `prefix` (the file's users never collide across runs of one store). */
    newName,
    /** A user signed up through the API (not the page). */
    async newUser(prefix) {
      const name = newName(prefix);
      const password = `pw-${name}-long-secret`;
      const r = await api.post("/v1/signup", { username: name, password });
      assert.ok(r.status === 200 || r.status === 201, `signup ${name}: ${r.status} ${JSON.stringify(r.json)}`);
      return { name, password };
    },
    /** A page of `user` (at `url`) logged in through the API with the form, connected (no banner). */
    async openAs(t, pages, user, contextOptions = {}, url = pageUrl()) {
      const page = await openPage(t, pages, contextOptions, url);
      await page.fill("#login-user", user.name);
      await page.fill("#login-password", user.password);
      await page.click("#login-submit");
      await waitLoaded(page);
      return page;
    },
    /** The form's sign-up: a new account made in the page, then connected. */
    async signUpInPage(page, name, password) {
      await page.locator("#signup-toggle").click({ timeout: T });
      await page.locator("#login-password2").waitFor({ timeout: T });
      await page.fill("#login-user", name);
      await page.fill("#login-password", password);
      await page.fill("#login-password2", password);
      assert.equal(await page.textContent("#login-submit"), "Create account");
      await page.click("#login-submit");
      await waitLoaded(page);
    },
    e2e,
  };
}

/** Logs `user` in with the form's password login; waits for the chat view. */
export async function login(page, user) {
  await page.locator("#login-form").waitFor({ timeout: T });
  await page.fill("#login-user", user.name);
  await page.fill("#login-password", user.password);
  await page.click("#login-submit");
  await page.locator("#chat-view").waitFor({ timeout: T });
}

/** Connected and the conversation list loaded (no banner). */
export async function waitLoaded(page) {
  await page.locator("#chat-view").waitFor({ timeout: T });
  await page.waitForFunction(
    () => document.querySelector("#conv-list").children.length > 0 || !document.querySelector("#conv-empty").hidden,
    null,
    { timeout: T },
  );
  await page.locator("#banner").waitFor({ state: "hidden", timeout: T });
}

/** Opens (or makes) the direct conversation with `user` from the new-chat dialog. */
export async function newDirect(page, user) {
  await page.click("#new-chat-btn");
  await page.check("#new-kind-direct", { force: true });
  await page.fill("#new-direct-user", user);
  await page.click("#new-chat-submit");
  await page.waitForFunction((u) => document.querySelector("#conv-title")?.dataset.title === u, user, { timeout: T });
}

/** Opens the conversation titled `title` from the list. The list may be redrawn just as the
 * click lands (a conversation made a moment before the page opened arrives by an inbox event),
 * which loses the click: it is clicked again until the conversation opens, within T. */
export async function openConv(page, title) {
  const deadline = Date.now() + T;
  const opened = (t) => document.querySelector("#conv-title")?.dataset.title === t;
  for (;;) {
    await page.locator(`.conv-item[data-title="${title}"]`).click({ timeout: T });
    try {
      await page.waitForFunction(opened, title, { timeout: Math.max(1, Math.min(2000, deadline - Date.now())) });
      return;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
  }
}

/** The stored message (it has a seq) showing `text`. */
export const msgByText = (page, text) => page.locator(".msg[data-seq]", { hasText: text });

/** Types `text` and sends it; waits until it is stored (acknowledged). */
export async function send(page, text) {
  await type(page, text);
  await page.locator(".msg.mine[data-seq]", { hasText: text }).waitFor({ timeout: T });
}

/** Types `text` in the composer and presses Enter. */
export async function type(page, text) {
  await page.fill("#composer-input", text);
  await page.press("#composer-input", "Enter");
}
