// Mentions in a message's text: each `@name` of a user the message mentions (its `mentions`)
// becomes a highlighted span (a mention of me highlighted distinctly), the rest of the text goes
// through links.ts as before. Only names in the list are marked: the server checked those.
import { linkedNodes } from "./links";

/** The text's nodes with `@name` of `mentions` in `<span class="mention">` (`mention me` for
 * `me`). */
export function mentionedNodes(text: string, mentions: readonly string[] | undefined, me: string): Node[] {
  if (!mentions?.length) return linkedNodes(text);
  const names = [...mentions].sort((a, b) => b.length - a.length).map(escapeRe);
  const re = new RegExp(`(^|[^A-Za-z0-9_.@-])@(${names.join("|")})(?![A-Za-z0-9_])`, "g");
  const out: Node[] = [];
  let from = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index! + m[1].length;
    out.push(...linkedNodes(text.slice(from, at)));
    const span = document.createElement("span");
    span.className = m[2] === me ? "mention me" : "mention";
    span.textContent = `@${m[2]}`;
    out.push(span);
    from = at + 1 + m[2].length;
  }
  out.push(...linkedNodes(text.slice(from)));
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}
