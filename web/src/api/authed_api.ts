// Requests to the API service (docs/openapi.yaml) that need the login's access token: a Bearer
// header from the token source (state/tokens.ts TokenKeeper.fresh, which refreshes first when
// the token is near its end). JSON in and out, raw bytes in (avatars, upload chunks), a blob
// out (avatars). Failures are ChatErrors as in http_api.ts.
import { ChatError } from "./errors";

export type TokenSource = () => Promise<string>;

export class AuthedApi {
  readonly base: string;

  constructor(
    base: string,
    private token: TokenSource,
    private fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.base = base.replace(/\/+$/, "");
  }

  /** A JSON request; `body` an object (sent as JSON), a Blob (sent as is, with its type) or none. */
  async json(method: string, path: string, body?: Record<string, unknown> | Blob): Promise<Record<string, unknown>> {
    const res = await this.send(method, path, body);
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      /* handled below */
    }
    const obj = json !== null && typeof json === "object" ? (json as Record<string, unknown>) : null;
    if (res.ok && obj) return obj;
    throw failure(res, obj);
  }

  /** The bytes at `path` (relative to the base, or absolute). */
  async blob(path: string): Promise<Blob> {
    const res = await this.send("GET", path);
    if (res.ok) return res.blob();
    let obj: Record<string, unknown> | null = null;
    try {
      obj = (await res.json()) as Record<string, unknown>;
    } catch {
      /* none */
    }
    throw failure(res, obj);
  }

  /** The absolute URL of `path` (a URL the service gave, relative to its base, or absolute). */
  url(path: string): string {
    return /^https?:/i.test(path) ? path : this.base + (path.startsWith("/") ? path : `/${path}`);
  }

  private async send(method: string, path: string, body?: Record<string, unknown> | Blob): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${await this.token()}` };
    let payload: BodyInit | undefined;
    if (body instanceof Blob) {
      payload = body;
      headers["Content-Type"] = body.type || "application/octet-stream";
    } else if (body) {
      payload = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    try {
      return await this.fetchImpl(this.url(path), { method, headers, body: payload });
    } catch (e) {
      throw new ChatError("NETWORK", `Cannot reach the API service (${(e as Error).message})`, true);
    }
  }
}

function failure(res: Response, obj: Record<string, unknown> | null): ChatError {
  const err = obj?.error as { code?: unknown; message?: unknown } | undefined;
  const retryable = res.status >= 500 || res.status === 429;
  if (err && typeof err.code === "string") {
    return new ChatError(err.code, typeof err.message === "string" ? err.message : err.code, retryable);
  }
  return new ChatError("BAD_RESPONSE", `The API service answered HTTP ${res.status}`, retryable);
}
