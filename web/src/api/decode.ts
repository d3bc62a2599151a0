// Typed decoders of what the server sends (docs/PROTOCOL.md sections 3-6). Each checks the fields
// the client uses and returns a typed value, or throws a DecodeError naming the first bad field;
// nothing else in the app casts a payload to a wire type.
import { decodeCallEvent } from "./call";
import { DecodeError } from "./errors";
import { DM_POLICIES } from "./wire";
import type {
  WireAttachment,
  WireCallRecord,
  BlockedUser,
  DmPolicy,
  HistoryPage,
  InboxEvent,
  Presence,
  PrivacySettings,
  Response,
  SendAck,
  SyncConversation,
  WireConversation,
  WireError,
  WireMember,
  WireMessage,
  WireReaction,
  WireReplyQuote,
  WireSummary,
} from "./wire";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new DecodeError(`${what}: not an object`);
  return v;
}

export function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== "string") throw new DecodeError(`${what}.${key}: not a string`);
  return v;
}

/** A count, seq or time in ms: every number the server sends is one. Refused unless it is a
 * non-negative integer JavaScript holds exactly (at most 2^53 - 1): a larger seq would compare
 * equal to its neighbours and break ordering and gap detection. */
function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

export function num(o: Obj, key: string, what: string): number {
  const v = o[key];
  if (!isCount(v)) throw new DecodeError(`${what}.${key}: not a non-negative integer below 2^53`);
  return v;
}

export function bool(o: Obj, key: string, what: string): boolean {
  const v = o[key];
  if (typeof v !== "boolean") throw new DecodeError(`${what}.${key}: not a boolean`);
  return v;
}

export function arr<T>(o: Obj, key: string, what: string, item: (v: unknown, what: string) => T): T[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new DecodeError(`${what}.${key}: not an array`);
  return v.map((x, i) => item(x, `${what}.${key}[${i}]`));
}

function kind(o: Obj, what: string): "direct" | "group" {
  const k = str(o, "kind", what);
  if (k !== "direct" && k !== "group") throw new DecodeError(`${what}.kind: "${k}"`);
  return k;
}

export const aString = (v: unknown, what: string): string => {
  if (typeof v !== "string") throw new DecodeError(`${what}: not a string`);
  return v;
};

function decodeReaction(v: unknown, what: string): WireReaction {
  const o = obj(v, what);
  return { emoji: str(o, "emoji", what), count: num(o, "count", what), mine: o.mine === true };
}

function decodeAttachment(v: unknown, what: string): WireAttachment {
  const o = obj(v, what);
  return {
    id: str(o, "id", what),
    name: str(o, "name", what),
    content_type: str(o, "content_type", what),
    size: num(o, "size", what),
    width: o.width === undefined ? 0 : num(o, "width", what),
    height: o.height === undefined ? 0 : num(o, "height", what),
    thumbnail: o.thumbnail === true,
  };
}

function decodeReplyQuote(v: unknown, what: string): WireReplyQuote {
  const o = obj(v, what);
  const deleted = o.deleted === true;
  return {
    seq: num(o, "seq", what),
    sender: str(o, "sender", what),
    snippet: deleted || o.snippet === undefined ? "" : str(o, "snippet", what),
    deleted,
  };
}

/** A log entry: a message or another event kind (PROTOCOL.md "Event kinds"); the optional fields
 * are set only when the server sent them. */
export function decodeMessage(v: unknown, what = "message"): WireMessage {
  const o = obj(v, what);
  const m: WireMessage = {
    conversation_id: str(o, "conversation_id", what),
    seq: num(o, "seq", what),
    message_id: str(o, "message_id", what),
    sender: str(o, "sender", what),
    client_msg_id: str(o, "client_msg_id", what),
    text: str(o, "text", what),
    sent_at_ms: num(o, "sent_at_ms", what),
  };
  if (o.kind !== undefined) m.kind = str(o, "kind", what);
  if (o.target_seq !== undefined) m.target_seq = num(o, "target_seq", what);
  if (o.reply_to !== undefined) m.reply_to = num(o, "reply_to", what);
  if (o.edited_at_ms !== undefined) m.edited_at_ms = num(o, "edited_at_ms", what);
  if (o.deleted === true) m.deleted = true;
  if (o.reactions !== undefined) m.reactions = arr(o, "reactions", what, decodeReaction);
  if (o.mentions !== undefined) m.mentions = arr(o, "mentions", what, aString);
  if (o.attachments !== undefined) m.attachments = arr(o, "attachments", what, decodeAttachment);
  if (o.reply !== undefined && o.reply !== null) m.reply = decodeReplyQuote(o.reply, `${what}.reply`);
  if (o.call !== undefined && o.call !== null) m.call = decodeCallRecord(o.call, `${what}.call`);
  return m;
}

function decodeCallRecord(v: unknown, what: string): WireCallRecord {
  const o = obj(v, what);
  const r: WireCallRecord = {
    call_id: str(o, "call_id", what),
    outcome: str(o, "outcome", what),
    video: o.video === true,
    duration_ms: num(o, "duration_ms", what),
    participants: arr(o, "participants", what, aString),
  };
  if (o.declined !== undefined) r.declined = arr(o, "declined", what, aString);
  return r;
}

export function decodeMember(v: unknown, what = "member"): WireMember {
  const o = obj(v, what);
  return { user: str(o, "user", what), role: str(o, "role", what), read_seq: num(o, "read_seq", what) };
}

export function decodeConversation(v: unknown, what = "conversation"): WireConversation {
  const o = obj(v, what);
  return {
    conversation_id: str(o, "conversation_id", what),
    kind: kind(o, what),
    name: str(o, "name", what),
    last_seq: num(o, "last_seq", what),
    members: arr(o, "members", what, decodeMember),
  };
}

/** A mute time: -1 (for good), 0 (none) or epoch ms. */
function muteUntil(o: Obj, key: string, what: string): number {
  const v = o[key];
  if (v !== -1 && !isCount(v)) throw new DecodeError(`${what}.${key}: not -1, 0 or a time in ms`);
  return v as number;
}

export function decodeSummary(v: unknown, what = "summary"): WireSummary {
  const o = obj(v, what);
  const last = o.last_message;
  const s: WireSummary = {
    conversation_id: str(o, "conversation_id", what),
    kind: kind(o, what),
    name: str(o, "name", what),
    last_seq: num(o, "last_seq", what),
    read_seq: num(o, "read_seq", what),
    unread: num(o, "unread", what),
    muted_until_ms: o.muted_until_ms === undefined ? 0 : muteUntil(o, "muted_until_ms", what),
    unread_mentions: o.unread_mentions === undefined ? 0 : num(o, "unread_mentions", what),
    members: arr(o, "members", what, aString),
    last_message: last === null || last === undefined ? null : decodeMessage(last, `${what}.last_message`),
  };
  if (o.slow_mode_s !== undefined && o.slow_mode_s !== null) s.slow_mode_s = num(o, "slow_mode_s", what);
  return s;
}

function decodeWireError(v: unknown): WireError {
  const o = obj(v, "error");
  const e: WireError = {
    code: str(o, "code", "error"),
    message: typeof o.message === "string" ? o.message : "",
    retryable: o.retryable === true,
  };
  if (typeof o.retry_after_ms === "number" && o.retry_after_ms > 0) e.retry_after_ms = o.retry_after_ms;
  return e;
}

/** The envelope of a response: `op`, `ok`, `req_id`, `error`; null if `v` is not a response. */
export function decodeResponse(v: unknown): Response | null {
  if (!isObj(v) || typeof v.op !== "string") return null;
  const r: Response = { ...v, op: v.op, ok: v.ok === true };
  if (typeof v.req_id === "string") r.req_id = v.req_id;
  else delete r.req_id;
  if (!r.ok) {
    r.error = isObj(v.error) && typeof v.error.code === "string" ? decodeWireError(v.error) : undefined;
  }
  return r;
}

/** `conversations`: the summaries. */
export function decodeConversationList(r: Response): WireSummary[] {
  return arr(r, "conversations", "conversations", decodeSummary);
}

/** `sync`: one page per conversation with news. */
export function decodeSyncPage(r: Response): SyncConversation[] {
  return arr(r, "conversations", "sync", (v, what) => {
    const o = obj(v, what);
    return {
      conversation_id: str(o, "conversation_id", what),
      last_seq: num(o, "last_seq", what),
      messages: arr(o, "messages", what, decodeMessage),
      has_more: bool(o, "has_more", what),
    };
  });
}

/** `history`: a page of messages in ascending seq. */
export function decodeHistory(r: Response): HistoryPage {
  return { messages: arr(r, "messages", "history", decodeMessage), has_more: bool(r, "has_more", "history") };
}

/** `members`: the member list with roles and receipts. */
export function decodeMembers(r: Response): WireMember[] {
  return arr(r, "members", "members", decodeMember);
}

/** `open_direct`, `create_group` and the membership ops that answer with a conversation. */
export function decodeConversationResult(r: Response): WireConversation | null {
  if (r.conversation === undefined) return null;
  return decodeConversation(r.conversation, `${r.op}.conversation`);
}

/** `send`: the ack. */
export function decodeSendAck(r: Response): SendAck {
  const ack: SendAck = {
    seq: num(r, "seq", "send"),
    message_id: str(r, "message_id", "send"),
    server_time_ms: num(r, "server_time_ms", "send"),
  };
  if (r.conversation_id !== undefined) ack.conversation_id = str(r, "conversation_id", "send");
  return ack;
}

function decodeBlocked(v: unknown, what: string): BlockedUser {
  const o = obj(v, what);
  return { user: str(o, "user", what), blocked_at_ms: num(o, "blocked_at_ms", what) };
}

/** `block`, `unblock`, `blocks`, `set_dm_policy` and the `privacy` event: the caller's settings. */
export function decodePrivacy(v: unknown, what = "privacy"): PrivacySettings {
  const o = obj(v, what);
  const policy = str(o, "dm_policy", what);
  if (!(DM_POLICIES as readonly string[]).includes(policy)) throw new DecodeError(`${what}.dm_policy: "${policy}"`);
  return { blocked: arr(o, "blocked", what, decodeBlocked), dm_policy: policy as DmPolicy };
}

/** An inbox payload (section 5); null for a type this client does not know (newer servers). */
export function decodeInboxEvent(v: unknown): InboxEvent | null {
  const o = obj(v, "event");
  switch (o.type) {
    case "message":
      return { type: "message", ...decodeMessage(o, "message event") };
    case "read":
      return {
        type: "read",
        conversation_id: str(o, "conversation_id", "read event"),
        user: str(o, "user", "read event"),
        read_seq: num(o, "read_seq", "read event"),
      };
    case "mute":
      return {
        type: "mute",
        conversation_id: str(o, "conversation_id", "mute event"),
        until_ms: muteUntil(o, "until_ms", "mute event"),
      };
    case "conversation":
      return {
        type: "conversation",
        event: str(o, "event", "conversation event"),
        conversation: decodeConversation(o.conversation, "conversation event.conversation"),
        actor: str(o, "actor", "conversation event"),
        users: o.users === undefined ? [] : arr(o, "users", "conversation event", aString),
      };
    case "typing":
      return {
        type: "typing",
        conversation_id: str(o, "conversation_id", "typing event"),
        user: str(o, "user", "typing event"),
        typing: bool(o, "typing", "typing event"),
      };
    case "privacy":
      return { type: "privacy", ...decodePrivacy(o, "privacy event") };
    case "profile": {
      const what = "profile event";
      const a = o.avatar === null || o.avatar === undefined ? null : obj(o.avatar, `${what}.avatar`);
      return {
        type: "profile",
        user: str(o, "user", what),
        display_name: str(o, "display_name", what),
        status_text: str(o, "status_text", what),
        avatar: a && { type: str(a, "type", `${what}.avatar`), url: str(a, "url", `${what}.avatar`) },
        updated_at_ms: num(o, "updated_at_ms", what),
      };
    }
    case "call":
      return decodeCallEvent(o);
    default:
      return null;
  }
}

/** A retained presence payload (section 6); null for an empty payload (cleared) or junk. */
export function decodePresence(text: string): Presence | null {
  if (!text) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObj(v) || (v.state !== "online" && v.state !== "offline")) return null;
  const p: Presence = { state: v.state };
  if (isCount(v.last_seen_ms)) p.last_seen_ms = v.last_seen_ms;
  return p;
}
