// Unsent messages outlive the page: the outbox's pending sends are kept in IndexedDB, per user and
// device (the tab's device id, which a reload keeps), and a new page of that login puts them back
// in the outbox to go out with their original client_msg_id, so a send the server had stored
// before the reload is answered from its dedup and stored once. OutboxStore mirrors the outbox:
// after every change it writes what was added or changed and deletes what left (delivered,
// settled, discarded). Without IndexedDB (a private window of some browsers) it keeps nothing.
import { promised } from "./idb_request";
import type { PendingView } from "./outbox";
import type { OpFields } from "./outbox_ops";

/** What is kept of a pending send (a message, or an edit, delete or reaction: outbox_ops.ts);
 * `error` is set for a send the server refused. */
export interface SavedSend extends OpFields {
  created_ms: number;
  error?: string;
}

/** Where saved sends live (IndexedDB in the page, a fake in tests). Failures are the caller's
 * to ignore: persistence is best effort, sending never waits for it. */
export interface OutboxBackend {
  load(): Promise<SavedSend[]>;
  put(s: SavedSend): Promise<void>;
  remove(clientMsgId: string): Promise<void>;
  clear(): Promise<void>;
}

function saved(p: PendingView): SavedSend {
  const s: SavedSend = {
    client_msg_id: p.client_msg_id,
    conversation_id: p.conversation_id,
    text: p.text,
    created_ms: p.created_ms,
  };
  if (p.op && p.op !== "send") s.op = p.op;
  if (p.target_seq !== undefined) s.target_seq = p.target_seq;
  if (p.reply_to) s.reply_to = p.reply_to;
  if (p.remove !== undefined) s.remove = p.remove;
  if (p.mentions?.length) s.mentions = p.mentions;
  if (p.attachments?.length) s.attachments = p.attachments;
  if (p.state === "failed") s.error = p.error ?? "Failed";
  return s;
}

export class OutboxStore {
  /** client_msg_id -> the JSON of what the backend holds for it. */
  private stored = new Map<string, string>();
  private loaded = false;

  constructor(private backend: OutboxBackend | null) {}

  /** The sends an earlier page left; until this settles, sync() writes nothing (it would delete
   * what is not loaded yet). */
  async load(): Promise<SavedSend[]> {
    let items: SavedSend[] = [];
    try {
      items = this.backend ? await this.backend.load() : [];
    } catch (e) {
      console.warn("mqchat: unsent messages could not be read:", e);
    }
    for (const s of items) this.stored.set(s.client_msg_id, JSON.stringify(s));
    this.loaded = true;
    return items;
  }

  /** The outbox now holds `pending`: write the difference. */
  sync(pending: Iterable<PendingView>): void {
    if (!this.loaded || !this.backend) return;
    const seen = new Set<string>();
    for (const p of pending) {
      seen.add(p.client_msg_id);
      const s = saved(p);
      const json = JSON.stringify(s);
      if (this.stored.get(p.client_msg_id) === json) continue;
      this.stored.set(p.client_msg_id, json);
      this.backend.put(s).catch((e) => console.warn("mqchat: an unsent message could not be saved:", e));
    }
    for (const id of [...this.stored.keys()]) {
      if (seen.has(id)) continue;
      this.stored.delete(id);
      this.backend.remove(id).catch(() => {});
    }
  }

  /** Logged out: nothing of this login's unsent messages stays on the device. */
  clear(): void {
    this.stored.clear();
    this.backend?.clear().catch(() => {});
  }
}

const DB_NAME = "mqchat-outbox";
const STORE = "sends";

/** The IndexedDB backend of `user`'s sends from `device`, or null without IndexedDB. Records are
 * keyed [owner, client_msg_id], owner being "<user>/<device>" (user in lower case: names are
 * unique ignoring case). */
export function indexedDbOutbox(user: string, device: string): OutboxBackend | null {
  if (typeof indexedDB === "undefined") return null;
  const owner = `${user.toLowerCase()}/${device}`;
  const range = () => IDBKeyRange.bound([owner, ""], [owner, "\uffff"]);
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    (db ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: ["owner", "client_msg_id"] });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    }));
  const tx = async <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> =>
    promised(fn((await open()).transaction(STORE, mode).objectStore(STORE)));
  return {
    async load() {
      const rows = (await tx("readonly", (s) => s.getAll(range()))) as (SavedSend & { owner: string })[];
      return rows
        .map(({ owner: _o, ...s }) => s)
        .filter((s) => typeof s.client_msg_id === "string" && typeof s.text === "string")
        .sort((a, b) => a.created_ms - b.created_ms);
    },
    async put(s) {
      await tx("readwrite", (st) => st.put({ owner, ...s }));
    },
    async remove(id) {
      await tx("readwrite", (st) => st.delete([owner, id]));
    },
    async clear() {
      await tx("readwrite", (st) => st.delete(range()));
    },
  };
}
