// Browser tests of calls (issue 27; docs/PROTOCOL.md section 8) in headless Chromium with a fake
// camera and microphone: two pages (and the callee's second device, which stops ringing when the
// first accepts) and then three pages reach connected peer connections through the plugin's
// signalling and see media bytes flowing (WebRTC stats), once directly and once forced through
// coturn (iceTransportPolicy "relay" with the TURN credentials the plugin hands out; coturn
// started here on 127.0.0.1 with the plugin's secret); mute reaches the other side; then they
// hang up. axe checks the incoming-call dialog and the call panel. Its own broker, coturn and
// browser (pages.mjs); run by tests/web/run.sh.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after } from "node:test";
import { axe } from "./axe.mjs";
import { FAKE_MEDIA_ARGS, callPage, chosenPairs, rxBytes, waitForBytes } from "./call_pages.mjs";
import { Coturn } from "./coturn.mjs";
import { RawClient } from "./harness.mjs";
import { T, openConv, pageSuite } from "./pages.mjs";

const TURN_SECRET = randomBytes(24).toString("hex");
let turn;
const suite = pageSuite({
  browserArgs: FAKE_MEDIA_ARGS,
  configure: async (broker) => {
    turn = await new Coturn(TURN_SECRET).start();
    broker.extraConfig.push(
      `plugin_opt_call_turn_urls ${turn.url}`,
      `plugin_opt_call_turn_secret ${TURN_SECRET}`,
      "plugin_opt_call_ring_timeout_s 120", // a loaded machine must not time the ringing out
    );
  },
});
const { newUser, e2e } = suite;
after(() => turn?.cleanup()); // coturn would keep the test process alive
const CONNECT_T = 45000; // ICE and DTLS on a machine shared by many: more than the UI's T

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

async function noViolations(page, view) {
  assert.deepEqual(await axe(page), [], `axe on ${view}`);
}

async function ringsAndAccept(page) {
  await page.locator("#incoming-call[open]").waitFor({ timeout: T });
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
    const allocated = turn.allocations().length;
    const a = await open(t, pages, alice, relay);
    const b1 = await open(t, pages, bob, relay);
    const b2 = await open(t, pages, bob, relay);
    await openConv(a, bob.name);

    await a.click("#call-video-btn");
    await a.locator("#call-view:not([hidden])").waitFor({ timeout: T });
    // Both of bob's devices ring; the first to accept takes the call, the other stops ringing.
    await b2.locator("#incoming-call[open]").waitFor({ timeout: T });
    assert.match(await b2.textContent("#incoming-what"), new RegExp(`${alice.name} is video calling you`));
    if (!relay) await noViolations(b1, "the incoming-call dialog");
    await ringsAndAccept(b1);
    await b2.locator("#incoming-call").waitFor({ state: "hidden", timeout: T });
    assert.equal(await b2.locator("#call-view").isHidden(), true, "bob's other device is not in the call");

    await mediaFlows(a, 1, relay);
    await mediaFlows(b1, 1, relay);
    if (relay) assert.ok(turn.allocations().length >= allocated + 2, "coturn allocated relays for both pages");
    if (!relay) await noViolations(a, "the call panel");

    // Mute: bob's page shows alice's microphone off (the media signal, relayed by the plugin).
    await a.click("#call-mute");
    assert.equal(await a.getAttribute("#call-mute", "aria-pressed"), "true");
    await b1.locator(".call-tile:not(.me) .call-state", { hasText: "microphone off" }).waitFor({ timeout: T });

    await a.click("#call-hangup");
    await a.locator("#call-view").waitFor({ state: "hidden", timeout: T });
    await b1.locator("#call-view").waitFor({ state: "hidden", timeout: T });
    for (const p of [a, b1]) {
      assert.equal(await p.evaluate(() => window.__pcs.every((pc) => pc.connectionState === "closed")), true);
    }
  });

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
    await c.locator("#call-view").waitFor({ state: "hidden", timeout: T });
    for (const p of [a, b]) {
      await p.locator('.call-tile[data-state="left"] .call-state', { hasText: "left" }).waitFor({ timeout: T });
      await connected(p, 1);
    }
    await a.click("#call-hangup");
    await b.click("#call-hangup");
    for (const p of [a, b]) await p.locator("#call-view").waitFor({ state: "hidden", timeout: T });
  });
}
