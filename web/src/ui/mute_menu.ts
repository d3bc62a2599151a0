// The open conversation's mute control (PROTOCOL.md 7.1): a bell in the header whose menu mutes
// for 1 hour, 8 hours or until unmuted, or unmutes. A muted conversation's unread count stays out
// of the page title (state/conversations.ts); the bell and the list show it muted, on every page
// of the user (the `mute` inbox event).
import { lang, t } from "../i18n/i18n";
import type { ConvView } from "../state/conversation";
import { describeError } from "../state/describe";
import type { ViewContext } from "./context";
import { $, setText, show } from "./dom";
import { fmtTime } from "./format";

const HOUR_MS = 3600000;

/** Why `c` is quiet, in words ("" when it is not muted now). */
export function muteLabel(c: ConvView, now = Date.now()): string {
  if (!c.muted(now)) return "";
  if (c.mutedUntilMs === -1) return t("mute.muted");
  const until = new Date(c.mutedUntilMs);
  const sameDay = until.toDateString() === new Date(now).toDateString();
  const day = sameDay ? "" : until.toLocaleDateString(lang(), { weekday: "short" }) + " ";
  return t("mute.until", { time: day + fmtTime(c.mutedUntilMs) });
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** The list's "muted" mark: a crossed-out bell (an SVG: emoji fonts are not everywhere). */
export function mutedIcon(label: string): Element {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "14");
  svg.setAttribute("height", "14");
  svg.setAttribute("class", "muted-icon");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  const title = document.createElementNS(SVG_NS, "title");
  title.textContent = label;
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute(
    "d",
    "M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7" +
      "c-.5.1-1 .3-1.4.6L18 16.2zM4.3 3 3 4.3l3.3 3.3C6.1 8.7 6 9.8 6 11v5l-2 2v1h13.7l2 2 1.3-1.3z",
  );
  svg.append(title, path);
  return svg;
}

export class MuteMenu {
  constructor(private v: ViewContext) {}

  bind(): void {
    const menu = $("mute-menu");
    this.v.on($("mute-btn"), "click", (e) => {
      e.stopPropagation();
      this.toggle(menu.hidden);
    });
    this.v.on(menu, "click", (e) => {
      const btn = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-mute]");
      if (btn) void this.choose(btn.dataset.mute ?? "");
    });
    this.v.on(document, "click", (e) => {
      if (!menu.hidden && !menu.contains(e.target as Node)) this.toggle(false);
    });
    this.v.on(document, "keydown", (e) => {
      if ((e as KeyboardEvent).key === "Escape") this.toggle(false);
    });
  }

  render(c: ConvView): void {
    show(document.querySelector<HTMLElement>(".mute-wrap")!, c.kind !== "channel"); // channels: no mute op
    const label = muteLabel(c);
    const btn = $("mute-btn");
    btn.classList.toggle("on", label !== "");
    btn.setAttribute("aria-pressed", String(label !== ""));
    btn.title = label || t("mute.title");
    setText($("mute-state"), label);
    show($("mute-state"), label !== "");
    show($("mute-off"), label !== "");
  }

  /** A conversation was opened or left: the menu closes. */
  close(): void {
    this.toggle(false);
  }

  private toggle(open: boolean): void {
    const menu = $("mute-menu");
    show(menu, open);
    $("mute-btn").setAttribute("aria-expanded", String(open));
    if (open) setText($("mute-error"), "");
  }

  private async choose(what: string): Promise<void> {
    const c = this.v.s.openConv();
    if (!c) return;
    const until =
      what === "1h" ? Date.now() + HOUR_MS : what === "8h" ? Date.now() + 8 * HOUR_MS : what === "forever" ? -1 : 0;
    try {
      await this.v.s.mute(c.id, until);
      this.toggle(false);
    } catch (e) {
      setText($("mute-error"), describeError(e));
    }
  }
}
