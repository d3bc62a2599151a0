// The API service (mqchat-api, docs/openapi.yaml) from the browser: sign-up, login, refresh and
// logout over fetch, JSON in and out. Every failure is a ChatError: the service's error code and
// message, or NETWORK / BAD_RESPONSE. Where the page finds the service: pageConfig() below.
import { ChatError } from "./errors";

/** What a login or a refresh gives: the access token is the MQTT password of `user`. */
export interface TokenSet {
  user: string;
  access: string;
  refresh: string;
  expiresAt: number; // epoch ms when the access token expires
}

/** Where this page logs in. `api`: the API service's base URL, or null. `mqttPasswords`: the
 * page's config.json allows sending a password to the broker over MQTT (`"password_login":
 * "mqtt"`, for brokers whose operator turned `plugin_opt_password_login` on); never otherwise. */
export interface PageConfig {
  api: string | null;
  mqttPasswords: boolean;
  /** config.json's `webpush_vapid_key`: the push gateway's VAPID public key (base64url), which
   * a Web Push subscription needs (ui/web_push.ts); absent: no Web Push. */
  vapidKey?: string;
  /** config.json's `broker_ws`: the broker's MQTT-over-WebSocket URL (ws:// or wss://), for a
   * page not served by the broker itself (e.g. by mqchat-api's `web_dir`, scripts/run.sh);
   * absent: the page's own origin (login.ts defaultServer). */
  brokerWs?: string;
  /** The page was opened offline: its server did not answer, and the service worker gave
   * config.json from its cache (or said there is none) with `X-Mqchat-Offline: 1`. */
  offline?: true;
}

/** The header the service worker (web/sw/) puts on what it serves from its cache. */
export const OFFLINE_HEADER = "X-Mqchat-Offline";

/** The API service's default port (packaging/files/api.conf). */
export const DEFAULT_API_PORT = 8080;
const PROBE_MS = 3000;

/** The page's configuration: `?api=URL`, else config.json next to the page (`{"api": "http://
 * host:port"}`, written by scripts/run.sh and the packages). With no config.json at all the page
 * looks for the API itself (apiCandidates: its own origin, then its host on the API's default
 * port), so a page served without one still logs in through the API and never sends a password
 * to the broker. */
export async function pageConfig(search: string, origin: string, fetchImpl: typeof fetch = fetch): Promise<PageConfig> {
  const q = new URLSearchParams(search).get("api");
  if (q !== null && q.trim()) return { api: q.trim(), mqttPasswords: false };
  let res: Response | null = null;
  try {
    res = await fetchImpl("config.json", { cache: "no-store" });
  } catch {
    res = null; // unreachable: as if there were none
  }
  const extra: Pick<PageConfig, "vapidKey" | "brokerWs" | "offline"> = {};
  if (res?.headers.get(OFFLINE_HEADER) === "1") extra.offline = true;
  if (res?.ok) {
    try {
      const cfg = (await res.json()) as {
        api?: unknown;
        password_login?: unknown;
        webpush_vapid_key?: unknown;
        broker_ws?: unknown;
      };
      const api = typeof cfg.api === "string" && cfg.api.trim() ? cfg.api.trim() : null;
      const key = cfg.webpush_vapid_key;
      if (typeof key === "string" && /^[A-Za-z0-9_-]{80,100}$/.test(key)) extra.vapidKey = key;
      const ws = cfg.broker_ws;
      if (typeof ws === "string" && /^wss?:\/\/[^\s]+$/i.test(ws.trim())) extra.brokerWs = ws.trim();
      return { api, mqttPasswords: api === null && cfg.password_login === "mqtt", ...extra };
    } catch {
      /* not JSON: as if there were none */
    }
  }
  if (!extra.offline) {
    for (const base of apiCandidates(origin)) {
      if (await answersDiscovery(base, fetchImpl)) return { api: base, mqttPasswords: false };
    }
  }
  return { api: null, mqttPasswords: false, ...extra };
}

/** Where an API service may be for a page of `origin`: the origin itself (a front server that
 * proxies /v1), then the same host on the API's default port. None for a page not over HTTP. */
export function apiCandidates(origin: string): string[] {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return [];
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return [];
  const own = `${u.protocol}//${u.host}`;
  const byPort = `${u.protocol}//${u.hostname}:${DEFAULT_API_PORT}`; // hostname keeps IPv6 brackets
  return own === byPort ? [own] : [own, byPort];
}

/** `base` answers GET /v1/connect as the API service does (a JSON object with `brokers`). */
async function answersDiscovery(base: string, fetchImpl: typeof fetch): Promise<boolean> {
  try {
    const res = await fetchImpl(base + "/v1/connect", { cache: "no-store", signal: AbortSignal.timeout(PROBE_MS) });
    if (!res.ok) return false;
    const body = (await res.json()) as { brokers?: unknown };
    return body !== null && typeof body === "object" && Array.isArray(body.brokers);
  } catch {
    return false;
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
