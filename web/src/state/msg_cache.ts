// The newest messages of each conversation kept on the device, per user (issue 28), so a page
// opened offline (or before the server answers) shows them with the kept list (conv_cache.ts):
// read-only until a sync brings them up to date, and loaded from the server as a new
// conversation's when the sync finds they no longer join its newest (conversations.ts
// applySyncPage). Kept in their current state (edits, reactions; a deleted message as its
// tombstone, its text gone from the device too), only what is known to have no gap: each
// conversation's messages up to its sync cursor, at most KEPT_PER_CONV of them and KEPT_TOTAL in
// all (the most recently active conversations first). Written a moment after a change (only the
// conversations that changed), at once when the page goes; deleted at logout. Conversations
// only: a server's channels come from their server when it answers. In IndexedDB (cache_db.ts);
// without it nothing is kept.
import { decodeMessage } from "../api/decode";
import { MSG_STORE, inStore } from "./cache_db";
import type { Conv } from "./conversation";
import type { SyncConversation, WireMessage } from "../api/wire";

/** What is kept of a conversation: its newest messages (current state, oldest
 * first), every message in (first seq, `through_seq`] among them, and the window's flags. */
export interface KeptWindow {
  through_seq: number;
  latest_loaded: boolean;
  has_more_before: boolean;
  messages: WireMessage[];
}

/** A sync page that does not continue a kept window at `cursor`: it skips seqs (expired, or not
 * all in this page) or moves the end with no messages. */
export function keptGap(cursor: number, sc: SyncConversation): boolean {
  if (sc.has_more) return true;
  if (sc.messages.length === 0) return sc.last_seq > cursor;
  return sc.messages[0].seq > cursor + 1;
}

export const KEPT_PER_CONV = 50;
export const KEPT_TOTAL = 1000;
export const SAVE_DELAY_MS = 250;

export interface KeptRecord extends KeptWindow {
  conversation_id: string;
}

/** Where the records live (IndexedDB in the page, a fake in tests); failures are ignored. */
export interface MsgCacheBackend {
  loadAll(): Promise<unknown[]>;
  put(r: KeptRecord): Promise<void>;
  remove(conversationId: string): Promise<void>;
  clear(): Promise<void>;
}

/** A record read back, checked as the server's messages are; null if damaged. */
export function keptRecord(v: unknown): KeptRecord | null {
  if (typeof v !== "object" || v === null) return null;
  const r = v as Record<string, unknown>;
  const id = r.conversation_id;
  if (typeof id !== "string" || !/^\d+$/.test(id) || !Number.isSafeInteger(r.through_seq)) return null;
  if (typeof r.latest_loaded !== "boolean" || typeof r.has_more_before !== "boolean") return null;
  if (!Array.isArray(r.messages)) return null;
  try {
    const messages = r.messages.map((m) => decodeMessage(m));
    const through = r.through_seq as number;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      if (m.conversation_id !== id || m.seq > through || (i > 0 && m.seq <= messages[i - 1].seq)) return null;
    }
    return {
      conversation_id: id,
      through_seq: through,
      latest_loaded: r.latest_loaded,
      has_more_before: r.has_more_before,
      messages,
    };
  } catch {
    return null;
  }
}

/** How many of `c`'s messages may be kept: those up to its cursor (every message from the oldest
 * held up to there is held), the newest `max` of them. */
function keepable(c: Conv, max: number): number {
  if (max <= 0) return 0;
  let n = 0;
  for (const seq of c.sortedSeqs()) if (seq <= c.syncSeq) n++;
  return Math.min(n, max);
}

/** `c`'s newest `n` messages up to its cursor, as kept. A deleted message is its tombstone. */
export function keptWindow(c: Conv, n: number): KeptRecord {
  const seqs = c.sortedSeqs().filter((s) => s <= c.syncSeq);
  const messages = seqs.slice(seqs.length - n).map((s) => c.msgs.get(s)!);
  return {
    conversation_id: c.id,
    through_seq: c.syncSeq,
    latest_loaded: c.latestLoaded,
    has_more_before: c.hasMoreBefore || n < seqs.length,
    messages,
  };
}

/** The conversations to keep and how many messages of each: by `convs`' order (most recently
 * active first), KEPT_PER_CONV each, KEPT_TOTAL in all. */
export function keepPlan(convs: Iterable<Conv>, perConv = KEPT_PER_CONV, total = KEPT_TOTAL): Map<string, number> {
  const plan = new Map<string, number>();
  let left = total;
  for (const c of convs) {
    const n = keepable(c, Math.min(perConv, left));
    if (n === 0) continue;
    plan.set(c.id, n);
    left -= n;
  }
  return plan;
}

export class MsgCache {
  /** What is written, by conversation: a signature of the state it was written from. */
  private written = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private waiting = false; // a write is queued and has not started

  /** `convs`: the conversations, most recently active first; `writing`: called at each write. */
  constructor(
    private backend: MsgCacheBackend | null,
    private convs: () => Conv[],
    private writing: () => void = () => {},
  ) {}

  /** The records kept by an earlier page (damaged ones left out). */
  async load(): Promise<KeptRecord[]> {
    if (!this.backend) return [];
    try {
      const out: KeptRecord[] = [];
      for (const raw of await this.backend.loadAll()) {
        const r = keptRecord(raw);
        const id = (raw as { conversation_id?: unknown } | null)?.conversation_id;
        if (typeof id === "string") this.written.set(id, ""); // deleted at the next write if not kept
        if (r) out.push(r);
      }
      return out;
    } catch {
      return [];
    }
  }

  /** A change: written a moment later (changes close together are written once). */
  schedule(): void {
    if (!this.backend || this.stopped || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, SAVE_DELAY_MS);
  }

  /** Writes what changed since the last write, and deletes what is no longer kept. What is
   * written is the state of when the write runs, not of when it was asked for: a write that waits
   * behind a slow one (IndexedDB under load) must not put back a text deleted meanwhile, which
   * would stay on the device if the page went before the next write. */
  flush(): Promise<void> {
    const backend = this.backend;
    if (!backend || this.stopped) return this.queue;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing();
    if (this.waiting) return this.queue; // the write not yet started takes this change too
    this.waiting = true;
    return this.run(async () => {
      this.waiting = false;
      const convs = this.convs();
      const plan = keepPlan(convs);
      const byId = new Map(convs.map((c) => [c.id, c]));
      for (const [id, most] of plan) {
        // Each record as its conversation is now, taken just before its write.
        const c = byId.get(id)!;
        const n = keepable(c, most);
        if (n === 0) continue;
        const sig = `${c.rev}:${c.syncSeq}:${c.latestLoaded}:${c.hasMoreBefore}:${n}`;
        if (this.written.get(id) === sig) continue;
        this.written.set(id, sig);
        await backend.put(keptWindow(c, n));
      }
      const gone = [...this.written.keys()].filter((id) => !plan.has(id));
      for (const id of gone) {
        this.written.delete(id);
        await backend.remove(id);
      }
    });
  }

  /** The page goes (`forget`: a logout, so everything kept goes too); nothing is written after. */
  stop(forget: boolean): Promise<void> {
    if (!forget) this.flush();
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const backend = this.backend;
    return forget && backend ? this.run(() => backend.clear()) : this.queue;
  }

  /** Backend calls one after another, so a logout's clear comes after every write before it. */
  private run(fn: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(fn).catch(() => {});
    return this.queue;
  }
}

/** `user`'s records in IndexedDB (keyed by [the name in lower case, conversation id]), or null
 * without IndexedDB. */
export function indexedDbMsgCache(user: string): MsgCacheBackend | null {
  if (typeof indexedDB === "undefined") return null;
  const key = user.toLowerCase();
  const all = () => IDBKeyRange.bound([key], [key, []]); // every [key, id] (arrays sort after strings)
  return {
    loadAll: () => inStore(MSG_STORE, "readonly", (s) => s.getAll(all())),
    async put(r) {
      await inStore(MSG_STORE, "readwrite", (s) => s.put(r, [key, r.conversation_id]));
    },
    async remove(id) {
      await inStore(MSG_STORE, "readwrite", (s) => s.delete([key, id]));
    },
    async clear() {
      await inStore(MSG_STORE, "readwrite", (s) => s.delete(all()));
    },
  };
}
