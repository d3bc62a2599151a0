// Browser tests of calls (issue 27; docs/PROTOCOL.md section 8) in headless Chromium with a fake
// camera and microphone: two pages (and the callee's second device, which stops ringing when the
// first accepts) and then three pages reach connected peer connections through the plugin's
// signalling and see media bytes flowing (WebRTC stats), once directly and once forced through
// coturn (iceTransportPolicy "relay" with the TURN credentials the plugin hands out; coturn
// started here on 127.0.0.1 with the plugin's secret); mute reaches the other side; then they
// hang up. axe checks the incoming-call dialog and the call panel. A callee who did not answer
// sees the missed call in the conversation list (and after a reload, though the list's summary
// names an older message) and in the conversation. Its own broker, coturn and browser
// (pages.mjs); run by tests/web/run.sh.
import assert from "node:assert/strict";
import { axe } from "./axe.mjs";
import { axeCopy, callPage, chosenPairs, rxBytes, waitForBytes } from "./call_pages.mjs";
import { callSuite } from "./call_suite.mjs";
import { RawClient } from "./harness.mjs";
import { T, login, openConv } from "./pages.mjs";

const { suite, turn: coturn } = callSuite();
const { newUser, e2e } = suite;
const CONNECT_T = 45000; // ICE and DTLS on a machine shared by many: more than the UI's T
// What waits on the call's signalling (ringing, mute, hang-up): pages of a call in progress
// encode and decode video, so on a loaded machine they answer slower than the UI's T.
const CALL_T = 45000;
const TEST_T = 300000; // a call test's whole run on a loaded 2-core machine (pages.mjs: 120 s)

/** A logged-in page of `user` (its own device), failing the test on an uncaught page error. */
async function open(t, pages, user, relay) {
  const url = suite.broker.url + (relay ? "?ice=relay" : "");
  const errors = [];
  const page = await callPage(suite.browser, url, user, suite.login, (ctx) => t.after(() => ctx.close().catch(() => {})));
  page.on("pageerror", (e) => errors.push(e.message));
  t.after(() => assert.deepEqual(errors, [], `uncaught errors in ${user.name}'s page`));
  pages.push(page);
  return page;
}

/** The call panel of `page` shows `n` other devices connected. */
const connected = (page, n) =>
  page.waitForFunction(
    (n) => document.querySelectorAll('#call-view:not([hidden]) .call-tile:not(.me)[data-state="connected"]').length === n,
    n,
    { timeout: CONNECT_T },
  );

/** Every connection of `page` is connected, chose candidates of the kind asked (relay: through
 * coturn; else not), and receives media: its inbound bytes grow by 10 kB more. */
async function mediaFlows(page, n, relay) {
  await connected(page, n);
  const pairs = await chosenPairs(page);
  assert.equal(pairs.length, n, JSON.stringify(pairs));
  for (const p of pairs) {
    assert.equal(p.policy, relay ? "relay" : "all");
    if (relay) assert.deepEqual([p.local, p.remote], ["relay", "relay"], JSON.stringify(pairs));
    else assert.notEqual(p.local, "relay", JSON.stringify(pairs));
  }
  await waitForBytes(page, await rxBytes(page), 10000, CONNECT_T);
}

/** axe on `within` (a CSS selector) of `page`; `copy`: on a still copy of it (call_pages.mjs
 * axeCopy: for a page in a call, which axe would stall). */
async function noViolations(page, view, within, copy = false) {
  const found = copy ? await axeCopy(suite.browser, page, within) : await axe(page, within);
  assert.deepEqual(found, [], `axe on ${view}`);
}

async function ringsAndAccept(page) {
  await page.locator("#incoming-call[open]").waitFor({ timeout: CALL_T });
  await page.click("#incoming-accept");
}

for (const relay of [false, true]) {
  const how = relay ? "through coturn" : "direct";

  e2e(`two pages: a video call rings both callee devices, one takes it, media flows ${how}, mute shows, hang up`, `call-two-${how}`, async (t, pages) => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const raw = await new RawClient(suite.broker, alice.name, alice.password, "seed").connect();
    t.after(() => raw.close());
    await raw.openDirect(bob.name);
    const allocated = coturn().allocations().length;
    const a = await open(t, pages, alice, relay);
    const b1 = await open(t, pages, bob, relay);
    const b2 = await open(t, pages, bob, relay);
    await openConv(a, bob.name);

    await a.click("#call-video-btn");
    await a.locator("#call-view:not([hidden])").waitFor({ timeout: CALL_T });
    // Both of bob's devices ring; the first to accept takes the call, the other stops ringing.
    await b2.locator("#incoming-call[open]").waitFor({ timeout: CALL_T });
    assert.match(await b2.textContent("#incoming-what"), new RegExp(`${alice.name} is video calling you`));
    if (!relay) await noViolations(b1, "the incoming-call dialog", "#incoming-call");
    await ringsAndAccept(b1);
    await b2.locator("#incoming-call").waitFor({ state: "hidden", timeout: CALL_T });
    assert.equal(await b2.locator("#call-view").isHidden(), true, "bob's other device is not in the call");

    await mediaFlows(a, 1, relay);
    await mediaFlows(b1, 1, relay);
    if (relay) assert.ok(coturn().allocations().length >= allocated + 2, "coturn allocated relays for both pages");
    // Mute: bob's page shows alice's microphone off (the media signal, relayed by the plugin).
    await a.click("#call-mute");
    await a.locator('#call-mute[aria-pressed="true"]').waitFor({ timeout: CALL_T }); // drawn on the next frame
    await b1.locator(".call-tile:not(.me) .call-state", { hasText: "microphone off" }).waitFor({ timeout: CALL_T });
    // The camera toggle; then axe on (a copy of) the panel.
    await a.click("#call-camera");
    await a.locator('#call-camera[aria-pressed="true"]').waitFor({ timeout: CALL_T }); // drawn on the next frame
    if (!relay) await noViolations(a, "the call panel", "#call-view", true);
    assert.equal(await a.locator("#call-view").isVisible(), true, "alice is still in the call");

    await a.click("#call-hangup");
    await a.locator("#call-view").waitFor({ state: "hidden", timeout: CALL_T });
    await b1.locator("#call-view").waitFor({ state: "hidden", timeout: CALL_T });
    for (const p of [a, b1]) {
      assert.equal(await p.evaluate(() => window.__pcs.every((pc) => pc.connectionState === "closed")), true);
    }
  }, { timeout: TEST_T });

  e2e(`three pages: a group call connects every pair, media flows ${how}; one leaves, the others see "left"`, `call-three-${how}`, async (t, pages) => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const carol = await newUser("carol");
    const raw = await new RawClient(suite.broker, alice.name, alice.password, "seed").connect();
    t.after(() => raw.close());
    const group = `Call ${alice.name}`;
    await raw.ok("mqchat/v1/req/create_group", { name: group, members: [bob.name, carol.name] });
    const a = await open(t, pages, alice, relay);
    const b = await open(t, pages, bob, relay);
    const c = await open(t, pages, carol, relay);
    await openConv(a, group);

    await a.click("#call-audio-btn");
    await ringsAndAccept(b);
    await connected(b, 1); // bob is in before carol comes: she offers to both
    await ringsAndAccept(c);
    for (const p of [a, b, c]) await mediaFlows(p, 2, relay);

    await c.click("#call-hangup");
    await c.locator("#call-view").waitFor({ state: "hidden", timeout: CALL_T });
    for (const p of [a, b]) {
      await p.locator('.call-tile[data-state="left"] .call-state', { hasText: "left" }).waitFor({ timeout: CALL_T });
      await connected(p, 1);
    }
    await a.click("#call-hangup");
    await b.click("#call-hangup");
    for (const p of [a, b]) await p.locator("#call-view").waitFor({ state: "hidden", timeout: CALL_T });
  }, { timeout: TEST_T });
}

e2e("a callee who did not answer sees the missed call in the list (after a reload, on a device opened later) and in the conversation", "call-missed", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const raw = await new RawClient(suite.broker, alice.name, alice.password, "phone").connect();
  t.after(() => raw.close());
  const conv = await raw.openDirect(bob.name);
  await raw.send(conv, "before the call");
  const b = await open(t, pages, bob, false);
  await b.locator(`.conv-item[data-title="${alice.name}"] .preview`, { hasText: "before the call" }).waitFor({ timeout: T });

  // Alice calls from her phone; bob's page rings; nobody answers and she gives up.
  const { call_id } = await raw.ok(`mqchat/v1/c/${conv}/call_invite`, { video: false });
  await b.locator("#incoming-call[open]").waitFor({ timeout: CALL_T });
  await raw.ok(`mqchat/v1/c/${conv}/call_hangup`, { call_id });
  await b.locator("#incoming-call").waitFor({ state: "hidden", timeout: CALL_T });
  const missed = `Missed call from ${alice.name}`;
  const inList = async (page) => {
    const item = page.locator(`.conv-item[data-title="${alice.name}"]`);
    await item.locator(".preview.missed", { hasText: missed }).waitFor({ timeout: T });
    assert.equal(await item.locator(".badge.unread [aria-hidden]").textContent(), "2");
  };
  await inList(b);

  // After a reload the list still says so; and on a device that was not there when it rang,
  // though the list's summary names the older message as the last (PROTOCOL.md 8.5).
  await b.reload();
  await login(b, bob);
  await inList(b);
  const other = await open(t, pages, bob, false);
  await inList(other);
  await noViolations(other, "a missed call in the list");
  await openConv(other, alice.name);
  await other.locator(".msg.call-entry.missed", { hasText: missed }).waitFor({ timeout: T });
  await other.locator(`.conv-item[data-title="${alice.name}"] .badge.unread`).waitFor({ state: "detached", timeout: T });
}, { timeout: TEST_T });
