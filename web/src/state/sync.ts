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

  constructor(
    private convs: Conversations,
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
        const body = { cursors: this.convs.cursors(), limit: SYNC_LIMIT };
        const r = await this.d.request(topics.req("sync"), body, SYNC_TIMEOUT_MS);
        const { more, unknown } = this.convs.applySyncPage(decodeSyncPage(r));
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
