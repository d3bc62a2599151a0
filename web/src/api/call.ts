// Calls on the wire (docs/PROTOCOL.md section 8): the call ops, their answers, the call events
// (ringing, joined, left, ended, a relayed signal, ...) and the ICE server list, with decoders.
// The plugin only signals; media flows between the browsers (state/call.ts).
import { aString, arr, bool, num, obj, str } from "./decode";
import { DecodeError } from "./errors";
import { ROOT, type Response } from "./wire";

export const CALL_OPS = [
  "call_invite",
  "call_accept",
  "call_decline",
  "call_join",
  "call_hangup",
  "call_signal",
] as const;
export type CallOp = (typeof CALL_OPS)[number];

/** The topic of call op `op` in conversation `id`. */
export const callTopic = (id: string, op: CallOp): string => `${ROOT}/c/${id}/${op}`;
/** mqchat/v1/req/ice_servers: fresh TURN credentials for a call that outlives them. */
export const ICE_SERVERS_TOPIC = `${ROOT}/req/ice_servers`;

/** A device in a call: `<user>/<device>` is its client id (the `to` and `from` of signals). */
export interface CallDevice {
  user: string;
  device: string;
}
export const clientIdOf = (d: CallDevice): string => `${d.user}/${d.device}`;

/** An RTCIceServer as the plugin hands it out (TURN REST credentials: `<expiry>:<user>`). */
export interface WireIceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** What call_invite, call_accept and call_join answer (the fields each has; others empty). */
export interface CallAnswer {
  call_id: string;
  participants: CallDevice[];
  ice_servers: WireIceServer[];
  ring_timeout_s: number;
}

export type SignalKind = "offer" | "answer" | "candidate" | "media";

/** An inbox event of type "call" (section 8.3); the fields after call_id come with some events. */
export interface CallEvent {
  type: "call";
  event: "ringing" | "ring_ended" | "busy" | "joined" | "declined" | "left" | "ended" | "signal" | string;
  conversation_id: string;
  call_id: string;
  caller?: string; // ringing
  caller_device?: string;
  video?: boolean; // ringing; a media signal
  ring_timeout_s?: number;
  reason?: string; // ring_ended, left, ended
  user?: string; // busy, joined, declined, left
  device?: string; // joined, left
  started_by?: string; // ended
  duration_ms?: number;
  participants?: string[];
  from?: string; // signal: the sender's client id
  sig_seq?: number;
  signal?: SignalKind;
  sdp?: string;
  candidate?: string;
  sdp_mid?: string;
  sdp_mline_index?: number;
  audio?: boolean;
}

function device(v: unknown, what: string): CallDevice {
  const o = obj(v, what);
  return { user: str(o, "user", what), device: str(o, "device", what) };
}

function iceServer(v: unknown, what: string): WireIceServer {
  const o = obj(v, what);
  const s: WireIceServer = { urls: arr(o, "urls", what, aString) };
  if (o.username !== undefined) s.username = str(o, "username", what);
  if (o.credential !== undefined) s.credential = str(o, "credential", what);
  return s;
}

export function decodeCallAnswer(r: Response): CallAnswer {
  const what = `${r.op} answer`;
  return {
    call_id: str(r, "call_id", what),
    participants: r.participants === undefined ? [] : arr(r, "participants", what, device),
    ice_servers: r.ice_servers === undefined ? [] : arr(r, "ice_servers", what, iceServer),
    ring_timeout_s: r.ring_timeout_s === undefined ? 0 : num(r, "ring_timeout_s", what),
  };
}

/** The ICE servers of a mqchat/v1/req/ice_servers answer (fresh TURN credentials). */
export function decodeIceServers(r: Response): WireIceServer[] {
  return arr(r, "ice_servers", "ice_servers answer", iceServer);
}

/** When the TURN credentials in `servers` expire (epoch ms: the earliest `<expiry>:` of their
 * usernames, section 8.4), or 0 when none has one. */
export function turnExpiryMs(servers: readonly WireIceServer[]): number {
  let at = 0;
  for (const s of servers) {
    const m = /^(\d+):/.exec(s.username ?? "");
    if (m && (at === 0 || Number(m[1]) * 1000 < at)) at = Number(m[1]) * 1000;
  }
  return at;
}

const SIGNALS: readonly string[] = ["offer", "answer", "candidate", "media"];
const OPTIONAL_STRINGS = ["caller", "caller_device", "reason", "user", "device", "started_by", "from"] as const;
const OPTIONAL_COUNTS = ["ring_timeout_s", "duration_ms", "sig_seq", "sdp_mline_index"] as const;

/** An inbox event of type "call"; throws a DecodeError naming the first bad field. */
export function decodeCallEvent(v: unknown): CallEvent {
  const what = "call event";
  const o = obj(v, what);
  const ev: CallEvent = {
    type: "call",
    event: str(o, "event", what),
    conversation_id: str(o, "conversation_id", what),
    call_id: str(o, "call_id", what),
  };
  for (const k of OPTIONAL_STRINGS) if (o[k] !== undefined) ev[k] = str(o, k, what);
  for (const k of OPTIONAL_COUNTS) if (o[k] !== undefined) ev[k] = num(o, k, what);
  if (o.video !== undefined) ev.video = bool(o, "video", what);
  if (o.audio !== undefined) ev.audio = bool(o, "audio", what);
  if (o.participants !== undefined) ev.participants = arr(o, "participants", what, aString);
  if (ev.event === "signal") {
    const sig = str(o, "signal", what);
    if (!SIGNALS.includes(sig)) throw new DecodeError(`${what}.signal: unknown signal "${sig}"`);
    ev.signal = sig as SignalKind;
    if (!ev.from) throw new DecodeError(`${what}.from: missing`);
    if (o.sdp !== undefined) ev.sdp = str(o, "sdp", what);
    if (o.candidate !== undefined) ev.candidate = str(o, "candidate", what);
    if (o.sdp_mid !== undefined) ev.sdp_mid = str(o, "sdp_mid", what);
  }
  return ev;
}

/** The call_id in an INVALID answer to call_invite ("conversation 12 has a call in progress:
 * call_join it ... <call_id>"), or null: the group's running call, to join instead. */
export function callInProgress(message: string): string | null {
  if (!/in progress/.test(message)) return null;
  const m = /\b([0-9a-f]{16,32})\b/.exec(message);
  return m ? m[1] : null;
}
