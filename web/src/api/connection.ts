// One logical connection to the broker: MQTT 5 over WebSocket, a fresh MQTT.js client per
// attempt (so nothing is resent behind our back), exponential backoff between attempts,
// request/response matching by req_id (and the v5 Response Topic), inbox and presence routing.
// Payloads pass through the decoders (decode.ts) before anyone sees them.
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import { decodeInboxEvent, decodePresence, decodeResponse } from "./decode";
import { ChatError } from "./errors";
import { ServerRing } from "./servers";
import { channelTopic, channelTopicId } from "./community";
import { InboxEvent, Presence, ROOT, Response, presenceTopicUser, topics } from "./wire";

export type LoginMode = "password" | "token";

export interface Credentials {
  server: string; // ws://host:port/, or several of one deployment separated by commas (servers.ts)
  user: string;
  mode: LoginMode;
  secret: string;
  device: string;
  /** A login through the API service: a fresh access token for every attempt (state/tokens.ts);
   * `secret` is then unused. Rejecting with UNAUTHENTICATED ends the login like a refusal. */
  tokenSource?: () => Promise<string>;
}

export type ConnState = "connecting" | "online" | "waiting" | "stopped";

export interface ConnStatus {
  state: ConnState;
  attempt: number; // failed attempts since the last successful connection
  retryAt?: number; // epoch ms of the next attempt (state "waiting")
  error?: string; // why the last attempt or connection ended
}

export interface ConnHandlers {
  status(s: ConnStatus): void;
  /** Connected and subscribed; `first` is true for the first connection of this login. */
  ready(first: boolean): void;
  inbox(ev: InboxEvent): void;
  presence(user: string, p: Presence | null): void;
  /** An event on a channel topic this connection subscribed to (subscribeChannel). */
  channel?(channelId: string, ev: InboxEvent): void;
  /** The broker refused the credentials (CONNACK not authorized); no retry follows. */
  authFailed(reasonCode: number): void;
}

interface Waiter {
  resolve(r: Response): void;
  reject(e: ChatError): void;
  timer: number;
}

const AUTH_CODES = new Set([4, 5, 0x86, 0x87, 0x8c]);
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15000;
const decoder = new TextDecoder();

export class Connection {
  private client: MqttClient | null = null;
  private waiters = new Map<string, Waiter>();
  private reqCounter = 0;
  private attempt = 0;
  private retryTimer = 0;
  private everReady = false;
  private stopped = false;
  private refused = false;
  private lastError = "";
  private presenceWanted = new Set<string>();
  private presenceActive = new Set<string>();
  private readonly replyTopic: string;
  private readonly prefix: string;
  private readonly servers: ServerRing;

  constructor(
    readonly creds: Credentials,
    private h: ConnHandlers,
  ) {
    this.replyTopic = topics.reply(creds.user, creds.device);
    this.prefix = `${ROOT}/u/${creds.user}/`;
    this.servers = new ServerRing(creds.server);
  }

  get online(): boolean {
    return this.client !== null && this.client.connected && this.ready;
  }
  private ready = false;
  private openGen = 0; // which open() a token that arrives late belongs to

  start(): void {
    this.open();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.drop("stopped", true);
    this.h.status({ state: "stopped", attempt: this.attempt });
  }

  /** Skip the backoff wait and try now (the "Retry now" button, the browser coming online). */
  retryNow(): void {
    if (this.stopped || this.refused || this.client) return;
    window.clearTimeout(this.retryTimer);
    this.open();
  }

  /** A request (docs/PROTOCOL.md section 3). Resolves with an ok response, rejects with a ChatError. */
  request(topic: string, body: Record<string, unknown>, timeoutMs = 15000): Promise<Response> {
    const c = this.client;
    if (!c || !this.ready) {
      return Promise.reject(new ChatError("OFFLINE", "Not connected", true));
    }
    const reqId = `r${++this.reqCounter}-${Date.now().toString(36)}`;
    const payload = JSON.stringify({ ...body, req_id: reqId });
    return new Promise<Response>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.waiters.delete(reqId);
        reject(new ChatError("TIMEOUT", "The server did not answer in time", true));
      }, timeoutMs);
      this.waiters.set(reqId, { resolve, reject, timer });
      c.publish(
        topic,
        payload,
        {
          qos: 1,
          properties: { responseTopic: this.replyTopic },
        },
        () => {
          // PUBACK 0x87 and friends come with a JSON error response, which settles the request.
        },
      );
    });
  }

  /** Fire-and-forget (typing): QoS 0, errors ignored by the caller. */
  requestQuiet(topic: string, body: Record<string, unknown>): Promise<Response> {
    return this.request(topic, body, 8000);
  }

  watchPresence(users: Iterable<string>): void {
    for (const u of users) {
      if (u === this.creds.user || this.presenceWanted.has(u)) continue;
      this.presenceWanted.add(u);
      this.subscribePresence(u);
    }
  }

  /** Subscribes to channel `id`'s topic (PROTOCOL.md "Channel messages") on this connection; a
   * reconnect drops it (the caller lists its channels again, then subscribes again). Rejects
   * when offline or refused (no view permission). */
  subscribeChannel(id: string): Promise<void> {
    const c = this.client;
    if (!c || !this.ready) return Promise.reject(new ChatError("OFFLINE", "Not connected", true));
    return new Promise((resolve, reject) => {
      c.subscribe(channelTopic(id), { qos: 1 }, (err, granted) => {
        const code = granted?.[0]?.qos ?? 0;
        if (err || code >= 0x80) reject(new ChatError("NOT_MEMBER", err?.message ?? "channel refused"));
        else resolve();
      });
    });
  }

  unsubscribeChannel(id: string): void {
    this.client?.unsubscribe(channelTopic(id));
  }

  private subscribePresence(user: string): void {
    const c = this.client;
    if (!c || !this.ready || this.presenceActive.has(user)) return;
    this.presenceActive.add(user);
    c.subscribe(topics.presence(user), { qos: 0 }, (err) => {
      // Presence is only for contacts (and only once the server has it); a refusal is quiet.
      if (err && c === this.client) this.presenceActive.delete(user);
    });
  }

  private open(): void {
    this.ready = false;
    this.h.status({ state: "connecting", attempt: this.attempt });
    const source = this.creds.tokenSource;
    if (!source) return this.connect(this.creds.secret);
    const gen = ++this.openGen;
    source().then(
      (token) => {
        if (!this.stopped && gen === this.openGen && !this.client) this.connect(token);
      },
      (e: unknown) => {
        if (this.stopped || gen !== this.openGen) return;
        this.lastError = e instanceof Error ? e.message : String(e);
        if (e instanceof ChatError && e.code === "UNAUTHENTICATED") {
          this.refused = true;
          this.h.authFailed(0x87);
          return;
        }
        this.scheduleRetry(false);
      },
    );
  }

  /** One attempt with `secret` as the MQTT password. */
  private connect(secret: string): void {
    const { user, device } = this.creds;
    const c = mqtt.connect(this.servers.current, {
      protocolVersion: 5,
      clientId: `${user}/${device}`,
      username: user,
      password: secret,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 0,
      connectTimeout: 10000,
      resubscribe: false,
      will: {
        topic: topics.will(user, device),
        payload: '{"state":"offline"}',
        qos: 1,
        retain: false,
      },
    });
    this.client = c;

    c.on("connect", () => {
      if (c !== this.client) return;
      c.subscribe(topics.all(user), { qos: 1 }, (err) => {
        if (c !== this.client) return;
        if (err) {
          this.lastError = `Subscribe refused: ${err.message}`;
          c.end(true);
          return;
        }
        this.ready = true;
        this.attempt = 0;
        this.lastError = "";
        this.presenceActive.clear();
        for (const u of this.presenceWanted) this.subscribePresence(u);
        this.h.status({ state: "online", attempt: 0 });
        const first = !this.everReady;
        this.everReady = true;
        this.h.ready(first);
      });
    });
    c.on("message", (topic, payload) => {
      if (c === this.client) this.onMessage(topic, payload);
    });
    c.on("error", (err: Error & { code?: number | string }) => {
      if (c !== this.client) return;
      if (typeof err.code === "number" && AUTH_CODES.has(err.code)) {
        this.refused = true;
        this.lastError = err.message;
        this.h.authFailed(err.code);
        return;
      }
      this.lastError = err.message || String(err);
    });
    c.on("close", () => {
      if (c !== this.client) return;
      const wasReady = this.ready;
      this.drop(wasReady ? "Connection lost" : this.lastError || "Cannot reach the server");
      if (this.stopped || this.refused) {
        this.h.status({ state: "stopped", attempt: this.attempt, error: this.lastError });
        return;
      }
      // Its broker may be gone: the next attempt goes to the next one (if there are several).
      this.servers.advance();
      this.scheduleRetry(wasReady);
    });
  }

  private scheduleRetry(wasReady: boolean): void {
    this.attempt++;
    const base = wasReady ? BACKOFF_MIN_MS : Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    const retryAt = Date.now() + delay;
    this.h.status({
      state: "waiting",
      attempt: this.attempt,
      retryAt,
      error: wasReady ? "Connection lost" : this.lastError || "Cannot reach the server",
    });
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.open(), delay);
  }

  /** Forgets the current MQTT client; `graceful` sends DISCONNECT (logout, page closing). */
  private drop(reason: string, graceful = false): void {
    const c = this.client;
    this.client = null;
    this.ready = false;
    this.presenceActive.clear();
    if (c) {
      c.removeAllListeners();
      c.on("error", () => {});
      c.end(!(graceful && c.connected));
    }
    const waiters = [...this.waiters.values()];
    this.waiters.clear();
    for (const w of waiters) {
      window.clearTimeout(w.timer);
      w.reject(new ChatError("DISCONNECTED", reason, true));
    }
  }

  private onMessage(topic: string, payload: Uint8Array): void {
    const text = decoder.decode(payload);
    const user = presenceTopicUser(topic);
    if (user !== null) {
      if (!text) return this.h.presence(user, null);
      const p = decodePresence(text);
      if (p) this.h.presence(user, p); // anything else is not ours to judge
      return;
    }
    const channel = channelTopicId(topic);
    if (!topic.startsWith(this.prefix) && channel === null) return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return;
    }
    if (topic === topics.inbox(this.creds.user) || channel !== null) {
      let ev: InboxEvent | null = null;
      try {
        ev = decodeInboxEvent(obj);
      } catch (e) {
        console.warn("mqchat: inbox event dropped:", (e as Error).message);
      }
      if (ev && channel !== null) this.h.channel?.(channel, ev);
      else if (ev) this.h.inbox(ev);
      return;
    }
    const r = decodeResponse(obj);
    if (!r) return;
    const w = r.req_id ? this.waiters.get(r.req_id) : undefined;
    if (!w) return; // a response to a request of an earlier connection or another tab
    this.waiters.delete(r.req_id!);
    window.clearTimeout(w.timer);
    if (r.ok) w.resolve(r);
    else {
      const e = r.error ?? { code: "INTERNAL", message: "request failed", retryable: false };
      w.reject(new ChatError(e.code, e.message, e.retryable, e.retry_after_ms ?? 0));
    }
  }
}
