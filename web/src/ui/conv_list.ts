// The conversation list: title, avatar with presence, last message or typing, unread badge.
// Each item is a button in a list item; the arrow keys (and Home/End) move the focus through the
// list, Enter opens; the focus survives the list's redraws.
import { callEntryLine, missedBy } from "../state/call_entry";
import type { ConvView } from "../state/conversation";
import { $, avatar, h, show } from "./dom";
import type { ViewContext } from "./context";
import { t } from "../i18n/i18n";
import { fmtListTime } from "./format";
import { presenceOf, typingText } from "./labels";
import { muteLabel, mutedIcon } from "./mute_menu";
import { nameOf, userAvatar } from "./people";

export function renderConvList(v: ViewContext): void {
  const s = v.s;
  const convs = s.sortedConvs();
  show($("conv-empty"), s.loaded && convs.length === 0);
  const list = $("conv-list");
  const focusedId = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(".conv-item")?.dataset.id;
  const items = convs.map((c) => convItem(v, c));
  // Unchanged (most renders: presence, typing elsewhere, a profile fetched): keep the nodes, so
  // a click whose mousedown and mouseup straddle a render is not lost on a replaced element.
  const old = list.children;
  if (old.length === items.length && items.every((item, i) => item.isEqualNode(old[i]))) return;
  list.replaceChildren(...items);
  if (focusedId) list.querySelector<HTMLElement>(`.conv-item[data-id="${focusedId}"] .conv-open`)?.focus();
}

/** Up/Down (and Home/End) move the focus between the list's conversations. */
export function onConvListKey(e: KeyboardEvent): void {
  const buttons = [...$("conv-list").querySelectorAll<HTMLElement>(".conv-open")];
  const at = buttons.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  buttons[Math.max(0, Math.min(buttons.length - 1, to))].focus();
}

const oneLine = (text: string) => text.slice(0, 140).replace(/\s+/g, " ");

/** The list's line under the title, and whether it is a call I missed (shown as such). */
function preview(v: ViewContext, c: ConvView): { text: string; missed: boolean } {
  const s = v.s;
  let text = t("list.noMessages");
  let missed = false;
  const lm = c.lastMessage;
  if (lm) {
    const att = lm.attachments?.[0];
    const body = lm.call
      ? callEntryLine(lm, nameOf)
      : lm.deleted
        ? t("list.deleted")
        : lm.text === "" && att
          ? t("list.attachment", { name: att.name, count: lm.attachments!.length })
          : oneLine(lm.text);
    if (lm.call) {
      text = body; // a call's entry says who called
      missed = lm.sender !== s.me && missedBy(lm.call, s.me);
    } else if (lm.sender === s.me) text = t("list.you", { text: body });
    else text = c.kind === "group" ? t("list.sender", { user: nameOf(lm.sender), text: body }) : body;
    if (c.kind === "group" && s.privacy.isBlocked(lm.sender)) text = t("list.blocked");
  }
  const pend = s.pendingFor(c.id);
  if (pend.length) {
    const last = pend[pend.length - 1];
    text = t(last.state === "failed" ? "list.notSent" : "list.you", { text: oneLine(last.text) });
    missed = false;
  }
  return { text, missed };
}

function convItem(v: ViewContext, c: ConvView): HTMLElement {
  const s = v.s;
  const title = c.title(s.me);
  const other = c.kind === "direct" ? c.other(s.me) : undefined;
  const typing = typingText(c, (u) => s.privacy.isBlocked(u));
  const line = preview(v, c);
  const lm = c.lastMessage;
  const unread = c.unread;
  const muted = muteLabel(c);
  const active = c.id === s.openId;
  const open = h(
    "button",
    { class: "conv-open", type: "button", "aria-current": active ? "true" : undefined, onclick: () => v.open(c.id) },
    other
      ? userAvatar(other, { presence: presenceOf(s, other) })
      : avatar(title, { group: c.kind === "group", presence: presenceOf(s, other) }),
    h(
      "span",
      { class: "body" },
      h(
        "span",
        { class: "row" },
        h("span", { class: "name", text: other ? nameOf(other) : title }),
        lm ? h("span", { class: "time", text: fmtListTime(lm.sent_at_ms) }) : null,
      ),
      h(
        "span",
        { class: "row" },
        h("span", {
          class: `preview${typing ? " typing" : line.missed ? " missed" : ""}`,
          text: typing || line.text,
        }),
        muted ? mutedIcon(muted) : null,
        c.unreadMentions
          ? h(
              "span",
              { class: "badge mention" },
              h("span", { "aria-hidden": "true", text: "@" }),
              h("span", { class: "sr-only", text: t("list.mentions", { count: c.unreadMentions }) }),
            )
          : null,
        unread
          ? h(
              "span",
              { class: `badge unread${muted ? " muted" : ""}` },
              h("span", { "aria-hidden": "true", text: unread > 99 ? "99+" : String(unread) }),
              h("span", { class: "sr-only", text: t("list.unread", { count: unread }) }),
            )
          : null,
      ),
    ),
  );
  return h(
    "li",
    {
      class: `conv-item${active ? " active" : ""}${unread ? " has-unread" : ""}${muted ? " muted" : ""}`,
      "data-id": c.id,
      "data-title": title,
    },
    open,
  );
}
