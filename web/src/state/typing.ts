// The typing indicator this device sends: typing:true at most every 3 s while the composer has
// text, typing:false when it empties, after 5 s idle, on send or on leaving the conversation.
// Typing is a hint: errors are quiet, and a server that does not know the op gets no more.
import { ChatError } from "../api/errors";
import { Response, topics } from "../api/wire";

export const TYPING_RESEND_MS = 3000;
export const TYPING_IDLE_MS = 5000;

export interface TypingDeps {
  online(): boolean;
  request(topic: string, body: Record<string, unknown>): Promise<Response>;
}

export class TypingSender {
  private supported = true;
  private conv: string | null = null;
  private sentAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private d: TypingDeps) {}

  /** Called on composer input. */
  composing(conversationId: string, hasText: boolean, now = Date.now()): void {
    if (!this.supported || !this.d.online()) return;
    clearTimeout(this.timer);
    if (!hasText) {
      this.stop();
      return;
    }
    if (this.conv !== conversationId || now - this.sentAt > TYPING_RESEND_MS) {
      if (this.conv && this.conv !== conversationId) this.stop();
      this.conv = conversationId;
      this.sentAt = now;
      this.send(conversationId, true);
    }
    this.timer = setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
    if (!this.conv) return;
    const id = this.conv;
    this.conv = null;
    this.sentAt = 0;
    this.send(id, false);
  }

  /** Forgets the idle timer (logout). */
  dispose(): void {
    clearTimeout(this.timer);
  }

  private send(id: string, typing: boolean): void {
    if (!this.supported || !this.d.online()) return;
    this.d.request(topics.conv(id, "typing"), { typing }).catch((e: unknown) => {
      // Older servers answer UNKNOWN_OP; typing is a hint, so stop sending it, quietly.
      if (e instanceof ChatError && (e.code === "UNKNOWN_OP" || e.code === "BAD_REQUEST")) {
        this.supported = false;
      }
    });
  }
}
