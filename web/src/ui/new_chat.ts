// The "New conversation" dialog: a direct conversation with a user, or a group.
import { t } from "../i18n/i18n";
import { ChatError } from "../api/errors";
import { NAME_RE } from "../api/wire";
import type { ConvView } from "../state/conversation";
import { describeError } from "../state/describe";
import type { ViewContext } from "./context";
import { $, setText, show } from "./dom";
import { splitUsers } from "./labels";

export class NewChatDialog {
  constructor(private v: ViewContext) {}

  bind(): void {
    const dlg = $<HTMLDialogElement>("new-chat-dialog");
    const sync = () => {
      const group = $<HTMLInputElement>("new-kind-group").checked;
      show($("new-direct-field"), !group);
      show($("new-group-fields"), group);
    };
    this.v.on($("new-kind-direct"), "change", sync);
    this.v.on($("new-kind-group"), "change", sync);
    // An error is about what was typed: it goes once the user changes any field.
    this.v.on($("new-chat-form"), "input", () => show($("new-chat-error"), false));
    this.v.on($("new-chat-cancel"), "click", () => dlg.close());
    this.v.on($("new-chat-form"), "submit", (e) => {
      e.preventDefault();
      void this.submit();
    });
    this.v.on($("new-chat-btn"), "click", () => this.open());
    this.v.on($("conv-empty-new"), "click", () => this.open());
  }

  open(): void {
    const dlg = $<HTMLDialogElement>("new-chat-dialog");
    show($("new-chat-error"), false);
    $<HTMLInputElement>("new-direct-user").value = "";
    $<HTMLInputElement>("new-group-name").value = "";
    $<HTMLInputElement>("new-group-members").value = "";
    $<HTMLButtonElement>("new-chat-submit").disabled = false;
    dlg.showModal();
    ($<HTMLInputElement>("new-kind-group").checked ? $("new-group-name") : $("new-direct-user")).focus();
  }

  private async submit(): Promise<void> {
    const s = this.v.s;
    const dlg = $<HTMLDialogElement>("new-chat-dialog");
    const err = $("new-chat-error");
    const btn = $<HTMLButtonElement>("new-chat-submit");
    const fail = (text: string) => {
      setText(err, text);
      show(err, true);
      btn.disabled = false;
    };
    btn.disabled = true;
    try {
      let c: ConvView;
      if ($<HTMLInputElement>("new-kind-group").checked) {
        const name = $<HTMLInputElement>("new-group-name").value.trim();
        const members = splitUsers($<HTMLInputElement>("new-group-members").value).filter((u) => u !== s.me);
        if (!name) return fail(t("newChat.needName"));
        const bad = members.find((u) => !NAME_RE.test(u));
        if (bad) return fail(`"${bad}" is not a valid username`);
        c = await s.createGroup(name, members);
      } else {
        const user = $<HTMLInputElement>("new-direct-user").value.trim();
        if (!NAME_RE.test(user)) return fail(t("newChat.badUser"));
        if (user === s.me) return fail(t("newChat.self"));
        c = await s.openDirect(user).catch((e) => {
          throw new Error(describeError(e, { user }));
        });
      }
      dlg.close();
      this.v.open(c.id);
    } catch (e) {
      fail(e instanceof ChatError ? describeError(e) : e instanceof Error ? e.message : String(e));
    }
  }
}
