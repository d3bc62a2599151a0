// A few DOM helpers; the app has no framework.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") el.className = String(v);
      else if (k === "text") el.textContent = String(v);
      else if (k.startsWith("on") && typeof v === "function") {
        el.addEventListener(k.slice(2), v as EventListener);
      } else if (v === true) el.setAttribute(k, "");
      else el.setAttribute(k, String(v));
    }
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "number" ? String(c) : c);
  }
  return el;
}

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el as T;
}

export function show(el: HTMLElement, visible: boolean): void {
  if (el.hidden === !visible) return;
  el.hidden = !visible;
}

/** Replaces the children of `el` only if the rendered key changed (cheap re-renders). */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

const palette = ["#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#ec4899", "#14b8a6"];

export function avatar(name: string, opts: { group?: boolean; presence?: "online" | "offline" | null; size?: "s" | "m" } = {}): HTMLElement {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  const initials = opts.group
    ? name.trim().slice(0, 1).toUpperCase() || "#"
    : name.replace(/[^A-Za-z0-9]/g, "").slice(0, 2).toUpperCase() || "?";
  const el = h("span", {
    class: `avatar${opts.group ? " group" : ""}${opts.size === "s" ? " small" : ""}`,
    style: `background:${palette[Math.abs(hash) % palette.length]}`,
    "aria-hidden": "true",
  }, initials);
  if (opts.presence) {
    el.append(h("span", { class: `presence-dot ${opts.presence}`, title: opts.presence }));
  }
  return el;
}

export function fmtTime(ms: number): string {
  const d = new Date(ms);
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function fmtListTime(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return fmtTime(ms);
  if (now - ms < 6 * 86400000) return d.toLocaleDateString(undefined, { weekday: "short" });
  return d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

export function fmtDay(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  const yesterday = new Date(now - 86400000);
  if (d.toDateString() === today.toDateString()) return "Today";
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return d.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

export function fmtAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const hrs = Math.round(m / 60);
  if (hrs < 24) return `${hrs} h ago`;
  return `on ${new Date(ms).toLocaleDateString(undefined, { day: "numeric", month: "short" })} at ${fmtTime(ms)}`;
}

export function fmtCount(n: number): string {
  return n.toLocaleString("en-US");
}
