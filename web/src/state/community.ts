// My communities (docs/PROTOCOL.md "Communities"): the servers I am in, each one's channels,
// roles and members (paged: a server may have 100,000), and the invites I made. A text channel
// is a conversation with the channel's id (history, send, edit, delete, react, read and typing
// on mqchat/v1/c/<id>/...): its messages live in `convs` as conversations of kind "channel",
// kept by the same code as direct and group conversations (conversations.ts), and shown by the
// same view. Its live events come on its own topic, which this device subscribes to while it
// shows the channel (after listing the servers, as the protocol asks). Managing (create, edit,
// roles, invites, kick, ban, overrides) is community_ops.ts. Changed only through its methods;
// the view subscribes through the ChatState's onChange (deps.changed).
import {
  ALL_PERMISSIONS,
  MEMBER_PAGE,
  WireChannel,
  WireInvite,
  WireRole,
  WireServer,
  WireServerMember,
  decodeChannels,
  decodeRoles,
  decodeServerMembers,
  decodeServers,
  memberKeyBefore,
} from "../api/community";
import { ChatError } from "../api/errors";
import { InboxEvent, Response, topics } from "../api/wire";
import { CommunityOps } from "./community_ops";
import { ConversationHooks, Conversations, TYPING_SHOW_MS } from "./conversations";

export const ADMINISTRATOR = 256;
export const MANAGE_MESSAGES = 4;

export interface CommunityDeps extends ConversationHooks {
  me: string;
  request(topic: string, body: Record<string, unknown>): Promise<Response>;
  subscribe(channelId: string): Promise<void>;
  unsubscribe(channelId: string): void;
  changed(): void;
}

/** A server's members as far as loaded (by username), and whether that is all of them. */
interface MemberPages {
  list: WireServerMember[];
  complete: boolean;
  /** My own entry (loaded by itself when I am past the pages loaded). */
  mine?: WireServerMember;
  /** Counts the changes (the view compares it instead of the whole list). */
  version: number;
}

export class Community {
  /** The text channels as conversations (kind "channel"), by channel id. */
  readonly convs: Conversations;
  /** Creating, editing, roles, invites, kick, ban, overrides (community_ops.ts). */
  readonly admin: CommunityOps;
  private _servers: WireServer[] = [];
  private channels = new Map<string, WireChannel[]>(); // by server
  private roles = new Map<string, WireRole[]>();
  private members = new Map<string, MemberPages>();
  private watched: string | null = null; // the channel whose topic this connection has
  private _serverId: string | null = null;
  private _channelId: string | null = null;

  constructor(private deps: CommunityDeps) {
    this.convs = new Conversations(deps.me, deps);
    this.admin = new CommunityOps(this, (op, body) => this.req(op, body), deps.changed);
  }

  // ---- reading ----------------------------------------------------------------------------

  get me(): string {
    return this.deps.me;
  }
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
  /** A text channel this device knows (its conversation is in `convs`). */
  isChannel(id: string | null): boolean {
    return id !== null && this.convs.has(id);
  }
  rolesOf(serverId: string): readonly WireRole[] {
    return this.roles.get(serverId) ?? [];
  }
  /** The members loaded so far, by username (loadMoreMembers adds the next page). */
  membersOf(serverId: string): readonly WireServerMember[] {
    return this.members.get(serverId)?.list ?? [];
  }
  allMembersLoaded(serverId: string): boolean {
    return this.members.get(serverId)?.complete ?? true;
  }
  /** Changes whenever the members loaded of `serverId` change. */
  membersVersion(serverId: string): number {
    return this.members.get(serverId)?.version ?? 0;
  }

  /** My server-wide flags: every flag for the owner or an administrator, else @everyone's and my
   * roles' together (channel overrides are the server's to resolve). */
  myPermissions(serverId: string): number {
    const s = this.server(serverId);
    if (!s) return 0;
    if (s.owner === this.deps.me) return ALL_PERMISSIONS;
    const pages = this.members.get(serverId);
    const mine = pages?.mine ?? pages?.list.find((m) => m.user === this.deps.me);
    const held = new Set([s.everyone_role_id, ...(mine?.role_ids ?? [])]);
    let p = 0;
    for (const r of this.rolesOf(serverId)) if (held.has(r.role_id)) p |= r.permissions;
    return p & ADMINISTRATOR ? ALL_PERMISSIONS : p;
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** After every (re)connect: the server list (which lets the broker load my channel access),
   * the open server again, and the open channel's topic. What the channel missed comes by sync
   * (ChatState runs it after this). */
  async onReady(): Promise<void> {
    this.watched = null; // a new connection has no subscription
    await this.refresh();
    if (this._channelId) await this.watch(this._channelId);
  }

  async refresh(): Promise<void> {
    this._servers = decodeServers(await this.req("servers", {}));
    if (this._serverId && !this.server(this._serverId)) this.close();
    this.deps.changed();
    if (this._serverId) await this.loadServer(this._serverId);
  }

  // ---- navigation -------------------------------------------------------------------------

  /** Opens server `id` (null: back to conversations) at its text channel `channelId` if it
   * has that one (a search result), else at its first text channel. */
  async selectServer(id: string | null, channelId?: string): Promise<void> {
    const wanted = () =>
      id ? this.channelsOf(id).find((c) => c.type === "text" && c.channel_id === channelId) : undefined;
    if (id === this._serverId) {
      const ch = wanted();
      if (ch && this._channelId !== ch.channel_id) await this.openChannel(ch.channel_id);
      return;
    }
    this.close();
    this._serverId = id;
    this.deps.changed();
    if (!id) return;
    await this.loadServer(id);
    const first = wanted() ?? this.channelsOf(id).find((c) => c.type === "text");
    if (first && this._serverId === id && !this._channelId) await this.openChannel(first.channel_id);
  }

  /** The server's channels, roles and first page of members (and my own entry, if not on it). */
  async loadServer(id: string): Promise<void> {
    const [channels, roles, members] = await Promise.all([
      this.req("channels", { server_id: id }),
      this.req("roles", { server_id: id }),
      this.req("server_members", { server_id: id, limit: MEMBER_PAGE }),
    ]);
    const list = decodeServerMembers(members);
    const version = (this.members.get(id)?.version ?? 0) + 1;
    const pages: MemberPages = { list, complete: list.length < MEMBER_PAGE, version };
    if (!pages.complete && !list.some((m) => m.user === this.deps.me)) {
      const after = memberKeyBefore(this.deps.me);
      const r = decodeServerMembers(await this.req("server_members", { server_id: id, after, limit: 1 }));
      if (r[0]?.user === this.deps.me) pages.mine = r[0];
    }
    this.channels.set(id, decodeChannels(channels));
    this.roles.set(id, decodeRoles(roles));
    this.members.set(id, pages);
    this.applyChannels(id);
    this.deps.changed();
  }

  /** The next page of a server's members (by username, after the last one loaded). */
  async loadMoreMembers(id: string): Promise<void> {
    const pages = this.members.get(id);
    if (!pages || pages.complete) return;
    const after = pages.list[pages.list.length - 1]?.user ?? "";
    const next = decodeServerMembers(await this.req("server_members", { server_id: id, after, limit: MEMBER_PAGE }));
    const have = new Set(pages.list.map((m) => m.user));
    pages.list = [...pages.list, ...next.filter((m) => !have.has(m.user))];
    pages.complete = next.length < MEMBER_PAGE;
    pages.version++;
    this.applyChannels(id);
    this.deps.changed();
  }

  /** The server's text channels as conversations, with the members loaded and my role. */
  private applyChannels(id: string): void {
    const s = this.server(id);
    const perms = this.myPermissions(id);
    const role = s?.owner === this.deps.me ? "owner" : perms & MANAGE_MESSAGES ? "admin" : "member";
    const users = this.membersOf(id).map((m) => m.user);
    for (const ch of this.channelsOf(id)) if (ch.type === "text") this.convs.applyChannel(ch, users, role);
  }

  /** Shows channel `id`: its topic is subscribed (the view loads its history as for any
   * conversation, ChatState.loadLatest). */
  async openChannel(id: string): Promise<void> {
    await this.watch(id); // subscribed before the history is asked: nothing falls between
    this._channelId = id;
    this.deps.changed();
  }

  private async watch(id: string): Promise<void> {
    if (this.watched && this.watched !== id) this.deps.unsubscribe(this.watched);
    if (this.watched !== id) {
      await this.deps.subscribe(id);
      this.watched = id;
    }
  }

  private close(): void {
    if (this.watched) this.deps.unsubscribe(this.watched);
    this.watched = null;
    this._serverId = null;
    this._channelId = null;
  }

  /** I left, was kicked or banned, or the server went: forget it (its channels' pending sends
   * go with them) and close it if open. */
  forgetServer(id: string): void {
    for (const ch of this.channelsOf(id)) this.convs.drop(ch.channel_id);
    this.channels.delete(id);
    this.members.delete(id);
    this.roles.delete(id);
    this._servers = this._servers.filter((s) => s.server_id !== id);
    if (this._serverId === id) this.close();
  }

  /** A channel request was refused with NOT_MEMBER: I may have lost the channel (kicked,
   * banned, a role or override taken away). The lists are asked again; what is gone goes. */
  onRefused(channelId: string, e: unknown): void {
    if (!(e instanceof ChatError) || e.code !== "NOT_MEMBER" || !this.isChannel(channelId)) return;
    const serverId = this.channel(channelId)?.server_id;
    void this.refresh()
      .then(() => {
        if (serverId && !this.server(serverId)) this.forgetServer(serverId);
        else if (serverId && !this.channelsOf(serverId).some((c) => c.channel_id === channelId)) {
          this.convs.drop(channelId);
          if (this._channelId === channelId) this._channelId = null;
        }
        this.deps.changed();
      })
      .catch(() => {});
  }

  // ---- events -------------------------------------------------------------------------------

  /** An event on a channel's topic: a message or another kind (conversations.ts applies it
   * once by seq), or typing. */
  onChannelEvent(channelId: string, ev: InboxEvent): void {
    if (ev.type === "message") {
      const { type: _t, ...m } = ev;
      this.convs.addMessage({ ...m, conversation_id: channelId }, true);
    } else if (ev.type === "typing") {
      if (!this.convs.applyTyping(channelId, ev.user, ev.typing)) return;
      setTimeout(() => this.deps.changed(), TYPING_SHOW_MS + 50); // the indicator expires
    } else return;
    this.deps.changed();
  }

  // ---- for community_ops.ts ---------------------------------------------------------------

  /** @internal */
  setServers(list: WireServer[]): void {
    this._servers = list;
  }

  private req(op: string, body: Record<string, unknown>): Promise<Response> {
    return this.deps.request(topics.req(op), body);
  }
}

export type { WireInvite };
