// End-to-end tests of the web client's everyday rough edges (issue 21's "Web" line, issue 23's
// mute control): unsent messages outlive a reload, a form's error clears when a field changes,
// links in messages are clickable and safe, and muting a conversation from one page shows on the
// user's other pages. Its own broker and browser (harness.mjs); run by tests/web/run.sh.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { Broker, CTL, DESKTOP, RawClient, checkPrerequisites, launchBrowser, screenshot } from "./harness.mjs";

const T = 30000; // default wait for anything the UI should show (CI: a loaded 2-core machine)
let broker;
let chrome;

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

/** test() that screenshots the test's pages when it fails (artifacts/failed-everyday-*.png). */
function e2e(name, fn) {
  test(name, { timeout: 90000 }, async (t) => {
    const pages = [];
    try {
      await fn(t, pages);
    } catch (err) {
      const slug = name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40);
      let i = 0;
      for (const p of pages) {
        if (!p.isClosed()) await screenshot(p, `failed-everyday-${slug}-${++i}`).catch(() => {});
      }
      throw err;
    }
  });
}

let userCounter = 0;
async function newUser(prefix) {
  const name = `${prefix}${++userCounter}`;
  const password = `pw-${name}-secret`;
  await broker.addUser(name, password);
  return { name, password };
}

/** A new browser context (its own storage); with routeWs the test can cut its WebSockets. */
async function openApp(t, pages, { ctx = null, routeWs = false } = {}) {
  if (!ctx) {
    ctx = await chrome.browser.newContext({ viewport: DESKTOP });
    t.after(() => ctx.close().catch(() => {}));
  }
  const net = { offline: false, sockets: new Set() };
  if (routeWs) {
    await ctx.routeWebSocket(/.*/, (ws) => {
      if (net.offline) return void ws.close();
      ws.connectToServer();
      net.sockets.add(ws);
    });
  }
  const page = await ctx.newPage();
  pages.push(page);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  t.after(() => assert.deepEqual(errors, [], "uncaught errors in the page"));
  await page.goto(broker.url);
  await page.locator("#login-form").waitFor({ timeout: T });
  return { ctx, page, net };
}

async function login(page, user) {
  await page.fill("#login-user", user.name);
  await page.fill("#login-password", user.password);
  await page.click("#login-submit");
  await page.locator("#chat-view").waitFor({ timeout: T });
  await page.waitForFunction(
    () => document.querySelector("#conv-list").children.length > 0 || !document.querySelector("#conv-empty").hidden,
    null,
    { timeout: T },
  );
}

const convItem = (page, title) => page.locator(`.conv-item[data-title="${title}"]`);
const sent = (page, text) => page.locator(".msg.mine[data-seq]", { hasText: text });
const received = (page, text) => page.locator(".msg.theirs[data-seq]", { hasText: text });

async function openConv(page, title) {
  await convItem(page, title).click({ timeout: T });
  await page.waitForFunction((t) => document.querySelector("#conv-title")?.textContent === t, title, { timeout: T });
}

function ctl(...args) {
  const r = spawnSync(CTL, ["--sqlite", broker.db, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mqchatctl ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
}

// ---------------------------------------------------------------------------------------------

e2e("a disabled account is told it may be disabled, not only 'wrong password'", async (t, pages) => {
  const u = await newUser("dora");
  const { page } = await openApp(t, pages);
  await login(page, u);
  // The operator disables the account: the open page is logged out and says why it may be.
  ctl("user", "disable", u.name);
  await page.locator("#login-form").waitFor({ timeout: T });
  await page.locator("#login-error", { hasText: "the account is disabled" }).waitFor({ timeout: T });
  // The right password does not get in either, and the form says the same.
  await page.fill("#login-password", u.password);
  await page.click("#login-submit");
  await page.locator("#login-error", { hasText: "Wrong username or password, or the account is disabled" }).waitFor({
    timeout: T,
  });
  assert.equal(await page.locator("#chat-view").isHidden(), true);
  await screenshot(page, "desktop-login-disabled-account");
});

e2e("an unsent message survives a reload and is delivered exactly once", async (t, pages) => {
  const u = await newUser("rita");
  const other = await newUser("ravi");
  const raw = await new RawClient(broker, other.name, other.password, "raw").connect();
  t.after(() => raw.close());
  const conv = await raw.openDirect(u.name);
  await raw.send(conv, "hello before the outage");

  const { page, net } = await openApp(t, pages, { routeWs: true });
  await login(page, u);
  await openConv(page, other.name);
  await received(page, "hello before the outage").waitFor({ timeout: T });

  // The broker becomes unreachable; a message written now waits in the outbox.
  net.offline = true;
  for (const ws of net.sockets) ws.close();
  net.sockets.clear();
  await page.locator("#banner", { hasText: "Connection lost" }).waitFor({ timeout: T });
  const text = "written offline, then the page reloaded";
  await page.fill("#composer-input", text);
  await page.press("#composer-input", "Enter");
  await page.locator('.msg.pending[data-state="waiting"]', { hasText: text }).waitFor({ timeout: T });

  // Reload while still offline: the new page has it, waiting, before it can reach the broker.
  await page.reload();
  await page.locator("#login-form").waitFor({ timeout: T });
  net.offline = false;
  await login(page, u);
  await page.locator("#conv-pane").waitFor({ timeout: T }); // the URL's #c/<id> reopens it
  await sent(page, text).waitFor({ timeout: T });
  await raw.waitForMessage(conv, text);

  // Stored once, shown once, and gone from the outbox: another reload sends nothing again.
  await page.reload();
  await page.locator("#login-form").waitFor({ timeout: T });
  await login(page, u);
  await sent(page, text).waitFor({ timeout: T });
  const history = await raw.ok(`mqchat/v1/c/${conv}/history`, { limit: 50 });
  assert.equal(history.messages.filter((m) => m.text === text).length, 1, "stored exactly once");
  assert.equal(raw.events.filter((e) => e.obj?.type === "message" && e.obj.text === text).length, 1);
  assert.equal(await page.locator(".msg", { hasText: text }).count(), 1, "shown once");
  assert.equal(await page.locator(".msg.pending").count(), 0);
  await screenshot(page, "desktop-unsent-after-reload-delivered");
});

e2e("a form's error clears as soon as a field changes", async (t, pages) => {
  const u = await newUser("fern");
  const { page } = await openApp(t, pages);
  await page.fill("#login-user", u.name);
  await page.fill("#login-password", "not-the-password");
  await page.click("#login-submit");
  await page.locator("#login-error", { hasText: /Wrong username or password/ }).waitFor({ timeout: T });
  await page.fill("#login-password", "x");
  await page.locator("#login-error").waitFor({ state: "hidden", timeout: T });

  await page.fill("#login-password", u.password);
  await page.click("#login-submit");
  await page.locator("#chat-view").waitFor({ timeout: T });
  await page.click("#new-chat-btn");
  await page.fill("#new-direct-user", "no such user!");
  await page.click("#new-chat-submit");
  await page.locator("#new-chat-error", { hasText: "Enter a valid username" }).waitFor({ timeout: T });
  await page.fill("#new-direct-user", "nosuchuser");
  await page.locator("#new-chat-error").waitFor({ state: "hidden", timeout: T });
  await page.click("#new-chat-submit");
  await page.locator("#new-chat-error", { hasText: 'No user named "nosuchuser"' }).waitFor({ timeout: T });
  await page.check("#new-kind-group", { force: true });
  await page.locator("#new-chat-error").waitFor({ state: "hidden", timeout: T });
});

e2e("links in messages are clickable (http, https, mailto), open a new tab, and nothing else links", async (t, pages) => {
  const u = await newUser("lars");
  const other = await newUser("lina");
  const raw = await new RawClient(broker, other.name, other.password, "raw").connect();
  t.after(() => raw.close());
  const conv = await raw.openDirect(u.name);
  const text =
    'docs at https://example.com/a?b=1&c=<2> (see http://example.org/x). mail mailto:ops@example.com; ' +
    'not javascript:alert(1) nor <a href="javascript:alert(2)">x</a> <img src=x onerror=alert(3)>';
  await raw.send(conv, text);

  const { page } = await openApp(t, pages);
  await login(page, u);
  await openConv(page, other.name);
  const msg = received(page, "docs at");
  await msg.waitFor({ timeout: T });
  const links = await msg.locator(".text a").evaluateAll((as) =>
    as.map((a) => ({ href: a.getAttribute("href"), text: a.textContent, target: a.target, rel: a.rel })),
  );
  const attrs = { target: "_blank", rel: "noopener noreferrer" };
  assert.deepEqual(links, [
    { href: "https://example.com/a?b=1&c=", text: "https://example.com/a?b=1&c=", ...attrs }, // "<" ends a link
    { href: "http://example.org/x", text: "http://example.org/x", ...attrs },
    { href: "mailto:ops@example.com", text: "mailto:ops@example.com", ...attrs },
  ]);
  // The text reads exactly as sent: no markup from it became elements.
  assert.equal(await msg.locator(".text").textContent(), text);
  assert.equal(await msg.locator(".text img, .text b, .text script").count(), 0);
  await screenshot(page, "desktop-links");
});

e2e("mute from the conversation header: 8 hours, for good, unmute, shown on the user's other page", async (t, pages) => {
  const u = await newUser("mia");
  const other = await newUser("moe");
  const raw = await new RawClient(broker, other.name, other.password, "raw").connect();
  t.after(() => raw.close());
  const conv = await raw.openDirect(u.name);
  await raw.send(conv, "first");

  const a = (await openApp(t, pages)).page; // the page that mutes
  const b = (await openApp(t, pages)).page; // another page of the same user (its own device)
  await login(a, u);
  await login(b, u);
  await openConv(a, other.name);
  await received(a, "first").waitFor({ timeout: T });

  await a.click("#mute-btn");
  await a.click('#mute-menu button[data-mute="8h"]');
  await a.locator("#mute-menu").waitFor({ state: "hidden", timeout: T });
  await a.locator("#mute-btn.on").waitFor({ timeout: T });
  assert.match(await a.getAttribute("#mute-btn", "title"), /^Muted until /);
  await a.evaluate(() => (location.hash = "")); // back to the list: nothing open reads "second"
  await a.locator("#conv-pane").waitFor({ state: "hidden", timeout: T });
  // The other page learns it from the mute event: the item shows muted, its unread stays out of
  // the title's count.
  await b.locator(`.conv-item.muted[data-title="${other.name}"]`).waitFor({ timeout: T });
  await raw.send(conv, "second");
  await convItem(b, other.name).locator(".badge.unread.muted", { hasText: "1" }).waitFor({ timeout: T });
  await convItem(a, other.name).locator(".badge.unread.muted", { hasText: "1" }).waitFor({ timeout: T });
  assert.equal(await b.title(), "mqchat");
  assert.equal(await a.title(), "mqchat");
  await screenshot(b, "desktop-muted-conversation");

  // Unmute on the other page: the first one follows, and the count is back in its title.
  await openConv(b, other.name);
  await b.click("#mute-btn");
  assert.match(await b.locator("#mute-state").textContent(), /^Muted until /);
  await screenshot(b, "desktop-mute-menu");
  await b.click("#mute-off");
  await b.locator("#mute-btn:not(.on)").waitFor({ timeout: T });
  await a.locator(`.conv-item:not(.muted)[data-title="${other.name}"]`).waitFor({ timeout: T });
  // b (the same user's other device) leaves the conversation first: reading "third" there would
  // clear it on a too, and a page that renders late (under load) never showed the count.
  await b.evaluate(() => (location.hash = ""));
  await b.locator("#conv-pane").waitFor({ state: "hidden", timeout: T });
  await raw.send(conv, "third");
  await a.waitForFunction(() => /^\(\d+\) mqchat$/.test(document.title), null, { timeout: T });

  // For good: kept by the server, so a page loaded afterwards shows it too.
  await openConv(a, other.name);
  await a.click("#mute-btn");
  await a.click('#mute-menu button[data-mute="forever"]');
  await a.locator("#mute-btn.on").waitFor({ timeout: T });
  assert.equal(await a.getAttribute("#mute-btn", "title"), "Muted");
  const c = (await openApp(t, pages)).page;
  await login(c, u);
  await convItem(c, other.name).and(c.locator(".muted")).waitFor({ timeout: T });
  await openConv(c, other.name);
  await c.locator("#mute-btn.on").waitFor({ timeout: T });
});
