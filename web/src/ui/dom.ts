// A few DOM helpers; the app has no framework.
import { t } from "../i18n/i18n";

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

// Avatar colours, each dark enough for white initials (contrast at least 4.5:1, WCAG AA).
const palette = ["#4f46e5", "#0369a1", "#047857", "#b45309", "#b91c1c", "#7c3aed", "#be185d", "#0f766e"];

export function avatar(
  name: string,
  opts: { group?: boolean; presence?: "online" | "offline" | null; size?: "s" | "m"; src?: string | null } = {},
): HTMLElement {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  const initials = opts.group
    ? name.trim().slice(0, 1).toUpperCase() || "#"
    : name
        .replace(/[^A-Za-z0-9]/g, "")
        .slice(0, 2)
        .toUpperCase() || "?";
  const el = h(
    "span",
    {
      class: `avatar${opts.group ? " group" : ""}${opts.size === "s" ? " small" : ""}`,
      style: `background:${palette[Math.abs(hash) % palette.length]}`,
      "aria-hidden": "true",
    },
    initials,
  );
  if (opts.src) el.append(h("img", { class: "avatar-img", src: opts.src, alt: "" }));
  if (opts.presence) {
    const title = t(opts.presence === "online" ? "presence.online" : "presence.offline");
    el.append(h("span", { class: `presence-dot ${opts.presence}`, title }));
  }
  return el;
}
