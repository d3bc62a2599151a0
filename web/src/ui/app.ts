// The app's lifecycle: login, a ChatState and a ChatView per login, logout, and resuming a token
// login after a reload (state/session.ts says what is kept; never a password).
import { claimDevice } from "../api/device";
import { ChatState } from "../state/chat";
import { describeLoginRefusal } from "../state/describe";
import { Login, SessionStore } from "../state/session";
import { ChatView } from "./chat_view";
import { clearPassword, prefillUser, setLoginBusy, setupLogin, showLogin } from "./login";

export class App {
  private store: ChatState | null = null;
  private view: ChatView | null = null;
  private session = new SessionStore(sessionStorage, localStorage);

  boot(): void {
    setupLogin((l) => void this.login(l, true));
    const resume = this.session.resumable();
    if (resume) {
      prefillUser(resume.user);
      void this.login(resume, false);
      return;
    }
    showLogin("", this.session.lastUser());
  }

  private async login(l: Login, interactive: boolean): Promise<void> {
    setLoginBusy();
    const device = await claimDevice();
    const creds = { ...l, device };
    let connected = false;
    const s = new ChatState(creds, {
      authFailed: () => {
        s.stop();
        this.session.forget();
        this.close();
        showLogin(describeLoginRefusal(l.mode), this.session.lastUser());
      },
      firstFailure: (error) => {
        if (connected || !interactive) return false; // keep retrying with the banner
        s.stop();
        this.close();
        showLogin(
          `Cannot reach the chat server at ${l.server} (${error || "connection failed"})`,
          this.session.lastUser(),
        );
        return true;
      },
      removed: (conv, byMe, actor) => this.view?.onRemoved(conv, byMe, actor),
    });
    this.store = s;
    s.onChange(() => {
      if (!connected && s.status.state === "online") {
        connected = true;
        this.session.accepted(l);
        clearPassword();
      }
    });
    const view = new ChatView(s, () => this.logout());
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

  private logout(): void {
    this.store?.stop(true);
    this.close();
    this.session.forget();
    location.hash = "";
    showLogin("", this.session.lastUser());
  }

  private close(): void {
    this.view?.destroy();
    this.view = null;
    this.store = null;
  }
}
