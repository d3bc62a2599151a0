// Catching up, for ChatState (chat.ts): at start the conversations and messages this device
// kept (conv_cache.ts, msg_cache.ts) until the server answers; on each connection the
// conversation list, the privacy settings, the servers, the sync (after a reconnect, or when kept
// messages are shown: they may be behind), the outbox, the open conversation's history, the
// latest entries of one whose list preview lacks an unread call (call_entry.ts); and the syncs
// and list refreshes asked for later (a gap in live messages, an unknown conversation), each a
// moment after the last ask. What it kept of the list loses the text of a message
// deleted or edited since.
import { t } from "../i18n/i18n";
import { decodeConversationList } from "../api/decode";
import { topics } from "../api/wire";
import type { WireSummary } from "../api/wire";
import { previewLacksCall } from "./call_entry";
import { Transport, gone } from "./chat_contract";
import type { Community } from "./community";
import type { ConvView } from "./conversation";
import type { Conversations } from "./conversations";
import { ConvCacheBackend, keptList } from "./conv_cache";
import { describeError } from "./describe";
import type { MsgCache } from "./msg_cache";
import type { Privacy } from "./privacy";
import type { Syncer } from "./sync";

const SYNC_DELAY_MS = 400;
const REFRESH_DELAY_MS = 300;

export interface CatchupDeps {
  conn(): Transport;
  convs: Conversations;
  community: Community;
  privacy: Privacy;
  syncer: Syncer;
  convCache: ConvCacheBackend | null;
  msgCache: MsgCache;
  /** Connected again: any profile may have changed meanwhile. */
  reconnected(): void;
  /** The list, the servers and the sync are in (the first time: the view is loaded). */
  loaded(): void;
  flushOutbox(): void;
  openConv(): ConvView | undefined;
  /** Loads the newest history of `id`, a failure shown as the notice (ChatState.showHistory). */
  showHistory(id: string): void;
  /** Loads the newest history of `id` (ChatState.loadLatest). */
  loadLatest(id: string): Promise<void>;
  loadMembers(id: string): Promise<void>;
  watchContacts(): void;
  setNotice(kind: "error" | "info", text: string): void;
  changed(): void;
}

export class Catchup {
  private listed = false; // the server's list arrived (the kept one is not used then)
  private keptSummaries: WireSummary[] | null = null; // the list as written to the device
  private syncTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private d: CatchupDeps) {}

  /** Shows the list and messages kept by the last page until the server's list arrives. */
  async restore(): Promise<void> {
    const [list, kept] = await Promise.all([keptList(this.d.convCache), this.d.msgCache.load()]);
    if (!list || this.listed) return;
    this.d.convs.applySummaries(list, false);
    for (const k of kept) this.d.convs.restoreKept(k.conversation_id, k);
    this.d.changed();
  }

  async onReady(first: boolean): Promise<void> {
    const d = this.d;
    if (!first) d.reconnected();
    try {
      await this.refreshConversations(!first);
      void d.privacy.refresh().catch(() => {}); // the next connection asks again
      // The servers first: the broker loads my channel access with them, before sync needs it.
      // Their failure does not stop the rest (the next connection asks again), a lost
      // connection (or a logout) does: nothing is loaded then.
      await d.community.onReady().catch((e) => {
        if (gone(e)) throw e;
      });
      if (!first || d.convs.anyKept()) {
        await d.syncer.run();
        d.convs.confirmKept();
      }
      d.loaded();
      d.flushOutbox();
      // A missed call after a conversation's last message: its latest entries, so the list shows it.
      for (const c of d.convs.values()) if (previewLacksCall(c)) void d.loadLatest(c.id).catch(() => {});
      const open = d.openConv();
      if (open) {
        if (!open.latestLoaded) d.showHistory(open.id);
        void d.loadMembers(open.id).catch(() => {}); // a lost connection loads them on the next
      }
    } catch (e) {
      if (gone(e)) return;
      d.setNotice("error", t("notice.convsFailed", { error: describeError(e) }));
    }
  }

  private async refreshConversations(reconnect: boolean): Promise<void> {
    const r = await this.d.conn().request(topics.req("conversations"), {});
    const list = decodeConversationList(r);
    this.listed = true;
    this.d.convs.applySummaries(list, reconnect);
    this.keptSummaries = list;
    if (!this.stopped) void this.d.convCache?.save(list).catch(() => {});
    this.d.watchContacts();
    this.d.changed();
  }

  /** The kept list again if a last message in it was deleted or edited since it was written:
   * a deleted message's text does not stay on the device. */
  rewriteList(): void {
    const list = this.keptSummaries;
    if (!list || !this.d.convCache || this.stopped) return;
    let changed = false;
    const next = list.map((s) => {
      const c = this.d.convs.get(s.conversation_id);
      const was = s.last_message;
      const now = was && (c?.msgs.get(was.seq) ?? (c?.lastMessage?.seq === was.seq ? c.lastMessage : undefined));
      if (!now || !was || (now.text === was.text && !now.deleted === !was.deleted)) return s;
      changed = true;
      return { ...s, last_message: now };
    });
    if (!changed) return;
    this.keptSummaries = next;
    void this.d.convCache.save(next).catch(() => {});
  }

  scheduleSync(): void {
    clearTimeout(this.syncTimer);
    this.syncTimer = setTimeout(() => {
      if (this.d.conn().online) void this.d.syncer.run().catch(() => {});
    }, SYNC_DELAY_MS);
  }

  scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      if (this.d.conn().online) void this.refreshConversations(true).catch(() => {});
    }, REFRESH_DELAY_MS);
  }

  /** `forget`: a logout, so the kept list goes too. Nothing is written after. */
  stop(forget: boolean): void {
    this.stopped = true;
    clearTimeout(this.syncTimer);
    clearTimeout(this.refreshTimer);
    if (forget) void this.d.convCache?.clear().catch(() => {});
  }
}
