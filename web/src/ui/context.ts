// What the panels of the chat view share: the chat state (read through getters, changed only
// through its methods), the view's own state (scroll, details panel, expanded texts), and the
// view's actions (re-render, open a conversation, bind an event until logout).
import type { ChatState } from "../state/chat";

export class UiState {
  /** The message list follows new messages (it is scrolled to the bottom). */
  stickBottom = true;
  infoOpen = false;
  /** Keys of long texts the user expanded. */
  expanded = new Set<string>();
}

export interface ViewContext {
  readonly s: ChatState;
  readonly ui: UiState;
  /** Re-render on the next animation frame. */
  schedule(): void;
  /** Opens a conversation (null: the list); `pushHash` updates the URL's #c/<id>. */
  open(id: string | null, pushHash?: boolean): void;
  /** addEventListener, removed when the view is destroyed. */
  on<K extends keyof HTMLElementEventMap>(
    el: EventTarget,
    type: K | string,
    fn: (e: HTMLElementEventMap[K]) => void,
  ): void;
}
