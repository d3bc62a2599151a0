// The chat view of one login: binds the page's events, keeps the URL's #c/<id> and the open
// conversation in step, and renders the panels (banner, list, open conversation, notice,
// details) on the next animation frame after every state change.
import { onLangChange, t } from "../i18n/i18n";
import type { ChatState } from "../state/chat";
import type { ConvView } from "../state/conversation";
import { pageTitle } from "../state/conversations";
import { Banner } from "./banner";
import { BlockUi } from "./block_ui";
import { Composer } from "./composer";
import { UiState, ViewContext } from "./context";
import { renderConvHeader } from "./conv_header";
import { onConvListKey, renderConvList } from "./conv_list";
import { $, h, setText, show } from "./dom";
import { InfoPanel } from "./info_panel";
import { ReportUi } from "./report_ui";
import { MessageActions } from "./message_actions";
import { MessageList } from "./messages";
import { MuteMenu } from "./mute_menu";
import { NewChatDialog } from "./new_chat";
import { NoticeBar } from "./notice";
import { PrivacyPanel } from "./privacy_panel";
import { SearchPanel } from "./search_panel";
import { Notifier } from "./notifier";
import { SettingsDialog } from "./settings";
import { Profiles } from "../state/profiles";
import { ProfileDialog } from "./profile_dialog";
import { Files } from "../state/files";
import { AttachmentViewer } from "./attachment_view";
import { UploadTray } from "./upload_tray";
import { nameOf, people, usePeople, userAvatar } from "./people";
import { CommunityView } from "./community_view";
import { CallUi } from "./call_ui";

const HASH_RE = /^#c\/(\d+)$/;

export class ChatView implements ViewContext {
  entered = false;
  readonly ui = new UiState();
  private raf = 0;
  private tick = 0;
  private disposers: (() => void)[] = [];
  private banner: Banner;
  private notice: NoticeBar;
  private composer = new Composer(this);
  private messages = new MessageList(this, this.composer);
  private reports = new ReportUi(this);
  private actions = new MessageActions(this, this.composer, this.reports);
  private blocks = new BlockUi(this);
  private privacy = new PrivacyPanel(this, this.blocks);
  private info = new InfoPanel(this, this.blocks, this.reports);
  private newChat = new NewChatDialog(this);
  private mute = new MuteMenu(this);
  private settings = new SettingsDialog(this);
  private search = new SearchPanel(this);
  private calls = new CallUi(this);
  private notifier: Notifier;
  private community: CommunityView;

  private profile: ProfileDialog;
  private tray: UploadTray;
  private viewer: AttachmentViewer;
  private meKey = "";

  constructor(
    readonly s: ChatState,
    private logout: () => void,
    private profiles: Profiles = new Profiles(null),
    readonly files: Files = new Files(null),
  ) {
    this.profile = new ProfileDialog(this, profiles);
    this.tray = new UploadTray(this, files);
    this.viewer = new AttachmentViewer(this, files);
    files.setListener(() => this.schedule());
    this.banner = new Banner(s);
    this.notice = new NoticeBar(s);
    this.notifier = new Notifier(s, this);
    this.community = new CommunityView(s, this);
    this.disposers.push(
      s.onChange(() => this.schedule()),
      s.onChange(() => this.notifier.check()),
    );
  }

  enter(): void {
    this.entered = true;
    show($("login-view"), false);
    show($("chat-view"), true);
    usePeople(this.profiles);
    this.disposers.push(
      this.profiles.onChange(() => {
        this.info.invalidate();
        this.schedule();
      }),
      // Names and avatars change live (the profile event), and are asked for again after a
      // reconnect.
      this.s.onProfile((p) => (p ? void this.profiles.applyEvent(p) : this.profiles.refetch())),
    );
    const m = HASH_RE.exec(location.hash);
    if (m) this.s.open(m[1]);
    this.bind();
    this.schedule();
    this.tick = window.setInterval(() => this.schedule(), 30000); // "last seen 5 min ago" ages
  }

  /** Logout (or a refused login): the view stops listening and drawing; its timers and a frame
   * still to come are cancelled, so nothing of it runs after this. */
  destroy(): void {
    this.entered = false;
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    window.clearInterval(this.tick);
    window.clearTimeout(this.slowTimer);
    this.community.destroy();
    this.calls.destroy();
    this.notifier.clear();
    this.banner.destroy();
    this.notice.destroy();
    for (const d of this.disposers) d();
    usePeople(null);
    this.profiles.dispose();
    $("msg-list").replaceChildren();
    $("conv-list").replaceChildren();
    show($("conv-pane"), false);
    show($("info-panel"), false);
    show($("banner"), false);
    show($("notice"), false);
    $("chat-view").classList.remove("has-open");
  }

  on<K extends keyof HTMLElementEventMap>(
    el: EventTarget,
    type: K | string,
    fn: (e: HTMLElementEventMap[K]) => void,
  ): void {
    el.addEventListener(type, fn as EventListener);
    this.disposers.push(() => el.removeEventListener(type, fn as EventListener));
  }

  private bind(): void {
    this.composer.bind();
    this.actions.bind();
    this.on($("messages"), "scroll", () => this.onScroll());
    this.on($("back-btn"), "click", () => this.open(null));
    this.on($("info-btn"), "click", () => {
      this.ui.infoOpen = !this.ui.infoOpen;
      this.info.invalidate();
      this.schedule();
    });
    this.on($("info-close"), "click", () => this.closeInfo());
    this.on($("conv-list"), "keydown", (e) => onConvListKey(e as KeyboardEvent));
    this.on(document, "keydown", (e) => {
      const k = e as KeyboardEvent;
      // Escape closes the details panel when the focus is in it or on its button.
      const at = document.activeElement;
      const mine = at === document.body || at === $("info-btn") || $("info-panel").contains(at);
      if (k.key === "Escape" && this.ui.infoOpen && mine && !document.querySelector("dialog[open]")) this.closeInfo();
    });
    this.on($("notice-close"), "click", () => this.s.clearNotice());
    this.on($("banner-retry"), "click", () => this.s.retryNow());
    this.on($("logout-btn"), "click", () => this.logout());
    this.on(window, "online", () => this.s.retryNow());
    this.on(document, "visibilitychange", () => {
      this.messages.maybeMarkRead();
      if (document.visibilityState === "visible") this.notifier.clear();
    });
    this.on(window, "hashchange", () => {
      const m = HASH_RE.exec(location.hash);
      const id = m ? m[1] : null;
      if (id !== this.s.openId) this.open(id, false);
    });
    this.on(window, "pagehide", () => this.s.stop()); // a clean DISCONNECT: offline at once
    this.on(window, "pageshow", (e) => {
      if ((e as PageTransitionEvent).persisted) location.reload(); // back from the bfcache
    });
    this.newChat.bind();
    this.mute.bind();
    this.blocks.bind();
    this.reports.bind();
    this.privacy.bind();
    this.settings.bind();
    this.search.bind();
    this.calls.bind();
    this.profile.bind();
    this.tray.bind();
    this.viewer.bind();
    // Another language: every panel is drawn again (the message list from scratch).
    this.disposers.push(
      onLangChange(() => {
        this.messages.clear();
        this.info.invalidate();
        this.schedule();
      }),
    );
  }

  /** Closes the details panel; the focus goes back to the button that opens it. */
  private closeInfo(): void {
    const inside = $("info-panel").contains(document.activeElement);
    this.ui.infoOpen = false;
    this.schedule();
    if (inside || document.activeElement === document.body) $("info-btn").focus();
  }

  private onScroll(): void {
    const box = $("messages");
    this.ui.stickBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const c = this.s.openConv();
    if (!c) return;
    if (box.scrollTop < 300 && c.latestLoaded && c.hasMoreBefore && !c.loadingOlder) {
      this.s.showHistory(c.id, true);
    }
    if (this.ui.stickBottom) this.messages.maybeMarkRead();
  }

  // ---- navigation ----

  open(id: string | null, pushHash = true): void {
    this.s.open(id);
    this.ui.stickBottom = true;
    if (pushHash) {
      const hash = id && !this.s.community.isChannel(id) ? `#c/${id}` : "";
      if (location.hash !== hash) history.replaceState(null, "", hash || location.pathname + location.search);
    }
    this.composer.reset();
    this.mute.close();
    const c = this.s.openConv();
    if (c) {
      if (!c.latestLoaded) this.s.showHistory(c.id);
      this.s.loadMembers(c.id).catch(() => {});
      this.focusComposer = window.matchMedia("(min-width: 761px)").matches; // once the pane shows
    }
    this.info.invalidate();
    this.schedule();
  }

  onRemoved(conv: ConvView, byMe: boolean, actor: string): void {
    const title = conv.title(this.s.me);
    if (this.s.openId === conv.id) this.open(null);
    this.s.setNotice("info", byMe ? t("notice.youLeft", { title }) : t("notice.removed", { actor, title }));
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
    if (s.openId && s.loaded && !s.conv(s.openId)) {
      s.open(null);
      history.replaceState(null, "", location.pathname + location.search);
    }
    document.title = pageTitle(s.totalUnread());
    this.renderMe();
    this.banner.render();
    renderConvList(this);
    this.search.render();
    this.renderPane();
    this.info.render();
    this.privacy.render();
    this.calls.render();
  }

  /** My name and avatar at the top of the list (display name and picture once known). */
  private renderMe(): void {
    const key = `${this.s.me}|${people().version}`;
    if (key === this.meKey) return;
    this.meKey = key;
    const me = this.s.me;
    $("me").replaceChildren(userAvatar(me, { size: "s" }), h("span", { class: "name", text: nameOf(me) }));
  }

  private slowTimer = 0;

  /** Slow mode under the composer: the interval, or after a send (or a RATE_LIMITED) the send
   * button waits with a countdown, drawn again every second until it is over. */
  private renderSlow(c: ConvView): void {
    const wait = this.s.slowWaitMs(c.id);
    this.composer.setWaiting(wait > 0);
    const el = $("slow-mode");
    const text =
      wait > 0
        ? t("slow.wait", { s: Math.ceil(wait / 1000) })
        : c.slowModeS > 0
          ? t("slow.on", { s: c.slowModeS })
          : "";
    setText(el, text);
    el.classList.toggle("waiting", wait > 0);
    show(el, text !== "");
    const held = this.s.pendingFor(c.id).some((p) => p.retryAt);
    window.clearTimeout(this.slowTimer);
    if (wait > 0 || held) this.slowTimer = window.setTimeout(() => this.schedule(), 1000 - (Date.now() % 1000) + 20);
  }

  private focusComposer = false; // after the next render: the focus goes to the composer
  private announced = ""; // "<conversation id>:<seq>" of the last message told to screen readers

  /** A new message from someone else in the open conversation is read out (politely). */
  private announce(c: ConvView): void {
    const lm = c.lastMessage;
    const key = `${c.id}:${lm?.seq ?? 0}`;
    const prev = this.announced;
    this.announced = key;
    if (!lm || prev === "" || !prev.startsWith(`${c.id}:`) || prev === key) return;
    if (lm.sender === this.s.me || lm.deleted || this.s.privacy.isBlocked(lm.sender)) return;
    $("announcer").textContent = `${lm.sender}: ${lm.text}`;
  }

  private renderPane(): void {
    const c = this.s.openConv();
    $("chat-view").classList.toggle("has-open", Boolean(this.s.openId));
    show($("empty-pane"), !c);
    show($("conv-pane"), Boolean(c));
    if (!c) {
      this.messages.clear();
      this.notice.render();
      return;
    }
    renderConvHeader(this.s, c);
    show($("info-btn"), c.kind !== "channel");
    if (c.kind === "channel" && this.ui.infoOpen) this.ui.infoOpen = false;
    this.mute.render(c);
    this.blocks.renderBar(c);
    this.notice.render();
    this.messages.render(c);
    this.tray.render(c.id);
    this.renderSlow(c);
    const input = $("composer-input");
    const hint = c.kind === "channel" ? t("srv.message", { name: c.name }) : t("composer.placeholder");
    if (input.getAttribute("placeholder") !== hint) {
      input.setAttribute("placeholder", hint);
      input.setAttribute("aria-label", hint);
    }
    this.announce(c);
    if (this.focusComposer) {
      this.focusComposer = false;
      this.composer.focus();
    }
  }
}
