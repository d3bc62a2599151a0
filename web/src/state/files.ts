// Attachments of this login (PROTOCOL.md "Attachments"): the composer's uploads (each with its
// progress, done or failed; a send takes the finished ones) and the download URLs of the
// attachments messages carry, fetched when shown and kept until shortly before they expire.
// Without an API service there are neither.
import type { AttachmentApi, AttachmentUrls } from "../api/attachments";
import type { WireAttachment } from "../api/wire";
import { describeError } from "./describe";

/** Uploads in the composer at once, and per message (the server's bound). */
export const MAX_ATTACHMENTS = 10;
const URL_MARGIN_MS = 30000;

export interface Upload {
  key: number;
  conversationId: string;
  name: string;
  size: number;
  sent: number;
  state: "uploading" | "done" | "failed";
  error?: string;
  attachment?: WireAttachment;
}

export class Files {
  private list: Upload[] = [];
  private nextKey = 1;
  private cancelled = new Set<number>();
  private urlCache = new Map<string, AttachmentUrls>();
  private urlPending = new Map<string, Promise<AttachmentUrls>>();

  constructor(
    readonly api: AttachmentApi | null,
    private changed: () => void = () => {},
  ) {}

  get enabled(): boolean {
    return this.api !== null;
  }

  setListener(fn: () => void): void {
    this.changed = fn;
  }

  /** The uploads of conversation `id`'s composer. */
  uploads(id: string): readonly Readonly<Upload>[] {
    return this.list.filter((u) => u.conversationId === id);
  }

  /** Starts uploading `files` for conversation `id` (past MAX_ATTACHMENTS: the rest are left). */
  add(id: string, files: readonly File[]): void {
    if (!this.api) return;
    for (const f of files.slice(0, Math.max(0, MAX_ATTACHMENTS - this.uploads(id).length))) {
      const u: Upload = {
        key: this.nextKey++,
        conversationId: id,
        name: f.name,
        size: f.size,
        sent: 0,
        state: "uploading",
      };
      this.list.push(u);
      void this.run(u, f);
    }
    this.changed();
  }

  remove(key: number): void {
    this.cancelled.add(key);
    this.list = this.list.filter((u) => u.key !== key);
    this.changed();
  }

  /** What a send of conversation `id` carries now: null while one is still uploading. */
  ready(id: string): WireAttachment[] | null {
    const mine = this.uploads(id);
    if (mine.some((u) => u.state === "uploading")) return null;
    return mine.filter((u) => u.state === "done").map((u) => u.attachment!);
  }

  /** The send took them: the composer is empty again. */
  clear(id: string): void {
    this.list = this.list.filter((u) => u.conversationId !== id);
    this.changed();
  }

  /** Signed URLs of attachment `id`, fresh enough to use now. */
  urls(id: string): Promise<AttachmentUrls> {
    const have = this.urlCache.get(id);
    if (have && have.expiresAt - Date.now() > URL_MARGIN_MS) return Promise.resolve(have);
    let p = this.urlPending.get(id);
    if (!p) {
      p = this.api!.urls(id).finally(() => this.urlPending.delete(id));
      p.then((u) => this.urlCache.set(id, u)).catch(() => {});
      this.urlPending.set(id, p);
    }
    return p;
  }

  private async run(u: Upload, f: File): Promise<void> {
    try {
      const r = await this.api!.upload(
        f,
        (sent) => {
          u.sent = sent;
          this.changed();
        },
        () => this.cancelled.has(u.key),
      );
      u.state = "done";
      u.attachment = r.attachment;
      this.urlCache.set(r.attachment.id, r.urls);
    } catch (e) {
      u.state = "failed";
      u.error = describeError(e);
    }
    this.changed();
  }
}
