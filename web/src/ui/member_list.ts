// A server's member list (community_view.ts): the members loaded so far with their roles, a
// "Show more" button for the next page while the server has more (PROTOCOL.md `server_members`
// pages of at most 1,000, by username), and for those allowed, kick and ban with a confirmation
// in the row (nobody kicks the owner or themselves; the server checks the rest).
import type { WireServer, WireServerMember } from "../api/community";
import { t } from "../i18n/i18n";
import type { ChatState } from "../state/chat";
import { avatar, h } from "./dom";

const KICK = 32;
const BAN = 64;

export class MemberList {
  /** The row asking for a confirmation: "<user>:kick" or "<user>:ban". */
  private confirming: string | null = null;

  constructor(
    private s: ChatState,
    private list: HTMLElement,
    private head: HTMLElement,
    private run: (p: Promise<unknown>) => Promise<void>,
    private redraw: () => void,
  ) {}

  /** What the list shows (the view draws it again when this changes). */
  sig(server: WireServer): unknown {
    const c = this.s.community;
    const id = server.server_id;
    return [server, c.membersVersion(id), c.rolesOf(id), c.allMembersLoaded(id), this.confirming, c.myPermissions(id)];
  }

  render(server: WireServer): void {
    const c = this.s.community;
    const id = server.server_id;
    const members = c.membersOf(id);
    const roles = new Map(c.rolesOf(id).map((r) => [r.role_id, r.name]));
    const perms = c.myPermissions(id);
    this.head.textContent = t("srv.members", { count: Math.max(server.member_count, members.length) });
    const items = members.map((m) => {
      const chips = m.role_ids
        .filter((rid) => rid !== server.everyone_role_id && roles.has(rid))
        .map((rid) => h("span", { class: "role-chip" }, roles.get(rid)!));
      if (m.owner) chips.unshift(h("span", { class: "role-chip owner" }, t("srv.owner")));
      return h(
        "li",
        { class: "member", "data-user": m.user },
        avatar(m.user, { size: "s" }),
        h("span", { class: "member-name" }, m.user),
        h("span", { class: "member-roles" }, ...chips),
        this.actions(server, m, perms),
      );
    });
    if (!c.allMembersLoaded(id)) {
      const more = h("button", { type: "button", class: "secondary", id: "members-more" }, t("srv.moreMembers"));
      more.onclick = () => void this.run(c.loadMoreMembers(id));
      items.push(h("li", { class: "member-more" }, more));
    }
    this.list.replaceChildren(...items);
  }

  private actions(server: WireServer, m: WireServerMember, perms: number): HTMLElement | null {
    if (m.owner || m.user === this.s.me || !(perms & (KICK | BAN))) return null;
    const box = h("span", { class: "member-actions" });
    const ask = (what: "kick" | "ban") => {
      this.confirming = `${m.user}:${what}`;
      this.redraw();
    };
    const confirming = this.confirming?.startsWith(`${m.user}:`) ? this.confirming.slice(m.user.length + 1) : null;
    if (confirming === "kick" || confirming === "ban") {
      const ban = confirming === "ban";
      const yes = h(
        "button",
        { type: "button", class: "danger small member-confirm" },
        t(ban ? "srv.banConfirm" : "srv.kickConfirm", { user: m.user }),
      );
      yes.onclick = () => {
        this.confirming = null;
        void this.run(this.s.community.admin.remove(server.server_id, m.user, ban));
      };
      const no = h("button", { type: "button", class: "secondary small" }, t("common.cancel"));
      no.onclick = () => {
        this.confirming = null;
        this.redraw();
      };
      box.append(yes, no);
      return box;
    }
    if (perms & KICK) {
      const b = h("button", {
        type: "button",
        class: "link member-kick",
        "aria-label": t("srv.kick", { user: m.user }),
      });
      b.textContent = t("srv.kickShort");
      b.onclick = () => ask("kick");
      box.append(b);
    }
    if (perms & BAN) {
      const b = h("button", { type: "button", class: "link member-ban", "aria-label": t("srv.ban", { user: m.user }) });
      b.textContent = t("srv.banShort");
      b.onclick = () => ask("ban");
      box.append(b);
    }
    return box;
  }
}
