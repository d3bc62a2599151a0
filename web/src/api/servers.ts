// The brokers a login may use: one WebSocket URL, or several of the same deployment. The
// connection uses one at a time and moves to the next whenever an attempt fails or a connection
// is lost (after the last, the first again); what was in flight is resent there and missed
// messages come by sync, as after any reconnect. Pure; no timers, no DOM.

/** The URLs in `text`: one, or several separated by commas or white space; empty ones dropped. */
export function parseServers(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Which broker the next connection attempt goes to. */
export class ServerRing {
  private readonly urls: string[];
  private index = 0;

  /** `servers`: a list, or text as parseServers reads it. At least one URL is needed. */
  constructor(servers: string | readonly string[]) {
    this.urls = typeof servers === "string" ? parseServers(servers) : servers.filter((s) => s.trim().length > 0);
    if (this.urls.length === 0) throw new Error("no server URL given");
  }

  /** The broker of the current (or next) attempt. */
  get current(): string {
    return this.urls[this.index];
  }

  get size(): number {
    return this.urls.length;
  }

  /** That broker failed or was lost: the next attempt goes to the next one. Returns it. */
  advance(): string {
    this.index = (this.index + 1) % this.urls.length;
    return this.current;
  }
}
