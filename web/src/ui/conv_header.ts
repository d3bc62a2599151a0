// The open conversation's header: avatar with presence, title, and presence, typing or members.
import { lang, t } from "../i18n/i18n";
import type { ChatState } from "../state/chat";
import type { ConvView } from "../state/conversation";
import { $, avatar, setText } from "./dom";
import { presenceOf, presenceText, typingText } from "./labels";
import { nameOf, people, userAvatar } from "./people";

export function renderConvHeader(s: ChatState, c: ConvView): void {
  const title = c.title(s.me);
  const other = c.kind === "direct" ? c.other(s.me) : undefined;
  const titleEl = $("conv-title");
  setText(titleEl, other ? nameOf(other) : title);
  titleEl.dataset.title = title;
  const presence = presenceOf(s, other);
  const avatarKey = `${title}|${c.kind}|${presence}|${lang()}|${people().version}`;
  const avEl = $("conv-avatar");
  if (avEl.dataset.key !== avatarKey) {
    avEl.dataset.key = avatarKey;
    avEl.replaceChildren(
      other
        ? userAvatar(other, { presence, size: "s" })
        : avatar(title, { group: c.kind === "group", presence, size: "s" }),
    );
  }
  const typing = typingText(c, (u) => s.privacy.isBlocked(u));
  const sub = $("conv-sub");
  sub.classList.toggle("typing", Boolean(typing));
  const members = [...c.members.keys()];
  setText(
    sub,
    typing ||
      (c.kind === "direct"
        ? presenceText(s, other)
        : t("conv.members", { count: members.length, names: members.join(", ") })),
  );
}
