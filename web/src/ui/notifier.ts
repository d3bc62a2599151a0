// Desktop notifications (the Notification API) for new messages while the page is hidden: one per
// conversation (a newer message replaces its notification), none for muted conversations, my own
// messages (from another device) or users I blocked; clicking one brings the page forward with
// that conversation open. On when the browser has granted the permission, unless the user turned
// them off in Settings (kept in localStorage); asking for the permission needs a click, so only
// Settings asks. While no page is open, Web Push (web_push.ts) follows the same switch.
import { t } from "../i18n/i18n";
import type { ChatState } from "../state/chat";
import type { ViewContext } from "./context";

export const NOTIFY_KEY = "mqchat.notify";

const supported = () => typeof Notification !== "undefined";

/** The user wants notifications and the browser allows them. */
export function notificationsOn(): boolean {
  return supported() && Notification.permission === "granted" && localStorage.getItem(NOTIFY_KEY) !== "off";
}

const switched = new Set<(on: boolean) => void>();

/** Calls `fn` after the Settings switch changed (web_push.ts); returns the unsubscribe. */
export function onNotificationsSwitched(fn: (on: boolean) => void): () => void {
  switched.add(fn);
  return () => switched.delete(fn);
}

/** The Settings switch: on asks for the permission when the browser has not been asked yet. */
export async function setNotifications(on: boolean): Promise<boolean> {
  localStorage.setItem(NOTIFY_KEY, on ? "on" : "off");
  if (on && supported() && Notification.permission === "default") await Notification.requestPermission();
  const now = notificationsOn();
  for (const fn of switched) fn(now);
  return now;
}

export class Notifier {
  /** The seq of the last message seen per conversation. */
  private seen = new Map<string, number>();
  private primed = false;
  private shown = new Map<string, Notification>();

  constructor(
    private s: ChatState,
    private v: ViewContext,
  ) {}

  /** Called on every state change (not per animation frame: frames stop in a hidden tab). */
  check(): void {
    if (!this.s.loaded) return;
    const now = Date.now();
    const primed = this.primed; // the first look only records what is already there
    this.primed = true;
    for (const c of this.s.sortedConvs()) {
      const lm = c.lastMessage;
      const prev = this.seen.get(c.id) ?? 0;
      this.seen.set(c.id, lm?.seq ?? 0);
      if (!primed || !lm || lm.seq <= prev) continue;
      if (document.visibilityState !== "hidden" || !notificationsOn()) continue;
      if (lm.sender === this.s.me || lm.deleted || c.muted(now) || this.s.privacy.isBlocked(lm.sender)) continue;
      const title = c.kind === "group" ? t("notify.group", { user: lm.sender, title: c.title(this.s.me) }) : lm.sender;
      this.show(c.id, title, lm.text);
    }
  }

  private show(id: string, title: string, body: string): void {
    this.shown.get(id)?.close();
    const n = new Notification(title, { body: body.slice(0, 200), tag: `mqchat-${id}` });
    n.onclick = () => {
      window.focus();
      this.v.open(id);
      n.close();
    };
    n.onclose = () => {
      if (this.shown.get(id) === n) this.shown.delete(id);
    };
    this.shown.set(id, n);
  }

  /** The page shows again, or logout: its notifications are no longer news. */
  clear(): void {
    for (const n of this.shown.values()) n.close();
    this.shown.clear();
  }
}
