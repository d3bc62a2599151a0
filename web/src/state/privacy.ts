// The caller's privacy settings (docs/PROTOCOL.md "Blocking and who may message me"): the users
// they blocked and who may message them directly (dm_policy). Fetched with `blocks` after every
// connection (sync does not carry them), kept current by the `privacy` inbox event (every device
// of the user gets one after a change, from any device), and changed with block, unblock and
// setDmPolicy, each answering with the new settings. The view hides group messages of blocked
// senders (the server delivers them; hiding is the client's part).
import { decodePrivacy } from "../api/decode";
import { DmPolicy, PrivacySettings, Response, topics } from "../api/wire";

/** The reasons a report may give (protocol/report.h), in the order the dialog lists them. */
export const REPORT_REASONS = [
  "spam",
  "harassment",
  "hate",
  "sexual",
  "violence",
  "self_harm",
  "impersonation",
  "other",
] as const;

export interface ReportInput {
  user?: string;
  conversationId?: string;
  seq?: number;
  reason: (typeof REPORT_REASONS)[number];
  details?: string;
}

export interface PrivacyDeps {
  request(topic: string, body: Record<string, unknown>): Promise<Response>;
  changed(): void;
}

export class Privacy {
  private _settings: PrivacySettings | null = null;
  private blockedSet = new Set<string>();
  /** Counts the `privacy` events applied: an answer to a request sent before the latest event
   * may be older than it (answers and events come on different topics), so it is not applied. */
  private events = 0;

  constructor(private d: PrivacyDeps) {}

  /** The settings; null until the first `blocks` answer or `privacy` event. */
  get settings(): Readonly<PrivacySettings> | null {
    return this._settings;
  }

  isBlocked(user: string): boolean {
    return this.blockedSet.has(user);
  }

  /** Reads the settings (after each connection). */
  async refresh(): Promise<void> {
    await this.call("blocks", {});
  }

  block(user: string): Promise<PrivacySettings> {
    return this.call("block", { user });
  }

  unblock(user: string): Promise<PrivacySettings> {
    return this.call("unblock", { user });
  }

  setDmPolicy(policy: DmPolicy): Promise<PrivacySettings> {
    return this.call("set_dm_policy", { dm_policy: policy });
  }

  /** Reports a user, or a message (`conversationId` and `seq`; `user` then its sender) to the
   * operator's moderation queue (docs/PROTOCOL.md "report"); one report per call (a fresh
   * client_msg_id). Resolves with the report's id. */
  async report(r: ReportInput): Promise<string> {
    const body: Record<string, unknown> = {
      client_msg_id: `r${Date.now().toString(16)}${Math.random().toString(16).slice(2, 10)}`,
      reason: r.reason,
    };
    if (r.user) body.user = r.user;
    if (r.conversationId && r.seq) {
      body.conversation_id = r.conversationId;
      body.seq = r.seq;
    }
    if (r.details) body.details = r.details;
    const res = await this.d.request(topics.req("report"), body);
    return String(res.report_id ?? "");
  }

  /** A `privacy` inbox event: the whole settings after a change on any of my devices. */
  applyEvent(s: PrivacySettings): void {
    this.events++;
    this.set(s);
  }

  private async call(op: string, body: Record<string, unknown>): Promise<PrivacySettings> {
    const seen = this.events;
    const s = decodePrivacy(await this.d.request(topics.req(op), body), op);
    if (this.events === seen) this.set(s);
    return s;
  }

  private set(s: PrivacySettings): void {
    this._settings = s;
    this.blockedSet = new Set(s.blocked.map((b) => b.user));
    this.d.changed();
  }
}
