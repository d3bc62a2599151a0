// The service worker (built to dist/sw.js by build.mjs): the offline app shell and Web Push.
//
// App shell: install caches the page (one self-contained index.html), the manifest and the icons
// in a cache named after a hash of those files (SHELL_CACHE, set by build.mjs), so each deploy
// that changes them has a new name; sw.js changes with it, the browser installs the new worker,
// and its activation deletes the older caches. The page is fetched from the network first (a
// deploy shows at once) and from the cache when the network fails, so the app opens offline.
// config.json likewise, and a copy served from the cache (or a 404 made here when there is none)
// carries `X-Mqchat-Offline: 1`: that is how the page knows it was opened offline
// (api/http_api.ts pageConfig). Nothing else is touched: API requests, avatars and attachments go
// to the network as if there were no worker (no token or message ever lands in this cache).
//
// Web Push: a push shows a notification (push_payload.ts: the gateway sends the notification
// object of docs/PROTOCOL.md 7.4); clicking it focuses a page of the app and asks it to open the
// conversation (a message to the page, so a password login is not lost to a reload), or opens a
// new page at #c/<id>.
/// <reference lib="webworker" />
import { pushLang, pushView } from "./push_payload";

declare const self: ServiceWorkerGlobalScope;
declare const SHELL_CACHE: string; // "mqchat-shell-<hash>" (build.mjs)

const PREFIX = "mqchat-shell-";
const PAGE = "./";
const CONFIG = "config.json";
const STATIC = ["manifest.webmanifest", "icon-192.png", "icon-512.png"];
const OFFLINE_HEADER = "X-Mqchat-Offline";

const scoped = (path: string) => new URL(path, self.registration.scope).href;

self.addEventListener("install", (e) => {
  e.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll([PAGE, ...STATIC].map(scoped));
      // config.json is optional (a deployment may have none).
      const cfg = await fetch(scoped(CONFIG), { cache: "no-store" }).catch(() => null);
      if (cfg?.ok) await cache.put(scoped(CONFIG), cfg);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (e) => {
  e.waitUntil(
    (async () => {
      for (const k of await caches.keys()) if (k.startsWith(PREFIX) && k !== SHELL_CACHE) await caches.delete(k);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const rel = url.pathname.startsWith(new URL(self.registration.scope).pathname)
    ? url.pathname.slice(new URL(self.registration.scope).pathname.length)
    : null;
  if (rel === null) return;
  if (rel === "" || rel === "index.html") e.respondWith(networkFirst(req, scoped(PAGE)));
  else if (rel === CONFIG) e.respondWith(networkFirst(req, scoped(CONFIG)));
  else if (STATIC.includes(rel)) e.respondWith(cacheFirst(req));
});

/** The network's answer (kept for offline use when it is a 200), else the cached copy marked
 * offline, else (config.json never cached) a 404 marked offline. */
async function networkFirst(req: Request, key: string): Promise<Response> {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) await cache.put(key, res.clone());
    else if (res.status === 404 && key === scoped(CONFIG)) await cache.delete(key);
    return res;
  } catch (err) {
    const hit = await cache.match(key);
    if (!hit && key !== scoped(CONFIG)) throw err;
    const headers = new Headers(hit?.headers);
    headers.set(OFFLINE_HEADER, "1");
    if (!hit) return new Response("", { status: 404, headers });
    return new Response(await hit.blob(), { status: hit.status, statusText: hit.statusText, headers });
  }
}

async function cacheFirst(req: Request): Promise<Response> {
  const hit = await caches.match(req, { cacheName: SHELL_CACHE });
  return hit ?? fetch(req);
}

self.addEventListener("push", (e) => {
  let payload: unknown = null;
  try {
    payload = e.data?.json();
  } catch {
    payload = e.data?.text() ?? null;
  }
  const v = pushView(payload, pushLang(self.navigator.languages ?? []));
  e.waitUntil(
    (async () => {
      const nav = self.navigator as WorkerNavigator & { setAppBadge?(n: number): Promise<void> };
      if (v.unread !== null && nav.setAppBadge) await nav.setAppBadge(v.unread).catch(() => {});
      if (!v.show) {
        if (v.unread === 0) for (const n of await self.registration.getNotifications()) n.close();
        return;
      }
      await self.registration.showNotification(v.show.title, {
        body: v.show.body,
        tag: v.show.tag,
        icon: scoped("icon-192.png"),
        data: { conversation: v.show.conversation },
      });
    })(),
  );
});

self.addEventListener("notificationclick", (e) => {
  e.notification.close();
  const id = (e.notification.data as { conversation?: string | null } | null)?.conversation ?? null;
  e.waitUntil(
    (async () => {
      const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const page = pages[0];
      if (page) {
        await page.focus();
        if (id) page.postMessage({ type: "mqchat.open", conversation: id });
        return;
      }
      await self.clients.openWindow(scoped(id ? `${PAGE}#c/${id}` : PAGE));
    })(),
  );
});
