// Communities on the wire (docs/PROTOCOL.md "Communities"): servers, channels, roles, members
// and invites as the ops answer them, their decoders, the permission flags, the channel topic.
// Unread and mention counts and read positions of a channel are optional: decoded when sent.
import { aString, arr, num, obj, str } from "./decode";
import { DecodeError } from "./errors";
import { ROOT, type Response } from "./wire";

export interface WireServer {
  server_id: string;
  name: string;
  owner: string;
  everyone_role_id: string;
  member_count: number;
}

export type ChannelType = "text" | "voice" | "category";

export interface WireChannel {
  channel_id: string;
  server_id: string;
  name: string;
  type: ChannelType;
  topic: string;
  position: number;
  category_id: string; // "0" or "": none
  unread?: number;
  unread_mentions?: number;
  read_seq?: number;
  last_seq?: number;
  /** Slow mode, if the server sends it for channels (as `conversations` does): seconds. */
  slow_mode_s?: number;
}

export interface WireRole {
  role_id: string;
  server_id: string;
  name: string;
  permissions: number;
  position: number;
}

export interface WireServerMember {
  user: string;
  owner: boolean;
  role_ids: string[];
}

export interface WireInvite {
  code: string;
  server_id: string;
  expires_at_ms: number;
  max_uses: number;
  uses: number;
}

/** The permission flags, bit by bit, in the protocol's order. */
export const PERMISSIONS = [
  ["view_channel", 1],
  ["send_messages", 2],
  ["manage_messages", 4],
  ["manage_channels", 8],
  ["manage_roles", 16],
  ["kick_members", 32],
  ["ban_members", 64],
  ["create_invite", 128],
  ["administrator", 256],
] as const;
export type Permission = (typeof PERMISSIONS)[number][0];
export const ALL_PERMISSIONS = 511;

export const channelTopic = (id: string) => `${ROOT}/ch/${id}`;

/** The channel id of a channel topic (mqchat/v1/ch/<id>), or null. */
export function channelTopicId(topic: string): string | null {
  const prefix = `${ROOT}/ch/`;
  if (!topic.startsWith(prefix)) return null;
  const id = topic.slice(prefix.length);
  return /^\d{1,20}$/.test(id) ? id : null;
}

function optCount(o: Record<string, unknown>, key: string, what: string): number | undefined {
  return o[key] === undefined || o[key] === null ? undefined : num(o, key, what);
}

export function decodeServer(v: unknown, what = "server"): WireServer {
  const o = obj(v, what);
  return {
    server_id: str(o, "server_id", what),
    name: str(o, "name", what),
    owner: str(o, "owner", what),
    everyone_role_id: str(o, "everyone_role_id", what),
    member_count: num(o, "member_count", what),
  };
}

export function decodeChannel(v: unknown, what = "channel"): WireChannel {
  const o = obj(v, what);
  const type = str(o, "type", what);
  if (type !== "text" && type !== "voice" && type !== "category") throw new DecodeError(`${what}.type: "${type}"`);
  const c: WireChannel = {
    channel_id: str(o, "channel_id", what),
    server_id: str(o, "server_id", what),
    name: str(o, "name", what),
    type,
    topic: o.topic === undefined ? "" : str(o, "topic", what),
    position: o.position === undefined ? 0 : num(o, "position", what),
    category_id: o.category_id === undefined || o.category_id === null ? "0" : str(o, "category_id", what),
  };
  const unread = optCount(o, "unread", what);
  const mentions = optCount(o, "unread_mentions", what);
  const readSeq = optCount(o, "read_seq", what);
  const lastSeq = optCount(o, "last_seq", what);
  const slow = optCount(o, "slow_mode_s", what);
  if (lastSeq !== undefined) c.last_seq = lastSeq;
  if (slow) c.slow_mode_s = slow;
  if (unread !== undefined) c.unread = unread;
  if (mentions !== undefined) c.unread_mentions = mentions;
  if (readSeq !== undefined) c.read_seq = readSeq;
  return c;
}

export function decodeRole(v: unknown, what = "role"): WireRole {
  const o = obj(v, what);
  const permissions = num(o, "permissions", what);
  if (permissions > ALL_PERMISSIONS) throw new DecodeError(`${what}.permissions: unknown bits`);
  return {
    role_id: str(o, "role_id", what),
    server_id: str(o, "server_id", what),
    name: str(o, "name", what),
    permissions,
    position: o.position === undefined ? 0 : num(o, "position", what),
  };
}

export function decodeServerMember(v: unknown, what = "member"): WireServerMember {
  const o = obj(v, what);
  return {
    user: str(o, "user", what),
    owner: o.owner === true,
    role_ids: o.role_ids === undefined ? [] : arr(o, "role_ids", what, aString),
  };
}

export function decodeInvite(v: unknown, what = "invite"): WireInvite {
  const o = obj(v, what);
  return {
    code: str(o, "code", what),
    server_id: str(o, "server_id", what),
    expires_at_ms: num(o, "expires_at_ms", what),
    max_uses: num(o, "max_uses", what),
    uses: num(o, "uses", what),
  };
}

export const decodeServers = (r: Response) => arr(r, "servers", r.op, decodeServer);
export const decodeChannels = (r: Response) => arr(r, "channels", r.op, decodeChannel);
export const decodeRoles = (r: Response) => arr(r, "roles", r.op, decodeRole);
export const decodeServerMembers = (r: Response) => arr(r, "members", r.op, decodeServerMember);

/** The most `server_members` answers in one page (PROTOCOL.md: `limit` 1–1,000). */
export const MEMBER_PAGE = 1000;

/** An `after` for `server_members` that lists `user` first (the page is by username, after
 * `after`): `user` with its last character one lower and a character above every one a
 * username may hold. */
export function memberKeyBefore(user: string): string {
  if (!user) return "";
  const last = user.charCodeAt(user.length - 1);
  return user.slice(0, -1) + String.fromCharCode(last - 1) + "\u{10FFFF}";
}
