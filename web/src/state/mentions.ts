// Mentions (PROTOCOL.md "Mentions"): the `@name`s of a text that name members of the
// conversation (what a send carries; the server does not parse text), and the count of my unread
// mentions of a conversation: the `conversations` summary's `unread_mentions` at its seq, plus the
// messages (and edits adding me) above it that mention me, less what I have read since.
import type { WireMessage } from "../api/wire";
import type { Conv } from "./conversation";

/** At most this many names per message (the server's bound). */
export const MAX_MENTIONS = 50;

const MENTION_RE = /(^|[^A-Za-z0-9_.@-])@([A-Za-z0-9][A-Za-z0-9_.-]{0,63})/g;

/** The members `text` mentions as `@name`, in order of first mention, each once. A name's
 * trailing dots are punctuation ("thanks @bob."), unless a member has that name. */
export function findMentions(text: string, members: Iterable<string>): string[] {
  const known = new Set(members);
  const out: string[] = [];
  for (const m of text.matchAll(MENTION_RE)) {
    let name = m[2];
    while (!known.has(name) && /[.-]$/.test(name)) name = name.slice(0, -1);
    if (known.has(name) && !out.includes(name)) out.push(name);
    if (out.length === MAX_MENTIONS) break;
  }
  return out;
}

/** `m` (a message or an edit) mentions `me` and is not mine. */
export function mentionsMe(m: Readonly<WireMessage>, me: string): boolean {
  return m.sender !== me && (m.mentions?.includes(me) ?? false);
}

/** A message listed in `c`: its seq counts while unread if it mentions me. */
export function noteMessage(c: Conv, m: Readonly<WireMessage>, me: string): void {
  if (mentionsMe(m, me)) c.mentionSeqs.add(m.seq);
}

/** An edit or delete of message `target`: an edit that adds me is a mention unread from the
 * edit's seq; one that drops me, and a deletion, take the message's mention away. */
export function noteEvent(c: Conv, ev: Readonly<WireMessage>, target: Readonly<WireMessage> | undefined, me: string) {
  if (ev.kind !== "edit" && ev.kind !== "delete") return;
  const was = target ? mentionsMe(target, me) : false;
  const now = ev.kind === "edit" && mentionsMe(ev, me);
  if (was && !now && target) {
    c.mentionSeqs.delete(target.seq);
    for (const s of c.mentionEdits.get(target.seq) ?? []) c.mentionSeqs.delete(s);
  }
  if (now && !was) {
    c.mentionSeqs.add(ev.seq);
    if (ev.target_seq !== undefined) c.mentionEdits.set(ev.target_seq, [ev.seq]);
  }
}

/** My unread mentions in `c`. */
export function unreadMentions(c: Conv): number {
  if (c.readSeq >= c.lastSeq) return 0;
  let n = 0;
  for (const s of c.mentionSeqs) if (s > Math.max(c.readSeq, c.baseSeq)) n++;
  if (c.readSeq < c.baseSeq && c.baseMentions > 0) {
    if (c.readSeq <= c.baseRead) n += c.baseMentions;
    else {
      let held = 0;
      for (const s of c.mentionSeqs) if (s > c.readSeq && s <= c.baseSeq) held++;
      n += Math.min(c.baseMentions, held);
    }
  }
  return n;
}
