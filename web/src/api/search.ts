// Search over the caller's messages (docs/PROTOCOL.md "search", issue 17): the request body, the
// response decoder, and the snippet split into plain and highlighted parts by the response's
// code point offsets. Pure; the view renders the parts as text nodes (never as HTML).
import { decodeMessage } from "./decode";
import { DecodeError } from "./errors";
import type { Response, WireMessage } from "./wire";

export const SEARCH_PAGE = 20;
/** The server's bound on a query, in code points. */
export const MAX_QUERY_CHARS = 200;

export interface SearchQuery {
  query: string;
  /** Only this conversation (else all of the caller's). */
  conversationId?: string;
  /** The next_cursor of the page before. */
  cursor?: string;
}

/** A result's conversation: a direct or group conversation, or a text channel of a server
 * (issue 18: its id is the channel's, `name` the channel's, and `server_id`/`server_name` say
 * where it is; a server older than those fields leaves them out). */
export interface SearchConversation {
  conversation_id: string;
  kind: "direct" | "group" | "channel";
  name: string;
  server_id?: string;
  server_name?: string;
}

export interface SearchResult {
  conversation: SearchConversation;
  message: WireMessage;
  snippet: string;
  /** [begin, end) in code points of `snippet`. */
  highlights: [number, number][];
}

export interface SearchPage {
  results: SearchResult[];
  has_more: boolean;
  next_cursor?: string;
}

export function searchBody(q: SearchQuery, limit = SEARCH_PAGE): Record<string, unknown> {
  const body: Record<string, unknown> = { query: q.query, limit };
  if (q.conversationId) body.conversation_id = q.conversationId;
  if (q.cursor) body.cursor = q.cursor;
  return body;
}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new DecodeError(`${what}: not an object`);
  return v as Obj;
}

function str(o: Obj, key: string, what: string): string {
  if (typeof o[key] !== "string") throw new DecodeError(`${what}.${key}: not a string`);
  return o[key] as string;
}

function offset(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new DecodeError(`${what}: not an offset`);
  return v;
}

function decodeResult(v: unknown, what: string): SearchResult {
  const o = obj(v, what);
  const c = obj(o.conversation, `${what}.conversation`);
  const kind = str(c, "kind", `${what}.conversation`);
  const hs = o.highlights;
  if (!Array.isArray(hs)) throw new DecodeError(`${what}.highlights: not an array`);
  const conversation: SearchConversation = {
    conversation_id: str(c, "conversation_id", `${what}.conversation`),
    kind: kind === "group" || kind === "channel" ? kind : "direct",
    name: typeof c.name === "string" ? c.name : "",
  };
  if (kind === "channel") {
    if (typeof c.server_id === "string" && /^[1-9][0-9]{0,18}$/.test(c.server_id)) conversation.server_id = c.server_id;
    if (typeof c.server_name === "string") conversation.server_name = c.server_name;
  }
  return {
    conversation,
    message: decodeMessage(o.message, `${what}.message`),
    snippet: str(o, "snippet", what),
    highlights: hs.map((h, i) => {
      if (!Array.isArray(h) || h.length !== 2) throw new DecodeError(`${what}.highlights[${i}]: not a pair`);
      return [offset(h[0], `${what}.highlights[${i}]`), offset(h[1], `${what}.highlights[${i}]`)];
    }),
  };
}

/** Where choosing a result goes: a text channel opens in its server (when the result names
 * the server), anything else is a conversation of the list. */
export function hitTarget(r: SearchResult): { conversationId: string; serverId?: string } {
  const c = r.conversation;
  return c.kind === "channel" && c.server_id
    ? { conversationId: c.conversation_id, serverId: c.server_id }
    : { conversationId: c.conversation_id };
}

/** `search`: a page of results, newest first. */
export function decodeSearchPage(r: Response): SearchPage {
  const results = r.results;
  if (!Array.isArray(results)) throw new DecodeError("search.results: not an array");
  if (typeof r.has_more !== "boolean") throw new DecodeError("search.has_more: not a boolean");
  const page: SearchPage = {
    results: results.map((v, i) => decodeResult(v, `search.results[${i}]`)),
    has_more: r.has_more,
  };
  if (r.has_more) page.next_cursor = str(r, "next_cursor", "search");
  return page;
}

/** `snippet` cut into consecutive parts, `mark` on the highlighted ones. Offsets count code
 * points (a Korean syllable or an emoji is one); ranges out of order or out of bounds are
 * clamped or skipped, so a bad response never throws here. */
export function snippetParts(
  snippet: string,
  highlights: readonly [number, number][],
): { text: string; mark: boolean }[] {
  const cps = Array.from(snippet);
  const parts: { text: string; mark: boolean }[] = [];
  let at = 0;
  for (const [b0, e0] of [...highlights].sort((a, b) => a[0] - b[0])) {
    const b = Math.max(at, Math.min(b0, cps.length));
    const e = Math.max(b, Math.min(e0, cps.length));
    if (e === b) continue;
    if (b > at) parts.push({ text: cps.slice(at, b).join(""), mark: false });
    parts.push({ text: cps.slice(b, e).join(""), mark: true });
    at = e;
  }
  if (at < cps.length) parts.push({ text: cps.slice(at).join(""), mark: false });
  return parts;
}
