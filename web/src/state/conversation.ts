// One conversation as this device knows it: metadata, members with receipts, the loaded messages
// keyed by seq, the sync cursor, who is typing. Conv is mutated only by the state modules;
// the view sees it as a ConvView (read-only).
import { t } from "../i18n/i18n";
import type { WireMessage } from "../api/wire";
import { unreadMentions } from "./mentions";

export interface Member {
  role: string;
  read_seq: number;
}

/** What the view may read of a conversation. */
/** A channel of a server (community.ts) is a conversation of kind "channel": its members are
 * the server's, it has no read receipts, and my role in it says what my permissions let me do
 * ("admin": delete others' messages). */
export type ConvKind = "direct" | "group" | "channel";

export interface ConvView {
  readonly id: string;
  readonly kind: ConvKind;
  readonly name: string;
  readonly members: ReadonlyMap<string, Readonly<Member>>;
  readonly lastSeq: number;
  readonly readSeq: number;
  readonly lastMessage: Readonly<WireMessage> | null;
  readonly msgs: ReadonlyMap<number, Readonly<WireMessage>>;
  readonly latestLoaded: boolean;
  readonly hasMoreBefore: boolean;
  readonly loadingOlder: boolean;
  readonly rolesLoaded: boolean;
  /** Its messages are the ones this device kept (msg_cache.ts), not yet brought up to date by the
   * server: shown read-only, saying so, while offline. */
  readonly kept: boolean;
  readonly unread: number;
  /** My mentions above my read position (mentions.ts). */
  readonly unreadMentions: number;
  readonly mutedUntilMs: number;
  /** Slow mode: seconds between my sends (0: off; owners and admins are not paced). */
  readonly slowModeS: number;
  muted(now?: number): boolean;
  sortedSeqs(): readonly number[];
  title(me: string): string;
  other(me: string): string | undefined;
  /** The other user of a direct conversation; undefined for a group. */
  directPeer(me: string): string | undefined;
  myRole(me: string): string;
  typingUsers(now?: number): string[];
}

export class Conv implements ConvView {
  kind: ConvKind = "direct";
  name = "";
  members = new Map<string, Member>();
  lastSeq = 0;
  readSeq = 0;
  lastMessage: WireMessage | null = null;
  activityMs = 0;
  /** Loaded messages (plain messages only, in their current state), by seq. */
  msgs = new Map<number, WireMessage>();
  /** Seqs of the other event kinds this device has applied (or skipped): each applies once, and
   * they count for the sync cursor and against unread like the messages they are not. */
  events = new Set<number>();
  /** The server's unread count at `baseSeq` with my read position then `baseRead` (the
   * `conversations` summary): seqs it does not know the kind of count from it. */
  baseUnread = 0;
  baseSeq = 0;
  baseRead = 0;
  /** The summary's `unread_mentions` (at `baseSeq`), and the seqs of messages (or edits adding
   * me) this device saw mention me, with the edits that did by message seq (mentions.ts). */
  baseMentions = 0;
  mentionSeqs = new Set<number>();
  mentionEdits = new Map<number, number[]>();
  /** Every message up to this seq that belongs to the loaded window is here; the sync cursor. */
  syncSeq = 0;
  latestLoaded = false;
  hasMoreBefore = true;
  loadingOlder = false;
  rolesLoaded = false;
  kept = false;
  /** Bumped whenever a held message is added or changes (msg_cache.ts writes what changed). */
  rev = 0;
  /** My mute: 0 none, -1 for good, else epoch ms (the `conversations` list, `mute` events). */
  mutedUntilMs = 0;
  slowModeS = 0;
  typing = new Map<string, number>(); // user -> expiry (epoch ms)
  private sortedCache: number[] | null = null;

  constructor(readonly id: string) {}

  /** Messages above my read position (PROTOCOL.md "Unread": other event kinds do not count).
   * Above the summary's seq every seq not known to be an event counts; below it the summary's
   * count, less what I have read since, estimated from the seqs held. */
  get unread(): number {
    if (this.readSeq >= this.lastSeq) return 0;
    const from = Math.max(this.readSeq, this.baseSeq);
    let n = this.lastSeq - from - this.eventsIn(from, this.lastSeq);
    if (this.readSeq < this.baseSeq) {
      const seqs = this.baseSeq - this.readSeq - this.eventsIn(this.readSeq, this.baseSeq);
      n += this.readSeq <= this.baseRead ? this.baseUnread : Math.min(this.baseUnread, seqs);
    }
    return Math.max(0, n);
  }

  get unreadMentions(): number {
    return unreadMentions(this);
  }

  /** Event seqs in (from, to]. */
  private eventsIn(from: number, to: number): number {
    let n = 0;
    for (const s of this.events) if (s > from && s <= to) n++;
    return n;
  }

  /** This device has entry `seq`, a message or another kind. */
  holds(seq: number): boolean {
    return this.msgs.has(seq) || this.events.has(seq);
  }

  /** Muted now (the server's rule): left out of the badge total, as push leaves it out. */
  muted(now = Date.now()): boolean {
    return this.mutedUntilMs === -1 || this.mutedUntilMs > now;
  }

  sortedSeqs(): number[] {
    if (!this.sortedCache) this.sortedCache = [...this.msgs.keys()].sort((a, b) => a - b);
    return this.sortedCache;
  }

  oldestSeq(): number {
    const s = this.sortedSeqs();
    return s.length ? s[0] : this.syncSeq + 1;
  }

  put(m: WireMessage): boolean {
    if (this.msgs.has(m.seq)) return false;
    this.msgs.set(m.seq, m);
    this.sortedCache = null;
    this.rev++;
    return true;
  }

  /** A held message's new state (an event applied, a history page). */
  replace(m: WireMessage): void {
    if (this.lastMessage?.seq === m.seq) this.lastMessage = m;
    if (!this.msgs.has(m.seq)) this.sortedCache = null;
    this.msgs.set(m.seq, m);
    this.rev++;
  }

  /** Forgets the loaded messages: the conversation loads from the server as if new, its cursor
   * at `lastSeq` (a kept window that no longer reaches the server's newest, msg_cache.ts). */
  forgetMessages(lastSeq: number): void {
    this.msgs.clear();
    this.events.clear();
    this.mentionSeqs.clear();
    this.mentionEdits.clear();
    this.sortedCache = null;
    this.rev++;
    this.syncSeq = Math.max(this.syncSeq, lastSeq);
    this.lastSeq = Math.max(this.lastSeq, lastSeq);
    this.latestLoaded = false;
    this.hasMoreBefore = true;
    this.kept = false;
  }

  title(me: string): string {
    if (this.kind === "channel") return `# ${this.name}`;
    if (this.kind === "group") return this.name || t("conv.unnamedGroup");
    return this.other(me) ?? (this.name || t("conv.direct"));
  }

  other(me: string): string | undefined {
    for (const u of this.members.keys()) if (u !== me) return u;
    return undefined;
  }

  directPeer(me: string): string | undefined {
    return this.kind === "direct" ? this.other(me) : undefined;
  }

  myRole(me: string): string {
    return this.members.get(me)?.role ?? "member";
  }

  typingUsers(now = Date.now()): string[] {
    const out: string[] = [];
    for (const [u, until] of this.typing) if (until > now) out.push(u);
    return out;
  }
}
