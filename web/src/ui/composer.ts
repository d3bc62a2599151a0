// The composer: Enter sends (Shift+Enter: a new line), the field grows with its text, a
// character count past 1,000, the typing indicator. A text over the server's limit (MAX_CHARS
// code points) is refused here, with the count shown: sent, it could only fail, and Retry with it.
// A reply (the message menu's Reply) shows the quoted message above the field until sent or
// cancelled (× or Escape). `@` lists the members to mention (mention_picker.ts); a send carries
// the members its text mentions (state/mentions.ts).
import { t } from "../i18n/i18n";
import { MAX_CHARS, codePoints } from "../api/wire";
import type { PendingView } from "../state/outbox";
import type { ViewContext } from "./context";
import { $, setText, show } from "./dom";
import { fmtCount } from "./format";
import { snippet } from "./message_parts";
import { findMentions } from "../state/mentions";
import { MentionPicker } from "./mention_picker";

export class Composer {
  private mentions: MentionPicker;
  /** Slow mode: sending waits (chat_view.ts draws the countdown). */
  private waiting = false;

  constructor(private v: ViewContext) {
    this.mentions = new MentionPicker(v, () => this.input());
  }

  bind(): void {
    const input = this.input();
    this.mentions.bind();
    this.v.on($("composer"), "submit", (e) => {
      e.preventDefault();
      this.send();
    });
    this.v.on(input, "keydown", (e) => {
      const k = e as KeyboardEvent;
      if (this.mentions.key(k)) return;
      if (k.key === "Enter" && !k.shiftKey && !k.isComposing) {
        k.preventDefault();
        this.send();
      } else if (k.key === "Escape" && this.v.ui.replyTo !== null) {
        this.replyTo(null);
      }
    });
    this.v.on($("reply-cancel"), "click", () => {
      this.replyTo(null);
      this.focus();
    });
    this.v.on(input, "click", () => this.mentions.update());
    this.v.on(input, "keyup", (e) => {
      const k = (e as KeyboardEvent).key;
      if (k === "ArrowLeft" || k === "ArrowRight" || k === "Home" || k === "End") this.mentions.update();
    });
    this.v.on(input, "input", () => {
      this.mentions.update();
      this.autosize();
      this.updateCount();
      const c = this.v.s.openConv();
      if (c) this.v.s.composing(c.id, input.value.trim() !== "");
    });
  }

  /** A conversation was opened: an empty composer. */
  reset(): void {
    this.mentions.close();
    this.replyTo(null);
    this.input().value = "";
    this.autosize();
    this.updateCount();
  }

  /** Slow mode (or RATE_LIMITED): the send button is disabled while sending must wait. */
  setWaiting(waiting: boolean): void {
    if (this.waiting === waiting) return;
    this.waiting = waiting;
    this.updateCount();
  }

  focus(): void {
    this.input().focus();
  }

  /** "Edit" on a failed send: its text back into the composer (unless it holds a draft). */
  editFailed(p: PendingView): void {
    const input = this.input();
    if (!input.value) input.value = p.text;
    this.v.s.discard(p.client_msg_id);
    this.autosize();
    this.updateCount();
    input.focus();
  }

  /** The next message answers message `seq` of the open conversation (null: no reply). */
  replyTo(seq: number | null): void {
    const m = seq === null ? undefined : this.v.s.openConv()?.msgs.get(seq);
    this.v.ui.replyTo = m ? m.seq : null;
    show($("reply-bar"), Boolean(m));
    setText($("reply-bar-who"), m?.sender ?? "");
    setText($("reply-bar-snippet"), m ? (m.deleted ? t("quote.deleted") : snippet(m.text)) : "");
    if (m) this.focus();
  }

  private input(): HTMLTextAreaElement {
    return $<HTMLTextAreaElement>("composer-input");
  }

  private send(): void {
    const c = this.v.s.openConv();
    const input = this.input();
    const text = input.value;
    const attachments = c ? this.v.files.ready(c.id) : null;
    if (!c || attachments === null || (text.trim() === "" && !attachments.length)) return; // null: uploading
    if (this.waiting) return; // slow mode: the text stays until the countdown is over
    if (codePoints(text) > MAX_CHARS) {
      this.updateCount();
      input.focus();
      return;
    }
    this.v.s.stopTyping();
    this.mentions.close();
    const replyTo = this.v.ui.replyTo ?? undefined;
    this.v.s.send(c.id, text, { replyTo, mentions: findMentions(text, c.members.keys()), attachments });
    this.v.files.clear(c.id);
    this.replyTo(null);
    input.value = "";
    this.autosize();
    this.updateCount();
    this.v.ui.stickBottom = true;
    input.focus();
  }

  private autosize(): void {
    const input = this.input();
    input.style.height = "";
    // Hidden (the pane of a phone layout) or empty: the natural one-row height.
    if (!input.value || input.offsetParent === null) return;
    input.style.height = "auto";
    const sh = input.scrollHeight;
    input.style.height = sh > 0 ? `${Math.min(sh + 2, Math.round(window.innerHeight * 0.35))}px` : "";
  }

  private updateCount(): void {
    const input = this.input();
    const el = $("char-count");
    const len = input.value.length > 1000 ? codePoints(input.value) : input.value.length;
    const over = len > MAX_CHARS;
    $<HTMLButtonElement>("send-btn").disabled = over || this.waiting;
    input.setAttribute("aria-invalid", String(over));
    if (len <= 1000) {
      show(el, false);
      return;
    }
    el.classList.toggle("over", over);
    const n = { n: fmtCount(len), max: fmtCount(MAX_CHARS), over: fmtCount(len - MAX_CHARS) };
    setText(el, t(over ? "composer.tooLong" : "composer.count", n));
    show(el, true);
  }
}
