// What a Web Push message shows. The operator's push gateway (docs/PROTOCOL.md 7.4) sends a
// `webpush` device the gateway request's `notification` object (without `devices`) as the
// encrypted payload; this turns it into a notification, or into only a badge for a counts-only
// notification (no `event_id`). No DOM, no worker globals: unit-tested in web/test.

export interface PushView {
  /** The notification to show, or null (counts-only: nothing new to announce). */
  show: { title: string; body: string; tag: string; conversation: string | null } | null;
  /** The unread total for the app badge (`counts.unread`), when given. */
  unread: number | null;
}

type Lang = "en" | "ko";

const WORDS: Record<Lang, { app: string; one: string; many: (n: number) => string }> = {
  en: { app: "mqchat", one: "New message", many: (n) => `${n} new messages` },
  ko: { app: "mqchat", one: "새 메시지", many: (n) => `새 메시지 ${n}개` },
};

/** The first of the browser's languages the app has (the worker cannot read the page's
 * Settings choice, which lives in localStorage). */
export function pushLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase().split("-")[0];
    if (base === "en" || base === "ko") return base;
  }
  return "en";
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);

/** The view of a push payload (parsed JSON, or anything else a gateway sent). A payload that is
 * not the expected object still shows a plain notification: the browser requires one per push. */
export function pushView(payload: unknown, lang: Lang): PushView {
  const w = WORDS[lang];
  const n = (payload && typeof payload === "object" ? payload : {}) as Record<string, unknown>;
  const counts = (n.counts && typeof n.counts === "object" ? n.counts : {}) as Record<string, unknown>;
  const content = (n.content && typeof n.content === "object" ? n.content : {}) as Record<string, unknown>;
  const unread = num(counts.unread);
  const room = str(n.room_id);
  if (!str(n.event_id) && !room && unread !== null) return { show: null, unread };
  const messages = num(counts.messages) ?? 1;
  const body = str(content.body) ?? (messages > 1 ? w.many(messages) : w.one);
  return {
    show: {
      title: str(n.sender) ?? w.app,
      body: body.slice(0, 200),
      tag: room ? `mqchat-${room}` : "mqchat",
      conversation: room && /^\d+$/.test(room) ? room : null,
    },
    unread,
  };
}
