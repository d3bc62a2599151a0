// The page's side of the service worker (web/sw/): registers sw.js at boot, which caches the app
// shell so the page opens offline, and receives Web Push; whether this page was opened offline
// (pageConfig saw the worker's offline mark on config.json), shown on the login form and in the
// connection banner until a connection succeeds; and the worker's "open this conversation" when
// a push notification is clicked. Where sw.js cannot be registered (mosquitto's http_dir sends it
// without a Content-Type, which browsers refuse; no service workers in the browser) the page
// works as before, with neither.
import { $, show } from "./dom";

let registration: Promise<ServiceWorkerRegistration | null> = Promise.resolve(null);
let offline = false;
const listeners = new Set<() => void>();

/** Registers the worker (once per page). */
export function registerShell(): void {
  if (!("serviceWorker" in navigator)) return;
  registration = navigator.serviceWorker.register("sw.js").catch((e: unknown) => {
    console.info("mqchat: no service worker, so no offline app and no Web Push:", (e as Error).message);
    return null;
  });
  navigator.serviceWorker.addEventListener("message", (e: MessageEvent) => {
    const d = e.data as { type?: unknown; conversation?: unknown } | null;
    if (d?.type === "mqchat.open" && typeof d.conversation === "string" && /^\d+$/.test(d.conversation)) {
      location.hash = `#c/${d.conversation}`;
    }
  });
}

/** The worker's registration once it is active, or null without one. */
export async function activeShell(): Promise<ServiceWorkerRegistration | null> {
  if (!(await registration)) return null;
  return navigator.serviceWorker.ready;
}

/** Whether the page was opened offline and has not connected since. */
export function openedOffline(): boolean {
  return offline;
}

/** Opened offline (at boot), or back online (false: a connection succeeded). */
export function setOpenedOffline(v: boolean): void {
  if (offline === v) return;
  offline = v;
  show($("offline-note"), v);
  for (const fn of listeners) fn();
}

export function onOfflineChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
