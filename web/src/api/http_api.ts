// The API service (mqchat-api, docs/openapi.yaml) from the browser: sign-up, login, refresh and
// logout over fetch, JSON in and out. Every failure is a ChatError: the service's error code and
// message, or NETWORK / BAD_RESPONSE. Where the page finds the service: apiUrlOf() below.
import { ChatError } from "./errors";

/** What a login or a refresh gives: the access token is the MQTT password of `user`. */
export interface TokenSet {
  user: string;
  access: string;
  refresh: string;
  expiresAt: number; // epoch ms when the access token expires
}

/** The API's base URL for this page: `?api=URL`, else config.json next to the page
 * ({"api": "http://host:port"}, written by scripts/run.sh), else null (no API: the login form
 * sends the password to the broker over MQTT, as before). */
export async function apiUrlOf(search: string, fetchImpl: typeof fetch = fetch): Promise<string | null> {
  const q = new URLSearchParams(search).get("api");
  if (q !== null) return q.trim() || null;
  try {
    const res = await fetchImpl("config.json", { cache: "no-store" });
    if (!res.ok) return null;
    const cfg = (await res.json()) as { api?: unknown };
    return typeof cfg.api === "string" && cfg.api.trim() ? cfg.api.trim() : null;
  } catch {
    return null; // no config.json (or not JSON): no API
  }
}

export class ApiClient {
  readonly base: string;

  constructor(
    base: string,
    private fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.base = base.replace(/\/+$/, "");
  }

  async signup(user: string, password: string): Promise<void> {
    await this.post("/v1/signup", { username: user, password });
  }

  login(user: string, password: string): Promise<TokenSet> {
    return this.tokens(this.post("/v1/login", { username: user, password }));
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    return this.tokens(this.post("/v1/refresh", { refresh_token: refreshToken }));
  }

  async logout(refreshToken: string): Promise<void> {
    await this.post("/v1/logout", { refresh_token: refreshToken });
  }

  private async tokens(reply: Promise<Record<string, unknown>>): Promise<TokenSet> {
    const r = await reply;
    const { username, access_token, refresh_token, expires_in } = r;
    if (
      typeof username !== "string" ||
      typeof access_token !== "string" ||
      typeof refresh_token !== "string" ||
      typeof expires_in !== "number"
    ) {
      throw new ChatError("BAD_RESPONSE", "The API service sent an unexpected answer");
    }
    return { user: username, access: access_token, refresh: refresh_token, expiresAt: Date.now() + expires_in * 1000 };
  }

  private async post(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await this.fetchImpl(this.base + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new ChatError("NETWORK", `Cannot reach the API service (${(e as Error).message})`, true);
    }
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      /* handled below */
    }
    const obj = json !== null && typeof json === "object" ? (json as Record<string, unknown>) : null;
    if (res.ok && obj) return obj;
    const err = obj?.error as { code?: unknown; message?: unknown } | undefined;
    if (err && typeof err.code === "string") {
      const retryable = res.status >= 500 || err.code === "RATE_LIMITED";
      throw new ChatError(err.code, typeof err.message === "string" ? err.message : err.code, retryable);
    }
    throw new ChatError("BAD_RESPONSE", `The API service answered HTTP ${res.status}`, res.status >= 500);
  }
}
