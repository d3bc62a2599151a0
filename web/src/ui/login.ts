// The login panel: server, username, password or token.
import type { LoginMode } from "../api/connection";
import { NAME_RE } from "../api/wire";
import type { Login } from "../state/session";
import { $, setText, show } from "./dom";

export function defaultServer(): string {
  const q = new URLSearchParams(location.search).get("server");
  if (q) return q;
  if (location.protocol === "http:" || location.protocol === "https:") {
    return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`;
  }
  return "ws://127.0.0.1:8083/";
}

function loginMode(): LoginMode {
  return $<HTMLInputElement>("login-mode-token").checked ? "token" : "password";
}

export function setLoginError(text: string): void {
  const el = $("login-error");
  setText(el, text);
  show(el, text !== "");
}

/** Binds the form; `submit` gets a login that passed the local checks. */
export function setupLogin(submit: (l: Login) => void): void {
  $<HTMLInputElement>("login-server").value = defaultServer();
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
      return setLoginError("Usernames are 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (!secret) return setLoginError(mode === "token" ? "Paste your token" : "Enter your password");
    setLoginError("");
    submit({ server, user, mode, secret });
  });
}

export function showLogin(error: string, lastUser: string): void {
  show($("chat-view"), false);
  show($("login-view"), true);
  document.title = "mqchat";
  setLoginError(error);
  const btn = $<HTMLButtonElement>("login-submit");
  btn.disabled = false;
  btn.textContent = "Sign in";
  const user = $<HTMLInputElement>("login-user");
  if (!user.value) user.value = lastUser;
  (user.value ? (loginMode() === "token" ? $("login-token") : $("login-password")) : user).focus();
}

export function setLoginBusy(): void {
  const btn = $<HTMLButtonElement>("login-submit");
  btn.disabled = true;
  btn.textContent = "Signing in…";
}

/** The login was accepted: the password field forgets it. */
export function clearPassword(): void {
  $<HTMLInputElement>("login-password").value = "";
}

export function prefillUser(user: string): void {
  $<HTMLInputElement>("login-user").value = user;
}
