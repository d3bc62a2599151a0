// Wire types and topic names of docs/PROTOCOL.md (mqchat protocol v1). Values of these types
// come only from the decoders in decode.ts, which check them.
// 64-bit ids (conversation_id, message_id) stay strings; seq and times are numbers.
import type { CallEvent } from "./call";

export const ROOT = "mqchat/v1";
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** The server's max_message_chars (default), in Unicode code points. */
export const MAX_CHARS = 100000;

export const topics = {
  all: (user: string) => `${ROOT}/u/${user}/#`,
  inbox: (user: string) => `${ROOT}/u/${user}/inbox`,
  reply: (user: string, device: string) => `${ROOT}/u/${user}/reply/${device}`,
  /** Outside the user's namespace, user last: cheaper for the broker's retain tree. */
  presence: (user: string) => `${ROOT}/p/${user}`,
  will: (user: string, device: string) => `${ROOT}/u/${user}/will/${device}`,
  req: (op: string) => `${ROOT}/req/${op}`,
  conv: (id: string, op: string) => `${ROOT}/c/${id}/${op}`,
};

/** The user whose presence topic `topic` is (mqchat/v1/p/<user>), or null. */
export function presenceTopicUser(topic: string): string | null {
  const prefix = `${ROOT}/p/`;
  if (!topic.startsWith(prefix)) return null;
  const user = topic.slice(prefix.length);
  return NAME_RE.test(user) ? user : null;
}

/** An entry of a conversation's log (PROTOCOL.md "Event kinds"): a message (no `kind`), or an
 * edit, delete, react or unreact of message `target_seq` (`text`: the new text, "", the emoji).
 * A message carries its current state: `edited_at_ms`, `deleted`, `reply_to`; from `history`
 * also `reactions` and the `reply` quote. */
export interface WireMessage {
  conversation_id: string;
  seq: number;
  message_id: string;
  sender: string;
  client_msg_id: string;
  text: string;
  sent_at_ms: number;
  kind?: string;
  target_seq?: number;
  reply_to?: number;
  edited_at_ms?: number;
  deleted?: boolean;
  reactions?: WireReaction[];
  reply?: WireReplyQuote;
  /** The users the message mentions (PROTOCOL.md "Mentions"); an edit: the message's new list. */
  mentions?: string[];
  /** The files and pictures it carries (PROTOCOL.md "Attachments"); no URLs (they expire). */
  attachments?: WireAttachment[];
  /** A call entry (`kind` "call", PROTOCOL.md 8.5): the call's outcome; `sender` is the caller. */
  call?: WireCallRecord;
}

/** How a call ended, as its conversation's log records it (PROTOCOL.md 8.5). `participants`:
 * the users who took part; `declined`: the callees who declined; any other member missed it. */
export interface WireCallRecord {
  call_id: string;
  outcome: string; // "answered" | "missed" | "declined" | "cancelled" | "busy"
  video: boolean;
  duration_ms: number;
  participants: string[];
  declined?: string[];
}

/** An attachment as a message carries it; `width`/`height` 0 for a file that is not a picture;
 * `thumbnail`: the API offers one. */
export interface WireAttachment {
  id: string;
  name: string;
  content_type: string;
  size: number;
  width: number;
  height: number;
  thumbnail: boolean;
}

/** One emoji's reactions to a message; `mine`: this user is among them. */
export interface WireReaction {
  emoji: string;
  count: number;
  mine: boolean;
}

/** The message a reply answers, as `history` quotes it (no snippet once deleted). */
export interface WireReplyQuote {
  seq: number;
  sender: string;
  snippet: string;
  deleted: boolean;
}

/** The event kinds of PROTOCOL.md "Event kinds" this client applies. */
export const EVENT_KINDS = ["edit", "delete", "react", "unreact"] as const;

export interface WireMember {
  user: string;
  role: string;
  read_seq: number;
}

export interface WireConversation {
  conversation_id: string;
  kind: "direct" | "group";
  name: string;
  last_seq: number;
  members: WireMember[];
}

export interface WireSummary {
  conversation_id: string;
  kind: "direct" | "group";
  name: string;
  last_seq: number;
  read_seq: number;
  unread: number;
  /** My mute (PROTOCOL.md, `conversations`): 0 none, -1 for good, else epoch ms (in the past: none). */
  muted_until_ms: number;
  /** My mentions above `read_seq` (absent from older servers: 0). */
  unread_mentions: number;
  members: string[];
  last_message: WireMessage | null;
  /** Slow mode (PROTOCOL.md `set_slow_mode`): seconds between a member's sends; absent: off. */
  slow_mode_s?: number;
}

export interface WireError {
  code: string;
  message: string;
  retryable: boolean;
  /** RATE_LIMITED: milliseconds until the request would be accepted. */
  retry_after_ms?: number;
}

/** The envelope every response has (docs/PROTOCOL.md section 3); result fields stay unchecked
 * until a decoder of that op's response reads them. */
export interface Response {
  op: string;
  ok: boolean;
  req_id?: string;
  error?: WireError;
  [field: string]: unknown;
}

export interface SendAck {
  conversation_id?: string;
  seq: number;
  message_id: string;
  server_time_ms: number;
}

export interface SyncConversation {
  conversation_id: string;
  last_seq: number;
  messages: WireMessage[];
  has_more: boolean;
}

export interface HistoryPage {
  messages: WireMessage[];
  has_more: boolean;
}

export type InboxEvent =
  | ({ type: "message" } & WireMessage)
  | { type: "read"; conversation_id: string; user: string; read_seq: number }
  | { type: "mute"; conversation_id: string; until_ms: number }
  | {
      type: "conversation";
      event: "created" | "members_added" | "member_removed" | "renamed" | string;
      conversation: WireConversation;
      actor: string;
      users: string[];
    }
  | { type: "typing"; conversation_id: string; user: string; typing: boolean }
  | ({ type: "privacy" } & PrivacySettings)
  | ProfileEvent
  | CallEvent;

/** A user's profile changed (PROTOCOL.md section 5 "profile"; mine, or of someone I share a
 * conversation with): what others see of it, as GET /v1/users/{name} answers. Not stored, not in
 * sync: a reconnecting page refetches the profiles it shows. */
export interface ProfileEvent {
  type: "profile";
  user: string;
  display_name: string;
  status_text: string;
  avatar: { type: string; url: string } | null;
  updated_at_ms: number;
}

/** Who may open a direct conversation with a user and write in it (PROTOCOL.md "Blocking and who
 * may message me"): anyone, people sharing a group with them, or nobody new. */
export const DM_POLICIES = ["everyone", "shared_group", "existing_only"] as const;
export type DmPolicy = (typeof DM_POLICIES)[number];

export interface BlockedUser {
  user: string;
  blocked_at_ms: number;
}

/** A user's privacy settings, as `block`, `unblock`, `blocks`, `set_dm_policy` and the `privacy`
 * inbox event carry them (`blocked` ordered by name). */
export interface PrivacySettings {
  blocked: BlockedUser[];
  dm_policy: DmPolicy;
}

export interface Presence {
  state: "online" | "offline";
  last_seen_ms?: number;
}

/** Unicode code points, as the server counts them for max_message_chars. */
export function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
