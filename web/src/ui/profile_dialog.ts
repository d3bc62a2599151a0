// "My profile" (with an API service): my display name, status text and avatar. A picture chosen
// is made a small square first (scaled and centre-cropped to AVATAR_PX in a canvas, as PNG; the
// service stores what it gets); "Remove picture" takes mine away. Saved, the service's answer
// replaces my cached profile (state/profiles.ts), so every panel shows it at once.
import { t } from "../i18n/i18n";
import type { Profile } from "../api/profiles";
import { describeError } from "../state/describe";
import type { Profiles } from "../state/profiles";
import type { ViewContext } from "./context";
import { $, avatar, show } from "./dom";

const AVATAR_PX = 256;

/** `file` as a square PNG of AVATAR_PX (the original when the browser cannot draw it). */
export async function squareAvatar(file: Blob): Promise<Blob> {
  try {
    const bmp = await createImageBitmap(file);
    const side = Math.min(bmp.width, bmp.height);
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = Math.min(AVATAR_PX, side);
    const g = canvas.getContext("2d")!;
    g.drawImage(bmp, (bmp.width - side) / 2, (bmp.height - side) / 2, side, side, 0, 0, canvas.width, canvas.height);
    bmp.close();
    const out = await new Promise<Blob | null>((res) => canvas.toBlob(res, "image/png"));
    return out ?? file;
  } catch {
    return file;
  }
}

export class ProfileDialog {
  private picked: Blob | null = null;
  private remove = false;
  private preview: string | null = null;

  constructor(
    private v: ViewContext,
    private profiles: Profiles,
  ) {}

  bind(): void {
    show($("profile-btn"), this.profiles.enabled);
    if (!this.profiles.enabled) return;
    this.v.on($("profile-btn"), "click", () => void this.open());
    this.v.on($("profile-avatar-file"), "change", () => {
      const f = $<HTMLInputElement>("profile-avatar-file").files?.[0];
      if (!f) return;
      this.picked = f;
      this.remove = false;
      this.setPreview(URL.createObjectURL(f));
    });
    this.v.on($("profile-avatar-remove"), "click", () => {
      this.picked = null;
      this.remove = true;
      this.setPreview(null);
    });
    this.v.on($("profile-form"), "submit", (e) => {
      if ((e as SubmitEvent).submitter?.id !== "profile-save") return; // Cancel closes
      e.preventDefault();
      void this.save();
    });
    this.v.on($("profile-dialog"), "close", () => this.setPreview(null, false));
  }

  private async open(): Promise<void> {
    const me = this.v.s.me;
    const p = this.profiles.profileOf(me);
    this.picked = null;
    this.remove = false;
    $<HTMLInputElement>("profile-avatar-file").value = "";
    $<HTMLInputElement>("profile-name").value = p?.display_name ?? "";
    $<HTMLInputElement>("profile-status").value = p?.status_text ?? "";
    this.error("");
    this.setPreview(null);
    $<HTMLDialogElement>("profile-dialog").showModal();
    $("profile-name").focus();
  }

  private setPreview(url: string | null, draw = true): void {
    if (this.preview) URL.revokeObjectURL(this.preview);
    this.preview = url;
    if (!draw) return;
    const me = this.v.s.me;
    const src = url ?? (this.remove ? null : this.profiles.avatarOf(me));
    $("profile-avatar").replaceChildren(avatar(this.profiles.nameOf(me), { src }));
    show($("profile-avatar-remove"), Boolean(src));
  }

  private error(text: string): void {
    $("profile-error").textContent = text;
    show($("profile-error"), text !== "");
  }

  private async save(): Promise<void> {
    const api = this.profiles.api!;
    const me = this.v.s.me;
    const old = this.profiles.profileOf(me);
    const name = $<HTMLInputElement>("profile-name").value.trim();
    const status = $<HTMLInputElement>("profile-status").value.trim();
    const save = $<HTMLButtonElement>("profile-save");
    save.disabled = true;
    try {
      let p: Profile | null = null;
      const fields: { display_name?: string; status_text?: string } = {};
      if (name !== (old?.display_name ?? "")) fields.display_name = name;
      if (status !== (old?.status_text ?? "")) fields.status_text = status;
      if (Object.keys(fields).length) p = await api.update(fields);
      if (this.picked) p = await api.setAvatar(await squareAvatar(this.picked));
      else if (this.remove) p = await api.removeAvatar();
      if (p) await this.profiles.replaced(p);
      $<HTMLDialogElement>("profile-dialog").close();
      this.v.s.setNotice("info", t("profile.saved"));
    } catch (e) {
      this.error(t("profile.failed", { error: describeError(e) }));
    } finally {
      save.disabled = false;
    }
  }
}
