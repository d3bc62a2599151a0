// The chat state of one login, and the only way to change it: composes the conversations and
// their requests (conversation_ops.ts), the inbox events (inbox.ts), catching up on each
// connection (catchup.ts: the list, the sync, what the device kept), the outbox and the typing
// sender over one connection, and keeps the connection status, presence, the notice line (a
// failed history load among what it tells) and which conversation is open. The view reads it through getters
// and read-only views, calls its methods, and subscribes with onChange.
import { t } from "../i18n/i18n";
import { Connection, ConnHandlers, ConnStatus, Credentials } from "../api/connection";
import { ChatError } from "../api/errors";
import { InboxEvent, Presence, ProfileEvent } from "../api/wire";
import { CallState } from "./call";
import { Catchup } from "./catchup";
import { ChatHooks, Notice, Transport, gone } from "./chat_contract";
import { ConvView } from "./conversation";
import { Community } from "./community";
import { ConversationOps, ManageOp } from "./conversation_ops";
import { Conversations } from "./conversations";
import { ConvCacheBackend, indexedDbConvCache } from "./conv_cache";
import { MsgCache, MsgCacheBackend, indexedDbMsgCache } from "./msg_cache";
import { applyInboxEvent } from "./inbox";
import { describeError } from "./describe";
import { Outbox, PendingView, SendExtras } from "./outbox";
import { OutboxBackend, OutboxStore, indexedDbOutbox } from "./outbox_store";
import { Privacy } from "./privacy";
import { PushTarget } from "./push";
import { SlowMode } from "./slow_mode";
import { SearchState } from "./search";
import { Syncer } from "./sync";
import { TypingSender } from "./typing";

export type { ChatHooks, Notice, Transport } from "./chat_contract";
export type { ManageOp } from "./conversation_ops";

export class ChatState {
  readonly me: string;
  /** Whom I blocked and who may message me (privacy.ts): read it, and change it with its ops. */
  readonly privacy: Privacy;
  /** Search over my messages (search.ts; ui/search_panel.ts shows it). */
  readonly search: SearchState;
  /** My servers, their channels, roles, members and invites (community.ts). */
  readonly community: Community;
  /** This device's push target (push.ts: Web Push, ui/web_push.ts). */
  readonly push: PushTarget;
  /** The calls ringing here and the one this device is in (call.ts; ui/call_ui.ts). */
  readonly calls: CallState;
  private conn: Transport;
  private convs: Conversations;
  private outbox: Outbox;
  private unsent: OutboxStore;
  private catchup: Catchup;
  private kept: MsgCache;
  private typing: TypingSender;
  private profileListeners = new Set<(p: ProfileEvent | null) => void>();
  private _status: ConnStatus = { state: "connecting", attempt: 0 };
  private _presence = new Map<string, Presence>();
  private _notice: Notice | null = null;
  private _loaded = false; // the conversation list arrived at least once
  private _openId: string | null = null;
  private listeners = new Set<() => void>();
  private ops: ConversationOps;
  private channelOps: ConversationOps;
  private slow = new SlowMode();

  constructor(
    creds: Credentials,
    private hooks: ChatHooks,
    connect: (c: Credentials, h: ConnHandlers) => Transport = (c, h) => new Connection(c, h),
    outboxBackend: OutboxBackend | null = indexedDbOutbox(creds.user, creds.device),
    convCache: ConvCacheBackend | null = indexedDbConvCache(creds.user),
    msgCache: MsgCacheBackend | null = indexedDbMsgCache(creds.user),
  ) {
    this.me = creds.user;
    this.unsent = new OutboxStore(outboxBackend);
    const request = (t: string, b: Record<string, unknown>, ms?: number) => this.conn.request(t, b, ms);
    const online = () => this.conn.online;
    const changed = () => this.changed();
    this.convs = new Conversations(this.me, {
      ownMessage: (id) => this.outbox.settled(id),
      dropped: (id) => this.outbox.dropConversation(id),
      gap: () => this.catchup.scheduleSync(),
      unknown: () => this.catchup.scheduleRefresh(),
    });
    this.outbox = new Outbox({
      me: this.me,
      device: creds.device,
      online,
      request,
      delivered: (m) => this.store(m.conversation_id).addMessage(m, true),
      failed: (text) => this.setNotice("error", text),
      refused: (id, e) => this.onRefused(id, e),
      peerOf: (id) => this.convs.get(id)?.directPeer(this.me),
      changed,
    });
    const opsDeps = { request: (t: string, b: Record<string, unknown>) => this.conn.request(t, b), online, changed };
    this.ops = new ConversationOps(this.convs, { ...opsDeps, watchContacts: () => this.watchContacts() });
    this.privacy = new Privacy({ request: (t, b) => this.conn.request(t, b), changed });
    this.search = new SearchState({ request: (t, b) => this.conn.request(t, b), changed });
    this.push = new PushTarget((t, b) => this.conn.request(t, b));
    const notice = (kind: Notice["kind"], text: string) => this.setNotice(kind, text);
    this.calls = new CallState({ me: this.me, device: creds.device, ...opsDeps, notice });
    this.community = new Community({
      me: this.me,
      request: (t, b) => this.conn.request(t, b),
      subscribe: (id) => this.conn.subscribeChannel(id),
      unsubscribe: (id) => this.conn.unsubscribeChannel(id),
      changed,
      ownMessage: (id) => this.outbox.settled(id),
      dropped: (id) => this.outbox.dropConversation(id),
      gap: () => this.catchup.scheduleSync(),
      unknown: () => {},
    });
    // Channels are conversations too (community.ts): the same requests, the same sync.
    this.channelOps = new ConversationOps(this.community.convs, { ...opsDeps, watchContacts: () => {} });
    const stores = () => [this.convs, this.community.convs];
    const syncer = new Syncer(stores, { request, unknown: () => this.catchup.scheduleRefresh(), changed });
    this.kept = new MsgCache(
      msgCache,
      () => this.convs.sorted(),
      () => this.catchup.rewriteList(),
    );
    this.catchup = new Catchup({
      conn: () => this.conn,
      convs: this.convs,
      community: this.community,
      privacy: this.privacy,
      syncer,
      convCache,
      msgCache: this.kept,
      reconnected: () => this.profileListeners.forEach((fn) => fn(null)),
      loaded: () => {
        this._loaded = true;
        this.changed();
      },
      flushOutbox: () => this.outbox.flush(),
      openConv: () => this.openConv(),
      showHistory: (id) => this.showHistory(id),
      loadLatest: (id) => this.loadLatest(id),
      loadMembers: (id) => this.loadMembers(id),
      watchContacts: () => this.watchContacts(),
      setNotice: (kind, text) => this.setNotice(kind, text),
      changed,
    });
    this.typing = new TypingSender({ online, request: (t, b) => this.conn.requestQuiet(t, b) });
    this.conn = connect(creds, {
      status: (s) => this.onStatus(s),
      ready: (first) => void this.catchup.onReady(first),
      inbox: (ev) => this.onInbox(ev),
      channel: (id, ev) => this.community.onChannelEvent(id, ev),
      presence: (user, p) => {
        if (p) this._presence.set(user, p);
        else this._presence.delete(user);
        this.changed();
      },
      authFailed: (code) => this.hooks.authFailed(code),
    });
  }

  // ---- reading ----------------------------------------------------------------------------

  get status(): Readonly<ConnStatus> {
    return this._status;
  }
  get loaded(): boolean {
    return this._loaded;
  }
  get notice(): Readonly<Notice> | null {
    return this._notice;
  }
  get openId(): string | null {
    return this._openId;
  }
  presenceOf(user: string): Readonly<Presence> | undefined {
    return this._presence.get(user);
  }
  /** A conversation or a channel (community.ts) by id. */
  conv(id: string): ConvView | undefined {
    return this.store(id).get(id);
  }
  openConv(): ConvView | undefined {
    return this._openId ? this.conv(this._openId) : undefined;
  }
  /** Milliseconds until the composer may send into `id` (slow mode, RATE_LIMITED; 0: now). */
  slowWaitMs(id: string): number {
    return this.slow.waitMs(id);
  }
  sortedConvs(): ConvView[] {
    return this.convs.sorted();
  }
  totalUnread(): number {
    return this.convs.totalUnread();
  }
  /** The messages of a conversation not yet sent (edits, deletions and reactions not included). */
  pendingFor(conversationId: string): PendingView[] {
    return this.outbox.pendingFor(conversationId).filter((p) => (p.op ?? "send") === "send");
  }

  /** Calls `fn` after every change; the function returned stops that (a view that goes). */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Connects, and puts back the sends an earlier page of this login left unsent and what it
   * kept of the conversations (shown until the server's list arrives: catchup.ts). */
  start(): void {
    this.conn.start();
    void this.unsent.load().then((saved) => this.outbox.restore(saved));
    void this.catchup.restore();
  }

  /** `forget`: logging out, so the unsent messages and the conversations kept on this device go
   * too. Otherwise (the page goes) what is kept is written now. */
  stop(forget = false): void {
    if (forget) this.unsent.clear();
    void this.kept.stop(forget);
    this.catchup.stop(forget);
    this.conn.stop();
    this.outbox.stop();
    this.typing.dispose();
    this.calls.dispose();
  }

  /** Skip the reconnect backoff ("Retry now", the browser coming online). */
  retryNow(): void {
    this.conn.retryNow();
  }

  // ---- view state -------------------------------------------------------------------------

  /** Which conversation is open (null: none); stops the typing indicator of the one left. */
  open(id: string | null): void {
    if (this._openId && this._openId !== id) this.typing.stop();
    this._openId = id;
  }

  setNotice(kind: Notice["kind"], text: string): void {
    this._notice = { kind, text, at: Date.now() };
    this.changed();
  }

  /** Clears the notice; with `only`, only if that notice is still the one shown. */
  clearNotice(only?: Readonly<Notice>): void {
    if (only && this._notice !== only) return;
    this._notice = null;
    this.changed();
  }

  // ---- conversations (conversation_ops.ts) ---------------------------------------------------

  /** Loads the newest history of `id` (or the page before the loaded one: `older`); a failure
   * other than a lost connection becomes the notice. */
  showHistory(id: string, older = false): void {
    (older ? this.loadOlder(id) : this.loadLatest(id)).catch((e) => this.historyFailed(e));
  }

  /** Tells that a history load failed (not for a lost connection: the banner says that). */
  historyFailed(e: unknown): void {
    if (!gone(e)) this.setNotice("error", t("notice.historyFailed", { error: describeError(e) }));
  }

  loadLatest(id: string): Promise<void> {
    return this.opsFor(id)
      .loadLatest(id)
      .catch((e) => this.rethrow(id, e));
  }
  loadOlder(id: string): Promise<void> {
    return this.opsFor(id)
      .loadOlder(id)
      .catch((e) => this.rethrow(id, e));
  }
  /** A channel's members are its server's (community.ts loads them). */
  loadMembers(id: string): Promise<void> {
    return this.community.isChannel(id) ? Promise.resolve() : this.ops.loadMembers(id);
  }
  markRead(id: string): void {
    this.opsFor(id).markRead(id);
  }
  openDirect(user: string): Promise<ConvView> {
    return this.ops.openDirect(user);
  }
  createGroup(name: string, members: string[]): Promise<ConvView> {
    return this.ops.createGroup(name, members);
  }
  manage(id: string, op: ManageOp, body: Record<string, unknown>): Promise<void> {
    return this.ops.manage(id, op, body);
  }
  mute(id: string, untilMs: number): Promise<void> {
    return this.ops.mute(id, untilMs);
  }

  // ---- sending and typing -------------------------------------------------------------------

  /** A message, with what it answers, mentions and carries (outbox.ts SendExtras). */
  send(conversationId: string, text: string, extra: SendExtras = {}): PendingView {
    const c = this.conv(conversationId);
    if (c) this.slow.sent(c, this.me);
    return this.outbox.send(conversationId, text, Date.now(), extra);
  }
  /** Edit, delete and react: through the outbox like sends (kept across reloads, resent with
   * their client_msg_id); a refusal becomes the notice. */
  edit(conversationId: string, seq: number, text: string, mentions?: string[]): void {
    this.outbox.event(conversationId, "edit", seq, text, false, Date.now(), mentions);
  }
  deleteMessage(conversationId: string, seq: number): void {
    this.outbox.event(conversationId, "delete", seq);
  }
  react(conversationId: string, seq: number, emoji: string, remove: boolean): void {
    this.outbox.event(conversationId, "react", seq, emoji, remove);
  }
  retry(clientMsgId: string): void {
    this.outbox.retry(clientMsgId);
  }
  discard(clientMsgId: string): void {
    this.outbox.discard(clientMsgId);
  }
  composing(conversationId: string, hasText: boolean): void {
    this.typing.composing(conversationId, hasText);
  }
  stopTyping(): void {
    this.typing.stop();
  }

  // ---- connection events --------------------------------------------------------------------

  private changed(): void {
    this.unsent.sync(this.outbox.all());
    this.kept.schedule();
    for (const fn of this.listeners) fn();
  }

  private onStatus(s: ConnStatus): void {
    this._status = s;
    if (s.state === "waiting" && !this._loaded && this.hooks.firstFailure(s.error ?? "")) return;
    // While disconnected nobody's presence is known; the retained states come back on resubscribe.
    if (s.state !== "online") this._presence.clear();
    if (s.state !== "online" && s.state !== "connecting") this.calls.connectionLost();
    this.outbox.park();
    this.changed();
  }

  /** Profile changes (`null`: connected again, so any profile may have changed meanwhile: the
   * events are not synced). Returns the unsubscribe. */
  onProfile(fn: (p: ProfileEvent | null) => void): () => void {
    this.profileListeners.add(fn);
    return () => this.profileListeners.delete(fn);
  }

  private watchContacts(): void {
    this.conn.watchPresence(this.convs.contacts());
  }

  /** The store that has (or would have) `id`: the channels' or the conversations'. */
  private store(id: string) {
    return this.community.isChannel(id) ? this.community.convs : this.convs;
  }

  private opsFor(id: string): ConversationOps {
    return this.community.isChannel(id) ? this.channelOps : this.ops;
  }

  private rethrow(id: string, e: unknown): never {
    this.onRefused(id, e);
    throw e;
  }

  /** A request into `id` was refused: RATE_LIMITED paces the composer; NOT_MEMBER on a channel
   * may mean I lost it (community.ts). */
  private onRefused(id: string, e: unknown): void {
    if (e instanceof ChatError && e.code === "RATE_LIMITED" && e.retryAfterMs > 0) {
      this.slow.limited(id, e.retryAfterMs);
      this.setNotice("info", t("slow.held", { s: Math.ceil(e.retryAfterMs / 1000) }));
    }
    this.community.onRefused(id, e);
  }

  private onInbox(ev: InboxEvent): void {
    if (ev.type === "call") return this.calls.onEvent(ev);
    const id = "conversation_id" in ev ? ev.conversation_id : "";
    applyInboxEvent(ev, {
      me: this.me,
      convs: this.store(id),
      privacy: this.privacy,
      changed: () => this.changed(),
      watchContacts: () => this.watchContacts(),
      loadLatest: (id) => this.loadLatest(id),
      removed: (c, byMe, actor) => this.hooks.removed(c, byMe, actor),
      profile: (p) => this.profileListeners.forEach((fn) => fn(p)),
    });
  }
}
