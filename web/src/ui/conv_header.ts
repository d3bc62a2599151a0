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
        : avatar(c.kind === "channel" ? c.name : title, { group: c.kind !== "direct", presence, size: "s" }),
    );
  }
  const typing = typingText(c, (u) => s.privacy.isBlocked(u));
  const sub = $("conv-sub");
  sub.classList.toggle("typing", Boolean(typing));
  setText(sub, typing || subtitle(s, c, other));
}

/** A direct conversation's presence, a channel's topic (or its server), a group's members. */
function subtitle(s: ChatState, c: ConvView, other: string | undefined): string {
  if (c.kind === "direct") return presenceText(s, other);
  if (c.kind === "channel") {
    const ch = s.community.channel(c.id);
    return ch?.topic || t("srv.channelIn", { server: s.community.server(ch?.server_id ?? null)?.name ?? "" });
  }
  const members = [...c.members.keys()];
  return t("conv.members", { count: members.length, names: members.join(", ") });
}
