// The details panel: a direct conversation's peer and presence; a group's members with roles
// and presence, and for owners and admins rename, add and remove; leaving a group.
import { t } from "../i18n/i18n";
import { NAME_RE } from "../api/wire";
import type { ConvView } from "../state/conversation";
import { describeError } from "../state/describe";
import type { BlockUi } from "./block_ui";
import type { ReportUi } from "./report_ui";
import type { ViewContext } from "./context";
import { $, avatar, h, show } from "./dom";
import { presenceOf, presenceText, splitUsers } from "./labels";
import { nameOf, people, userAvatar } from "./people";

function roleRank(role: string): number {
  return role === "owner" ? 0 : role === "admin" ? 1 : 2;
}

export class InfoPanel {
  private key = "";

  constructor(
    private v: ViewContext,
    private blocks: BlockUi,
    private reports?: ReportUi,
  ) {}

  /** Rebuild on the next render (opened, or another conversation). */
  invalidate(): void {
    this.key = "";
  }

  render(): void {
    const s = this.v.s;
    const c = s.openConv();
    const visible = this.v.ui.infoOpen && Boolean(c);
    show($("info-panel"), visible);
    document.querySelector(".layout")!.classList.toggle("with-info", visible);
    if (!c || !visible) return;
    const members = [...c.members.entries()];
    const blocked = members.map(([u]) => s.privacy.isBlocked(u));
    const key = JSON.stringify([
      c.id,
      c.name,
      members,
      members.map(([u]) => presenceText(s, u)),
      c.rolesLoaded,
      blocked,
      people().version,
    ]);
    if (key === this.key) return;
    this.key = key;
    const body = $("info-body");
    if (c.kind === "direct") body.replaceChildren(this.direct(c));
    else body.replaceChildren(...this.group(c));
  }

  private direct(c: ConvView): HTMLElement {
    const s = this.v.s;
    const title = c.title(s.me);
    const other = c.other(s.me);
    return h(
      "div",
      { class: "info-hero" },
      other ? userAvatar(other, { presence: presenceOf(s, other) }) : avatar(title, {}),
      h("h3", { text: other ? nameOf(other) : title }),
      other && people().profileOf(other)?.status_text
        ? h("div", { class: "sub status-text", text: people().profileOf(other)!.status_text })
        : null,
      h("div", { class: "sub", id: "info-presence", text: presenceText(s, other) || t("info.direct") }),
      other
        ? h("div", { class: "info-actions" }, this.blockButton(other, "danger", true), this.reportButton(other))
        : null,
    );
  }

  /** Report `user` (after the reason dialog). */
  private reportButton(user: string): HTMLElement | null {
    if (!this.reports) return null;
    const reports = this.reports;
    return h("button", {
      type: "button",
      class: "secondary report",
      "data-report": user,
      onclick: () => reports.ask({ user }),
      text: t("info.reportUser", { user }),
    });
  }

  /** Block (after the confirm dialog) or unblock `user`, as the settings say. */
  private blockButton(user: string, cls: string, named: boolean): HTMLElement {
    const blocked = this.v.s.privacy.isBlocked(user);

    return h("button", {
      type: "button",
      class: blocked ? (cls ? "secondary unblock" : "unblock") : `${cls} block`.trim(),
      "data-block": user,
      "aria-label": t(blocked ? "info.unblockUser" : "info.blockUser", { user }),
      onclick: () => (blocked ? void this.blocks.unblock(user) : this.blocks.ask(user)),
      text: named
        ? t(blocked ? "info.unblockUser" : "info.blockUser", { user })
        : t(blocked ? "info.unblock" : "info.block"),
    });
  }

  private group(c: ConvView): Node[] {
    const s = this.v.s;
    const title = c.title(s.me);
    const myRole = c.myRole(s.me);
    const manager = myRole === "owner" || myRole === "admin";
    const errEl = h("div", { class: "info-error", id: "info-error", role: "alert" });
    const act = async (fn: () => Promise<unknown>) => {
      errEl.textContent = "";
      try {
        await fn();
      } catch (e) {
        errEl.textContent = describeError(e);
      }
    };
    const count = c.members.size;
    const parts: (Node | null)[] = [
      h(
        "div",
        { class: "info-hero" },
        avatar(title, { group: true }),
        h("h3", { text: title }),
        h("div", { class: "sub", text: t("info.groupSub", { count }) }),
      ),
      manager ? this.renameForm(c, errEl, act) : null,
      h("div", { class: "section-title", text: t("info.members", { count }) }),
      h("ul", { class: "member-list", id: "member-list" }, ...this.memberItems(c, manager, act)),
      manager ? this.addForm(c, errEl, act) : null,
      errEl,
      h("div", { class: "section-title", text: t("info.leave") }),
      this.leaveBox(c, act),
    ];
    return parts.filter((n): n is Node => n !== null);
  }

  private memberItems(c: ConvView, manager: boolean, act: (fn: () => Promise<unknown>) => void): HTMLElement[] {
    const s = this.v.s;
    return [...c.members.entries()]
      .sort((a, b) => roleRank(a[1].role) - roleRank(b[1].role) || a[0].localeCompare(b[0]))
      .map(([u, m]) =>
        h(
          "li",
          { class: "member", "data-user": u },
          userAvatar(u, { size: "s", presence: presenceOf(s, u === s.me ? undefined : u) }),
          h(
            "div",
            { class: "who" },
            h("div", { class: "n", text: u === s.me ? t("info.you", { user: nameOf(u) }) : nameOf(u) }),
            h("div", { class: "r", text: [m.role, u === s.me ? "" : presenceText(s, u)].filter(Boolean).join(" · ") }),
          ),
          manager && u !== s.me && m.role !== "owner"
            ? h("button", {
                type: "button",
                class: "remove",
                onclick: () => act(() => s.manage(c.id, "remove_member", { user: u })),
                text: t("info.remove"),
              })
            : null,
          u === s.me ? null : this.blockButton(u, "", false),
        ),
      );
  }

  private renameForm(c: ConvView, errEl: HTMLElement, act: (fn: () => Promise<unknown>) => void): HTMLElement {
    const input = h("input", {
      id: "rename-input",
      value: c.name,
      maxlength: "200",
      "aria-label": t("info.groupName"),
    });
    const submit = (e: Event) => {
      e.preventDefault();
      const name = input.value.trim();
      if (!name) return void (errEl.textContent = t("info.nameEmpty"));
      void act(() => this.v.s.manage(c.id, "rename", { name }));
    };
    return h(
      "form",
      { class: "inline-form", id: "rename-form", onsubmit: submit, oninput: () => (errEl.textContent = "") },
      input,
      h("button", { type: "submit", class: "secondary", text: t("info.rename") }),
    );
  }

  private addForm(c: ConvView, errEl: HTMLElement, act: (fn: () => Promise<unknown>) => void): HTMLElement {
    const input = h("input", {
      id: "add-members-input",
      placeholder: "username, …",
      autocapitalize: "none",
      spellcheck: "false",
      "aria-label": t("info.addMembers"),
    });
    const submit = (e: Event) => {
      e.preventDefault();
      const users = splitUsers(input.value);
      if (!users.length) return;
      const bad = users.find((u) => !NAME_RE.test(u));
      if (bad) return void (errEl.textContent = `"${bad}" is not a valid username`);
      void act(async () => {
        await this.v.s.manage(c.id, "add_members", { users });
        input.value = "";
      });
    };
    return h(
      "form",
      { class: "inline-form", id: "add-members-form", onsubmit: submit, oninput: () => (errEl.textContent = "") },
      input,
      h("button", { type: "submit", class: "secondary", text: t("info.add") }),
    );
  }

  private leaveBox(c: ConvView, act: (fn: () => Promise<unknown>) => void): HTMLElement {
    const s = this.v.s;
    const box = h("div", { class: "confirm" });
    const leave = () =>
      act(async () => {
        const title = c.title(s.me);
        await s.manage(c.id, "leave", {});
        this.v.ui.infoOpen = false;
        this.v.open(null);
        s.setNotice("info", t("notice.youLeft", { title }));
      });
    const render = (confirming: boolean) => {
      box.replaceChildren(
        ...(confirming
          ? [
              h("span", { text: t("info.leaveQ") }),
              h("button", {
                type: "button",
                class: "danger",
                id: "leave-confirm",
                onclick: leave,
                text: t("info.leave"),
              }),
              h("button", {
                type: "button",
                class: "secondary",
                onclick: () => render(false),
                text: t("common.cancel"),
              }),
            ]
          : [
              h("button", {
                type: "button",
                class: "danger",
                id: "leave-btn",
                onclick: () => render(true),
                text: t("info.leaveGroup"),
              }),
            ]),
      );
    };
    render(false);
    return box;
  }
}
