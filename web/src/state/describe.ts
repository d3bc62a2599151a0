// The user-facing sentence for a failed request, and for a refused login.
import type { LoginMode } from "../api/connection";
import { ChatError } from "../api/errors";
import { MAX_CHARS, codePoints } from "../api/wire";

/** `user`: the user a request names (open_direct, block); `peer`: the other user of the direct
 * conversation a send went to. */
export function describeError(
  e: unknown,
  ctx: { text?: string; op?: string; user?: string; peer?: string } = {},
): string {
  if (!(e instanceof ChatError)) return e instanceof Error ? e.message : String(e);
  switch (e.code) {
    case "TOO_LONG": {
      const nums = e.message.match(/\d+/g);
      const n = nums && nums.length >= 2 ? Number(nums[0]) : ctx.text ? codePoints(ctx.text) : NaN;
      const limit = nums && nums.length >= 2 ? Number(nums[1]) : MAX_CHARS;
      return `Message too long (${n} characters; limit ${limit})`;
    }
    case "NOT_MEMBER":
      return "You are not a member of this conversation";
    case "NOT_FOUND":
      return ctx.user ? `No user named "${ctx.user}"` : "Not found: " + e.message;
    case "FORBIDDEN":
      return "Only the group's owner or admins can do that";
    case "GROUP_FULL":
      return "The group is full: " + e.message;
    case "EMPTY_TEXT":
      return "The message is empty";
    case "INVALID_UTF8":
      return "The message contains invalid characters";
    case "RATE_LIMITED":
      return "Too many requests; slow down a little";
    case "NOT_ACCEPTING": // one sentence for a block and for a dm_policy: a block is never revealed
      return `${ctx.user ?? ctx.peer ?? "This user"} does not accept direct messages from you`;
    case "INVALID":
      if (ctx.op === "block") {
        return /yourself/i.test(e.message) ? "You cannot block yourself" : "Cannot block: " + e.message;
      }
      return e.message || "That is not allowed";
    case "NOT_AUTHOR":
      return ctx.op === "edit"
        ? "You can only edit your own messages"
        : "Only the sender, or the group's owner or admins, can delete that message";
    case "EDIT_WINDOW_CLOSED":
      return "That message is too old to edit";
    case "MESSAGE_DELETED":
      return "That message was deleted";
    case "UNKNOWN_MESSAGE":
      return "That message no longer exists here";
    case "BAD_EMOJI":
      return "A reaction must be a single emoji";
    case "NO_CHANGE":
      return ctx.op === "react" ? "That reaction is already as you asked" : "Nothing to change";
    case "OVERLOADED":
    case "UNAVAILABLE":
      return "The server is busy; try again in a moment";
    case "OFFLINE":
    case "DISCONNECTED":
      return "Not connected to the server";
    case "TIMEOUT":
      return "The server did not answer in time";
    default:
      return e.message || e.code;
  }
}

/** The login form's sentence when the broker refuses the credentials. Mosquitto 2.0 answers every
 * refusal from a plugin with the same CONNACK code (0x87 "not authorized"; it cannot send 0x8A
 * "banned"), so a disabled account cannot be told apart here: the sentence names every cause. The
 * broker's log says which one it was. */
export function describeLoginRefusal(mode: LoginMode): string {
  return mode === "token"
    ? "Token rejected: it is invalid or has expired, or the account is disabled"
    : "Wrong username or password, or the account is disabled";
}

/** The login form's sentence when the API service refuses a sign-up or a login. */
export function describeApiRefusal(e: unknown, signup: boolean): string {
  if (!(e instanceof ChatError)) return e instanceof Error ? e.message : String(e);
  switch (e.code) {
    case "UNAUTHENTICATED":
      return "Wrong username or password";
    case "ALREADY_EXISTS":
      return "That username is taken";
    case "RATE_LIMITED":
      return "Too many attempts; try again later";
    case "OVERLOADED":
    case "UNAVAILABLE":
      return "The server is busy; try again in a moment";
    case "INVALID":
    case "FORBIDDEN":
      return (signup ? "Cannot create the account: " : "Cannot sign in: ") + e.message;
    default:
      return e.message || e.code;
  }
}
