// Web Push (docs/PROTOCOL.md 7): with notifications on (notifier.ts), an active service worker
// (app_shell.ts) and the push gateway's VAPID public key in config.json (`webpush_vapid_key`:
// mqchat itself has no key; the gateway that sends the pushes holds the private half), the page
// subscribes the browser and registers the subscription as this device's `webpush` push target
// (state/push.ts), after each connection (once the server has it, only when it changed). So a
// message that arrives while no page of the user is open reaches this browser through the
// operator's gateway, and the worker shows it. Turning notifications off or logging out removes
// the target and drops the subscription (so its endpoint stops working even if the
// unregistering request never arrived: the gateway then hears "gone" from the push service and
// mqchat deletes the target, docs/PROTOCOL.md 7.3).
import type { ChatState } from "../state/chat";
import { activeShell } from "./app_shell";
import { notificationsOn } from "./notifier";

/** The VAPID key's bytes (base64url of an uncompressed P-256 point: 65 bytes, 0x04 first). */
export function vapidBytes(key: string): Uint8Array<ArrayBuffer> | null {
  try {
    const b64 = key.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return out.length === 65 && out[0] === 4 ? out : null;
  } catch {
    return null;
  }
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const x = new Uint8Array(a);
  return x.every((v, i) => v === b[i]);
}

export class WebPush {
  private key: Uint8Array<ArrayBuffer> | null;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private s: ChatState,
    vapidKey: string | undefined,
  ) {
    this.key = vapidKey ? vapidBytes(vapidKey) : null;
    if (vapidKey && !this.key) console.warn("mqchat: config.json's webpush_vapid_key is not a P-256 public key");
  }

  /** Subscribes and registers when everything needed is there (one at a time). */
  sync(): Promise<void> {
    this.busy = this.busy
      .then(() => this.subscribe())
      .catch((e: unknown) => {
        console.warn("mqchat: Web Push could not be set up:", e);
      });
    return this.busy;
  }

  /** Notifications turned off, or logging out: the target goes, and the subscription. */
  leave(): Promise<void> {
    this.busy = this.busy.then(async () => {
      const reg = this.key ? await activeShell() : null;
      const sub = await reg?.pushManager.getSubscription();
      if (this.s.push.token !== null || sub) await this.s.push.unregister().catch(() => {});
      await sub?.unsubscribe().catch(() => false);
    });
    return this.busy;
  }

  private async subscribe(): Promise<void> {
    if (!this.key || !notificationsOn()) return;
    const reg = await activeShell();
    if (!reg?.pushManager) return;
    let sub = await reg.pushManager.getSubscription();
    if (sub && !sameKey(sub.options.applicationServerKey, this.key)) {
      await sub.unsubscribe(); // made for another gateway's key
      sub = null;
    }
    sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: this.key });
    await this.s.push.register(sub.toJSON());
  }
}
