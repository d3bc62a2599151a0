// What the panels of the chat view share: the chat state (read through getters, changed only
// through its methods), the view's own state (scroll, details panel, expanded texts), and the
// view's actions (re-render, open a conversation, bind an event until logout).
import type { ChatState } from "../state/chat";
import type { Files } from "../state/files";

export class UiState {
  /** The message list follows new messages (it is scrolled to the bottom). */
  stickBottom = true;
  infoOpen = false;
  /** Keys of long texts the user expanded. */
  expanded = new Set<string>();
  /** The message whose menu is open, and which part of it (message_actions.ts). */
  menu: { seq: number; mode: MenuMode } | null = null;
  /** Messages of blocked users the user chose to show (`<conversation id>:<seq>`). */
  revealed = new Set<string>();
  /** The message being edited in place. */
  editing: number | null = null;
  /** The message the composer's reply answers. */
  replyTo: number | null = null;
  /** After the next render: scroll to this message and flash it (a reply quote was clicked). */
  jumpTo: number | null = null;
  /** After the next render: focus the first element matching this selector in the list. */
  focus: string | null = null;
}

/** The open message menu: its actions, the emoji picker, or the delete confirmation. */
export type MenuMode = "menu" | "react" | "confirm-delete";

export interface ViewContext {
  readonly s: ChatState;
  readonly ui: UiState;
  /** Uploads and download URLs of attachments (disabled without an API service). */
  readonly files: Files;
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
