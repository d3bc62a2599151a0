// The connection banner: "Connecting…", "Connection lost. Reconnecting in N s…" with "Retry now",
// a short "Reconnected", "Disconnected."; "Offline: ..." while a page opened offline
// (app_shell.ts) has not connected.
import { t } from "../i18n/i18n";
import type { ChatState } from "../state/chat";
import { openedOffline } from "./app_shell";
import { $, setText, show } from "./dom";

export class Banner {
  private timer = 0;

  constructor(private s: ChatState) {}

  render(): void {
    const st = this.s.status;
    const banner = $("banner");
    const text = $("banner-text");
    const retry = $("banner-retry");
    window.clearTimeout(this.timer);
    if (st.state === "online") {
      if (!banner.hidden && !banner.classList.contains("ok")) {
        banner.classList.add("ok");
        setText(text, t("banner.reconnected"));
        show(retry, false);
        this.timer = window.setTimeout(() => show(banner, false), 1500);
      } else if (banner.classList.contains("ok")) {
        this.timer = window.setTimeout(() => show(banner, false), 1500);
      }
      return;
    }
    banner.classList.remove("ok");
    if (openedOffline() && st.state !== "stopped") {
      show(banner, true);
      setText(text, t("banner.offline"));
      show(retry, st.state === "waiting");
      return;
    }
    if (!this.s.loaded && st.state === "connecting" && st.attempt === 0) {
      show(banner, true);
      setText(text, t("banner.connecting"));
      show(retry, false);
      return;
    }
    show(banner, true);
    if (st.state === "waiting" && st.retryAt) {
      const secs = Math.max(0, Math.ceil((st.retryAt - Date.now()) / 1000));
      setText(text, secs > 0 ? t("banner.lostIn", { secs }) : t("banner.lost"));
      show(retry, true);
      this.timer = window.setTimeout(() => this.render(), 1000);
    } else if (st.state === "connecting") {
      setText(text, t("banner.lost"));
      show(retry, false);
    } else if (st.state === "stopped") {
      setText(text, t("banner.disconnected"));
      show(retry, false);
    }
  }

  destroy(): void {
    window.clearTimeout(this.timer);
  }
}
