// What of a login outlives the page. A password never does: it stays in memory for the life of
// the page (a reload asks for it again), and nothing about it is written to web storage. A token
// login is kept in sessionStorage (a reload in the same tab resumes it; the tab closing or logging
// out forgets it): a token expires on its own, and the server checks that at every login. The last
// username is kept in localStorage to prefill the form.
import type { LoginMode } from "../api/connection";

export const SESSION_KEY = "mqchat.session";
export const LAST_USER_KEY = "mqchat.lastUser";

export interface Login {
  server: string; // ws://host:port/
  user: string;
  mode: LoginMode;
  secret: string;
  /** Logged in through the API service: its tokens are kept by state/tokens.ts, not here. */
  viaApi?: boolean;
}

/** The part of the Web Storage API used here (sessionStorage, localStorage, a fake in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class SessionStore {
  constructor(
    private session: KeyValueStore,
    private local: KeyValueStore,
  ) {}

  /** The broker accepted `login`: remember what may be remembered. */
  accepted(login: Login): void {
    this.local.setItem(LAST_USER_KEY, login.user);
    if (login.mode === "token" && !login.viaApi) this.session.setItem(SESSION_KEY, JSON.stringify(login));
    else this.session.removeItem(SESSION_KEY);
  }

  /** A token login to resume, if the tab has one. Anything else found is removed (a password
   * saved by an older version of this page, say). */
  resumable(): Login | null {
    const saved = this.session.getItem(SESSION_KEY);
    if (!saved) return null;
    try {
      const l = JSON.parse(saved) as Partial<Login>;
      if (l.mode === "token" && l.user && l.secret && l.server) {
        return { server: l.server, user: l.user, mode: "token", secret: l.secret };
      }
    } catch {
      /* removed below */
    }
    this.session.removeItem(SESSION_KEY);
    return null;
  }

  lastUser(): string {
    return this.local.getItem(LAST_USER_KEY) ?? "";
  }

  /** Logged out, or the credentials were refused. */
  forget(): void {
    this.session.removeItem(SESSION_KEY);
  }
}
