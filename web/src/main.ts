// mqchat web client: login, conversation list, conversation view, details panel.
import { claimDevice } from "./device";
import { $, avatar, fmtAgo, fmtCount, fmtDay, fmtListTime, fmtTime, h, setText, show } from "./dom";
import { ChatError, Credentials, LoginMode } from "./net";
import { NAME_RE, WireMessage, codePoints } from "./proto";
import { ChatStore, Conv, MAX_CHARS, Pending, describeError } from "./store";

const SESSION_KEY = "mqchat.session";
const LAST_USER_KEY = "mqchat.lastUser";
const COLLAPSE_CHARS = 2000; // longer texts render collapsed
const PREVIEW_CHARS = 500;
const COLLAPSE_LINES = 30;

// ---- login ------------------------------------------------------------------------------

function defaultServer(): string {
  const q = new URLSearchParams(location.search).get("server");
  if (q) return q;
  if (location.protocol === "http:" || location.protocol === "https:") {
    return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`;
  }
  return "ws://127.0.0.1:8083/";
}

let store: ChatStore | null = null;
let view: ChatView | null = null;

function loginMode(): LoginMode {
  return $<HTMLInputElement>("login-mode-token").checked ? "token" : "password";
}

function setLoginError(text: string): void {
  const el = $("login-error");
  setText(el, text);
  show(el, text !== "");
}

function showLogin(error = ""): void {
  show($("chat-view"), false);
  show($("login-view"), true);
  document.title = "mqchat";
  setLoginError(error);
  const btn = $<HTMLButtonElement>("login-submit");
  btn.disabled = false;
  btn.textContent = "Sign in";
  const user = $<HTMLInputElement>("login-user");
  if (!user.value) user.value = localStorage.getItem(LAST_USER_KEY) ?? "";
  (user.value ? (loginMode() === "token" ? $("login-token") : $("login-password")) : user).focus();
}

function setupLogin(): void {
  $<HTMLInputElement>("login-server").value = defaultServer();
  const syncMode = () => {
    const token = loginMode() === "token";
    show($("login-password-field"), !token);
    show($("login-token-field"), token);
  };
  $("login-mode-password").addEventListener("change", syncMode);
  $("login-mode-token").addEventListener("change", syncMode);
  $<HTMLFormElement>("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const user = $<HTMLInputElement>("login-user").value.trim();
    const mode = loginMode();
    const secret = mode === "token" ? $<HTMLTextAreaElement>("login-token").value.trim() : $<HTMLInputElement>("login-password").value;
    const server = $<HTMLInputElement>("login-server").value.trim() || defaultServer();
    if (!NAME_RE.test(user)) {
      return setLoginError("Usernames are 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (!secret) return setLoginError(mode === "token" ? "Paste your token" : "Enter your password");
    setLoginError("");
    void login({ server, user, mode, secret }, true);
  });
}

async function login(c: Omit<Credentials, "device">, interactive: boolean): Promise<void> {
  const btn = $<HTMLButtonElement>("login-submit");
  btn.disabled = true;
  btn.textContent = "Signing in…";
  const device = await claimDevice();
  const creds: Credentials = { ...c, device };
  let connected = false;
  const s = new ChatStore(creds, {
    authFailed: () => {
      s.stop();
      sessionStorage.removeItem(SESSION_KEY);
      view?.destroy();
      view = null;
      store = null;
      showLogin(creds.mode === "token" ? "Token rejected: it is invalid or has expired" : "Wrong username or password");
    },
    firstFailure: (error) => {
      if (connected || !interactive) return false; // keep retrying with the banner
      s.stop();
      view?.destroy();
      view = null;
      store = null;
      showLogin(`Cannot reach the chat server at ${creds.server} (${error || "connection failed"})`);
      return true;
    },
    removed: (conv, byMe, actor) => view?.onRemoved(conv, byMe, actor),
  });
  store = s;
  s.onChange(() => {
    if (!connected && s.status.state === "online") {
      connected = true;
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(c));
      localStorage.setItem(LAST_USER_KEY, c.user);
      $<HTMLInputElement>("login-password").value = "";
    }
  });
  view = new ChatView(s);
  if (!interactive) view.enter();
  else {
    // Stay on the login form until the broker accepts the credentials.
    const enterWhenOnline = () => {
      if (store === s && s.status.state === "online" && view && !view.entered) view.enter();
    };
    s.onChange(enterWhenOnline);
  }
  s.start();
}

function logout(): void {
  store?.stop();
  store = null;
  view?.destroy();
  view = null;
  sessionStorage.removeItem(SESSION_KEY);
  location.hash = "";
  showLogin();
}

// ---- chat view ----------------------------------------------------------------------------

interface MsgNode {
  el: HTMLElement;
  sig: string;
}

class ChatView {
  entered = false;
  private raf = 0;
  private nodes = new Map<string, MsgNode>();
  private renderedConv: string | null = null;
  private expanded = new Set<string>();
  private infoOpen = false;
  private infoKey = "";
  private bannerTimer = 0;
  private tick = 0;
  private noticeTimer = 0;
  private lastNoticeAt = 0;
  private disposers: (() => void)[] = [];
  private stickBottom = true;

  constructor(private s: ChatStore) {
    s.onChange(() => this.schedule());
  }

  enter(): void {
    this.entered = true;
    show($("login-view"), false);
    show($("chat-view"), true);
    const me = $("me");
    me.replaceChildren(avatar(this.s.me, { size: "s" }), h("span", { class: "name", text: this.s.me }));
    const m = /^#c\/(\d+)$/.exec(location.hash);
    if (m) this.s.openId = m[1];
    this.bind();
    this.schedule();
    this.tick = window.setInterval(() => this.schedule(), 30000); // "last seen 5 min ago" ages
  }

  destroy(): void {
    window.clearInterval(this.tick);
    window.clearTimeout(this.bannerTimer);
    window.clearTimeout(this.noticeTimer);
    for (const d of this.disposers) d();
    $("msg-list").replaceChildren();
    $("conv-list").replaceChildren();
    show($("conv-pane"), false);
    show($("info-panel"), false);
    show($("banner"), false);
    show($("notice"), false);
    $("chat-view").classList.remove("has-open");
  }

  private on<K extends keyof HTMLElementEventMap>(el: EventTarget, type: K | string, fn: (e: HTMLElementEventMap[K]) => void): void {
    el.addEventListener(type, fn as EventListener);
    this.disposers.push(() => el.removeEventListener(type, fn as EventListener));
  }

  private bind(): void {
    const input = $<HTMLTextAreaElement>("composer-input");
    this.on($("composer"), "submit", (e) => {
      e.preventDefault();
      this.sendFromComposer();
    });
    this.on(input, "keydown", (e) => {
      const k = e as KeyboardEvent;
      if (k.key === "Enter" && !k.shiftKey && !k.isComposing) {
        k.preventDefault();
        this.sendFromComposer();
      }
    });
    this.on(input, "input", () => {
      this.autosize();
      this.updateCount();
      const c = this.openConv();
      if (c) this.s.composing(c, input.value.trim() !== "");
    });
    this.on($("messages"), "scroll", () => {
      const box = $("messages");
      this.stickBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
      const c = this.openConv();
      if (!c) return;
      if (box.scrollTop < 300 && c.latestLoaded && c.hasMoreBefore && !c.loadingOlder) {
        this.s.loadOlder(c).catch((e) => this.s.setNotice("error", "Could not load history: " + describeError(e)));
      }
      if (this.stickBottom) this.maybeMarkRead();
    });
    this.on($("back-btn"), "click", () => this.open(null));
    this.on($("info-btn"), "click", () => {
      this.infoOpen = !this.infoOpen;
      this.infoKey = "";
      this.schedule();
    });
    this.on($("info-close"), "click", () => {
      this.infoOpen = false;
      this.schedule();
    });
    this.on($("notice-close"), "click", () => {
      this.s.notice = null;
      this.schedule();
    });
    this.on($("banner-retry"), "click", () => this.s.conn.retryNow());
    this.on($("logout-btn"), "click", () => logout());
    this.on($("new-chat-btn"), "click", () => this.openNewChat());
    this.on($("conv-empty-new"), "click", () => this.openNewChat());
    this.on(window, "online", () => this.s.conn.retryNow());
    this.on(document, "visibilitychange", () => this.maybeMarkRead());
    this.on(window, "hashchange", () => {
      const m = /^#c\/(\d+)$/.exec(location.hash);
      const id = m ? m[1] : null;
      if (id !== this.s.openId) this.open(id, false);
    });
    this.on(window, "pagehide", () => this.s.stop()); // a clean DISCONNECT: offline at once
    this.on(window, "pageshow", (e) => {
      if ((e as PageTransitionEvent).persisted) location.reload(); // back from the bfcache
    });
    this.bindNewChat();
  }

  // ---- navigation ----

  openConv(): Conv | undefined {
    return this.s.openId ? this.s.convs.get(this.s.openId) : undefined;
  }

  open(id: string | null, pushHash = true): void {
    if (this.s.openId && this.s.openId !== id) this.s.stopTyping();
    this.s.openId = id;
    this.stickBottom = true;
    if (pushHash) {
      const hash = id ? `#c/${id}` : "";
      if (location.hash !== hash) history.replaceState(null, "", hash || location.pathname + location.search);
    }
    const input = $<HTMLTextAreaElement>("composer-input");
    input.value = "";
    this.autosize();
    this.updateCount();
    const c = this.openConv();
    if (c) {
      if (!c.latestLoaded) this.s.loadLatest(c).catch((e) => this.s.setNotice("error", "Could not load history: " + describeError(e)));
      this.s.loadMembers(c).catch(() => {});
      if (window.matchMedia("(min-width: 761px)").matches) input.focus();
    }
    this.infoKey = "";
    this.schedule();
  }

  onRemoved(conv: Conv, byMe: boolean, actor: string): void {
    const title = conv.title(this.s.me);
    if (this.s.openId === conv.id) this.open(null);
    this.s.setNotice("info", byMe ? `You left "${title}"` : `${actor} removed you from "${title}"`);
  }

  // ---- rendering ----

  schedule(): void {
    if (!this.entered || this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.render();
    });
  }

  private render(): void {
    const s = this.s;
    if (s.openId && s.loaded && !s.convs.has(s.openId)) {
      s.openId = null;
      history.replaceState(null, "", location.pathname + location.search);
    }
    const n = s.totalUnread();
    document.title = n ? `(${n}) mqchat` : "mqchat";
    this.renderBanner();
    this.renderList();
    this.renderPane();
    this.renderInfo();
  }

  private renderBanner(): void {
    const st = this.s.status;
    const banner = $("banner");
    const text = $("banner-text");
    const retry = $("banner-retry");
    window.clearTimeout(this.bannerTimer);
    if (st.state === "online") {
      if (!banner.hidden && !banner.classList.contains("ok")) {
        banner.classList.add("ok");
        setText(text, "Reconnected");
        show(retry, false);
        this.bannerTimer = window.setTimeout(() => show(banner, false), 1500);
      } else if (banner.classList.contains("ok")) {
        this.bannerTimer = window.setTimeout(() => show(banner, false), 1500);
      }
      return;
    }
    banner.classList.remove("ok");
    if (!this.s.loaded && st.state === "connecting" && st.attempt === 0) {
      show(banner, true);
      setText(text, "Connecting…");
      show(retry, false);
      return;
    }
    show(banner, true);
    if (st.state === "waiting" && st.retryAt) {
      const secs = Math.max(0, Math.ceil((st.retryAt - Date.now()) / 1000));
      setText(text, `Connection lost. Reconnecting${secs > 0 ? ` in ${secs} s` : ""}…`);
      show(retry, true);
      this.bannerTimer = window.setTimeout(() => this.renderBanner(), 1000);
    } else if (st.state === "connecting") {
      setText(text, "Connection lost. Reconnecting…");
      show(retry, false);
    } else if (st.state === "stopped") {
      setText(text, "Disconnected.");
      show(retry, false);
    }
  }

  private presenceOf(user: string | undefined): "online" | "offline" | null {
    if (!user) return null;
    const p = this.s.presence.get(user);
    return p ? p.state : null;
  }

  private presenceText(user: string | undefined): string {
    if (!user) return "";
    const p = this.s.presence.get(user);
    if (!p) return "";
    if (p.state === "online") return "online";
    return p.last_seen_ms ? `last seen ${fmtAgo(p.last_seen_ms)}` : "offline";
  }

  private typingText(c: Conv): string {
    const users = c.typingUsers();
    if (!users.length) return "";
    if (c.kind === "direct") return "typing…";
    if (users.length === 1) return `${users[0]} is typing…`;
    if (users.length === 2) return `${users[0]} and ${users[1]} are typing…`;
    return "Several people are typing…";
  }

  private renderList(): void {
    const s = this.s;
    const list = $("conv-list");
    const convs = s.sortedConvs();
    show($("conv-empty"), s.loaded && convs.length === 0);
    const items: HTMLElement[] = [];
    for (const c of convs) {
      const title = c.title(s.me);
      const other = c.kind === "direct" ? c.other(s.me) : undefined;
      const typing = this.typingText(c);
      let preview = "No messages yet";
      const lm = c.lastMessage;
      if (lm) {
        const prefix = lm.sender === s.me ? "You: " : c.kind === "group" ? `${lm.sender}: ` : "";
        preview = prefix + lm.text.slice(0, 140).replace(/\s+/g, " ");
      }
      const pend = s.pendingFor(c.id);
      if (pend.length) {
        const last = pend[pend.length - 1];
        preview = (last.state === "failed" ? "Not sent: " : "You: ") + last.text.slice(0, 140).replace(/\s+/g, " ");
      }
      const unread = c.unread;
      const li = h(
        "li",
        {
          class: `conv-item${c.id === s.openId ? " active" : ""}${unread ? " has-unread" : ""}`,
          "data-id": c.id,
          "data-title": title,
          role: "button",
          tabindex: "0",
          onclick: () => this.open(c.id),
          onkeydown: (e: KeyboardEvent) => {
            if (e.key === "Enter") this.open(c.id);
          },
        },
        avatar(title, { group: c.kind === "group", presence: this.presenceOf(other) }),
        h(
          "div",
          { class: "body" },
          h("div", { class: "row" }, h("span", { class: "name", text: title }), lm ? h("span", { class: "time", text: fmtListTime(lm.sent_at_ms) }) : null),
          h(
            "div",
            { class: "row" },
            h("span", { class: `preview${typing ? " typing" : ""}`, text: typing || preview }),
            unread ? h("span", { class: "badge unread", "aria-label": `${unread} unread`, text: unread > 99 ? "99+" : String(unread) }) : null,
          ),
        ),
      );
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  private renderPane(): void {
    const s = this.s;
    const c = this.openConv();
    $("chat-view").classList.toggle("has-open", Boolean(s.openId));
    show($("empty-pane"), !c);
    show($("conv-pane"), Boolean(c));
    if (!c) {
      if (this.renderedConv) {
        this.nodes.clear();
        $("msg-list").replaceChildren();
        this.renderedConv = null;
      }
      this.renderNotice();
      return;
    }
    const title = c.title(s.me);
    const other = c.kind === "direct" ? c.other(s.me) : undefined;
    setText($("conv-title"), title);
    const avatarKey = `${title}|${c.kind}|${this.presenceOf(other)}`;
    const avEl = $("conv-avatar");
    if (avEl.dataset.key !== avatarKey) {
      avEl.dataset.key = avatarKey;
      avEl.replaceChildren(avatar(title, { group: c.kind === "group", presence: this.presenceOf(other), size: "s" }));
    }
    const typing = this.typingText(c);
    const sub = $("conv-sub");
    sub.classList.toggle("typing", Boolean(typing));
    const members = [...c.members.keys()];
    setText(sub, typing || (c.kind === "direct" ? this.presenceText(other) : `${members.length} members: ${members.join(", ")}`));
    this.renderNotice();
    this.renderMessages(c);
  }

  private renderNotice(): void {
    const n = this.s.notice;
    const box = $("notice");
    if (!n) {
      show(box, false);
      return;
    }
    box.classList.toggle("info", n.kind === "info");
    setText($("notice-text"), n.text);
    show(box, true);
    if (n.at !== this.lastNoticeAt) {
      this.lastNoticeAt = n.at;
      window.clearTimeout(this.noticeTimer);
      this.noticeTimer = window.setTimeout(() => {
        if (this.s.notice === n) {
          this.s.notice = null;
          this.schedule();
        }
      }, 10000);
    }
  }

  private receipt(c: Conv, m: WireMessage): "read" | "sent" {
    let others = 0;
    let read = 0;
    for (const [u, mem] of c.members) {
      if (u === this.s.me) continue;
      others++;
      if (mem.read_seq >= m.seq) read++;
    }
    return others > 0 && read === others ? "read" : "sent";
  }

  private renderMessages(c: Conv): void {
    const s = this.s;
    const box = $("messages");
    const list = $("msg-list");
    if (this.renderedConv !== c.id) {
      this.nodes.clear();
      list.replaceChildren();
      this.renderedConv = c.id;
      this.stickBottom = true;
    }
    const status = $("history-status");
    if (c.loadingOlder) setText(status, "Loading messages…");
    else if (c.latestLoaded && !c.hasMoreBefore) {
      const empty = c.msgs.size === 0 && s.pendingFor(c.id).length === 0;
      setText(status, empty ? "No messages yet. Say hello!" : "Beginning of the conversation");
    }
    else setText(status, "");

    const atBottom = this.stickBottom;
    const prevHeight = box.scrollHeight;
    const prevTop = box.scrollTop;
    const firstBefore = list.firstElementChild;

    const keys: string[] = [];
    const build = new Map<string, () => MsgNode>();
    let prevDay = "";
    let prevSender = "";
    const emitDay = (ms: number) => {
      const day = new Date(ms).toDateString();
      if (day === prevDay) return;
      prevDay = day;
      prevSender = "";
      const key = `d:${day}`;
      keys.push(key);
      const label = fmtDay(ms);
      build.set(key, () => ({ el: h("div", { class: "day", text: label }), sig: label }));
    };
    for (const seq of c.sortedSeqs()) {
      const m = c.msgs.get(seq)!;
      emitDay(m.sent_at_ms);
      const key = `m:${seq}`;
      const first = m.sender !== prevSender;
      prevSender = m.sender;
      const mine = m.sender === s.me;
      const receipt = mine ? this.receipt(c, m) : "";
      const expanded = this.expanded.has(key);
      const sig = `${first}|${receipt}|${expanded}|${c.kind}`;
      keys.push(key);
      build.set(key, () => ({ el: this.messageEl(c, m, { key, first, mine, receipt, expanded }), sig }));
      const old = this.nodes.get(key);
      if (old && old.sig !== sig) this.nodes.delete(key);
    }
    for (const p of s.pendingFor(c.id)) {
      emitDay(p.created_ms);
      const key = `p:${p.client_msg_id}`;
      const first = prevSender !== s.me;
      prevSender = s.me;
      const expanded = this.expanded.has(key);
      const sig = `${first}|${p.state}|${p.error ?? ""}|${expanded}`;
      keys.push(key);
      build.set(key, () => ({ el: this.pendingEl(p, { key, first, expanded }), sig }));
      const old = this.nodes.get(key);
      if (old && old.sig !== sig) this.nodes.delete(key);
    }

    // Reconcile: reuse nodes, move only what is out of place.
    const wanted = new Set(keys);
    for (const [k, n] of this.nodes) {
      if (!wanted.has(k)) {
        n.el.remove();
        this.nodes.delete(k);
      }
    }
    let cursor: ChildNode | null = list.firstChild;
    for (const k of keys) {
      let n = this.nodes.get(k);
      if (!n) {
        n = build.get(k)!();
        this.nodes.set(k, n);
      }
      if (n.el.parentNode === list && n.el === cursor) {
        cursor = cursor.nextSibling;
        continue;
      }
      // Replace a stale node of the same key that is still in place.
      list.insertBefore(n.el, cursor);
    }
    while (cursor) {
      const next = cursor.nextSibling;
      cursor.remove();
      cursor = next;
    }

    if (atBottom) {
      box.scrollTop = box.scrollHeight;
    } else if (firstBefore && list.firstElementChild !== firstBefore) {
      box.scrollTop = prevTop + (box.scrollHeight - prevHeight); // older messages were prepended
    }
    // Fill the viewport: fetch older pages while there is no scrollbar yet.
    if (c.latestLoaded && c.hasMoreBefore && !c.loadingOlder && box.scrollHeight <= box.clientHeight + 300) {
      this.s.loadOlder(c).catch(() => {});
    }
    this.maybeMarkRead();
  }

  private textEl(text: string, key: string, expanded: boolean): HTMLElement[] {
    const len = text.length;
    let lines = 0;
    let cut = -1;
    if (len > COLLAPSE_CHARS || text.indexOf("\n") >= 0) {
      for (let i = text.indexOf("\n"); i >= 0 && i < COLLAPSE_CHARS * 4; i = text.indexOf("\n", i + 1)) {
        lines++;
        if (lines === 12 && cut < 0) cut = i;
        if (lines > COLLAPSE_LINES) break;
      }
    }
    const long = len > COLLAPSE_CHARS || lines > COLLAPSE_LINES;
    if (!long) return [h("div", { class: "text", text })];
    if (expanded) {
      return [
        h("div", { class: "text", text }),
        h("button", { class: "more", type: "button", "data-key": key, onclick: () => this.toggle(key), text: "Show less" }),
      ];
    }
    const shown = text.slice(0, Math.min(PREVIEW_CHARS, cut > 0 ? cut : PREVIEW_CHARS));
    const total = codePoints(text);
    return [
      h("div", { class: "text collapsed", text: shown + "…" }),
      h("button", { class: "more", type: "button", "data-key": key, onclick: () => this.toggle(key), text: `Show more (${fmtCount(total)} characters)` }),
    ];
  }

  private toggle(key: string): void {
    if (this.expanded.has(key)) this.expanded.delete(key);
    else this.expanded.add(key);
    this.stickBottom = false;
    this.schedule();
  }

  private messageEl(c: Conv, m: WireMessage, o: { key: string; first: boolean; mine: boolean; receipt: string; expanded: boolean }): HTMLElement {
    const meta = h("div", { class: "meta" }, h("time", { datetime: new Date(m.sent_at_ms).toISOString(), text: fmtTime(m.sent_at_ms) }));
    if (o.mine) {
      meta.append(
        h("span", {
          class: `status ${o.receipt}`,
          title: o.receipt === "read" ? "Read" : "Sent",
          text: o.receipt === "read" ? "✓✓" : "✓",
        }),
      );
    }
    return h(
      "div",
      {
        class: `msg ${o.mine ? "mine" : "theirs"}${o.first ? " first" : ""}`,
        "data-seq": m.seq,
        "data-sender": m.sender,
        "data-cmid": m.client_msg_id,
      },
      h(
        "div",
        { class: "bubble" },
        !o.mine && o.first && c.kind === "group" ? h("div", { class: "sender", text: m.sender }) : null,
        ...this.textEl(m.text, o.key, o.expanded),
        meta,
      ),
    );
  }

  private pendingEl(p: Pending, o: { key: string; first: boolean; expanded: boolean }): HTMLElement {
    const label = p.state === "failed" ? "Not sent" : p.state === "waiting" ? "Waiting for connection…" : "Sending…";
    const el = h(
      "div",
      { class: `msg mine pending ${p.state}${o.first ? " first" : ""}`, "data-cmid": p.client_msg_id, "data-state": p.state },
      h(
        "div",
        { class: "bubble" },
        ...this.textEl(p.text, o.key, o.expanded),
        h("div", { class: "meta" }, h("span", { class: "status", text: label }), p.state !== "failed" ? h("span", { class: "spinner", "aria-hidden": "true" }) : null),
      ),
    );
    if (p.state === "failed") {
      el.append(
        h(
          "div",
          { class: "msg-error" },
          h("span", { class: "why", text: p.error ?? "Failed" }),
          h(
            "div",
            { class: "actions" },
            h("button", { type: "button", class: "retry", onclick: () => this.s.retry(p), text: "Retry" }),
          h(
            "button",
            {
              type: "button",
              class: "edit",
              onclick: () => {
                const input = $<HTMLTextAreaElement>("composer-input");
                if (!input.value) input.value = p.text;
                this.s.discard(p);
                this.autosize();
                this.updateCount();
                input.focus();
              },
              text: "Edit",
            },
          ),
            h("button", { type: "button", class: "delete", onclick: () => this.s.discard(p), text: "Delete" }),
          ),
        ),
      );
    }
    return el;
  }

  private maybeMarkRead(): void {
    const c = this.openConv();
    if (!c || document.visibilityState !== "visible" || !this.stickBottom) return;
    if (c.readSeq < c.lastSeq) {
      this.s.markRead(c);
      this.schedule();
    }
  }

  // ---- composer ----

  private sendFromComposer(): void {
    const c = this.openConv();
    const input = $<HTMLTextAreaElement>("composer-input");
    const text = input.value;
    if (!c || text.trim() === "") return;
    this.s.stopTyping();
    this.s.send(c, text);
    input.value = "";
    this.autosize();
    this.updateCount();
    this.stickBottom = true;
    input.focus();
  }

  private autosize(): void {
    const input = $<HTMLTextAreaElement>("composer-input");
    input.style.height = "";
    // Hidden (the pane of a phone layout) or empty: the natural one-row height.
    if (!input.value || input.offsetParent === null) return;
    input.style.height = "auto";
    const sh = input.scrollHeight;
    input.style.height = sh > 0 ? `${Math.min(sh + 2, Math.round(window.innerHeight * 0.35))}px` : "";
  }

  private updateCount(): void {
    const input = $<HTMLTextAreaElement>("composer-input");
    const el = $("char-count");
    const len = input.value.length > 1000 ? codePoints(input.value) : input.value.length;
    if (len <= 1000) {
      show(el, false);
      return;
    }
    el.classList.toggle("over", len > MAX_CHARS);
    setText(el, `${fmtCount(len)} / ${fmtCount(MAX_CHARS)}${len > MAX_CHARS ? " — too long" : ""}`);
    show(el, true);
  }

  // ---- new conversation ----

  private bindNewChat(): void {
    const dlg = $<HTMLDialogElement>("new-chat-dialog");
    const sync = () => {
      const group = $<HTMLInputElement>("new-kind-group").checked;
      show($("new-direct-field"), !group);
      show($("new-group-fields"), group);
    };
    this.on($("new-kind-direct"), "change", sync);
    this.on($("new-kind-group"), "change", sync);
    this.on($("new-chat-cancel"), "click", () => dlg.close());
    this.on($("new-chat-form"), "submit", (e) => {
      e.preventDefault();
      void this.submitNewChat();
    });
  }

  private openNewChat(): void {
    const dlg = $<HTMLDialogElement>("new-chat-dialog");
    show($("new-chat-error"), false);
    $<HTMLInputElement>("new-direct-user").value = "";
    $<HTMLInputElement>("new-group-name").value = "";
    $<HTMLInputElement>("new-group-members").value = "";
    $<HTMLButtonElement>("new-chat-submit").disabled = false;
    dlg.showModal();
    ($<HTMLInputElement>("new-kind-group").checked ? $("new-group-name") : $("new-direct-user")).focus();
  }

  private async submitNewChat(): Promise<void> {
    const dlg = $<HTMLDialogElement>("new-chat-dialog");
    const err = $("new-chat-error");
    const btn = $<HTMLButtonElement>("new-chat-submit");
    const fail = (text: string) => {
      setText(err, text);
      show(err, true);
      btn.disabled = false;
    };
    btn.disabled = true;
    try {
      let c: Conv;
      if ($<HTMLInputElement>("new-kind-group").checked) {
        const name = $<HTMLInputElement>("new-group-name").value.trim();
        const members = splitUsers($<HTMLInputElement>("new-group-members").value).filter((u) => u !== this.s.me);
        if (!name) return fail("Give the group a name");
        const bad = members.find((u) => !NAME_RE.test(u));
        if (bad) return fail(`"${bad}" is not a valid username`);
        c = await this.s.createGroup(name, members);
      } else {
        const user = $<HTMLInputElement>("new-direct-user").value.trim();
        if (!NAME_RE.test(user)) return fail("Enter a valid username");
        if (user === this.s.me) return fail("That's you. Pick someone else.");
        c = await this.s.openDirect(user).catch((e) => {
          throw new Error(describeError(e, { user }));
        });
      }
      dlg.close();
      this.open(c.id);
    } catch (e) {
      fail(e instanceof ChatError ? describeError(e) : e instanceof Error ? e.message : String(e));
    }
  }

  // ---- details panel ----

  private renderInfo(): void {
    const c = this.openConv();
    const panel = $("info-panel");
    const visible = this.infoOpen && Boolean(c);
    show(panel, visible);
    document.querySelector(".layout")!.classList.toggle("with-info", visible);
    if (!c || !visible) return;
    const s = this.s;
    const members = [...c.members.entries()];
    const key = JSON.stringify([c.id, c.name, members, members.map(([u]) => this.presenceText(u)), c.rolesLoaded]);
    if (key === this.infoKey) return;
    this.infoKey = key;
    const body = $("info-body");
    const title = c.title(s.me);
    if (c.kind === "direct") {
      const other = c.other(s.me);
      body.replaceChildren(
        h(
          "div",
          { class: "info-hero" },
          avatar(title, { presence: this.presenceOf(other) }),
          h("h4", { text: title }),
          h("div", { class: "sub", id: "info-presence", text: this.presenceText(other) || "Direct conversation" }),
        ),
      );
      return;
    }
    const myRole = c.myRole(s.me);
    const manager = myRole === "owner" || myRole === "admin";
    const errEl = h("div", { class: "info-error", id: "info-error", role: "alert" });
    const act = async (fn: () => Promise<unknown>) => {
      errEl.textContent = "";
      try {
        await fn();
      } catch (e) {
        errEl.textContent = describeError(e);
      }
    };
    const renameInput = h("input", { id: "rename-input", value: c.name, maxlength: "200", "aria-label": "Group name" });
    const addInput = h("input", { id: "add-members-input", placeholder: "username, …", autocapitalize: "none", spellcheck: "false", "aria-label": "Add members" });
    const memberItems = members
      .sort((a, b) => roleRank(a[1].role) - roleRank(b[1].role) || a[0].localeCompare(b[0]))
      .map(([u, m]) =>
        h(
          "li",
          { class: "member", "data-user": u },
          avatar(u, { size: "s", presence: this.presenceOf(u === s.me ? undefined : u) }),
          h("div", { class: "who" }, h("div", { class: "n", text: u === s.me ? `${u} (you)` : u }), h("div", { class: "r", text: [m.role, u === s.me ? "" : this.presenceText(u)].filter(Boolean).join(" · ") })),
          manager && u !== s.me && m.role !== "owner"
            ? h("button", { type: "button", class: "remove", onclick: () => act(() => s.manage(c, "remove_member", { user: u })), text: "Remove" })
            : null,
        ),
      );
    const leaveBox = h("div", { class: "confirm" });
    const renderLeave = (confirming: boolean) => {
      leaveBox.replaceChildren(
        ...(confirming
          ? [
              h("span", { text: "Leave this group?" }),
              h("button", {
                type: "button",
                class: "danger",
                id: "leave-confirm",
                onclick: () =>
                  act(async () => {
                    const t = c.title(s.me);
                    await s.manage(c, "leave", {});
                    this.infoOpen = false;
                    this.open(null);
                    s.setNotice("info", `You left "${t}"`);
                  }),
                text: "Leave",
              }),
              h("button", { type: "button", class: "secondary", onclick: () => renderLeave(false), text: "Cancel" }),
            ]
          : [h("button", { type: "button", class: "danger", id: "leave-btn", onclick: () => renderLeave(true), text: "Leave group" })]),
      );
    };
    renderLeave(false);
    const parts: (Node | null)[] = [
      h("div", { class: "info-hero" }, avatar(title, { group: true }), h("h4", { text: title }), h("div", { class: "sub", text: `Group · ${members.length} members` })),
      manager
        ? h(
            "form",
            {
              class: "inline-form",
              id: "rename-form",
              onsubmit: (e: Event) => {
                e.preventDefault();
                const name = renameInput.value.trim();
                if (!name) return void (errEl.textContent = "The name cannot be empty");
                void act(() => s.manage(c, "rename", { name }));
              },
            },
            renameInput,
            h("button", { type: "submit", class: "secondary", text: "Rename" }),
          )
        : null,
      h("div", { class: "section-title", text: `Members (${members.length})` }),
      h("ul", { class: "member-list", id: "member-list" }, ...memberItems),
      manager
        ? h(
            "form",
            {
              class: "inline-form",
              id: "add-members-form",
              onsubmit: (e: Event) => {
                e.preventDefault();
                const users = splitUsers(addInput.value);
                if (!users.length) return;
                const bad = users.find((u) => !NAME_RE.test(u));
                if (bad) return void (errEl.textContent = `"${bad}" is not a valid username`);
                void act(async () => {
                  await s.manage(c, "add_members", { users });
                  addInput.value = "";
                });
              },
            },
            addInput,
            h("button", { type: "submit", class: "secondary", text: "Add" }),
          )
        : null,
      errEl,
      h("div", { class: "section-title", text: "Leave" }),
      leaveBox,
    ];
    body.replaceChildren(...parts.filter((n): n is Node => n !== null));
  }
}

function splitUsers(s: string): string[] {
  return [...new Set(s.split(/[\s,;]+/).map((u) => u.trim()).filter(Boolean))];
}

function roleRank(role: string): number {
  return role === "owner" ? 0 : role === "admin" ? 1 : 2;
}

// ---- boot --------------------------------------------------------------------------------

function boot(): void {
  setupLogin();
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (saved) {
    try {
      const c = JSON.parse(saved) as Omit<Credentials, "device">;
      if (c.user && c.secret && c.server) {
        $<HTMLInputElement>("login-user").value = c.user;
        void login(c, false);
        return;
      }
    } catch {
      sessionStorage.removeItem(SESSION_KEY);
    }
  }
  showLogin();
}

boot();
