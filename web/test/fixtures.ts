// Wire values for the unit tests.
import type { WireConversation, WireMessage, WireSummary } from "../src/api/wire";

export function msg(conversation: string, seq: number, sender = "bob", extra: Partial<WireMessage> = {}): WireMessage {
  return {
    conversation_id: conversation,
    seq,
    message_id: `${1000 + seq}`,
    sender,
    client_msg_id: `${sender}-c${seq}`,
    text: `message ${seq}`,
    sent_at_ms: 1_700_000_000_000 + seq * 1000,
    ...extra,
  };
}

export function summary(id: string, lastSeq: number, extra: Partial<WireSummary> = {}): WireSummary {
  return {
    conversation_id: id,
    kind: "direct",
    name: "",
    last_seq: lastSeq,
    read_seq: 0,
    unread: lastSeq,
    muted_until_ms: 0,
    unread_mentions: 0,
    members: ["alice", "bob"],
    last_message: null,
    ...extra,
  };
}

export function conversation(id: string, members: string[], extra: Partial<WireConversation> = {}): WireConversation {
  return {
    conversation_id: id,
    kind: "group",
    name: "Team",
    last_seq: 0,
    members: members.map((user, i) => ({ user, role: i === 0 ? "owner" : "member", read_seq: 0 })),
    ...extra,
  };
}
