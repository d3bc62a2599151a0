// Accessibility tests of the web client (issue 28): axe-core (WCAG 2.1 A and AA rules plus its
// best practices: landmarks, one h1, lists) on every view — login, sign-up, the conversation
// list, an open conversation, the details panel, the new-conversation, privacy and settings dialogs,
// the mute menu, the search results — in the light and the dark theme (prefers-color-scheme) and at a desktop and a phone
// width; any violation fails. And a keyboard-only session: sign in, move through the list with
// the arrow keys, open a conversation with Enter, send, scroll the history, open a dialog and
// close it with Escape, without a mouse. Its own broker and browser (pages.mjs); run by
// tests/web/run.sh.
import assert from "node:assert/strict";
import { DESKTOP, PHONE, RawClient } from "./harness.mjs";
import { T, pageSuite } from "./pages.mjs";
import { searchUntil } from "./search_helpers.mjs";
import { axe } from "./axe.mjs";

const suite = pageSuite();
const { newUser, login } = suite;

/** Seeds a direct conversation and a group with messages (mine, theirs, a reply) for `me`. */
async function seed(t, me, other) {
  const mine = await new RawClient(suite.broker, me.name, me.password, "seed").connect();
  const theirs = await new RawClient(suite.broker, other.name, other.password, "seed").connect();
  t.after(() => mine.close());
  t.after(() => theirs.close());
  const direct = await mine.openDirect(other.name);
  await mine.send(direct, "Hello! Are we still on for lunch?");
  await theirs.send(direct, "Yes, 12:30 at the usual place 🍜");
  await mine.send(direct, "Great, see you there");
  const group = (await mine.ok("mqchat/v1/req/create_group", { name: "Crew", members: [other.name] })).conversation;
  await theirs.send(group.conversation_id, "Welcome to the crew");
}

const THEMES = ["light", "dark"];
const SIZES = [
  ["desktop", DESKTOP],
  ["phone", PHONE],
];

for (const theme of THEMES) {
  for (const [size, viewport] of SIZES) {
    suite.e2e(`axe finds no violation on any view (${theme}, ${size})`, `a11y-${theme}-${size}`, async (t, pages) => {
      const alice = await newUser("alice");
      const bob = await newUser("bob");
      await seed(t, alice, bob);
      const ctx = await suite.browser.newContext({ viewport, colorScheme: theme });
      t.after(() => ctx.close().catch(() => {}));
      const page = await ctx.newPage();
      pages.push(page);
      const found = [];
      const check = async (view) => {
        for (const v of await axe(page)) found.push(`[${view}] ${v}`);
      };

      // Sign-up (an API service is configured; it need not answer for the form to show).
      await page.goto(`${suite.broker.url}?api=${encodeURIComponent("http://127.0.0.1:9")}`);
      await page.locator("#signup-toggle").click({ timeout: T });
      await page.locator("#login-password2-field").waitFor({ timeout: T });
      await check("sign-up");

      await page.goto(suite.broker.url);
      await page.locator("#login-form").waitFor({ timeout: T });
      await check("login");
      await login(page, alice);
      await page.locator(".conv-item").nth(1).waitFor({ timeout: T });
      await check("conversation list");

      // Search (issue 17): results with highlighted snippets take the list's place.
      await searchUntil(page, "lunch", "still on for lunch");
      await check("search results");
      await page.press("#search-input", "Escape");
      await page.locator("#search-view").waitFor({ state: "hidden", timeout: T });

      await page.locator(`.conv-item[data-title="${bob.name}"]`).click();
      await page.locator(".msg[data-seq]", { hasText: "see you there" }).waitFor({ timeout: T });
      await check("open conversation");

      await page.click("#mute-btn");
      await page.locator("#mute-menu").waitFor({ timeout: T });
      await check("mute menu");
      await page.keyboard.press("Escape");
      await page.locator("#mute-menu").waitFor({ state: "hidden", timeout: T });

      await page.click("#info-btn");
      await page.locator("#info-panel").waitFor({ timeout: T });
      await check("details panel");
      await page.click("#info-close");
      await page.locator("#info-panel").waitFor({ state: "hidden", timeout: T });

      if (size === "phone") await page.click("#back-btn");
      await page.click("#new-chat-btn");
      await page.locator("#new-chat-dialog").waitFor({ timeout: T });
      await check("new conversation dialog");
      await page.keyboard.press("Escape");
      await page.locator("#new-chat-dialog").waitFor({ state: "hidden", timeout: T });

      await page.click("#privacy-btn");
      await page.locator("#privacy-dialog").waitFor({ timeout: T });
      await check("privacy dialog");
      await page.keyboard.press("Escape");
      await page.locator("#privacy-dialog").waitFor({ state: "hidden", timeout: T });

      await page.click("#settings-btn");
      await page.locator("#settings-dialog").waitFor({ timeout: T });
      await check("settings dialog");
      await page.keyboard.press("Escape");
      await page.locator("#settings-dialog").waitFor({ state: "hidden", timeout: T });

      assert.deepEqual(found, [], `axe violations:\n  ${found.join("\n  ")}`);
    });
  }
}

/** The element that has the keyboard focus, as "tag#id.class[data-title]". */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return "";
    const title = el.closest("[data-title]")?.getAttribute("data-title");
    const where = el.closest("#messages") ? " in #messages" : "";
    return `${el.tagName.toLowerCase()}#${el.id}.${el.className}${title ? `[${title}]` : ""}${where}`;
  });

/** Presses Tab (or Shift+Tab) until `pred(focused)` holds (at most 40 times). */
async function tabTo(page, pred, what, key = "Tab") {
  for (let i = 0; i < 40; i++) {
    if (pred(await focused(page))) return;
    await page.keyboard.press(key);
  }
  assert.fail(`Tab never reached ${what} (focus on ${await focused(page)})`);
}

suite.e2e("the keyboard alone signs in, opens a conversation, sends, scrolls and closes a dialog", "a11y-keyboard", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  await seed(t, alice, bob);
  const bobRaw = await new RawClient(suite.broker, bob.name, bob.password, "more").connect();
  t.after(() => bobRaw.close());
  const direct = await bobRaw.openDirect(alice.name);
  for (let i = 1; i <= 40; i++) await bobRaw.send(direct, `history line ${i}`);

  const ctx = await suite.browser.newContext({ viewport: DESKTOP });
  t.after(() => ctx.close().catch(() => {}));
  const page = await ctx.newPage();
  pages.push(page);
  await page.goto(suite.broker.url);
  await page.locator("#login-form").waitFor({ timeout: T });
  // Sign in: the username field has the focus; type, Tab to the password, Enter.
  assert.match(await focused(page), /^input#login-user/);
  await page.keyboard.type(alice.name);
  await tabTo(page, (f) => f.startsWith("input#login-password."), "the password field");
  await page.keyboard.type(alice.password);
  await page.keyboard.press("Enter");
  await page.locator("#chat-view").waitFor({ timeout: T });
  await page.locator(".conv-item").nth(1).waitFor({ timeout: T });

  // Into the list, then the arrow keys: Down moves to the next conversation, Up back.
  await tabTo(page, (f) => f.includes("conv-open"), "the conversation list");
  const first = await focused(page);
  await page.keyboard.press("ArrowDown");
  const second = await focused(page);
  assert.notEqual(second, first, "ArrowDown moves to the next conversation");
  await page.keyboard.press("ArrowUp");
  assert.equal(await focused(page), first, "ArrowUp moves back");
  if (!first.includes(`[${bob.name}]`)) await page.keyboard.press("ArrowDown");
  assert.ok((await focused(page)).includes(`[${bob.name}]`), "the direct conversation has the focus");
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelector("#conv-title")?.textContent === n, bob.name, {
    timeout: T,
  });

  // Opening puts the focus in the composer: type and send with Enter.
  await page.waitForFunction(() => document.activeElement?.id === "composer-input", null, { timeout: T });
  await page.keyboard.type("sent by keyboard");
  await page.keyboard.press("Enter");
  await page.locator(".msg.mine[data-seq]", { hasText: "sent by keyboard" }).waitFor({ timeout: T });

  // The history scrolls from the keyboard: Shift+Tab back into the message list (its last
  // message's menu button), PageUp.
  await tabTo(page, (f) => f.endsWith(" in #messages"), "the message list", "Shift+Tab");
  const before = await page.evaluate(() => document.getElementById("messages").scrollTop);
  await page.keyboard.press("PageUp");
  await page.waitForFunction((b) => document.getElementById("messages").scrollTop < b, before, { timeout: T });

  // A dialog opens from the keyboard and Escape closes it; the focus goes back to its button.
  // (Forward: past the composer the focus wraps round to the top of the page.)
  await tabTo(page, (f) => f.startsWith("button#privacy-btn"), "the privacy button");
  await page.keyboard.press("Enter");
  await page.locator("#privacy-dialog").waitFor({ timeout: T });
  await page.keyboard.press("Escape");
  await page.locator("#privacy-dialog").waitFor({ state: "hidden", timeout: T });
  assert.match(await focused(page), /^button#privacy-btn/);

  // The details panel too: opened with Enter, closed with Escape.
  await tabTo(page, (f) => f.startsWith("button#info-btn"), "the details button");
  await page.keyboard.press("Enter");
  await page.locator("#info-panel").waitFor({ timeout: T });
  await page.keyboard.press("Escape");
  await page.locator("#info-panel").waitFor({ state: "hidden", timeout: T });
});
