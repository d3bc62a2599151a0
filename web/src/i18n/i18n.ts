// The UI's language: English or Korean (one catalogue each, en.ts and ko.ts), chosen from what
// the user picked in settings (kept in localStorage) or else the browser's languages; t() looks a
// string up and fills in its parameters, choosing a plural form with Intl.PluralRules; fmt*()
// in ui/format.ts format dates and times with Intl in the same locale. applyStatic() translates
// the page's fixed elements (data-i18n attributes in index.html).
import { Key, Message, en } from "./en";
import { ko } from "./ko";

export type Lang = "en" | "ko";
export const LANGS: Record<Lang, { name: string; catalogue: Record<Key, Message> }> = {
  en: { name: "English", catalogue: en },
  ko: { name: "한국어", catalogue: ko },
};
export const LANG_KEY = "mqchat.lang";

let current: Lang = "en";
let plurals = new Intl.PluralRules("en");
const listeners = new Set<() => void>();

/** The language for a stored choice (if any) and the browser's preferences, best first. */
export function pickLang(stored: string | null, preferred: readonly string[]): Lang {
  if (stored && stored in LANGS) return stored as Lang;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (base in LANGS) return base as Lang;
  }
  return "en";
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // storage disabled
  }
}

/** Chooses the language at start-up (a stored choice, else navigator.languages). */
export function initLang(): Lang {
  const nav = typeof navigator === "undefined" ? undefined : navigator;
  setLang(pickLang(storage()?.getItem(LANG_KEY) ?? null, nav?.languages ?? [nav?.language ?? "en"]), false);
  return current;
}

/** Switches the language; `persist`: the user chose it (it sticks across reloads). */
export function setLang(l: Lang, persist = true): void {
  current = l;
  plurals = new Intl.PluralRules(l);
  if (persist) storage()?.setItem(LANG_KEY, l);
  if (typeof document !== "undefined") {
    document.documentElement.lang = l;
    applyStatic(document);
  }
  for (const fn of listeners) fn();
}

export function lang(): Lang {
  return current;
}

/** Called after every language switch; returns the unsubscribe. */
export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The string for `key` in the current language, `{name}`s filled from `params`; a plural
 * message takes its form from `params.count`. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  const msg: Message = LANGS[current].catalogue[key] ?? en[key];
  let s: string;
  if (typeof msg === "string") s = msg;
  else {
    const n = Number(params.count ?? 0);
    s = msg[plurals.select(n)] ?? msg.other;
  }
  return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Translates the fixed elements under `root`: data-i18n="key" sets the text, and
 * data-i18n-attr="attr:key attr:key" sets attributes (aria-label, title, placeholder). */
export function applyStatic(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n as Key);
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-attr]")) {
    for (const pair of (el.dataset.i18nAttr ?? "").split(/\s+/).filter(Boolean)) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr, t(key as Key));
    }
  }
}
