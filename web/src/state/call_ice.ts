// TURN credentials that expire during a call (docs/PROTOCOL.md 8.4): they last call_turn_ttl_s
// (a day by default) from when the plugin handed them out. A device in a call asks for fresh
// ones (mqchat/v1/req/ice_servers) before they expire, halfway through what is left and at most
// five minutes before the end, gives them to each of its connections and restarts ICE on them,
// so new TURN allocations log in with them (state/call.ts, call_peer.ts).
import { WireIceServer, turnExpiryMs } from "../api/call";

const MARGIN_MAX_MS = 5 * 60_000;
const TIMER_MAX_MS = 2 ** 31 - 1; // setTimeout's longest

/** How long from `nowMs` to wait before asking again for `servers`' credentials; null when they
 * have none that expire. */
export function iceRefreshDelayMs(servers: readonly WireIceServer[], nowMs: number): number | null {
  const at = turnExpiryMs(servers);
  if (!at) return null;
  const left = at - nowMs;
  return Math.min(TIMER_MAX_MS, Math.max(1000, left - Math.min(left / 2, MARGIN_MAX_MS)));
}

/** After a failed ask: again a little later. */
export const ICE_RETRY_MS = 10_000;

/** The RTCConfiguration of a call's connections. */
export function rtcConfig(servers: readonly WireIceServer[], relayOnly: boolean): RTCConfiguration {
  return {
    iceServers: servers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential })),
    iceTransportPolicy: relayOnly ? "relay" : "all",
  };
}
