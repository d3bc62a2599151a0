// Sends on their way: each pending message keeps one client_msg_id for every attempt (the server
// stores it once), retryable failures retry with backoff while online (RATE_LIMITED: after the
// server's retry_after_ms), waiting sends go out when the connection is back, and a refused send
// stays "failed" until retried or discarded. Order: a message waiting to go again holds back the
// later messages of its conversation until it is on its way (the server refuses every send of a
// user until the wait it gave is over, so the ones already in flight behind it are refused too
// and wait their turn), so the conversation gets them in the order they were written. Edits,
// deletions and reactions (outbox_ops.ts) go through the same queue; one the server refuses for
// good is dropped with a notice (there is nothing to retry in NOT_AUTHOR and the like).
import { ChatError } from "../api/errors";
import { decodeSendAck } from "../api/decode";
import { Response, WireAttachment, WireMessage, topics } from "../api/wire";
import { describeError } from "./describe";
import { OpFields, OutboxOp, entryOf, requestOf } from "./outbox_ops";
import type { SavedSend } from "./outbox_store";

export interface Pending extends OpFields {
  created_ms: number;
  state: "sending" | "waiting" | "failed";
  error?: string;
  inflight: boolean;
  attempts: number;
  /** Rate-limited: not before its timer (the server's retry_after_ms) fires, at `retryAt`. */
  held?: boolean;
  retryAt?: number;
}

export type PendingView = Readonly<Pending>;

export interface OutboxDeps {
  me: string;
  device: string;
  online(): boolean;
  request(topic: string, body: Record<string, unknown>, timeoutMs: number): Promise<Response>;
  /** The server stored a send or event: record its log entry (ack fields + what was sent). */
  delivered(m: WireMessage): void;
  /** A send was refused for good; the sentence says why. */
  failed(text: string): void;
  /** The server refused a request into a conversation: RATE_LIMITED (the message waits and
   * goes again), or for good (`e` says why). */
  refused?(conversationId: string, e: unknown): void;
  /** The other user of a direct conversation (named in a NOT_ACCEPTING refusal). */
  peerOf?(conversationId: string): string | undefined;
  changed(): void;
}

export const SEND_TIMEOUT_MS = 30000;

/** What a message may carry beyond its text: the seq it answers, the members it mentions
 * (mentions.ts), finished uploads (files.ts). */
export interface SendExtras {
  replyTo?: number;
  mentions?: string[];
  attachments?: WireAttachment[];
}

function newMsgId(device: string): string {
  const rnd = Math.random().toString(36).slice(2, 10);
  return `${device}-${Date.now().toString(36)}-${rnd}`.slice(-64);
}

/** Backoff before retry `attempts`+1 of a retryable failure: 1 s, 2 s, ... at most 15 s. */
export function retryDelayMs(attempts: number): number {
  return Math.min(15000, 500 * 2 ** Math.min(attempts, 5));
}

/** The op fields of `f`, only those set (so saved records stay as small as before). */
function opFields(f: OpFields): OpFields {
  const out: OpFields = { client_msg_id: f.client_msg_id, conversation_id: f.conversation_id, text: f.text };
  if (f.op && f.op !== "send") out.op = f.op;
  if (f.target_seq !== undefined) out.target_seq = f.target_seq;
  if (f.reply_to) out.reply_to = f.reply_to;
  if (f.remove !== undefined) out.remove = f.remove;
  if (f.mentions?.length) out.mentions = f.mentions;
  if (f.attachments?.length) out.attachments = f.attachments;
  return out;
}

export class Outbox {
  private pending = new Map<string, Pending>();
  private retryTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private d: OutboxDeps) {}

  get(clientMsgId: string): PendingView | undefined {
    return this.pending.get(clientMsgId);
  }

  /** Every pending send (outbox_store.ts keeps them across reloads). */
  all(): PendingView[] {
    return [...this.pending.values()];
  }

  /** Sends an earlier page left unsent (outbox_store.ts): back in, with their client_msg_id (so
   * the server stores each once), to go out now or when online; a refused one stays failed. */
  restore(saved: readonly SavedSend[]): void {
    const added: Pending[] = [];
    for (const s of saved) {
      if (this.pending.has(s.client_msg_id)) continue;
      const p: Pending = {
        ...opFields(s),
        created_ms: s.created_ms,
        state: s.error !== undefined ? "failed" : this.d.online() ? "sending" : "waiting",
        error: s.error,
        inflight: false,
        attempts: 0,
      };
      this.pending.set(p.client_msg_id, p);
      added.push(p);
    }
    if (!added.length) return;
    this.d.changed();
    for (const p of added) this.trySend(p);
  }

  /** The pending sends of a conversation, oldest first (every op). */
  pendingFor(conversationId: string): PendingView[] {
    return [...this.pending.values()]
      .filter((p) => p.conversation_id === conversationId)
      .sort((a, b) => a.created_ms - b.created_ms);
  }

  /** A message, optionally answering a message, mentioning members, carrying attachments. */
  send(conversationId: string, text: string, now = Date.now(), extra: SendExtras = {}): PendingView {
    const { replyTo, mentions, attachments } = extra;
    return this.enqueue({ conversation_id: conversationId, text, reply_to: replyTo, mentions, attachments }, now);
  }

  /** An edit, delete or react of message `targetSeq` (react: `text` is the emoji). */
  event(
    conversationId: string,
    op: Exclude<OutboxOp, "send">,
    targetSeq: number,
    text = "",
    remove = false,
    now = Date.now(),
    mentions?: string[],
  ): PendingView {
    const f: Omit<OpFields, "client_msg_id"> = { conversation_id: conversationId, op, target_seq: targetSeq, text };
    if (op === "react") f.remove = remove;
    if (mentions?.length) f.mentions = mentions;
    return this.enqueue(f, now);
  }

  private enqueue(f: Omit<OpFields, "client_msg_id">, now: number): PendingView {
    const p: Pending = {
      ...opFields({ ...f, client_msg_id: newMsgId(this.d.device) }),
      created_ms: now,
      state: this.d.online() ? "sending" : "waiting",
      inflight: false,
      attempts: 0,
    };
    this.pending.set(p.client_msg_id, p);
    this.d.changed();
    this.trySend(p);
    return p;
  }

  retry(clientMsgId: string): void {
    const p = this.pending.get(clientMsgId);
    if (!p) return;
    p.state = this.d.online() ? "sending" : "waiting";
    p.error = undefined;
    p.attempts = 0;
    this.d.changed();
    this.trySend(p);
  }

  discard(clientMsgId: string): void {
    this.pending.delete(clientMsgId);
    this.d.changed();
  }

  /** The message arrived by another path (sync, another device's view of it): done. */
  settled(clientMsgId: string): void {
    this.pending.delete(clientMsgId);
  }

  dropConversation(conversationId: string): void {
    for (const [k, p] of this.pending) if (p.conversation_id === conversationId) this.pending.delete(k);
  }

  /** The connection changed state: sends not in flight wait (flush() sends them once ready). */
  park(): void {
    for (const p of this.pending.values()) {
      if (!p.inflight && p.state === "sending") p.state = "waiting";
    }
  }

  /** Online (again): every send that is not failed goes out. */
  flush(): void {
    for (const p of this.pending.values()) this.trySend(p);
  }

  stop(): void {
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.retryTimers.clear();
  }

  /** Sends of a conversation that may go now, in order (after one moved on or settled); one
   * waiting for its retry timer stays waiting. */
  private pump(conversationId: string): void {
    for (const q of this.pendingFor(conversationId)) {
      if (!this.retryTimers.has(q.client_msg_id)) this.trySend(this.pending.get(q.client_msg_id)!);
    }
  }

  /** An earlier message of p's conversation is waiting to go (again): p stays behind it. */
  private behind(p: Pending): boolean {
    for (const q of this.pendingFor(p.conversation_id)) {
      if (q === p) return false;
      if (!q.inflight && q.state !== "failed") return true;
    }
    return false;
  }

  private trySend(p: Pending): void {
    if (p.inflight || p.state === "failed" || p.held || !this.pending.has(p.client_msg_id)) return;
    if (!this.d.online()) {
      p.state = "waiting";
      return;
    }
    if (this.behind(p)) return;
    clearTimeout(this.retryTimers.get(p.client_msg_id));
    this.retryTimers.delete(p.client_msg_id);
    p.inflight = true;
    p.state = "sending";
    p.attempts++;
    const { op, body } = requestOf(p);
    this.d
      .request(topics.conv(p.conversation_id, op), body, SEND_TIMEOUT_MS)
      .then((r) => {
        const ack = decodeSendAck(r);
        p.inflight = false;
        this.d.delivered(entryOf(p, ack, this.d.me));
        this.pending.delete(p.client_msg_id);
        this.d.changed();
        this.pump(p.conversation_id);
      })
      .catch((e: unknown) => this.onFailure(p, e));
  }

  private onFailure(p: Pending, e: unknown): void {
    p.inflight = false;
    this.d.refused?.(p.conversation_id, e);
    if (e instanceof ChatError && e.retryable) {
      const online = this.d.online();
      p.state = online ? "sending" : "waiting";
      // RATE_LIMITED says how long; the message is held that long, whatever flushes meanwhile.
      const wait = e.retryAfterMs > 0 ? e.retryAfterMs : retryDelayMs(p.attempts);
      p.held = e.retryAfterMs > 0;
      p.retryAt = p.held ? Date.now() + wait : undefined;
      if (online || p.held) {
        this.retryTimers.set(
          p.client_msg_id,
          setTimeout(() => {
            this.retryTimers.delete(p.client_msg_id);
            p.held = false;
            p.retryAt = undefined;
            this.trySend(p);
            this.pump(p.conversation_id);
          }, wait),
        );
      }
    } else if (p.op === "react" && e instanceof ChatError && e.code === "NO_CHANGE") {
      this.pending.delete(p.client_msg_id); // the reaction is already as asked (a double click)
    } else {
      p.state = "failed";
      p.error = describeError(e, { text: p.text, op: p.op, peer: this.d.peerOf?.(p.conversation_id) });
      if ((p.op ?? "send") !== "send") this.pending.delete(p.client_msg_id);
      this.d.failed(p.error);
    }
    this.d.changed();
    this.pump(p.conversation_id);
  }
}
