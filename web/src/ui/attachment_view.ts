// The attachments of a stored message (PROTOCOL.md "Attachments"): pictures as thumbnails (the
// API's thumbnail when it has one, else the picture) that open the viewer dialog, other files
// as chips (name, size) that download. A message carries no URLs: they are asked of the API
// (state/files.ts) when the message is drawn, and again when one is opened (they expire).
import { t } from "../i18n/i18n";
import type { WireAttachment, WireMessage } from "../api/wire";
import type { Files } from "../state/files";
import { describeError } from "../state/describe";
import type { ViewContext } from "./context";
import { $, h, show } from "./dom";
import { fmtBytes } from "./format_bytes";

const THUMB_MAX = 240; // px, the longer side of a thumbnail in the list

export const isPicture = (a: WireAttachment) => a.width > 0 && a.height > 0 && a.content_type.startsWith("image/");

function thumbSize(a: WireAttachment): { width: number; height: number } {
  const scale = Math.min(1, THUMB_MAX / Math.max(a.width, a.height));
  return { width: Math.max(1, Math.round(a.width * scale)), height: Math.max(1, Math.round(a.height * scale)) };
}

/** The attachments of `m`, or null when it has none. */
export function attachmentsEl(m: Readonly<WireMessage>, files: Files): HTMLElement | null {
  if (!m.attachments?.length || m.deleted) return null;
  return h(
    "div",
    { class: "attachments" },
    ...m.attachments.map((a) => (isPicture(a) && files.enabled ? pictureEl(a, files) : fileEl(a))),
  );
}

function pictureEl(a: WireAttachment, files: Files): HTMLElement {
  const img = h("img", { class: "att-thumb", alt: a.name, ...thumbSize(a) });
  files
    .urls(a.id)
    .then((u) => (img.src = u.thumbnail ?? u.url))
    .catch(() => img.classList.add("broken"));
  return h(
    "button",
    { type: "button", class: "att-image", "data-att": a.id, "aria-label": t("att.open", { name: a.name }) },
    img,
  );
}

function fileEl(a: WireAttachment): HTMLElement {
  return h(
    "button",
    { type: "button", class: "att-file", "data-att": a.id, "aria-label": t("att.download", { name: a.name }) },
    h("span", { class: "att-icon", "aria-hidden": "true", text: "📄" }),
    h("span", { class: "att-name", text: a.name }),
    h("span", { class: "att-size", text: fmtBytes(a.size) }),
  );
}

/** Clicks on attachments: a picture opens the viewer, a file downloads (fresh URLs each time). */
export class AttachmentViewer {
  constructor(
    private v: ViewContext,
    private files: Files,
  ) {}

  bind(): void {
    this.v.on($("msg-list"), "click", (e) => {
      const el = (e.target as HTMLElement).closest<HTMLElement>("[data-att]");
      const seq = el?.closest<HTMLElement>(".msg[data-seq]")?.dataset.seq;
      const m = seq ? this.v.s.openConv()?.msgs.get(Number(seq)) : undefined;
      const a = m?.attachments?.find((x) => x.id === el?.dataset.att);
      if (!el || !a || !this.files.enabled) return;
      void (el.classList.contains("att-image") ? this.view(a) : this.download(a));
    });
    this.v.on($("viewer-close"), "click", () => $<HTMLDialogElement>("viewer-dialog").close());
  }

  private async view(a: WireAttachment): Promise<void> {
    try {
      const u = await this.files.urls(a.id);
      const img = $<HTMLImageElement>("viewer-img");
      img.alt = a.name;
      img.src = u.url;
      $("viewer-name").textContent = `${a.name} · ${fmtBytes(a.size)}`;
      const link = $<HTMLAnchorElement>("viewer-download");
      link.href = u.url;
      link.download = a.name;
      show(link, true);
      $<HTMLDialogElement>("viewer-dialog").showModal();
      $("viewer-close").focus();
    } catch (e) {
      this.v.s.setNotice("error", t("att.failed", { error: describeError(e) }));
    }
  }

  private async download(a: WireAttachment): Promise<void> {
    try {
      const u = await this.files.urls(a.id);
      const link = h("a", { href: u.url, download: a.name, rel: "noopener" });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (e) {
      this.v.s.setNotice("error", t("att.failed", { error: describeError(e) }));
    }
  }
}
