// Catching up with per-conversation cursors (docs/PROTOCOL.md, sync): one sync at a time; a sync
// asked for while one runs makes it go one more round; pages repeat while any has_more.
import { decodeSyncPage } from "../api/decode";
import { Response, topics } from "../api/wire";
import type { Conversations } from "./conversations";

export const SYNC_LIMIT = 100;
export const SYNC_TIMEOUT_MS = 30000;
const MAX_ROUNDS = 100;

export interface SyncDeps {
  request(topic: string, body: Record<string, unknown>, timeoutMs: number): Promise<Response>;
  /** A page named a conversation we do not know: the list needs a refresh. */
  unknown(): void;
  changed(): void;
}

export class Syncer {
  private syncing = false;
  private again = false;

  /** `stores`: where the conversations are (ChatState's, and the channels of community.ts):
   * one request carries all their cursors, and each page goes to the store that knows it. */
  constructor(
    private stores: () => Conversations[],
    private d: SyncDeps,
  ) {}

  async run(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = true;
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const stores = this.stores();
        const cursors = Object.assign({}, ...stores.map((s) => s.cursors()));
        const body = { cursors, limit: SYNC_LIMIT };
        const r = await this.d.request(topics.req("sync"), body, SYNC_TIMEOUT_MS);
        const pages = decodeSyncPage(r);
        let more = false;
        let unknown = pages.some((p) => !stores.some((s) => s.has(p.conversation_id)));
        for (const s of stores) {
          const got = s.applySyncPage(pages.filter((p) => s.has(p.conversation_id)));
          more ||= got.more;
          unknown ||= got.unknown;
        }
        this.d.changed();
        if (unknown) this.d.unknown();
        if (!more && !this.again) break;
        this.again = false;
      }
    } finally {
      this.syncing = false;
    }
  }
}
