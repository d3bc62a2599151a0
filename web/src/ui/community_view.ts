// Communities in the page (state/community.ts): the server rail at the left (conversations, my
// servers, create, join), and the open server in place of the conversation list and pane: its
// channels grouped by category (unread and mention badges when the server sends them), the open
// channel's messages (history, then live) with a composer, and the members with their roles.
// An invite link is this page with `#invite/<code>`: opening it joins once logged in. Server
// settings are server_settings.ts. Built here as DOM (index.html has only the layout).
import type { WireChannel, WireServer } from "../api/community";
import { describeError } from "../state/describe";
import type { ChatState } from "../state/chat";
import { onLangChange, t } from "../i18n/i18n";
import { $, avatar, h, show } from "./dom";
import { fmtTime } from "./format";
import { INVITE_RE } from "./invite_link";
import { ServerSettings, canManage } from "./server_settings";

export class CommunityView {
  private rail = h("ul", { class: "rail-list" });
  private view: HTMLElement;
  private channelList = h("ul", { id: "channel-list", class: "channel-list" });
  private msgList = h("ul", { id: "channel-msgs", class: "channel-msgs" });
  private memberList = h("ul", { id: "member-list", class: "member-list" });
  private serverName = h("h2", { id: "server-name", class: "server-name" });
  private channelTitle = h("h2", { id: "channel-title", class: "channel-title" });
  private memberHead = h("h3", { id: "member-head", class: "member-head" });
  private settingsBtn = h("button", { id: "server-settings-btn", class: "icon-btn", type: "button" }, "⚙");
  private input = h("textarea", { id: "channel-input", rows: "1" });
  private form: HTMLFormElement;
  private settings: ServerSettings;
  private sigs = new Map<string, string>(); // what each part shows now
  private pendingInvite: string | null = null;
  private disposers: (() => void)[] = [];

  constructor(private s: ChatState) {
    const nav = h("nav", { id: "server-rail", class: "server-rail" }, this.rail);
    const send = h("button", { id: "channel-send", class: "primary", type: "submit" });
    this.form = h("form", { id: "channel-composer", class: "channel-composer", autocomplete: "off" }, this.input, send);
    this.view = h(
      "div",
      { id: "server-view", class: "server-view", hidden: true },
      h(
        "section",
        { class: "channel-col", "aria-labelledby": "server-name" },
        h("header", { class: "channel-col-head" }, this.serverName, this.settingsBtn),
        this.channelList,
      ),
      h(
        "section",
        { class: "channel-main", "aria-labelledby": "channel-title" },
        h("header", { class: "channel-head" }, this.channelTitle),
        h("div", { class: "channel-scroll", id: "channel-scroll", tabindex: "0" }, this.msgList),
        this.form,
      ),
      h("section", { class: "member-col", "aria-labelledby": "member-head" }, this.memberHead, this.memberList),
    );
    const layout = document.querySelector<HTMLElement>("#chat-view .layout")!;
    layout.prepend(nav);
    layout.append(this.view);
    this.settings = new ServerSettings(s);
    this.bind();
    this.label();
    this.pendingInvite = INVITE_RE.exec(location.hash)?.[1] ?? null;
    s.onChange(() => this.render());
    this.render();
  }

  destroy(): void {
    for (const d of this.disposers) d();
    this.settings.destroy();
    document.getElementById("server-rail")?.remove();
    this.view.remove();
    document.querySelector("#chat-view .layout")?.classList.remove("in-server");
  }

  private on(el: EventTarget, type: string, fn: (e: Event) => void): void {
    el.addEventListener(type, fn);
    this.disposers.push(() => el.removeEventListener(type, fn));
  }

  private bind(): void {
    this.on(this.form, "submit", (e) => {
      e.preventDefault();
      this.sendInput();
    });
    this.on(this.input, "keydown", (e) => {
      const k = e as KeyboardEvent;
      if (k.key === "Enter" && !k.shiftKey && !k.isComposing) {
        k.preventDefault();
        this.sendInput();
      }
    });
    this.on(this.settingsBtn, "click", () => {
      const id = this.s.community.serverId;
      if (id) this.settings.open(id, this.settingsBtn);
    });
    this.on(window, "hashchange", () => {
      const code = INVITE_RE.exec(location.hash)?.[1];
      if (code) this.pendingInvite = code;
      this.render();
    });
    this.disposers.push(onLangChange(() => this.label()));
  }

  /** The texts that do not depend on the state (again after a language switch). */
  private label(): void {
    $("server-rail").setAttribute("aria-label", t("srv.rail"));
    this.settingsBtn.setAttribute("aria-label", t("srv.settings"));
    this.settingsBtn.title = t("srv.settings");
    this.form.querySelector("button")!.textContent = t("srv.send");
    this.channelList.setAttribute("aria-label", t("srv.channels"));
    this.msgList.setAttribute("aria-labelledby", "channel-title");
    this.sigs.clear();
    this.render();
  }

  private sendInput(): void {
    const id = this.s.community.channelId;
    const text = this.input.value.trim();
    if (!id || !text) return;
    this.input.value = "";
    this.s.community.send(id, text).catch((e) => {
      this.input.value ||= text;
      this.s.setNotice("error", describeError(e));
    });
  }

  private async run(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (e) {
      this.s.setNotice("error", describeError(e));
    }
  }

  /** Draws each part again only when what it shows changed (a message redraws only the
   * messages), so the focus stays on a rail or channel button while messages arrive. */
  private render(): void {
    this.joinPending();
    const c = this.s.community;
    const server = c.server(c.serverId);
    const layout = this.view.parentElement!;
    layout.classList.toggle("in-server", !!server);
    show(this.view, !!server);
    const id = server?.server_id ?? "";
    const parts: [string, unknown, () => void][] = [
      ["rail", [c.servers, c.serverId], () => this.renderRail(c.servers, c.serverId)],
      [
        "channels",
        server && [server, c.channelsOf(id), c.channelId, c.rolesOf(id), c.membersOf(id)],
        () => {
          this.serverName.textContent = server!.name;
          show(this.settingsBtn, canManage(c.myPermissions(id)));
          this.renderChannels(c.channelsOf(id), c.channelId);
        },
      ],
      [
        "messages",
        server && [c.channelId, c.channel(c.channelId), c.channelId && c.messagesOf(c.channelId).length],
        () => this.renderMessages(),
      ],
      ["members", server && [c.membersOf(id), c.rolesOf(id)], () => this.renderMembers(server!)],
    ];
    for (const [key, what, draw] of parts) {
      const sig = JSON.stringify(what ?? null);
      if (this.sigs.get(key) === sig) continue;
      this.sigs.set(key, sig);
      if (key === "rail" || server) draw();
    }
  }

  /** Joins the invite of the page's link once connected; the server opens. */
  private joinPending(): void {
    const code = this.pendingInvite;
    if (!code || this.s.status.state !== "online" || !this.s.loaded) return;
    this.pendingInvite = null;
    history.replaceState(null, "", location.pathname + location.search);
    this.s.community.join(code).then(
      (srv) => this.s.setNotice("info", t("srv.joined", { name: srv.name })),
      (e) => this.s.setNotice("error", t("srv.joinFailed", { error: describeError(e) })),
    );
  }

  private renderRail(servers: readonly WireServer[], open: string | null): void {
    const item = (btn: HTMLElement) => h("li", null, btn);
    const home = h("button", { id: "rail-home", class: "rail-btn", type: "button", "aria-label": t("srv.home") }, "💬");
    if (!open) home.setAttribute("aria-current", "page");
    home.title = t("srv.home");
    home.onclick = () => void this.run(this.s.community.selectServer(null));
    const items = [item(home)];
    for (const srv of servers) {
      const b = h(
        "button",
        { class: "rail-btn rail-server", type: "button", "data-server-id": srv.server_id, "data-name": srv.name },
        avatar(srv.name, { group: true, size: "s" }),
      );
      b.setAttribute("aria-label", srv.name);
      b.title = srv.name;
      if (srv.server_id === open) b.setAttribute("aria-current", "page");
      b.onclick = () => void this.run(this.s.community.selectServer(srv.server_id));
      items.push(item(b));
    }
    const add = h("button", { id: "rail-add", class: "rail-btn", type: "button", "aria-label": t("srv.create") }, "+");
    add.title = t("srv.create");
    add.onclick = () => this.settings.askCreate(add);
    const join = h("button", { id: "rail-join", class: "rail-btn", type: "button", "aria-label": t("srv.join") }, "↪");
    join.title = t("srv.join");
    join.onclick = () => this.settings.askJoin(join);
    items.push(item(add), item(join));
    this.rail.replaceChildren(...items);
  }

  private renderChannels(channels: readonly WireChannel[], open: string | null): void {
    const byPos = [...channels].sort((a, b) => a.position - b.position || Number(a.channel_id) - Number(b.channel_id));
    const cats = byPos.filter((c) => c.type === "category");
    const inCat = (id: string) => byPos.filter((c) => c.type !== "category" && c.category_id === id);
    const top = byPos.filter((c) => c.type !== "category" && !cats.some((k) => k.channel_id === c.category_id));
    const items: HTMLElement[] = top.map((c) => this.channelItem(c, open));
    for (const k of cats) {
      const head = h("h3", { class: "category-name", id: `cat-${k.channel_id}` }, k.name);
      const list = h(
        "ul",
        { "aria-labelledby": `cat-${k.channel_id}` },
        ...inCat(k.channel_id).map((c) => this.channelItem(c, open)),
      );
      items.push(h("li", { class: "category", "data-name": k.name }, head, list));
    }
    this.channelList.replaceChildren(...items);
  }

  private channelItem(c: WireChannel, open: string | null): HTMLElement {
    const badges: HTMLElement[] = [];
    if (c.unread_mentions)
      badges.push(
        h(
          "span",
          { class: "badge mention", title: t("srv.mentions", { count: c.unread_mentions }) },
          `@${c.unread_mentions}`,
        ),
      );
    else if (c.unread)
      badges.push(h("span", { class: "badge", title: t("srv.unread", { count: c.unread }) }, String(c.unread)));
    const label = [t("srv.channelLabel", { name: c.name })];
    if (c.unread_mentions) label.push(t("srv.mentions", { count: c.unread_mentions }));
    else if (c.unread) label.push(t("srv.unread", { count: c.unread }));
    const b = h(
      "button",
      {
        class: "channel-item",
        type: "button",
        "data-name": c.name,
        "data-channel-id": c.channel_id,
        "aria-label": label.join(", "),
      },
      h("span", { class: "hash", "aria-hidden": "true" }, c.type === "voice" ? "🔊" : "#"),
      h("span", { class: "channel-name" }, c.name),
      ...badges,
    );
    if (c.channel_id === open) b.setAttribute("aria-current", "true");
    b.disabled = c.type !== "text";
    // As in the conversation list: the focus goes to the field, to write at once.
    b.onclick = () => void this.run(this.s.community.openChannel(c.channel_id).then(() => this.input.focus()));
    return h("li", null, b);
  }

  private renderMessages(): void {
    const c = this.s.community;
    const ch = c.channel(c.channelId);
    this.channelTitle.textContent = ch ? `# ${ch.name}` : t("srv.noChannel");
    show(this.form, !!ch);
    if (ch) this.input.placeholder = t("srv.message", { name: ch.name });
    if (ch) this.input.setAttribute("aria-label", t("srv.message", { name: ch.name }));
    if (!ch) return void this.msgList.replaceChildren();
    const msgs = c.messagesOf(ch.channel_id);
    const box = $("channel-scroll");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    if (msgs.length === 0 && c.loadedChannel(ch.channel_id)) {
      this.msgList.replaceChildren(h("li", { class: "channel-empty" }, t("srv.noMessages")));
      return;
    }
    this.msgList.replaceChildren(
      ...msgs.map((m) =>
        h(
          "li",
          { class: `cmsg${m.sender === this.s.me ? " mine" : ""}`, "data-seq": m.seq },
          h("span", { class: "cmsg-sender" }, m.sender),
          h("time", { class: "cmsg-time", datetime: new Date(m.sent_at_ms).toISOString() }, fmtTime(m.sent_at_ms)),
          h("div", { class: "cmsg-text" }, m.text),
        ),
      ),
    );
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  private renderMembers(server: WireServer): void {
    const c = this.s.community;
    const members = c.membersOf(server.server_id);
    const roles = new Map(c.rolesOf(server.server_id).map((r) => [r.role_id, r.name]));
    this.memberHead.textContent = t("srv.members", { count: members.length });
    this.memberList.replaceChildren(
      ...members.map((m) => {
        const chips = m.role_ids
          .filter((id) => id !== server.everyone_role_id && roles.has(id))
          .map((id) => h("span", { class: "role-chip" }, roles.get(id)!));
        if (m.owner) chips.unshift(h("span", { class: "role-chip owner" }, t("srv.owner")));
        return h(
          "li",
          { class: "member", "data-user": m.user },
          avatar(m.user, { size: "s" }),
          h("span", { class: "member-name" }, m.user),
          h("span", { class: "member-roles" }, ...chips),
        );
      }),
    );
  }
}
