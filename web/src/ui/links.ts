// Links in message text: finds http(s) URLs and mailto: addresses and builds them as DOM nodes
// (text nodes and <a> elements made with createElement, never HTML from the text), opening in a
// new tab with rel="noopener noreferrer". Any other scheme (javascript:, data:, ...) stays text.

export interface Segment {
  text: string;
  /** Set when the segment is a link: the address it opens. */
  href?: string;
}

// A candidate: a scheme we allow, then everything up to white space or a character that never
// ends a URL in running text. Trailing punctuation is trimmed below.
const CANDIDATE = /\b(?:https?:\/\/|mailto:)[^\s<>"]+/gi;
const TRAILING = /[.,;:!?'*_~]+$/;

/** `candidate` without trailing punctuation and unbalanced closing brackets ("(see http://x)"). */
function trimEnd(candidate: string): string {
  let s = candidate.replace(TRAILING, "");
  for (;;) {
    const last = s[s.length - 1];
    const open = last === ")" ? "(" : last === "]" ? "[" : last === "}" ? "{" : "";
    if (!open || count(s, open) >= count(s, last)) return s;
    s = s.slice(0, -1).replace(TRAILING, "");
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** The URL `s` names if it is one we link (http, https or mailto with an address), else null. */
export function safeHref(s: string): string | null {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  if (url.protocol === "http:" || url.protocol === "https:") return url.hostname ? url.href : null;
  if (url.protocol === "mailto:") return /^[^@\s/]+@[^@\s/]+$/.test(decodeURIComponent(url.pathname)) ? url.href : null;
  return null;
}

/** `text` cut into plain and link segments; joining every segment's text gives `text` back. */
export function splitLinks(text: string): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index ?? 0;
    const raw = trimEnd(m[0]);
    const href = safeHref(raw);
    if (!href) continue;
    if (start > at) out.push({ text: text.slice(at, start) });
    out.push({ text: raw, href });
    at = start + raw.length;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

/** The nodes of `text` with its links clickable. */
export function linkedNodes(text: string): Node[] {
  return splitLinks(text).map((seg) => {
    if (!seg.href) return document.createTextNode(seg.text);
    const a = document.createElement("a");
    a.href = seg.href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = seg.text;
    return a;
  });
}
