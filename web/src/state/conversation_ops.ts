// The requests about conversations and what their answers change: history pages (latest and
// older), members, read markers, opening a direct conversation, creating a group, managing one
// (add, remove, leave, rename) and muting. ChatState (chat.ts) owns one and passes these on.
import { decodeConversationResult, decodeHistory, decodeMembers } from "../api/decode";
import { ChatError, DecodeError } from "../api/errors";
import { Response, WireConversation, topics } from "../api/wire";
import { Conv, ConvView } from "./conversation";
import { Conversations } from "./conversations";

const HISTORY_PAGE = 50;

export type ManageOp = "add_members" | "remove_member" | "leave" | "rename";

export interface ConversationOpsDeps {
  request(topic: string, body: Record<string, unknown>): Promise<Response>;
  online(): boolean;
  changed(): void;
  /** The users whose presence to follow changed (members arrived). */
  watchContacts(): void;
}

export class ConversationOps {
  private readSent = new Map<string, number>();

  constructor(
    private convs: Conversations,
    private deps: ConversationOpsDeps,
  ) {}

  async loadLatest(id: string): Promise<void> {
    const c = this.convs.get(id);
    if (!c || c.latestLoaded || c.loadingOlder) return;
    await this.loadPage(c, c.syncSeq + 1, (page) => this.convs.applyLatest(c, page.messages, page.has_more));
  }

  async loadOlder(id: string): Promise<void> {
    const c = this.convs.get(id);
    if (!c) return;
    if (!c.latestLoaded) return this.loadLatest(id);
    if (!c.hasMoreBefore || c.loadingOlder) return;
    await this.loadPage(c, c.oldestSeq(), (page) => this.convs.applyOlder(c, page.messages, page.has_more));
  }

  private async loadPage(c: Conv, beforeSeq: number, apply: (p: ReturnType<typeof decodeHistory>) => void) {
    // Offline nothing loads, and nothing changes (a view drawing again would ask again at once).
    if (!this.deps.online()) throw new ChatError("OFFLINE", "Not connected", true);
    this.convs.setLoadingOlder(c, true);
    this.deps.changed();
    try {
      const body = { before_seq: beforeSeq, limit: HISTORY_PAGE };
      apply(decodeHistory(await this.deps.request(topics.conv(c.id, "history"), body)));
    } finally {
      this.convs.setLoadingOlder(c, false);
      this.deps.changed();
    }
  }

  async loadMembers(id: string): Promise<void> {
    const r = await this.deps.request(topics.conv(id, "members"), {});
    const c = this.convs.get(id);
    if (!c) return;
    this.convs.setMembers(c, decodeMembers(r));
    this.deps.watchContacts();
    this.deps.changed();
  }

  markRead(id: string): void {
    const c = this.convs.get(id);
    if (!c) return;
    const seq = this.convs.markRead(c);
    if (seq <= 0) return;
    if ((this.readSent.get(id) ?? 0) >= seq || !this.deps.online()) return;
    this.readSent.set(id, seq);
    this.deps.request(topics.conv(id, "read"), { seq }).catch(() => this.readSent.delete(id));
  }

  async openDirect(user: string): Promise<ConvView> {
    const r = await this.deps.request(topics.req("open_direct"), { user });
    const c = this.convs.upsert(conversationOf(r));
    this.deps.watchContacts();
    this.deps.changed();
    return c;
  }

  async createGroup(name: string, members: string[]): Promise<ConvView> {
    const r = await this.deps.request(topics.req("create_group"), { name, members });
    const c = this.convs.upsert(conversationOf(r));
    this.convs.touch(c.id);
    this.deps.watchContacts();
    this.deps.changed();
    return c;
  }

  async manage(id: string, op: ManageOp, body: Record<string, unknown>): Promise<void> {
    const r = await this.deps.request(topics.conv(id, op), body);
    const wc = op === "leave" ? null : decodeConversationResult(r);
    if (op === "leave") this.convs.drop(id);
    else if (wc) this.convs.upsert(wc);
    else return void this.loadMembers(id).catch(() => {});
    this.deps.changed();
  }

  /** Mutes my conversation `id` until `untilMs` (-1 for good, 0 unmutes; PROTOCOL.md 7.1). My
   * other devices learn it from the `mute` inbox event. */
  async mute(id: string, untilMs: number): Promise<void> {
    const r = await this.deps.request(topics.conv(id, "mute"), { until_ms: untilMs });
    const until = typeof r.until_ms === "number" ? r.until_ms : untilMs;
    if (this.convs.applyMute(id, until)) this.deps.changed();
  }
}

function conversationOf(r: Response): WireConversation {
  const wc = decodeConversationResult(r);
  if (!wc) throw new DecodeError(`${r.op}: no conversation`);
  return wc;
}
