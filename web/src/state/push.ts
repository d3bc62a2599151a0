// This device's push target (docs/PROTOCOL.md 7.1): `push_register` with platform "webpush" and
// the browser's push subscription (its JSON: endpoint and keys) as the token, so the operator's
// gateway can reach this browser while no page of the user is open; `push_unregister` at
// logout or when the user turns notifications off. The browser side (subscribing with the
// gateway's VAPID key) is ui/web_push.ts.
import { ChatError } from "../api/errors";
import { Response, topics } from "../api/wire";

/** The protocol's bound on a token (docs/PROTOCOL.md 7.1). */
export const MAX_PUSH_TOKEN_BYTES = 4096;

export class PushTarget {
  /** The token the server has for this device, as far as this page knows. */
  private registered: string | null = null;

  constructor(private request: (topic: string, body: Record<string, unknown>) => Promise<Response>) {}

  get token(): string | null {
    return this.registered;
  }

  /** Registers `subscription` (a PushSubscription's toJSON()) unless it is the one registered. */
  async register(subscription: unknown): Promise<void> {
    const token = JSON.stringify(subscription);
    if (token === this.registered) return;
    if (new TextEncoder().encode(token).length > MAX_PUSH_TOKEN_BYTES) {
      throw new ChatError("BAD_REQUEST", "The push subscription is too long to register");
    }
    await this.request(topics.req("push_register"), { platform: "webpush", token });
    this.registered = token;
  }

  /** Removes this device's push target (whatever the page knows of it). */
  async unregister(): Promise<void> {
    this.registered = null;
    await this.request(topics.req("push_unregister"), {});
  }
}
