// End-to-end test of a page served without config.json (issue 29): the broker takes no password
// (plugin_opt_password_login off, the default), so the page must find the API service by itself
// and log in there. Served as a deployment behind one front server would serve it: the page's
// files (no config.json) and the API under /v1 on one origin, the broker's WebSocket elsewhere
// (the API's discovery names it). Two users sign up in the page and chat; no password ever goes
// to the broker or into the browser's storage. Without any API to find, a password is refused in
// the form and never sent. Its own broker, real mqchat-api (api_service.mjs) and browser; run
// by tests/web/run.sh.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { API, ApiService } from "./api_service.mjs";
import {
  Broker,
  DESKTOP,
  WEB_DIST,
  checkPrerequisites,
  cleanups,
  freePort,
  launchBrowser,
  screenshot,
} from "./harness.mjs";

const T = 30000;
let broker;
let api;
let chrome;
let front; // serves web/dist without config.json, and /v1 from the API when `withApi`

/** The page's origin: web/dist's files (never config.json) and, when `withApi()` says so, the
 * API under /v1 (a reverse proxy, as a deployment's front server would be). */
async function startFront(withApi) {
  const port = await freePort();
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path.startsWith("/v1/")) {
      if (!withApi()) return res.writeHead(404).end();
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const headers = {};
      for (const h of ["content-type", "authorization", "upload-offset", "upload-length"]) {
        if (req.headers[h]) headers[h] = req.headers[h];
      }
      const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
      const r = await fetch(api.url + req.url, { method: req.method, headers, body });
      const out = { "content-type": r.headers.get("content-type") ?? "application/octet-stream" };
      return res.writeHead(r.status, out).end(Buffer.from(await r.arrayBuffer()));
    }
    const name = path === "/" ? "index.html" : path.slice(1);
    const file = join(WEB_DIST, name);
    if (name === "config.json" || name.includes("/") || name.includes("..") || !existsSync(file)) {
      return res.writeHead(404).end();
    }
    const type = name.endsWith(".html") ? "text/html" : name.endsWith(".png") ? "image/png" : "application/json";
    res.writeHead(200, { "content-type": type }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  cleanups.add(() => server.close());
  return { server, url: `http://127.0.0.1:${port}/`, origin: `http://127.0.0.1:${port}` };
}

let apiOnFront = true;

before(async () => {
  const missing = checkPrerequisites();
  if (!existsSync(API)) missing.push(`mqchat-api (MQCHAT_API_PATH): ${API}`);
  if (missing.length) throw new Error("missing prerequisites:\n  " + missing.join("\n  "));
  broker = new Broker();
  broker.passwordLogin = false; // the shipped default
  api = new ApiService(broker);
  await broker.start();
  front = await startFront(() => apiOnFront);
  api.extraArgs.push("--broker", broker.wsUrl, "--cors_origin", front.origin);
  await api.start();
  chrome = await launchBrowser();
});

after(async () => {
  await chrome?.close();
  front?.server.close();
  await api?.stop();
  if (broker) {
    await broker.stop();
    broker.cleanup();
  }
});

let counter = 0;
const newName = (prefix) => `${prefix}${++counter}${Date.now().toString(36).slice(-4)}`;

/** A page at the front server's root (no query). `sent` collects every WebSocket frame the page
 * sends (as bytes) and every request body that goes anywhere but /v1/signup and /v1/login. */
async function openPage(t, pages) {
  const ctx = await chrome.browser.newContext({ viewport: DESKTOP });
  t.after(() => ctx.close().catch(() => {}));
  const page = await ctx.newPage();
  pages.push(page);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  t.after(() => assert.deepEqual(errors, [], "uncaught errors in the page"));
  const sent = { frames: [], bodies: [] };
  page.on("websocket", (ws) =>
    ws.on("framesent", (f) => sent.frames.push(Buffer.isBuffer(f.payload) ? f.payload : Buffer.from(f.payload))),
  );
  page.on("request", (r) => {
    const body = r.postDataBuffer();
    if (body && !/\/v1\/(signup|login)$/.test(new URL(r.url()).pathname)) sent.bodies.push(body);
  });
  await page.goto(front.url);
  await page.locator("#login-form").waitFor({ timeout: T });
  return { page, sent };
}

/** No frame to the broker and no other request carries `password`. */
function assertNeverSent(sent, password) {
  const needle = Buffer.from(password);
  for (const f of sent.frames) assert.equal(f.includes(needle), false, "a password went to the broker");
  for (const b of sent.bodies) assert.equal(b.includes(needle), false, "a password went elsewhere");
}

const webStorage = (page) =>
  page.evaluate(() => {
    const dump = (s) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i))]));
    return JSON.stringify([dump(localStorage), dump(sessionStorage), document.cookie]);
  });

async function signUp(page, name, password) {
  await page.locator("#signup-toggle").click({ timeout: T });
  await page.fill("#login-user", name);
  await page.fill("#login-password", password);
  await page.fill("#login-password2", password);
  await page.click("#login-submit");
  await page.locator("#chat-view").waitFor({ timeout: T });
  await page.locator("#banner").waitFor({ state: "hidden", timeout: T });
}

function e2e(name, fn) {
  test(name, { timeout: 90000 }, async (t) => {
    const pages = [];
    try {
      await fn(t, pages);
    } catch (err) {
      let i = 0;
      for (const p of pages) if (!p.isClosed()) await screenshot(p, `failed-no-config-${++i}`).catch(() => {});
      throw err;
    }
  });
}

e2e("without config.json the page finds the API on its origin; two users sign up and chat", async (t, pages) => {
  apiOnFront = true;
  const alice = { name: newName("alice"), password: "alice's long password" };
  const bob = { name: newName("bob"), password: "bob's long password" };
  const a = await openPage(t, pages);
  const b = await openPage(t, pages);
  await signUp(a.page, alice.name, alice.password);
  await signUp(b.page, bob.name, bob.password);

  await a.page.click("#new-chat-btn");
  await a.page.check("#new-kind-direct", { force: true });
  await a.page.fill("#new-direct-user", bob.name);
  await a.page.click("#new-chat-submit");
  await a.page.fill("#composer-input", "hello from a page without config.json");
  await a.page.press("#composer-input", "Enter");
  await b.page.locator(`.conv-item[data-title="${alice.name}"]`).click({ timeout: T });
  await b.page.locator(".msg.theirs[data-seq]", { hasText: "without config.json" }).waitFor({ timeout: T });
  await b.page.fill("#composer-input", "hi alice");
  await b.page.press("#composer-input", "Enter");
  await a.page.locator(".msg.theirs[data-seq]", { hasText: "hi alice" }).waitFor({ timeout: T });

  for (const [p, u] of [
    [a, alice],
    [b, bob],
  ]) {
    assert.ok(p.sent.frames.length > 0, "the page spoke to the broker");
    assertNeverSent(p.sent, u.password);
    assert.equal((await webStorage(p.page)).includes(u.password), false, "a password is in web storage");
    assert.equal(await p.page.inputValue("#login-password"), "", "the form still holds the password");
  }
});

e2e("with no API to find, a password is refused in the form and never sent", async (t, pages) => {
  apiOnFront = false;
  t.after(() => (apiOnFront = true));
  const { page, sent } = await openPage(t, pages);
  const password = "a password that must stay here";
  await page.fill("#login-user", newName("carol"));
  await page.fill("#login-password", password);
  await page.click("#login-submit");
  await page.locator("#login-error:not([hidden])").waitFor({ timeout: T });
  assert.match(await page.textContent("#login-error"), /sign-in service/i);
  assertNeverSent(sent, password);
  assert.equal(sent.frames.length, 0, "the page opened a broker connection");
  assert.equal((await webStorage(page)).includes(password), false);
});
