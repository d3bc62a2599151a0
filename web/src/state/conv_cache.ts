// The conversation list kept on the device, per user, so a page opened offline (or before its
// connection is up) shows the conversations and the open one's pending sends instead of an empty
// list: read-only until connected (their messages come from history then). Written after each
// `conversations` answer, used at start only until the first answer arrives, deleted at logout.
// In IndexedDB; without it (a private window of some browsers), nothing is kept.
import { decodeConversationList } from "../api/decode";
import type { Response, WireSummary } from "../api/wire";
import { CONV_STORE, inStore } from "./cache_db";

export interface ConvCacheBackend {
  load(): Promise<unknown>;
  save(list: WireSummary[]): Promise<void>;
  clear(): Promise<void>;
}

/** The kept list, checked as the server's answer is (a damaged record is as none). */
export function cachedList(raw: unknown): WireSummary[] | null {
  if (!Array.isArray(raw)) return null;
  try {
    return decodeConversationList({ op: "conversations", ok: true, conversations: raw } as unknown as Response);
  } catch {
    return null;
  }
}

/** The list `cache` keeps, or null (none, damaged, or unreadable). */
export async function keptList(cache: ConvCacheBackend | null): Promise<WireSummary[] | null> {
  try {
    return cache ? cachedList(await cache.load()) : null;
  } catch {
    return null;
  }
}

/** `user`'s list in IndexedDB (keyed by the name in lower case), or null without IndexedDB. */
export function indexedDbConvCache(user: string): ConvCacheBackend | null {
  if (typeof indexedDB === "undefined") return null;
  const key = user.toLowerCase();
  return {
    load: () => inStore(CONV_STORE, "readonly", (s) => s.get(key)),
    async save(list) {
      await inStore(CONV_STORE, "readwrite", (s) => s.put(list, key));
    },
    async clear() {
      await inStore(CONV_STORE, "readwrite", (s) => s.delete(key));
    },
  };
}
