// The community dialogs: create a server, join one by invite, and a server's settings for those
// allowed (rename: the owner; channels and categories: manage_channels; roles, their permission
// flags and who holds them: manage_roles; invite links: create_invite). Each change is a request
// (state/community.ts); a refusal shows in the dialog. Native <dialog>s: Escape closes them, and
// the focus goes back to the button that opened them.
import { PERMISSIONS, WireRole } from "../api/community";
import { overrideSection } from "./override_form";
import type { ChatState } from "../state/chat";
import { describeError } from "../state/describe";
import { t } from "../i18n/i18n";
import { h } from "./dom";
import { inviteCodeOf, inviteLink } from "./invite_link";

const MANAGE = 8 | 16 | 128; // manage_channels, manage_roles, create_invite
const DAY_MS = 86_400_000;

/** Whether my flags `p` open any part of the settings. */
export function canManage(p: number): boolean {
  return (p & MANAGE) !== 0;
}

let fieldCounter = 0;
export function field(label: string, input: HTMLElement): HTMLElement {
  const id = input.id || `sf-${++fieldCounter}`;
  input.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), input);
}

export class ServerSettings {
  private dialog = h("dialog", {
    id: "server-dialog",
    class: "dialog server-dialog",
    "aria-labelledby": "server-dialog-title",
  });
  private opener: HTMLElement | null = null;
  private serverId: string | null = null;
  private draw: (() => void) | null = null;
  private unsub: () => void;

  constructor(private s: ChatState) {
    document.body.append(this.dialog);
    this.dialog.addEventListener("close", () => {
      this.draw = null;
      // The opener may have been drawn again meanwhile (the rail): the one with its id then.
      const o = this.opener;
      (o?.isConnected ? o : o?.id ? document.getElementById(o.id) : null)?.focus();
    });
    this.unsub = s.onChange(() => this.draw?.());
  }

  destroy(): void {
    this.unsub();
    if (this.dialog.open) this.dialog.close();
    this.dialog.remove();
  }

  /** "Create a server": a name. */
  askCreate(opener: HTMLElement): void {
    const name = h("input", { id: "server-create-name", maxlength: "100", required: true });
    this.form(opener, t("srv.createTitle"), [field(t("srv.name"), name)], t("srv.createSubmit"), async () => {
      await this.s.community.admin.createServer(name.value.trim());
    });
  }

  /** "Join with an invite": a link or a code. */
  askJoin(opener: HTMLElement): void {
    const code = h("input", { id: "server-join-code", spellcheck: "false", autocapitalize: "none" });
    this.form(opener, t("srv.joinTitle"), [field(t("srv.inviteCode"), code)], t("srv.joinSubmit"), async () => {
      const c = inviteCodeOf(code.value);
      if (!c) throw new Error(t("srv.inviteCode"));
      await this.s.community.admin.join(c);
    });
  }

  /** A one-form dialog: `submit` runs on Enter or the button; it closes on success. */
  private form(opener: HTMLElement, title: string, fields: HTMLElement[], label: string, submit: () => Promise<void>) {
    const error = h("div", { class: "form-error", role: "alert" });
    const f = h(
      "form",
      { method: "dialog", novalidate: true },
      h("h2", { id: "server-dialog-title" }, title),
      ...fields,
      error,
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { type: "button", class: "secondary", onclick: () => this.dialog.close() }, t("common.cancel")),
        h("button", { type: "submit", class: "primary", id: "server-dialog-submit" }, label),
      ),
    );
    f.addEventListener("submit", (e) => {
      e.preventDefault();
      error.textContent = "";
      submit().then(
        () => this.dialog.close(),
        (err) => (error.textContent = describeError(err)),
      );
    });
    this.show(opener, f);
  }

  /** The settings of server `id`, drawn again when the state changes. */
  open(id: string, opener: HTMLElement): void {
    this.serverId = id;
    const body = h("div", { class: "settings-body" });
    const error = h("div", { class: "form-error", role: "alert", id: "server-settings-error" });
    const close = h("button", { type: "button", class: "secondary", id: "server-settings-close" }, t("srv.close"));
    close.onclick = () => this.dialog.close();
    this.show(
      opener,
      h(
        "div",
        null,
        h("h2", { id: "server-dialog-title" }, t("srv.settings")),
        error,
        body,
        h("div", { class: "dialog-actions" }, close),
      ),
    );
    const run = (p: Promise<unknown>) => {
      error.textContent = "";
      p.catch((e) => (error.textContent = describeError(e)));
    };
    let sig = "";
    this.draw = () => {
      const c = this.s.community;
      const next = JSON.stringify([c.server(id), c.channelsOf(id), c.rolesOf(id), c.admin.invitesOf(id)]);
      if (next === sig) return;
      sig = next;
      const focused = document.activeElement?.id;
      body.replaceChildren(...this.sections(id, run));
      if (focused) document.getElementById(focused)?.focus();
    };
    this.draw();
  }

  private show(opener: HTMLElement, content: HTMLElement): void {
    this.opener = opener;
    this.draw = null;
    this.dialog.replaceChildren(content);
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.querySelector<HTMLElement>("input, select, button")?.focus();
  }

  private sections(id: string, run: (p: Promise<unknown>) => void): HTMLElement[] {
    const c = this.s.community;
    const server = c.server(id);
    if (!server) return [];
    const p = c.myPermissions(id);
    const out: HTMLElement[] = [];
    if (server.owner === this.s.me) {
      const name = h("input", { id: "settings-server-name", maxlength: "100", value: server.name });
      const save = h("button", { type: "button", class: "secondary", id: "settings-rename" }, t("srv.rename"));
      save.onclick = () => run(c.admin.renameServer(id, name.value.trim()));
      out.push(h("section", null, field(t("srv.name"), name), save));
    }
    if (p & 8) out.push(this.channelSection(id, run));
    if (p & 16) out.push(this.roleSection(id, run));
    if (p & 16 && c.channelsOf(id).some((x) => x.type === "text")) out.push(overrideSection(this.s, id, run));
    if (p & 128) out.push(this.inviteSection(id, run));
    return out;
  }

  private channelSection(id: string, run: (p: Promise<unknown>) => void): HTMLElement {
    const c = this.s.community;
    const channels = c.channelsOf(id);
    const cats = channels.filter((x) => x.type === "category");
    const rows = channels.map((ch) => {
      const name = h("input", { value: ch.name, maxlength: "100", id: `settings-channel-${ch.channel_id}` });
      const save = h("button", { type: "button", class: "secondary" }, t("srv.save"));
      save.onclick = () => run(c.admin.editChannel(ch.channel_id, { name: name.value.trim() }));
      const label = ch.type === "category" ? t("srv.typeCategory") : `#${ch.name}`;
      return h("li", null, field(label, name), save);
    });
    const name = h("input", { id: "new-channel-name", maxlength: "100" });
    const type = h(
      "select",
      { id: "new-channel-type" },
      h("option", { value: "text" }, t("srv.typeText")),
      h("option", { value: "category" }, t("srv.typeCategory")),
    );
    const cat = h(
      "select",
      { id: "new-channel-category" },
      h("option", { value: "0" }, t("srv.noCategory")),
      ...cats.map((k) => h("option", { value: k.channel_id }, k.name)),
    );
    const add = h("button", { type: "button", class: "primary", id: "new-channel-create" }, t("srv.addChannel"));
    add.onclick = () => {
      const kind = type.value === "category" ? "category" : "text";
      run(c.admin.createChannel(id, name.value.trim(), kind, cat.value).then(() => (name.value = "")));
    };
    return h(
      "section",
      { "aria-labelledby": "settings-channels-h" },
      h("h3", { id: "settings-channels-h" }, t("srv.channels")),
      h("ul", { class: "settings-list" }, ...rows),
      h("h4", null, t("srv.newChannel")),
      field(t("srv.channelName"), name),
      field(t("srv.channelType"), type),
      field(t("srv.category"), cat),
      add,
    );
  }

  private roleSection(id: string, run: (p: Promise<unknown>) => void): HTMLElement {
    const c = this.s.community;
    const roles = c.rolesOf(id);
    const rows = roles.map((r) => this.roleRow(r, run));
    const name = h("input", { id: "new-role-name", maxlength: "100" });
    const add = h("button", { type: "button", class: "primary", id: "new-role-create" }, t("srv.addRole"));
    add.onclick = () => run(c.admin.createRole(id, name.value.trim(), 1 | 2).then(() => (name.value = "")));
    const user = h("input", { id: "assign-user", autocapitalize: "none", spellcheck: "false" });
    const role = h(
      "select",
      { id: "assign-role" },
      ...roles
        .filter((r) => r.role_id !== c.server(id)?.everyone_role_id)
        .map((r) => h("option", { value: r.role_id }, r.name)),
    );
    const give = h("button", { type: "button", class: "secondary", id: "assign-submit" }, t("srv.assignSubmit"));
    give.onclick = () => {
      const r = roles.find((x) => x.role_id === role.value);
      if (r) run(c.admin.setRole(r, user.value.trim(), true));
    };
    return h(
      "section",
      { "aria-labelledby": "settings-roles-h" },
      h("h3", { id: "settings-roles-h" }, t("srv.roles")),
      h("ul", { class: "settings-list" }, ...rows),
      field(t("srv.roleName"), name),
      add,
      h("h4", null, t("srv.assign")),
      field(t("srv.assignUser"), user),
      field(t("srv.assignRole"), role),
      give,
    );
  }

  /** A role and its permission flags, each a checkbox that saves at once. */
  private roleRow(r: WireRole, run: (p: Promise<unknown>) => void): HTMLElement {
    const boxes = PERMISSIONS.map(([flag, bit]) => {
      const box = h("input", { type: "checkbox", id: `perm-${r.role_id}-${flag}`, "data-flag": flag });
      box.checked = (r.permissions & bit) !== 0;
      box.onchange = () => run(this.s.community.admin.editRole(r, { permissions: r.permissions ^ bit }));
      return h("label", { class: "perm", for: box.id }, box, t(`perm.${flag}`));
    });
    const legend = h("legend", null, r.name);
    return h("li", { class: "role-row", "data-role": r.name }, h("fieldset", null, legend, ...boxes));
  }

  private inviteSection(id: string, run: (p: Promise<unknown>) => void): HTMLElement {
    const c = this.s.community;
    const expiry = h(
      "select",
      { id: "invite-expiry" },
      h("option", { value: String(7 * DAY_MS) }, t("srv.inviteWeek")),
      h("option", { value: String(DAY_MS) }, t("srv.inviteDay")),
      h("option", { value: "0" }, t("srv.inviteNever")),
    );
    const uses = h("input", { id: "invite-max-uses", type: "number", min: "0", value: "0" });
    const make = h("button", { type: "button", class: "primary", id: "invite-create" }, t("srv.inviteCreate"));
    make.onclick = () => run(c.admin.createInvite(id, Number(expiry.value), Math.max(0, Number(uses.value) | 0)));
    const links = c.admin.invitesOf(id).map((inv, i) => {
      const link = h("input", { readonly: true, value: inviteLink(inv.code), class: "invite-link" });
      if (i === 0) link.id = "invite-link";
      const n = inv.max_uses
        ? t("srv.inviteUses", { uses: inv.uses, max: inv.max_uses })
        : t("srv.inviteUnlimited", { count: inv.uses, uses: inv.uses });
      return h("li", null, field(t("srv.inviteLink"), link), h("span", { class: "muted" }, n));
    });
    return h(
      "section",
      { "aria-labelledby": "settings-invites-h" },
      h("h3", { id: "settings-invites-h" }, t("srv.invites")),
      field(t("srv.inviteExpiry"), expiry),
      field(t("srv.inviteMaxUses"), uses),
      make,
      h("ul", { class: "settings-list" }, ...links),
    );
  }
}
