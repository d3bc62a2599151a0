// The tokens of a login through the API service (api/http_api.ts): the short-lived access token
// (the MQTT password) and the refresh token, kept in localStorage so a reload, or another tab,
// resumes the login without a password (none is ever stored). The access token is refreshed
// before it expires (a timer at 80% of its life) and whenever a (re)connect finds it near its
// end. Refresh tokens rotate on every use and the service revokes the whole family when an old
// one comes back, so tabs sharing the storage must not refresh at once: a refresh runs under a
// Web Lock and starts by re-reading the storage (another tab may have rotated already).
import type { ApiClient, TokenSet } from "../api/http_api";
import { ChatError } from "../api/errors";
import type { KeyValueStore } from "./session";

export const TOKENS_KEY = "mqchat.tokens";
const LOCK_NAME = "mqchat.tokens";
const MIN_LEFT_MS = 30000; // a token with less left than this is refreshed before use

interface Saved extends TokenSet {
  api: string;
}

/** Runs `fn` while holding the named lock (Web Locks), or directly where there are none. */
export type LockRunner = <T>(fn: () => Promise<T>) => Promise<T>;

export const webLock: LockRunner = (fn) => {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? (locks.request(LOCK_NAME, fn) as Promise<Awaited<ReturnType<typeof fn>>>) : fn();
};

export class TokenKeeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private api: ApiClient,
    private store: KeyValueStore,
    private lock: LockRunner = webLock,
  ) {}

  /** The saved login for this API service, if any (a reload resumes it). */
  saved(): TokenSet | null {
    const raw = this.store.getItem(TOKENS_KEY);
    if (!raw) return null;
    try {
      const s = JSON.parse(raw) as Partial<Saved>;
      if (
        s.api === this.api.base &&
        typeof s.user === "string" &&
        typeof s.access === "string" &&
        typeof s.refresh === "string" &&
        typeof s.expiresAt === "number"
      ) {
        return { user: s.user, access: s.access, refresh: s.refresh, expiresAt: s.expiresAt };
      }
    } catch {
      /* removed below */
    }
    this.store.removeItem(TOKENS_KEY);
    return null;
  }

  /** A login's tokens: saved, and refreshed before they expire. */
  adopt(t: TokenSet): void {
    this.save(t);
    this.schedule(t);
  }

  /** An access token with some life left for a (re)connect; refreshes first if needed.
   * Rejects with UNAUTHENTICATED when the login is gone (revoked, expired, logged out). */
  async fresh(): Promise<string> {
    return (await this.renew(null)).access;
  }

  /** Under the lock: the saved tokens if another tab rotated `known` already (or, with `known`
   * null, if the access token has life left), else a refresh. */
  private async renew(known: string | null): Promise<TokenSet> {
    const t = await this.lock(async () => {
      const cur = this.saved();
      if (!cur) throw new ChatError("UNAUTHENTICATED", "Logged out");
      const rotatedElsewhere = known !== null && cur.refresh !== known;
      if ((known === null || rotatedElsewhere) && cur.expiresAt - Date.now() > MIN_LEFT_MS) return cur;
      return this.rotate(cur);
    });
    this.schedule(t);
    return t;
  }

  /** Logs out: the service revokes the refresh token (best effort), the storage forgets it. */
  async logout(): Promise<void> {
    this.stop();
    const cur = this.saved();
    this.store.removeItem(TOKENS_KEY);
    if (cur) await this.api.logout(cur.refresh).catch(() => {});
  }

  /** Stops the refresh timer (the page leaves this login); the saved tokens stay. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async rotate(cur: TokenSet): Promise<TokenSet> {
    try {
      const next = await this.api.refresh(cur.refresh);
      this.save(next);
      return next;
    } catch (e) {
      if (e instanceof ChatError && e.code === "UNAUTHENTICATED") this.store.removeItem(TOKENS_KEY);
      throw e;
    }
  }

  private save(t: TokenSet): void {
    const s: Saved = { api: this.api.base, ...t };
    this.store.setItem(TOKENS_KEY, JSON.stringify(s));
  }

  private schedule(t: TokenSet): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const left = t.expiresAt - Date.now();
    const delay = Math.max(1000, Math.min(left - MIN_LEFT_MS, left * 0.8));
    this.timer = setTimeout(() => {
      this.renew(t.refresh).catch(() => {
        /* the next (re)connect asks again and reports it */
      });
    }, delay);
  }
}
