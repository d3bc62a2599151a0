// The search box and its results (issue 17), in the sidebar: the box searches all of the user's
// conversations; while a query is shown the results take the conversation list's place. Each
// result shows its conversation, sender, time and a snippet with the matched words in <mark>,
// built from the response's code point highlights as text nodes (server text is never parsed
// as HTML). Choosing a result opens its conversation scrolled to that message, loading older
// pages until it is there; a text channel's result ("#general in Club") opens that channel in
// its server (the server view, state/community.ts) the same way. Keyboard: the results are
// buttons (Tab, Enter); arrow keys move between them; Escape in the box or the results closes
// the search and returns to the list.
import { ChatError } from "../api/errors";
import { SearchResult, hitTarget, snippetParts } from "../api/search";
import { t } from "../i18n/i18n";
import { describeError } from "../state/describe";
import type { ViewContext } from "./context";
import { $, h, show } from "./dom";
import { fmtListTime } from "./format";

/** Older history pages loaded at most to reach a result's message. */
const MAX_JUMP_PAGES = 40;

export class SearchPanel {
  private rendered: readonly SearchResult[] | null = null;
  private renderedCount = -1;

  constructor(private v: ViewContext) {}

  bind(): void {
    const input = $<HTMLInputElement>("search-input");
    this.v.on($("search-form"), "submit", (e) => {
      e.preventDefault();
      const q = input.value.trim();
      if (q === "") return this.close();
      void this.v.s.search.run(q);
    });
    this.v.on(input, "keydown", (e) => {
      const k = e as KeyboardEvent;
      if (k.key === "Escape" && this.v.s.search.active) {
        k.preventDefault();
        this.close();
      } else if (k.key === "ArrowDown" && this.v.s.search.active) {
        k.preventDefault();
        this.buttons()[0]?.focus();
      }
    });
    this.v.on($("search-close"), "click", () => this.close(true));
    this.v.on($("search-more"), "click", () => void this.v.s.search.more());
    this.v.on($("search-results"), "keydown", (e) => this.onResultsKey(e as KeyboardEvent));
    this.v.on($("search-results"), "click", (e) => {
      const btn = (e.target as HTMLElement).closest<HTMLElement>(".search-hit");
      if (btn?.dataset.conv && btn.dataset.seq) {
        void this.openResult(btn.dataset.conv, Number(btn.dataset.seq), btn.dataset.server);
      }
    });
  }

  render(): void {
    const s = this.v.s.search;
    $("sidebar").classList.toggle("searching", s.active);
    show($("search-view"), s.active);
    if (!s.active) {
      this.rendered = null;
      return;
    }
    $("search-heading").textContent = t("search.resultsFor", { query: s.query });
    $("search-status").textContent = this.status();
    show($("search-more"), s.hasMore && !s.loading);
    if (this.rendered === s.results && this.renderedCount === s.results.length) return;
    this.rendered = s.results;
    this.renderedCount = s.results.length;
    $("search-results").replaceChildren(...s.results.map((r) => this.item(r)));
  }

  private status(): string {
    const s = this.v.s.search;
    if (s.loading) return t("search.searching");
    if (s.error) return this.describe(s.error);
    if (s.results.length === 0) return t("search.none", { query: s.query });
    return t("search.count", { count: s.results.length });
  }

  private describe(e: unknown): string {
    // FORBIDDEN is search turned off on the server (plugin_opt_search_index false).
    if (e instanceof ChatError && e.code === "FORBIDDEN") return t("search.disabled");
    if (e instanceof ChatError && e.code === "INVALID") return t("search.invalid");
    return describeError(e);
  }

  private item(r: SearchResult): HTMLElement {
    const m = r.message;
    const conv = this.v.s.conv(r.conversation.conversation_id);
    const target = hitTarget(r);
    const title =
      r.conversation.kind === "channel"
        ? r.conversation.server_name
          ? t("search.inChannel", { channel: r.conversation.name, server: r.conversation.server_name })
          : `#${r.conversation.name}`
        : conv
          ? conv.title(this.v.s.me)
          : r.conversation.name || m.sender;
    const text = h(
      "span",
      { class: "search-hit-text" },
      h("span", { class: "search-hit-sender", text: `${m.sender}: ` }),
    );
    for (const p of snippetParts(r.snippet, r.highlights)) {
      text.append(p.mark ? h("mark", { text: p.text }) : document.createTextNode(p.text));
    }
    return h(
      "li",
      { class: "search-item" },
      h(
        "button",
        {
          type: "button",
          class: "search-hit",
          "data-conv": m.conversation_id,
          "data-seq": m.seq,
          ...(target.serverId ? { "data-server": target.serverId, "data-kind": "channel" } : {}),
        },
        h(
          "span",
          { class: "search-hit-row" },
          h("span", { class: "search-hit-title", text: title }),
          h("span", { class: "search-hit-time", text: fmtListTime(m.sent_at_ms) }),
        ),
        text,
      ),
    );
  }

  private buttons(): HTMLElement[] {
    return Array.from($("search-results").querySelectorAll<HTMLElement>(".search-hit"));
  }

  private onResultsKey(e: KeyboardEvent): void {
    const list = this.buttons();
    const at = list.indexOf(document.activeElement as HTMLElement);
    if (e.key === "Escape") {
      e.preventDefault();
      this.close(true);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = at + (e.key === "ArrowDown" ? 1 : -1);
      if (next < 0) $("search-input").focus();
      else list[Math.min(next, list.length - 1)]?.focus();
    }
  }

  /** Back to the conversation list; `focusBox`: the focus goes to the search box. */
  private close(focusBox = false): void {
    this.v.s.search.close();
    $<HTMLInputElement>("search-input").value = "";
    if (focusBox) $("search-input").focus();
  }

  /** Opens the result's conversation (a channel: its server at that channel, `serverId`) and
   * scrolls to its message once loaded (messages.ts scrolls to ui.jumpTo after the render that
   * has it). */
  private async openResult(convId: string, seq: number, serverId?: string): Promise<void> {
    const s = this.v.s;
    if (serverId) {
      try {
        await s.community.selectServer(serverId, convId);
      } catch (e) {
        s.setNotice("error", describeError(e));
        return;
      }
      if (s.community.channelId !== convId) {
        s.setNotice("info", t("search.gone")); // no longer a channel I may view
        return;
      }
      await nextFrame(); // the server view opened the channel: its first render resets ui.jumpTo
    }
    if (!s.conv(convId)) {
      s.setNotice("info", t("search.gone"));
      return;
    }
    if (s.openId !== convId) {
      this.v.open(convId);
      await nextFrame(); // the first render of the conversation resets ui.jumpTo
    }
    const c = s.conv(convId);
    try {
      // The view's open() already asked for the latest page: wait for it (and for each page
      // this loop asks for) before looking for the message.
      for (let i = 0; c && i <= MAX_JUMP_PAGES; i++) {
        await settled(c);
        if (c.msgs.has(seq) || (c.latestLoaded && !c.hasMoreBefore)) break;
        await (c.latestLoaded ? s.loadOlder(convId) : s.loadLatest(convId));
      }
    } catch (e) {
      s.historyFailed(e);
      return;
    }
    if (!c?.msgs.has(seq)) {
      s.setNotice("info", t("search.gone"));
      return;
    }
    this.v.ui.jumpTo = seq;
    this.v.ui.focus = `.msg[data-seq="${seq}"] button`; // keyboard users land on the message
    this.v.schedule();
  }
}

/** Resolves once no page of `c` is loading (and its latest page is in), within 15 s. */
async function settled(c: { readonly loadingOlder: boolean; readonly latestLoaded: boolean }): Promise<void> {
  const deadline = Date.now() + 15000;
  while ((c.loadingOlder || !c.latestLoaded) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    if (!c.loadingOlder && !c.latestLoaded) return; // nothing on its way: the caller asks
  }
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}
