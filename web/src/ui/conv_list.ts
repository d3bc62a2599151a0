// The conversation list: title, avatar with presence, last message or typing, unread badge.
import type { ConvView } from "../state/conversation";
import { $, avatar, h, show } from "./dom";
import type { ViewContext } from "./context";
import { fmtListTime } from "./format";
import { presenceOf, typingText } from "./labels";
import { muteLabel, mutedIcon } from "./mute_menu";

export function renderConvList(v: ViewContext): void {
  const s = v.s;
  const convs = s.sortedConvs();
  show($("conv-empty"), s.loaded && convs.length === 0);
  $("conv-list").replaceChildren(...convs.map((c) => convItem(v, c)));
}

function preview(v: ViewContext, c: ConvView): string {
  const s = v.s;
  let text = "No messages yet";
  const lm = c.lastMessage;
  if (lm) {
    const prefix = lm.sender === s.me ? "You: " : c.kind === "group" ? `${lm.sender}: ` : "";
    text = prefix + (lm.deleted ? "message deleted" : lm.text.slice(0, 140).replace(/\s+/g, " "));
    if (c.kind === "group" && s.privacy.isBlocked(lm.sender)) text = "Message from a blocked user";
  }
  const pend = s.pendingFor(c.id);
  if (pend.length) {
    const last = pend[pend.length - 1];
    text = (last.state === "failed" ? "Not sent: " : "You: ") + last.text.slice(0, 140).replace(/\s+/g, " ");
  }
  return text;
}

function convItem(v: ViewContext, c: ConvView): HTMLElement {
  const s = v.s;
  const title = c.title(s.me);
  const other = c.kind === "direct" ? c.other(s.me) : undefined;
  const typing = typingText(c, (u) => s.privacy.isBlocked(u));
  const lm = c.lastMessage;
  const unread = c.unread;
  const muted = muteLabel(c);
  return h(
    "li",
    {
      class: `conv-item${c.id === s.openId ? " active" : ""}${unread ? " has-unread" : ""}${muted ? " muted" : ""}`,
      "data-id": c.id,
      "data-title": title,
      role: "button",
      tabindex: "0",
      onclick: () => v.open(c.id),
      onkeydown: (e: KeyboardEvent) => {
        if (e.key === "Enter") v.open(c.id);
      },
    },
    avatar(title, { group: c.kind === "group", presence: presenceOf(s, other) }),
    h(
      "div",
      { class: "body" },
      h(
        "div",
        { class: "row" },
        h("span", { class: "name", text: title }),
        lm ? h("span", { class: "time", text: fmtListTime(lm.sent_at_ms) }) : null,
      ),
      h(
        "div",
        { class: "row" },
        h("span", { class: `preview${typing ? " typing" : ""}`, text: typing || preview(v, c) }),
        muted ? mutedIcon(muted) : null,
        unread
          ? h("span", {
              class: `badge unread${muted ? " muted" : ""}`,
              "aria-label": `${unread} unread`,
              text: unread > 99 ? "99+" : String(unread),
            })
          : null,
      ),
    ),
  );
}
