// Communities in the page (state/community.ts): the server rail at the left (conversations, my
// servers, create, join), and the open server in place of the conversation list and pane: its
// channels grouped by category (unread and mention badges when the server sends them), the open
// channel, and the members with their roles (member_list.ts). The open channel is shown by the
// conversation pane itself (#pane, moved between the channels and the members while a server is
// open): a channel is a conversation (state/community.ts), so its messages, edits, deletions,
// replies, reactions, typing and attachments are the conversation view's. An invite link is
// this page with `#invite/<code>`: opening it joins once logged in. Server settings are
// server_settings.ts. Built here as DOM (index.html has only the layout).
import type { WireChannel, WireServer } from "../api/community";
import { describeError } from "../state/describe";
import type { ChatState } from "../state/chat";
import { onLangChange, t } from "../i18n/i18n";
import type { ViewContext } from "./context";
import { $, avatar, h, show } from "./dom";
import { INVITE_RE } from "./invite_link";
import { MemberList } from "./member_list";
import { ServerSettings, canManage } from "./server_settings";

export class CommunityView {
  private rail = h("ul", { class: "rail-list" });
  private view: HTMLElement;
  private channelList = h("ul", { id: "channel-list", class: "channel-list" });
  private memberList = h("ul", { id: "member-list", class: "member-list" });
  private serverName = h("h2", { id: "server-name", class: "server-name" });
  private memberHead = h("h3", { id: "member-head", class: "member-head" });
  private memberCol: HTMLElement;
  private settingsBtn = h("button", { id: "server-settings-btn", class: "icon-btn", type: "button" }, "⚙");
  private leaveBtn = h("button", { id: "server-leave-btn", class: "link", type: "button" });
  private settings: ServerSettings;
  private members: MemberList;
  private sigs = new Map<string, string>(); // what each part shows now
  private pendingInvite: string | null = null;
  private followed: string | null = null;
  private disposers: (() => void)[] = [];

  constructor(
    private s: ChatState,
    private v: ViewContext,
  ) {
    const nav = h("nav", { id: "server-rail", class: "server-rail" }, this.rail);
    this.memberCol = h(
      "section",
      { class: "member-col", "aria-labelledby": "member-head" },
      this.memberHead,
      this.memberList,
    );
    this.view = h(
      "div",
      { id: "server-view", class: "server-view", hidden: true },
      h(
        "section",
        { class: "channel-col", "aria-labelledby": "server-name" },
        h("header", { class: "channel-col-head" }, this.serverName, this.settingsBtn),
        this.channelList,
        this.leaveBtn,
      ),
      this.memberCol,
    );
    const layout = document.querySelector<HTMLElement>("#chat-view .layout")!;
    layout.prepend(nav);
    layout.append(this.view);
    this.settings = new ServerSettings(s);
    const redraw = () => {
      this.sigs.delete("members");
      this.render();
    };
    this.members = new MemberList(s, this.memberList, this.memberHead, (p) => this.run(p), redraw);
    this.bind();
    this.label();
    this.pendingInvite = INVITE_RE.exec(location.hash)?.[1] ?? null;
    this.disposers.push(s.onChange(() => this.render()));
    this.render();
  }

  destroy(): void {
    for (const d of this.disposers) d();
    this.settings.destroy();
    document.getElementById("server-rail")?.remove();
    this.placePane(false);
    this.view.remove();
    document.querySelector("#chat-view .layout")?.classList.remove("in-server");
  }

  private on(el: EventTarget, type: string, fn: (e: Event) => void): void {
    el.addEventListener(type, fn);
    this.disposers.push(() => el.removeEventListener(type, fn));
  }

  private bind(): void {
    this.on(this.leaveBtn, "click", () => {
      const id = this.s.community.serverId;
      if (id) void this.run(this.s.community.admin.leave(id).then(() => this.v.open(null)));
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
    this.leaveBtn.textContent = t("srv.leave");
    this.channelList.setAttribute("aria-label", t("srv.channels"));
    this.sigs.clear();
    this.render();
  }

  /** The conversation pane between the channels and the members while a server is open, back
   * in the layout after the conversation list otherwise. */
  private placePane(inServer: boolean): void {
    const pane = document.getElementById("pane");
    if (!pane) return;
    if (inServer && pane.parentElement !== this.view) this.view.insertBefore(pane, this.memberCol);
    else if (!inServer && pane.parentElement === this.view) document.getElementById("sidebar")?.after(pane);
  }

  /** Opens server `id` (null: conversations); render() shows its open channel in the pane. */
  private selectServer(id: string | null): Promise<void> {
    return this.s.community.selectServer(id);
  }

  /** The pane follows the community's open channel (opened by a click, a server's first
   * channel, a join), and a channel no longer open leaves it. */
  private follow(): void {
    const c = this.s.community;
    if (c.channelId === this.followed) return;
    this.followed = c.channelId;
    if (c.channelId && this.s.openId !== c.channelId) this.v.open(c.channelId);
    else if (!c.channelId && c.isChannel(this.s.openId)) this.v.open(null);
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
    this.placePane(!!server);
    this.follow();
    const id = server?.server_id ?? "";
    const channels = server ? this.counts(id) : [];
    const parts: [string, unknown, () => void][] = [
      ["rail", [c.servers, c.serverId], () => this.renderRail(c.servers, c.serverId)],
      [
        "channels",
        server && [server, channels, c.channelId, c.rolesOf(id), c.membersVersion(id)],
        () => {
          this.serverName.textContent = server!.name;
          show(this.settingsBtn, canManage(c.myPermissions(id)));
          show(this.leaveBtn, server!.owner !== this.s.me);
          this.renderChannels(channels, c.channelId);
        },
      ],
      ["members", server && this.members.sig(server), () => this.members.render(server!)],
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
    this.s.community.admin.join(code).then(
      (srv) => this.s.setNotice("info", t("srv.joined", { name: srv.name })),
      (e) => this.s.setNotice("error", t("srv.joinFailed", { error: describeError(e) })),
    );
  }

  private renderRail(servers: readonly WireServer[], open: string | null): void {
    const item = (btn: HTMLElement) => h("li", null, btn);
    const home = h("button", { id: "rail-home", class: "rail-btn", type: "button", "aria-label": t("srv.home") }, "💬");
    if (!open) home.setAttribute("aria-current", "page");
    home.title = t("srv.home");
    home.onclick = () => void this.run(this.selectServer(null));
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
      b.onclick = () => void this.run(this.selectServer(srv.server_id));
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

  /** The channels with their unread and mention counts as this device knows them now (the
   * channel's conversation, kept live while it is shown and read; else the list's). */
  private counts(serverId: string): WireChannel[] {
    return this.s.community.channelsOf(serverId).map((ch) => {
      const conv = this.s.conv(ch.channel_id);
      return conv ? { ...ch, unread: conv.unread, unread_mentions: conv.unreadMentions } : ch;
    });
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
    // As in the conversation list: the pane opens it (the focus goes to its composer).
    b.onclick = () => void this.run(this.s.community.openChannel(c.channel_id).then(() => this.v.open(c.channel_id)));
    return h("li", null, b);
  }
}
