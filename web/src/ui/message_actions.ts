// What the user does to a stored message (issue 16), through one click and one key handler on the
// message list: the "⋯" menu (React, Reply, Edit, Delete, each a button, so the keyboard reaches
// them with Tab and Enter; Escape closes), the emoji picker, reaction chips (toggle my reaction),
// the inline editor (Enter saves, Shift+Enter a new line, Escape cancels), the delete
// confirmation, and reply quotes (jump to the original, loading older pages until it is there).
// The requests go through the outbox; a refusal comes back as the notice (state/describe.ts).
import { t } from "../i18n/i18n";
import type { ConvView } from "../state/conversation";
import { findMentions } from "../state/mentions";
import type { Composer } from "./composer";
import type { ViewContext } from "./context";
import { $ } from "./dom";
import type { ReportUi } from "./report_ui";

/** At most this many older pages are fetched to reach a quoted message. */
const MAX_JUMP_PAGES = 20;

export class MessageActions {
  constructor(
    private v: ViewContext,
    private composer: Composer,
    private reports?: ReportUi,
  ) {}

  bind(): void {
    const list = $("msg-list");
    this.v.on(list, "click", (e) => this.onClick(e as MouseEvent));
    this.v.on(list, "keydown", (e) => this.onKey(e as KeyboardEvent));
    this.v.on(document, "click", (e) => {
      const t = (e as MouseEvent).target as HTMLElement | null;
      if (this.v.ui.menu && !t?.closest(".msg-menu, .menu-btn")) this.closeMenu(false);
    });
  }

  private onClick(e: MouseEvent): void {
    const btn = (e.target as HTMLElement).closest<HTMLElement>("[data-act]");
    const msg = btn?.closest<HTMLElement>(".msg[data-seq]");
    const c = this.v.s.openConv();
    if (!btn || !msg || !c) return;
    const seq = Number(msg.dataset.seq);
    const ui = this.v.ui;
    switch (btn.dataset.act) {
      case "menu":
        ui.menu = ui.menu?.seq === seq ? null : { seq, mode: "menu" };
        ui.focus = ui.menu ? `.msg[data-seq="${seq}"] .msg-menu button` : null;
        break;
      case "react-open":
        ui.menu = { seq, mode: "react" };
        ui.focus = `.msg[data-seq="${seq}"] .msg-menu button`;
        break;
      case "emoji":
      case "chip":
        this.react(c, seq, btn.dataset.emoji ?? "");
        ui.menu = null;
        break;
      case "reply":
        ui.menu = null;
        this.composer.replyTo(seq);
        break;
      case "edit":
        ui.menu = null;
        ui.editing = seq;
        ui.focus = `.msg[data-seq="${seq}"] .edit-input`;
        break;
      case "delete":
        ui.menu = { seq, mode: "confirm-delete" };
        ui.focus = `.msg[data-seq="${seq}"] .msg-menu .cancel`;
        break;
      case "delete-confirm":
        ui.menu = null;
        this.v.s.deleteMessage(c.id, seq);
        break;
      case "report":
        ui.menu = null;
        this.reports?.ask({ conversationId: c.id, seq, user: c.msgs.get(seq)?.sender });
        break;
      case "cancel":
        this.closeMenu(true);
        return;
      case "edit-save":
        this.saveEdit(c, seq, msg);
        break;
      case "edit-cancel":
        ui.editing = null;
        break;
      case "quote":
        void this.jump(c, Number(btn.dataset.target));
        return;
      default:
        return;
    }
    e.stopPropagation();
    this.v.schedule();
  }

  private onKey(e: KeyboardEvent): void {
    const t = e.target as HTMLElement;
    const msg = t.closest<HTMLElement>(".msg[data-seq]");
    const c = this.v.s.openConv();
    if (!msg || !c) return;
    const seq = Number(msg.dataset.seq);
    if (t.classList.contains("edit-input")) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.saveEdit(c, seq, msg);
        this.v.schedule();
      } else if (e.key === "Escape") {
        this.v.ui.editing = null;
        this.v.ui.focus = `.msg[data-seq="${seq}"] .menu-btn`;
        this.v.schedule();
      }
    } else if (e.key === "Escape" && this.v.ui.menu) {
      this.closeMenu(true);
    }
  }

  /** Closes the menu; `refocus`: back to its "⋯" button (the keyboard user's place). */
  private closeMenu(refocus: boolean): void {
    const seq = this.v.ui.menu?.seq;
    this.v.ui.menu = null;
    if (refocus && seq !== undefined) this.v.ui.focus = `.msg[data-seq="${seq}"] .menu-btn`;
    this.v.schedule();
  }

  /** Toggles my reaction `emoji` on message `seq`. */
  private react(c: ConvView, seq: number, emoji: string): void {
    if (!emoji) return;
    const mine = c.msgs.get(seq)?.reactions?.some((r) => r.emoji === emoji && r.mine) ?? false;
    this.v.s.react(c.id, seq, emoji, mine);
  }

  private saveEdit(c: ConvView, seq: number, msg: HTMLElement): void {
    const input = msg.querySelector<HTMLTextAreaElement>(".edit-input");
    const text = input?.value ?? "";
    this.v.ui.editing = null;
    if (text.trim() === "" || text === c.msgs.get(seq)?.text) return;
    this.v.s.edit(c.id, seq, text, findMentions(text, c.members.keys()));
  }

  /** Scrolls to message `seq` (messages.ts does it after the render that has it), loading older
   * pages while it is not loaded. */
  private async jump(c: ConvView, seq: number): Promise<void> {
    this.v.ui.jumpTo = seq;
    for (let i = 0; i < MAX_JUMP_PAGES && !c.msgs.has(seq) && c.hasMoreBefore; i++) {
      try {
        await this.v.s.loadOlder(c.id);
      } catch {
        break;
      }
    }
    if (!c.msgs.has(seq)) {
      this.v.ui.jumpTo = null;
      this.v.s.setNotice("info", t("msg.originalGone"));
    }
    this.v.schedule();
  }
}
