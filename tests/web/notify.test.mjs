// Desktop notifications of the web client (issue 28): with the permission granted and the page
// hidden, a new message shows a notification (Chromium's Notification, recorded by a wrapper the
// test installs), a muted conversation's message does not, a visible page gets none, and clicking
// the notification opens its conversation. Headless Chromium never hides a page by itself, so the
// test makes document.visibilityState report "hidden" and fires visibilitychange. Its own broker
// and browser (pages.mjs); run by tests/web/run.sh. And the web app manifest: Chromium parses it
// (DevTools protocol) and its icons are served at their sizes.
import assert from "node:assert/strict";
import { DESKTOP, RawClient } from "./harness.mjs";
import { T, pageSuite } from "./pages.mjs";

const suite = pageSuite();
const { newUser, login } = suite;

/** Before the app's script: notifications are recorded in window.__notes, and the page's
 * visibility follows window.__setHidden(bool). */
function instrument() {
  const Real = window.Notification;
  window.__notes = [];
  window.Notification = class extends Real {
    constructor(title, opts) {
      super(title, opts);
      window.__notes.push({ title, body: opts?.body ?? "", n: this });
    }
  };
  let hidden = false;
  Object.defineProperty(document, "visibilityState", { get: () => (hidden ? "hidden" : "visible") });
  Object.defineProperty(document, "hidden", { get: () => hidden });
  window.__setHidden = (h) => {
    hidden = h;
    document.dispatchEvent(new Event("visibilitychange"));
  };
}

const notes = (page) => page.evaluate(() => window.__notes.map(({ title, body }) => ({ title, body })));

suite.e2e("a hidden page notifies new messages, not a muted conversation's; a click opens the conversation", "notify", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const a = await new RawClient(suite.broker, alice.name, alice.password, "raw").connect();
  const b = await new RawClient(suite.broker, bob.name, bob.password, "raw").connect();
  const c = await new RawClient(suite.broker, carol.name, carol.password, "raw").connect();
  for (const cl of [a, b, c]) t.after(() => cl.close());
  const withBob = await a.openDirect(bob.name);
  const withCarol = await a.openDirect(carol.name);
  await a.ok(`mqchat/v1/c/${withCarol}/mute`, { until_ms: -1 });

  const ctx = await suite.browser.newContext({ viewport: DESKTOP, permissions: ["notifications"] });
  t.after(() => ctx.close().catch(() => {}));
  await ctx.addInitScript(instrument);
  const page = await ctx.newPage();
  pages.push(page);
  await page.goto(suite.broker.url);
  await login(page, alice);
  await page.locator(`.conv-item[data-title="${carol.name}"]`).waitFor({ timeout: T });

  // Settings shows them on (the permission is granted).
  await page.click("#settings-btn");
  assert.equal(await page.isChecked("#settings-notify"), true);
  await page.keyboard.press("Escape");

  // Visible: a new message notifies nothing.
  await b.send(withBob, "while you look");
  await page.locator(`.conv-item[data-title="${bob.name}"] .preview`, { hasText: "while you look" }).waitFor({ timeout: T });

  // Hidden: carol's message (muted) notifies nothing, bob's does. Carol's is sent first and
  // shown in the list first, so by the time bob's notification is there hers would be too.
  await page.evaluate(() => window.__setHidden(true));
  await c.send(withCarol, "muted hello");
  await page.locator(`.conv-item[data-title="${carol.name}"] .preview`, { hasText: "muted hello" }).waitFor({ timeout: T });
  await b.send(withBob, "are you there?");
  await page.waitForFunction(() => window.__notes.length > 0, null, { timeout: T });
  assert.deepEqual(await notes(page), [{ title: bob.name, body: "are you there?" }]);

  // Clicking it opens bob's conversation.
  await page.evaluate(() => window.__notes[0].n.dispatchEvent(new Event("click")));
  await page.waitForFunction((n) => document.querySelector("#conv-title")?.textContent === n, bob.name, {
    timeout: T,
  });

  // Turned off in Settings: nothing more.
  await page.evaluate(() => window.__setHidden(false));
  await page.click("#settings-btn");
  await page.uncheck("#settings-notify");
  await page.keyboard.press("Escape");
  await page.evaluate(() => window.__setHidden(true));
  await b.send(withBob, "after turning off");
  await page.locator(".msg[data-seq]", { hasText: "after turning off" }).waitFor({ timeout: T });
  assert.equal((await notes(page)).length, 1, "no notification once turned off");
});

suite.e2e("the page has a web app manifest with icons (installable)", "manifest", async (t, pages) => {
  const ctx = await suite.browser.newContext({ viewport: DESKTOP });
  t.after(() => ctx.close().catch(() => {}));
  const page = await ctx.newPage();
  pages.push(page);
  await page.goto(suite.broker.url);
  await page.locator("#login-form").waitFor({ timeout: T });
  const cdp = await ctx.newCDPSession(page);
  const m = await cdp.send("Page.getAppManifest");
  assert.match(m.url, /manifest\.webmanifest$/);
  assert.deepEqual(m.errors, [], "the manifest parses without errors");
  const parsed = JSON.parse(m.data);
  assert.equal(parsed.name, "mqchat");
  assert.equal(parsed.display, "standalone");
  for (const icon of parsed.icons) {
    const res = await page.request.get(new URL(icon.src, m.url).href);
    assert.equal(res.ok(), true, `${icon.src} is served`);
    const [w, h] = icon.sizes.split("x").map(Number);
    const png = await res.body();
    assert.equal(png.readUInt32BE(16), w, `${icon.src}: width`);
    assert.equal(png.readUInt32BE(20), h, `${icon.src}: height`);
  }
});
