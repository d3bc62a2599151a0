// Profiles through the API service (docs/openapi.yaml: /v1/me, /v1/me/avatar, /v1/users/{name}
// and its avatar) and discovery (/v1/connect): the calls and the checks of what they answer.
import { AuthedApi } from "./authed_api";
import { ChatError } from "./errors";

export interface Profile {
  username: string;
  display_name: string;
  status_text: string;
  /** The avatar's URL (relative to the API's base; it changes with the image), or null. */
  avatar: string | null;
}

export function decodeProfile(v: Record<string, unknown>): Profile {
  const { username, display_name, status_text, avatar } = v;
  const a = avatar as { url?: unknown } | null | undefined;
  if (
    typeof username !== "string" ||
    typeof display_name !== "string" ||
    typeof status_text !== "string" ||
    (a !== null && a !== undefined && typeof a.url !== "string")
  ) {
    throw new ChatError("BAD_RESPONSE", "The API service sent an unexpected profile");
  }
  return { username, display_name, status_text, avatar: a ? (a.url as string) : null };
}

export class ProfileApi {
  constructor(readonly api: AuthedApi) {}

  async me(): Promise<Profile> {
    return decodeProfile(await this.api.json("GET", "/v1/me"));
  }

  async user(name: string): Promise<Profile> {
    return decodeProfile(await this.api.json("GET", `/v1/users/${encodeURIComponent(name)}`));
  }

  async update(fields: { display_name?: string; status_text?: string }): Promise<Profile> {
    return decodeProfile(await this.api.json("PATCH", "/v1/me", fields));
  }

  async setAvatar(image: Blob): Promise<Profile> {
    return decodeProfile(await this.api.json("PUT", "/v1/me/avatar", image));
  }

  async removeAvatar(): Promise<Profile> {
    return decodeProfile(await this.api.json("DELETE", "/v1/me/avatar"));
  }

  avatarImage(url: string): Promise<Blob> {
    return this.api.blob(url);
  }
}

/** The first WebSocket broker of `GET /v1/connect` (ws:// or wss://), or null. */
export async function discoverBroker(base: string, fetchImpl: typeof fetch = fetch): Promise<string | null> {
  try {
    const res = await fetchImpl(base.replace(/\/+$/, "") + "/v1/connect", { cache: "no-store" });
    if (!res.ok) return null;
    const body = (await res.json()) as { brokers?: { url?: unknown }[] };
    for (const b of body.brokers ?? []) {
      if (typeof b?.url === "string" && /^wss?:\/\//i.test(b.url)) return b.url;
    }
  } catch {
    /* no discovery: the page's default */
  }
  return null;
}
