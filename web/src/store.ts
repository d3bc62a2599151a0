// Client state and the protocol logic around it: conversations, messages keyed by
// (conversation_id, seq), per-conversation sync cursors, pending sends, presence, typing.
// No DOM here; the view subscribes with onChange.
import { ChatError, Connection, ConnStatus, Credentials } from "./net";
import {
  InboxEvent,
  Presence,
  Response,
  SendAck,
  SyncConversation,
  WireConversation,
  WireMessage,
  WireSummary,
  codePoints,
  topics,
} from "./proto";

export const MAX_CHARS = 100000;
const HISTORY_PAGE = 50;
const TYPING_SHOW_MS = 6000;

export interface Member {
  role: string;
  read_seq: number;
}

export class Conv {
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
  typing = new Map<string, number>(); // user -> expiry (epoch ms)
  private sortedCache: number[] | null = null;

  constructor(readonly id: string) {}

  get unread(): number {
    return Math.max(0, this.lastSeq - this.readSeq);
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

export interface Pending {
  client_msg_id: string;
  conversation_id: string;
  text: string;
  created_ms: number;
  state: "sending" | "waiting" | "failed";
  error?: string;
  inflight: boolean;
  attempts: number;
}

export type Notice = { kind: "error" | "info"; text: string; at: number };

/** The user-facing sentence for a failed request. */
export function describeError(e: unknown, ctx: { text?: string; op?: string; user?: string } = {}): string {
  if (!(e instanceof ChatError)) return e instanceof Error ? e.message : String(e);
  switch (e.code) {
    case "TOO_LONG": {
      const nums = e.message.match(/\d+/g);
      const n = nums && nums.length >= 2 ? Number(nums[0]) : ctx.text ? codePoints(ctx.text) : NaN;
      const limit = nums && nums.length >= 2 ? Number(nums[1]) : MAX_CHARS;
      return `Message too long (${n} characters; limit ${limit})`;
    }
    case "NOT_MEMBER":
      return "You are not a member of this conversation";
    case "NOT_FOUND":
      return ctx.user ? `No user named "${ctx.user}"` : "Not found: " + e.message;
    case "FORBIDDEN":
      return "Only the group's owner or admins can do that";
    case "GROUP_FULL":
      return "The group is full: " + e.message;
    case "EMPTY_TEXT":
      return "The message is empty";
    case "INVALID_UTF8":
      return "The message contains invalid characters";
    case "RATE_LIMITED":
      return "Too many requests; slow down a little";
    case "OVERLOADED":
    case "UNAVAILABLE":
      return "The server is busy; try again in a moment";
    case "OFFLINE":
    case "DISCONNECTED":
      return "Not connected to the server";
    case "TIMEOUT":
      return "The server did not answer in time";
    default:
      return e.message || e.code;
  }
}

function newMsgId(device: string): string {
  const rnd = Math.random().toString(36).slice(2, 10);
  return `${device}-${Date.now().toString(36)}-${rnd}`.slice(-64);
}

export class ChatStore {
  readonly me: string;
  conn: Connection;
  status: ConnStatus = { state: "connecting", attempt: 0 };
  convs = new Map<string, Conv>();
  pending = new Map<string, Pending>();
  presence = new Map<string, Presence>();
  notice: Notice | null = null;
  loaded = false; // the conversation list arrived at least once
  openId: string | null = null;
  typingSupported = true;

  private listeners = new Set<() => void>();
  private orphans: WireMessage[] = [];
  private syncing = false;
  private syncAgain = false;
  private syncTimer = 0;
  private refreshTimer = 0;
  private readSent = new Map<string, number>();
  private retryTimers = new Map<string, number>();
  private typingTimer = 0;

  constructor(
    creds: Credentials,
    private hooks: {
      authFailed(code: number): void;
      firstFailure(error: string): boolean; // return true to stop (login screen)
      removed(conv: Conv, byMe: boolean, actor: string): void;
    },
  ) {
    this.me = creds.user;
    this.conn = new Connection(creds, {
      status: (s) => {
        this.status = s;
        if (s.state === "waiting" && !this.loaded && this.hooks.firstFailure(s.error ?? "")) return;
        // While disconnected nobody's presence is known; the retained states come back on resubscribe.
        if (s.state !== "online") this.presence.clear();
        for (const p of this.pending.values()) {
          if (!p.inflight && p.state === "sending") p.state = "waiting";
        }
        this.changed();
      },
      ready: (first) => void this.onReady(first),
      inbox: (ev) => this.onInbox(ev),
      presence: (user, p) => {
        if (p) this.presence.set(user, p);
        else this.presence.delete(user);
        this.changed();
      },
      authFailed: (code) => this.hooks.authFailed(code),
    });
  }

  start(): void {
    this.conn.start();
  }

  stop(): void {
    this.conn.stop();
    for (const t of this.retryTimers.values()) window.clearTimeout(t);
    window.clearTimeout(this.syncTimer);
    window.clearTimeout(this.refreshTimer);
    window.clearTimeout(this.typingTimer);
  }

  onChange(fn: () => void): void {
    this.listeners.add(fn);
  }

  changed(): void {
    for (const fn of this.listeners) fn();
  }

  setNotice(kind: Notice["kind"], text: string): void {
    this.notice = { kind, text, at: Date.now() };
    this.changed();
  }

  sortedConvs(): Conv[] {
    return [...this.convs.values()].sort(
      (a, b) => b.activityMs - a.activityMs || (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0),
    );
  }

  totalUnread(): number {
    let n = 0;
    for (const c of this.convs.values()) n += c.unread;
    return n;
  }

  // ---- connection lifecycle ------------------------------------------------------------

  private async onReady(first: boolean): Promise<void> {
    try {
      await this.refreshConversations(!first);
      if (!first) await this.sync();
      this.loaded = true;
      this.changed();
      for (const p of this.pending.values()) this.trySend(p);
      const open = this.openId ? this.convs.get(this.openId) : undefined;
      if (open) {
        if (!open.latestLoaded) void this.loadLatest(open);
        void this.loadMembers(open);
      }
    } catch (e) {
      if (e instanceof ChatError && (e.code === "DISCONNECTED" || e.code === "OFFLINE")) return;
      this.setNotice("error", "Could not load conversations: " + describeError(e));
    }
  }

  private async refreshConversations(reconnect: boolean): Promise<void> {
    const r = await this.conn.request(topics.req("conversations"), {});
    const list = (r.conversations as WireSummary[]) ?? [];
    const seen = new Set<string>();
    for (const s of list) {
      seen.add(s.conversation_id);
      let c = this.convs.get(s.conversation_id);
      const isNew = !c;
      if (!c) {
        c = new Conv(s.conversation_id);
        c.syncSeq = s.last_seq; // older messages come from history when the conversation opens
        this.convs.set(c.id, c);
      }
      c.kind = s.kind;
      c.name = s.name;
      for (const u of s.members) if (!c.members.has(u)) c.members.set(u, { role: "member", read_seq: 0 });
      for (const u of [...c.members.keys()]) if (!s.members.includes(u)) c.members.delete(u);
      c.lastSeq = Math.max(c.lastSeq, s.last_seq);
      c.readSeq = Math.max(c.readSeq, s.read_seq);
      if (s.last_message && (!c.lastMessage || s.last_message.seq > c.lastMessage.seq)) {
        c.lastMessage = s.last_message;
      }
      if (isNew || !reconnect || s.last_message) {
        c.activityMs = Math.max(c.activityMs, s.last_message?.sent_at_ms ?? 0);
      }
    }
    for (const id of [...this.convs.keys()]) {
      if (!seen.has(id)) this.dropConv(id);
    }
    this.adoptOrphans();
    this.watchContacts();
    this.changed();
  }

  private watchContacts(): void {
    const users = new Set<string>();
    for (const c of this.convs.values()) for (const u of c.members.keys()) users.add(u);
    this.conn.watchPresence(users);
  }

  private adoptOrphans(): void {
    const orphans = this.orphans;
    this.orphans = [];
    for (const m of orphans) {
      if (this.convs.has(m.conversation_id)) this.addMessage(m, true);
    }
  }

  /** Catch up with per-conversation cursors (docs/PROTOCOL.md, sync). */
  async sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    try {
      for (let round = 0; round < 100; round++) {
        const cursors: Record<string, number> = {};
        for (const c of this.convs.values()) cursors[c.id] = c.syncSeq;
        const r = await this.conn.request(topics.req("sync"), { cursors, limit: 100 }, 30000);
        let more = false;
        let unknown = false;
        for (const sc of (r.conversations as SyncConversation[]) ?? []) {
          const c = this.convs.get(sc.conversation_id);
          if (!c) {
            unknown = true;
            continue;
          }
          for (const m of sc.messages) this.addMessage(m, false);
          c.lastSeq = Math.max(c.lastSeq, sc.last_seq);
          const top = sc.messages.length ? sc.messages[sc.messages.length - 1].seq : c.syncSeq;
          c.syncSeq = Math.max(c.syncSeq, sc.has_more ? top : sc.last_seq);
          if (sc.has_more) more = true;
        }
        this.changed();
        if (unknown) this.scheduleRefresh();
        if (!more && !this.syncAgain) break;
        this.syncAgain = false;
      }
    } finally {
      this.syncing = false;
    }
  }

  private scheduleSync(): void {
    window.clearTimeout(this.syncTimer);
    this.syncTimer = window.setTimeout(() => {
      if (this.conn.online) void this.sync().catch(() => {});
    }, 400);
  }

  private scheduleRefresh(): void {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => {
      if (this.conn.online) void this.refreshConversations(true).catch(() => {});
    }, 300);
  }

  // ---- inbox ----------------------------------------------------------------------------

  private onInbox(ev: InboxEvent): void {
    switch (ev.type) {
      case "message": {
        const { type: _t, ...m } = ev;
        this.addMessage(m, true);
        break;
      }
      case "read": {
        const c = this.convs.get(ev.conversation_id);
        if (!c) return;
        if (ev.user === this.me) c.readSeq = Math.max(c.readSeq, ev.read_seq);
        const m = c.members.get(ev.user);
        if (m) m.read_seq = Math.max(m.read_seq, ev.read_seq);
        break;
      }
      case "conversation":
        this.onConversationEvent(ev.event, ev.conversation, ev.actor, ev.users ?? []);
        break;
      case "typing": {
        const c = this.convs.get(ev.conversation_id);
        if (!c || ev.user === this.me) return;
        if (ev.typing) c.typing.set(ev.user, Date.now() + TYPING_SHOW_MS);
        else c.typing.delete(ev.user);
        window.setTimeout(() => this.changed(), TYPING_SHOW_MS + 50);
        break;
      }
      default:
        return;
    }
    this.changed();
  }

  private onConversationEvent(event: string, wc: WireConversation, actor: string, users: string[]): void {
    const stillMember = wc.members.some((m) => m.user === this.me);
    if (!stillMember) {
      const c = this.convs.get(wc.conversation_id);
      if (c) {
        this.dropConv(c.id);
        this.hooks.removed(c, actor === this.me, actor);
      }
      return;
    }
    const c = this.upsert(wc);
    if (event === "created" || (event === "members_added" && users.includes(this.me))) {
      c.activityMs = Math.max(c.activityMs, Date.now());
      if (c.lastSeq > 0 && !c.lastMessage) void this.loadLatest(c).catch(() => {});
    }
    this.watchContacts();
  }

  upsert(wc: WireConversation): Conv {
    let c = this.convs.get(wc.conversation_id);
    if (!c) {
      c = new Conv(wc.conversation_id);
      c.syncSeq = wc.last_seq;
      c.activityMs = Date.now();
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

  private dropConv(id: string): void {
    this.convs.delete(id);
    for (const [k, p] of this.pending) if (p.conversation_id === id) this.pending.delete(k);
  }

  /** Adds a message (live, from sync, history or a send ack); keyed by (conversation, seq). */
  addMessage(m: WireMessage, live: boolean): void {
    const c = this.convs.get(m.conversation_id);
    if (!c) {
      this.orphans.push(m);
      this.scheduleRefresh();
      return;
    }
    if (m.sender === this.me) {
      this.pending.delete(m.client_msg_id);
      c.readSeq = Math.max(c.readSeq, m.seq); // sending advances the sender's read position
    }
    c.typing.delete(m.sender);
    c.put(m);
    c.lastSeq = Math.max(c.lastSeq, m.seq);
    if (!c.lastMessage || m.seq >= c.lastMessage.seq) {
      c.lastMessage = m;
      c.activityMs = Math.max(c.activityMs, m.sent_at_ms);
    }
    if (m.seq === c.syncSeq + 1) {
      c.syncSeq = m.seq;
      while (c.msgs.has(c.syncSeq + 1)) c.syncSeq++;
    } else if (m.seq > c.syncSeq + 1 && live) {
      this.scheduleSync(); // a gap: something was missed
    }
  }

  // ---- conversations ----------------------------------------------------------------------

  async loadLatest(c: Conv): Promise<void> {
    if (c.latestLoaded || c.loadingOlder) return;
    c.loadingOlder = true;
    this.changed();
    try {
      const r = await this.conn.request(topics.conv(c.id, "history"), {
        before_seq: c.syncSeq + 1,
        limit: HISTORY_PAGE,
      });
      const msgs = (r.messages as WireMessage[]) ?? [];
      for (const m of msgs) this.addMessage(m, false);
      c.latestLoaded = true;
      c.hasMoreBefore = Boolean(r.has_more);
    } finally {
      c.loadingOlder = false;
      this.changed();
    }
  }

  async loadOlder(c: Conv): Promise<void> {
    if (!c.latestLoaded) return this.loadLatest(c);
    if (!c.hasMoreBefore || c.loadingOlder) return;
    c.loadingOlder = true;
    this.changed();
    try {
      const r = await this.conn.request(topics.conv(c.id, "history"), {
        before_seq: c.oldestSeq(),
        limit: HISTORY_PAGE,
      });
      for (const m of (r.messages as WireMessage[]) ?? []) c.put(m);
      c.hasMoreBefore = Boolean(r.has_more);
    } finally {
      c.loadingOlder = false;
      this.changed();
    }
  }

  async loadMembers(c: Conv): Promise<void> {
    const r = await this.conn.request(topics.conv(c.id, "members"), {});
    const members = (r.members as { user: string; role: string; read_seq: number }[]) ?? [];
    c.members = new Map(members.map((m) => [m.user, { role: m.role, read_seq: m.read_seq }]));
    c.rolesLoaded = true;
    this.watchContacts();
    this.changed();
  }

  markRead(c: Conv): void {
    const seq = c.lastSeq;
    if (seq <= 0) return;
    c.readSeq = Math.max(c.readSeq, seq);
    if ((this.readSent.get(c.id) ?? 0) >= seq || !this.conn.online) return;
    this.readSent.set(c.id, seq);
    this.conn.request(topics.conv(c.id, "read"), { seq }).catch(() => this.readSent.delete(c.id));
  }

  async openDirect(user: string): Promise<Conv> {
    const r = await this.conn.request(topics.req("open_direct"), { user });
    const c = this.upsert(r.conversation as WireConversation);
    this.watchContacts();
    this.changed();
    return c;
  }

  async createGroup(name: string, members: string[]): Promise<Conv> {
    const r = await this.conn.request(topics.req("create_group"), { name, members });
    const c = this.upsert(r.conversation as WireConversation);
    c.activityMs = Date.now();
    this.watchContacts();
    this.changed();
    return c;
  }

  async manage(c: Conv, op: "add_members" | "remove_member" | "leave" | "rename", body: Record<string, unknown>): Promise<Response> {
    const r = await this.conn.request(topics.conv(c.id, op), body);
    if (op === "leave") {
      this.dropConv(c.id);
      this.changed();
    } else if (r.conversation) {
      this.upsert(r.conversation as WireConversation);
      this.changed();
    } else {
      void this.loadMembers(c).catch(() => {});
    }
    return r;
  }

  // ---- sending ----------------------------------------------------------------------------

  send(c: Conv, text: string): Pending {
    const p: Pending = {
      client_msg_id: newMsgId(this.conn.creds.device),
      conversation_id: c.id,
      text,
      created_ms: Date.now(),
      state: this.conn.online ? "sending" : "waiting",
      inflight: false,
      attempts: 0,
    };
    this.pending.set(p.client_msg_id, p);
    this.changed();
    this.trySend(p);
    return p;
  }

  retry(p: Pending): void {
    p.state = this.conn.online ? "sending" : "waiting";
    p.error = undefined;
    p.attempts = 0;
    this.changed();
    this.trySend(p);
  }

  discard(p: Pending): void {
    this.pending.delete(p.client_msg_id);
    this.changed();
  }

  pendingFor(id: string): Pending[] {
    return [...this.pending.values()].filter((p) => p.conversation_id === id).sort((a, b) => a.created_ms - b.created_ms);
  }

  private trySend(p: Pending): void {
    if (p.inflight || p.state === "failed" || !this.pending.has(p.client_msg_id)) return;
    if (!this.conn.online) {
      p.state = "waiting";
      return;
    }
    window.clearTimeout(this.retryTimers.get(p.client_msg_id));
    p.inflight = true;
    p.state = "sending";
    p.attempts++;
    // The same client_msg_id on every attempt: the server stores it once.
    this.conn
      .request(topics.conv(p.conversation_id, "send"), { client_msg_id: p.client_msg_id, text: p.text }, 30000)
      .then((r) => {
        const ack = r as SendAck;
        p.inflight = false;
        this.addMessage(
          {
            conversation_id: ack.conversation_id ?? p.conversation_id,
            seq: ack.seq,
            message_id: ack.message_id,
            sender: this.me,
            client_msg_id: p.client_msg_id,
            text: p.text,
            sent_at_ms: ack.server_time_ms,
          },
          true,
        );
        this.pending.delete(p.client_msg_id);
        this.changed();
      })
      .catch((e: unknown) => {
        p.inflight = false;
        if (e instanceof ChatError && e.retryable) {
          p.state = this.conn.online ? "sending" : "waiting";
          if (this.conn.online) {
            const delay = Math.min(15000, 500 * 2 ** Math.min(p.attempts, 5));
            this.retryTimers.set(p.client_msg_id, window.setTimeout(() => this.trySend(p), delay));
          }
        } else {
          p.state = "failed";
          p.error = describeError(e, { text: p.text });
          this.setNotice("error", p.error);
        }
        this.changed();
      });
  }

  // ---- typing -----------------------------------------------------------------------------

  private typingConv: string | null = null;
  private typingSentAt = 0;

  /** Called on composer input; sends typing:true at most every 3 s, typing:false after 5 s idle. */
  composing(c: Conv, hasText: boolean): void {
    if (!this.typingSupported || !this.conn.online) return;
    const now = Date.now();
    window.clearTimeout(this.typingTimer);
    if (!hasText) {
      this.stopTyping();
      return;
    }
    if (this.typingConv !== c.id || now - this.typingSentAt > 3000) {
      if (this.typingConv && this.typingConv !== c.id) this.stopTyping();
      this.typingConv = c.id;
      this.typingSentAt = now;
      this.sendTyping(c.id, true);
    }
    this.typingTimer = window.setTimeout(() => this.stopTyping(), 5000);
  }

  stopTyping(): void {
    window.clearTimeout(this.typingTimer);
    if (!this.typingConv) return;
    const id = this.typingConv;
    this.typingConv = null;
    this.typingSentAt = 0;
    this.sendTyping(id, false);
  }

  private sendTyping(id: string, typing: boolean): void {
    if (!this.typingSupported || !this.conn.online) return;
    this.conn.requestQuiet(topics.conv(id, "typing"), { typing }).catch((e: unknown) => {
      // Older servers answer UNKNOWN_OP; typing is a hint, so stop sending it, quietly.
      if (e instanceof ChatError && (e.code === "UNKNOWN_OP" || e.code === "BAD_REQUEST")) {
        this.typingSupported = false;
      }
    });
  }
}
