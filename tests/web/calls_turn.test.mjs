// Browser test of TURN credentials that expire during a call (issue 27; docs/PROTOCOL.md 8.4):
// the plugin hands them out for 60 s (plugin_opt_call_turn_ttl_s at its least) and a call forced
// through coturn (call_suite.mjs) goes on past their expiry: each page
// asks for fresh ones before (state/call_ice.ts), gives them to its connection and restarts ICE,
// and coturn allocates relays for the new usernames. Its own broker, coturn and browser
// (pages.mjs); run by tests/web/run.sh.
import assert from "node:assert/strict";
import { callPage, chosenPairs, rxBytes, waitForBytes } from "./call_pages.mjs";
import { callSuite } from "./call_suite.mjs";
import { RawClient } from "./harness.mjs";
import { openConv } from "./pages.mjs";

const TTL_S = 60;
const { suite, turn } = callSuite([`plugin_opt_call_turn_ttl_s ${TTL_S}`]);
const WAIT = 60000; // ICE, signalling and the pages of a call on a loaded machine

/** The expiry (Unix s) in the TURN username of the page's open connection (0: none). */
function expiryIn() {
  const pc = window.__pcs.find((p) => p.connectionState !== "closed");
  const user =
    pc?.getConfiguration().iceServers.find((s) => s.username)?.username ?? "";
  return Number(/^(\d+):/.exec(user)?.[1] ?? 0);
}

/** Polls `fn` (async) every 250 ms until it returns something truthy, which it returns; fails
 * naming `what` after `timeout` ms. */
async function until(fn, timeout, what) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`no ${what} within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The page's call is connected through coturn and receives media (10 kB more). */
async function flowsThroughTurn(page) {
  const tile =
    '#call-view:not([hidden]) .call-tile:not(.me)[data-state="connected"]';
  await page.locator(tile).waitFor({ timeout: WAIT });
  const pairs = await chosenPairs(page);
  assert.deepEqual(
    pairs.map((p) => [p.local, p.remote]),
    [["relay", "relay"]],
    JSON.stringify(pairs),
  );
  await waitForBytes(page, await rxBytes(page), 10000, WAIT);
}

suite.e2e(
  "a call through coturn outlives its TURN credentials: fresh ones before they expire, ICE restarted with them",
  "call-turn-refresh",
  async (t, pages) => {
    const alice = await suite.newUser("alice");
    const bob = await suite.newUser("bob");
    const raw = await new RawClient(
      suite.broker,
      alice.name,
      alice.password,
      "seed",
    ).connect();
    t.after(() => raw.close());
    await raw.openDirect(bob.name);
    const open = async (user) => {
      const errors = [];
      const page = await callPage(
        suite.browser,
        `${suite.broker.url}?ice=relay`,
        user,
        suite.login,
        (ctx) => t.after(() => ctx.close().catch(() => {})),
      );
      page.on("pageerror", (e) => errors.push(e.message));
      t.after(() =>
        assert.deepEqual(errors, [], `uncaught errors in ${user.name}'s page`),
      );
      pages.push(page);
      return page;
    };
    const a = await open(alice);
    const b = await open(bob);
    await openConv(a, bob.name);
    await a.click("#call-audio-btn");
    await b.locator("#incoming-call[open]").waitFor({ timeout: WAIT });
    await b.click("#incoming-accept");
    for (const p of [a, b]) await flowsThroughTurn(p);

    const first = [await a.evaluate(expiryIn), await b.evaluate(expiryIn)];
    for (const e of first)
      assert.ok(e > Date.now() / 1000, `credentials not yet expired: ${e}`);
    // Before they expire each page has fresh ones on its connection...
    const fresh = [];
    for (const [i, p] of [a, b].entries()) {
      const e = await until(
        async () =>
          (await p.evaluate(expiryIn)) > first[i] ? p.evaluate(expiryIn) : 0,
        TTL_S * 1000,
        "fresh credentials",
      );
      fresh.push(e);
    }
    // ...and coturn allocated relays with them: ICE restarted with the new usernames.
    const users = [`${fresh[0]}:${alice.name}`, `${fresh[1]}:${bob.name}`];
    const allocatedFor = (u) =>
      turn().allocations().some((l) => l.includes(`user <${u}>`));
    await until(
      () => users.every(allocatedFor),
      WAIT,
      `coturn allocations for ${users}`,
    ).catch((e) => {
      throw new Error(
        `${e.message}; allocations:\n${turn().allocations().join("\n")}`,
      );
    });

    // Past the first credentials' expiry the call still flows through coturn.
    const expired = Math.max(...first) + 2;
    await a.waitForFunction((at) => Date.now() / 1000 > at, expired, {
      timeout: WAIT,
      polling: 500,
    });
    for (const p of [a, b]) await flowsThroughTurn(p);
    await a.click("#call-hangup");
    for (const p of [a, b])
      await p.locator("#call-view").waitFor({ state: "hidden", timeout: WAIT });
  },
  { timeout: 300000 },
);
