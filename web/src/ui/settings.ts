// The "Settings" dialog, opened from the sidebar's header: the UI's language (English or Korean;
// the choice is kept in localStorage and wins over the browser's languages from then on; the
// page switches at once: fixed texts through i18n's applyStatic, the rest by a re-render), and
// desktop notifications while the page is hidden (notifier.ts).
import { LANGS, Lang, lang, setLang } from "../i18n/i18n";
import type { ViewContext } from "./context";
import { $, h, show } from "./dom";
import { notificationsOn, setNotifications } from "./notifier";

export class SettingsDialog {
  constructor(private v: ViewContext) {}

  bind(): void {
    const select = $<HTMLSelectElement>("settings-lang");
    this.v.on($("settings-btn"), "click", () => this.open());
    this.v.on(select, "change", () => setLang(select.value as Lang));
    const notify = $<HTMLInputElement>("settings-notify");
    this.v.on(notify, "change", () => {
      void setNotifications(notify.checked).then(() => this.renderNotify());
    });
  }

  private renderNotify(): void {
    const supported = typeof Notification !== "undefined";
    const notify = $<HTMLInputElement>("settings-notify");
    notify.checked = notificationsOn();
    notify.disabled = !supported;
    show($("settings-notify-denied"), supported && Notification.permission === "denied");
  }

  open(): void {
    const select = $<HTMLSelectElement>("settings-lang");
    select.replaceChildren(
      ...Object.entries(LANGS).map(([code, l]) => h("option", { value: code, lang: code, text: l.name })),
    );
    select.value = lang();
    this.renderNotify();
    $<HTMLDialogElement>("settings-dialog").showModal();
    select.focus();
  }
}
