// The user-facing sentence for a failed request, and for a refused login.
import type { LoginMode } from "../api/connection";
import { ChatError } from "../api/errors";
import { MAX_CHARS, codePoints } from "../api/wire";
import { t } from "../i18n/i18n";

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
      return t("err.tooLong", { n, limit });
    }
    case "NOT_MEMBER":
      return t("err.notMember");
    case "NOT_FOUND":
      return ctx.user ? t("err.noUser", { user: ctx.user }) : t("err.notFound", { reason: e.message });
    case "FORBIDDEN":
      return t("err.forbidden");
    case "GROUP_FULL":
      return t("err.groupFull", { reason: e.message });
    case "EMPTY_TEXT":
      return t("err.empty");
    case "INVALID_UTF8":
      return t("err.badUtf8");
    case "RATE_LIMITED":
      return t("err.rateLimited");
    case "NOT_ACCEPTING": // one sentence for a block and for a dm_policy: a block is never revealed
      return t("err.notAccepting", { user: ctx.user ?? ctx.peer ?? t("err.thisUser") });
    case "INVALID":
      if (ctx.op === "block") {
        return /yourself/i.test(e.message) ? t("err.blockSelf") : t("err.cannotBlock", { reason: e.message });
      }
      return e.message || t("err.notAllowed");
    case "NOT_AUTHOR":
      return ctx.op === "edit" ? t("err.editOwn") : t("err.deleteOwn");
    case "EDIT_WINDOW_CLOSED":
      return t("err.editWindow");
    case "MESSAGE_DELETED":
      return t("err.msgDeleted");
    case "UNKNOWN_MESSAGE":
      return t("err.unknownMsg");
    case "BAD_EMOJI":
      return t("err.badEmoji");
    case "NO_CHANGE":
      return ctx.op === "react" ? t("err.sameReaction") : t("err.noChange");
    case "OVERLOADED":
    case "UNAVAILABLE":
      return t("err.busy");
    case "OFFLINE":
    case "DISCONNECTED":
      return t("err.offline");
    case "TIMEOUT":
      return t("err.timeout");
    default:
      return e.message || e.code;
  }
}

/** The login form's sentence when the broker refuses the credentials. Mosquitto 2.0 answers every
 * refusal from a plugin with the same CONNACK code (0x87 "not authorized"; it cannot send 0x8A
 * "banned"), so a disabled account cannot be told apart here: the sentence names every cause. The
 * broker's log says which one it was. */
export function describeLoginRefusal(mode: LoginMode): string {
  return mode === "token" ? t("login.refusedToken") : t("login.refusedPassword");
}

/** The login form's sentence when the API service refuses a sign-up or a login. */
export function describeApiRefusal(e: unknown, signup: boolean): string {
  if (!(e instanceof ChatError)) return e instanceof Error ? e.message : String(e);
  switch (e.code) {
    case "UNAUTHENTICATED":
      return t("api.wrongPassword");
    case "ALREADY_EXISTS":
      return t("api.taken");
    case "RATE_LIMITED":
      return t("api.tooManyAttempts");
    case "OVERLOADED":
    case "UNAVAILABLE":
      return t("err.busy");
    case "INVALID":
    case "FORBIDDEN":
      return t(signup ? "api.cannotSignUp" : "api.cannotSignIn", { reason: e.message });
    default:
      return e.message || e.code;
  }
}
