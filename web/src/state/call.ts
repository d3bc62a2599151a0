// Calls of this device (docs/PROTOCOL.md section 8): the calls ringing here, and the one call it
// takes part in, as a WebRTC mesh: one RTCPeerConnection per other device of the call, its SDP
// and ICE candidates relayed by the plugin's call_signal, its ICE servers (STUN, TURN with REST
// credentials) from the plugin's answers, asked for again before the credentials expire
// (call_ice.ts). A newcomer (accept, join) offers to every device already in the call; those
// answer (so two devices do not offer to each other at once, but for an ICE restart:
// call_peer.ts). Each peer's signals are applied in order, one after the other. ui/call_ui.ts
// shows it.
import {
  CallAnswer,
  CallDevice,
  CallEvent,
  CallOp,
  ICE_SERVERS_TOPIC,
  WireIceServer,
  callInProgress,
  callTopic,
  clientIdOf,
  decodeCallAnswer,
  decodeIceServers,
} from "../api/call";
import { ChatError } from "../api/errors";
import type { Response } from "../api/wire";
import { t } from "../i18n/i18n";
import { ICE_RETRY_MS, iceRefreshDelayMs, rtcConfig } from "./call_ice";
import { applyTracks, getUserMedia, mediaSignal, stopTracks } from "./call_media";
import { MeshPeer, PeerView } from "./call_peer";
import { describeError } from "./describe";

export type { PeerState, PeerView } from "./call_peer";

/** A call ringing on this device. */
export interface Ringing {
  readonly callId: string;
  readonly conversationId: string;
  readonly caller: string;
  readonly video: boolean;
}

/** "starting": asking for the microphone (and camera) and the call; "calling": ringing the
 * others, nobody in yet; "joining": accepting or joining; "in_call": with others. */
export type CallPhase = "starting" | "calling" | "joining" | "in_call";

export interface ActiveCall {
  readonly callId: string;
  readonly conversationId: string;
  readonly video: boolean;
  readonly phase: CallPhase;
  readonly muted: boolean;
  readonly cameraOff: boolean;
  readonly local: MediaStream | null;
  readonly peers: readonly PeerView[];
}

export interface CallDeps {
  me: string;
  device: string;
  request(topic: string, body: Record<string, unknown>): Promise<Response>;
  changed(): void;
  notice(kind: "error" | "info", text: string): void;
  /** The microphone (and camera): navigator.mediaDevices.getUserMedia by default. */
  media?(video: boolean): Promise<MediaStream>;
  /** new RTCPeerConnection by default (a fake in tests). */
  peerConnection?(config: RTCConfiguration): RTCPeerConnection;
}

interface Call extends ActiveCall {
  callId: string;
  phase: CallPhase;
  muted: boolean;
  cameraOff: boolean;
  local: MediaStream | null;
  peers: MeshPeer[];
  ice: WireIceServer[];
  iceTimer?: ReturnType<typeof setTimeout>; // fresh TURN credentials before these expire
  early: CallEvent[]; // events of this conversation's calls before call_invite answered
}

export class CallState {
  /** Every connection goes through TURN (iceTransportPolicy "relay"): for testing a relay. */
  relayOnly = false;
  private ringing = new Map<string, Ringing>();
  private call: Call | null = null;

  constructor(private d: CallDeps) {}

  // ---- reading ----

  get active(): ActiveCall | null {
    return this.call;
  }
  /** The calls ringing on this device, oldest first. */
  get rings(): Ringing[] {
    return [...this.ringing.values()];
  }

  // ---- actions ----

  /** Calls the other members of `conversationId`; in a group with a call running, joins it. */
  async start(conversationId: string, video: boolean): Promise<void> {
    const call = await this.begin("", conversationId, video, "starting");
    if (!call) return;
    try {
      const r = await this.d.request(callTopic(conversationId, "call_invite"), { video });
      if (this.call !== call) return void this.hangupQuietly(conversationId, String(r.call_id ?? ""));
      const a = decodeCallAnswer(r);
      Object.assign(call, { callId: a.call_id, ice: a.ice_servers, phase: "calling" });
      this.keepIce(call);
      this.d.changed();
      for (const ev of call.early.splice(0)) if (ev.call_id === a.call_id) this.onEvent(ev);
    } catch (e) {
      const running = e instanceof ChatError && e.code === "INVALID" ? callInProgress(e.message) : null;
      if (running && this.call === call) return this.enter(call, running, "call_join");
      this.failed(call, e);
    }
  }

  /** Takes the call ringing here. */
  async accept(callId: string): Promise<void> {
    const r = this.ringing.get(callId);
    if (!r) return;
    this.ringing.delete(callId);
    if (this.call) await this.hangup(); // one call at a time
    const call = await this.begin(callId, r.conversationId, r.video, "joining");
    if (call) await this.enter(call, callId, "call_accept");
  }

  /** Declines the call ringing here (on all my devices). */
  async decline(callId: string): Promise<void> {
    const r = this.ringing.get(callId);
    if (!r) return;
    this.ringing.delete(callId);
    this.d.changed();
    await this.d
      .request(callTopic(r.conversationId, "call_decline"), { call_id: callId })
      .catch((e) => this.d.notice("error", describeError(e)));
  }

  /** Leaves the call (the caller before anyone answered: cancels it). */
  async hangup(): Promise<void> {
    const call = this.call;
    if (!call) return;
    this.teardown();
    if (call.callId) await this.hangupQuietly(call.conversationId, call.callId);
  }

  toggleMute(): void {
    this.toggle("muted");
  }

  toggleCamera(): void {
    this.toggle("cameraOff");
  }

  /** The connection went: the plugin drops this device from its call (PROTOCOL.md 8.1), and
   * what rang here is not rung again. */
  connectionLost(): void {
    if (this.call) {
      this.teardown();
      this.d.notice("info", t("call.lost"));
    }
    if (this.ringing.size) {
      this.ringing.clear();
      this.d.changed();
    }
  }

  /** Logout: everything stops. */
  dispose(): void {
    this.teardown();
    this.ringing.clear();
  }

  // ---- events ----

  onEvent(ev: CallEvent): void {
    const c = this.call;
    if (c && !c.callId && ev.conversation_id === c.conversationId && ev.event !== "ringing") {
      c.early.push(ev);
      return;
    }
    const mine = c !== null && c.callId === ev.call_id;
    switch (ev.event) {
      case "ringing":
        this.ringing.set(ev.call_id, {
          callId: ev.call_id,
          conversationId: ev.conversation_id,
          caller: ev.caller ?? "",
          video: ev.video ?? false,
        });
        break;
      case "ring_ended":
        this.ringing.delete(ev.call_id);
        break;
      case "busy":
        if (mine) this.d.notice("info", t("call.busy", { user: ev.user ?? "" }));
        break;
      case "declined":
        if (mine) this.d.notice("info", t("call.declined", { user: ev.user ?? "" }));
        break;
      case "joined":
        if (mine && ev.user && ev.device && !this.isMe(ev.user, ev.device)) {
          c.phase = "in_call";
          this.peer(c, { user: ev.user, device: ev.device }, false);
        }
        break;
      case "left":
        if (mine && ev.user && ev.device) this.left(c, `${ev.user}/${ev.device}`);
        break;
      case "ended":
        this.ringing.delete(ev.call_id);
        if (mine) {
          this.teardown();
          this.d.notice("info", endedText(ev.reason ?? ""));
        }
        break;
      case "signal":
        if (mine && ev.from) this.onSignal(c, ev);
        return;
      default:
        return;
    }
    this.d.changed();
  }

  // ---- inside ----

  private isMe(user: string, device: string): boolean {
    return user === this.d.me && device === this.d.device;
  }

  /** The call this device is about to take part in, with its microphone (and camera) on; null
   * when the browser refused them (the notice says why). */
  private async begin(callId: string, conversationId: string, video: boolean, phase: CallPhase): Promise<Call | null> {
    if (this.call) return null;
    const call: Call = {
      callId,
      conversationId,
      video,
      phase,
      muted: false,
      cameraOff: false,
      local: null,
      peers: [],
      ice: [],
      early: [],
    };
    this.call = call;
    this.d.changed();
    try {
      const local = await (this.d.media ?? getUserMedia)(video);
      if (this.call !== call) {
        stopTracks(local);
        return null;
      }
      call.local = local;
      return call;
    } catch (e) {
      this.teardown();
      this.d.notice("error", t("call.noMedia", { error: e instanceof Error ? e.message : String(e) }));
      if (callId && phase === "joining") void this.decline0(conversationId, callId);
      return null;
    }
  }

  /** Accepting without a microphone is declining: the others stop waiting for this user. */
  private decline0(conversationId: string, callId: string): Promise<unknown> {
    return this.d.request(callTopic(conversationId, "call_decline"), { call_id: callId }).catch(() => {});
  }

  /** call_accept or call_join, then an offer to every device already in the call. */
  private async enter(call: Call, callId: string, op: CallOp): Promise<void> {
    call.callId = callId;
    call.phase = "joining";
    this.d.changed();
    let a: CallAnswer;
    try {
      a = decodeCallAnswer(await this.d.request(callTopic(call.conversationId, op), { call_id: callId }));
    } catch (e) {
      return this.failed(call, e);
    }
    if (this.call !== call) return;
    call.ice = a.ice_servers;
    this.keepIce(call);
    call.phase = "in_call";
    for (const p of a.participants) if (!this.isMe(p.user, p.device)) this.peer(call, p, true);
    this.d.changed();
  }

  private failed(call: Call, e: unknown): void {
    if (this.call !== call) return;
    this.teardown();
    const full = e instanceof ChatError && e.code === "GROUP_FULL";
    this.d.notice("error", full ? t("call.full") : t("call.failed", { error: describeError(e) }));
  }

  /** The connection to device `dev` (made on first use); `offer`: this side offers. */
  private peer(call: Call, dev: CallDevice, offer: boolean): MeshPeer {
    const id = clientIdOf(dev);
    const known = call.peers.find((p) => p.id === id && p.state !== "left");
    if (known) return known;
    call.peers = call.peers.filter((p) => p.id !== id); // one that left and came back
    const config = rtcConfig(call.ice, this.relayOnly);
    const pc = (this.d.peerConnection ?? ((c) => new RTCPeerConnection(c)))(config);
    const p = new MeshPeer(id, dev.user, call.video, pc, call.local, {
      send: (body) => this.signal(call, id, body),
      changed: () => this.d.changed(),
    });
    call.peers.push(p);
    if (offer) p.offer();
    if (call.muted || call.cameraOff) this.signal(call, "", mediaSignal(call));
    return p;
  }

  /** Asks for fresh ICE servers before the TURN credentials of `call` expire. */
  private keepIce(call: Call, delay = iceRefreshDelayMs(call.ice, Date.now())): void {
    clearTimeout(call.iceTimer);
    if (delay !== null) call.iceTimer = setTimeout(() => void this.refreshIce(call), delay);
  }

  /** Fresh credentials to every connection of the call, which restarts ICE with them. */
  private async refreshIce(call: Call): Promise<void> {
    let ice: WireIceServer[];
    try {
      ice = decodeIceServers(await this.d.request(ICE_SERVERS_TOPIC, {}));
    } catch (e) {
      console.warn("mqchat: ice_servers:", describeError(e));
      if (this.call === call) this.keepIce(call, ICE_RETRY_MS);
      return;
    }
    if (this.call !== call) return;
    call.ice = ice;
    for (const p of call.peers) if (p.state !== "left") p.renewIce(rtcConfig(ice, this.relayOnly));
    this.keepIce(call);
  }

  private onSignal(call: Call, ev: CallEvent): void {
    const from = ev.from ?? "";
    const slash = from.indexOf("/");
    if (slash <= 0) return;
    this.peer(call, { user: from.slice(0, slash), device: from.slice(slash + 1) }, false).onSignal(ev);
  }

  private left(call: Call, id: string): void {
    call.peers.find((x) => x.id === id && x.state !== "left")?.close(true);
  }

  /** Mute or camera switched: the tracks on or off, and the state told to the others. */
  private toggle(what: "muted" | "cameraOff"): void {
    const call = this.call;
    if (!call) return;
    call[what] = !call[what];
    applyTracks(call.local, call);
    if (call.callId && call.peers.some((p) => p.state !== "left")) this.signal(call, "", mediaSignal(call));
    this.d.changed();
  }

  /** call_signal to device `to` ("" with a media signal: to all). A refusal (rate limit, a
   * device that has just left) is logged: the call goes on. */
  private signal(call: Call, to: string, body: Record<string, unknown>): void {
    const req = { call_id: call.callId, ...(to ? { to } : {}), ...body };
    this.d
      .request(callTopic(call.conversationId, "call_signal"), req)
      .catch((e) => console.warn(`mqchat: call_signal ${String(body.signal)}:`, describeError(e)));
  }

  private hangupQuietly(conversationId: string, callId: string): Promise<unknown> {
    if (!callId) return Promise.resolve();
    return this.d.request(callTopic(conversationId, "call_hangup"), { call_id: callId }).catch(() => {});
  }

  /** The call is over here: its connections closed, the microphone and camera released. */
  private teardown(): void {
    const c = this.call;
    if (!c) return;
    this.call = null;
    clearTimeout(c.iceTimer);
    for (const p of c.peers) p.close(false);
    stopTracks(c.local);
    this.d.changed();
  }
}

function endedText(reason: string): string {
  switch (reason) {
    case "missed":
      return t("call.endedMissed");
    case "declined":
      return t("call.endedDeclined");
    case "busy":
      return t("call.endedBusy");
    case "cancelled":
      return t("call.endedCancelled");
    default:
      return t("call.ended");
  }
}
