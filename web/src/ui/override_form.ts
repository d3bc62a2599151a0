// Per-channel permission overrides in the server settings (PROTOCOL.md `override_set`): pick a
// channel and a role, and for each flag leave the role's own, allow it, or deny it in that
// channel; saving sends both masks (all "Default": the override is removed). The protocol has no
// op that lists overrides, so the form starts from "Default" and says what it saved.
import { PERMISSIONS } from "../api/community";
import { t } from "../i18n/i18n";
import type { ChatState } from "../state/chat";
import { h } from "./dom";
import { field } from "./server_settings";

export function overrideSection(s: ChatState, id: string, run: (p: Promise<unknown>) => void): HTMLElement {
  const c = s.community;
  const channels = c.channelsOf(id).filter((x) => x.type === "text");
  const roles = c.rolesOf(id);
  const channel = h(
    "select",
    { id: "override-channel" },
    ...channels.map((x) => h("option", { value: x.channel_id }, `#${x.name}`)),
  );
  const role = h("select", { id: "override-role" }, ...roles.map((r) => h("option", { value: r.role_id }, r.name)));
  const flags = PERMISSIONS.filter(([flag]) => flag !== "administrator").map(([flag, bit]) => {
    const sel = h(
      "select",
      { id: `override-${flag}`, "data-flag": flag },
      h("option", { value: "" }, t("srv.overrideInherit")),
      h("option", { value: "allow" }, t("srv.overrideAllow")),
      h("option", { value: "deny" }, t("srv.overrideDeny")),
    );
    return { bit, sel, row: field(t(`perm.${flag}`), sel) };
  });
  const status = h("p", { class: "muted", id: "override-status", role: "status" });
  const save = h("button", { type: "button", class: "secondary", id: "override-save" }, t("srv.overrideSave"));
  save.onclick = () => {
    let allow = 0;
    let deny = 0;
    for (const f of flags) {
      if (f.sel.value === "allow") allow |= f.bit;
      if (f.sel.value === "deny") deny |= f.bit;
    }
    const chName = channels.find((x) => x.channel_id === channel.value)?.name ?? "";
    const roleName = roles.find((r) => r.role_id === role.value)?.name ?? "";
    status.textContent = "";
    run(
      c.admin
        .setOverride(channel.value, role.value, allow, deny)
        .then(() => (status.textContent = t("srv.overrideSaved", { role: roleName, channel: chName }))),
    );
  };
  return h(
    "section",
    { "aria-labelledby": "settings-overrides-h" },
    h("h3", { id: "settings-overrides-h" }, t("srv.overrides")),
    field(t("srv.overrideChannel"), channel),
    field(t("srv.overrideRole"), role),
    h("div", { class: "override-flags" }, ...flags.map((f) => f.row)),
    save,
    status,
  );
}
