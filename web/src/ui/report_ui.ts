// Reporting abuse from the view (docs/PROTOCOL.md "report"): the dialog that files a report of a
// message (from its menu) or of a user (from the conversation's info panel) with a reason from
// the fixed list and optional details (a modal <dialog>: focus starts on the reason, Escape
// cancels). The operator reads the queue with mqchatctl; the reported user is not told.
import { t } from "../i18n/i18n";
import { describeError } from "../state/describe";
import { REPORT_REASONS, type ReportInput } from "../state/privacy";
import type { ViewContext } from "./context";
import { $, setText, show } from "./dom";

type Target = Omit<ReportInput, "reason" | "details">;
type Reason = ReportInput["reason"];

export class ReportUi {
  private target: Target = {};

  constructor(private v: ViewContext) {}

  bind(): void {
    const dlg = $<HTMLDialogElement>("report-dialog");
    const select = $<HTMLSelectElement>("report-reason");
    select.replaceChildren(
      ...REPORT_REASONS.map((r) => {
        const o = document.createElement("option");
        o.value = r;
        o.textContent = t(`report.reason.${r}`);
        return o;
      }),
    );
    this.v.on($("report-cancel"), "click", () => dlg.close());
    this.v.on($("report-form"), "submit", (e) => {
      e.preventDefault();
      void this.confirm();
    });
  }

  /** Asks for a reason, then reports message `seq` of conversation `conversationId` (sent by
   * `user`), or `user` alone. */
  ask(target: Target): void {
    this.target = target;
    const what = target.seq ? "report.titleMessage" : "report.titleUser";
    setText($("report-title"), t(what, { user: target.user ?? "" }));
    for (const o of $<HTMLSelectElement>("report-reason").options) {
      o.textContent = t(`report.reason.${o.value as Reason}`);
    }
    $<HTMLSelectElement>("report-reason").value = REPORT_REASONS[0];
    $<HTMLTextAreaElement>("report-details").value = "";
    show($("report-error"), false);
    $<HTMLButtonElement>("report-confirm").disabled = false;
    $<HTMLDialogElement>("report-dialog").showModal();
    $("report-reason").focus();
  }

  private async confirm(): Promise<void> {
    const btn = $<HTMLButtonElement>("report-confirm");
    const err = $("report-error");
    btn.disabled = true;
    try {
      await this.v.s.privacy.report({
        ...this.target,
        reason: $<HTMLSelectElement>("report-reason").value as Reason,
        details: $<HTMLTextAreaElement>("report-details").value.trim(),
      });
      $<HTMLDialogElement>("report-dialog").close();
      this.v.s.setNotice("info", t("report.sent"));
    } catch (e) {
      setText(err, describeError(e, { op: "report", user: this.target.user }));
      show(err, true);
      btn.disabled = false;
    }
  }
}
