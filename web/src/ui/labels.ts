// Presence and typing as words and dots.
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
  if (p.state === "online") return "online";
  return p.last_seen_ms ? `last seen ${fmtAgo(p.last_seen_ms)}` : "offline";
}

/** Who is typing in `c`; `hidden`: users whose typing is not shown (those I blocked). */
export function typingText(c: ConvView, hidden: (user: string) => boolean = () => false): string {
  const users = c.typingUsers().filter((u) => !hidden(u));
  if (!users.length) return "";
  if (c.kind === "direct") return "typing…";
  if (users.length === 1) return `${users[0]} is typing…`;
  if (users.length === 2) return `${users[0]} and ${users[1]} are typing…`;
  return "Several people are typing…";
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
