// Who the users are, as the API service's profiles say (display name, status, avatar), cached
// per user and fetched once per page (a failure or a 404 is cached as "no profile": the
// username shows). Avatars are fetched with the token (the URL needs it) and shown from object
// URLs. My own profile is re-read after I change it. A `profile` inbox event (anyone's change,
// mine from another page too) replaces the cached profile at once, and after a reconnect every
// cached profile is fetched again (the events are not synced). Without an API there are no
// profiles and every name is the username.
import type { Profile, ProfileApi } from "../api/profiles";
import type { ProfileEvent } from "../api/wire";

interface Entry {
  profile: Profile | null;
  /** An object URL of the avatar image, once fetched. */
  avatarSrc: string | null;
}

export class Profiles {
  private cache = new Map<string, Entry>();
  /** The lookups in flight, by user: each settles once its profile (or its absence) is kept. */
  private pending = new Map<string, Promise<void>>();
  private listeners = new Set<() => void>();
  /** Changes each time a profile arrives (the view's render signatures use it). */
  version = 0;

  constructor(readonly api: ProfileApi | null) {}

  get enabled(): boolean {
    return this.api !== null;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** `user`'s display name, else the username (and the profile is asked for, once). */
  nameOf(user: string): string {
    return this.entry(user)?.profile?.display_name || user;
  }

  /** `user`'s avatar as an image URL, or null (initials instead). */
  avatarOf(user: string): string | null {
    return this.entry(user)?.avatarSrc ?? null;
  }

  profileOf(user: string): Profile | null {
    return this.entry(user)?.profile ?? null;
  }

  /** Settles when the lookup of `user` started by nameOf/avatarOf/profileOf has (the profile, or
   * its absence, is in the cache, the avatar fetched); at once when none is in flight. */
  settled(user: string): Promise<void> {
    return this.pending.get(user) ?? Promise.resolve();
  }

  /** My profile changed (the profile dialog): `p` is what the service answered. */
  async replaced(p: Profile): Promise<void> {
    const old = this.cache.get(p.username);
    if (old?.avatarSrc && old.profile?.avatar === p.avatar && p.avatar) {
      // The same image (its URL changes with it): keep the one fetched.
      this.cache.set(p.username, { profile: p, avatarSrc: old.avatarSrc });
      this.changed();
      return;
    }
    if (old?.avatarSrc) URL.revokeObjectURL(old.avatarSrc);
    this.cache.set(p.username, { profile: p, avatarSrc: null });
    await this.loadAvatar(p);
    this.changed();
  }

  /** A `profile` inbox event: the user's profile as it is now. */
  applyEvent(ev: ProfileEvent): Promise<void> {
    if (!this.api) return Promise.resolve();
    const p: Profile = {
      username: ev.user,
      display_name: ev.display_name,
      status_text: ev.status_text,
      avatar: ev.avatar ? ev.avatar.url : null,
    };
    const task = this.replaced(p);
    // settled(user) waits for it too (a lookup in flight would otherwise overwrite it).
    this.pending.set(
      ev.user,
      task.finally(() => this.pending.delete(ev.user)),
    );
    return task;
  }

  /** Connected again: changes made meanwhile sent no event, so every cached profile is asked
   * for again (each shows as before until its answer comes). */
  refetch(): void {
    if (!this.api) return;
    for (const user of this.cache.keys()) {
      if (this.pending.has(user)) continue;
      this.pending.set(
        user,
        this.fetch(user, true).finally(() => this.pending.delete(user)),
      );
    }
  }

  /** The object URLs go (the page leaves this login). */
  dispose(): void {
    for (const e of this.cache.values()) if (e.avatarSrc) URL.revokeObjectURL(e.avatarSrc);
    this.cache.clear();
    this.listeners.clear();
  }

  private entry(user: string): Entry | undefined {
    const e = this.cache.get(user);
    if (!e && this.api && !this.pending.has(user)) {
      this.pending.set(
        user,
        this.fetch(user).finally(() => this.pending.delete(user)),
      );
    }
    return e;
  }

  private async fetch(user: string, again = false): Promise<void> {
    let profile: Profile | null = null;
    try {
      profile = await this.api!.user(user);
    } catch {
      /* unknown, not visible, or the service is down: the username it is */
      if (again) return; // keep what was shown
    }
    if (again && profile) return this.replaced(profile);
    this.cache.set(user, { profile, avatarSrc: null });
    if (profile) await this.loadAvatar(profile);
    if (profile) this.changed();
  }

  private async loadAvatar(p: Profile): Promise<void> {
    if (!p.avatar || !this.api) return;
    try {
      const blob = await this.api.avatarImage(p.avatar);
      const e = this.cache.get(p.username);
      if (e && e.profile === p) e.avatarSrc = URL.createObjectURL(blob);
    } catch {
      /* initials instead */
    }
  }

  private changed(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }
}
