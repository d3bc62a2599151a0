// The profiles of the login being shown (state/profiles.ts), for every panel that shows a
// user: the display name instead of the username, the avatar image instead of initials. One
// instance per chat view (set on entering, reset on leaving), read by the render functions.
import { Profiles } from "../state/profiles";
import { avatar } from "./dom";

let current = new Profiles(null);

export function usePeople(p: Profiles | null): void {
  current = p ?? new Profiles(null);
}

export function people(): Profiles {
  return current;
}

/** `user`'s display name, else the username. */
export function nameOf(user: string): string {
  return current.nameOf(user);
}

/** An avatar of `user`: their image when they have one, else their initials. */
export function userAvatar(
  user: string,
  opts: { presence?: "online" | "offline" | null; size?: "s" | "m" } = {},
): HTMLElement {
  return avatar(nameOf(user), { ...opts, src: current.avatarOf(user) });
}
