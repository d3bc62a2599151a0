// The message events of docs/PROTOCOL.md "Event kinds" applied to the message they name: an edit
// replaces the text and sets edited_at_ms, a delete leaves a tombstone (no text, no reactions),
// react/unreact add or take back one user's emoji. Pure functions over wire values: each returns
// the message's new state as a new object (so the view can tell what changed) or null when the
// event changes nothing. Applying each event once is conversations.ts's job (keyed by seq).
import type { WireMessage, WireReaction } from "../api/wire";

/** A log entry the view lists: a plain message (no kind), or a call's entry (PROTOCOL.md 8.5),
 * which is unread like a message. */
export function isMessage(m: WireMessage): boolean {
  return m.kind === undefined || m.kind === "" || (m.kind === "call" && m.call !== undefined);
}

/** `ev` (an event of `target`'s conversation naming it) applied to `target`; `me` decides `mine`.
 * Null: nothing changes (an unknown kind, an event on a deleted message, a repeat of my own
 * reaction state). */
export function applyEvent(target: WireMessage, ev: WireMessage, me: string): WireMessage | null {
  if (target.deleted) return null;
  switch (ev.kind) {
    case "edit": {
      const { mentions: _m, ...rest } = target;
      const next: WireMessage = { ...rest, text: ev.text, edited_at_ms: ev.sent_at_ms };
      if (ev.mentions?.length) next.mentions = ev.mentions;
      return next;
    }
    case "delete": {
      const { reactions: _r, mentions: _m, ...rest } = target;
      return { ...rest, text: "", deleted: true };
    }
    case "react":
    case "unreact": {
      const reactions = react(target.reactions ?? [], ev.text, ev.sender === me, ev.kind === "react");
      if (!reactions) return null;
      const { reactions: _r, ...rest } = target;
      return reactions.length ? { ...rest, reactions } : rest;
    }
    default:
      return null;
  }
}

/** One reaction added (`add`) or taken back; null if it changes nothing (my own reaction that
 * is already in the state, or taking back one not there). Order: first reacted first. */
function react(list: readonly WireReaction[], emoji: string, mine: boolean, add: boolean): WireReaction[] | null {
  const i = list.findIndex((r) => r.emoji === emoji);
  const cur = i >= 0 ? list[i] : undefined;
  if (mine && cur?.mine === add) return null;
  if (!add && !cur) return null;
  const out = list.slice();
  if (add) {
    const next = { emoji, count: (cur?.count ?? 0) + 1, mine: (cur?.mine ?? false) || mine };
    if (cur) out[i] = next;
    else out.push(next);
  } else {
    const next = { emoji, count: cur!.count - 1, mine: mine ? false : cur!.mine };
    if (next.count <= 0) out.splice(i, 1);
    else out[i] = next;
  }
  return out;
}

/** A `history` entry (current state) over the one the device holds: history wins, except that a
 * delete or a later edit the device already applied is not undone by a page read before it. */
export function mergeHistory(held: WireMessage, page: WireMessage): WireMessage {
  if (held.deleted && !page.deleted) return held;
  if ((held.edited_at_ms ?? 0) > (page.edited_at_ms ?? 0)) {
    const { mentions: _m, ...rest } = page;
    const m: WireMessage = { ...rest, text: held.text, edited_at_ms: held.edited_at_ms };
    if (held.mentions) m.mentions = held.mentions;
    return m;
  }
  return page;
}

/** `m` quoting a message now deleted: the quote without its snippet (as `history` gives it). */
export function quoteDeleted(m: WireMessage): WireMessage {
  return { ...m, reply: { ...m.reply!, snippet: "", deleted: true } };
}
