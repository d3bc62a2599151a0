// The notice line above the composer: an error or an info sentence, gone after 10 s or on close.
import type { ChatState } from "../state/chat";
import { $, setText, show } from "./dom";

export class NoticeBar {
  private timer = 0;
  private lastAt = 0;

  constructor(private s: ChatState) {}

  render(): void {
    const n = this.s.notice;
    const box = $("notice");
    if (!n) {
      show(box, false);
      return;
    }
    box.classList.toggle("info", n.kind === "info");
    setText($("notice-text"), n.text);
    show(box, true);
    if (n.at !== this.lastAt) {
      this.lastAt = n.at;
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.s.clearNotice(n), 10000);
    }
  }

  destroy(): void {
    window.clearTimeout(this.timer);
  }
}
