// The app's lifecycle: login, a ChatState and a ChatView per login, logout, and resuming a login
// after a reload (state/session.ts and state/tokens.ts say what is kept; never a password).
// With an API service (api/http_api.ts: `?api=URL` or config.json) the form signs up and logs in
// there, and the broker gets a fresh access token at every (re)connect. A password goes to the
// broker over MQTT only when the page's config.json says that broker takes them; otherwise,
// without an API, the form refuses it (a pasted token still goes to the broker). With the API, profiles (display names, avatars) come
// (and attachments' uploads and downloads) from it too, and the broker address from its discovery unless the user gave one.
import { claimDevice } from "../api/device";
import { AuthedApi } from "../api/authed_api";
import { ApiClient, pageConfig } from "../api/http_api";
import { ProfileApi, discoverBroker } from "../api/profiles";
import { Profiles } from "../state/profiles";
import { AttachmentApi } from "../api/attachments";
import { Files } from "../state/files";
import { ChatState } from "../state/chat";
import { describeApiRefusal, describeLoginRefusal } from "../state/describe";
import { Login, SessionStore } from "../state/session";
import { TokenKeeper } from "../state/tokens";
import { t } from "../i18n/i18n";
import { registerShell, setOpenedOffline } from "./app_shell";
import { ChatView } from "./chat_view";
import { onNotificationsSwitched } from "./notifier";
import { WebPush } from "./web_push";
import { $ } from "./dom";
import {
  clearPassword,
  defaultServer,
  endSignup,
  prefillUser,
  setConfiguredServer,
  setLoginBusy,
  setupLogin,
  showLogin,
} from "./login";

export class App {
  private store: ChatState | null = null;
  private view: ChatView | null = null;
  private session = new SessionStore(sessionStorage, localStorage);
  private api: ApiClient | null = null;
  private keeper: TokenKeeper | null = null;
  private mqttPasswords = false; // config.json allows passwords over MQTT
  private vapidKey: string | undefined; // config.json's webpush_vapid_key
  private push: WebPush | null = null;
  private pushOff: (() => void) | null = null;

  async boot(): Promise<void> {
    registerShell();
    const cfg = await pageConfig(location.search, location.origin);
    this.mqttPasswords = cfg.mqttPasswords;
    this.vapidKey = cfg.vapidKey;
    setConfiguredServer(cfg.brokerWs);
    setOpenedOffline(cfg.offline === true);
    if (cfg.api) {
      this.api = new ApiClient(cfg.api);
      this.keeper = new TokenKeeper(this.api, localStorage);
    }
    setupLogin((l, signup) => void this.submit(l, signup), this.api !== null);
    const saved = this.keeper?.saved();
    if (saved) {
      prefillUser(saved.user);
      return this.login(this.apiLogin(saved.user), false);
    }
    const resume = this.session.resumable();
    if (resume) {
      prefillUser(resume.user);
      return this.login(resume, false);
    }
    showLogin("", this.session.lastUser());
  }

  /** The form: a password goes to the API service when there is one (signing up first if
   * asked), to the broker only when config.json allows it, else nowhere; a pasted token always
   * goes to the broker. */
  private async submit(l: Login, signup: boolean): Promise<void> {
    if (l.mode !== "password") return this.login(l, true);
    if (!this.api || !this.keeper) {
      if (this.mqttPasswords) return this.login(l, true);
      clearPassword();
      return showLogin(t("login.noApi"), this.session.lastUser());
    }
    setLoginBusy();
    try {
      if (signup) await this.api.signup(l.user, l.secret);
      const tokens = await this.api.login(l.user, l.secret);
      this.keeper.adopt(tokens);
      clearPassword();
      endSignup();
      return this.login({ ...this.apiLogin(tokens.user), server: l.server }, true);
    } catch (e) {
      showLogin(describeApiRefusal(e, signup), this.session.lastUser());
    }
  }

  private apiLogin(user: string): Login {
    return { server: "", user, mode: "token", secret: "", viaApi: true };
  }

  private async login(l: Login, interactive: boolean): Promise<void> {
    setLoginBusy();
    const device = await claimDevice();
    const keeper = l.viaApi ? this.keeper : null;
    const server = await this.brokerFor(l.server || $<HTMLInputElement>("login-server").value.trim());
    const creds = { ...l, server, device, tokenSource: keeper ? () => keeper.fresh() : undefined };
    let connected = false;
    const s = new ChatState(creds, {
      authFailed: () => {
        s.stop();
        this.session.forget();
        void keeper?.logout();
        this.close();
        showLogin(l.viaApi ? t("login.sessionEnded") : describeLoginRefusal(l.mode), this.session.lastUser());
      },
      firstFailure: (error) => {
        if (connected || !interactive) return false; // keep retrying with the banner
        s.stop();
        this.close();
        showLogin(
          t("login.unreachable", { server, error: error || t("login.connectionFailed") }),
          this.session.lastUser(),
        );
        return true;
      },
      removed: (conv, byMe, actor) => this.view?.onRemoved(conv, byMe, actor),
    });
    this.store = s;
    const push = new WebPush(s, this.vapidKey);
    this.push = push;
    this.pushOff = onNotificationsSwitched((on) => void (on ? push.sync() : push.leave()));
    let ready = false; // loaded and online: (re)registers the push target after each connection
    s.onChange(() => {
      if (!connected && s.status.state === "online") {
        connected = true;
        this.session.accepted(l);
        clearPassword();
        setOpenedOffline(false);
      }
      const now = s.loaded && s.status.state === "online";
      if (now && !ready && this.store === s) void push.sync();
      ready = now;
    });
    const authed = keeper && this.api ? new AuthedApi(this.api.base, () => keeper.fresh()) : null;
    const profiles = new Profiles(authed && new ProfileApi(authed));
    const view = new ChatView(s, () => void this.logout(), profiles, new Files(authed && new AttachmentApi(authed)));
    this.view = view;
    if (!interactive) view.enter();
    else {
      // Stay on the login form until the broker accepts the credentials.
      s.onChange(() => {
        if (this.store === s && s.status.state === "online" && this.view === view && !view.entered) view.enter();
      });
    }
    s.start();
  }

  /** The broker to connect to: the form's (or `?server=`) when the user chose one; with an API
   * service and the page's default left as is, the first WebSocket broker of its discovery
   * (GET /v1/connect), else the default. */
  private async brokerFor(form: string): Promise<string> {
    const fallback = defaultServer();
    const explicit = new URLSearchParams(location.search).has("server") || (form !== "" && form !== fallback);
    if (explicit) return form || fallback;
    return (this.api && (await discoverBroker(this.api.base))) || fallback;
  }

  private async logout(): Promise<void> {
    // This device's push target goes first, while connected (at most 3 s: logging out never
    // waits on a dead connection for long).
    const push = this.push;
    if (push) await Promise.race([push.leave(), new Promise((r) => setTimeout(r, 3000))]);
    this.store?.stop(true);
    this.close();
    this.session.forget();
    void this.keeper?.logout();
    location.hash = "";
    showLogin("", this.session.lastUser());
  }

  private close(): void {
    this.pushOff?.();
    this.pushOff = null;
    this.push = null;
    this.view?.destroy();
    this.view = null;
    this.store = null;
  }
}
