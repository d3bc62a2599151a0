// One conversation as this device knows it: metadata, members with receipts, the loaded messages
// keyed by seq, the sync cursor, who is typing. Conv is mutated only by the state modules;
// the view sees it as a ConvView (read-only).
import type { WireMessage } from "../api/wire";

export interface Member {
  role: string;
  read_seq: number;
}

/** What the view may read of a conversation. */
export interface ConvView {
  readonly id: string;
  readonly kind: "direct" | "group";
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
  readonly unread: number;
  readonly mutedUntilMs: number;
  muted(now?: number): boolean;
  sortedSeqs(): readonly number[];
  title(me: string): string;
  other(me: string): string | undefined;
  myRole(me: string): string;
  typingUsers(now?: number): string[];
}

export class Conv implements ConvView {
  kind: "direct" | "group" = "direct";
  name = "";
  members = new Map<string, Member>();
  lastSeq = 0;
  readSeq = 0;
  lastMessage: WireMessage | null = null;
  activityMs = 0;
  /** Loaded messages, by seq. */
  msgs = new Map<number, WireMessage>();
  /** Every message up to this seq that belongs to the loaded window is here; the sync cursor. */
  syncSeq = 0;
  latestLoaded = false;
  hasMoreBefore = true;
  loadingOlder = false;
  rolesLoaded = false;
  /** My mute: 0 none, -1 for good, else epoch ms (the `conversations` list, `mute` events). */
  mutedUntilMs = 0;
  typing = new Map<string, number>(); // user -> expiry (epoch ms)
  private sortedCache: number[] | null = null;

  constructor(readonly id: string) {}

  get unread(): number {
    return Math.max(0, this.lastSeq - this.readSeq);
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
    return true;
  }

  title(me: string): string {
    if (this.kind === "group") return this.name || "Unnamed group";
    return this.other(me) ?? (this.name || "Direct chat");
  }

  other(me: string): string | undefined {
    for (const u of this.members.keys()) if (u !== me) return u;
    return undefined;
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
