// End-to-end tests of sign-up and login through the API service (issue 15, Clients/Web): the page
// finds mqchat-api (?api=URL), signs NEW users up, logs in there, connects to the broker with the
// access token, refreshes it, keeps the refresh token (never a password) across reloads, and
// logout revokes it. Its own broker, real mqchat-api (api_service.mjs) and browser; run by
// tests/web/run.sh.
import assert from "node:assert/strict";
import { screenshot } from "./harness.mjs";
import { T, apiPageSuite, newDirect, waitLoaded } from "./pages.mjs";

const suite = apiPageSuite();
const newName = suite.newName;
const e2e = (name, fn) => suite.e2e(name, `signup-${name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40)}`, fn);

/** A page on the login form, as `{ page }`. */
async function openApp(t, pages) {
  return { page: await suite.openPage(t, pages) };
}

const signUp = (page, name, password) => suite.signUpInPage(page, name, password);

const savedTokens = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("mqchat.tokens") ?? "null"));

/** Everything in web storage, as one string to search for a password. */
const webStorage = (page) =>
  page.evaluate(() => {
    const dump = (s) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i))]));
    return JSON.stringify([dump(localStorage), dump(sessionStorage), document.cookie]);
  });

async function send(page, text) {
  await page.fill("#composer-input", text);
  await page.press("#composer-input", "Enter");
  await page.locator(".msg.mine[data-seq]", { hasText: text }).waitFor({ timeout: T });
}

const received = (page, text) => page.locator(".msg.theirs[data-seq]", { hasText: text });

// ---------------------------------------------------------------------------------------------

e2e("two new users sign up in the page and chat; no password is kept", async (t, pages) => {
  const alice = { name: newName("alice"), password: "alice's long password" };
  const bob = { name: newName("bob"), password: "bob's long password" };
  const a = await openApp(t, pages);
  const b = await openApp(t, pages);
  await screenshot(a.page, "desktop-signup-form").catch(() => {});
  await signUp(a.page, alice.name, alice.password);
  await signUp(b.page, bob.name, bob.password);

  await newDirect(a.page, bob.name);
  await send(a.page, "hello bob, from a brand new account");
  await b.page.locator(`.conv-item[data-title="${alice.name}"]`).click({ timeout: T });
  await received(b.page, "hello bob, from a brand new account").waitFor({ timeout: T });
  await send(b.page, "hi alice");
  await received(a.page, "hi alice").waitFor({ timeout: T });
  await screenshot(a.page, "desktop-signup-chat");

  for (const [page, u] of [
    [a.page, alice],
    [b.page, bob],
  ]) {
    const stored = await webStorage(page);
    assert.equal(stored.includes(u.password), false, "a password is in web storage");
    const tokens = await savedTokens(page);
    assert.equal(tokens.user, u.name);
    assert.equal(typeof tokens.refresh, "string");
  }
  // The account exists in the API service: a wrong password is refused there.
  assert.equal((await suite.api.post("/v1/login", { username: alice.name, password: "wrong password!" })).status, 401);
});

e2e("a reload resumes the login without a password, refreshing an expiring token", async (t, pages) => {
  const name = newName("carol");
  const { page } = await openApp(t, pages);
  await signUp(page, name, "carol's long password");
  const before = await savedTokens(page);
  // The access token is about to expire: the reloaded page refreshes it before it connects.
  await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem("mqchat.tokens"));
    s.expiresAt = Date.now() + 1000;
    localStorage.setItem("mqchat.tokens", JSON.stringify(s));
  });
  await page.reload();
  await waitLoaded(page);
  assert.equal(await page.locator("#login-view").isHidden(), true);
  const afterReload = await savedTokens(page);
  assert.notEqual(afterReload.refresh, before.refresh, "the refresh token was not rotated");
  assert.notEqual(afterReload.access, before.access);
  assert.ok(afterReload.expiresAt > Date.now() + 60000);
  // The old refresh token is spent (rotation): the service refuses it.
  assert.equal((await suite.api.post("/v1/refresh", { refresh_token: before.refresh })).status, 401);
});

e2e("logout revokes the refresh token and forgets it", async (t, pages) => {
  const name = newName("dave");
  const { page } = await openApp(t, pages);
  await signUp(page, name, "dave's long password");
  const tokens = await savedTokens(page);
  await page.click("#logout-btn");
  await page.locator("#login-form").waitFor({ timeout: T });
  await page.waitForFunction(() => localStorage.getItem("mqchat.tokens") === null, null, { timeout: T });
  // The page waits for nothing after logout; the revocation reaches the service shortly.
  const deadline = Date.now() + T;
  let status = 0;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    status = (await suite.api.post("/v1/refresh", { refresh_token: tokens.refresh })).status;
    if (status === 401) break;
    await new Promise((r) => setTimeout(r, delay)); // polling interval, not a wait for an event
  }
  assert.equal(status, 401);
  // Signing in again through the form works, and a wrong password is told as such.
  await page.fill("#login-user", name);
  await page.fill("#login-password", "not the password");
  await page.click("#login-submit");
  await page.locator("#login-error", { hasText: "Wrong username or password" }).waitFor({ timeout: T });
  await page.fill("#login-password", "dave's long password");
  await page.click("#login-submit");
  await waitLoaded(page);
});

e2e("sign-up refusals are shown in the form and the API refuses other origins", async (t, pages) => {
  const { page } = await openApp(t, pages);
  const taken = newName("erin");
  assert.equal((await suite.api.post("/v1/signup", { username: taken, password: "erin's long password" })).status, 201);
  await page.locator("#signup-toggle").click();
  await page.fill("#login-user", taken);
  await page.fill("#login-password", "another long password");
  await page.fill("#login-password2", "another long password");
  await page.click("#login-submit");
  await page.locator("#login-error", { hasText: "That username is taken" }).waitFor({ timeout: T });
  await page.fill("#login-user", newName("frank"));
  await page.fill("#login-password2", "a different password");
  await page.click("#login-submit");
  await page.locator("#login-error", { hasText: "The two passwords differ" }).waitFor({ timeout: T });

  // CORS: the page's origin is allowed; any other origin is refused before any handler runs.
  const foreign = await suite.api.post(
    "/v1/signup",
    { username: newName("mallory"), password: "mallory's long password" },
    { Origin: "http://evil.example" },
  );
  assert.equal(foreign.status, 403);
  assert.equal(foreign.json.error.code, "FORBIDDEN");
  const ours = await suite.api.post(
    "/v1/login",
    { username: taken, password: "erin's long password" },
    {
      Origin: `http://127.0.0.1:${suite.broker.wsPort}`,
    },
  );
  assert.equal(ours.status, 200);
  assert.equal(ours.headers.get("access-control-allow-origin"), `http://127.0.0.1:${suite.broker.wsPort}`);
});
