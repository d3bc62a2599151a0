// Presence and typing as words and dots.
import { t } from "../i18n/i18n";
import type { ChatState } from "../state/chat";
import type { ConvView } from "../state/conversation";
import { fmtAgo } from "./format";

export function presenceOf(s: ChatState, user: string | undefined): "online" | "offline" | null {
  if (!user) return null;
  const p = s.presenceOf(user);
  return p ? p.state : null;
}

export function presenceText(s: ChatState, user: string | undefined): string {
  if (!user) return "";
  const p = s.presenceOf(user);
  if (!p) return "";
  if (p.state === "online") return t("presence.online");
  return p.last_seen_ms ? t("presence.lastSeen", { ago: fmtAgo(p.last_seen_ms) }) : t("presence.offline");
}

/** Who is typing in `c`; `hidden`: users whose typing is not shown (those I blocked). */
export function typingText(c: ConvView, hidden: (user: string) => boolean = () => false): string {
  const users = c.typingUsers().filter((u) => !hidden(u));
  if (!users.length) return "";
  if (c.kind === "direct") return t("typing.direct");
  if (users.length === 1) return t("typing.one", { a: users[0] });
  if (users.length === 2) return t("typing.two", { a: users[0], b: users[1] });
  return t("typing.many");
}

/** Usernames typed into a field: split on spaces, commas and semicolons, without repeats. */
export function splitUsers(s: string): string[] {
  return [
    ...new Set(
      s
        .split(/[\s,;]+/)
        .map((u) => u.trim())
        .filter(Boolean),
    ),
  ];
}
