// A logout while the page still loads: ChatState stops, and nothing of the login goes on.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConnHandlers, ConnStatus } from "../src/api/connection";
import { ChatError } from "../src/api/errors";
import type { Response } from "../src/api/wire";
import { ChatState, Transport } from "../src/state/chat";

/** A connection that answers "conversations" at once and holds every other request until
 * stop(), which fails them as the real one does (DISCONNECTED). */
function heldTransport() {
  let handlers: ConnHandlers | null = null;
  const asked: string[] = [];
  const held: ((e: ChatError) => void)[] = [];
  let online = false;
  const transport: Transport = {
    get online() {
      return online;
    },
    start() {
      online = true;
      handlers!.status({ state: "online", attempt: 0 } as ConnStatus);
      handlers!.ready(true);
    },
    stop() {
      online = false;
      for (const reject of held.splice(0)) reject(new ChatError("DISCONNECTED", "stopped", true));
      handlers!.status({ state: "stopped", attempt: 0 } as ConnStatus);
    },
    retryNow() {},
    async request(topic) {
      const op = topic.split("/").pop()!;
      asked.push(op);
      if (op === "conversations") return { op, ok: true, conversations: [] } as unknown as Response;
      return new Promise<Response>((_, reject) => held.push(reject));
    },
    requestQuiet: () => Promise.reject(new ChatError("OFFLINE", "offline", true)),
    watchPresence() {},
    subscribeChannel: async () => {},
    unsubscribeChannel() {},
  };
  const connect = (_c: unknown, h: ConnHandlers) => {
    handlers = h;
    return transport;
  };
  return { connect, asked };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test("a logout while the servers are asked for: the login does not go on loading, and an unsubscribed view hears nothing", async () => {
  const t = heldTransport();
  const creds = { server: "ws://x/", user: "alice", mode: "password" as const, secret: "pw", device: "d1" };
  const hooks = { authFailed: () => {}, firstFailure: () => false, removed: () => {} };
  const s = new ChatState(creds, hooks, t.connect, null);
  let heard = 0;
  const stopHearing = s.onChange(() => heard++);
  s.start();
  await settle();
  assert.ok(t.asked.includes("servers"), `asked: ${t.asked.join(", ")}`); // held: still loading
  assert.equal(s.loaded, false);

  // The logout: the state stops, and the held requests fail with it.
  s.stop(true);
  await settle();
  assert.equal(s.loaded, false, "a stopped login is not loaded by a request the stop failed");
  assert.equal(s.notice, null, "a logout is no error to tell");

  // A view that goes stops hearing the state.
  stopHearing();
  const before = heard;
  s.setNotice("info", "after the view went");
  assert.equal(heard, before, "a listener that stopped hearing is not called");
});
