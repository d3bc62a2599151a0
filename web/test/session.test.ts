import assert from "node:assert/strict";
import { test } from "node:test";
import { KeyValueStore, LAST_USER_KEY, SESSION_KEY, SessionStore } from "../src/state/session";

class MemoryStorage implements KeyValueStore {
  items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
  dump(): string {
    return JSON.stringify([...this.items]);
  }
}

const server = "ws://127.0.0.1:8083/";

test("a password login writes no password anywhere, and nothing to resume", () => {
  const session = new MemoryStorage();
  const local = new MemoryStorage();
  const store = new SessionStore(session, local);
  store.accepted({ server, user: "alice", mode: "password", secret: "hunter2-secret" });
  assert.ok(!session.dump().includes("hunter2"), session.dump());
  assert.ok(!local.dump().includes("hunter2"), local.dump());
  assert.equal(local.getItem(LAST_USER_KEY), "alice");
  assert.equal(store.resumable(), null);
  assert.equal(store.lastUser(), "alice");
});

test("a token login is kept for the tab and resumes; logging out forgets it", () => {
  const session = new MemoryStorage();
  const store = new SessionStore(session, new MemoryStorage());
  const login = { server, user: "alice", mode: "token" as const, secret: "a.b.c" };
  store.accepted(login);
  assert.deepEqual(store.resumable(), login);
  store.forget();
  assert.equal(store.resumable(), null);
});

test("a password saved by an older version of the page is removed, never resumed", () => {
  const session = new MemoryStorage();
  session.setItem(SESSION_KEY, JSON.stringify({ server, user: "alice", mode: "password", secret: "old-secret" }));
  const store = new SessionStore(session, new MemoryStorage());
  assert.equal(store.resumable(), null);
  assert.equal(session.getItem(SESSION_KEY), null);
  session.setItem(SESSION_KEY, "{not json");
  assert.equal(store.resumable(), null);
  assert.equal(session.getItem(SESSION_KEY), null);
});

test("a password login after a token login removes the saved token", () => {
  const session = new MemoryStorage();
  const store = new SessionStore(session, new MemoryStorage());
  store.accepted({ server, user: "alice", mode: "token", secret: "a.b.c" });
  store.accepted({ server, user: "alice", mode: "password", secret: "pw" });
  assert.equal(session.getItem(SESSION_KEY), null);
});
