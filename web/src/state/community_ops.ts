// Managing communities (docs/PROTOCOL.md "Communities"): servers (create, rename, join, leave),
// channels, roles and their assignment, per-channel overrides, invites, and kicking or banning a
// member. Each asks the server, then reloads what it changed into the Community (community.ts),
// whose `admin` this is.
import {
  WireInvite,
  WireRole,
  WireServer,
  decodeChannel,
  decodeInvite,
  decodeRole,
  decodeServer,
} from "../api/community";
import type { Response } from "../api/wire";
import type { Community } from "./community";

export class CommunityOps {
  private invites = new Map<string, WireInvite[]>(); // the ones I made on this page

  constructor(
    private c: Community,
    private req: (op: string, body: Record<string, unknown>) => Promise<Response>,
    private changed: () => void,
  ) {}

  invitesOf(serverId: string): readonly WireInvite[] {
    return this.invites.get(serverId) ?? [];
  }

  async createServer(name: string): Promise<WireServer> {
    const s = decodeServer((await this.req("server_create", { name })).server);
    await this.c.refresh();
    await this.c.selectServer(s.server_id);
    return s;
  }

  async renameServer(id: string, name: string): Promise<void> {
    const s = decodeServer((await this.req("server_rename", { server_id: id, name })).server);
    this.c.setServers(this.c.servers.map((x) => (x.server_id === id ? s : x)));
    this.changed();
  }

  /** Joins by invite code and opens the server. */
  async join(code: string): Promise<WireServer> {
    const s = decodeServer((await this.req("invite_join", { code })).server);
    await this.c.refresh();
    await this.c.selectServer(s.server_id);
    return s;
  }

  async leave(id: string): Promise<void> {
    await this.req("server_leave", { server_id: id });
    this.c.forgetServer(id);
    this.changed();
    await this.c.refresh();
  }

  /** Removes `user` from the server (an invite brings them back); `ban`: and refuses their
   * later joins. */
  async remove(serverId: string, user: string, ban: boolean): Promise<void> {
    await this.req(ban ? "ban" : "kick", { server_id: serverId, user });
    await this.c.refresh();
  }

  async createChannel(serverId: string, name: string, type: "text" | "category", categoryId = "0"): Promise<void> {
    const body: Record<string, unknown> = { server_id: serverId, name, type };
    if (type === "text" && categoryId !== "0") body.category_id = categoryId;
    decodeChannel((await this.req("channel_create", body)).channel);
    await this.c.loadServer(serverId);
  }

  async editChannel(channelId: string, fields: { name?: string; topic?: string; category_id?: string }) {
    const ch = decodeChannel((await this.req("channel_edit", { channel_id: channelId, ...fields })).channel);
    await this.c.loadServer(ch.server_id);
  }

  async createRole(serverId: string, name: string, permissions: number): Promise<void> {
    decodeRole((await this.req("role_create", { server_id: serverId, name, permissions })).role);
    await this.c.loadServer(serverId);
  }

  async editRole(role: WireRole, fields: { name?: string; permissions?: number }): Promise<void> {
    decodeRole((await this.req("role_edit", { role_id: role.role_id, ...fields })).role);
    await this.c.loadServer(role.server_id);
  }

  async setRole(role: WireRole, user: string, on: boolean): Promise<void> {
    await this.req(on ? "role_assign" : "role_unassign", { role_id: role.role_id, user });
    await this.c.loadServer(role.server_id);
  }

  /** A role's override in one channel: the flags it allows and denies there (both 0: none).
   * Nothing this page lists changes (the server resolves overrides), so nothing is reloaded. */
  async setOverride(channelId: string, roleId: string, allow: number, deny: number): Promise<void> {
    await this.req("override_set", { channel_id: channelId, role_id: roleId, allow, deny });
  }

  async createInvite(serverId: string, expiresInMs: number, maxUses: number): Promise<WireInvite> {
    const body = { server_id: serverId, expires_in_ms: expiresInMs, max_uses: maxUses };
    const inv = decodeInvite((await this.req("invite_create", body)).invite);
    this.invites.set(serverId, [inv, ...this.invitesOf(serverId)]);
    this.changed();
    return inv;
  }
}
