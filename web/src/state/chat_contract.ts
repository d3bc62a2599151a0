// What ChatState (chat.ts) needs from outside and tells the outside: the connection it runs over
// (api/connection.ts's Connection, a fake in tests), the app's hooks (login refused, first
// failure, removed from a conversation), and the notice line's shape.
import type { Response } from "../api/wire";
import { ChatError } from "../api/errors";
import type { ConvView } from "./conversation";

export type Notice = { kind: "error" | "info"; text: string; at: number };

/** What ChatState needs of a connection (api/connection.ts's Connection; a fake in tests). */
export interface Transport {
  readonly online: boolean;
  start(): void;
  stop(): void;
  retryNow(): void;
  request(topic: string, body: Record<string, unknown>, timeoutMs?: number): Promise<Response>;
  requestQuiet(topic: string, body: Record<string, unknown>): Promise<Response>;
  watchPresence(users: Iterable<string>): void;
  subscribeChannel(id: string): Promise<void>;
  unsubscribeChannel(id: string): void;
}

export interface ChatHooks {
  authFailed(code: number): void;
  firstFailure(error: string): boolean; // return true to stop (login screen)
  removed(conv: ConvView, byMe: boolean, actor: string): void;
}

/** The request failed because the connection went (dropped, or stopped by a logout). */
export function gone(e: unknown): boolean {
  return e instanceof ChatError && (e.code === "DISCONNECTED" || e.code === "OFFLINE");
}
