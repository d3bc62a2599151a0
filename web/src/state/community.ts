// My communities (docs/PROTOCOL.md "Communities"): the servers I am in, each one's channels,
// roles and members, the invites I made, and the messages of the channels I opened. A channel
// is a conversation with the channel's id (history and send on mqchat/v1/c/<id>/...) whose live
// messages come on its own topic, which this device subscribes to while it shows the channel
// (after listing the servers, as the protocol asks). Changed only through its methods; the view
// subscribes through the ChatState's onChange (deps.changed).
import {
  ALL_PERMISSIONS,
  WireChannel,
  WireInvite,
  WireRole,
  WireServer,
  WireServerMember,
  decodeChannel,
  decodeChannels,
  decodeInvite,
  decodeRole,
  decodeRoles,
  decodeServer,
  decodeServerMembers,
  decodeServers,
} from "../api/community";
import { decodeHistory, decodeSendAck } from "../api/decode";
import { InboxEvent, Response, WireMessage, topics } from "../api/wire";

const NEWEST = { before_seq: Number.MAX_SAFE_INTEGER, limit: 50 }; // the latest page
export const ADMINISTRATOR = 256;

export interface CommunityDeps {
  me: string;
  request(topic: string, body: Record<string, unknown>): Promise<Response>;
  subscribe(channelId: string): Promise<void>;
  unsubscribe(channelId: string): void;
  changed(): void;
}

/** The messages of one channel this device has, by seq. */
class ChannelLog {
  readonly bySeq = new Map<number, WireMessage>();
  loaded = false;

  add(m: WireMessage): boolean {
    if ((m.kind ?? "message") !== "message" || this.bySeq.has(m.seq)) return false;
    this.bySeq.set(m.seq, m);
    return true;
  }

  sorted(): WireMessage[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
}

export class Community {
  private _servers: WireServer[] = [];
  private channels = new Map<string, WireChannel[]>(); // by server
  private roles = new Map<string, WireRole[]>();
  private members = new Map<string, WireServerMember[]>();
  private invites = new Map<string, WireInvite[]>(); // the ones I made on this page
  private logs = new Map<string, ChannelLog>();
  private watched: string | null = null; // the channel whose topic this connection has
  private _serverId: string | null = null;
  private _channelId: string | null = null;
  private sendCounter = 0;

  constructor(private deps: CommunityDeps) {}

  // ---- reading ----------------------------------------------------------------------------

  get servers(): readonly WireServer[] {
    return this._servers;
  }
  get serverId(): string | null {
    return this._serverId;
  }
  get channelId(): string | null {
    return this._channelId;
  }
  server(id: string | null): WireServer | undefined {
    return this._servers.find((s) => s.server_id === id);
  }
  channelsOf(serverId: string): readonly WireChannel[] {
    return this.channels.get(serverId) ?? [];
  }
  channel(id: string | null): WireChannel | undefined {
    for (const list of this.channels.values()) for (const c of list) if (c.channel_id === id) return c;
    return undefined;
  }
  rolesOf(serverId: string): readonly WireRole[] {
    return this.roles.get(serverId) ?? [];
  }
  membersOf(serverId: string): readonly WireServerMember[] {
    return this.members.get(serverId) ?? [];
  }
  invitesOf(serverId: string): readonly WireInvite[] {
    return this.invites.get(serverId) ?? [];
  }
  messagesOf(channelId: string): WireMessage[] {
    return this.logs.get(channelId)?.sorted() ?? [];
  }
  loadedChannel(channelId: string): boolean {
    return this.logs.get(channelId)?.loaded ?? false;
  }

  /** My server-wide flags: every flag for the owner or an administrator, else @everyone's and my
   * roles' together (channel overrides are the server's to resolve). */
  myPermissions(serverId: string): number {
    const s = this.server(serverId);
    if (!s) return 0;
    if (s.owner === this.deps.me) return ALL_PERMISSIONS;
    const mine = this.membersOf(serverId).find((m) => m.user === this.deps.me);
    const held = new Set([s.everyone_role_id, ...(mine?.role_ids ?? [])]);
    let p = 0;
    for (const r of this.rolesOf(serverId)) if (held.has(r.role_id)) p |= r.permissions;
    return p & ADMINISTRATOR ? ALL_PERMISSIONS : p;
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** After every (re)connect: the server list (which lets the broker load my channel access),
   * the open server again, and the open channel's topic and latest messages. */
  async onReady(): Promise<void> {
    this.watched = null; // a new connection has no subscription
    await this.refresh();
    if (this._channelId) await this.watch(this._channelId, true);
  }

  async refresh(): Promise<void> {
    this._servers = decodeServers(await this.req("servers", {}));
    if (this._serverId && !this.server(this._serverId)) this.close();
    this.deps.changed();
    if (this._serverId) await this.loadServer(this._serverId);
  }

  // ---- navigation -------------------------------------------------------------------------

  /** Opens server `id` (null: back to conversations) and its first text channel. */
  async selectServer(id: string | null): Promise<void> {
    if (id === this._serverId) return;
    this.close();
    this._serverId = id;
    this.deps.changed();
    if (!id) return;
    await this.loadServer(id);
    const first = this.channelsOf(id).find((c) => c.type === "text");
    if (first && this._serverId === id && !this._channelId) await this.openChannel(first.channel_id);
  }

  async loadServer(id: string): Promise<void> {
    const [channels, roles, members] = await Promise.all([
      this.req("channels", { server_id: id }),
      this.req("roles", { server_id: id }),
      this.req("server_members", { server_id: id, limit: 1000 }),
    ]);
    this.channels.set(id, decodeChannels(channels));
    this.roles.set(id, decodeRoles(roles));
    this.members.set(id, decodeServerMembers(members));
    this.deps.changed();
  }

  async openChannel(id: string): Promise<void> {
    this._channelId = id;
    this.deps.changed();
    await this.watch(id, false);
  }

  private async watch(id: string, reload: boolean): Promise<void> {
    if (this.watched && this.watched !== id) this.deps.unsubscribe(this.watched);
    if (this.watched !== id) {
      await this.deps.subscribe(id);
      this.watched = id;
    }
    const log = this.log(id);
    if (!log.loaded || reload) {
      const page = decodeHistory(await this.deps.request(topics.conv(id, "history"), NEWEST));
      for (const m of page.messages) log.add(m);
      log.loaded = true;
      this.deps.changed();
    }
  }

  private close(): void {
    if (this.watched) this.deps.unsubscribe(this.watched);
    this.watched = null;
    this._serverId = null;
    this._channelId = null;
  }

  // ---- events and sending -------------------------------------------------------------------

  /** An event on a channel's topic: its message (other kinds are not shown here yet). */
  onChannelEvent(channelId: string, ev: InboxEvent): void {
    if (ev.type !== "message") return;
    const { type: _t, ...m } = ev;
    if (this.log(channelId).add({ ...m, conversation_id: channelId })) this.deps.changed();
  }

  async send(channelId: string, text: string): Promise<void> {
    const client_msg_id = `w-${Date.now().toString(36)}-${++this.sendCounter}-${Math.random().toString(36).slice(2, 8)}`;
    const ack = decodeSendAck(await this.deps.request(topics.conv(channelId, "send"), { client_msg_id, text }));
    const m = { conversation_id: channelId, seq: ack.seq, message_id: ack.message_id, sender: this.deps.me };
    if (this.log(channelId).add({ ...m, client_msg_id, text, sent_at_ms: ack.server_time_ms })) this.deps.changed();
  }

  // ---- managing ---------------------------------------------------------------------------

  async createServer(name: string): Promise<WireServer> {
    const s = decodeServer((await this.req("server_create", { name })).server);
    await this.refresh();
    await this.selectServer(s.server_id);
    return s;
  }

  async renameServer(id: string, name: string): Promise<void> {
    const s = decodeServer((await this.req("server_rename", { server_id: id, name })).server);
    this._servers = this._servers.map((x) => (x.server_id === id ? s : x));
    this.deps.changed();
  }

  /** Joins by invite code and opens the server. */
  async join(code: string): Promise<WireServer> {
    const s = decodeServer((await this.req("invite_join", { code })).server);
    await this.refresh();
    await this.selectServer(s.server_id);
    return s;
  }

  async leave(id: string): Promise<void> {
    await this.req("server_leave", { server_id: id });
    if (this._serverId === id) this.close();
    await this.refresh();
  }

  async createChannel(serverId: string, name: string, type: "text" | "category", categoryId = "0"): Promise<void> {
    const body: Record<string, unknown> = { server_id: serverId, name, type };
    if (type === "text" && categoryId !== "0") body.category_id = categoryId;
    decodeChannel((await this.req("channel_create", body)).channel);
    await this.loadServer(serverId);
  }

  async editChannel(channelId: string, fields: { name?: string; topic?: string; category_id?: string }) {
    const c = decodeChannel((await this.req("channel_edit", { channel_id: channelId, ...fields })).channel);
    await this.loadServer(c.server_id);
  }

  async createRole(serverId: string, name: string, permissions: number): Promise<void> {
    decodeRole((await this.req("role_create", { server_id: serverId, name, permissions })).role);
    await this.loadServer(serverId);
  }

  async editRole(role: WireRole, fields: { name?: string; permissions?: number }): Promise<void> {
    decodeRole((await this.req("role_edit", { role_id: role.role_id, ...fields })).role);
    await this.loadServer(role.server_id);
  }

  async setRole(role: WireRole, user: string, on: boolean): Promise<void> {
    await this.req(on ? "role_assign" : "role_unassign", { role_id: role.role_id, user });
    await this.loadServer(role.server_id);
  }

  async createInvite(serverId: string, expiresInMs: number, maxUses: number): Promise<WireInvite> {
    const body = { server_id: serverId, expires_in_ms: expiresInMs, max_uses: maxUses };
    const inv = decodeInvite((await this.req("invite_create", body)).invite);
    this.invites.set(serverId, [inv, ...this.invitesOf(serverId)]);
    this.deps.changed();
    return inv;
  }

  private req(op: string, body: Record<string, unknown>): Promise<Response> {
    return this.deps.request(topics.req(op), body);
  }

  private log(id: string): ChannelLog {
    let l = this.logs.get(id);
    if (!l) this.logs.set(id, (l = new ChannelLog()));
    return l;
  }
}
