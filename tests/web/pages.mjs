// What the page tests share (message_events.test.mjs, privacy.test.mjs): one broker and one
// browser per test file, started before its tests and stopped after them; new users; logged-in
// pages, each in its own browser context (its own storage: another device), with a conversation
// open; a test() that screenshots its pages when it fails.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Broker, DESKTOP, checkPrerequisites, launchBrowser, screenshot } from "./harness.mjs";

export const T = 15000; // default wait for anything the UI should show

export function pageSuite() {
  let broker;
  let chrome;
  let userCounter = 0;

  before(async () => {
    const missing = checkPrerequisites();
    if (missing.length) throw new Error("missing prerequisites:\n  " + missing.join("\n  "));
    broker = await new Broker().start();
    chrome = await launchBrowser();
  });

  after(async () => {
    await chrome?.close();
    if (broker) {
      await broker.stop();
      broker.cleanup();
    }
  });

  async function login(page, user) {
    await page.locator("#login-form").waitFor({ timeout: T });
    await page.fill("#login-user", user.name);
    await page.fill("#login-password", user.password);
    await page.click("#login-submit");
    await page.locator("#chat-view").waitFor({ timeout: T });
  }

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
    /** test() that screenshots the test's pages when it fails (artifacts/failed-<slug>-N.png). */
    e2e(name, slug, fn) {
      test(name, { timeout: 120000 }, async (t) => {
        const pages = [];
        try {
          await fn(t, pages);
        } catch (err) {
          let i = 0;
          for (const p of pages) if (!p.isClosed()) await screenshot(p, `failed-${slug}-${++i}`).catch(() => {});
          throw err;
        }
      });
    },
  };
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
