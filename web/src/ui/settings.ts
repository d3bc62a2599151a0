// The "Settings" dialog, opened from the sidebar's header: the UI's language (English or Korean;
// the choice is kept in localStorage and wins over the browser's languages from then on). The
// page switches at once: fixed texts through i18n's applyStatic, the rest by a re-render.
import { LANGS, Lang, lang, setLang } from "../i18n/i18n";
import type { ViewContext } from "./context";
import { $, h } from "./dom";

export class SettingsDialog {
  constructor(private v: ViewContext) {}

  bind(): void {
    const select = $<HTMLSelectElement>("settings-lang");
    this.v.on($("settings-btn"), "click", () => this.open());
    this.v.on(select, "change", () => setLang(select.value as Lang));
  }

  open(): void {
    const select = $<HTMLSelectElement>("settings-lang");
    select.replaceChildren(
      ...Object.entries(LANGS).map(([code, l]) => h("option", { value: code, lang: code, text: l.name })),
    );
    select.value = lang();
    $<HTMLDialogElement>("settings-dialog").showModal();
    select.focus();
  }
}
