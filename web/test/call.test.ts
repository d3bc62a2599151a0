// Calls (docs/PROTOCOL.md section 8) in the web state: the call events decoded, ringing and its
// end, the mesh (a newcomer offers to every device already in the call, the others answer),
// candidates held until the remote description, mute and camera told to the others, a call that
// ends or a connection that goes. RTCPeerConnection and the media are fakes here; the browser
// test (tests/web/calls.test.mjs) runs the real ones.
import assert from "node:assert/strict";
import { test } from "node:test";
import { callInProgress, decodeCallAnswer, decodeCallEvent } from "../src/api/call";
import { decodeInboxEvent } from "../src/api/decode";
import { ChatError, DecodeError } from "../src/api/errors";
import type { Response } from "../src/api/wire";
import { CallState } from "../src/state/call";

interface Req {
  topic: string;
  body: Record<string, unknown>;
  resolve(r: Response): void;
  reject(e: unknown): void;
}

class FakeTrack {
  enabled = true;
  stopped = false;
  constructor(readonly kind: string) {}
  stop() {
    this.stopped = true;
  }
}

class FakeStream {
  tracks = [new FakeTrack("audio"), new FakeTrack("video")];
  getTracks() {
    return this.tracks;
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === "audio");
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === "video");
  }
}

class FakePc {
  log: string[] = [];
  added = 0;
  closed = false;
  signalingState = "stable";
  configs: RTCConfiguration[] = [];
  remoteDescription: RTCSessionDescriptionInit | null = null;
  localDescription: RTCSessionDescriptionInit | null = null;
  onicecandidate: ((e: { candidate: unknown }) => void) | null = null;
  constructor(readonly config: RTCConfiguration) {}
  addTrack() {
    this.added++;
  }
  async createOffer(o?: RTCOfferOptions) {
    return { type: "offer", sdp: o?.iceRestart ? "restart-sdp" : "offer-sdp" };
  }
  async createAnswer() {
    return { type: "answer", sdp: "answer-sdp" };
  }
  async setLocalDescription(d: RTCSessionDescriptionInit) {
    if (d.type !== "rollback") this.localDescription = d;
    this.signalingState = d.type === "offer" ? "have-local-offer" : "stable";
    this.log.push(`local ${d.type}${d.sdp === "restart-sdp" ? " restart" : ""}`);
  }
  async setRemoteDescription(d: RTCSessionDescriptionInit) {
    this.remoteDescription = d;
    this.signalingState = d.type === "offer" ? "have-remote-offer" : "stable";
    this.log.push(`remote ${d.type} ${d.sdp}`);
  }
  setConfiguration(c: RTCConfiguration) {
    this.configs.push(c);
  }
  async addIceCandidate(c: RTCIceCandidateInit) {
    this.log.push(`candidate ${c.candidate}`);
  }
  close() {
    this.closed = true;
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
};
const ok = (op: string, fields: Record<string, unknown>): Response => ({ op, ok: true, ...fields });
const ev = (event: string, extra: Record<string, unknown> = {}) =>
  decodeCallEvent({ type: "call", event, conversation_id: "12", call_id: "abc123abc123abcd", ...extra });
const ICE = [{ urls: ["turn:127.0.0.1:3478"], username: "1700000000:alice", credential: "c2VjcmV0" }];

function setup(me = "alice", device = "laptop") {
  const reqs: Req[] = [];
  const pcs: FakePc[] = [];
  const notices: string[] = [];
  let changes = 0;
  const streams: FakeStream[] = [];
  const calls = new CallState({
    me,
    device,
    request: (topic, body) => new Promise((resolve, reject) => reqs.push({ topic, body, resolve, reject })),
    changed: () => changes++,
    notice: (kind, text) => notices.push(`${kind}: ${text}`),
    media: async () => {
      const s = new FakeStream();
      streams.push(s);
      return s as unknown as MediaStream;
    },
    peerConnection: (config) => {
      const pc = new FakePc(config);
      pcs.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
  });
  const signals = () => reqs.filter((r) => r.topic.endsWith("/call_signal")).map((r) => r.body);
  return { calls, reqs, pcs, notices, streams, signals, changes: () => changes };
}

test("call events and answers decode; a bad one is refused; the running call's id is found", () => {
  const ringing = {
    type: "call",
    event: "ringing",
    conversation_id: "12",
    call_id: "ab12",
    caller: "bob",
    caller_device: "phone",
    video: true,
    ring_timeout_s: 45,
  };
  assert.deepEqual(decodeInboxEvent({ ...ringing, unknown_field: 1 }), ringing, "the fields it knows, checked");
  assert.throws(
    () => decodeCallEvent({ type: "call", event: "ringing", conversation_id: 12, call_id: "x" }),
    DecodeError,
  );
  assert.throws(() => ev("signal", { from: "bob/phone", sig_seq: 1, signal: "bye" }), DecodeError);
  assert.throws(() => ev("signal", { sig_seq: 1, signal: "offer", sdp: "x" }), DecodeError);
  const a = decodeCallAnswer(
    ok("call_accept", { call_id: "ab12", participants: [{ user: "bob", device: "phone" }], ice_servers: ICE }),
  );
  assert.deepEqual(a.participants, [{ user: "bob", device: "phone" }]);
  assert.equal(a.ice_servers[0].username, "1700000000:alice");
  assert.throws(
    () => decodeCallAnswer(ok("call_accept", { call_id: "ab12", ice_servers: [{ urls: "stun:x" }] })),
    DecodeError,
  );
  assert.equal(
    callInProgress("conversation 12 has a call in progress: call_join it (call_id 0123456789abcdef)"),
    "0123456789abcdef",
  );
  assert.equal(callInProgress("there is nobody else in conversation 12"), null);
});

test("ringing shows until ring_ended (another device answered); decline sends call_decline", async () => {
  const { calls, reqs } = setup("bob", "phone");
  calls.onEvent(ev("ringing", { caller: "alice", caller_device: "laptop", video: false, ring_timeout_s: 45 }));
  assert.deepEqual(
    calls.rings.map((r) => [r.callId, r.caller]),
    [["abc123abc123abcd", "alice"]],
  );
  calls.onEvent(ev("ring_ended", { reason: "answered_elsewhere" }));
  assert.equal(calls.rings.length, 0);
  calls.onEvent(ev("ringing", { caller: "alice", caller_device: "laptop", video: false, ring_timeout_s: 45 }));
  const declined = calls.decline("abc123abc123abcd");
  reqs[0].resolve(ok("call_decline", { call_id: "abc123abc123abcd" }));
  await declined;
  assert.equal(reqs[0].topic, "mqchat/v1/c/12/call_decline");
  assert.deepEqual(reqs[0].body, { call_id: "abc123abc123abcd" });
  assert.equal(calls.rings.length, 0);
});

test("the callee accepts and offers to the caller; its candidates go out; the answer and held candidates apply in order", async () => {
  const { calls, reqs, pcs, signals } = setup("bob", "phone");
  calls.onEvent(ev("ringing", { caller: "alice", caller_device: "laptop", video: true, ring_timeout_s: 45 }));
  const accepted = calls.accept("abc123abc123abcd");
  await flush();
  assert.equal(reqs[0].topic, "mqchat/v1/c/12/call_accept");
  reqs[0].resolve(
    ok("call_accept", {
      call_id: "abc123abc123abcd",
      participants: [
        { user: "alice", device: "laptop" },
        { user: "bob", device: "phone" },
      ],
      ice_servers: ICE,
    }),
  );
  await accepted;
  await flush();
  assert.equal(pcs.length, 1, "one connection: to alice's laptop, not to myself");
  assert.deepEqual(pcs[0].config.iceServers, ICE);
  assert.equal(pcs[0].config.iceTransportPolicy, "all");
  assert.equal(pcs[0].added, 2, "the microphone and camera tracks");
  assert.deepEqual(signals()[0], {
    call_id: "abc123abc123abcd",
    to: "alice/laptop",
    signal: "offer",
    sdp: "offer-sdp",
  });
  pcs[0].onicecandidate!({
    candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 },
  });
  pcs[0].onicecandidate!({ candidate: null });
  assert.deepEqual(signals()[1], {
    call_id: "abc123abc123abcd",
    to: "alice/laptop",
    signal: "candidate",
    candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host",
    sdp_mid: "0",
    sdp_mline_index: 0,
  });
  assert.equal(signals().length, 2, "the end of candidates is not sent");
  const from = { from: "alice/laptop" };
  calls.onEvent(ev("signal", { ...from, sig_seq: 1, signal: "answer", sdp: "answer-from-alice" }));
  calls.onEvent(
    ev("signal", { ...from, sig_seq: 2, signal: "candidate", candidate: "c1", sdp_mid: "0", sdp_mline_index: 0 }),
  );
  await flush();
  assert.deepEqual(pcs[0].log, ["local offer", "remote answer answer-from-alice", "candidate c1"]);
  assert.equal(calls.active?.phase, "in_call");
  assert.deepEqual(
    calls.active?.peers.map((p) => [p.id, p.state]),
    [["alice/laptop", "connecting"]],
  );
});

test("the caller invites; a joiner's offer is answered, candidates before it wait; left and ended tear down", async () => {
  const { calls, reqs, pcs, signals, streams, notices } = setup();
  calls.relayOnly = true;
  const started = calls.start("12", true);
  await flush();
  assert.equal(reqs[0].topic, "mqchat/v1/c/12/call_invite");
  assert.deepEqual(reqs[0].body, { video: true });
  reqs[0].resolve(ok("call_invite", { call_id: "abc123abc123abcd", ring_timeout_s: 45, ice_servers: ICE }));
  await started;
  assert.equal(calls.active?.phase, "calling");
  calls.onEvent(ev("joined", { user: "alice", device: "laptop" }));
  assert.equal(pcs.length, 0, "my own join makes no connection");
  calls.onEvent(ev("joined", { user: "bob", device: "phone" }));
  assert.equal(pcs.length, 1);
  assert.equal(pcs[0].config.iceTransportPolicy, "relay");
  const from = { from: "bob/phone" };
  calls.onEvent(ev("signal", { ...from, sig_seq: 2, signal: "candidate", candidate: "early", sdp_mid: "0" }));
  calls.onEvent(ev("signal", { ...from, sig_seq: 3, signal: "offer", sdp: "offer-from-bob" }));
  await flush();
  assert.deepEqual(pcs[0].log, ["remote offer offer-from-bob", "candidate early", "local answer"]);
  assert.deepEqual(signals()[0], { call_id: "abc123abc123abcd", to: "bob/phone", signal: "answer", sdp: "answer-sdp" });

  calls.toggleMute();
  assert.equal(streams[0].getAudioTracks()[0].enabled, false);
  assert.deepEqual(signals()[1], { call_id: "abc123abc123abcd", signal: "media", audio: false, video: true });
  calls.toggleCamera();
  assert.equal(streams[0].getVideoTracks()[0].enabled, false);
  assert.deepEqual(signals()[2], { call_id: "abc123abc123abcd", signal: "media", audio: false, video: false });
  calls.onEvent(ev("signal", { ...from, sig_seq: 4, signal: "media", audio: false, video: true }));
  assert.equal(calls.active?.peers[0].audio, false);

  calls.onEvent(ev("left", { user: "bob", device: "phone", reason: "dropped" }));
  assert.equal(calls.active?.peers[0].state, "left");
  assert.equal(pcs[0].closed, true);
  calls.onEvent(
    ev("ended", { reason: "completed", started_by: "alice", duration_ms: 5000, participants: ["alice", "bob"] }),
  );
  assert.equal(calls.active, null);
  assert.ok(
    streams[0].tracks.every((t) => t.stopped),
    "the microphone and camera are released",
  );
  assert.deepEqual(notices, ["info: Call ended"]);
});

test("inviting where a group call runs joins it; GROUP_FULL and a lost connection end it here", async () => {
  const { calls, reqs, notices, streams } = setup();
  const started = calls.start("12", false);
  await flush();
  reqs[0].reject(
    new ChatError("INVALID", "conversation 12 has a call in progress: call_join it (call_id 00112233445566ff)"),
  );
  await flush();
  assert.equal(reqs[1].topic, "mqchat/v1/c/12/call_join");
  assert.deepEqual(reqs[1].body, { call_id: "00112233445566ff" });
  reqs[1].reject(new ChatError("GROUP_FULL", "call 00112233445566ff has 4 participants"));
  await started;
  assert.equal(calls.active, null);
  assert.deepEqual(notices, ["error: The call is full"]);
  assert.ok(streams[0].tracks.every((t) => t.stopped));

  const again = calls.start("12", false);
  await flush();
  reqs[2].resolve(ok("call_invite", { call_id: "abc123abc123abcd", ring_timeout_s: 45, ice_servers: [] }));
  await again;
  calls.onEvent(ev("ringing", { caller: "carol", caller_device: "web", video: false, ring_timeout_s: 45 }));
  calls.connectionLost();
  assert.equal(calls.active, null);
  assert.equal(calls.rings.length, 0);
  assert.match(notices[notices.length - 1], /connection to the server was lost/);
});

test("hanging up sends call_hangup and closes every connection", async () => {
  const { calls, reqs, pcs } = setup();
  const started = calls.start("12", false);
  await flush();
  reqs[0].resolve(ok("call_invite", { call_id: "abc123abc123abcd", ring_timeout_s: 45, ice_servers: [] }));
  await started;
  calls.onEvent(ev("joined", { user: "bob", device: "phone" }));
  calls.onEvent(ev("joined", { user: "carol", device: "web" }));
  void calls.hangup();
  assert.ok(pcs.every((p) => p.closed));
  assert.equal(reqs[reqs.length - 1].topic, "mqchat/v1/c/12/call_hangup");
  assert.equal(calls.active, null);
});

test("TURN credentials are asked for again before they expire; each connection restarts ICE with them", async (t) => {
  const now = 1_800_000_000_000;
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now });
  const ice = (expiryS: number) => [{ urls: ["turn:127.0.0.1:3478"], username: `${expiryS}:bob`, credential: "x" }];
  const { calls, reqs, pcs, signals } = setup("bob", "phone");
  const asks = () => reqs.filter((r) => r.topic === "mqchat/v1/req/ice_servers");
  calls.onEvent(ev("ringing", { caller: "alice", caller_device: "laptop", video: false, ring_timeout_s: 45 }));
  const accepted = calls.accept("abc123abc123abcd");
  await flush();
  const participants = [{ user: "alice", device: "laptop" }];
  reqs[0].resolve(ok("call_accept", { call_id: "abc123abc123abcd", participants, ice_servers: ice(now / 1000 + 60) }));
  await accepted;
  const from = { from: "alice/laptop" };
  calls.onEvent(ev("signal", { ...from, sig_seq: 1, signal: "answer", sdp: "a1" }));
  await flush();

  // Credentials for 60 s: asked again halfway.
  t.mock.timers.tick(29_000);
  assert.equal(asks().length, 0);
  t.mock.timers.tick(1_000);
  assert.equal(asks().length, 1);
  asks()[0].resolve(ok("ice_servers", { ice_servers: ice(now / 1000 + 90), expires_at_ms: (now / 1000 + 90) * 1000 }));
  await flush();
  assert.deepEqual(pcs[0].configs[pcs[0].configs.length - 1]?.iceServers, ice(now / 1000 + 90));
  assert.deepEqual(pcs[0].log.slice(-1), ["local offer restart"]);
  assert.deepEqual(signals()[signals().length - 1], {
    call_id: "abc123abc123abcd",
    to: "alice/laptop",
    signal: "offer",
    sdp: "restart-sdp",
  });
  // Alice restarted at the same moment: I made the first offer, so hers waits for my answer.
  calls.onEvent(ev("signal", { ...from, sig_seq: 2, signal: "offer", sdp: "alice-restart" }));
  calls.onEvent(ev("signal", { ...from, sig_seq: 3, signal: "answer", sdp: "a2" }));
  await flush();
  assert.deepEqual(pcs[0].log.slice(-1), ["remote answer a2"]);

  // A failed ask is made again 10 s later; a hang-up stops asking.
  t.mock.timers.tick(30_000);
  assert.equal(asks().length, 2);
  asks()[1].reject(new ChatError("TIMEOUT", "The server did not answer in time", true));
  await flush();
  t.mock.timers.tick(10_000);
  assert.equal(asks().length, 3);
  const hungUp = calls.hangup();
  await flush();
  reqs[reqs.length - 1].resolve(ok("call_hangup", { call_id: "abc123abc123abcd" }));
  await hungUp;
  asks()[2].resolve(ok("ice_servers", { ice_servers: ice(now / 1000 + 200) }));
  await flush();
  t.mock.timers.tick(600_000);
  assert.equal(asks().length, 3);
  assert.equal(pcs[0].configs.length, 1);
});

test("the side that answered yields to an offer crossing its ICE restart", async () => {
  const { calls, reqs, pcs, signals } = setup();
  const started = calls.start("12", false);
  await flush();
  reqs[0].resolve(ok("call_invite", { call_id: "abc123abc123abcd", ring_timeout_s: 45, ice_servers: [] }));
  await started;
  calls.onEvent(ev("joined", { user: "bob", device: "phone" }));
  const from = { from: "bob/phone" };
  calls.onEvent(ev("signal", { ...from, sig_seq: 1, signal: "offer", sdp: "o1" }));
  await flush();
  (calls.active!.peers[0] as unknown as { renewIce(c: RTCConfiguration): void }).renewIce({});
  calls.onEvent(ev("signal", { ...from, sig_seq: 2, signal: "offer", sdp: "bob-restart" }));
  await flush();
  assert.deepEqual(pcs[0].log, [
    "remote offer o1",
    "local answer",
    "local offer restart",
    "local rollback",
    "remote offer bob-restart",
    "local answer",
  ]);
  assert.equal(signals()[signals().length - 1]?.signal, "answer");
});
