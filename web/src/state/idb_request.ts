// IndexedDB's callback requests as promises, for the stores kept in IndexedDB (cache_db.ts,
// outbox_store.ts).

/** Resolves with `req`'s result, or rejects with its error. */
export function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
