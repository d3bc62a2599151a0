// One connection of a call's mesh (state/call.ts): the RTCPeerConnection to one other device of
// the call, with my microphone (and camera) tracks on it, what that device sends me, and its
// state as the view shows it. Its signals (the offer or answer, ICE candidates, mute and camera
// state) are applied in the order they arrived, one after the other; candidates that come
// before the remote description wait for it. Fresh TURN credentials restart ICE (a new offer
// from either side); when both offer at once, the side that first answered yields.
import type { CallEvent } from "../api/call";

export type PeerState = "connecting" | "connected" | "reconnecting" | "left";

/** Another device of the call as the view shows it. */
export interface PeerView {
  readonly id: string; // its client id, <user>/<device>
  readonly user: string;
  readonly state: PeerState;
  readonly audio: boolean; // its microphone is on (its last media signal)
  readonly video: boolean;
  readonly stream: MediaStream | null; // what it sends me
}

export interface PeerDeps {
  /** call_signal to this device (the body without call_id and to). */
  send(body: Record<string, unknown>): void;
  changed(): void;
}

export class MeshPeer implements PeerView {
  state: PeerState = "connecting";
  audio = true;
  stream: MediaStream | null = null;
  private queue: Promise<void> = Promise.resolve();
  private candidates: RTCIceCandidateInit[] = [];
  private offered = false; // this side made the first offer (it does not yield to an offer)

  constructor(
    readonly id: string,
    readonly user: string,
    public video: boolean,
    readonly pc: RTCPeerConnection,
    local: MediaStream | null,
    private d: PeerDeps,
  ) {
    for (const tr of local?.getTracks() ?? []) pc.addTrack(tr, local!);
    pc.onicecandidate = (e) => {
      const c = e.candidate;
      if (!c || !c.candidate) return; // the end of the candidates: nothing to tell
      const body: Record<string, unknown> = { signal: "candidate", candidate: c.candidate };
      if (c.sdpMid !== null) body.sdp_mid = c.sdpMid;
      if (c.sdpMLineIndex !== null) body.sdp_mline_index = c.sdpMLineIndex;
      d.send(body);
    };
    pc.ontrack = (e) => {
      const s = e.streams[0] ?? this.stream ?? new MediaStream();
      if (!e.streams[0]) s.addTrack(e.track);
      this.stream = s;
      d.changed();
    };
    pc.onconnectionstatechange = () => {
      if (this.state === "left") return;
      const s = pc.connectionState;
      if (s === "connected") this.state = "connected";
      else if (s === "disconnected" || s === "failed") this.state = "reconnecting";
      d.changed();
    };
  }

  /** This side offers (it is the newcomer). */
  offer(): void {
    this.offered = true;
    const pc = this.pc;
    this.then(async () => {
      await pc.setLocalDescription(await pc.createOffer());
      this.d.send({ signal: "offer", sdp: pc.localDescription?.sdp ?? "" });
    });
  }

  /** Fresh ICE servers (TURN credentials): ICE restarts with them, a new offer. */
  renewIce(config: RTCConfiguration): void {
    const pc = this.pc;
    this.then(async () => {
      pc.setConfiguration(config);
      if (pc.signalingState !== "stable" || !pc.remoteDescription) return; // a negotiation runs
      await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
      this.d.send({ signal: "offer", sdp: pc.localDescription?.sdp ?? "" });
    });
  }

  /** A signal from this device (its `from` is this peer). */
  onSignal(ev: CallEvent): void {
    const pc = this.pc;
    switch (ev.signal) {
      case "media":
        this.audio = ev.audio ?? this.audio;
        this.video = ev.video ?? this.video;
        this.d.changed();
        return;
      case "candidate": {
        const c: RTCIceCandidateInit = { candidate: ev.candidate ?? "", sdpMid: ev.sdp_mid ?? null };
        if (ev.sdp_mline_index !== undefined) c.sdpMLineIndex = ev.sdp_mline_index;
        return this.then(async () => {
          if (pc.remoteDescription) await pc.addIceCandidate(c);
          else this.candidates.push(c);
        });
      }
      case "offer":
      case "answer": {
        const type = ev.signal;
        return this.then(async () => {
          if (type === "offer" && pc.signalingState === "have-local-offer") {
            // Both restarted ICE at once: the first offerer keeps its offer, the other yields.
            if (this.offered) return;
            await pc.setLocalDescription({ type: "rollback" });
          }
          await pc.setRemoteDescription({ type, sdp: ev.sdp ?? "" });
          for (const c of this.candidates.splice(0)) await pc.addIceCandidate(c);
          if (type !== "offer") return;
          await pc.setLocalDescription(await pc.createAnswer());
          this.d.send({ signal: "answer", sdp: pc.localDescription?.sdp ?? "" });
        });
      }
    }
  }

  /** It left the call (or the call is over here): the connection closes. */
  close(left: boolean): void {
    if (left) this.state = "left";
    this.stream = null;
    this.pc.close();
  }

  /** Runs `step` after the earlier signals; a failure is logged (the call goes on). */
  private then(step: () => Promise<void>): void {
    this.queue = this.queue.then(step).catch((e) => console.warn(`mqchat: call with ${this.id}:`, e));
  }
}
