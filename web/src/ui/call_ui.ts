// Calls in the page (state/call.ts): the voice and video call buttons of the conversation
// header, the incoming-call dialog (accept, decline; it closes when another of my devices takes
// the call or the ringing ends), and the call panel: a tile per device of the call with its
// video (or name) and state ("connecting", "reconnecting", "left"), mute, camera and hang up.
// `?ice=relay` in the page's address sends every connection through TURN (for testing a relay).
import { t } from "../i18n/i18n";
import type { ActiveCall, PeerView } from "../state/call";
import type { ViewContext } from "./context";
import { $, h, setText, show } from "./dom";
import { nameOf } from "./people";

export class CallUi {
  private ringingId = ""; // the call the incoming dialog shows
  private tiles = new Map<string, HTMLLIElement>();

  constructor(private v: ViewContext) {}

  bind(): void {
    const { v } = this;
    const calls = v.s.calls;
    calls.relayOnly = new URLSearchParams(location.search).get("ice") === "relay";
    const start = (video: boolean) => {
      const id = v.s.openId;
      if (id) void calls.start(id, video);
    };
    v.on($("call-audio-btn"), "click", () => start(false));
    v.on($("call-video-btn"), "click", () => start(true));
    v.on($("incoming-form"), "submit", (e) => {
      e.preventDefault();
      this.closeDialog();
      void calls.accept(this.ringingId);
    });
    v.on($("incoming-decline"), "click", () => {
      this.closeDialog();
      void calls.decline(this.ringingId);
    });
    // Escape declines, as the Decline button does.
    v.on($("incoming-call"), "cancel", () => void calls.decline(this.ringingId));
    v.on($("call-mute"), "click", () => calls.toggleMute());
    v.on($("call-camera"), "click", () => calls.toggleCamera());
    v.on($("call-hangup"), "click", () => void calls.hangup());
  }

  render(): void {
    const s = this.v.s;
    const c = s.openConv();
    const canCall = Boolean(c) && c!.kind !== "channel";
    for (const id of ["call-audio-btn", "call-video-btn"]) {
      const b = $<HTMLButtonElement>(id);
      show(b, canCall);
      b.disabled = s.calls.active !== null;
    }
    this.renderIncoming();
    this.renderCall(s.calls.active);
  }

  destroy(): void {
    this.closeDialog();
    this.renderCall(null);
  }

  private renderIncoming(): void {
    const s = this.v.s;
    const r = s.calls.rings.find((x) => x.callId !== s.calls.active?.callId);
    const dlg = $<HTMLDialogElement>("incoming-call");
    if (!r) return this.closeDialog();
    const conv = s.conv(r.conversationId);
    const title = conv ? conv.title(s.me) : "";
    const params = { caller: nameOf(r.caller), title };
    setText($("incoming-what"), t(r.video ? "call.incomingVideo" : "call.incoming", params));
    dlg.dataset.callId = r.callId;
    this.ringingId = r.callId;
    if (!dlg.open) {
      dlg.showModal();
      $("incoming-accept").focus();
    }
  }

  private closeDialog(): void {
    const dlg = $<HTMLDialogElement>("incoming-call");
    if (dlg.open) dlg.close();
  }

  private renderCall(call: ActiveCall | null): void {
    const view = $("call-view");
    show(view, call !== null);
    if (!call) {
      for (const li of this.tiles.values()) li.remove();
      this.tiles.clear();
      return;
    }
    const s = this.v.s;
    const conv = s.conv(call.conversationId);
    setText($("call-title"), t("call.title", { title: conv ? conv.title(s.me) : "" }));
    const status = {
      starting: "call.starting",
      calling: "call.calling",
      joining: "call.joining",
      in_call: "call.inCall",
    } as const;
    setText($("call-status"), t(status[call.phase]));
    view.dataset.phase = call.phase;
    const mute = $("call-mute");
    mute.setAttribute("aria-pressed", String(call.muted));
    const camera = $("call-camera");
    show(camera, call.video);
    camera.setAttribute("aria-pressed", String(call.cameraOff));

    const grid = $("call-grid");
    const seen = new Set<string>();
    const me = { id: "", user: s.me, state: "connected", audio: !call.muted, video: call.video, stream: call.local };
    for (const p of [me as PeerView, ...call.peers]) {
      seen.add(p.id);
      let li = this.tiles.get(p.id);
      if (!li) {
        li = this.tile(p.id === "");
        this.tiles.set(p.id, li);
      }
      this.fill(li, p, p.id === "");
      if (li.parentElement !== grid) grid.append(li);
    }
    for (const [id, li] of this.tiles) {
      if (seen.has(id)) continue;
      li.remove();
      this.tiles.delete(id);
    }
  }

  private tile(local: boolean): HTMLLIElement {
    const video = h("video", { autoplay: true, playsinline: true, "aria-hidden": "true" });
    video.muted = local; // my own voice is not played back to me
    return h(
      "li",
      { class: local ? "call-tile me" : "call-tile" },
      video,
      h("div", { class: "call-who" }, h("span", { class: "name" }), h("span", { class: "call-state" })),
    );
  }

  private fill(li: HTMLLIElement, p: PeerView, local: boolean): void {
    li.dataset.peer = p.id || "me";
    li.dataset.state = p.state;
    const video = li.querySelector("video")!;
    if (video.srcObject !== p.stream) video.srcObject = p.stream;
    li.classList.toggle("no-video", !p.video || !p.stream);
    setText(li.querySelector<HTMLElement>(".name")!, local ? t("call.you") : nameOf(p.user));
    const states: Record<string, string> = {
      connecting: t("call.connecting"),
      reconnecting: t("call.reconnecting"),
      left: t("call.left"),
    };
    const parts = [local ? "" : (states[p.state] ?? ""), p.audio ? "" : t("call.micOff")].filter(Boolean);
    setText(li.querySelector<HTMLElement>(".call-state")!, parts.join(" · "));
  }
}
