// The composer's attachments (with an API service): the paperclip (a file picker), files dropped
// on the conversation or pasted into the field; each upload shows above the field with its
// progress bar, and can be removed. A send waits until they are all uploaded (the send button is
// disabled meanwhile) and carries the finished ones (state/files.ts).
import { t } from "../i18n/i18n";
import type { Files } from "../state/files";
import type { ViewContext } from "./context";
import { $, h, show } from "./dom";
import { fmtBytes } from "./format_bytes";

export class UploadTray {
  private key = "";

  constructor(
    private v: ViewContext,
    private files: Files,
  ) {}

  bind(): void {
    show($("attach-btn"), this.files.enabled);
    if (!this.files.enabled) return;
    const input = $<HTMLInputElement>("attach-input");
    this.v.on($("attach-btn"), "click", () => input.click());
    this.v.on(input, "change", () => {
      this.add([...(input.files ?? [])]);
      input.value = "";
    });
    const pane = $("conv-pane");
    this.v.on(pane, "dragover", (e) => {
      const d = (e as DragEvent).dataTransfer;
      if (!d?.types.includes("Files")) return;
      e.preventDefault();
      d.dropEffect = "copy";
      pane.classList.add("dropping");
    });
    this.v.on(pane, "dragleave", (e) => {
      if (!pane.contains((e as DragEvent).relatedTarget as Node | null)) pane.classList.remove("dropping");
    });
    this.v.on(pane, "drop", (e) => {
      const d = (e as DragEvent).dataTransfer;
      pane.classList.remove("dropping");
      if (!d?.files.length) return;
      e.preventDefault();
      this.add([...d.files]);
    });
    this.v.on($("composer-input"), "paste", (e) => {
      const list = (e as ClipboardEvent).clipboardData?.files;
      if (!list?.length) return;
      e.preventDefault();
      this.add([...list]);
    });
    this.v.on($("upload-tray"), "click", (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>("[data-upload]");
      if (b) this.files.remove(Number(b.dataset.upload));
    });
  }

  private add(list: File[]): void {
    const c = this.v.s.openConv();
    if (c && list.length) this.files.add(c.id, list);
  }

  /** The open conversation's uploads, and the send button while one is under way. */
  render(conversationId: string): void {
    const ups = this.files.uploads(conversationId);
    const busy = ups.some((u) => u.state === "uploading");
    $<HTMLButtonElement>("send-btn").toggleAttribute("data-uploading", busy);
    const key = JSON.stringify(ups.map((u) => [u.key, u.state, u.sent])) + conversationId;
    if (key === this.key) return;
    this.key = key;
    const tray = $("upload-tray");
    show(tray, ups.length > 0);
    tray.replaceChildren(
      ...ups.map((u) =>
        h(
          "li",
          { class: `upload ${u.state}`, "data-state": u.state },
          h("span", { class: "upload-name", text: u.name }),
          u.state === "uploading"
            ? h("progress", {
                class: "upload-progress",
                max: u.size || 1,
                value: u.sent,
                "aria-label": t("att.uploading", { name: u.name }),
              })
            : h("span", {
                class: "upload-state",
                text: u.state === "done" ? fmtBytes(u.size) : t("att.uploadFailed", { error: u.error ?? "" }),
              }),
          h("button", {
            type: "button",
            class: "icon-btn small upload-remove",
            "data-upload": u.key,
            "aria-label": t("att.remove", { name: u.name }),
            text: "×",
          }),
        ),
      ),
    );
  }
}
