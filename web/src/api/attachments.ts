// Attachments through the API service (PROTOCOL.md "Attachments", docs/openapi.yaml
// /v1/uploads, /v1/attachments): a restartable chunked upload with progress (after a failed
// chunk the service is asked how far it got, and the upload goes on from there), and fresh
// signed download URLs for an attachment a message carries.
import type { WireAttachment } from "./wire";
import type { AuthedApi } from "./authed_api";
import { ChatError } from "./errors";

/** Signed URLs of one attachment (they expire at `expiresAt`, epoch ms). */
export interface AttachmentUrls {
  url: string;
  thumbnail: string | null;
  expiresAt: number;
}

const CHUNK_RETRIES = 3;

/** The shape a message carries, from the service's Attachment answer. */
export function wireOf(a: Record<string, unknown>): WireAttachment {
  const { id, name, content_type, size } = a;
  if (
    typeof id !== "string" ||
    typeof name !== "string" ||
    typeof content_type !== "string" ||
    typeof size !== "number"
  ) {
    throw new ChatError("BAD_RESPONSE", "The API service sent an unexpected attachment");
  }
  const width = typeof a.width === "number" ? a.width : 0;
  const height = typeof a.height === "number" ? a.height : 0;
  return { id, name, content_type, size, width, height, thumbnail: a.thumbnail !== null && a.thumbnail !== undefined };
}

export function urlsOf(api: AuthedApi, a: Record<string, unknown>): AttachmentUrls {
  const thumb = a.thumbnail as { url?: unknown } | null | undefined;
  if (typeof a.url !== "string") throw new ChatError("BAD_RESPONSE", "The API service sent no download URL");
  return {
    url: api.url(a.url),
    thumbnail: thumb && typeof thumb.url === "string" ? api.url(thumb.url) : null,
    expiresAt: typeof a.expires_at_ms === "number" ? a.expires_at_ms : Date.now() + 60000,
  };
}

export class AttachmentApi {
  constructor(readonly api: AuthedApi) {}

  /** Uploads `file`; `progress(sent, total)` after each chunk. `cancelled()` stops it between
   * chunks (CANCELLED). */
  async upload(
    file: Blob & { name?: string },
    progress: (sent: number, total: number) => void,
    cancelled: () => boolean = () => false,
  ): Promise<{ attachment: WireAttachment; urls: AttachmentUrls }> {
    const started = await this.api.json("POST", "/v1/uploads", {
      name: file.name || "file",
      size: file.size,
      ...(file.type ? { content_type: file.type } : {}),
    });
    const id = String(started.id);
    const chunk = typeof started.chunk_bytes === "number" && started.chunk_bytes > 0 ? started.chunk_bytes : 1 << 20;
    let offset = 0;
    let failures = 0;
    progress(0, file.size);
    while (offset < file.size) {
      if (cancelled()) throw new ChatError("CANCELLED", "Upload cancelled");
      const piece = file.slice(offset, Math.min(file.size, offset + chunk), "application/octet-stream");
      try {
        const r = await this.api.json("PUT", `/v1/uploads/${id}?offset=${offset}`, piece);
        offset = typeof r.received === "number" ? r.received : offset + piece.size;
        failures = 0;
      } catch (e) {
        if (!(e instanceof ChatError) || !e.retryable || ++failures > CHUNK_RETRIES) throw e;
        const status = await this.api.json("GET", `/v1/uploads/${id}`).catch(() => null);
        if (status && typeof status.received === "number") offset = status.received;
      }
      progress(offset, file.size);
    }
    const done = await this.api.json("POST", `/v1/uploads/${id}/finish`, {});
    return { attachment: wireOf(done), urls: urlsOf(this.api, done) };
  }

  /** Fresh signed URLs of attachment `id`. */
  async urls(id: string): Promise<AttachmentUrls> {
    return urlsOf(this.api, await this.api.json("GET", `/v1/attachments/${encodeURIComponent(id)}`));
  }
}
