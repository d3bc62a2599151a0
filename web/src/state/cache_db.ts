// The IndexedDB database of what this device keeps of a login to open with (conv_cache.ts: the
// conversation list; msg_cache.ts: the recent messages), opened once per page. Version 2 added
// the messages; an upgrade creates the stores a database lacks.
import { promised } from "./idb_request";

export const CACHE_DB = "mqchat-cache";
export const CONV_STORE = "conversations";
export const MSG_STORE = "messages";
const VERSION = 2;

let db: Promise<IDBDatabase> | null = null;

export function openCacheDb(): Promise<IDBDatabase> {
  return (db ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(CACHE_DB, VERSION);
    req.onupgradeneeded = () => {
      for (const name of [CONV_STORE, MSG_STORE]) {
        if (!req.result.objectStoreNames.contains(name)) req.result.createObjectStore(name);
      }
    };
    req.onsuccess = () => {
      // A newer page upgrading the database (a deploy) is not held up by this one.
      req.result.onversionchange = () => {
        req.result.close();
        db = null;
      };
      resolve(req.result);
    };
    req.onerror = () => reject(req.error);
  }).catch((e: unknown) => {
    db = null; // the next use tries again
    throw e;
  }));
}

/** One request on `store` in a transaction of its own. */
export async function inStore<T>(
  store: string,
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  return promised(fn((await openCacheDb()).transaction(store, mode).objectStore(store)));
}
