// Times, days and counts as the UI shows them, through Intl in the UI's language (i18n/i18n.ts):
// a time of day, a day in the list, a day separator ("today", "yesterday" or the date), how long
// ago ("5 minutes ago", "5분 전"), a count with the locale's digit grouping.
import { lang, t } from "../i18n/i18n";

const DAY_MS = 86400000;
const cache = new Map<string, Intl.DateTimeFormat>();

/** One DateTimeFormat per language and options (they are costly to make). */
function dtf(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = lang() + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(lang(), opts)));
  return f;
}

const capitalize = (s: string) => s.charAt(0).toLocaleUpperCase(lang()) + s.slice(1);

export function fmtTime(ms: number): string {
  return dtf({ hour: "2-digit", minute: "2-digit" }).format(ms);
}

export function fmtListTime(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  if (d.toDateString() === new Date(now).toDateString()) return fmtTime(ms);
  if (now - ms < 6 * DAY_MS) return dtf({ weekday: "short" }).format(ms);
  return dtf({ day: "numeric", month: "short" }).format(ms);
}

export function fmtDay(ms: number, now = Date.now()): string {
  const d = new Date(ms).toDateString();
  const rel = new Intl.RelativeTimeFormat(lang(), { numeric: "auto" });
  if (d === new Date(now).toDateString()) return capitalize(rel.format(0, "day"));
  if (d === new Date(now - DAY_MS).toDateString()) return capitalize(rel.format(-1, "day"));
  return dtf({ weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(ms);
}

export function fmtAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return t("time.justNow");
  const rel = new Intl.RelativeTimeFormat(lang(), { numeric: "always", style: "long" });
  const m = Math.round(s / 60);
  if (m < 60) return rel.format(-m, "minute");
  const hrs = Math.round(m / 60);
  if (hrs < 24) return rel.format(-hrs, "hour");
  return dtf({ day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(ms);
}

export function fmtCount(n: number): string {
  return n.toLocaleString(lang());
}
