// The login panel: server, username, password or token; with an API service (api/http_api.ts)
// also "Create an account" (sign-up: username, the password twice).
import type { LoginMode } from "../api/connection";
import { NAME_RE } from "../api/wire";
import { onLangChange, t } from "../i18n/i18n";
import type { Login } from "../state/session";
import { $, setText, show } from "./dom";

let configuredServer: string | undefined; // config.json's broker_ws

/** The broker the page's config.json names (`broker_ws`), for a page not served by the broker. */
export function setConfiguredServer(url: string | undefined): void {
  configuredServer = url;
}

export function defaultServer(): string {
  const q = new URLSearchParams(location.search).get("server");
  if (q) return q;
  if (configuredServer) return configuredServer;
  if (location.protocol === "http:" || location.protocol === "https:") {
    return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`;
  }
  return "ws://127.0.0.1:8083/";
}

let signingUp = false; // the form is the sign-up form

function loginMode(): LoginMode {
  return !signingUp && $<HTMLInputElement>("login-mode-token").checked ? "token" : "password";
}

function submitLabel(): string {
  return signingUp ? t("login.submitSignup") : t("login.signIn");
}

/** Switches between the sign-in and the sign-up form (only offered with an API service). */
function setSigningUp(on: boolean): void {
  signingUp = on;
  relabel();
  show($("login-modes"), !on);
  show($("login-password2-field"), on);
  $<HTMLInputElement>("login-password").autocomplete = on ? "new-password" : "current-password";
  if (on) $<HTMLInputElement>("login-mode-password").checked = true;
  $("login-mode-password").dispatchEvent(new Event("change"));
  setLoginError("");
}

/** The form's texts that depend on sign-in or sign-up (again after a language switch). */
function relabel(): void {
  const on = signingUp;
  setText($("login-tagline"), on ? t("login.taglineSignup") : t("login.tagline"));
  setText($("signup-switch-text"), on ? t("login.haveAccount") : t("login.newHere"));
  setText($("signup-toggle"), on ? t("login.signIn") : t("login.createAccount"));
  if (!$<HTMLButtonElement>("login-submit").disabled) setText($("login-submit"), submitLabel());
}

export function setLoginError(text: string): void {
  const el = $("login-error");
  setText(el, text);
  show(el, text !== "");
}

/** Binds the form; `submit` gets a login that passed the local checks (`signup`: create the
 * account first). `withApi`: an API service is configured, so sign-up is offered. */
export function setupLogin(submit: (l: Login, signup: boolean) => void, withApi = false): void {
  $<HTMLInputElement>("login-server").value = defaultServer();
  show($("signup-switch"), withApi);
  relabel();
  onLangChange(relabel);
  $("signup-toggle").addEventListener("click", () => setSigningUp(!signingUp));
  const syncMode = () => {
    const token = loginMode() === "token";
    show($("login-password-field"), !token);
    show($("login-token-field"), token);
  };
  $("login-mode-password").addEventListener("change", syncMode);
  $("login-mode-token").addEventListener("change", syncMode);
  // An error is about what was typed: it goes once the user changes any field.
  $("login-form").addEventListener("input", () => setLoginError(""));
  $<HTMLFormElement>("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const user = $<HTMLInputElement>("login-user").value.trim();
    const mode = loginMode();
    const secret =
      mode === "token"
        ? $<HTMLTextAreaElement>("login-token").value.trim()
        : $<HTMLInputElement>("login-password").value;
    const server = $<HTMLInputElement>("login-server").value.trim() || defaultServer();
    if (!NAME_RE.test(user)) {
      return setLoginError(t("login.badName"));
    }
    if (!secret) return setLoginError(mode === "token" ? t("login.pasteToken") : t("login.enterPassword"));
    if (signingUp && $<HTMLInputElement>("login-password2").value !== secret) {
      return setLoginError(t("login.passwordsDiffer"));
    }
    setLoginError("");
    submit({ server, user, mode, secret }, signingUp);
  });
}

export function showLogin(error: string, lastUser: string): void {
  show($("chat-view"), false);
  show($("login-view"), true);
  document.title = "mqchat";
  setLoginError(error);
  const btn = $<HTMLButtonElement>("login-submit");
  btn.disabled = false;
  btn.textContent = submitLabel();
  const user = $<HTMLInputElement>("login-user");
  if (!user.value) user.value = lastUser;
  (user.value ? (loginMode() === "token" ? $("login-token") : $("login-password")) : user).focus();
}

export function setLoginBusy(): void {
  const btn = $<HTMLButtonElement>("login-submit");
  btn.disabled = true;
  btn.textContent = signingUp ? t("login.busySignup") : t("login.busy");
}

/** The login was accepted: the password field forgets it. */
export function clearPassword(): void {
  $<HTMLInputElement>("login-password").value = "";
  $<HTMLInputElement>("login-password2").value = "";
}

/** After a sign-up the next form (logout) is the sign-in form. */
export function endSignup(): void {
  if (signingUp) setSigningUp(false);
}

export function prefillUser(user: string): void {
  $<HTMLInputElement>("login-user").value = user;
}
