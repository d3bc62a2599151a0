// A call's entry in its conversation's log (docs/PROTOCOL.md 8.5): who missed it, and the one
// line the conversation and the list show for it ("Missed call from bob", "Call, 3 min, alice,
// bob"), and whether the list's preview of a conversation lacks an unread call. Pure functions.
import type { WireCallRecord, WireMessage } from "../api/wire";
import { t } from "../i18n/i18n";
import type { ConvView } from "./conversation";

/** Whether `user` (a member) missed the call: neither took part nor declined. */
export function missedBy(call: WireCallRecord, user: string): boolean {
  return !call.participants.includes(user) && !(call.declined ?? []).includes(user);
}

/** The line of call entry `m` (m.call set); `name` shows a user. */
export function callEntryLine(m: Readonly<WireMessage>, name: (user: string) => string = (u) => u): string {
  const call = m.call!;
  const user = name(m.sender);
  switch (call.outcome) {
    case "answered": {
      const s = Math.round(call.duration_ms / 1000);
      const duration =
        s < 60 ? t("callLog.seconds", { count: s }) : t("callLog.minutes", { count: Math.round(s / 60) });
      const users = call.participants.map(name).join(", ");
      return t(call.video ? "callLog.answeredVideo" : "callLog.answered", { duration, users });
    }
    case "declined":
      return t("callLog.declined", { user });
    case "busy":
      return t("callLog.busy", { user });
    default: // missed, or cancelled while it rang
      return t(call.video ? "callLog.missedVideo" : "callLog.missed", { user });
  }
}

/** Whether an unread call entry is newer than the preview of `c` (its summary's last_message,
 * the newest plain message: PROTOCOL.md 8.5), so the list would not show the missed call until
 * the conversation's latest entries load. Unread counts messages and call entries above my read
 * position; when it is more than the plain messages up to last_message can be, the rest are
 * calls after it. Never for a channel (no calls) or a conversation whose latest are loaded. */
export function previewLacksCall(c: ConvView): boolean {
  if (c.kind === "channel" || c.latestLoaded || c.unread === 0) return false;
  return c.unread > Math.max(0, (c.lastMessage?.seq ?? 0) - c.readSeq);
}
