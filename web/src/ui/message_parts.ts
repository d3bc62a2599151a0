// The parts of a stored message beyond its text (issue 16): the reply quote, the reaction chips,
// the "edited" marker, the tombstone of a deleted message, the message menu (edit, delete, reply,
// react, with its emoji picker and delete confirmation) and the inline editor. Buttons carry a
// data-act the list's one click handler (message_actions.ts) dispatches on.
import { t } from "../i18n/i18n";
import type { WireMessage } from "../api/wire";
import type { ConvView } from "../state/conversation";
import type { MenuMode } from "./context";
import { h } from "./dom";
import { fmtTime } from "./format";

/** The emoji of the picker. */
export const QUICK_EMOJI = ["👍", "❤️", "😂", "😮", "😢", "🙏"];
const SNIPPET_CHARS = 100;

export function snippet(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > SNIPPET_CHARS ? one.slice(0, SNIPPET_CHARS) + "…" : one;
}

/** What a reply shows of the message it answers: from the loaded message (current state) or the
 * quote `history` sent; null when neither is at hand. */
export function quoteOf(
  c: ConvView,
  m: Readonly<WireMessage>,
): { sender: string; text: string; deleted: boolean } | null {
  if (!m.reply_to) return null;
  const orig = c.msgs.get(m.reply_to);
  if (orig) return { sender: orig.sender, text: orig.deleted ? "" : snippet(orig.text), deleted: !!orig.deleted };
  if (m.reply)
    return { sender: m.reply.sender, text: m.reply.deleted ? "" : m.reply.snippet, deleted: m.reply.deleted };
  return null;
}

export function replyQuoteEl(c: ConvView, m: Readonly<WireMessage>): HTMLElement | null {
  if (!m.reply_to) return null;
  const q = quoteOf(c, m);
  const label = !q ? t("quote.earlier") : q.deleted ? t("quote.deleted") : q.text;
  return h(
    "button",
    {
      type: "button",
      class: `reply-quote${q?.deleted ? " deleted" : ""}`,
      "data-act": "quote",
      "data-target": m.reply_to,
      title: t("quote.showOriginal"),
    },
    q && !q.deleted ? h("span", { class: "quote-sender", text: q.sender }) : null,
    h("span", { class: "quote-text", text: label }),
  );
}

export function reactionsEl(m: Readonly<WireMessage>): HTMLElement | null {
  if (!m.reactions?.length) return null;
  return h(
    "div",
    { class: "reactions" },
    ...m.reactions.map((r) =>
      h(
        "button",
        {
          type: "button",
          class: `chip${r.mine ? " mine" : ""}`,
          "data-act": "chip",
          "data-emoji": r.emoji,
          "aria-pressed": String(r.mine),
          "aria-label": t(r.mine ? "reaction.labelMine" : "reaction.label", { emoji: r.emoji, count: r.count }),
        },
        h("span", { class: "chip-emoji", text: r.emoji }),
        h("span", { class: "chip-count", text: r.count }),
      ),
    ),
  );
}

export function editedEl(m: Readonly<WireMessage>): HTMLElement | null {
  if (!m.edited_at_ms || m.deleted) return null;
  return h("span", {
    class: "edited",
    title: t("msg.editedAt", { time: fmtTime(m.edited_at_ms) }),
    text: t("msg.edited"),
  });
}

export function tombstoneEl(): HTMLElement {
  return h("div", { class: "text tombstone", text: t("msg.deleted") });
}

/** The "⋯" button that opens a message's menu. */
export function menuButton(open: boolean): HTMLElement {
  return h("button", {
    type: "button",
    class: "menu-btn",
    "data-act": "menu",
    "aria-label": t("msg.actions"),
    "aria-haspopup": "menu",
    "aria-expanded": String(open),
    text: "⋯",
  });
}

const item = (act: string, text: string, extra: Record<string, unknown> = {}) =>
  h("button", { type: "button", role: "menuitem", class: `menu-item ${act}`, "data-act": act, text, ...extra });

export function menuEl(mode: MenuMode, canEdit: boolean, canDelete: boolean, canReport = false): HTMLElement {
  if (mode === "react") {
    return h(
      "div",
      { class: "msg-menu picker", role: "menu", "aria-label": t("msg.react") },
      ...QUICK_EMOJI.map((e) => item("emoji", e, { "data-emoji": e, "aria-label": t("msg.reactWith", { emoji: e }) })),
    );
  }
  if (mode === "confirm-delete") {
    return h(
      "div",
      { class: "msg-menu confirm", role: "menu", "aria-label": t("msg.deleteQ") },
      h("span", { class: "confirm-q", text: t("msg.deleteQ") }),
      item("delete-confirm", t("msg.delete")),
      item("cancel", t("common.cancel")),
    );
  }
  return h(
    "div",
    { class: "msg-menu", role: "menu", "aria-label": t("msg.actions") },
    item("react-open", t("msg.react")),
    item("reply", t("msg.reply")),
    canEdit ? item("edit", t("msg.edit")) : null,
    canDelete ? item("delete", t("msg.delete")) : null,
    canReport ? item("report", t("msg.report")) : null,
  );
}

export function editorEl(text: string): HTMLElement {
  return h(
    "div",
    { class: "editor" },
    h("textarea", { class: "edit-input", rows: 2, "aria-label": t("msg.editMessage") }, text),
    h(
      "div",
      { class: "editor-actions" },
      h("button", { type: "button", class: "edit-save", "data-act": "edit-save", text: t("common.save") }),
      h("button", { type: "button", class: "edit-cancel", "data-act": "edit-cancel", text: t("common.cancel") }),
    ),
  );
}
