// Invite links (issue 18): this page's address with `#invite/<code>`; opening one joins the
// server once logged in (community_view.ts). The join dialog takes a link or a bare code.
export const INVITE_RE = /^#invite\/([A-Za-z0-9_-]{1,64})$/;

/** The invite link of `code` for this page. */
export function inviteLink(code: string): string {
  return `${location.origin}${location.pathname}${location.search}#invite/${code}`;
}

/** The code in an invite link or a bare code, or null. */
export function inviteCodeOf(text: string): string | null {
  const s = text.trim();
  const hash = s.includes("#") ? s.slice(s.indexOf("#")) : `#invite/${s}`;
  return INVITE_RE.exec(hash)?.[1] ?? null;
}
