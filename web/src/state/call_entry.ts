// A call's entry in its conversation's log (docs/PROTOCOL.md 8.5): who missed it, and the one
// line the conversation and the list show for it ("Missed call from bob", "Call, 3 min, alice,
// bob"). Pure functions over wire values.
import type { WireCallRecord, WireMessage } from "../api/wire";
import { t } from "../i18n/i18n";

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
