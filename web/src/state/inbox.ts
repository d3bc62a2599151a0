// What each inbox event (docs/PROTOCOL.md section 5) changes in the chat state: messages and
// message events, read markers, mutes, typing, privacy settings, profiles, and conversation changes
// (created, members added or removed, renamed; a conversation I left or was removed from goes).
import { InboxEvent, ProfileEvent, WireConversation } from "../api/wire";
import { ConvView } from "./conversation";
import { Conversations, TYPING_SHOW_MS } from "./conversations";
import { Privacy } from "./privacy";

export interface InboxDeps {
  me: string;
  convs: Conversations;
  privacy: Privacy;
  changed(): void;
  watchContacts(): void;
  loadLatest(id: string): Promise<void>;
  /** A conversation I was in went (I left on another device, or was removed). */
  removed(conv: ConvView, byMe: boolean, actor: string): void;
  /** A user's profile changed (the profiles cache, state/profiles.ts, takes it). */
  profile(ev: ProfileEvent): void;
}

/** Applies `ev`; tells the view (deps.changed) when anything changed. */
export function applyInboxEvent(ev: InboxEvent, deps: InboxDeps): void {
  const { convs } = deps;
  switch (ev.type) {
    case "message": {
      const { type: _t, ...m } = ev;
      convs.addMessage(m, true);
      break;
    }
    case "read":
      if (!convs.applyRead(ev.conversation_id, ev.user, ev.read_seq)) return;
      break;
    case "mute":
      if (!convs.applyMute(ev.conversation_id, ev.until_ms)) return;
      break;
    case "privacy":
      return deps.privacy.applyEvent(ev);
    case "profile":
      return deps.profile(ev);
    case "conversation":
      applyConversationEvent(ev.event, ev.conversation, ev.actor, ev.users, deps);
      break;
    case "typing":
      if (!convs.applyTyping(ev.conversation_id, ev.user, ev.typing)) return;
      setTimeout(() => deps.changed(), TYPING_SHOW_MS + 50); // the indicator expires
      break;
  }
  deps.changed();
}

function applyConversationEvent(event: string, wc: WireConversation, actor: string, users: string[], deps: InboxDeps) {
  const { convs, me } = deps;
  if (!wc.members.some((m) => m.user === me)) {
    const c = convs.drop(wc.conversation_id);
    if (c) deps.removed(c, actor === me, actor);
    return;
  }
  const c = convs.upsert(wc);
  if (event === "created" || (event === "members_added" && users.includes(me))) {
    convs.touch(c.id);
    if (c.lastSeq > 0 && !c.lastMessage) void deps.loadLatest(c.id).catch(() => {});
  }
  deps.watchContacts();
}
