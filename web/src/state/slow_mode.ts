// Slow mode and send limits as the composer shows them (docs/PROTOCOL.md `set_slow_mode` and
// RATE_LIMITED): after a send into a conversation in slow mode, the next may go `slowModeS`
// later (owners and admins are not paced); a RATE_LIMITED refusal says how long the server wants
// (its retry_after_ms), whatever this device knew. Until then the send button waits with a
// countdown; the refused message itself stays in the outbox and goes on its own (outbox.ts).
import type { ConvView } from "./conversation";

export class SlowMode {
  private until = new Map<string, number>(); // conversation id -> epoch ms

  /** I sent into `c` now. */
  sent(c: ConvView, me: string, now = Date.now()): void {
    if (c.slowModeS <= 0) return;
    const role = c.myRole(me);
    if (role === "owner" || role === "admin") return;
    this.extend(c.id, now + c.slowModeS * 1000);
  }

  /** The server refused a send into `id` for `retryAfterMs`. */
  limited(id: string, retryAfterMs: number, now = Date.now()): void {
    if (retryAfterMs > 0) this.extend(id, now + retryAfterMs);
  }

  /** Milliseconds until a send into `id` may go (0: now). */
  waitMs(id: string, now = Date.now()): number {
    const u = this.until.get(id) ?? 0;
    if (u <= now) {
      this.until.delete(id);
      return 0;
    }
    return u - now;
  }

  private extend(id: string, at: number): void {
    this.until.set(id, Math.max(at, this.until.get(id) ?? 0));
  }
}
