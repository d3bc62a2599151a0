// End-to-end tests of the web client (web/dist) in headless Chromium against a real Mosquitto
// with the mqchat plugin, which this file starts itself (see harness.mjs). Run by tests/web/run.sh.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  ARTIFACTS,
  Broker,
  DESKTOP,
  PHONE,
  RawClient,
  ROOT,
  checkPrerequisites,
  launchBrowser,
  screenshot,
  token,
} from "./harness.mjs";
import { CliPeer, RawPeer, SdkPeer, findCli, findSdkExamples } from "./peers.mjs";

const T = 30000; // default wait for anything the UI should show (CI: a loaded 2-core machine)
let broker;
let chrome;
const contexts = new Set();

before(async () => {
  const missing = checkPrerequisites();
  if (missing.length) throw new Error("missing prerequisites:\n  " + missing.join("\n  "));
  broker = await new Broker().start();
  chrome = await launchBrowser();
  console.log(`# broker ${broker.url} (dir ${broker.dir}); screenshots in ${ARTIFACTS}`);
});

after(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => {});
  await chrome?.close();
  if (broker) {
    await broker.stop();
    broker.cleanup();
  }
});

/** test() that screenshots every page of the test when it fails (artifacts/failed-*.png). */
const pagesOf = new Map();
function e2e(name, fn) {
  test(name, { timeout: 90000 }, async (t) => {
    pagesOf.set(t, []);
    try {
      await fn(t);
    } catch (err) {
      const slug = name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40);
      let i = 0;
      for (const p of pagesOf.get(t)) {
        if (!p.isClosed()) await screenshot(p, `failed-${slug}-${++i}`).catch(() => {});
      }
      throw err;
    } finally {
      pagesOf.delete(t);
    }
  });
}

let userCounter = 0;
/** A fresh user with a password (mqchatctl). */
async function newUser(prefix) {
  const name = `${prefix}${++userCounter}`;
  const password = `pw-${name}-secret`;
  await broker.addUser(name, password);
  return { name, password };
}

/** Opens the app in a new browser context (its own storage: a separate browser user).
 * `holdFromPage`: a WebSocket frame from the page that matches it is never passed on (a request
 * the server never answers). */
async function openApp(t, { viewport = DESKTOP, routeWs = false, holdFromPage = null } = {}) {
  const ctx = await chrome.browser.newContext({ viewport });
  contexts.add(ctx);
  const errors = [];
  const net = { offline: false, sockets: new Set() };
  if (holdFromPage) {
    net.held = new Promise((resolve) => (net.onHeld = resolve)); // the first frame held
    await ctx.routeWebSocket(/.*/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        if (holdFromPage(Buffer.from(frame))) net.onHeld();
        else server.send(frame);
      });
    });
  } else if (routeWs) {
    // Lets a test cut the page's WebSocket (a lost connection) and refuse new ones for a while.
    await ctx.routeWebSocket(/.*/, (ws) => {
      if (net.offline) return void ws.close();
      ws.connectToServer();
      net.sockets.add(ws);
    });
  }
  const page = await ctx.newPage();
  pagesOf.get(t)?.push(page);
  page.on("pageerror", (e) => errors.push(e.message));
  t.after(async () => {
    assert.deepEqual(errors, [], "uncaught errors in the page");
  });
  await page.goto(broker.url);
  await page.locator("#login-form").waitFor({ timeout: T });
  return { ctx, page, net };
}

async function login(page, user, secret, mode = "password") {
  await page.fill("#login-user", user);
  if (mode === "token") {
    await page.check("#login-mode-token", { force: true });
    await page.fill("#login-token", secret);
  } else {
    await page.fill("#login-password", secret);
  }
  await page.click("#login-submit");
  await page.locator("#chat-view").waitFor({ timeout: T });
  await waitLoaded(page);
}

/** Connected and the conversation list loaded (no banner). */
async function waitLoaded(page) {
  await page.waitForFunction(
    () => document.querySelector("#conv-list").children.length > 0 || !document.querySelector("#conv-empty").hidden,
    null,
    { timeout: T },
  );
  await page.locator("#banner").waitFor({ state: "hidden", timeout: T });
}

async function appAs(t, user, opts = {}) {
  const app = await openApp(t, opts);
  await login(app.page, user.name, user.password ?? user.token, user.token ? "token" : "password");
  return app;
}

const convItem = (page, title) => page.locator(`.conv-item[data-title="${title}"]`);
const sent = (page, text) => page.locator(".msg.mine[data-seq]", { hasText: text });
const received = (page, text) => page.locator(".msg.theirs[data-seq]", { hasText: text });

async function openConv(page, title) {
  await convItem(page, title).click({ timeout: T });
  await page.waitForFunction((t) => document.querySelector("#conv-title")?.textContent === t, title, { timeout: T });
}

async function newDirect(page, user, shotName) {
  await page.click("#new-chat-btn");
  await page.check("#new-kind-direct", { force: true });
  await page.fill("#new-direct-user", user);
  if (shotName) await screenshot(page, shotName);
  await page.click("#new-chat-submit");
  await page.waitForFunction((u) => document.querySelector("#conv-title")?.textContent === u, user, { timeout: T });
}

async function send(page, text) {
  await page.fill("#composer-input", text);
  await page.press("#composer-input", "Enter");
  await sent(page, text).waitFor({ timeout: T });
}

// ---------------------------------------------------------------------------------------------

e2e("two browser users chat both ways (password and token login, unread, typing, receipts)", async (t) => {
  const alice = await newUser("alice");
  const bob = { name: `bob${++userCounter}`, token: token(`bob${userCounter}`) }; // auto-created
  const a = await appAs(t, alice, { viewport: DESKTOP });
  const b = await appAs(t, bob, { viewport: PHONE });
  await screenshot(b.page, "phone-empty-list");

  await newDirect(a.page, bob.name, "desktop-new-conversation-dialog");
  await a.page.fill("#composer-input", "Hi Bob, lunch at noon?");
  await a.page.press("#composer-input", "Enter");
  await sent(a.page, "Hi Bob, lunch at noon?").waitFor({ timeout: T }); // acked: has a seq
  assert.equal(await a.page.locator(".msg.pending").count(), 0);

  // Bob (phone): the conversation appears with an unread badge and the last message.
  const item = convItem(b.page, alice.name);
  await item.locator(".badge.unread", { hasText: "1" }).waitFor({ timeout: T });
  assert.match(await item.locator(".preview").textContent(), /Hi Bob, lunch at noon\?/);
  await screenshot(b.page, "phone-conversation-list");

  await openConv(b.page, alice.name);
  await received(b.page, "Hi Bob, lunch at noon?").waitFor({ timeout: T });

  // Typing indicator: Bob types, Alice sees it.
  await b.page.fill("#composer-input", "Sure");
  await b.page.locator("#composer-input").dispatchEvent("input");
  await a.page.waitForFunction(() => /typing/.test(document.querySelector("#conv-sub").textContent), null, { timeout: T });
  await screenshot(a.page, "desktop-typing");

  await b.page.fill("#composer-input", "Sure, see you there 🍜");
  await b.page.press("#composer-input", "Enter");
  await sent(b.page, "Sure, see you there 🍜").waitFor({ timeout: T });
  await received(a.page, "Sure, see you there 🍜").waitFor({ timeout: T });
  await a.page.waitForFunction(() => !/typing/.test(document.querySelector("#conv-sub").textContent), null, { timeout: T });

  // Read receipts: Bob read Alice's message, so it shows as read on Alice's side.
  await sent(a.page, "Hi Bob, lunch at noon?").locator(".status.read").waitFor({ timeout: T });
  // Bob has nothing unread now.
  await b.page.click("#back-btn");
  await item.waitFor({ timeout: T });
  assert.equal(await item.locator(".badge").count(), 0);

  await a.page.fill("#composer-input", "Great!");
  await a.page.press("#composer-input", "Enter");
  await item.locator(".badge.unread", { hasText: "1" }).waitFor({ timeout: T });
  await openConv(b.page, alice.name);
  await received(b.page, "Great!").waitFor({ timeout: T });
  await screenshot(a.page, "desktop-conversation");
  await screenshot(b.page, "phone-conversation");
});

e2e("a browser user and a C++ client chat", async (t) => {
  const web = await newUser("wendy");
  const cpp = await newUser("carl");
  const buildDir = process.env.MQCHAT_BUILD_DIR ?? `${ROOT}/build`;
  const cli = findCli(buildDir);
  const sdk = cli ? null : findSdkExamples(buildDir);
  const peer = cli
    ? new CliPeer(broker, cpp.name, cpp.password, cli)
    : sdk
      ? new SdkPeer(broker, cpp.name, cpp.password, sdk)
      : new RawPeer(broker, cpp.name, cpp.password);
  t.diagnostic(`other client: ${peer.kind}`);
  t.after(() => peer.close());

  const w = await appAs(t, web);
  const first = await peer.sendDirect(web.name, "Hello from the C++ side");
  await convItem(w.page, cpp.name).waitFor({ timeout: T });
  await openConv(w.page, cpp.name);
  await received(w.page, "Hello from the C++ side").waitFor({ timeout: T });

  const convId = first.conversationId ?? (await w.page.locator(".conv-item.active").getAttribute("data-id"));
  await peer.tail(convId);
  await send(w.page, "Hello back from the browser");
  const got = await peer.waitForText("Hello back from the browser");
  assert.equal(got.sender, web.name);

  await peer.sendDirect(web.name, "Second message from C++");
  await received(w.page, "Second message from C++").waitFor({ timeout: T });
  await screenshot(w.page, "desktop-chat-with-cpp-client");
});

e2e("reloading the page restores the conversation from history, with scroll-back paging", async (t) => {
  const erin = await newUser("erin");
  const seeder = await newUser("sam");
  const raw = await new RawClient(broker, seeder.name, seeder.password, "seed").connect();
  t.after(() => raw.close());
  const conv = await raw.openDirect(erin.name);
  const N = 75; // more than one history page (50)
  for (let i = 1; i <= N; i++) await raw.send(conv, `history message ${String(i).padStart(3, "0")}`);

  const e = await appAs(t, erin, { viewport: PHONE });
  await openConv(e.page, seeder.name);
  const last = `history message ${String(N).padStart(3, "0")}`;
  await received(e.page, last).waitFor({ timeout: T });
  await send(e.page, "my reply before the reload");

  await e.page.reload();
  // No password is kept across a reload (see the web storage test): the page asks for it again,
  // then the open conversation (the URL's #c/<id>) comes back from history.
  await e.page.locator("#login-form").waitFor({ timeout: T });
  await login(e.page, erin.name, erin.password);
  await e.page.locator("#conv-pane").waitFor({ timeout: T });
  await waitLoaded(e.page);
  await sent(e.page, "my reply before the reload").waitFor({ timeout: T });
  await received(e.page, last).waitFor({ timeout: T });
  await screenshot(e.page, "phone-after-reload");

  // Scroll back to the very first message: older pages load on demand.
  const first = received(e.page, "history message 001");
  for (let i = 0; i < 20 && !(await first.count()); i++) {
    await e.page.locator("#messages").evaluate((el) => (el.scrollTop = 0));
    await e.page.waitForFunction(
      () => !/Loading/.test(document.querySelector("#history-status").textContent),
      null,
      { timeout: T },
    );
  }
  await first.waitFor({ timeout: T });
  await e.page.waitForFunction(() => /Beginning of the conversation/.test(document.querySelector("#history-status").textContent), null, { timeout: T });
  assert.equal(await e.page.locator(".msg[data-seq]").count(), N + 1);
});

/** Everything the page keeps in web storage (and cookies), as one string to search. */
async function webStorage(page) {
  return page.evaluate(async () => {
    const dump = (s) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i))]));
    const dbs = [];
    for (const { name, version } of await indexedDB.databases()) {
      const db = await new Promise((res, rej) => {
        const r = indexedDB.open(name, version);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      for (const store of db.objectStoreNames) {
        const all = await new Promise((res, rej) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        dbs.push({ name, store, all });
      }
      db.close();
    }
    return JSON.stringify({ session: dump(sessionStorage), local: dump(localStorage), dbs, cookie: document.cookie });
  });
}

e2e("no password is kept in web storage: a reload asks for it again; a token login resumes", async (t) => {
  const u = await newUser("pia");
  const { page } = await openApp(t);
  await login(page, u.name, u.password);
  const kept = await webStorage(page);
  assert.ok(kept.includes(u.name), `the dump sees the remembered username: ${kept}`);
  assert.ok(!kept.includes(u.password), `password in web storage: ${kept}`);

  await page.reload();
  await page.locator("#login-form").waitFor({ timeout: T });
  assert.equal(await page.locator("#chat-view").isHidden(), true);
  assert.equal(await page.inputValue("#login-user"), u.name);
  assert.equal(await page.inputValue("#login-password"), "");
  assert.ok(!(await webStorage(page)).includes(u.password));

  // A token (it expires on its own) is kept for the tab: a reload resumes without the form.
  await login(page, u.name, token(u.name), "token");
  await page.reload();
  await page.locator("#chat-view").waitFor({ timeout: T });
  await waitLoaded(page);
  assert.equal(await page.locator("#login-view").isHidden(), true);
  assert.ok(!(await webStorage(page)).includes(u.password));
});

e2e("a wrong password shows a clear error", async (t) => {
  const u = await newUser("walt");
  const { page } = await openApp(t);
  await screenshot(page, "desktop-login");
  await page.fill("#login-user", u.name);
  await page.fill("#login-password", "not-the-password");
  await page.click("#login-submit");
  await page.locator("#login-error").waitFor({ timeout: T });
  assert.equal(await page.locator("#login-error").textContent(), "Wrong username or password, or the account is disabled");
  assert.equal(await page.locator("#chat-view").isHidden(), true);
  await screenshot(page, "desktop-login-wrong-password");

  // A bad token says so too; then the right password gets in.
  await page.check("#login-mode-token", { force: true });
  await page.fill("#login-token", token(u.name, 3600, "x".repeat(64)));
  await page.click("#login-submit");
  await page.waitForFunction(() => /Token rejected/.test(document.querySelector("#login-error").textContent), null, { timeout: T });
  await page.check("#login-mode-password", { force: true });
  await page.fill("#login-password", u.password);
  await page.click("#login-submit");
  await page.locator("#chat-view").waitFor({ timeout: T });
  await page.setViewportSize(PHONE);
  await page.click("#logout-btn");
  await page.fill("#login-password", "wrong again");
  await page.click("#login-submit");
  await page.locator("#login-error", { hasText: "Wrong username or password" }).waitFor({ timeout: T });
  await screenshot(page, "phone-login-wrong-password");
});

e2e("logging out while the page still loads (servers not answered yet) leaves nothing running", async (t) => {
  const u = await newUser("lou");
  const writer = await newUser("lea");
  const raw = await new RawClient(broker, writer.name, writer.password, "lou").connect();
  t.after(() => raw.close());
  await raw.send(await raw.openDirect(u.name), "a conversation in the list");
  // The page's "servers" request (after the conversations, before the page counts as loaded)
  // never reaches the broker, so the logout comes while the page waits for it.
  const { page, net } = await openApp(t, { holdFromPage: (frame) => frame.includes("/req/servers") });
  await page.fill("#login-user", u.name);
  await page.fill("#login-password", u.password);
  await page.click("#login-submit");
  await convItem(page, writer.name).waitFor({ timeout: T });
  await net.held;
  // From the end of the logout's click on (the view gone), whatever changes in the chat view is
  // counted: the held request fails with the logout, and nothing of the old view may draw after
  // it (its listeners, timers and a frame still to come are gone), so nothing throws either.
  await page.evaluate(() => {
    window.changedAfterLogout = 0;
    const onClick = (e) => {
      if (!e.target.closest("#logout-btn")) return;
      window.removeEventListener("click", onClick);
      const seen = new MutationObserver((records) => (window.changedAfterLogout += records.length));
      seen.observe(document.getElementById("chat-view"), { subtree: true, childList: true, attributes: true, characterData: true });
      window.seenAfterLogout = seen;
    };
    window.addEventListener("click", onClick); // bubbling: after the app's own handler
  });
  await page.click("#logout-btn");
  await page.locator("#login-form").waitFor({ timeout: T });
  const changes = await page.evaluate(
    () =>
      new Promise((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => resolve(window.changedAfterLogout + window.seenAfterLogout.takeRecords().length)),
        ),
      ),
  );
  assert.equal(changes, 0, "the chat view changed after the logout");
  assert.equal(await page.locator("#chat-view").isHidden(), true);
});

e2e("a message over the limit is refused in the composer, with the count; 100,000 characters send and render collapsed", async (t) => {
  const u = await newUser("lena");
  const v = await newUser("max");
  const a = await appAs(t, u);
  const b = await appAs(t, v, { viewport: PHONE });
  await newDirect(a.page, v.name);

  // Over the limit: the count says so and nothing is sent (it could only fail, with a useless Retry).
  await a.page.fill("#composer-input", "a".repeat(100001));
  await a.page.locator("#char-count.over", { hasText: "100,001 / 100,000 — too long by 1" }).waitFor({ timeout: T });
  assert.equal(await a.page.locator("#send-btn").isDisabled(), true);
  await a.page.press("#composer-input", "Enter");
  await a.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await a.page.locator(".msg.mine").count(), 0, "an over-limit message is not sent");
  assert.equal((await a.page.inputValue("#composer-input")).length, 100001, "the text stays to be shortened");
  await screenshot(a.page, "desktop-message-too-long");
  await a.page.press("#composer-input", "Backspace");
  await a.page.waitForFunction(() => !document.querySelector("#char-count").classList.contains("over"), null, { timeout: T });
  assert.equal(await a.page.locator("#send-btn").isDisabled(), false);
  await a.page.fill("#composer-input", "");

  // Exactly at the limit: accepted, shown collapsed, expandable, and the page stays responsive.
  const big = "b".repeat(99991) + " the end.";
  assert.equal(big.length, 100000);
  await a.page.fill("#composer-input", big);
  await a.page.click("#send-btn");
  const mine = a.page.locator(".msg.mine[data-seq]", { hasText: "Show more (100,000 characters)" });
  await mine.waitFor({ timeout: T });
  await openConv(b.page, u.name);
  const theirs = b.page.locator(".msg.theirs[data-seq]", { hasText: "Show more (100,000 characters)" });
  await theirs.waitFor({ timeout: T });
  const ms = await b.page.evaluate(async () => {
    const t0 = performance.now();
    document.querySelector(".msg.theirs .more").click();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  });
  await b.page.locator(".msg.theirs .more", { hasText: "Show less" }).waitFor({ timeout: T });
  assert.ok(ms < 2000, `expanding a 100,000-character message took ${ms} ms`);
  await screenshot(b.page, "phone-long-message");
});

e2e("group creation and member management (add, remove, rename, leave)", async (t) => {
  const owner = await newUser("olga");
  const m1 = await newUser("pete");
  const m2 = await newUser("quinn");
  const o = await appAs(t, owner);
  const p = await appAs(t, m1, { viewport: PHONE });
  const q = await new RawClient(broker, m2.name, m2.password, "raw").connect();
  t.after(() => q.close());

  await o.page.click("#new-chat-btn");
  await o.page.check("#new-kind-group", { force: true });
  await o.page.fill("#new-group-name", "Book club");
  await o.page.fill("#new-group-members", m1.name);
  await o.page.click("#new-chat-submit");
  await o.page.waitForFunction(() => document.querySelector("#conv-title")?.textContent === "Book club", null, { timeout: T });
  await send(o.page, "Welcome to the book club!");
  await convItem(p.page, "Book club").waitFor({ timeout: T });

  await o.page.click("#info-btn");
  await o.page.locator(`#member-list .member[data-user="${m1.name}"]`).waitFor({ timeout: T });
  // add
  await o.page.fill("#add-members-input", m2.name);
  await o.page.click("#add-members-form button[type=submit]");
  await o.page.locator(`#member-list .member[data-user="${m2.name}"]`).waitFor({ timeout: T });
  await q.waitFor((e) => e.obj?.type === "conversation" && e.obj.event === "members_added", T, "members_added");
  // rename
  await o.page.fill("#rename-input", "Sci-fi book club");
  await o.page.click("#rename-form button[type=submit]");
  await o.page.waitForFunction(() => document.querySelector("#conv-title")?.textContent === "Sci-fi book club", null, { timeout: T });
  await convItem(p.page, "Sci-fi book club").waitFor({ timeout: T });
  await screenshot(o.page, "desktop-group-details");
  // remove
  await o.page.locator(`#member-list .member[data-user="${m2.name}"] .remove`).click();
  await o.page.locator(`#member-list .member[data-user="${m2.name}"]`).waitFor({ state: "detached", timeout: T });
  await q.waitFor(
    (e) => e.obj?.type === "conversation" && e.obj.event === "member_removed" && e.obj.users?.includes(m2.name),
    T,
    "member_removed",
  );
  // a non-member is refused
  const convId = await o.page.locator(".conv-item.active").getAttribute("data-id");
  const refused = await q.request(`mqchat/v1/c/${convId}/send`, { client_msg_id: "x1", text: "let me in" });
  assert.equal(refused.error?.code, "NOT_MEMBER");
  // leave (Pete, on the phone)
  await openConv(p.page, "Sci-fi book club");
  await p.page.click("#info-btn");
  await p.page.locator("#leave-btn").waitFor({ timeout: T });
  await screenshot(p.page, "phone-group-details");
  await p.page.click("#leave-btn");
  await p.page.click("#leave-confirm");
  await convItem(p.page, "Sci-fi book club").waitFor({ state: "detached", timeout: T });
  await o.page.locator(`#member-list .member[data-user="${m1.name}"]`).waitFor({ state: "detached", timeout: T });
});

e2e("connection lost: banner, automatic reconnect, pending send retried, missed messages synced", async (t) => {
  const u = await newUser("nina");
  const other = await newUser("otto");
  const raw = await new RawClient(broker, other.name, other.password, "raw").connect();
  t.after(() => raw.close());
  const conv = await raw.openDirect(u.name);
  await raw.send(conv, "before the outage");

  const { page, net } = await appAs(t, u, { routeWs: true });
  await openConv(page, other.name);
  await received(page, "before the outage").waitFor({ timeout: T });

  net.offline = true;
  for (const ws of net.sockets) ws.close();
  net.sockets.clear();
  await page.locator("#banner", { hasText: "Connection lost" }).waitFor({ timeout: T });
  await page.fill("#composer-input", "written while offline");
  await page.press("#composer-input", "Enter");
  await page.locator('.msg.pending[data-state="waiting"]', { hasText: "written while offline" }).waitFor({ timeout: T });
  for (let i = 1; i <= 3; i++) await raw.send(conv, `missed ${i}`);
  await screenshot(page, "desktop-connection-lost");

  net.offline = false; // the app reconnects by itself (backoff), then syncs and resends
  await page.locator("#banner").waitFor({ state: "hidden", timeout: 30000 });
  for (let i = 1; i <= 3; i++) await received(page, `missed ${i}`).waitFor({ timeout: T });
  await sent(page, "written while offline").waitFor({ timeout: T });
  await raw.waitForMessage(conv, "written while offline");
  const copies = raw.events.filter((e) => e.obj?.type === "message" && e.obj.text === "written while offline");
  assert.equal(copies.length, 1, "the retried message is stored once");
  const seqs = await page.locator(".msg[data-seq]").evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
  assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
  assert.equal(new Set(seqs).size, seqs.length, "no message shown twice");
});

e2e("presence changes when the other user closes the page", async (t) => {
  if (!broker.presenceOpts) {
    t.skip("this plugin build has no presence (it refused plugin_opt_presence_*); enable when presence lands");
    return;
  }
  const u = await newUser("pia");
  const v = await newUser("ravi");
  const a = await appAs(t, u);
  const b = await appAs(t, v, { viewport: PHONE });
  await newDirect(a.page, v.name);
  await convItem(b.page, u.name).waitFor({ timeout: T });

  await a.page.locator(`.conv-item[data-title="${v.name}"] .presence-dot.online`).waitFor({ timeout: T });
  await a.page.waitForFunction(() => document.querySelector("#conv-sub").textContent === "online", null, { timeout: T });
  await screenshot(a.page, "desktop-presence-online");

  await b.page.close(); // the other user closes the page
  await a.page.locator(`.conv-item[data-title="${v.name}"] .presence-dot.offline`).waitFor({ timeout: T });
  await a.page.waitForFunction(() => /^last seen/.test(document.querySelector("#conv-sub").textContent), null, { timeout: T });
  await screenshot(a.page, "desktop-presence-offline");
});

e2e("reading on one page lowers the title count on the user's other page", async (t) => {
  const reader = await newUser("rita");
  const writer = await newUser("walt");
  const raw = await new RawClient(broker, writer.name, writer.password, "title").connect();
  t.after(() => raw.close());
  const first = await appAs(t, reader, { viewport: DESKTOP });
  const second = await appAs(t, reader, { viewport: PHONE }); // another browser: another device
  const conv = await raw.openDirect(reader.name);
  for (let i = 1; i <= 3; i++) await raw.send(conv, `unread ${i}`);
  const title = (page, want) =>
    page.waitForFunction((w) => document.title === w, want, { timeout: T });
  await title(first.page, "(3) mqchat");
  await title(second.page, "(3) mqchat");

  await openConv(first.page, writer.name); // reads on the first page
  await received(first.page, "unread 3").waitFor({ timeout: T });
  await title(first.page, "mqchat");
  await title(second.page, "mqchat"); // the read event from the other device
  await screenshot(second.page, "title-after-read-elsewhere");
});
