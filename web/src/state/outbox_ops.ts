// What each kind of outbox entry sends and records (docs/PROTOCOL.md, `send` and "the message
// events"): a message (`send`, optionally a reply), an `edit`, a `delete`, a `react` (or its
// removal). Each goes to its own topic with the entry's client_msg_id, so a resend is stored once
// whatever its kind, and is answered with the same ack; the ack plus what was sent make the log
// entry this device records (the server sends the sender's device no event for it).
import type { SendAck, WireAttachment, WireMessage } from "../api/wire";

export type OutboxOp = "send" | "edit" | "delete" | "react";

/** The fields of an outbox entry that say what it does. */
export interface OpFields {
  client_msg_id: string;
  conversation_id: string;
  /** send, edit: the text; react: the emoji; delete: "". */
  text: string;
  /** Absent: "send" (entries saved before the other ops existed). */
  op?: OutboxOp;
  /** edit, delete, react: the message acted on. */
  target_seq?: number;
  /** send: the message answered. */
  reply_to?: number;
  /** send: the finished uploads it carries (the request sends their ids). */
  attachments?: WireAttachment[];
  /** send, edit: the members the text mentions. */
  mentions?: string[];
  /** react: take the reaction back. */
  remove?: boolean;
}

/** The request's topic op and body. */
export function requestOf(p: OpFields): { op: OutboxOp; body: Record<string, unknown> } {
  const op = p.op ?? "send";
  const body: Record<string, unknown> = { client_msg_id: p.client_msg_id };
  if (op === "send") {
    body.text = p.text;
    if (p.reply_to) body.reply_to = p.reply_to;
    if (p.mentions?.length) body.mentions = p.mentions;
    if (p.attachments?.length) body.attachments = p.attachments.map((a) => a.id);
  } else {
    body.seq = p.target_seq;
    if (op === "edit") body.text = p.text;
    if (op === "edit" && p.mentions?.length) body.mentions = p.mentions;
    if (op === "react") {
      body.emoji = p.text;
      body.remove = p.remove === true;
    }
  }
  return { op, body };
}

/** The log entry the server stored for `p`, from its ack. */
export function entryOf(p: OpFields, ack: SendAck, me: string): WireMessage {
  const m: WireMessage = {
    conversation_id: ack.conversation_id ?? p.conversation_id,
    seq: ack.seq,
    message_id: ack.message_id,
    sender: me,
    client_msg_id: p.client_msg_id,
    text: p.text,
    sent_at_ms: ack.server_time_ms,
  };
  const op = p.op ?? "send";
  if (p.mentions?.length && (op === "send" || op === "edit")) m.mentions = p.mentions;
  if (op === "send") {
    if (p.reply_to) m.reply_to = p.reply_to;
    if (p.attachments?.length) m.attachments = p.attachments;
    return m;
  }
  m.kind = op === "react" && p.remove ? "unreact" : op;
  m.target_seq = p.target_seq;
  if (op === "delete") m.text = "";
  return m;
}
