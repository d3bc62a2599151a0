// What the call tests (calls.test.mjs) and the call setup bench (bench/call_setup.mjs) share:
// Chromium with a fake camera and microphone, pages that keep their RTCPeerConnections where
// the test can read their WebRTC stats, and the stats read: bytes received per connection, the
// kind of the candidates each connection chose (host: direct; relay: through TURN); axe on a
// still copy of a page in a call.
import { axe } from "./axe.mjs";
import { DESKTOP } from "./harness.mjs";

/** Chromium switches: fake media devices, granted without a prompt; loopback addresses as ICE
 * candidates (the test's peers and TURN server are on 127.0.0.1); media may play unprompted. */
export const FAKE_MEDIA_ARGS = [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--autoplay-policy=no-user-gesture-required",
];

/** Runs in the page before its scripts: every RTCPeerConnection the app makes is kept in
 * window.__pcs, with the time (performance.now()) it became connected, and the time the
 * microphone (and camera) were granted (the call_invite goes out right after) in __mediaAt. */
function watchPeerConnections() {
  const Orig = window.RTCPeerConnection;
  window.__pcs = [];
  window.__mediaAt = [];
  window.RTCPeerConnection = class extends Orig {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
      this.addEventListener("connectionstatechange", () => {
        if (this.connectionState === "connected" && this.__connectedAt === undefined) {
          this.__connectedAt = performance.now();
        }
      });
    }
  };
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = async (c) => {
    const s = await gum(c);
    window.__mediaAt.push(performance.now());
    return s;
  };
}

/** A page of its own browser context (another device) watching its peer connections, at `url`,
 * logged in as `user` with `login` (pages.mjs). */
export async function callPage(browser, url, user, login, onContext = () => {}) {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  onContext(ctx);
  await ctx.addInitScript(watchPeerConnections);
  const page = await ctx.newPage();
  await page.goto(url);
  await login(page, user);
  return page;
}

/** The bytes each open connection of the page received so far (inbound RTP), in order. */
export function rxBytes(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const pc of window.__pcs) {
      if (pc.connectionState === "closed") continue;
      let n = 0;
      (await pc.getStats()).forEach((r) => {
        if (r.type === "inbound-rtp") n += r.bytesReceived ?? 0;
      });
      out.push(n);
    }
    return out;
  });
}

/** Waits until every open connection of the page received `more` bytes beyond `base` (rxBytes). */
export function waitForBytes(page, base, more, timeout) {
  return page.waitForFunction(
    async ({ base, more }) => {
      const open = window.__pcs.filter((pc) => pc.connectionState !== "closed");
      if (open.length !== base.length) return false;
      for (let i = 0; i < open.length; i++) {
        let n = 0;
        (await open[i].getStats()).forEach((r) => {
          if (r.type === "inbound-rtp") n += r.bytesReceived ?? 0;
        });
        if (n < base[i] + more) return false;
      }
      return true;
    },
    { base, more },
    { timeout, polling: 250 },
  );
}

/** Per open connection: its ICE transport policy and the types of the local and remote
 * candidates of the pair it chose ("host", "srflx", "prflx", "relay"). */
export function chosenPairs(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const pc of window.__pcs) {
      if (pc.connectionState === "closed") continue;
      const stats = await pc.getStats();
      let pair = null;
      stats.forEach((r) => {
        if (r.type === "transport" && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId);
      });
      out.push({
        policy: pc.getConfiguration().iceTransportPolicy,
        local: pair ? stats.get(pair.localCandidateId)?.candidateType : null,
        remote: pair ? stats.get(pair.remoteCandidateId)?.candidateType : null,
      });
    }
    return out;
  });
}

/** axe (axe.mjs) on a still copy of `page` (its DOM and styles, without scripts) in a context of
 * its own, on `within` (a CSS selector). axe's second of synchronous work on the page itself
 * stalls its main thread, beside a call's video, many times longer on a loaded machine: past
 * the MQTT keep-alive (30 s; the broker waits 45) the broker drops the device and its call ends. */
export async function axeCopy(browser, page, within) {
  const html = await page.evaluate(() => {
    const root = document.documentElement.cloneNode(true);
    for (const s of root.querySelectorAll("script")) s.remove();
    return `<!doctype html>${root.outerHTML}`;
  });
  const ctx = await browser.newContext({ viewport: DESKTOP });
  try {
    const copy = await ctx.newPage();
    await copy.setContent(html);
    await copy.locator(within).waitFor({ state: "visible", timeout: 10000 }); // nothing unseen passes
    return await axe(copy, within);
  } finally {
    await ctx.close();
  }
}
