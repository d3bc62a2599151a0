// Blocking from the view (docs/PROTOCOL.md "Blocking and who may message me"): the dialog that
// confirms a block (a modal <dialog>: focus starts on Cancel, Escape cancels, Enter on the Block
// button confirms), unblocking, and the notice above the composer of a direct conversation with
// someone I blocked. The blocker may still write to them, so the composer stays.
import { t } from "../i18n/i18n";
import type { ConvView } from "../state/conversation";
import { describeError } from "../state/describe";
import type { ViewContext } from "./context";
import { $, setText, show } from "./dom";

export class BlockUi {
  private user = "";

  constructor(private v: ViewContext) {}

  bind(): void {
    const dlg = $<HTMLDialogElement>("block-dialog");
    this.v.on($("block-cancel"), "click", () => dlg.close());
    this.v.on($("block-form"), "submit", (e) => {
      e.preventDefault();
      void this.confirm();
    });
    this.v.on($("blocked-unblock"), "click", () => {
      const peer = this.v.s.openConv()?.directPeer(this.v.s.me);
      if (peer) void this.unblock(peer);
    });
  }

  /** Asks before blocking `user`; blocks on confirmation. */
  ask(user: string): void {
    this.user = user;
    setText($("block-title"), t("block.title", { user }));
    show($("block-error"), false);
    $<HTMLButtonElement>("block-confirm").disabled = false;
    $<HTMLDialogElement>("block-dialog").showModal();
    $("block-cancel").focus();
  }

  async unblock(user: string): Promise<void> {
    try {
      await this.v.s.privacy.unblock(user);
    } catch (e) {
      this.v.s.setNotice(
        "error",
        t("blocked.unblockFailed", { user, error: describeError(e, { op: "unblock", user }) }),
      );
    }
  }

  /** The notice above the composer when the open direct conversation's peer is blocked. */
  renderBar(c: ConvView): void {
    const peer = c.directPeer(this.v.s.me);
    const blocked = peer !== undefined && this.v.s.privacy.isBlocked(peer);
    show($("blocked-bar"), blocked);
    if (blocked) setText($("blocked-text"), t("blocked.you", { user: peer }));
  }

  private async confirm(): Promise<void> {
    const btn = $<HTMLButtonElement>("block-confirm");
    const err = $("block-error");
    btn.disabled = true;
    try {
      await this.v.s.privacy.block(this.user);
      $<HTMLDialogElement>("block-dialog").close();
    } catch (e) {
      setText(err, describeError(e, { op: "block", user: this.user }));
      show(err, true);
      btn.disabled = false;
    }
  }
}
