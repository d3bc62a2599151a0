// One message as DOM: a stored message (with its sent/read receipt, reply quote, reactions,
// edited marker or tombstone, menu and inline editor: message_parts.ts), a pending send (sending,
// waiting, or failed with Retry/Edit/Delete), and long texts collapsed behind "Show more".
import { t } from "../i18n/i18n";
import { codePoints, WireMessage } from "../api/wire";
import { callEntryLine, missedBy } from "../state/call_entry";
import type { ConvView } from "../state/conversation";
import type { PendingView } from "../state/outbox";
import { h } from "./dom";
import { fmtCount, fmtTime } from "./format";
import { linkedNodes } from "./links";
import { mentionedNodes } from "./mention_text";
import { nameOf } from "./people";
import { attachmentsEl } from "./attachment_view";
import type { Files } from "../state/files";
import type { MenuMode } from "./context";
import {
  editedEl,
  editorEl,
  menuButton,
  menuEl,
  quoteOf,
  reactionsEl,
  replyQuoteEl,
  tombstoneEl,
} from "./message_parts";

const COLLAPSE_CHARS = 2000; // longer texts render collapsed
const PREVIEW_CHARS = 500;
const COLLAPSE_LINES = 30;

export type Receipt = "read" | "sent";

/** "read" once every other member has read up to the message. */
export function receipt(c: ConvView, me: string, m: Readonly<WireMessage>): Receipt {
  let others = 0;
  let read = 0;
  for (const [u, mem] of c.members) {
    if (u === me) continue;
    others++;
    if (mem.read_seq >= m.seq) read++;
  }
  return others > 0 && read === others ? "read" : "sent";
}

function textEl(
  text: string,
  key: string,
  expanded: boolean,
  toggle: (key: string) => void,
  nodes: (s: string) => Node[] = linkedNodes,
): HTMLElement[] {
  const len = text.length;
  let lines = 0;
  let cut = -1;
  if (len > COLLAPSE_CHARS || text.indexOf("\n") >= 0) {
    for (let i = text.indexOf("\n"); i >= 0 && i < COLLAPSE_CHARS * 4; i = text.indexOf("\n", i + 1)) {
      lines++;
      if (lines === 12 && cut < 0) cut = i;
      if (lines > COLLAPSE_LINES) break;
    }
  }
  const long = len > COLLAPSE_CHARS || lines > COLLAPSE_LINES;
  const body = (cls: string, s: string) => h("div", { class: cls }, ...nodes(s));
  if (!long) return [body("text", text)];
  const more = (label: string) =>
    h("button", { class: "more", type: "button", "data-key": key, onclick: () => toggle(key), text: label });
  if (expanded) return [body("text", text), more(t("msg.showLess"))];
  const shown = text.slice(0, Math.min(PREVIEW_CHARS, cut > 0 ? cut : PREVIEW_CHARS));
  return [
    body("text collapsed", shown + "…"),
    more(t("msg.showMore", { count: codePoints(text), n: fmtCount(codePoints(text)) })),
  ];
}

export interface MessageOpts {
  key: string;
  first: boolean;
  mine: boolean;
  /** The user of this page (a mention of them is highlighted distinctly). */
  me: string;
  /** Where attachments' URLs come from. */
  files: Files;
  receipt: Receipt | "";
  expanded: boolean;
  toggle(key: string): void;
  /** The open menu of this message, if any. */
  menu: MenuMode | null;
  editing: boolean;
  canEdit: boolean;
  canDelete: boolean;
}

/** What a message's node shows beyond its options: a new one is built when this changes. */
export function messageSig(c: ConvView, m: Readonly<WireMessage>): string {
  const q = quoteOf(c, m);
  const r = m.reactions?.map((x) => `${x.emoji}${x.count}${x.mine ? "+" : ""}`).join(",") ?? "";
  return `${m.text.length}:${m.text}|${m.mentions?.join() ?? ""}|${m.attachments?.map((a) => a.id).join() ?? ""}|${m.edited_at_ms ?? 0}|${m.deleted ?? false}|${r}|${q ? JSON.stringify(q) : ""}`;
}

export function messageEl(c: ConvView, m: Readonly<WireMessage>, o: MessageOpts): HTMLElement {
  if (m.call) return callEntryEl(m, o.me);
  const meta = h(
    "div",
    { class: "meta" },
    h("time", { datetime: new Date(m.sent_at_ms).toISOString(), text: fmtTime(m.sent_at_ms) }),
  );
  if (o.mine && o.receipt) {
    meta.append(
      h("span", {
        class: `status ${o.receipt}`,
        title: o.receipt === "read" ? t("msg.read") : t("msg.sent"),
        text: o.receipt === "read" ? "✓✓" : "✓",
      }),
    );
  }
  if (m.edited_at_ms && !m.deleted) meta.prepend(editedEl(m)!);
  const body = m.deleted
    ? [tombstoneEl()]
    : o.editing
      ? [editorEl(m.text)]
      : m.text === "" && m.attachments?.length
        ? []
        : textEl(m.text, o.key, o.expanded, o.toggle, (s) => mentionedNodes(s, m.mentions, o.me));
  return h(
    "div",
    {
      class: `msg ${o.mine ? "mine" : "theirs"}${o.first ? " first" : ""}${m.deleted ? " deleted" : ""}${
        !o.mine && m.mentions?.includes(o.me) ? " mentions-me" : ""
      }`,
      "data-seq": m.seq,
      "data-sender": m.sender,
      "data-cmid": m.client_msg_id,
    },
    h(
      "div",
      { class: "msg-row" },
      h(
        "div",
        { class: "bubble" },
        !o.mine && o.first && c.kind !== "direct" ? h("div", { class: "sender", text: nameOf(m.sender) }) : null,
        replyQuoteEl(c, m),
        attachmentsEl(m, o.files),
        ...body,
        meta,
      ),
      m.deleted ? null : menuButton(o.menu !== null),
    ),
    o.menu && !m.deleted ? menuEl(o.menu, o.canEdit, o.canDelete, !o.mine) : null,
    m.deleted ? null : reactionsEl(m),
  );
}

/** A call's entry (PROTOCOL.md 8.5): one centred line, "Missed call from bob" or "Call, 3 min,
 * alice, bob", marked missed for a member who missed it; no menu, no reactions. */
function callEntryEl(m: Readonly<WireMessage>, me: string): HTMLElement {
  const missed = m.sender !== me && missedBy(m.call!, me);
  return h(
    "div",
    {
      class: `msg call-entry${missed ? " missed" : ""}`,
      "data-seq": m.seq,
      "data-sender": m.sender,
      "data-cmid": m.client_msg_id,
    },
    h("span", { class: "call-line", text: callEntryLine(m, nameOf) }),
    h("time", { datetime: new Date(m.sent_at_ms).toISOString(), text: fmtTime(m.sent_at_ms) }),
  );
}

export interface PendingOpts {
  key: string;
  first: boolean;
  expanded: boolean;
  toggle(key: string): void;
  retry(): void;
  edit(): void;
  discard(): void;
}

export function pendingEl(p: PendingView, o: PendingOpts): HTMLElement {
  const held = p.retryAt ? Math.max(1, Math.ceil((p.retryAt - Date.now()) / 1000)) : 0;
  const label =
    p.state === "failed"
      ? t("msg.notSent")
      : held
        ? t("msg.heldUntil", { s: held })
        : p.state === "waiting"
          ? t("msg.waiting")
          : t("msg.sending");
  const el = h(
    "div",
    {
      class: `msg mine pending ${p.state}${o.first ? " first" : ""}`,
      "data-cmid": p.client_msg_id,
      "data-state": p.state,
    },
    h(
      "div",
      { class: "bubble" },
      ...textEl(p.text, o.key, o.expanded, o.toggle),
      h(
        "div",
        { class: "meta" },
        h("span", { class: "status", text: label }),
        p.state !== "failed" ? h("span", { class: "spinner", "aria-hidden": "true" }) : null,
      ),
    ),
  );
  if (p.state === "failed") {
    el.append(
      h(
        "div",
        { class: "msg-error" },
        h("span", { class: "why", text: p.error ?? t("msg.failed") }),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "button", class: "retry", onclick: o.retry, text: t("msg.retry") }),
          h("button", { type: "button", class: "edit", onclick: o.edit, text: t("msg.edit") }),
          h("button", { type: "button", class: "delete", onclick: o.discard, text: t("msg.delete") }),
        ),
      ),
    );
  }
  return el;
}
