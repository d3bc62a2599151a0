// The "Privacy" dialog, opened from the sidebar's header: who may message me directly (dm_policy)
// and the users I blocked, each with an Unblock button. It shows the settings the state holds,
// which the `privacy` inbox event keeps current (a change on another device shows at once).
import { t } from "../i18n/i18n";
import { DM_POLICIES, DmPolicy } from "../api/wire";
import { describeError } from "../state/describe";
import type { BlockUi } from "./block_ui";
import type { ViewContext } from "./context";
import { $, avatar, h, setText, show } from "./dom";
import { fmtDay } from "./format";

export class PrivacyPanel {
  private key = "";

  constructor(
    private v: ViewContext,
    private blocks: BlockUi,
  ) {}

  bind(): void {
    this.v.on($("privacy-btn"), "click", () => this.open());
    for (const p of DM_POLICIES) this.v.on($(`policy-${p}`), "change", () => void this.setPolicy(p));
  }

  open(): void {
    show($("privacy-error"), false);
    this.key = "";
    this.render();
    $<HTMLDialogElement>("privacy-dialog").showModal();
    void this.v.s.privacy.refresh().catch(() => {});
  }

  /** Called on every render; does nothing while the dialog is closed or nothing changed. */
  render(): void {
    const settings = this.v.s.privacy.settings;
    if (!$<HTMLDialogElement>("privacy-dialog").open) return;
    const key = JSON.stringify(settings);
    if (key === this.key) return;
    this.key = key;
    for (const p of DM_POLICIES) {
      const input = $<HTMLInputElement>(`policy-${p}`);
      input.checked = settings?.dm_policy === p;
      input.disabled = !settings;
    }
    const blocked = settings?.blocked ?? [];
    show($("blocked-empty"), blocked.length === 0);
    $("blocked-list").replaceChildren(
      ...blocked.map((b) =>
        h(
          "li",
          { class: "member", "data-user": b.user },
          avatar(b.user, { size: "s" }),
          h(
            "div",
            { class: "who" },
            h("div", { class: "n", text: b.user }),
            h("div", { class: "r", text: t("privacy.blockedSince", { day: fmtDay(b.blocked_at_ms) }) }),
          ),
          h("button", {
            type: "button",
            class: "unblock",
            "aria-label": t("info.unblockUser", { user: b.user }),
            onclick: () => void this.blocks.unblock(b.user),
            text: t("blocked.unblock"),
          }),
        ),
      ),
    );
  }

  private async setPolicy(p: DmPolicy): Promise<void> {
    show($("privacy-error"), false);
    try {
      await this.v.s.privacy.setDmPolicy(p);
    } catch (e) {
      setText($("privacy-error"), t("privacy.changeFailed", { error: describeError(e) }));
      show($("privacy-error"), true);
      this.key = ""; // show the setting the server still has
      this.render();
    }
  }
}
