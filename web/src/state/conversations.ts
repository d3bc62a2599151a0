// The conversations this device knows, and every rule for changing them: summaries from
// `conversations`, conversation objects from events and responses, messages keyed by
// (conversation_id, seq) from live events, sync, history and send acks, read receipts, typing.
// Pure state: no connection, no timers, no DOM; what needs doing elsewhere goes to the hooks.
import type { SyncConversation, WireConversation, WireMember, WireMessage, WireSummary } from "../api/wire";
import { Conv } from "./conversation";

/** What applyChannel needs of a channel (api/community.ts WireChannel). */
export interface ChannelInfo {
  channel_id: string;
  name: string;
  last_seq?: number;
  read_seq?: number;
  unread?: number;
  unread_mentions?: number;
  slow_mode_s?: number;
}
import { missedBy } from "./call_entry";
import { applyEvent, isMessage, mergeHistory, quoteDeleted } from "./message_events";
import { noteEvent, noteMessage } from "./mentions";
import { KeptWindow, keptGap } from "./msg_cache";

export const TYPING_SHOW_MS = 6000;

export interface ConversationHooks {
  /** A message of mine arrived (ack, sync, another device): its pending send is done. */
  ownMessage(clientMsgId: string): void;
  /** A conversation was dropped (left, removed, gone from the list): forget its pending sends. */
  dropped(id: string): void;
  /** A live message skipped seqs: something was missed, sync soon. */
  gap(): void;
  /** A message or page named a conversation we do not know: refresh the list soon. */
  unknown(): void;
}

export class Conversations {
  private convs = new Map<string, Conv>();
  private orphans: WireMessage[] = [];

  constructor(
    readonly me: string,
    private hooks: ConversationHooks,
  ) {}

  get(id: string): Conv | undefined {
    return this.convs.get(id);
  }

  has(id: string): boolean {
    return this.convs.has(id);
  }

  values(): IterableIterator<Conv> {
    return this.convs.values();
  }

  /** Most recent activity first; ties by id, newest first. */
  sorted(): Conv[] {
    return [...this.convs.values()].sort(
      (a, b) => b.activityMs - a.activityMs || (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0),
    );
  }

  /** The badge: unread summed over my conversations not muted now (as push's counts.unread). */
  totalUnread(now = Date.now()): number {
    let n = 0;
    for (const c of this.convs.values()) if (!c.muted(now)) n += c.unread;
    return n;
  }

  /** Everyone I share a conversation with (and me): whose presence to watch. */
  contacts(): Set<string> {
    const users = new Set<string>();
    for (const c of this.convs.values()) for (const u of c.members.keys()) users.add(u);
    return users;
  }

  /** The sync request's cursors: the last seq this device has of each conversation. */
  cursors(): Record<string, number> {
    const cursors: Record<string, number> = {};
    for (const c of this.convs.values()) cursors[c.id] = c.syncSeq;
    return cursors;
  }

  /** The `conversations` list. `reconnect`: a later load, where only news moves a conversation up. */
  applySummaries(list: WireSummary[], reconnect: boolean): void {
    const seen = new Set<string>();
    for (const s of list) {
      seen.add(s.conversation_id);
      let c = this.convs.get(s.conversation_id);
      const isNew = !c;
      if (!c) {
        c = new Conv(s.conversation_id);
        c.syncSeq = s.last_seq; // older messages come from history when the conversation opens
        this.convs.set(c.id, c);
      } else if (c.msgs.size === 0 && !c.latestLoaded) {
        // Nothing of it loaded yet (a list kept on the device, conv_cache.ts): as for a new one.
        c.syncSeq = Math.max(c.syncSeq, s.last_seq);
      }
      c.kind = s.kind;
      c.name = s.name;
      for (const u of s.members) if (!c.members.has(u)) c.members.set(u, { role: "member", read_seq: 0 });
      for (const u of [...c.members.keys()]) if (!s.members.includes(u)) c.members.delete(u);
      c.lastSeq = Math.max(c.lastSeq, s.last_seq);
      c.readSeq = Math.max(c.readSeq, s.read_seq);
      c.baseSeq = s.last_seq;
      c.baseRead = s.read_seq;
      c.baseUnread = s.unread;
      c.baseMentions = s.unread_mentions;
      c.mutedUntilMs = s.muted_until_ms;
      c.slowModeS = s.slow_mode_s ?? 0;
      if (s.last_message && (!c.lastMessage || s.last_message.seq > c.lastMessage.seq)) {
        c.lastMessage = s.last_message;
      }
      if (isNew || !reconnect || s.last_message) {
        c.activityMs = Math.max(c.activityMs, s.last_message?.sent_at_ms ?? 0);
      }
    }
    for (const id of [...this.convs.keys()]) {
      if (!seen.has(id)) this.drop(id);
    }
    this.adoptOrphans();
  }

  /** A full conversation object (an event or a response): metadata, members and roles. */
  upsert(wc: WireConversation, now = Date.now()): Conv {
    let c = this.convs.get(wc.conversation_id);
    if (!c) {
      c = new Conv(wc.conversation_id);
      c.syncSeq = wc.last_seq;
      c.activityMs = now;
      this.convs.set(c.id, c);
    }
    c.kind = wc.kind;
    c.name = wc.name;
    c.members = new Map(wc.members.map((m) => [m.user, { role: m.role, read_seq: m.read_seq }]));
    c.rolesLoaded = true;
    c.lastSeq = Math.max(c.lastSeq, wc.last_seq);
    const mine = c.members.get(this.me);
    if (mine) c.readSeq = Math.max(c.readSeq, mine.read_seq);
    this.adoptOrphans();
    return c;
  }

  /** A text channel of a server (community.ts), from the `channels` list: a conversation of kind
   * "channel" with the server's members (mine with the role my permissions give: "admin" may
   * delete others' messages), its read state, and from here on kept like any conversation. */
  applyChannel(ch: ChannelInfo, members: Iterable<string>, myRole: string): Conv {
    let c = this.convs.get(ch.channel_id);
    if (!c) {
      c = new Conv(ch.channel_id);
      c.syncSeq = ch.last_seq ?? 0; // older messages come from history when the channel opens
      this.convs.set(c.id, c);
    }
    c.kind = "channel";
    c.name = ch.name;
    c.slowModeS = ch.slow_mode_s ?? 0;
    const was = c.members;
    c.members = new Map();
    for (const u of members) c.members.set(u, { role: "member", read_seq: was.get(u)?.read_seq ?? 0 });
    c.members.set(this.me, { role: myRole, read_seq: c.readSeq });
    c.rolesLoaded = true;
    if (ch.last_seq !== undefined) {
      c.lastSeq = Math.max(c.lastSeq, ch.last_seq);
      c.baseSeq = ch.last_seq;
      c.baseRead = ch.read_seq ?? 0;
      c.baseUnread = ch.unread ?? 0;
      c.baseMentions = ch.unread_mentions ?? 0;
    }
    c.readSeq = Math.max(c.readSeq, ch.read_seq ?? 0);
    return c;
  }

  /** Moves a conversation to the top of the list (just created, or I was just added). */
  touch(id: string, now = Date.now()): void {
    const c = this.convs.get(id);
    if (c) c.activityMs = Math.max(c.activityMs, now);
  }

  drop(id: string): Conv | undefined {
    const c = this.convs.get(id);
    if (!c) return undefined;
    this.convs.delete(id);
    this.hooks.dropped(id);
    return c;
  }

  /** Adds a log entry (live, from sync, history or an ack), keyed by (conversation, seq): a message
   * is listed, another event kind is applied to the message it names; each seq once. */
  addMessage(m: WireMessage, live: boolean): void {
    const c = this.convs.get(m.conversation_id);
    if (!c) {
      this.orphans.push(m);
      this.hooks.unknown();
      return;
    }
    if (m.sender === this.me) {
      this.hooks.ownMessage(m.client_msg_id);
      c.readSeq = Math.max(c.readSeq, m.seq); // any event of mine advances my read position
    }
    if (m.call && !missedBy(m.call, this.me)) c.readSeq = Math.max(c.readSeq, m.seq); // I saw it
    c.typing.delete(m.sender);
    if (!c.holds(m.seq)) {
      if (isMessage(m)) this.list(c, m);
      else this.applyToTarget(c, m);
    }
    c.lastSeq = Math.max(c.lastSeq, m.seq);
    if (m.seq === c.syncSeq + 1) {
      c.syncSeq = m.seq;
      while (c.holds(c.syncSeq + 1)) c.syncSeq++;
    } else if (m.seq > c.syncSeq + 1 && live) {
      this.hooks.gap();
    }
  }

  private list(c: Conv, m: WireMessage): void {
    c.put(m);
    noteMessage(c, m, this.me);
    if (!c.lastMessage || m.seq >= c.lastMessage.seq) {
      c.lastMessage = m;
      c.activityMs = Math.max(c.activityMs, m.sent_at_ms);
    }
  }

  /** An edit, delete or reaction (or a kind this client does not know, which is skipped): applied
   * to its message if loaded (a page loaded later has it in its current state). */
  private applyToTarget(c: Conv, ev: WireMessage): void {
    c.events.add(ev.seq);
    const target = ev.target_seq === undefined ? undefined : c.msgs.get(ev.target_seq);
    noteEvent(c, ev, target, this.me);
    const next = target && applyEvent(target, ev, this.me);
    if (next) c.replace(next);
    else if (!target && c.lastMessage && c.lastMessage.seq === ev.target_seq) {
      const last = applyEvent(c.lastMessage, ev, this.me); // the list's preview, not loaded
      if (last) c.lastMessage = last;
    }
    if (ev.kind === "delete" && ev.target_seq !== undefined) {
      // The replies quoting it lose its text too (nor does the device keep it: msg_cache.ts).
      for (const m of c.msgs.values()) {
        const q = m.reply?.seq === ev.target_seq && !m.reply.deleted ? quoteDeleted(m) : null;
        if (q) c.replace(q);
      }
    }
  }

  /** One `sync` response. `more`: some conversation has more pages; `unknown`: one is new to us. */
  applySyncPage(pages: SyncConversation[]): { more: boolean; unknown: boolean } {
    let more = false;
    let unknown = false;
    for (const sc of pages) {
      const c = this.convs.get(sc.conversation_id);
      if (!c) {
        unknown = true;
        continue;
      }
      if (c.kept && keptGap(c.syncSeq, sc)) {
        // The kept window does not join the server's newest in this page: shown as continuous it
        // would hide what is missing, so the conversation loads from the server as a new one.
        c.forgetMessages(sc.last_seq);
        continue;
      }
      c.kept = false;
      for (const m of sc.messages) this.addMessage(m, false);
      c.lastSeq = Math.max(c.lastSeq, sc.last_seq);
      const top = sc.messages.length ? sc.messages[sc.messages.length - 1].seq : c.syncSeq;
      c.syncSeq = Math.max(c.syncSeq, sc.has_more ? top : sc.last_seq);
      if (sc.has_more) more = true;
    }
    return { more, unknown };
  }

  /** Messages this device kept (msg_cache.ts) of a conversation known from the kept list, put
   * back before the server answers: read-only until a sync has brought them up to date (or found
   * them too far behind: applySyncPage). Ignored for a conversation with messages already, and
   * when the kept list knew of newer messages than were kept (they would show a gap as none). */
  restoreKept(id: string, kept: KeptWindow): boolean {
    const c = this.convs.get(id);
    if (!c || c.msgs.size > 0 || c.latestLoaded || kept.messages.length === 0) return false;
    if (kept.through_seq < c.lastSeq) return false; // the kept list knew newer ones: a gap
    for (const m of kept.messages) {
      c.put(m);
      if (!c.lastMessage || m.seq >= c.lastMessage.seq) c.lastMessage = m;
    }
    c.syncSeq = kept.through_seq;
    c.lastSeq = Math.max(c.lastSeq, kept.through_seq);
    c.latestLoaded = kept.latest_loaded;
    c.hasMoreBefore = kept.has_more_before;
    c.kept = true;
    return true;
  }

  /** Whether any conversation shows kept messages not yet brought up to date. */
  anyKept(): boolean {
    for (const c of this.convs.values()) if (c.kept) return true;
    return false;
  }

  /** A sync has run through: the kept messages it did not replace are current. */
  confirmKept(): void {
    for (const c of this.convs.values()) c.kept = false;
  }

  /** The newest history page (below the sync cursor): from here on the conversation is loaded. */
  applyLatest(c: Conv, messages: WireMessage[], hasMore: boolean): void {
    for (const m of messages) {
      this.fromHistory(c, m);
      this.addMessage(m, false);
    }
    c.latestLoaded = true;
    c.hasMoreBefore = hasMore;
  }

  /** An older history page (scroll-back). */
  applyOlder(c: Conv, messages: WireMessage[], hasMore: boolean): void {
    for (const m of messages) {
      if (this.fromHistory(c, m) || !c.put(m)) continue;
      noteMessage(c, m, this.me);
    }
    c.hasMoreBefore = hasMore;
  }

  /** A history entry of a message already held: its current state replaces the held one
   * (message_events.ts mergeHistory). False if not held. */
  private fromHistory(c: Conv, m: WireMessage): boolean {
    const held = c.msgs.get(m.seq);
    if (!held || !isMessage(m)) return false;
    c.replace(mergeHistory(held, m));
    return true;
  }

  setLoadingOlder(c: Conv, loading: boolean): void {
    c.loadingOlder = loading;
  }

  setMembers(c: Conv, members: WireMember[]): void {
    c.members = new Map(members.map((m) => [m.user, { role: m.role, read_seq: m.read_seq }]));
    c.rolesLoaded = true;
  }

  /** A `read` event: my own position (from any device) or another member's receipt. */
  applyRead(id: string, user: string, readSeq: number): boolean {
    const c = this.convs.get(id);
    if (!c) return false;
    if (user === this.me) c.readSeq = Math.max(c.readSeq, readSeq);
    const m = c.members.get(user);
    if (m) m.read_seq = Math.max(m.read_seq, readSeq);
    return true;
  }

  /** A `mute` event (I muted or unmuted on some device). */
  applyMute(id: string, untilMs: number): boolean {
    const c = this.convs.get(id);
    if (!c) return false;
    c.mutedUntilMs = untilMs;
    return true;
  }

  /** Marks everything read locally; returns the seq to report (0: nothing to read). */
  markRead(c: Conv): number {
    const seq = c.lastSeq;
    if (seq <= 0) return 0;
    c.readSeq = Math.max(c.readSeq, seq);
    return seq;
  }

  /** A `typing` event; false if it changes nothing shown. */
  applyTyping(id: string, user: string, typing: boolean, now = Date.now()): boolean {
    const c = this.convs.get(id);
    if (!c || user === this.me) return false;
    if (typing) c.typing.set(user, now + TYPING_SHOW_MS);
    else c.typing.delete(user);
    return true;
  }

  private adoptOrphans(): void {
    const orphans = this.orphans;
    this.orphans = [];
    for (const m of orphans) {
      if (this.convs.has(m.conversation_id)) this.addMessage(m, true);
    }
  }
}

/** The page title for `total` unread messages: "(3) mqchat", or "mqchat" when none. */
export function pageTitle(total: number): string {
  return total > 0 ? `(${total}) mqchat` : "mqchat";
}
