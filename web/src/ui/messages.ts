// The open conversation's message list: day separators, messages and pending sends in order,
// reconciled with the DOM (nodes are reused, only what changed is rebuilt), scroll kept at the
// bottom or where the user was, older pages fetched while there is no scrollbar, read marking.
import { t } from "../i18n/i18n";
import type { ConvView } from "../state/conversation";
import type { Composer } from "./composer";
import type { ViewContext } from "./context";
import { $, h, setText } from "./dom";
import { fmtDay } from "./format";
import { nameOf } from "./people";
import { Receipt, messageEl, messageSig, pendingEl, receipt } from "./message_el";

const JUMP_FLASH_MS = 1600;

/** May I delete `sender`'s messages here: my own, and any in a group I own or administer, or in
 * a channel where my permissions hold manage_messages (community.ts gives me the role "admin"). */
export function mayDelete(c: ConvView, me: string, sender: string): boolean {
  if (sender === me) return true;
  const role = c.myRole(me);
  return c.kind !== "direct" && (role === "owner" || role === "admin");
}

interface MsgNode {
  el: HTMLElement;
  sig: string;
}

export class MessageList {
  private nodes = new Map<string, MsgNode>();
  private renderedConv: string | null = null;

  constructor(
    private v: ViewContext,
    private composer: Composer,
  ) {}

  clear(): void {
    if (!this.renderedConv) return;
    this.nodes.clear();
    $("msg-list").replaceChildren();
    this.renderedConv = null;
  }

  render(c: ConvView): void {
    const box = $("messages");
    const list = $("msg-list");
    if (this.renderedConv !== c.id) {
      this.nodes.clear();
      list.replaceChildren();
      this.renderedConv = c.id;
      this.v.ui.stickBottom = true;
      this.v.ui.menu = null;
      this.v.ui.editing = null;
      this.v.ui.jumpTo = null;
    }
    this.renderStatus(c);
    const atBottom = this.v.ui.stickBottom;
    const prevHeight = box.scrollHeight;
    const prevTop = box.scrollTop;
    const firstBefore = list.firstElementChild;
    const { keys, build } = this.plan(c);
    this.reconcile(list, keys, build);
    if (atBottom) {
      box.scrollTop = box.scrollHeight;
    } else if (firstBefore && list.firstElementChild !== firstBefore) {
      box.scrollTop = prevTop + (box.scrollHeight - prevHeight); // older messages were prepended
    }
    // Fill the viewport: fetch older pages while there is no scrollbar yet.
    if (c.latestLoaded && c.hasMoreBefore && !c.loadingOlder && box.scrollHeight <= box.clientHeight + 300) {
      this.v.s.loadOlder(c.id).catch(() => {});
    }
    this.afterRender(list);
    this.maybeMarkRead();
  }

  /** What an action asked for once its nodes exist: focus (menu, editor), a jump to a message. */
  private afterRender(list: HTMLElement): void {
    const ui = this.v.ui;
    if (ui.focus) {
      list.querySelector<HTMLElement>(ui.focus)?.focus();
      ui.focus = null;
    }
    if (ui.jumpTo === null) return;
    const el = list.querySelector<HTMLElement>(`.msg[data-seq="${ui.jumpTo}"]`);
    if (!el) return; // not loaded yet: message_actions.ts loads older pages and asks again
    ui.jumpTo = null;
    ui.stickBottom = false;
    el.scrollIntoView({ block: "center" });
    el.classList.add("flash");
    setTimeout(() => el.classList.remove("flash"), JUMP_FLASH_MS);
  }

  /** Marks the open conversation read when the user can see its end. */
  maybeMarkRead(): void {
    const c = this.v.s.openConv();
    if (!c || document.visibilityState !== "visible" || !this.v.ui.stickBottom) return;
    if (c.readSeq < c.lastSeq) {
      this.v.s.markRead(c.id);
      this.v.schedule();
    }
  }

  private renderStatus(c: ConvView): void {
    const status = $("history-status");
    // Kept messages say so once connecting has failed (not during a reload's first attempt).
    const st = this.v.s.status;
    if (c.kept && st.state !== "online" && (st.state !== "connecting" || st.attempt > 0)) {
      setText(status, t("history.kept"));
    } else if (c.loadingOlder) setText(status, t("history.loading"));
    else if (c.latestLoaded && !c.hasMoreBefore) {
      const empty = c.msgs.size === 0 && this.v.s.pendingFor(c.id).length === 0;
      setText(status, empty ? t("history.empty") : t("history.start"));
    } else setText(status, "");
  }

  private toggle = (key: string): void => {
    const expanded = this.v.ui.expanded;
    if (expanded.has(key)) expanded.delete(key);
    else expanded.add(key);
    this.v.ui.stickBottom = false;
    this.v.schedule();
  };

  /** The keys in display order, and how to build each node; drops nodes whose signature changed. */
  private plan(c: ConvView): { keys: string[]; build: Map<string, () => MsgNode> } {
    const s = this.v.s;
    const keys: string[] = [];
    const build = new Map<string, () => MsgNode>();
    let prevDay = "";
    let prevSender = "";
    const add = (key: string, sig: string, make: () => HTMLElement) => {
      keys.push(key);
      build.set(key, () => ({ el: make(), sig }));
      const old = this.nodes.get(key);
      if (old && old.sig !== sig) this.nodes.delete(key);
    };
    const emitDay = (ms: number) => {
      const day = new Date(ms).toDateString();
      if (day === prevDay) return;
      prevDay = day;
      prevSender = "";
      const label = fmtDay(ms);
      keys.push(`d:${day}`);
      build.set(`d:${day}`, () => ({ el: h("div", { class: "day", text: label }), sig: label }));
    };
    for (const seq of c.sortedSeqs()) {
      const m = c.msgs.get(seq)!;
      emitDay(m.sent_at_ms);
      const key = `m:${seq}`;
      if (this.hidden(c, m.sender, seq)) {
        prevSender = "";
        add(key, "blocked", () => this.blockedEl(c, seq, m.sender));
        continue;
      }
      const first = m.sender !== prevSender;
      prevSender = m.sender;
      const mine = m.sender === s.me;
      const r: Receipt | "" = mine && c.kind !== "channel" ? receipt(c, s.me, m) : ""; // channels: none
      const expanded = this.v.ui.expanded.has(key);
      const ui = this.v.ui;
      const menu = ui.menu?.seq === seq ? ui.menu.mode : null;
      const editing = ui.editing === seq;
      const canEdit = mine && !m.deleted;
      const canDelete = !m.deleted && mayDelete(c, s.me, m.sender);
      const opts = {
        key,
        first,
        mine,
        me: s.me,
        files: this.v.files,
        receipt: r,
        expanded,
        toggle: this.toggle,
        menu,
        editing,
        canEdit,
        canDelete,
      };
      const sig = `${first}|${r}|${expanded}|${c.kind}|${menu}|${editing}|${canDelete}|${nameOf(m.sender)}|${messageSig(c, m)}`;
      add(key, sig, () => messageEl(c, m, opts));
    }
    for (const p of s.pendingFor(c.id)) {
      emitDay(p.created_ms);
      const key = `p:${p.client_msg_id}`;
      const first = prevSender !== s.me;
      prevSender = s.me;
      const expanded = this.v.ui.expanded.has(key);
      const opts = {
        key,
        first,
        expanded,
        toggle: this.toggle,
        retry: () => s.retry(p.client_msg_id),
        edit: () => this.composer.editFailed(p),
        discard: () => s.discard(p.client_msg_id),
      };
      const held = p.retryAt ? Math.ceil((p.retryAt - Date.now()) / 1000) : 0;
      add(key, `${first}|${p.state}|${p.error ?? ""}|${expanded}|${held}`, () => pendingEl(p, opts));
    }
    return { keys, build };
  }

  /** A group message from a user I blocked, not yet shown on request (PROTOCOL.md: the server
   * delivers it; the blocker's client hides it). */
  private hidden(c: ConvView, sender: string, seq: number): boolean {
    return c.kind !== "direct" && this.v.s.privacy.isBlocked(sender) && !this.v.ui.revealed.has(`${c.id}:${seq}`);
  }

  private blockedEl(c: ConvView, seq: number, sender: string): HTMLElement {
    const reveal = () => {
      this.v.ui.revealed.add(`${c.id}:${seq}`);
      this.v.ui.stickBottom = false;
      this.v.schedule();
    };
    return h(
      "div",
      { class: "msg theirs first blocked-msg", "data-seq": seq, "data-sender": sender },
      h(
        "div",
        { class: "bubble" },
        h("span", { text: t("blocked.message") }),
        h("button", { type: "button", class: "link reveal", onclick: reveal, text: t("blocked.show") }),
      ),
    );
  }

  /** Reuses nodes, moves only what is out of place, removes the rest. */
  private reconcile(list: HTMLElement, keys: string[], build: Map<string, () => MsgNode>): void {
    const wanted = new Set(keys);
    for (const [k, n] of this.nodes) {
      if (!wanted.has(k)) {
        n.el.remove();
        this.nodes.delete(k);
      }
    }
    let cursor: ChildNode | null = list.firstChild;
    for (const k of keys) {
      let n = this.nodes.get(k);
      if (!n) {
        n = build.get(k)!();
        this.nodes.set(k, n);
      }
      if (n.el.parentNode === list && n.el === cursor) {
        cursor = cursor.nextSibling;
        continue;
      }
      // Replace a stale node of the same key that is still in place.
      list.insertBefore(n.el, cursor);
    }
    while (cursor) {
      const next = cursor.nextSibling;
      cursor.remove();
      cursor = next;
    }
  }
}
